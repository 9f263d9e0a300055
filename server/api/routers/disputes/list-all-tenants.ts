// disputes.listAllTenants: disputes across every tenant, for cross-tenant roles ("All tenants").
import { TRPCError } from "@trpc/server";
import { listDisputes as listDisputesQuery } from "@/server/db/queries/disputes";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { permissionProcedure } from "../../trpc";
import { ZDisputeListInputSchema, ZDisputeListOutputSchema } from "./disputes.types";

export const listAllTenantDisputes = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "listing all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZDisputeListInputSchema)
  .output(ZDisputeListOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const { cursor, ...filters } = input;
    const page = await listDisputesQuery(
      ctx.db,
      tenants.map((t) => t.id),
      { ...filters, after: cursor ?? undefined },
    );
    return { items: page.rows, nextCursor: page.nextCursor };
  });
