// Bulk retries and discards of dead letters, as recorded operations (bulk_action + its items):
//   prepare  - the dry run: the selection (ids, or a filter frozen into at most 5,000 ids) is
//              assessed (server/domain/dead-letters/assess-retry.ts) and the messages it would act
//              on are frozen as items; nothing is sent;
//   request  - the engineer who ran it confirms with a reason (optionally leaving out the messages
//              likely to fail again): at or below the approval threshold it is approved at once,
//              above it waits for a DIFFERENT engineer;
//   approve / reject - by another engineer (rejection with a reason);
//   execute  - the worker's job: each item through retryMessage / discard with the item's id as
//              the operation id, one short transaction per item recording its outcome, so a re-run
//              (a crash, a retried job) continues where it stopped and repeats nothing.
// Request, approval, rejection and completion are audited; each message's action is in its ledger.
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import {
  bulkProgress,
  listBulkItems,
  listDeadLetterKeys,
  loadRetryCandidates,
  type TBulkItemProgress,
  type TDeadLetterQuery,
} from "@/server/db/queries/dead-letters";
import {
  assessBulk,
  BULK_SELECTION_CAP,
  needsApproval,
  type TAssessment,
  type TBulkKind,
  type TRetryCandidate,
} from "@/server/domain/dead-letters/assess-retry";
import { actorId, actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import { discardDeadLetterInTx, retryDeadLetterInTx } from "./act";
import { shortId } from "@/components/ui/short-id";

/** A dry run older than this must be run again before it is confirmed (the facts may have moved). */
export const PREPARED_TTL_MS = 30 * 60_000;

export type TBulkSelection =
  | { kind: "ids"; items: { tenantId: string; messageId: string }[] }
  | { kind: "filter"; query: Omit<TDeadLetterQuery, "limit" | "after">; description: string };

export type TPrepareInput = {
  kind: TBulkKind;
  /** the tenant page it was prepared on; null: all tenants */
  scopeTenantId: string | null;
  /** the tenants the actor may see (the selection is read inside them only) */
  visibleTenants: { id: string; name: string }[];
  selection: TBulkSelection;
  now: Date;
};

export type TAssessmentSummary = Omit<TAssessment, "items">;

export type TPrepareResult = {
  /** null when nothing in the selection can be acted on (nothing was recorded) */
  bulkActionId: string | null;
  assessment: TAssessmentSummary;
  /** a filter matched exactly this many (frozen into items) */
  frozenFromFilter: number | null;
};

const TX = { maxWait: 10_000, timeout: 60_000 } as const;

function summary(assessment: TAssessment): TAssessmentSummary {
  const { items: _items, ...rest } = assessment;
  return rest;
}

/** The dry run, frozen: assess the selection and record the items it would act on. */
export async function prepareBulkAction(
  db: TDb,
  actor: TActor,
  input: TPrepareInput,
): Promise<TPrepareResult> {
  const scopeIds = input.scopeTenantId ? [input.scopeTenantId] : input.visibleTenants.map((t) => t.id);
  let keys: { tenantId: string; messageId: string }[];
  if (input.selection.kind === "filter") {
    keys = await listDeadLetterKeys(db, scopeIds, input.selection.query, BULK_SELECTION_CAP);
    if (keys.length > BULK_SELECTION_CAP) {
      throw new ServiceError(
        "BAD_REQUEST",
        `the filter matches more than ${BULK_SELECTION_CAP.toLocaleString("en")} dead letters; narrow it (e.g. by tenant, error code or age) and try again`,
      );
    }
  } else {
    keys = input.selection.items;
    if (keys.length > BULK_SELECTION_CAP) {
      throw new ServiceError(
        "BAD_REQUEST",
        `select at most ${BULK_SELECTION_CAP.toLocaleString("en")} messages`,
      );
    }
    const outside = keys.find((k) => !scopeIds.includes(k.tenantId));
    if (outside) {
      // a tenant page acts inside its tenant only; ids of tenants the actor cannot see are refused
      throw new ServiceError("FORBIDDEN", "the selection names a message outside this scope");
    }
  }
  const loaded = await loadRetryCandidates(db, scopeIds, keys);
  // every selected key is assessed: one the query did not return does not exist in that tenant
  const byKey = new Map(loaded.map((c) => [`${c.tenantId}/${c.messageId}`, c]));
  const names = new Map(input.visibleTenants.map((t) => [t.id, t.name]));
  const candidates: TRetryCandidate[] = keys.map(
    (k) =>
      byKey.get(`${k.tenantId}/${k.messageId}`) ?? {
        tenantId: k.tenantId,
        tenantName: names.get(k.tenantId) ?? k.tenantId,
        messageId: k.messageId,
        message: null,
        deadLetter: null,
      },
  );
  const assessment = assessBulk(input.kind, candidates, input.now);
  const frozenFromFilter = input.selection.kind === "filter" ? keys.length : null;
  if (assessment.actionable === 0)
    return { bulkActionId: null, assessment: summary(assessment), frozenFromFilter };

  const id = crypto.randomUUID();
  const act = assessment.items.filter((i) => i.verdict === "act");
  const selection: Prisma.InputJsonObject =
    input.selection.kind === "filter"
      ? { kind: "filter", description: input.selection.description, matched: keys.length }
      : { kind: "ids", selected: keys.length };
  await db.$transaction(async (tx) => {
    await tx.bulkAction.create({
      data: {
        id,
        kind: input.kind,
        status: "prepared",
        scopeTenantId: input.scopeTenantId,
        tenantIds: assessment.tenants.map((t) => t.tenantId),
        selection,
        assessment: JSON.parse(JSON.stringify(summary(assessment))) as Prisma.InputJsonObject,
        itemCount: act.length,
        requestedBy: actorLabel(actor),
        requestedById: actorId(actor),
        preparedAt: input.now,
      },
    });
    await tx.bulkActionItem.createMany({
      data: act.map((item) => ({
        tenantId: item.tenantId,
        bulkActionId: id,
        messageId: item.messageId,
        id: crypto.randomUUID(),
        warnings: item.warnings.map((w) => w.key),
        isLikelyToFail: item.isLikelyToFail,
      })),
    });
  }, TX);
  return { bulkActionId: id, assessment: summary(assessment), frozenFromFilter };
}

type TLockedAction = {
  id: string;
  kind: TBulkKind;
  status: string;
  requested_by: string;
  requested_by_id: string | null;
  prepared_at: Date;
  tenant_ids: string[];
  reason: string | null;
  decided_by: string | null;
};

async function lockAction(tx: TDbTx, id: string): Promise<TLockedAction> {
  const rows = await tx.$queryRaw<TLockedAction[]>`
    SELECT id::text, kind::text AS kind, status::text AS status, requested_by, requested_by_id::text,
           prepared_at, tenant_ids::text[] AS tenant_ids, reason, decided_by
    FROM bulk_action WHERE id = ${id}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new ServiceError("NOT_FOUND", "no such bulk operation");
  return row;
}

/**
 * The audit row of a step in a bulk operation's life. It names the tenant when the operation
 * concerns exactly one, so a tenant's audit view shows it; a cross-tenant operation has none.
 */
function auditBulk(
  tx: TDbTx,
  actor: TActor,
  action: Pick<TLockedAction, "id" | "tenant_ids">,
  auditAction: `dead_letters.bulk_${"requested" | "approved" | "rejected" | "withdrawn" | "done"}`,
  details: { reason?: string; data: Prisma.InputJsonObject },
): Promise<void> {
  return recordAudit(tx, {
    actor,
    action: auditAction,
    tenantId: action.tenant_ids.length === 1 ? action.tenant_ids[0] : null,
    targetType: "bulk_action",
    targetId: action.id,
    ...details,
  });
}

const STATUS_WORDS: Record<string, string> = {
  prepared: "not confirmed yet",
  awaiting_approval: "awaiting approval",
  approved: "approved",
  rejected: "rejected",
  running: "running",
  done: "done",
};

export type TRequestResult = {
  status: "approved" | "awaiting_approval";
  actionCount: number;
  leftOut: number;
  needsApproval: boolean;
  threshold: number;
  /** messages this engineer acted on without a second person within the window, before this one */
  recentUnapprovedVolume: number;
};

/** The rolling window over which one engineer's unapproved bulk volume adds up (24 h). */
export const DEFAULT_BULK_APPROVAL_WINDOW_HOURS = 24;

/** Confirms a dry run with a reason: approved at once at or below the threshold, else awaits approval. */
export async function requestBulkAction(
  db: TDb,
  actor: TActor,
  input: {
    bulkActionId: string;
    reason: string;
    leaveOutLikelyToFail: boolean;
    threshold: number;
    /** the rolling window of the engineer's unapproved volume (default 24 h) */
    windowHours?: number;
    now: Date;
  },
): Promise<TRequestResult> {
  return db.$transaction(async (tx) => {
    const action = await lockAction(tx, input.bulkActionId);
    // one engineer's requests one after another, so two at once cannot each see the other's
    // volume as not yet there (2 x 20 in parallel is still 40)
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`bulk-request:${actorId(actor) ?? actorLabel(actor)}`}, 0))`;
    if (action.requested_by_id === null || action.requested_by_id !== actorId(actor)) {
      throw new ServiceError("FORBIDDEN", "only the engineer who ran this dry run can confirm it");
    }
    if (action.status !== "prepared") {
      throw new ServiceError(
        "CONFLICT",
        `this operation is already ${STATUS_WORDS[action.status] ?? action.status}`,
      );
    }
    if (input.now.getTime() - action.prepared_at.getTime() > PREPARED_TTL_MS) {
      throw new ServiceError(
        "CONFLICT",
        "this dry run is more than 30 minutes old; run it again to see current facts",
      );
    }
    let leftOut = 0;
    if (input.leaveOutLikelyToFail) {
      leftOut = await tx.$executeRaw`
        UPDATE bulk_action_item
        SET outcome = 'left_out', outcome_detail = 'left out when confirmed: likely to fail again',
            processed_at = ${input.now}
        WHERE tenant_id = ANY (${action.tenant_ids}::uuid[]) AND bulk_action_id = ${action.id}::uuid
          AND is_likely_to_fail AND outcome IS NULL`;
    }
    const [{ n: actionCount } = { n: 0 }] = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM bulk_action_item
      WHERE tenant_id = ANY (${action.tenant_ids}::uuid[]) AND bulk_action_id = ${action.id}::uuid
        AND outcome IS NULL`;
    if (actionCount === 0) {
      throw new ServiceError("CONFLICT", "nothing is left to do: every message was left out");
    }
    // the two-person rule counts what this engineer ran alone over a rolling window, so a large
    // operation split into batches at or under the threshold (2 x 20) still needs a second person
    const windowStart = new Date(
      input.now.getTime() - (input.windowHours ?? DEFAULT_BULK_APPROVAL_WINDOW_HOURS) * 3_600_000,
    );
    const [{ n: recentUnapprovedVolume } = { n: 0 }] = await tx.$queryRaw<{ n: number }[]>`
      SELECT coalesce(sum(action_count), 0)::int AS n FROM bulk_action
      WHERE requested_by = ${actorLabel(actor)} AND id <> ${action.id}::uuid
        AND needs_approval = false AND status IN ('approved', 'running', 'done')
        AND requested_at > ${windowStart}`;
    const isApprovalNeeded = needsApproval(actionCount + recentUnapprovedVolume, input.threshold);
    const status = isApprovalNeeded ? "awaiting_approval" : "approved";
    await tx.bulkAction.update({
      where: { id: action.id },
      data: {
        status,
        reason: input.reason,
        threshold: input.threshold,
        needsApproval: isApprovalNeeded,
        actionCount,
        requestedAt: input.now,
      },
    });
    await auditBulk(tx, actor, action, "dead_letters.bulk_requested", {
      reason: input.reason,
      data: {
        kind: action.kind,
        count: actionCount,
        leftOut,
        tenants: action.tenant_ids,
        threshold: input.threshold,
        needsApproval: isApprovalNeeded,
        recentUnapprovedVolume,
      },
    });
    return {
      status,
      actionCount,
      leftOut,
      needsApproval: isApprovalNeeded,
      threshold: input.threshold,
      recentUnapprovedVolume,
    };
  }, TX);
}

/** A second engineer approves an operation above the threshold. Approving one's own is refused. */
export async function approveBulkAction(
  db: TDb,
  actor: TActor,
  input: { bulkActionId: string; note: string | null; now: Date },
): Promise<void> {
  await decideBulkAction(db, actor, { ...input, decision: "approved" });
}

/** Another engineer (or the requester, withdrawing it) rejects an operation awaiting approval. */
export async function rejectBulkAction(
  db: TDb,
  actor: TActor,
  input: { bulkActionId: string; reason: string; now: Date },
): Promise<void> {
  await decideBulkAction(db, actor, { ...input, note: input.reason, decision: "rejected" });
}

/**
 * Records the decision on an operation awaiting approval, with who decided and why, and audits
 * it. An approval must come from another engineer than the requester; a rejection finishes it.
 */
async function decideBulkAction(
  db: TDb,
  actor: TActor,
  input: { bulkActionId: string; note: string | null; now: Date; decision: "approved" | "rejected" },
): Promise<void> {
  const isApproval = input.decision === "approved";
  await db.$transaction(async (tx) => {
    const action = await lockAction(tx, input.bulkActionId);
    if (action.status !== "awaiting_approval") {
      throw new ServiceError(
        "CONFLICT",
        `only an operation awaiting approval can be ${input.decision}; this one is ${STATUS_WORDS[action.status] ?? action.status}`,
      );
    }
    if (isApproval && action.requested_by_id !== null && action.requested_by_id === actorId(actor)) {
      throw new ServiceError(
        "FORBIDDEN",
        "you requested this operation: another engineer must approve it (two people for bulk actions above the threshold)",
      );
    }
    await tx.bulkAction.update({
      where: { id: action.id },
      data: {
        status: input.decision,
        decidedBy: actorLabel(actor),
        decidedById: actorId(actor),
        decidedAt: input.now,
        decisionNote: input.note,
        ...(isApproval ? {} : { finishedAt: input.now }),
      },
    });
    const isWithdrawal =
      !isApproval && action.requested_by_id !== null && action.requested_by_id === actorId(actor);
    await auditBulk(
      tx,
      actor,
      action,
      isApproval
        ? "dead_letters.bulk_approved"
        : isWithdrawal
          ? "dead_letters.bulk_withdrawn"
          : "dead_letters.bulk_rejected",
      {
        reason: input.note ?? undefined,
        data: { kind: action.kind, requestedBy: action.requested_by },
      },
    );
  }, TX);
}

export type TExecuteResult = {
  status: string;
  processed: number;
  retried: number;
  discarded: number;
  skipped: number;
};

const BATCH = 100;

/**
 * Runs an approved operation (the worker's job). Safe to run again or twice at once: each item is
 * one transaction that takes the message's lock, acts with the item's id as the operation id
 * (a repeat reports the first outcome) and records the outcome; finished items are not read again.
 */
export async function executeBulkAction(
  db: TDb,
  input: { bulkActionId: string; clock: () => Date },
): Promise<TExecuteResult> {
  const action = await db.$transaction(async (tx) => {
    const locked = await lockAction(tx, input.bulkActionId);
    if (locked.status === "approved") {
      await tx.bulkAction.update({
        where: { id: locked.id },
        data: { status: "running", startedAt: input.clock() },
      });
    }
    return locked;
  });
  const counts = { processed: 0, retried: 0, discarded: 0, skipped: 0 };
  if (action.status !== "approved" && action.status !== "running") {
    return { status: action.status, ...counts };
  }
  const actor = await requesterActor(db, action);
  const reason = `${action.reason ?? "bulk action"} (bulk ${action.kind} ${shortId(action.id)}${
    action.decided_by ? `, approved by ${action.decided_by}` : ""
  })`;

  for (;;) {
    const batch = await db.bulkActionItem.findMany({
      where: { tenantId: { in: action.tenant_ids }, bulkActionId: action.id, outcome: null },
      select: { tenantId: true, messageId: true, id: true },
      orderBy: [{ tenantId: "asc" }, { messageId: "asc" }],
      take: BATCH,
    });
    if (batch.length === 0) break;
    for (const item of batch) {
      const outcome = await db.$transaction(
        async (tx) => {
          const now = input.clock();
          const itemInput = {
            tenantId: item.tenantId,
            messageId: item.messageId,
            reason,
            operationId: item.id,
            now,
          };
          let result;
          try {
            result =
              action.kind === "retry"
                ? await retryDeadLetterInTx(tx, actor, itemInput)
                : await discardDeadLetterInTx(tx, actor, itemInput);
          } catch (error) {
            if (!(error instanceof ServiceError && error.code === "NOT_FOUND")) throw error;
            result = { outcome: "skipped" as const, detail: "no such message in this tenant" };
          }
          const updated = await tx.bulkActionItem.updateMany({
            where: {
              tenantId: item.tenantId,
              bulkActionId: action.id,
              messageId: item.messageId,
              outcome: null,
            },
            data: {
              outcome: result.outcome,
              attempt: result.outcome === "retried" ? result.attempt : null,
              outcomeDetail:
                result.outcome === "retried"
                  ? `retried as attempt ${result.attempt}`
                  : result.outcome === "discarded"
                    ? "discarded"
                    : `skipped: ${result.detail}`,
              processedAt: now,
            },
          });
          // another runner recorded it meanwhile: count it once
          if (updated.count === 1) {
            await tx.$executeRaw`UPDATE bulk_action SET processed_count = processed_count + 1, updated_at = ${now}
            WHERE id = ${action.id}::uuid`;
          }
          return updated.count === 1 ? result.outcome : null;
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
      if (outcome === null) continue;
      counts.processed += 1;
      if (outcome === "retried") counts.retried += 1;
      if (outcome === "discarded") counts.discarded += 1;
      if (outcome === "skipped") counts.skipped += 1;
    }
  }

  return db.$transaction(async (tx) => {
    const locked = await lockAction(tx, action.id);
    if (locked.status !== "running") return { status: locked.status, ...counts };
    const now = input.clock();
    await tx.bulkAction.update({ where: { id: action.id }, data: { status: "done", finishedAt: now } });
    const progress = (await bulkProgress(tx, [{ id: action.id, tenantIds: action.tenant_ids }])).get(
      action.id,
    );
    await auditBulk(tx, { kind: "system", label: "worker" }, action, "dead_letters.bulk_done", {
      data: {
        kind: action.kind,
        retried: progress?.retried ?? counts.retried,
        discarded: progress?.discarded ?? counts.discarded,
        skipped: progress?.skipped ?? counts.skipped,
        leftOut: progress?.leftOut ?? 0,
      },
    });
    return { status: "done", ...counts };
  });
}

/** The engineer who requested it, named on every ledger action the operation appends. */
async function requesterActor(db: TDb, action: TLockedAction): Promise<TActor> {
  const user = action.requested_by_id
    ? await db.user.findUnique({
        where: { id: action.requested_by_id },
        select: { id: true, email: true, role: true, tenantId: true },
      })
    : null;
  if (user) return { kind: "user", id: user.id, email: user.email, role: user.role, tenantId: user.tenantId };
  return { kind: "system", label: `bulk-action:${action.requested_by}` };
}

export type TBulkActionView = {
  id: string;
  kind: TBulkKind;
  status: "awaiting_approval" | "approved" | "rejected" | "running" | "done";
  /** rejected by its own requester: withdrawn, not refused by a second person */
  isWithdrawn: boolean;
  scopeTenantId: string | null;
  tenantIds: string[];
  selection: Prisma.JsonValue;
  assessment: Prisma.JsonValue;
  itemCount: number;
  actionCount: number;
  reason: string | null;
  threshold: number | null;
  needsApproval: boolean;
  requestedBy: string;
  requestedById: string | null;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: TBulkItemProgress;
};

const EMPTY_PROGRESS: TBulkItemProgress = {
  total: 0,
  pending: 0,
  leftOut: 0,
  skipped: 0,
  discarded: 0,
  retried: 0,
  acknowledged: 0,
  failedAgain: 0,
  awaitingAcknowledgement: 0,
};

/** The latest confirmed operations (those touching `tenantId` only, when given), with progress. */
export async function listBulkActions(
  db: TDb,
  filter: { tenantId: string | null; bulkActionId?: string; limit: number },
): Promise<TBulkActionView[]> {
  const actions = await db.bulkAction.findMany({
    where: {
      requestedAt: { not: null },
      ...(filter.tenantId ? { tenantIds: { has: filter.tenantId } } : {}),
      ...(filter.bulkActionId ? { id: filter.bulkActionId } : {}),
    },
    orderBy: { requestedAt: "desc" },
    take: filter.limit,
  });
  const progress = await bulkProgress(
    db,
    actions.map((a) => ({ id: a.id, tenantIds: a.tenantIds })),
  );
  return actions.flatMap((a) =>
    a.status === "prepared" || a.requestedAt === null
      ? []
      : [
          {
            id: a.id,
            kind: a.kind,
            status: a.status,
            isWithdrawn:
              a.status === "rejected" && a.decidedById !== null && a.decidedById === a.requestedById,
            scopeTenantId: a.scopeTenantId,
            tenantIds: a.tenantIds,
            selection: a.selection,
            assessment: a.assessment,
            itemCount: a.itemCount,
            actionCount: a.actionCount,
            reason: a.reason,
            threshold: a.threshold,
            needsApproval: a.needsApproval,
            requestedBy: a.requestedBy,
            requestedById: a.requestedById,
            requestedAt: a.requestedAt,
            decidedBy: a.decidedBy,
            decidedAt: a.decidedAt,
            decisionNote: a.decisionNote,
            startedAt: a.startedAt,
            finishedAt: a.finishedAt,
            progress: progress.get(a.id) ?? EMPTY_PROGRESS,
          },
        ],
  );
}

/** One operation with its first items (message, outcome, acknowledgement). */
export async function getBulkAction(db: TDb, bulkActionId: string, itemLimit: number) {
  const [action] = await listBulkActions(db, { tenantId: null, bulkActionId, limit: 1 });
  if (!action) throw new ServiceError("NOT_FOUND", "no such bulk operation");
  const items = await listBulkItems(db, { id: action.id, tenantIds: action.tenantIds }, itemLimit);
  return { action, items };
}
