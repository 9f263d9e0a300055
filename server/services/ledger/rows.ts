// Conversion between ledger rows (message_event) and domain events, and the hash function the
// domain's chain uses.
import crypto from "node:crypto";
import { ZLedgerEventSchema } from "@/server/domain/ledger/ledger-event-schema";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import { readPricing } from "@/server/domain/usage/pricing";

export const sha256Hex = (input: string): string =>
  crypto.createHash("sha256").update(input, "utf8").digest("hex");

export type { TEventDraft } from "@/server/domain/ledger/event-drafts";

/**
 * SQL for a jsonb[] built from one parameter holding a JSON array (`JSON.stringify(values)`), in
 * the array's order. The hot path's large documents (event bodies, fold states) go this way
 * rather than as a jsonb[] parameter: node-postgres writes an array literal by escaping every
 * quote and backslash of every element, which cost more CPU than the rest of the statement's
 * parameters together; one JSON text is written as it is and parsed once by the server.
 */
export const jsonbArray = (param: string): string =>
  `ARRAY(SELECT d FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS a(d, n) ORDER BY n)`;

export type TEventRow = {
  seq: number;
  body: unknown;
  prevHash: string;
  hash: string;
};

/** Parses a stored row back into the domain's chained event; a malformed body is an error. */
export function toChainedEvent(row: TEventRow): TChainedEvent {
  const event = ZLedgerEventSchema.parse(row.body) as TLedgerEvent;
  return { ...event, prevHash: row.prevHash, hash: row.hash };
}

/** The indexed columns that mirror the body (queries filter on them; the body is the truth). */
export function eventColumns(event: TLedgerEvent) {
  const attempt = "attempt" in event ? event.attempt : null;
  const providerMessageId = "providerMessageId" in event ? event.providerMessageId : null;
  const error = "error" in event ? event.error : null;
  const actor = "actor" in event ? event.actor : null;
  const reason = "reason" in event ? event.reason : null;
  // Meta's pricing object of a status webhook, as columns (usage metering; docs/usage.md)
  const pricing = event.source === "webhook" ? readPricing(event.payload) : null;
  return {
    type: event.type,
    source: event.source,
    dedupeKey: event.dedupeKey,
    providerTimestamp: event.providerTimestamp === null ? null : new Date(event.providerTimestamp),
    recordedAt: new Date(event.recordedAt),
    attempt,
    providerMessageId,
    errorCode: error?.code ?? null,
    actor,
    reason,
    pricingModel: pricing?.model ?? null,
    pricingCategory: pricing?.category ?? null,
    pricingType: pricing?.type ?? null,
    pricingBillable: pricing?.billable ?? null,
  };
}
