// admin.listAuditActions: the action names the audit trail holds (filter suggestions).
import { z } from "zod";
import { listAuditActions as listAuditActionsQuery } from "@/server/db/queries/platform";
import { permissionProcedure } from "../../trpc";

export const listAuditActions = permissionProcedure("audit.read")
  .output(z.array(z.string()))
  .query(({ ctx }) => listAuditActionsQuery(ctx.db));
