// The stall sweep (a periodic job): messages that stay too long in a waiting state get a
// `stalled_detected` ledger event (once per stall episode: the key names the deciding fact) and
// an alert scoped to their tenant and sender number; alerts of messages that moved on resolve;
// and the share of stalled messages per tenant and per number is sampled, so a jump above its
// recent baseline raises a cohort alert. Stalled is a flag computed by the domain's isStalled,
// never a state (docs/reconciliation.md section 7).
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import {
  baselineShare,
  decideStalledShare,
  type TShareSample,
  type TStalledShareRules,
} from "@/server/domain/monitoring/stalled-share";
import { isStalled, stallDeadline, type TStallThresholds } from "@/server/domain/reconciliation/is-stalled";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { appendEvents } from "@/server/services/ledger/append-events";
import { alertKeys, raiseAlert, resolveAlertsByKey, resolveStalledAlertsForMoves } from "./alerts";
import { loadStallThresholds } from "./stall-thresholds";

export type TStallSweepConfig = {
  now: Date;
  cohort: TStalledShareRules & { baselineMinutes: number };
  /** newly stalled messages flagged per tenant and state per run (the rest wait for the next) */
  limitPerState: number;
  /** only these tenants (default: all) */
  tenantIds?: readonly string[];
};

export type TStallSweepReport = {
  tenants: number;
  flagged: number;
  resolved: number;
  cohortOpened: number;
  cohortResolved: number;
};

type TCandidate = {
  id: string;
  sender_number_id: string;
  state: TMessageState;
  state_reached_at: Date;
  decider_dedupe_key: string | null;
  not_before: bigint | number | null;
  template_pacing: "held_for_quality_assessment" | "paused" | null;
};

/** The `held` threshold as a SQL value: null means a held message is never flagged. */
function heldMs(thresholds: TStallThresholds): number | null {
  return thresholds.held ?? null;
}

function thresholdArrays(thresholds: TStallThresholds) {
  // `held` is not a state: it refines `accepted` (heldMs below)
  const entries = Object.entries(thresholds).filter(
    (e): e is [string, number] => e[1] !== undefined && e[0] !== "held",
  );
  return { states: entries.map(([s]) => s), ms: entries.map(([, v]) => v) };
}

export async function detectStalled(db: TDb, config: TStallSweepConfig): Promise<TStallSweepReport> {
  const report: TStallSweepReport = {
    tenants: 0,
    flagged: 0,
    resolved: 0,
    cohortOpened: 0,
    cohortResolved: 0,
  };
  const tenants = await db.tenant.findMany({
    where: config.tenantIds ? { id: { in: [...config.tenantIds] } } : {},
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const thresholdsByTenant = await loadStallThresholds(
    db,
    tenants.map((t) => t.id),
  );
  for (const { id: tenantId } of tenants) {
    report.tenants += 1;
    const thresholds = thresholdsByTenant.get(tenantId)!;
    const flagged = await flagStalledMessages(db, tenantId, thresholds, config);
    report.flagged += flagged;
    report.resolved += await resolveMovedOn(db, tenantId, config.now);
    const cohort = await sampleStalledShare(db, tenantId, thresholds, config);
    report.cohortOpened += cohort.opened;
    report.cohortResolved += cohort.resolved;
  }
  return report;
}

async function flagStalledMessages(
  db: TDb,
  tenantId: string,
  thresholds: TStallThresholds,
  config: TStallSweepConfig,
): Promise<number> {
  const { states, ms } = thresholdArrays(thresholds);
  if (states.length === 0) return 0;
  // served by message_tenant_id_state_state_reached_at_idx (partial: waiting states only)
  const candidates = await db.$queryRaw<TCandidate[]>`
    SELECT m.id::text AS id, m.sender_number_id::text AS sender_number_id, m.state::text AS state,
           m.state_reached_at, m.decider_dedupe_key, (e.body->>'notBefore')::bigint AS not_before,
           m.template_pacing
    FROM unnest(${states}::text[]::message_state[], ${ms}::bigint[]) AS t(state, threshold_ms)
    CROSS JOIN LATERAL (
      SELECT * FROM message m
      WHERE m.tenant_id = ${tenantId}::uuid AND m.state = t.state
        -- a retry is measured from its due time, which the row does not hold: checked below
        AND (t.state = 'retrying' OR m.state_reached_at < ${config.now}::timestamptz - t.threshold_ms * interval '1 millisecond')
        -- a message Meta holds under template pacing has its own (longer) threshold
        AND (m.template_pacing IS NULL OR m.state_reached_at < ${config.now}::timestamptz - ${heldMs(thresholds)}::bigint * interval '1 millisecond')
      ORDER BY m.state_reached_at
      LIMIT ${config.limitPerState}
    ) m
    LEFT JOIN message_event e ON m.state = 'retrying' AND e.tenant_id = m.tenant_id AND e.message_id = m.id
      AND e.dedupe_key = m.decider_dedupe_key`;
  const stalled = candidates.filter((c) =>
    isStalled(
      {
        state: c.state,
        since: c.state_reached_at.getTime(),
        retryDueAt: c.not_before === null ? null : Number(c.not_before),
        pacing: c.template_pacing,
      },
      config.now.getTime(),
      thresholds,
    ),
  );
  if (stalled.length === 0) return 0;
  const keyOf = (c: TCandidate) => dedupeKey.worker(`stalled:${c.decider_dedupe_key ?? "none"}`);
  // one flag per stall episode: an episode already flagged (alert open, or resolved by hand
  // while the message is still stuck) is not flagged again
  const already = await db.$queryRaw<{ message_id: string }[]>`
    SELECT e.message_id::text AS message_id FROM message_event e
    JOIN unnest(${stalled.map((c) => c.id)}::uuid[], ${stalled.map(keyOf)}::text[]) AS q(message_id, dedupe_key)
      ON e.tenant_id = ${tenantId}::uuid AND e.message_id = q.message_id AND e.dedupe_key = q.dedupe_key`;
  const done = new Set(already.map((a) => a.message_id));
  let flagged = 0;
  for (const candidate of stalled.filter((c) => !done.has(c.id))) {
    const since = candidate.state_reached_at.getTime();
    const retryDueAt = candidate.not_before === null ? null : Number(candidate.not_before);
    const pacing = candidate.template_pacing;
    const deadline = stallDeadline({ state: candidate.state, since, retryDueAt, pacing }, thresholds);
    const threshold =
      (pacing !== null ? thresholds.held : thresholds[candidate.state as keyof TStallThresholds]) ?? 0;
    await db.$transaction(async (tx) => {
      const result = await appendEvents(
        tx,
        tenantId,
        candidate.id,
        [
          {
            type: "stalled_detected",
            source: "worker",
            providerTimestamp: null,
            dedupeKey: keyOf(candidate),
            payload: {
              state: candidate.state,
              deciderKey: candidate.decider_dedupe_key,
              thresholdMs: threshold,
              stalledAt: deadline,
            },
          },
        ],
        { now: config.now },
      );
      if (result.appended.length === 0) return; // a concurrent sweep flagged it first
      await raiseAlert(
        tx,
        {
          tenantId,
          senderNumberId: candidate.sender_number_id,
          kind: "message_stalled",
          dedupeKey: alertKeys.messageStalled(candidate.id, candidate.decider_dedupe_key),
          severity:
            candidate.state === "submitting" || candidate.state === "retrying" ? "critical" : "warning",
          title: `Message stalled in ${candidate.state}${pacing !== null ? " (held by Meta's template pacing)" : ""}`,
          details: {
            state: candidate.state,
            deciderKey: candidate.decider_dedupe_key,
            since: new Date(since).toISOString(),
            stalledAt: deadline === null ? null : new Date(deadline).toISOString(),
            thresholdSeconds: threshold / 1000,
          },
          messageId: candidate.id,
          isNewOccurrence: true,
        },
        config.now,
      );
      flagged += 1;
    });
  }
  return flagged;
}

/**
 * Stalled alerts whose message has another deciding fact now: resolved, naming the new state,
 * through the alerts' one way (alert.resolved to the tenant's endpoints, operator channels).
 */
async function resolveMovedOn(db: TDb, tenantId: string, now: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    const moved = await tx.$queryRaw<{ message_id: string; state: string; decider: string | null }[]>`
      SELECT m.id::text AS message_id, m.state::text AS state, m.decider_dedupe_key AS decider
      FROM alert a
      JOIN message m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
      WHERE a.tenant_id = ${tenantId}::uuid AND a.kind = 'message_stalled' AND a.status <> 'resolved'
        AND m.decider_dedupe_key IS DISTINCT FROM (a.details->>'deciderKey')`;
    return resolveStalledAlertsForMoves(
      tx,
      moved.map((m) => ({ tenantId, messageId: m.message_id, state: m.state, deciderKey: m.decider })),
      now,
    );
  });
}

async function sampleStalledShare(
  db: TDb,
  tenantId: string,
  thresholds: TStallThresholds,
  config: TStallSweepConfig,
): Promise<{ opened: number; resolved: number }> {
  const { states, ms } = thresholdArrays(thresholds);
  const counts =
    states.length === 0
      ? []
      : await db.$queryRaw<{ sender_number_id: string; waiting: number; stalled: number }[]>`
          SELECT m.sender_number_id::text AS sender_number_id, count(*)::int AS waiting,
                 count(*) FILTER (WHERE m.state_reached_at < ${config.now}::timestamptz - t.threshold_ms * interval '1 millisecond'
                   AND (m.template_pacing IS NULL OR m.state_reached_at < ${config.now}::timestamptz - ${heldMs(thresholds)}::bigint * interval '1 millisecond'))::int AS stalled
          FROM unnest(${states}::text[]::message_state[], ${ms}::bigint[]) AS t(state, threshold_ms)
          JOIN message m ON m.tenant_id = ${tenantId}::uuid AND m.state = t.state
          GROUP BY m.sender_number_id`;
  const from = new Date(config.now.getTime() - config.cohort.baselineMinutes * 60_000);
  const history = await db.$queryRaw<{ sender_number_id: string | null; waiting: number; stalled: number }[]>`
    SELECT sender_number_id::text AS sender_number_id, waiting, stalled FROM stall_share_sample
    WHERE tenant_id = ${tenantId}::uuid AND sampled_at >= ${from} AND sampled_at < ${config.now}`;
  const open = await db.alert.findMany({
    where: { tenantId, kind: "stalled_share_jump", status: { not: "resolved" } },
    select: { senderNumberId: true, details: true },
  });

  const current = new Map<string | null, TShareSample>();
  const total: TShareSample = { waiting: 0, stalled: 0 };
  for (const c of counts) {
    current.set(c.sender_number_id, { waiting: c.waiting, stalled: c.stalled });
    total.waiting += c.waiting;
    total.stalled += c.stalled;
  }
  current.set(null, total);
  for (const alert of open)
    if (!current.has(alert.senderNumberId)) current.set(alert.senderNumberId, { waiting: 0, stalled: 0 });

  let opened = 0;
  let resolved = 0;
  await db.$transaction(async (tx) => {
    for (const [senderNumberId, sample] of current) {
      const baseline = baselineShare(history.filter((h) => h.sender_number_id === senderNumberId));
      const openAlert = open.find((a) => a.senderNumberId === senderNumberId);
      const openBaseline = (openAlert?.details as { baselineShare?: number } | undefined)?.baselineShare;
      const decision = decideStalledShare(
        sample,
        baseline,
        openAlert ? { baselineShare: openBaseline ?? 0 } : null,
        config.cohort,
      );
      const key = alertKeys.stalledShare(senderNumberId);
      const scope = senderNumberId === null ? "tenant" : "sender number";
      switch (decision.action) {
        case "open":
        case "keep":
          await raiseAlert(
            tx,
            {
              tenantId,
              senderNumberId,
              kind: "stalled_share_jump",
              dedupeKey: key,
              severity: "critical",
              title: `Stalled share of the ${scope} jumped to ${Math.round(decision.share * 100)}%`,
              details: {
                share: decision.share,
                baselineShare: decision.action === "open" ? decision.baselineShare : (openBaseline ?? 0),
                waiting: sample.waiting,
                stalled: sample.stalled,
              },
              isNewOccurrence: false,
            },
            config.now,
          );
          if (decision.action === "open") opened += 1;
          break;
        case "resolve":
          resolved += await resolveAlertsByKey(
            tx,
            tenantId,
            [key],
            `stalled share back to ${Math.round(decision.share * 100)}%`,
            config.now,
          );
          break;
        case "none":
          break;
        default: {
          const unreachable: never = decision;
          throw new Error(`unhandled decision ${JSON.stringify(unreachable)}`);
        }
      }
    }
    const samples = [...current].map(([senderNumberId, s]) => ({
      sender_number_id: senderNumberId,
      waiting: s.waiting,
      stalled: s.stalled,
    }));
    await tx.$executeRaw`
      INSERT INTO stall_share_sample (tenant_id, sender_number_id, sampled_at, waiting, stalled)
      SELECT ${tenantId}::uuid, r.sender_number_id, ${config.now}, r.waiting, r.stalled
      FROM jsonb_to_recordset(${JSON.stringify(samples)}::jsonb) AS r(sender_number_id uuid, waiting int, stalled int)`;
  });
  return { opened, resolved };
}
