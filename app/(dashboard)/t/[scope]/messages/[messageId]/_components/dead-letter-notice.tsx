"use client";
// On a dead-lettered message's page: where its dead letter stands (open, retry awaiting the
// provider's acknowledgement, acknowledged, discarded, cancelled), linking to the list.
import Link from "next/link";
import { Alert, type TAlertTone } from "@/components/ui/alert";
import { TimeStamp } from "@/components/ui/time-stamp";
import type { TRouterOutputs } from "@/trpc/router-types";
import { STATUS_LABELS } from "@/components/dead-letters/labels";

type TDeadLetter = NonNullable<TRouterOutputs["messages"]["timeline"]["deadLetter"]>;

const TONES: Record<TDeadLetter["status"], TAlertTone> = {
  open: "bad",
  retry_pending: "warn",
  acknowledged: "ok",
  discarded: "info",
  cancelled: "info",
};

export function DeadLetterNotice({ deadLetter, scopeSlug }: { deadLetter: TDeadLetter; scopeSlug: string }) {
  const status = STATUS_LABELS[deadLetter.status];
  let detail: string;
  switch (deadLetter.status) {
    case "open":
      detail =
        deadLetter.episodes > 1
          ? `Dead-lettered again after a retry: ${deadLetter.reason}`
          : deadLetter.reason;
      break;
    case "retry_pending":
      detail = `Retried as attempt ${deadLetter.retryAttempt ?? "?"}; it counts as done when the provider acknowledges it.`;
      break;
    case "acknowledged":
      detail = `The provider acknowledged attempt ${deadLetter.acknowledgedAttempt ?? "?"}.`;
      break;
    case "discarded":
      detail = `Discarded by ${deadLetter.discardedBy?.replace(/^user:/, "") ?? "an engineer"}: ${deadLetter.discardReason ?? ""}`;
      break;
    case "cancelled":
      detail = "The retry was cancelled before it was sent.";
      break;
    default: {
      const unreachable: never = deadLetter.status;
      detail = unreachable;
    }
  }
  return (
    <div role="status" aria-label="Dead letter" className="mb-4">
      <Alert tone={TONES[deadLetter.status]}>
        <p>
          <span className="font-medium">Dead letter: {status.label}.</span> {detail}
        </p>
        <p className="mt-1 text-xs">
          Dead-lettered <TimeStamp value={deadLetter.deadLetteredAt} format="short" />
          {deadLetter.errorCode ? ` with error ${deadLetter.errorCode}` : ""} ·{" "}
          <Link href={`/t/${encodeURIComponent(scopeSlug)}/dead-letters`} className="underline">
            Dead letters
          </Link>
        </p>
      </Alert>
    </div>
  );
}
