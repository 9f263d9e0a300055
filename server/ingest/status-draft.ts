// A parsed status as a ledger draft. The fact's identity is the ledger's documented dedupe key,
// wamid + status (docs/reconciliation.md; Meta sends no event id); the provider timestamp is part
// of the fact's content, so a re-delivery that disagrees about it is kept and flagged
// (divergent_duplicates) instead of silently becoming a second fact.
// Pure. The payload holds only what Meta sent about the fact, never receipt data (raw id, arrival
// time): duplicates of one fact must have equal content.
import { z } from "zod";
import { eventDrafts, type TEventDraft } from "@/server/domain/ledger/event-drafts";
import { ZLedgerErrorSchema } from "@/server/domain/ledger/ledger-event-schema";
import type { TParsedStatus } from "./parse-webhook";

export type TStatusDraft = Extract<
  TEventDraft,
  { type: "status_sent" | "status_delivered" | "status_read" | "status_played" | "status_failed" }
>;

export function statusDraft(status: TParsedStatus, attempt: number | null): TStatusDraft {
  const { providerMessageId: wamid, providerTimestamp, fields } = status;
  switch (status.status) {
    case "sent":
    case "delivered":
    case "read":
    case "played":
      return eventDrafts.status(status.status, wamid, providerTimestamp, attempt, fields);
    case "failed":
      return eventDrafts.failed(
        wamid,
        providerTimestamp,
        status.error ?? { code: "unspecified", title: "", message: "", details: null },
        attempt,
        fields,
      );
    default: {
      const unreachable: never = status.status;
      return unreachable;
    }
  }
}

/** A stored orphan's draft read back (written by statusDraft, kept as jsonb until re-attached). */
const statusDraftFields = {
  source: z.literal("webhook"),
  providerTimestamp: z.number().int().nonnegative().nullable(),
  dedupeKey: z.string().min(1),
  payload: z.record(z.string(), z.json()),
  attempt: z.number().int().nonnegative().nullable(),
  providerMessageId: z.string().min(1),
};

/** A stored orphan's draft read back (written by statusDraft, kept as jsonb until re-attached). */
export const ZStatusDraftSchema = z.union([
  z.object({
    type: z.enum(["status_sent", "status_delivered", "status_read", "status_played"]),
    ...statusDraftFields,
  }),
  z.object({ type: z.literal("status_failed"), ...statusDraftFields, error: ZLedgerErrorSchema }),
]);

export function readStatusDraft(json: unknown): TStatusDraft {
  const draft: TStatusDraft = ZStatusDraftSchema.parse(json);
  return draft;
}
