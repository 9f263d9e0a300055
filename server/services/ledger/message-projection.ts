// The message projection: what the message row stores of its ledger (state, explanation, decider,
// conflicts, template pacing, wamid, last error, attempt and event counts, head hash, time to delivered) and the
// fold state the next append goes on from. One UPDATE for the whole batch. Only the ledger writes
// these columns.
import { snapshotDerived } from "@/server/domain/reconciliation/diff-derived";
import type { TLedgerProjector } from "./projector";
import { jsonbArray } from "./rows";

export const messageProjector: TLedgerProjector = {
  name: "message",
  project: async ({ sql, now, messages }) => {
    // a message that only received duplicates keeps its row as it is: no new row version, no
    // index entries (every message index is touched by an update that changes state)
    const changed = messages.filter((m) => !m.isUnchanged);
    if (changed.length === 0) return;
    const rows = changed.map((m) => {
      const snapshot = snapshotDerived(m.derived);
      return {
        m,
        snapshot,
        stateReachedAt: m.derived.since === null ? now : new Date(m.derived.since),
      };
    });
    await sql.query(
      `UPDATE message m SET
         state = u.state::message_state, state_reached_at = u.state_reached_at, state_explanation = u.explanation,
         decider_dedupe_key = u.decider, conflict_kinds = u.conflicts::text[],
         rules_version = u.rules_version, provider_message_id = u.provider_message_id,
         last_error_code = u.last_error_code, attempt_count = u.attempt_count, event_count = u.event_count,
         head_hash = u.head_hash, delivery_latency_ms = u.delivery_latency_ms, fold_state = u.fold_state,
         template_pacing = u.template_pacing, updated_at = $16
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                   $8::int[], $9::text[], $10::text[], $11::int[], $12::int[], $13::text[], $14::int[],
                   ${jsonbArray("$15")}, $17::text[])
         AS u(tenant_id, id, state, state_reached_at, explanation, decider, conflicts, rules_version,
              provider_message_id, last_error_code, attempt_count, event_count, head_hash, delivery_latency_ms,
              fold_state, template_pacing)
       WHERE m.tenant_id = u.tenant_id AND m.id = u.id`,
      [
        rows.map(({ m }) => m.tenantId),
        rows.map(({ m }) => m.messageId),
        rows.map(({ snapshot }) => snapshot.state),
        rows.map(({ stateReachedAt }) => stateReachedAt.toISOString()),
        rows.map(({ snapshot }) => snapshot.explanation),
        rows.map(({ snapshot }) => snapshot.deciderKey),
        // array literals: conflict kinds are identifiers ([a-z_]), nothing to quote
        rows.map(({ snapshot }) => `{${snapshot.conflictKinds.join(",")}}`),
        rows.map(({ snapshot }) => snapshot.rulesVersion),
        rows.map(({ m }) => m.providerMessageId),
        rows.map(({ m }) => m.after.lastErrorCode),
        rows.map(({ m }) => m.after.attemptCount),
        rows.map(({ m }) => m.fold.eventCount),
        rows.map(({ m }) => m.fold.headHash),
        rows.map(({ m }) => m.after.deliveryLatencyMs),
        JSON.stringify(rows.map(({ m }) => m.fold)),
        now.toISOString(),
        rows.map(({ m }) => m.derived.pacing),
      ],
    );
  },
};
