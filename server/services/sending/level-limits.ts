// Limits above the message (server/domain/sending/level-limits.ts decides): a number's timed
// cool-down (sender_dispatch.cooldown_*) and the circuit breakers of the app and of WABAs
// (provider_circuit), written when an error says so, and the claim's SQL conditions that keep
// every send of a cooling number or of an open circuit's scope waiting, instead of backing off
// message by message into the same wall.
import type { TDbTx } from "@/server/db/client";
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { levelLimitFor, tripCircuit } from "@/server/domain/sending/level-limits";

/** True when sender_dispatch row `d` may not send at `now` (a SQL timestamp expression). */
export function levelBlockedSql(d: string, now: string): string {
  return `((${d}.cooldown_until IS NOT NULL AND ${d}.cooldown_until > ${now})
    OR EXISTS (SELECT 1 FROM provider_circuit pc WHERE pc.open_until > ${now}
                 AND (pc.scope = 'app' OR (pc.scope = 'waba' AND pc.scope_key = (
                   SELECT ls.waba_id FROM sender_number ls WHERE ls.tenant_id = ${d}.tenant_id AND ls.id = ${d}.sender_number_id)))))`;
}

/** Why the number of sender_dispatch row `d` waits at `now`, or NULL (for the message views). */
export function levelBlockedReasonSql(d: string, now: string): string {
  return `(CASE WHEN ${d}.cooldown_until > ${now}
      THEN 'the number cools down until ' || to_char(${d}.cooldown_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC: ' || ${d}.cooldown_reason
    ELSE (SELECT CASE pc.scope WHEN 'app' THEN 'the app''s' ELSE 'the WhatsApp Business Account''s' END
                 || ' circuit breaker is open until ' || to_char(pc.open_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC: ' || pc.reason
          FROM provider_circuit pc WHERE pc.open_until > ${now}
            AND (pc.scope = 'app' OR (pc.scope = 'waba' AND pc.scope_key = (
              SELECT ls.waba_id FROM sender_number ls WHERE ls.tenant_id = ${d}.tenant_id AND ls.id = ${d}.sender_number_id)))
          ORDER BY pc.open_until DESC LIMIT 1) END)`;
}

/** The app's circuit has one row for the whole platform. */
const APP_SCOPE_KEY = "graph";

/**
 * Applies the limit an error code names, if any: cools the number down, or trips the app's or
 * the WABA's circuit. Returns until when that level waits (the message's retry goes no earlier).
 */
export async function applyLevelLimit(
  tx: TDbTx | TSql,
  target: { tenantId: string; senderNumberId: string; code: string },
  now: Date,
): Promise<{ until: Date; reason: string } | null> {
  const q = sqlTemplate(tx);
  const limit = levelLimitFor(target.code);
  if (limit === null) return null;
  if (limit.kind === "cooldown") {
    const until = new Date(now.getTime() + limit.durationMs);
    // a cool-down already running longer is kept
    const rows = await q<{ cooldown_until: Date }>`
      INSERT INTO sender_dispatch (tenant_id, sender_number_id, cooldown_until, cooldown_reason, cooldown_error_code)
      VALUES (${target.tenantId}::uuid, ${target.senderNumberId}::uuid, ${until}, ${limit.reason}, ${target.code})
      ON CONFLICT (tenant_id, sender_number_id) DO UPDATE SET
        cooldown_until = GREATEST(sender_dispatch.cooldown_until, EXCLUDED.cooldown_until),
        cooldown_reason = CASE WHEN sender_dispatch.cooldown_until > EXCLUDED.cooldown_until
                               THEN sender_dispatch.cooldown_reason ELSE EXCLUDED.cooldown_reason END,
        cooldown_error_code = CASE WHEN sender_dispatch.cooldown_until > EXCLUDED.cooldown_until
                                   THEN sender_dispatch.cooldown_error_code ELSE EXCLUDED.cooldown_error_code END
      RETURNING cooldown_until`;
    return { until: rows[0]?.cooldown_until ?? until, reason: limit.reason };
  }
  let scopeKey = APP_SCOPE_KEY;
  if (limit.scope === "waba") {
    const [sender] = await q<{ wabaId: string }>`
      SELECT waba_id AS "wabaId" FROM sender_number
      WHERE tenant_id = ${target.tenantId}::uuid AND id = ${target.senderNumberId}::uuid`;
    if (!sender) return null;
    scopeKey = sender.wabaId;
  }
  // one writer at a time per circuit (the row, or the key's advisory lock before it exists)
  await q`SELECT count(pg_advisory_xact_lock(hashtext(${`provider_circuit:${limit.scope}:${scopeKey}`})))::int AS n`;
  const [existing] = await q<{ openedAt: Date; openUntil: Date; trips: number }>`
    SELECT opened_at AS "openedAt", open_until AS "openUntil", trips::int AS trips FROM provider_circuit
    WHERE scope = ${limit.scope} AND scope_key = ${scopeKey}`;
  const next = tripCircuit(
    existing
      ? {
          openedAt: existing.openedAt.getTime(),
          openUntil: existing.openUntil.getTime(),
          trips: existing.trips,
        }
      : null,
    limit,
    now.getTime(),
  );
  const data = {
    openedAt: new Date(next.openedAt),
    openUntil: new Date(next.openUntil),
    trips: next.trips,
    errorCode: target.code,
    reason: limit.reason,
    updatedAt: now,
  };
  await q`
    INSERT INTO provider_circuit (scope, scope_key, opened_at, open_until, trips, error_code, reason, updated_at)
    VALUES (${limit.scope}, ${scopeKey}, ${data.openedAt}, ${data.openUntil}, ${data.trips}, ${data.errorCode},
            ${data.reason}, ${data.updatedAt})
    ON CONFLICT (scope, scope_key) DO UPDATE SET
      opened_at = EXCLUDED.opened_at, open_until = EXCLUDED.open_until, trips = EXCLUDED.trips,
      error_code = EXCLUDED.error_code, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at`;
  return { until: data.openUntil, reason: limit.reason };
}
