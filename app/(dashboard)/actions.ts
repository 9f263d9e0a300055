"use server";
// POST (server action) sign-out: revokes this session on the server (a copied cookie dies with it),
// clears the cookie and returns to /login.
import { headers } from "next/headers";
import { signOutSession } from "@/server/auth/config";

export async function signOutAction(): Promise<void> {
  await signOutSession(await headers());
}
