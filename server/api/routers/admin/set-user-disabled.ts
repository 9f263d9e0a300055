// admin.setUserDisabled: disables or re-enables an account (takes effect on its next request).
import { z } from "zod";
import { setUserDisabled as setUserDisabledService } from "@/server/services/users";
import { permissionProcedure } from "../../trpc";

export const setUserDisabled = permissionProcedure("admin.users")
  .input(z.object({ userId: z.uuid(), isDisabled: z.boolean(), reason: z.string().trim().min(1).max(500) }))
  .mutation(({ ctx, input }) => setUserDisabledService(ctx.db, ctx.actor, input));
