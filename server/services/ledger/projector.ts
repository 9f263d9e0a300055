// What happens in the transaction of a ledger append, besides the events themselves, is an
// explicit list of projectors: the message projection, dead letters, insight deltas, the orphan
// re-attach hook, and later the trigger outbox and usage metering. The list is assembled where a
// process starts (server/services/projectors.ts) and installed with installLedgerProjectors; the
// ledger service imports no other service (a dependency-cruiser rule holds it to that). Each
// projector sees the whole batch and writes with one multi-row statement per table, never one
// statement per message. Adding one: write it beside the data it owns, add it to the list.
import type { TSql } from "@/server/db/sql";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import type { TLedgerEventType } from "@/server/domain/ledger/ledger-event";
import type { TDerived } from "@/server/domain/reconciliation/derive-state";
import type { TFoldState } from "@/server/domain/reconciliation/fold";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import type { TConflictKind } from "@/server/domain/reconciliation/rules";
import type { TEventDraft } from "./rows";

/** The message row's facts that projections are keyed or counted by. */
export type TMessageFacts = {
  state: TMessageState;
  conflictKinds: readonly TConflictKind[];
  senderNumberId: string;
  recipient: string;
  contentKind: string;
  templateName: string | null;
  templateCategory: string | null;
  /** the send cohort (request time), epoch ms */
  createdAtMs: number;
  lastErrorCode: string | null;
  deliveryLatencyMs: number | null;
  attemptCount: number;
};

/** A receipt of a fact the ledger already held: counted, changes nothing else. */
export type TDuplicateReceipt = { dedupeKey: string; eventId: string; isDivergent: boolean };

/** What one batch did to one message. */
export type TMessageAppend = {
  tenantId: string;
  messageId: string;
  /** the row's facts as locked before this batch; null when the batch created the message */
  before: TMessageFacts | null;
  after: TMessageFacts;
  derived: TDerived;
  /** facts recorded for the first time, in chain order (each with the raw webhook it came from) */
  appended: readonly TAppendedEvent[];
  duplicates: readonly TDuplicateReceipt[];
  /** the message's whole ledger, when this batch loaded it (a projector's needsLedger asked for it) */
  ledger: readonly TChainedEvent[] | null;
  /** the fold state after this batch (the message projection stores it) */
  fold: TFoldState;
  /**
   * The row already holds this batch's projection: nothing was appended (only duplicate receipts)
   * and the batch went on from the fold state stored on the row, so every derived column would
   * be written back unchanged.
   */
  isUnchanged: boolean;
  /** the latest accepted attempt's wamid after this batch */
  providerMessageId: string | null;
};

export type TAppendedEvent = TChainedEvent & { rawWebhookId: string | null };

/** Facts to append to a message in the same transaction (e.g. orphans waiting for its wamid). */
export type TFollowUp = {
  tenantId: string;
  messageId: string;
  drafts: readonly TEventDraft[];
  rawWebhookId: string | null;
  /** the receipt time: when the fact really arrived (an orphan was received earlier, only parked) */
  receivedAt: Date;
  /** the dedupe key of the appended fact that called for these (they are chained right after it
   *  and its request, as if the request had been appended alone) */
  causedBy: string;
};

export type TProjectorInput = { sql: TSql; now: Date; messages: readonly TMessageAppend[] };

/** What a follow-up round shows the projectors: the facts appended since the last round. */
export type TFollowUpInput = {
  sql: TSql;
  now: Date;
  appended: readonly { tenantId: string; messageId: string; appended: readonly TAppendedEvent[] }[];
};

export type TLedgerProjector = {
  /** for logs and errors */
  name: string;
  /**
   * Whether this message's projection needs its whole ledger (loaded in one statement for the
   * batch); most projectors need only the derivation and the newly appended facts.
   */
  needsLedger?: (message: {
    before: TMessageFacts | null;
    /** the types of the facts the ledger held before this batch */
    factTypes: ReadonlySet<TLedgerEventType>;
    /** every draft this batch submitted for the message (duplicates and follow-ups included) */
    drafts: readonly TEventDraft[];
  }) => boolean;
  /**
   * Facts the batch must append before it derives and projects (same transaction, messages
   * already locked). Called again with what the follow-ups appended, until none are returned.
   */
  followUps?: (input: TFollowUpInput) => Promise<readonly TFollowUp[]>;
  /** Writes this projector's rows for the batch. */
  project?: (input: TProjectorInput) => Promise<void>;
};
