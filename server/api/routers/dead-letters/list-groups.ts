// deadLetters.listGroups: one tenant's open dead letters as issues, grouped by error code x sender
// number x template, with counts, first and last seen, how many failed again after a retry and the
// bulk operation that retried them. Narrowed by the list's filters (status aside: open only).
import { listDeadLetterGroups } from "@/server/db/queries/dead-letters";
import { tenantPermissionProcedure } from "../../trpc";
import {
  toDeadLetterQuery,
  ZDeadLetterGroupsInputSchema,
  ZDeadLetterGroupsOutputSchema,
} from "./dead-letters.types";
import { maskActor } from "./view";
import { isCrossTenantRole } from "@/server/domain/access/permissions";

export const listDeadLetterGroupsProcedure = tenantPermissionProcedure("tenant.read")
  .input(ZDeadLetterGroupsInputSchema)
  .output(ZDeadLetterGroupsOutputSchema)
  .query(async ({ ctx, input }) => {
    const { status: _status, ...query } = toDeadLetterQuery({ ...input, status: "open" }, new Date());
    const result = await listDeadLetterGroups(ctx.db, [ctx.tenant.id], query, input.limit);
    const isStaff = isCrossTenantRole(ctx.user.role);
    return {
      ...result,
      groups: result.groups.map((g) => ({ ...g, lastRetriedBy: maskActor(g.lastRetriedBy, isStaff) })),
    };
  });
