// operations.queues: per tenant, the send queue (depth, due now, oldest due), paused numbers and
// in-doubt attempts; the pg-boss queues with waiting, active and recently failed jobs.
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { readQueues } from "@/server/services/operations-overview";
import { permissionProcedure } from "../../trpc";
import { ZQueuesOutputSchema } from "./operations.types";

/** Same as sending.listInDoubt's default: younger attempts may still be answered. */
const IN_DOUBT_AFTER_MS = 120_000;
const FAILED_WINDOW_MS = 24 * 3_600_000;

export const getQueues = permissionProcedure("operations.read")
  .output(ZQueuesOutputSchema)
  .query(async ({ ctx }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return readQueues(
      ctx.db,
      tenants.map((t) => t.id),
      new Date(),
      { inDoubtAfterMs: IN_DOUBT_AFTER_MS, failedWindowMs: FAILED_WINDOW_MS },
    );
  });
