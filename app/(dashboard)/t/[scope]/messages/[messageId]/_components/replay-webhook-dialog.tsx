"use client";
// Replay one raw webhook request of this message (engineers): asks for a reason, the server checks
// operations.act and that the request belongs to this message, then records the replay and a
// manual_action{replay_webhook} on the ledger in one transaction. The timeline refreshes at once.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Textarea } from "@/components/ui/input";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/app/(dashboard)/_lib/trpc-errors";
import { useTRPC } from "@/trpc/client";
import type { TMessageRef } from "./action-dialogs";

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
  const [missing, setMissing] = useState(false);
  const replay = useMutation(
    trpc.messages.replayWebhook.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.messages.pathFilter());
        onDone(
          `Replay ${result.replayId.slice(0, 8)}… queued: the request is processed again; facts it already delivered get no second receipt.`,
        );
        onClose();
      },
    }),
  );
  const error = missing
    ? "Give a reason; it is recorded on the ledger."
    : fieldError(fieldErrorsOf(replay.error), "reason");
  return (
    <Dialog
      isOpen={rawWebhookId !== null}
      onClose={onClose}
      title="Replay raw webhook"
      description={
        <>
          Request <span className="font-mono">{rawWebhookId?.slice(0, 8)}…</span> is processed again, whole
          (it may carry statuses of other messages). Facts already recorded get no second receipt; the replay
          is written to this message&apos;s ledger with your name and reason.
        </>
      }
    >
      <form
        aria-label="Replay raw webhook"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (replay.isPending || rawWebhookId === null) return;
          const reason = formText(new FormData(event.currentTarget), "reason").trim();
          setMissing(!reason);
          if (reason) replay.mutate({ ...target, rawWebhookId, reason });
        }}
      >
        <Field label="Reason" hint="Recorded with your name on the message's ledger." error={error}>
          {(control) => <Textarea {...control} name="reason" maxLength={500} autoFocus required />}
        </Field>
        <FormMessage message={replay.isError && !error ? errorMessageOf(replay.error) : null} />
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={replay.isPending}>
            Cancel
          </Button>
          <Button type="submit" isPending={replay.isPending} pendingLabel="Replaying…">
            Replay request
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
