// sending.listSenders: a tenant's sender numbers as the dispatcher sees them (queue depth, due
// and in-flight counts, throttling, pause). sending.listPausedSenders: every paused number across
// tenants, for engineers (each one is an open alert).
import { hasPermission } from "@/server/domain/access/permissions";
import { listSenderDispatch } from "@/server/services/sending/sender-control";
import { permissionProcedure, tenantPermissionProcedure } from "../../trpc";
import {
  ZListPausedSendersInputSchema,
  ZListSendersInputSchema,
  ZListSendersOutputSchema,
} from "./sending.types";

export const listSenders = tenantPermissionProcedure("tenant.read")
  .input(ZListSendersInputSchema)
  .output(ZListSendersOutputSchema)
  .query(({ ctx, input }) =>
    listSenderDispatch(
      ctx.db,
      {
        tenantId: ctx.tenant.id,
        isPausedOnly: input.isPausedOnly,
        isActorShown: hasPermission(ctx.user.role, "operations.read"),
      },
      new Date(),
    ),
  );

export const listPausedSenders = permissionProcedure("operations.read")
  .input(ZListPausedSendersInputSchema)
  .output(ZListSendersOutputSchema)
  .query(({ ctx, input }) =>
    listSenderDispatch(ctx.db, { tenantId: input.tenantId ?? null, isPausedOnly: true }, new Date()),
  );
