"use server";
// POST (server action) sign-out: clears the session cookie and returns to /login.
import { signOut } from "@/server/auth/config";

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
