// Operator actions on one message from the console: a note on its ledger, a forced
// re-reconciliation, and the audited reveal of its recipient's number. Every action is written
// where the timeline reads it (the ledger) or where reviews read it (the audit trail), with the
// actor, in the same transaction as its effect.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { findRecipient } from "@/server/db/queries/messages";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { diffDerived, ZDerivedSnapshotSchema } from "@/server/domain/reconciliation/diff-derived";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import type { TEventDraft } from "@/server/services/ledger/rows";

export type TAnnotateInput = { tenantId: string; messageId: string; note: string; now: Date };

/** Appends an annotation (actor, note) to the message's ledger; the state never changes (R2). */
export async function annotateMessage(db: TDb, actor: TActor, input: TAnnotateInput) {
  const result = await db.$transaction((tx) =>
    appendEvents(
      tx,
      input.tenantId,
      input.messageId,
      [
        {
          type: "annotation",
          source: "operator",
          providerTimestamp: null,
          dedupeKey: dedupeKey.operator(crypto.randomUUID()),
          payload: {},
          actor: actorLabel(actor),
          note: input.note,
        },
      ],
      { now: input.now },
    ),
  );
  const event = result.appended[0];
  if (!event) throw new Error("annotation was not appended");
  return { eventId: event.id, state: result.derived.state };
}

export type TForceReconcileInput = { tenantId: string; messageId: string; reason: string; now: Date };

/**
 * Re-derives the message's state from its ledger and repairs the stored projection when it
 * drifted, in one transaction: manual_action force_reconcile (who asked, why), then, only when the
 * stored projection differed, state_recomputed (from -> to, rules version), the same repair record
 * the drift audit (auditDrift) writes. Not auditDrift itself: appending the manual_action already
 * rewrites the projection (appendEvents keeps it equal to the ledger), so a drift audit run after
 * it would never see the drift it was asked to repair, and one run before it would put the repair
 * ahead of the request on the timeline.
 */
export async function forceReconcileMessage(db: TDb, actor: TActor, input: TForceReconcileInput) {
  const label = actorLabel(actor);
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      {
        state: string;
        rules_version: number;
        decider_dedupe_key: string | null;
        conflict_kinds: string[];
        state_explanation: string;
      }[]
    >`
      SELECT state::text AS state, rules_version, decider_dedupe_key, conflict_kinds, state_explanation
      FROM message WHERE tenant_id = ${input.tenantId}::uuid AND id = ${input.messageId}::uuid FOR UPDATE`;
    if (!locked) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
    const stored = ZDerivedSnapshotSchema.safeParse({
      rulesVersion: locked.rules_version,
      state: locked.state,
      deciderKey: locked.decider_dedupe_key,
      conflictKinds: locked.conflict_kinds,
      explanation: locked.state_explanation,
    });
    const recomputed = deriveState(await loadChain(tx, input.tenantId, input.messageId), CURRENT_RULES);
    const diff = stored.success ? diffDerived(stored.data, recomputed) : null;
    // an unreadable stored projection (e.g. a state no rules version knows) is drift too
    const isDrifted = diff === null || diff.isChanged;
    const drafts: TEventDraft[] = [
      {
        type: "manual_action",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.operator(crypto.randomUUID()),
        payload: {},
        action: "force_reconcile",
        actor: label,
        reason: input.reason,
      },
    ];
    if (isDrifted) {
      drafts.push({
        type: "state_recomputed",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.operator(crypto.randomUUID()),
        payload: { actor: label, reason: input.reason },
        rulesVersion: CURRENT_RULES.version,
        fromState: locked.state,
        toState: recomputed.state,
      });
    }
    await appendEvents(tx, input.tenantId, input.messageId, drafts, { now: input.now });
    return {
      isRepaired: isDrifted,
      stateChange: locked.state === recomputed.state ? null : { from: locked.state, to: recomputed.state },
      summary: isDrifted
        ? locked.state === recomputed.state
          ? `repaired: explanation or conflicts re-derived, state stays ${recomputed.state}`
          : `repaired: ${locked.state} -> ${recomputed.state}`
        : "no drift: the stored state already matches the ledger",
    };
  });
}

export type TRevealInput = { tenantId: string; messageId: string; ip: string | null };

/** The recipient's full number, written to the audit trail as message.recipient_revealed. */
export async function revealRecipient(db: TDb, actor: TActor, input: TRevealInput) {
  return db.$transaction(async (tx) => {
    const recipient = await findRecipient(tx, input.tenantId, input.messageId);
    if (recipient === null) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
    await recordAudit(tx, {
      actor,
      action: "message.recipient_revealed",
      tenantId: input.tenantId,
      targetType: "message",
      targetId: input.messageId,
      ip: input.ip,
    });
    return { recipient: `+${recipient}` };
  });
}
