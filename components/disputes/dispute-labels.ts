// Display names for dispute statuses and outcomes (records keyed by the server's types, so a new
// outcome fails the type check here until it has a label).
import type { TBadgeTone } from "@/components/ui/badge";
import type { TRouterOutputs } from "@/trpc/router-types";

type TDispute = TRouterOutputs["disputes"]["forMessage"][number];
export type TDisputeOutcome = NonNullable<TDispute["outcome"]>;
export type TDisputeStatus = TDispute["status"];

export const OUTCOME_LABELS: Record<
  TDisputeOutcome,
  { label: string; description: string; tone: TBadgeTone }
> = {
  delivered: {
    label: "Delivered",
    description: "The evidence shows the message reached the recipient's device.",
    tone: "ok",
  },
  not_delivered: {
    label: "Not delivered",
    description: "The evidence shows the message did not reach the recipient.",
    tone: "bad",
  },
  inconclusive: {
    label: "Inconclusive",
    description: "The evidence neither proves nor disproves delivery.",
    tone: "warn",
  },
  withdrawn: { label: "Withdrawn", description: "The tenant dropped the claim.", tone: "neutral" },
};
export const OUTCOME_OPTIONS = Object.keys(OUTCOME_LABELS) as TDisputeOutcome[];

export const DISPUTE_STATUS_LABELS: Record<TDisputeStatus, { label: string; tone: TBadgeTone }> = {
  open: { label: "Open", tone: "accent" },
  resolved: { label: "Resolved", tone: "neutral" },
};

export function outcomeLabel(outcome: string | null): string {
  if (!outcome) return "—";
  return (OUTCOME_LABELS as Record<string, { label: string } | undefined>)[outcome]?.label ?? outcome;
}
