// deadLetters.listAllTenants: the same list across every tenant, for cross-tenant roles (the
// per-tenant query once per visible tenant, merged; no index spans tenants).
import { TRPCError } from "@trpc/server";
import { listDeadLetters } from "@/server/db/queries/dead-letters";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { permissionProcedure } from "../../trpc";
import {
  toDeadLetterQuery,
  ZDeadLetterListInputSchema,
  ZDeadLetterListOutputSchema,
} from "./dead-letters.types";
import { forViewer } from "./view";

export const listAllTenantDeadLetters = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "listing all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZDeadLetterListInputSchema)
  .output(ZDeadLetterListOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const page = await listDeadLetters(
      ctx.db,
      tenants.map((t) => t.id),
      {
        ...toDeadLetterQuery(input, new Date()),
        ...(input.cursor ? { after: input.cursor } : {}),
        limit: input.limit,
      },
    );
    return { items: page.rows.map((row) => forViewer(row, ctx.user.role)), nextCursor: page.nextCursor };
  });
