// Replaying a raw webhook from a message's timeline: an engineer re-runs ingestion of one stored
// request that delivered facts of this message (e.g. after a parser fix), and the message's ledger
// records who asked and why. One transaction: the replay (webhook_replay + its item + the inbox row
// queued again + the audit row, exactly what ingest.replay writes) and the
// manual_action{replay_webhook} event, so neither exists without the other. The drainer processes
// the request after the commit; facts it already delivered get no second receipt.
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { requestReplayInTx } from "@/server/services/ingest/replay";
import { appendEvents } from "@/server/services/ledger/append-events";

export type TReplayWebhookInput = {
  tenantId: string;
  messageId: string;
  rawWebhookId: string;
  reason: string;
  now: Date;
};

export type TReplayWebhookResult = { replayId: string; eventId: string; state: string };

export async function replayWebhookForMessage(
  db: TDb,
  actor: TActor,
  input: TReplayWebhookInput,
): Promise<TReplayWebhookResult> {
  return db.$transaction(
    async (tx) => {
      // the message first (appendEvents takes the same lock): its ledger is the one we write
      const [message] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM message
        WHERE tenant_id = ${input.tenantId}::uuid AND id = ${input.messageId}::uuid FOR UPDATE`;
      if (!message) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
      // the tenant wall: only a request that delivered a receipt of THIS message may be replayed
      // from here (another tenant's request, or one unrelated to the message, is "not found")
      const [linked] = await tx.$queryRaw<{ status: string; is_pruned: boolean }[]>`
        SELECT w.status::text AS status, (w.body IS NULL) AS is_pruned
        FROM webhook_inbox w
        WHERE w.id = ${input.rawWebhookId}::uuid
          AND EXISTS (SELECT 1 FROM message_event_receipt r
                      WHERE r.tenant_id = ${input.tenantId}::uuid AND r.message_id = ${input.messageId}::uuid
                        AND r.raw_webhook_id = w.id)`;
      if (!linked) throw new ServiceError("NOT_FOUND", "no such raw webhook request on this message");
      if (linked.is_pruned) {
        throw new ServiceError("CONFLICT", "the request's body was pruned by retention: nothing to replay");
      }
      if (linked.status === "pending") {
        throw new ServiceError("CONFLICT", "the request is already waiting to be processed");
      }
      const replay = await requestReplayInTx(
        tx,
        actor,
        { filter: { rawWebhookIds: [input.rawWebhookId], tenantId: input.tenantId }, reason: input.reason },
        input.now,
      );
      const result = await appendEvents(
        tx,
        input.tenantId,
        input.messageId,
        [
          {
            type: "manual_action",
            source: "operator",
            providerTimestamp: null,
            // one event per replay: the replay's id names the operation
            dedupeKey: dedupeKey.operator(replay.replayId),
            payload: { rawWebhookId: input.rawWebhookId, replayId: replay.replayId },
            action: "replay_webhook",
            actor: actorLabel(actor),
            reason: input.reason,
          },
        ],
        { now: input.now },
      );
      const event = result.appended[0];
      if (!event) throw new Error("replay_webhook was not appended");
      return { replayId: replay.replayId, eventId: event.id, state: result.derived.state };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
