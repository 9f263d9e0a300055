// A message's delivery state as a badge; the tone carries meaning, the text always says it.
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { STATE_LABELS } from "./search-params";

const STATE_TONES: Record<TMessageState, TBadgeTone> = {
  queued: "neutral",
  submitting: "neutral",
  accepted: "accent",
  sent: "accent",
  delivered: "ok",
  read: "ok",
  played: "ok",
  failed: "bad",
  rejected: "bad",
  retrying: "warn",
  dead_lettered: "bad",
  cancelled: "neutral",
};

/** The tone of a state: red or amber for failures and retries, green only for delivery progress. */
export function stateTone(state: string): TBadgeTone {
  return (STATE_TONES as Record<string, TBadgeTone | undefined>)[state] ?? "neutral";
}

export function stateLabel(state: string): string {
  return (STATE_LABELS as Record<string, string | undefined>)[state] ?? state;
}

export function StateBadge({ state, className }: { state: TMessageState; className?: string }) {
  return (
    <Badge tone={STATE_TONES[state]} hasDot className={className}>
      {STATE_LABELS[state]}
    </Badge>
  );
}
