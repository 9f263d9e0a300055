// Builds tRPC callers for integration tests with any session user (the inner context).
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import type { TDb } from "@/server/db/client";
import type { TSessionUser } from "@/server/auth/session";
import { testSecretBox } from "./context";

export function callerFor(db: TDb, user: TSessionUser | null) {
  return createCaller(
    createInnerContext({
      db,
      secretBox: testSecretBox,
      queue: () => Promise.reject(new Error("no queue in this test")),
      sessionUser: user,
      ip: "127.0.0.1",
    }),
  );
}

/** What a procedure call ended in: "OK", or the tRPC error code it was refused with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
