// A message's page in the console: every ledger event in ledger order with its provider and
// received times, receipts (duplicates), out-of-order arrivals and operator actions; the derived
// state with its explanation, conflicts and transitions; the chain-of-custody check; and, for
// roles holding message.view_raw, the canonical request and the raw bodies. Built from readLedger
// (the derivation and the check are the ledger service's, never recomputed differently here).
import { possibleDuplicate } from "@/server/domain/reconciliation/possible-duplicate";
import type { TDb } from "@/server/db/client";
import { toSql } from "@/server/db/sql";
import { findMessage, listEventColumns, listProviderIds, listReceipts } from "@/server/db/queries/messages";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import type { TLedgerError, TLedgerEventType } from "@/server/domain/ledger/ledger-event";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { RULE_SUMMARIES, type TRuleId } from "@/server/domain/reconciliation/rules";
import { maskRecipient } from "@/server/domain/sending/send-request";
import { ServiceError } from "@/server/services/errors";
import { readLedger, type TLedgerView } from "@/server/services/ledger/read-ledger";
import { listTenantRawWebhooks, type TTenantRawWebhook } from "@/server/services/tenant-raw-webhooks";
import { queuedMessageHold } from "@/server/services/number-health/hold-sql";
import { shortId } from "@/components/ui/short-id";

/** Plain (mutable) JSON, the shape zod's z.json() describes. */
export type TJsonValue = string | number | boolean | null | TJsonValue[] | { [key: string]: TJsonValue };

/** Event types that never change state (rule R2): shown, but marked as not deciding anything. */
const INERT_TYPES: ReadonlySet<TLedgerEventType> = new Set([
  "annotation",
  "stalled_detected",
  "state_recomputed",
  "manual_action",
]);

/** Raw bodies larger than this are cut in the page (the evidence export keeps them whole). */
const RAW_BODY_DISPLAY_LIMIT = 64 * 1024;

/** JSON keys whose values are phone numbers in Cloud API requests and webhooks. */
const PHONE_KEYS: ReadonlySet<string> = new Set(["to", "recipient_id", "wa_id", "from"]);

export type TTimelineArrival = {
  receivedAt: Date;
  source: string;
  rawWebhookId: string | null;
  isFirst: boolean;
  /** this copy's content differs from the stored fact's (divergent duplicate) */
  isDivergent: boolean;
};

export type TTimelineEvent = {
  seq: number;
  id: string;
  type: TLedgerEventType;
  source: string;
  dedupeKey: string;
  attempt: number | null;
  headline: string;
  providerMessageId: string | null;
  error: TLedgerError | null;
  actor: string | null;
  reason: string | null;
  note: string | null;
  action: string | null;
  notBefore: Date | null;
  providerTimestamp: Date | null;
  recordedAt: Date;
  /** recordedAt (first receipt) minus the provider's timestamp; null without a provider time */
  lagMs: number | null;
  lagText: string | null;
  receipts: {
    count: number;
    description: string;
    firstReceivedAt: Date;
    lastReceivedAt: Date;
    hasDivergentCopies: boolean;
    arrivals: TTimelineArrival[];
  };
  outOfOrder: { afterSeq: number; afterType: TLedgerEventType; earlierByMs: number; text: string } | null;
  isDecider: boolean;
  isInert: boolean;
  transition: { from: TMessageState | null; to: TMessageState } | null;
  dispute: { id: string; ticketRef: string } | null;
  prevHash: string;
  hash: string;
  /** the hashed event as stored, recipient numbers masked; null without message.view_raw */
  body: TJsonValue | null;
};

export type TTimelineRawWebhook = {
  id: string;
  receivedAt: Date;
  bodyBytes: number;
  bodySha256: string;
  signatureHeader: string | null;
  signatureKeyIndex: number;
  duplicateCount: number;
  /**
   * pretty JSON, recipient numbers masked, other tenants' entries and changes replaced by their
   * SHA-256; null once pruned, or when the body is not JSON (nothing in it can be attributed)
   */
  body: string | null;
  isTruncated: boolean;
  isPruned: boolean;
  /** entries or changes of other tenants replaced in `body` (bodySha256 is the whole request's) */
  redactedParts: number;
  eventSeqs: number[];
};

export type TMessageTimeline = Awaited<ReturnType<typeof getMessageTimeline>>;

export type TTimelineViewer = { canViewRaw: boolean };

/** A message's timeline for the console. NOT_FOUND when the tenant has no such message. */
export async function getMessageTimeline(
  db: TDb,
  tenantId: string,
  messageId: string,
  viewer: TTimelineViewer,
) {
  const message = await findMessage(db, tenantId, messageId);
  if (!message) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  const [ledger, columns, receipts, providerIds, rawWebhooks, hold] = await Promise.all([
    readLedger(db, tenantId, messageId),
    listEventColumns(db, tenantId, messageId),
    listReceipts(db, tenantId, messageId),
    listProviderIds(db, tenantId, messageId),
    viewer.canViewRaw ? listTenantRawWebhooks(db, tenantId, messageId) : Promise.resolve([]),
    // why a queued message is not going out (its number's health, a paused template...), as the
    // API's message view says it: the ledger only knows the message is queued
    queuedMessageHold(toSql(db), tenantId, messageId, new Date()),
  ]);
  const seqById = new Map(columns.map((c) => [c.id, c.seq]));
  const seqByKey = new Map(ledger.events.map((e) => [e.dedupeKey, seqById.get(e.id) ?? 0]));
  const mask = (value: unknown) => maskJson(value, message.recipient);

  const events = buildTimelineEvents(ledger, {
    seqById,
    receipts,
    maskBody: viewer.canViewRaw ? mask : null,
  });
  const eventSeqsByWebhook = new Map<string, Set<number>>();
  for (const receipt of receipts) {
    if (!receipt.rawWebhookId) continue;
    const seq = seqById.get(receipt.eventId);
    if (seq === undefined) continue;
    const set = eventSeqsByWebhook.get(receipt.rawWebhookId) ?? new Set<number>();
    set.add(seq);
    eventSeqsByWebhook.set(receipt.rawWebhookId, set);
  }

  const derived = ledger.derived;
  const clauses = derived.explanation.split("; ");
  const chain = ledger.chain;
  return {
    hold,
    message: {
      tenantId: message.tenantId,
      tenantSlug: message.tenantSlug,
      tenantName: message.tenantName,
      id: message.id,
      recipientMasked: maskRecipient(message.recipient),
      sender: {
        id: message.senderNumberId,
        displayNumber: message.senderDisplayNumber,
        label: message.senderLabel,
        phoneNumberId: message.senderPhoneNumberId,
      },
      contentKind: message.contentKind,
      template: message.templateName
        ? {
            name: message.templateName,
            language: message.templateLanguage,
            category: message.templateCategory,
          }
        : null,
      providerMessageIds: providerIds,
      createdAt: message.createdAt,
      stateReachedAt: message.stateReachedAt,
      attemptCount: message.attemptCount,
      eventCount: message.eventCount,
      headHash: message.headHash,
      lastErrorCode: message.lastErrorCode,
      stored: {
        state: message.state,
        explanation: message.stateExplanation,
        rulesVersion: message.rulesVersion,
        conflictKinds: message.conflictKinds,
      },
    },
    derived: {
      state: derived.state,
      explanation: derived.explanation,
      clauses,
      rulesVersion: derived.rulesVersion,
      decider: derived.decider
        ? {
            dedupeKey: derived.decider.dedupeKey,
            type: derived.decider.type,
            attempt: derived.decider.attempt,
            providerTimestamp:
              derived.decider.providerTimestamp === null ? null : new Date(derived.decider.providerTimestamp),
            seq: seqByKey.get(derived.decider.dedupeKey) ?? null,
          }
        : null,
      conflicts: derived.conflicts.map((c) => ({
        kind: c.kind,
        rule: c.rule,
        ruleSummary: RULE_SUMMARIES[c.rule],
        attempt: c.attempt,
        dedupeKeys: [...c.dedupeKeys],
        seqs: c.dedupeKeys.map((k) => seqByKey.get(k)).filter((s): s is number => s !== undefined),
        resolution: c.resolution,
      })),
      // "the recipient may have it twice", said in words above the timeline
      possibleDuplicate: possibleDuplicate(derived.conflicts.map((c) => c.kind)),
      appliedRules: derived.appliedRules.map((rule: TRuleId) => ({ rule, summary: RULE_SUMMARIES[rule] })),
      transitions: derived.transitions.map((t) => ({
        from: t.from,
        to: t.to,
        type: t.fact.type,
        dedupeKey: t.fact.dedupeKey,
        seq: seqByKey.get(t.fact.dedupeKey) ?? null,
      })),
      since: derived.since === null ? null : new Date(derived.since),
      latestAttempt: derived.latestAttempt,
      factCount: derived.factCount,
      // the stored projection should always equal the derivation; a difference is drift
      // (tampering, or a rules change not yet applied), repaired by force re-reconcile
      isDriftedFromStored:
        derived.state !== message.state ||
        derived.explanation !== message.stateExplanation ||
        derived.rulesVersion !== message.rulesVersion,
    },
    chain: chain.ok
      ? { ok: true as const, headHash: chain.headHash, checkedEvents: chain.checkedEvents }
      : {
          ok: false as const,
          reason: chain.reason,
          brokenAt: chain.brokenAt,
          brokenSeq: ledger.events[chain.brokenAt]
            ? (seqById.get(ledger.events[chain.brokenAt]!.id) ?? null)
            : null,
          checkedEvents: chain.checkedEvents,
        },
    events,
    counts: {
      events: events.length,
      receipts: receipts.length,
      duplicatedFacts: events.filter((e) => e.receipts.count > 1).length,
      outOfOrder: events.filter((e) => e.outOfOrder !== null).length,
    },
    isRawVisible: viewer.canViewRaw,
    request: viewer.canViewRaw ? { payload: mask(message.requestPayload) } : null,
    rawWebhooks: viewer.canViewRaw
      ? rawWebhooks.map((w) =>
          toTimelineRawWebhook(w, mask, [...(eventSeqsByWebhook.get(w.id) ?? [])].sort()),
        )
      : null,
  };
}

type TReceiptRow = Awaited<ReturnType<typeof listReceipts>>[number];

/** The timeline's events, in ledger order, with everything the page says about each. Pure. */
export function buildTimelineEvents(
  ledger: Pick<TLedgerView, "events" | "derived">,
  context: {
    seqById: ReadonlyMap<string, number>;
    receipts: readonly TReceiptRow[];
    /** masks and returns the body, or null: the viewer may not see raw bodies */
    maskBody: ((value: unknown) => TJsonValue) | null;
  },
): TTimelineEvent[] {
  const { derived } = ledger;
  const transitionByKey = new Map(derived.transitions.map((t) => [t.fact.dedupeKey, t]));
  const receiptsByEvent = new Map<string, TReceiptRow[]>();
  for (const receipt of context.receipts) {
    const list = receiptsByEvent.get(receipt.eventId) ?? [];
    list.push(receipt);
    receiptsByEvent.set(receipt.eventId, list);
  }
  const ordered = [...ledger.events].sort(
    (a, b) => (context.seqById.get(a.id) ?? 0) - (context.seqById.get(b.id) ?? 0),
  );
  // out of order: a provider-timestamped fact that arrived after one the provider timestamped later
  let latest: { seq: number; type: TLedgerEventType; at: number } | null = null;
  return ordered.map((event) => {
    const seq = context.seqById.get(event.id) ?? 0;
    const arrivals = receiptsByEvent.get(event.id) ?? [];
    const firstContentHash = arrivals.find((a) => a.isFirst)?.contentHash ?? arrivals[0]?.contentHash;
    let outOfOrder: TTimelineEvent["outOfOrder"] = null;
    if (event.providerTimestamp !== null) {
      if (latest && event.providerTimestamp < latest.at) {
        const earlierByMs = latest.at - event.providerTimestamp;
        outOfOrder = {
          afterSeq: latest.seq,
          afterType: latest.type,
          earlierByMs,
          text: `arrived after #${latest.seq} (${eventLabel(latest.type)}) although the provider timestamped it ${formatDuration(earlierByMs)} earlier`,
        };
      }
      if (!latest || event.providerTimestamp > latest.at) {
        latest = { seq, type: event.type, at: event.providerTimestamp };
      }
    }
    const transition = transitionByKey.get(event.dedupeKey);
    const lagMs = event.providerTimestamp === null ? null : event.recordedAt - event.providerTimestamp;
    const summary = event.receipts;
    const payload = event.payload as Record<string, TJsonValue | undefined>;
    const disputeInfo = payload.dispute;
    const dispute =
      event.type === "annotation" &&
      disputeInfo &&
      typeof disputeInfo === "object" &&
      !Array.isArray(disputeInfo) &&
      typeof (disputeInfo as Record<string, unknown>).id === "string" &&
      typeof (disputeInfo as Record<string, unknown>).ticketRef === "string"
        ? {
            id: (disputeInfo as Record<string, string>).id!,
            ticketRef: (disputeInfo as Record<string, string>).ticketRef!,
          }
        : null;
    return {
      seq,
      id: event.id,
      type: event.type,
      source: event.source,
      dedupeKey: event.dedupeKey,
      attempt: "attempt" in event ? event.attempt : null,
      headline: describeEvent(event),
      providerMessageId: "providerMessageId" in event ? event.providerMessageId : null,
      error: "error" in event ? event.error : null,
      actor: "actor" in event ? event.actor : null,
      reason: "reason" in event ? event.reason : null,
      note: event.type === "annotation" ? event.note : null,
      action: event.type === "manual_action" ? event.action : null,
      notBefore: event.type === "retry_scheduled" ? new Date(event.notBefore) : null,
      providerTimestamp: event.providerTimestamp === null ? null : new Date(event.providerTimestamp),
      recordedAt: new Date(event.recordedAt),
      lagMs,
      lagText: lagMs === null ? null : describeLag(lagMs),
      receipts: {
        count: summary?.receivedCount ?? Math.max(arrivals.length, 1),
        description: summary?.description ?? "received once",
        firstReceivedAt: summary?.firstReceivedAt ?? new Date(event.recordedAt),
        lastReceivedAt: summary?.lastReceivedAt ?? new Date(event.recordedAt),
        hasDivergentCopies: summary?.hasDivergentCopies ?? false,
        arrivals: arrivals.map((a) => ({
          receivedAt: a.receivedAt,
          source: a.source,
          rawWebhookId: a.rawWebhookId,
          isFirst: a.isFirst,
          isDivergent: a.contentHash !== firstContentHash,
        })),
      },
      outOfOrder,
      isDecider: derived.decider?.dedupeKey === event.dedupeKey,
      isInert: INERT_TYPES.has(event.type),
      transition: transition ? { from: transition.from, to: transition.to } : null,
      dispute,
      prevHash: event.prevHash,
      hash: event.hash,
      body: context.maskBody ? context.maskBody(stripLinks(event)) : null,
    };
  });
}

function stripLinks(event: TChainedEvent & { receipts?: unknown }): unknown {
  const { receipts: _receipts, ...rest } = event;
  return rest;
}

function toTimelineRawWebhook(
  row: TTenantRawWebhook,
  mask: (value: unknown) => TJsonValue,
  eventSeqs: number[],
): TTimelineRawWebhook {
  let body: string | null = null;
  let isTruncated = false;
  let redactedParts = 0;
  switch (row.body.kind) {
    case "whole":
      try {
        body = JSON.stringify(mask(JSON.parse(Buffer.from(row.body.bytes).toString("utf8"))), null, 2);
      } catch {
        body = null; // cannot happen: "whole" bodies parsed
      }
      break;
    case "slice":
      body = JSON.stringify(mask(row.body.json), null, 2);
      redactedParts = row.body.redactedParts;
      break;
    case "unreadable":
    case "pruned":
      break;
    default: {
      const never: never = row.body;
      throw new Error(`unknown raw body ${String(never)}`);
    }
  }
  if (body !== null && body.length > RAW_BODY_DISPLAY_LIMIT) {
    body = body.slice(0, RAW_BODY_DISPLAY_LIMIT);
    isTruncated = true;
  }
  return {
    id: row.id,
    receivedAt: row.receivedAt,
    bodyBytes: row.bodyBytes,
    bodySha256: row.bodySha256,
    signatureHeader: row.signatureHeader,
    signatureKeyIndex: row.signatureKeyIndex,
    duplicateCount: row.duplicateCount,
    body,
    isTruncated,
    isPruned: row.body.kind === "pruned",
    redactedParts,
    eventSeqs,
  };
}

const EVENT_LABELS: Record<TLedgerEventType, string> = {
  requested: "requested",
  attempt_started: "attempt started",
  provider_accepted: "accepted",
  provider_rejected: "rejected",
  status_sent: "sent",
  status_delivered: "delivered",
  status_read: "read",
  status_played: "played",
  status_failed: "failed",
  retry_scheduled: "retry scheduled",
  dead_lettered: "dead-lettered",
  cancelled: "cancelled",
  stalled_detected: "stall detected",
  manual_action: "operator action",
  annotation: "note",
  state_recomputed: "state recomputed",
};

export function eventLabel(type: TLedgerEventType): string {
  return EVENT_LABELS[type];
}

const ACTION_LABELS = {
  cancel: "cancel",
  retry: "retry",
  discard: "discard",
  resolve_in_doubt: "resolve in-doubt attempt",
  force_reconcile: "force re-reconcile",
  replay_webhook: "replay raw webhook",
} as const;

function errorText(error: TLedgerError | null): string {
  if (!error) return "";
  return error.title ? ` (${error.code}: ${error.title})` : ` (${error.code})`;
}

function attemptText(attempt: number | null): string {
  return attempt !== null && attempt > 0 ? ` for attempt ${attempt}` : "";
}

/** One sentence saying what the event records. */
export function describeEvent(event: TChainedEvent): string {
  switch (event.type) {
    case "requested": {
      const via = event.payload.via;
      return via === "console"
        ? "Requested from the console"
        : via === "tenant_api"
          ? "Requested through the tenant API"
          : "Requested";
    }
    case "attempt_started":
      return `Attempt ${event.attempt} started`;
    case "provider_accepted":
      return event.source === "operator"
        ? `Acceptance of attempt ${event.attempt} recorded by an operator (${event.providerMessageId})`
        : `Provider accepted attempt ${event.attempt} (${event.providerMessageId})`;
    case "provider_rejected":
      return `Provider rejected attempt ${event.attempt}${errorText(event.error)}`;
    case "status_sent":
    case "status_delivered":
    case "status_read":
    case "status_played":
      return `Provider reported ${EVENT_LABELS[event.type]}${attemptText(event.attempt)}`;
    case "status_failed":
      return `Provider reported failed${attemptText(event.attempt)}${errorText(event.error)}`;
    case "retry_scheduled":
      return `Retry scheduled: attempt ${event.attempt}${errorText(event.error)}`;
    case "dead_lettered":
      return `Dead-lettered at attempt ${event.attempt}: ${event.reason}${errorText(event.error)}`;
    case "cancelled":
      return `Cancelled by ${event.actor}: ${event.reason}`;
    case "stalled_detected":
      return "Stall detected: no progress within the expected time";
    case "manual_action": {
      const request = event.action === "replay_webhook" ? event.payload.rawWebhookId : undefined;
      // which raw request was replayed, abbreviated as the timeline's request list abbreviates it
      const target = typeof request === "string" ? ` of request ${shortId(request)}` : "";
      return `Operator action: ${ACTION_LABELS[event.action]}${target} by ${event.actor}`;
    }
    case "annotation":
      return `Note by ${event.actor}`;
    case "state_recomputed":
      return `State recomputed with rules v${event.rulesVersion}: ${event.fromState ?? "none"} → ${event.toState}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** "0.4 s", "12 s", "3 min", "5 h", "2 days". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 60_000) return `${Math.round(abs / 1000)} s`;
  if (abs < 3_600_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 2 * 86_400_000) return `${Math.round(abs / 3_600_000)} h`;
  const days = Math.round(abs / 86_400_000);
  return `${days} days`;
}

/** The delay between the provider's clock and our receipt, in words. */
export function describeLag(lagMs: number): string {
  if (lagMs < 0) return `provider clock ${formatDuration(lagMs)} ahead of ours`;
  return `received ${formatDuration(lagMs)} after the provider's time`;
}

/**
 * A deep copy with recipient phone numbers masked: values under keys that hold numbers in Cloud
 * API bodies, and any string equal to this message's recipient. Raw views stay useful without
 * unmasking anyone (revealing is a separate, audited action).
 */
export function maskJson(value: unknown, recipientDigits: string): TJsonValue {
  const masked = (digits: string) => maskRecipient(digits.replace(/^\+/, ""));
  const walk = (node: unknown, key: string | null): TJsonValue => {
    if (typeof node === "string") {
      const bare = node.replace(/^\+/, "");
      if (bare === recipientDigits) return masked(bare);
      if (key !== null && PHONE_KEYS.has(key) && /^\+?[0-9]{6,15}$/.test(node)) return masked(bare);
      return node;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, null));
    if (node !== null && typeof node === "object") {
      const out: Record<string, TJsonValue> = {};
      for (const [k, v] of Object.entries(node)) {
        if (v === undefined) continue;
        out[k] = walk(v, k);
      }
      return out;
    }
    if (typeof node === "number" || typeof node === "boolean" || node === null) return node;
    return null;
  };
  return walk(value, null);
}
