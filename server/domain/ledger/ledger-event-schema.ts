// Runtime validation for ledger rows read back from the database (type is a text column, payload
// and error are jsonb), so a malformed row is a returned parse error, not a crash deep inside
// reconciliation. Unknown keys (tenantId, sequence, prevHash, hash) are stripped: what parses is
// exactly the hashed content (see pickEventFields).

import { z } from "zod";

import { EVENT_SOURCES, MANUAL_ACTIONS, TEMPLATE_PACING, type TLedgerEvent } from "./ledger-event";

const epochMs = z.number().int().nonnegative();
const attemptNumber = z.number().int().nonnegative();

export const ZLedgerErrorSchema = z.object({
  code: z.string().min(1),
  title: z.string(),
  message: z.string(),
  details: z.string().nullable(),
});

const ZPayloadSchema = z.record(z.string(), z.json());

function base<TType extends string, const TSources extends readonly [string, ...string[]]>(
  type: TType,
  sources: TSources,
) {
  return {
    id: z.string().min(1),
    messageId: z.string().min(1),
    type: z.literal(type),
    source: z.enum(sources),
    providerTimestamp: epochMs.nullable(),
    recordedAt: epochMs,
    dedupeKey: z.string().min(1),
    payload: ZPayloadSchema,
  };
}

const statusFields = { attempt: attemptNumber.nullable(), providerMessageId: z.string().min(1) };

export const ZLedgerEventSchema = z.discriminatedUnion("type", [
  z.object(base("requested", ["api", "operator"])),
  z.object({ ...base("attempt_started", ["worker"]), attempt: attemptNumber }),
  z.object({
    ...base("provider_accepted", ["provider_response", "operator"]),
    attempt: attemptNumber,
    providerMessageId: z.string().min(1),
    templatePacing: z.enum(TEMPLATE_PACING).optional(),
  }),
  z.object({
    ...base("provider_rejected", ["provider_response"]),
    attempt: attemptNumber,
    error: ZLedgerErrorSchema,
  }),
  z.object({ ...base("status_sent", ["webhook"]), ...statusFields }),
  z.object({ ...base("status_delivered", ["webhook"]), ...statusFields }),
  z.object({ ...base("status_read", ["webhook"]), ...statusFields }),
  z.object({ ...base("status_played", ["webhook"]), ...statusFields }),
  z.object({ ...base("status_failed", ["webhook"]), ...statusFields, error: ZLedgerErrorSchema }),
  z.object({
    ...base("retry_scheduled", ["worker", "operator"]),
    attempt: attemptNumber,
    notBefore: epochMs,
    error: ZLedgerErrorSchema.nullable(),
  }),
  z.object({
    ...base("dead_lettered", ["worker", "operator"]),
    attempt: attemptNumber,
    reason: z.string(),
    error: ZLedgerErrorSchema.nullable(),
  }),
  z.object({ ...base("cancelled", ["api", "operator"]), actor: z.string().min(1), reason: z.string() }),
  z.object(base("stalled_detected", ["worker"])),
  z.object({
    ...base("manual_action", ["operator"]),
    action: z.enum(MANUAL_ACTIONS),
    actor: z.string().min(1),
    reason: z.string(),
  }),
  z.object({ ...base("annotation", ["operator"]), actor: z.string().min(1), note: z.string() }),
  z.object({
    ...base("state_recomputed", ["worker", "operator"]),
    rulesVersion: z.number().int().positive(),
    fromState: z.string().nullable(),
    toState: z.string(),
  }),
]);

export type TParsedLedgerEvent = z.infer<typeof ZLedgerEventSchema>;

// Both directions, so the schema and the hand-written union cannot drift apart silently.
type TAssignable<TFrom, TTo> = [TFrom] extends [TTo] ? true : false;
const schemaMatchesType: [
  TAssignable<TParsedLedgerEvent, TLedgerEvent>,
  TAssignable<Exclude<TLedgerEvent["type"], TParsedLedgerEvent["type"]>, never>,
  TAssignable<TLedgerEvent["source"], (typeof EVENT_SOURCES)[number]>,
] = [true, true, true];
void schemaMatchesType;
