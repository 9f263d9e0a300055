// admin.listAuditEvents: the platform audit trail, newest first, cursor-paginated.
import { z } from "zod";
import { listAuditEvents as listAuditEventsQuery } from "@/server/db/queries/platform";
import { permissionProcedure } from "../../trpc";

export const listAuditEvents = permissionProcedure("audit.read")
  .input(
    z.object({
      tenantId: z.uuid().optional(),
      action: z.string().max(100).optional(),
      /** part of the actor's label, any case: an email, "cli:", "system" */
      actor: z.string().trim().min(1).max(200).optional(),
      cursor: z.bigint().optional(),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  )
  .query(({ ctx, input }) => listAuditEventsQuery(ctx.db, input));
