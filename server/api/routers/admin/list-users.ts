// admin.listUsers
import { listUsers as listUsersQuery } from "@/server/db/queries/platform";
import { permissionProcedure } from "../../trpc";

export const listUsers = permissionProcedure("admin.users").query(({ ctx }) => listUsersQuery(ctx.db));
