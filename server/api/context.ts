// Builds the tRPC context of a web request: the runtime's handles plus the session's user.
import "server-only";
import { currentUser } from "@/server/auth/config";
import { webRuntime } from "@/server/web/runtime";
import { createInnerContext } from "./trpc";

export async function createRequestContext(headers: Headers) {
  const { db, secretBox, queue, env } = webRuntime();
  return createInnerContext({
    db,
    secretBox,
    queue,
    sessionUser: await currentUser(),
    ip: headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    bulkApprovalThreshold: env.WAYBILL_BULK_APPROVAL_THRESHOLD,
    allowHttpEndpoints: env.WAYBILL_DEMO,
  });
}
