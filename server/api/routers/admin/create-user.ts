// admin.createUser
import { ZCreateUserSchema } from "@/server/services/inputs";
import { createUser as createUserService } from "@/server/services/users";
import { permissionProcedure } from "../../trpc";

export const createUser = permissionProcedure("admin.users")
  .input(ZCreateUserSchema)
  .mutation(({ ctx, input }) => createUserService(ctx.db, ctx.actor, input));
