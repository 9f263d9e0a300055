// sending.listInDoubt: attempts started whose outcome was never recorded (a worker died between
// the call and the record, or the call timed out), oldest first, across tenants or for one.
import { listInDoubtAttempts } from "@/server/services/sending/in-doubt";
import { permissionProcedure } from "../../trpc";
import { ZListInDoubtInputSchema, ZListInDoubtOutputSchema } from "./sending.types";

export const listInDoubt = permissionProcedure("operations.read")
  .input(ZListInDoubtInputSchema)
  .output(ZListInDoubtOutputSchema)
  .query(({ ctx, input }) =>
    listInDoubtAttempts(
      ctx.db,
      { tenantId: input.tenantId ?? null, olderThanMs: input.olderThanSeconds * 1000, limit: input.limit },
      new Date(),
    ),
  );
