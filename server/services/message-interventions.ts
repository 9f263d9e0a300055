// Operator actions on one message from the console: a note on its ledger, a forced
// re-reconciliation, and the audited reveal of its recipient's number. Every action is written
// where the timeline reads it (the ledger) or where reviews read it (the audit trail), with the
// actor, in the same transaction as its effect.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { findRecipient } from "@/server/db/queries/messages";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { diffDerived, ZDerivedSnapshotSchema } from "@/server/domain/reconciliation/diff-derived";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import {
  loadNothing,
  runOperatorAction,
  type TActionContext,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";

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

export type TForceReconcileResult = {
  isRepaired: boolean;
  stateChange: { from: string; to: string } | null;
  summary: string;
};

/** Whether the stored projection differs from today's derivation of the ledger. */
function isDrifted({ message, derived }: TActionContext<unknown>): boolean {
  const stored = ZDerivedSnapshotSchema.safeParse(message.stored);
  // an unreadable stored projection (e.g. a state no rules version knows) is drift too
  return !stored.success || diffDerived(stored.data, derived).isChanged;
}

/**
 * Re-derives the message's state from its ledger and repairs the stored projection when it
 * drifted: manual_action force_reconcile (who asked, why), then, only when the stored projection
 * differed, state_recomputed (from -> to, rules version), the same repair record the drift audit
 * (auditDrift) writes. Not auditDrift itself: appending the manual_action already rewrites the
 * projection (the append keeps it equal to the ledger), so a drift audit run after it would never
 * see the drift it was asked to repair, and one run before it would put the repair ahead of the
 * request on the timeline. Any message may be re-reconciled: nothing is sent.
 */
export const forceReconcileAction: TOperatorAction<null, TForceReconcileResult> = {
  action: "force_reconcile",
  load: loadNothing,
  // the console sends no operation id, so each request is a new operation; one given twice
  // repaired what there was the first time
  repeated: () => ({
    isRepaired: false,
    stateChange: null,
    summary: "already re-reconciled by this request",
  }),
  decide: (context) => ({
    kind: "append",
    payload: {},
    facts: isDrifted(context)
      ? [
          {
            type: "state_recomputed",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: dedupeKey.operator(`${context.input.operationId}:recomputed`),
            payload: { actor: context.actor, reason: context.input.reason },
            rulesVersion: CURRENT_RULES.version,
            fromState: context.message.stored.state,
            toState: context.derived.state,
          },
        ]
      : [],
  }),
  result: (context) => {
    const from = context.message.stored.state;
    const to = context.derived.state;
    const isRepaired = isDrifted(context);
    return {
      isRepaired,
      stateChange: from === to ? null : { from, to },
      summary: isRepaired
        ? from === to
          ? `repaired: explanation or conflicts re-derived, state stays ${to}`
          : `repaired: ${from} -> ${to}`
        : "no drift: the stored state already matches the ledger",
    };
  },
};

export async function forceReconcileMessage(
  db: TDb,
  actor: TActor,
  input: TForceReconcileInput,
): Promise<TForceReconcileResult> {
  return runOperatorAction(db, actor, forceReconcileAction, input);
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
