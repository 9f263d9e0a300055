// deadLetters.listBulk / getBulk: the latest bulk operations (those touching one tenant, on a
// tenant page) with status, requester, approver and progress, including how many retries the
// provider has acknowledged; and one operation's items. For operations.read (engineers, admins).
import { z } from "zod";
import type { TDb } from "@/server/db/client";
import { hasPermission } from "@/server/domain/access/permissions";
import {
  getBulkAction,
  listBulkActions,
  type TBulkActionView,
} from "@/server/services/dead-letters/bulk-actions";
import { permissionProcedure, type TAuthedUser } from "../../trpc";
import {
  ZAssessmentSchema,
  ZBulkActionSchema,
  ZBulkItemSchema,
  ZBulkListInputSchema,
} from "./dead-letters.types";
import { bulkScope } from "./scope";

function selectionText(selection: unknown, actionCount: number): string {
  const s = (selection ?? {}) as {
    kind?: unknown;
    description?: unknown;
    matched?: unknown;
    selected?: unknown;
  };
  if (s.kind === "filter" && typeof s.description === "string") {
    return `${s.description} (${typeof s.matched === "number" ? s.matched : actionCount} matched)`;
  }
  return `${typeof s.selected === "number" ? s.selected : actionCount} selected messages`;
}

function toView(action: TBulkActionView, user: TAuthedUser) {
  const isRequester = action.requestedById === user.id;
  const canAct = hasPermission(user.role, "operations.act") && action.status === "awaiting_approval";
  const assessment = ZAssessmentSchema.safeParse(action.assessment);
  return {
    id: action.id,
    kind: action.kind,
    status: action.status,
    isWithdrawn: action.isWithdrawn,
    tenantCount: action.tenantIds.length,
    selectionText: selectionText(action.selection, action.actionCount),
    assessment: assessment.success ? assessment.data : null,
    actionCount: action.actionCount,
    reason: action.reason,
    threshold: action.threshold,
    needsApproval: action.needsApproval,
    requestedBy: action.requestedBy,
    requestedAt: action.requestedAt,
    decidedBy: action.decidedBy,
    decidedAt: action.decidedAt,
    decisionNote: action.decisionNote,
    startedAt: action.startedAt,
    finishedAt: action.finishedAt,
    progress: action.progress,
    viewer: { isRequester, canDecide: canAct && !isRequester, canWithdraw: canAct && isRequester },
  };
}

async function scopedTenant(db: TDb, user: TAuthedUser, tenantId: string | undefined) {
  return (await bulkScope(db, user, tenantId)).scopeTenantId;
}

export const listBulk = permissionProcedure("operations.read")
  .input(ZBulkListInputSchema)
  .output(z.object({ items: z.array(ZBulkActionSchema) }))
  .query(async ({ ctx, input }) => {
    const tenantId = await scopedTenant(ctx.db, ctx.user, input.tenantId);
    const actions = await listBulkActions(ctx.db, { tenantId, limit: input.limit });
    return { items: actions.map((a) => toView(a, ctx.user)) };
  });

export const getBulk = permissionProcedure("operations.read")
  .input(z.object({ bulkActionId: z.uuid() }))
  .output(z.object({ action: ZBulkActionSchema, items: z.array(ZBulkItemSchema) }))
  .query(async ({ ctx, input }) => {
    const { action, items } = await getBulkAction(ctx.db, input.bulkActionId, 200);
    return { action: toView(action, ctx.user), items };
  });
