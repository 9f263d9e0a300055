"use client";
// Replay one raw webhook request of this message (engineers): asks for a reason, the server checks
// operations.act and that the request belongs to this message, then records the replay and a
// manual_action{replay_webhook} on the ledger in one transaction. The timeline refreshes at once.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "@/components/ui/dialog";
import { ReasonForm } from "@/components/ui/reason-dialog";
import { useTRPC } from "@/trpc/client";
import type { TMessageRef } from "./action-dialogs";
import { shortId } from "@/components/ui/short-id";

export function ReplayWebhookDialog({
  target,
  rawWebhookId,
  onClose,
  onDone,
}: {
  target: TMessageRef;
  /** the request to replay; null: the dialog is closed */
  rawWebhookId: string | null;
  onClose: () => void;
  onDone: (summary: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.messages.replayWebhook.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.messages.pathFilter());
        onDone(
          `Replay ${shortId(result.replayId)} queued: the request is processed again; facts it already delivered get no second receipt.`,
        );
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={rawWebhookId !== null}
      onClose={onClose}
      title="Replay raw webhook"
      description={
        <>
          Request <span className="font-mono">{rawWebhookId ? shortId(rawWebhookId) : ""}</span> is processed
          again, whole (it may carry statuses of other messages). Facts already recorded get no second
          receipt; the replay is written to this message&apos;s ledger with your name and reason.
        </>
      }
    >
      <ReasonForm
        formLabel="Replay raw webhook"
        text={{
          hint: "Recorded with your name on the message's ledger.",
          minLength: 1,
          missingMessage: "Give a reason; it is recorded on the ledger.",
        }}
        mutation={replay}
        submitLabel="Replay request"
        pendingLabel="Replaying…"
        onCancel={onClose}
        onSubmit={(reason) => {
          if (rawWebhookId !== null) replay.mutate({ ...target, rawWebhookId, reason });
        }}
      />
    </Dialog>
  );
}
