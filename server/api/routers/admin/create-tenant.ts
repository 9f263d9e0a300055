// admin.createTenant
import { ZCreateTenantSchema } from "@/server/services/inputs";
import { createTenant as createTenantService } from "@/server/services/tenants";
import { permissionProcedure } from "../../trpc";

export const createTenant = permissionProcedure("admin.tenants")
  .input(ZCreateTenantSchema)
  .mutation(({ ctx, input }) => createTenantService(ctx.db, ctx.actor, input));
