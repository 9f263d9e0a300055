// A number's health history and its derived view. Facts are appended (deduplicated by content, so
// a re-delivered webhook or a replay adds nothing); after appending, the caller refreshes the
// view in the same transaction: the view row is locked, every fact of the number is read, the
// rules derive the view, and the view, its hold columns and the old sender_number columns (read
// by older screens) are written. The view can therefore never disagree with the history except by
// a rules change, which the drift audit reports and repairs.
import type { TSql } from "@/server/db/sql";
import {
  CURRENT_HEALTH_RULES,
  deriveHealth,
  type THealthRules,
} from "@/server/domain/number-health/derive-health";
import {
  MESSAGING_TIERS,
  type THealthFact,
  type THealthFactSource,
  type TNumberHealth,
} from "@/server/domain/number-health/health-model";
import { activeRestrictions, decideSending, holdStateOf } from "@/server/domain/number-health/sending-hold";
import type { TSenderSnapshot } from "@/server/domain/triggers/sender-events";
import { publishSenderChange } from "@/server/services/triggers/sender-events";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";

export type TNewHealthFact = {
  tenantId: string;
  senderNumberId: string;
  wabaId: string;
  source: THealthFactSource;
  field: string;
  event: string | null;
  providerTimestamp: Date | null;
  value: unknown;
  dedupeKey: string;
  rawWebhookId: string | null;
  actor: string | null;
  now: Date;
};

/** Appends a fact; null when the same fact (same dedupe key) is already in the history. */
export async function appendHealthFact(sql: TSql, fact: TNewHealthFact): Promise<string | null> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO sender_health_event (tenant_id, id, sender_number_id, waba_id, field, event, provider_timestamp,
                                      value, applied, dedupe_key, raw_webhook_id, recorded_at, source, actor)
     VALUES ($1::uuid, gen_random_uuid(), $2::uuid, $3, $4, $5, $6::timestamptz, $7::jsonb, '{}'::jsonb, $8,
             $9::uuid, $10::timestamptz, $11, $12)
     ON CONFLICT (tenant_id, sender_number_id, dedupe_key) DO NOTHING
     RETURNING id::text AS id`,
    [
      fact.tenantId,
      fact.senderNumberId,
      fact.wabaId,
      fact.field,
      fact.event,
      fact.providerTimestamp,
      JSON.stringify(fact.value),
      fact.dedupeKey,
      fact.rawWebhookId,
      fact.now,
      fact.source,
      fact.actor,
    ],
  );
  return rows[0]?.id ?? null;
}

type TFactRow = {
  id: string;
  source: THealthFactSource;
  field: string;
  event: string | null;
  provider_ms: number | null;
  recorded_ms: number;
  value: unknown;
};

export async function loadHealthFacts(
  sql: TSql,
  tenantId: string,
  senderNumberId: string,
): Promise<THealthFact[]> {
  const rows = await sql.query<TFactRow>(
    `SELECT id::text, source, field, event,
            (extract(epoch FROM provider_timestamp) * 1000)::float8 AS provider_ms,
            (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms, value
     FROM sender_health_event
     WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid`,
    [tenantId, senderNumberId],
  );
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    field: r.field,
    event: r.event,
    providerTimestampMs: r.provider_ms === null ? null : Math.round(Number(r.provider_ms)),
    recordedAtMs: Math.round(Number(r.recorded_ms)),
    value: typeof r.value === "string" ? (JSON.parse(r.value) as unknown) : r.value,
  }));
}

/** The old one-column status, kept for screens and rules that still read it. */
export function legacyColumnsOf(health: TNumberHealth, nowMs: number) {
  const hold = holdStateOf(health);
  const status =
    hold.hardHold && hold.hardHold.code !== "token_invalid"
      ? "DISCONNECTED"
      : activeRestrictions(health, nowMs).length > 0
        ? "RESTRICTED"
        : health.flag?.state === "FLAGGED"
          ? "FLAGGED"
          : health.connection?.state === "PENDING"
            ? "PENDING"
            : "CONNECTED";
  const tier = health.messagingLimit?.tier ?? null;
  return {
    status,
    qualityRating: health.quality?.rating ?? "UNKNOWN",
    messagingLimitTier:
      tier !== null && (MESSAGING_TIERS as readonly string[]).includes(tier) ? tier : "UNKNOWN",
  };
}

/** The row's columns as the view writes them (for the write and for the drift audit). */
export function projectionColumns(health: TNumberHealth) {
  const hold = holdStateOf(health);
  return {
    rules_version: health.rulesVersion,
    health: canonicalJson(health),
    hard_hold_code: hold.hardHold?.code ?? null,
    hard_hold_reason: hold.hardHold?.reason ?? null,
    template_hold_reason: hold.templateHold?.reason ?? null,
    template_hold_until_ms: hold.templateHold?.untilMs ?? null,
    override_mode: hold.override?.mode ?? null,
    override_reason: hold.override?.reason ?? null,
    override_by: hold.override?.actor ?? null,
    override_until_ms: hold.override?.expiresAtMs ?? null,
    rate_ceiling: hold.rateCeiling,
  };
}
export type TProjectionColumns = ReturnType<typeof projectionColumns>;

export async function readProjectionColumns(
  sql: TSql,
  tenantId: string,
  senderNumberId: string,
  lock: boolean,
): Promise<TProjectionColumns | null> {
  const rows = await sql.query<TProjectionColumns>(
    `SELECT rules_version, health::text AS health, hard_hold_code, hard_hold_reason, template_hold_reason,
            (extract(epoch FROM template_hold_until) * 1000)::float8 AS template_hold_until_ms,
            override_mode, override_reason, override_by,
            (extract(epoch FROM override_until) * 1000)::float8 AS override_until_ms, rate_ceiling::float8
     FROM sender_health WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid ${lock ? "FOR UPDATE" : ""}`,
    [tenantId, senderNumberId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    // jsonb normalises key order and spacing: compare as canonical JSON
    health: canonicalJson(JSON.parse(row.health)),
    template_hold_until_ms:
      row.template_hold_until_ms === null ? null : Math.round(Number(row.template_hold_until_ms)),
    override_until_ms: row.override_until_ms === null ? null : Math.round(Number(row.override_until_ms)),
    rate_ceiling: row.rate_ceiling === null ? null : Number(row.rate_ceiling),
  };
}

export type TRefreshResult = {
  health: TNumberHealth;
  /** The old columns that changed, {column: {from, to}} (kept in the fact's `applied`). */
  legacyChanges: Record<string, { from: string; to: string }>;
};

/**
 * Re-derives a number's view from its whole history and writes it, under the view row's lock,
 * in the caller's transaction.
 */
/** What the sender events compare: the hold on all messages now, and Meta's quality rating. */
function senderSnapshotOf(health: TNumberHealth, now: Date): TSenderSnapshot {
  const all = decideSending(holdStateOf(health), now.getTime()).all;
  return {
    hold: all ? { code: all.code, reason: all.reason } : null,
    quality: health.quality?.rating ?? null,
    flag: health.flag?.state ?? null,
  };
}

export async function refreshNumberHealth(
  sql: TSql,
  tenantId: string,
  senderNumberId: string,
  now: Date,
  rules: THealthRules = CURRENT_HEALTH_RULES,
): Promise<TRefreshResult> {
  // the row exists from here on, locked: concurrent refreshes of one number run one after another
  await sql.query(
    `INSERT INTO sender_health (tenant_id, sender_number_id, rules_version, health, derived_at)
     VALUES ($1::uuid, $2::uuid, 0, '{}'::jsonb, $3::timestamptz)
     ON CONFLICT (tenant_id, sender_number_id) DO NOTHING`,
    [tenantId, senderNumberId, now],
  );
  await sql.query(
    `SELECT 1 FROM sender_health WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid FOR UPDATE`,
    [tenantId, senderNumberId],
  );
  // the view as it was (rules version 0: the row was created just now)
  const previous = await readProjectionColumns(sql, tenantId, senderNumberId, false);
  const facts = await loadHealthFacts(sql, tenantId, senderNumberId);
  const health = deriveHealth(facts, rules);
  const c = projectionColumns(health);
  await sql.query(
    `UPDATE sender_health SET rules_version = $3, health = $4::jsonb, hard_hold_code = $5, hard_hold_reason = $6,
            template_hold_reason = $7, template_hold_until = to_timestamp($8::float8 / 1000),
            override_mode = $9, override_reason = $10, override_by = $11,
            override_until = to_timestamp($12::float8 / 1000), rate_ceiling = $13::float8, derived_at = $14::timestamptz
     WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid`,
    [
      tenantId,
      senderNumberId,
      c.rules_version,
      c.health,
      c.hard_hold_code,
      c.hard_hold_reason,
      c.template_hold_reason,
      c.template_hold_until_ms,
      c.override_mode,
      c.override_reason,
      c.override_by,
      c.override_until_ms,
      c.rate_ceiling,
      now,
    ],
  );
  // sender.paused / resumed / quality_changed to the tenant's endpoints, in this transaction
  await publishSenderChange(
    sql,
    {
      tenantId,
      senderNumberId,
      cause: "health",
      // no view before (a number's first fact): it was sending, and Meta had rated nothing
      before:
        previous && previous.rules_version > 0
          ? senderSnapshotOf(JSON.parse(previous.health) as TNumberHealth, now)
          : { hold: null, quality: null, flag: null },
      after: senderSnapshotOf(health, now),
      changedBy: "number health",
    },
    now,
  );
  const legacy = legacyColumnsOf(health, now.getTime());
  const before = await sql.query<{ status: string; quality_rating: string; messaging_limit_tier: string }>(
    `SELECT status::text, quality_rating::text, messaging_limit_tier::text FROM sender_number
     WHERE tenant_id = $1::uuid AND id = $2::uuid`,
    [tenantId, senderNumberId],
  );
  const legacyChanges: TRefreshResult["legacyChanges"] = {};
  const prev = before[0];
  if (prev) {
    if (prev.status !== legacy.status) legacyChanges.status = { from: prev.status, to: legacy.status };
    if (prev.quality_rating !== legacy.qualityRating)
      legacyChanges.qualityRating = { from: prev.quality_rating, to: legacy.qualityRating };
    if (prev.messaging_limit_tier !== legacy.messagingLimitTier)
      legacyChanges.messagingLimitTier = { from: prev.messaging_limit_tier, to: legacy.messagingLimitTier };
  }
  if (Object.keys(legacyChanges).length > 0) {
    await sql.query(
      `UPDATE sender_number SET status = $3::sender_status, quality_rating = $4::quality_rating,
              messaging_limit_tier = $5::messaging_limit_tier, updated_at = $6::timestamptz
       WHERE tenant_id = $1::uuid AND id = $2::uuid`,
      [tenantId, senderNumberId, legacy.status, legacy.qualityRating, legacy.messagingLimitTier, now],
    );
  }
  return { health, legacyChanges };
}
