// Replaying a raw webhook from a message's timeline: an engineer re-runs ingestion of one stored
// request that delivered facts of this message (e.g. after a parser fix), and the message's ledger
// records who asked and why. One transaction: the manual_action{replay_webhook} event and the
// replay (webhook_replay + its item + the inbox row queued again + the audit row, exactly what
// ingest.replay writes), so neither exists without the other. The drainer processes the request
// after the commit; facts it already delivered get no second receipt.
import type { TDb } from "@/server/db/client";
import { whyNotReplayable } from "@/server/domain/operator-actions/eligibility";
import type { TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { requestReplayInTx } from "@/server/services/ingest/replay";
import {
  runOperatorAction,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";

export type TReplayWebhookInput = {
  tenantId: string;
  messageId: string;
  rawWebhookId: string;
  reason: string;
  now: Date;
};

export type TReplayWebhookResult = { replayId: string; eventId: string; state: string };

function replayWebhookAction(
  actor: TActor,
  rawWebhookId: string,
): TOperatorAction<{ status: string; isPruned: boolean }, TReplayWebhookResult> {
  return {
    action: "replay_webhook",
    load: async (tx, input) => {
      // the tenant wall: only a request that delivered a receipt of THIS message may be replayed
      // from here (another tenant's request, or one unrelated to the message, is "not found")
      const [linked] = await tx.$queryRaw<{ status: string; is_pruned: boolean }[]>`
        SELECT w.status::text AS status, (w.body IS NULL) AS is_pruned
        FROM webhook_inbox w
        WHERE w.id = ${rawWebhookId}::uuid
          AND EXISTS (SELECT 1 FROM message_event_receipt r
                      WHERE r.tenant_id = ${input.tenantId}::uuid AND r.message_id = ${input.messageId}::uuid
                        AND r.raw_webhook_id = w.id)`;
      if (!linked) throw new ServiceError("NOT_FOUND", "no such raw webhook request on this message");
      return { status: linked.status, isPruned: linked.is_pruned };
    },
    // every replay is a new operation (its own id), so none is ever a repeat
    repeated: (done, { derived, input }) => ({
      replayId: input.operationId,
      eventId: done.id,
      state: derived.state,
    }),
    decide: ({ loaded, input }) => {
      const refusal = whyNotReplayable(loaded);
      if (refusal) return { kind: "refuse", refusal };
      return { kind: "append", payload: { rawWebhookId, replayId: input.operationId }, facts: [] };
    },
    // the replay is named by the operation id, so the ledger event's key is operator:<replay id>
    commit: async (tx, { input }) => {
      await requestReplayInTx(
        tx,
        actor,
        {
          filter: { rawWebhookIds: [rawWebhookId], tenantId: input.tenantId },
          reason: input.reason,
          replayId: input.operationId,
        },
        input.now,
      );
    },
    result: ({ input }, appended) => {
      const event = appended.appended[0];
      if (!event) throw new Error("replay_webhook was not appended");
      return { replayId: input.operationId, eventId: event.id, state: appended.derived.state };
    },
  };
}

export async function replayWebhookForMessage(
  db: TDb,
  actor: TActor,
  input: TReplayWebhookInput,
): Promise<TReplayWebhookResult> {
  return runOperatorAction(db, actor, replayWebhookAction(actor, input.rawWebhookId), input);
}
