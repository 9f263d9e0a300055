// Builds the tRPC context of a web request: the runtime's handles plus the session's user.
import "server-only";
import { currentUser } from "@/server/auth/config";
import { webRuntime } from "@/server/web/runtime";
import { createInnerContext, createSessionCheckMemo } from "./trpc";

export async function createRequestContext(headers: Headers) {
  const { db, secretBox, queue, env, clientIp } = webRuntime();
  return createInnerContext({
    db,
    secretBox,
    queue,
    sessionUser: await currentUser(),
    ip: clientIp(headers),
    bulkApprovalThreshold: env.WAYBILL_BULK_APPROVAL_THRESHOLD,
    allowHttpEndpoints: env.WAYBILL_DEMO,
    // one context serves one request, so its procedures share one re-read of the account
    sessionCheck: createSessionCheckMemo(),
  });
}
