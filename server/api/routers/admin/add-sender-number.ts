// admin.addSenderNumber: registers a sender number; its access token is encrypted at rest.
import { ZAddSenderNumberSchema } from "@/server/services/inputs";
import { addSenderNumber as addSenderNumberService } from "@/server/services/tenants";
import { permissionProcedure } from "../../trpc";

export const addSenderNumber = permissionProcedure("admin.tenants")
  .input(ZAddSenderNumberSchema)
  .mutation(({ ctx, input }) => addSenderNumberService(ctx.db, ctx.secretBox, ctx.actor, input));
