// Messages with realistic ledgers, for the console's tests and the demo seed: created and appended
// through the ledger service (createMessage / appendEvents), each step at its own arrival time,
// so receipts, duplicates and out-of-order arrivals look exactly as ingestion would leave them.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { appendEvents, createMessage } from "@/server/services/ledger/append-events";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { drafts, UNDELIVERABLE } from "./ledger";

export type TMessageStep = {
  /** when this arrival was recorded (epoch ms) */
  atMs: number;
  drafts: TEventDraft[];
  rawWebhookId?: string | null;
};

export type TMakeMessageInput = {
  tenantId: string;
  senderNumberId: string;
  id?: string;
  /** E.164 digits without "+" */
  recipient?: string;
  templateName?: string | null;
  templateLanguage?: string;
  templateCategory?: string;
  /** when the message was requested (epoch ms); default now */
  createdAtMs?: number;
};

/** Creates a message (requested at createdAtMs) and appends each step at its own time. */
export async function makeMessage(db: TDb, input: TMakeMessageInput, steps: readonly TMessageStep[] = []) {
  const id = input.id ?? crypto.randomUUID();
  const recipient = input.recipient ?? `1555${crypto.randomInt(1_000_000, 9_999_999)}`;
  const templateName = input.templateName === undefined ? "order_update" : input.templateName;
  const createdAt = new Date(input.createdAtMs ?? Date.now());
  const payload: Prisma.InputJsonValue = templateName
    ? {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: recipient,
        type: "template",
        template: { name: templateName, language: { code: input.templateLanguage ?? "en_US" } },
        biz_opaque_callback_data: id,
      }
    : { messaging_product: "whatsapp", to: recipient, type: "text", text: { body: "Hello" } };
  await db.$transaction((tx) =>
    createMessage(
      tx,
      {
        tenantId: input.tenantId,
        id,
        senderNumberId: input.senderNumberId,
        recipient,
        contentKind: templateName ? "template" : "text",
        templateName,
        templateLanguage: templateName ? (input.templateLanguage ?? "en_US") : null,
        templateCategory: templateName ? (input.templateCategory ?? "UTILITY") : null,
        requestPayload: payload,
      },
      { ...drafts.requested(), payload: { via: "tenant_api" } },
      { now: createdAt },
    ),
  );
  for (const step of steps) {
    await db.$transaction((tx) =>
      appendEvents(tx, input.tenantId, id, step.drafts, {
        now: new Date(step.atMs),
        rawWebhookId: step.rawWebhookId ?? null,
      }),
    );
  }
  return { id, recipient, templateName, createdAt };
}

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

export const GENERIC_ERROR: TLedgerError = {
  code: "131000",
  title: "Something went wrong",
  message: "Something went wrong",
  details: "Message failed to send because of an unknown error. Try again later.",
};

const rejected = (attempt: number, error: TLedgerError): TEventDraft => drafts.rejected(attempt, error);

const retryScheduled = (attempt: number, notBefore: number, error: TLedgerError | null): TEventDraft =>
  drafts.retryScheduled(attempt, notBefore, error);

export const wamidFor = (label: string) =>
  `wamid.HBgL${Buffer.from(`${label}-${crypto.randomBytes(6).toString("hex")}`).toString("base64url")}`;

/**
 * Ledger histories support meets every day, as arrival steps from `t0` (when it was requested).
 * Provider timestamps are seconds-precise, like Meta's.
 */
export const stories = {
  /** Accepted, sent, delivered, read: everything in order, a few seconds of webhook lag. */
  read(t0: number, wamid = wamidFor("read")): TMessageStep[] {
    return [
      { atMs: t0 + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 900, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 4 * S, drafts: [drafts.status("sent", wamid, t0 + 2 * S)] },
      { atMs: t0 + 7 * S, drafts: [drafts.status("delivered", wamid, t0 + 5 * S)] },
      { atMs: t0 + 12 * MIN + 3 * S, drafts: [drafts.status("read", wamid, t0 + 12 * MIN)] },
    ];
  },
  /** Sent, then failed with 131026 (undeliverable: not on WhatsApp, or an old app). */
  failed131026(t0: number, wamid = wamidFor("failed")): TMessageStep[] {
    return [
      { atMs: t0 + 300, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 1100, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 5 * S, drafts: [drafts.status("sent", wamid, t0 + 3 * S)] },
      { atMs: t0 + 41 * S, drafts: [drafts.failed(wamid, t0 + 38 * S, UNDELIVERABLE)] },
    ];
  },
  /**
   * The worst order (docs/reconciliation.md section 6): read, failed (a second device), delivered,
   * sent arrive in that order, and read again two days later. State read, conflict read_after_failed.
   */
  readAfterFailed(t0: number, wamid = wamidFor("conflict")): TMessageStep[] {
    return [
      { atMs: t0 + 250, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 800, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 30 * S, drafts: [drafts.status("read", wamid, t0 + 10 * S)] },
      { atMs: t0 + 31 * S, drafts: [drafts.failed(wamid, t0 + 7 * S, UNDELIVERABLE)] },
      { atMs: t0 + 32 * S, drafts: [drafts.status("delivered", wamid, t0 + 5 * S)] },
      { atMs: t0 + 33 * S, drafts: [drafts.status("sent", wamid, t0 + 1 * S)] },
      { atMs: t0 + 2 * DAY + 30 * S, drafts: [drafts.status("read", wamid, t0 + 10 * S)] },
    ];
  },
  /** Meta re-delivers: sent twice, delivered three times over two days, never read. */
  duplicateHeavy(t0: number, wamid = wamidFor("dupes")): TMessageStep[] {
    const sent = drafts.status("sent", wamid, t0 + 2 * S);
    const delivered = drafts.status("delivered", wamid, t0 + 6 * S);
    return [
      { atMs: t0 + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 700, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 3 * S, drafts: [sent] },
      { atMs: t0 + 8 * S, drafts: [delivered] },
      { atMs: t0 + 20 * MIN, drafts: [sent] },
      { atMs: t0 + 5 * H, drafts: [delivered] },
      { atMs: t0 + 2 * DAY, drafts: [delivered] },
    ];
  },
  /** Attempt 1 rejected (131000), retried: attempt 2 accepted and delivered. */
  retriedThenDelivered(t0: number, wamid = wamidFor("retry")): TMessageStep[] {
    return [
      { atMs: t0 + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 1500, drafts: [rejected(1, GENERIC_ERROR)] },
      { atMs: t0 + 1600, drafts: [retryScheduled(2, t0 + 31 * S, GENERIC_ERROR)] },
      { atMs: t0 + 31 * S, drafts: [drafts.attemptStarted(2)] },
      { atMs: t0 + 32 * S, drafts: [drafts.accepted(2, wamid)] },
      { atMs: t0 + 35 * S, drafts: [drafts.status("sent", wamid, t0 + 34 * S, 2)] },
      { atMs: t0 + 39 * S, drafts: [drafts.status("delivered", wamid, t0 + 37 * S, 2)] },
    ];
  },
  /**
   * Attempt 1 refused with `error` and dead-lettered with `reason` (the pipeline's words, e.g.
   * "permanent error 131026 (Message undeliverable): not retried automatically").
   */
  deadLettered(t0: number, error: TLedgerError, reason: string, afterMs = 1500): TMessageStep[] {
    return [
      { atMs: t0 + 200, drafts: [drafts.attemptStarted(1)] },
      {
        atMs: t0 + afterMs,
        drafts: [rejected(1, error), drafts.deadLettered(1, reason, error)],
      },
    ];
  },
} as const;

/** Errors the demo's dead letters carry (as the pipeline records them). */
export const DEAD_LETTER_ERRORS = {
  undeliverable: UNDELIVERABLE,
  generic: GENERIC_ERROR,
  unavailable: {
    code: "131016",
    title: "Service unavailable",
    message: "(#131016) Service unavailable",
    details: "A service is temporarily unavailable.",
  },
  marketingCap: {
    code: "131049",
    title: "This message was not delivered to maintain healthy ecosystem engagement",
    message: "(#131049) This message was not delivered to maintain healthy ecosystem engagement.",
    details: null,
  },
} as const satisfies Record<string, TLedgerError>;

/** Fixed ids of the demo messages, so the e2e journeys can address them. */
export const DEMO_MESSAGE_IDS = {
  acmeRead: "5b1e0c3a-2f47-4d8e-9a61-0c7d3e2fa001",
  acmeFailed: "8c4f2d71-6b3a-4e05-b2d9-1e6a7c4fa002",
  acmeReadAfterFailed: "d2a97e46-1c58-4b3f-8e70-3b9f5a1ca003",
  acmeDuplicates: "3e7b5a92-8d14-4c6e-a0f3-6d2c8b7ea004",
  acmeRetried: "a6c3f810-4e29-4d71-9b5a-8f1e2d3ca005",
  globexRead: "f4d81b63-7a2e-4f95-8c16-2a9b6e5db001",
  globexFailed: "1c9e6f24-3b87-4a50-bd42-7e3f1a8cb002",
  globexDuplicates: "7f2a4c95-e613-4b8d-9e27-5c1d0b6fb003",
  // dead letters (issue 6 point 6): on Acme's healthy number, and one of Globex
  acmeDeadUndeliverable: "0d3c5e18-9a64-4b27-8f51-2e7a9c1dd006",
  acmeDeadExhausted: "6e8b1f47-2c93-4d05-a7e6-9b4d3f2ad007",
  acmeDeadFreeForm: "b7f4a2c9-5e18-4c63-9d2a-4f6e8b1cd008",
  globexDeadCapped: "9a2e6d31-4f85-4b19-b3c7-8d5f2e6ad004",
} as const;

/**
 * A few messages with true ledgers per demo tenant, so the console shows real timelines before
 * the simulator has sent anything: read, failed 131026, read after failed (a conflict),
 * duplicate-heavy, and a retry. Every arrival is in the past, relative to `nowMs`.
 */
export async function seedDemoMessages(db: TDb, tenants: { acme: string; globex: string }, nowMs: number) {
  const senders = async (tenantId: string) =>
    (
      await db.senderNumber.findMany({
        where: { tenantId },
        select: { id: true },
        orderBy: { displayNumber: "asc" },
      })
    ).map((s) => s.id);
  const [acmeSupport, acmePromotions] = await senders(tenants.acme);
  const [globexAlerts] = await senders(tenants.globex);
  if (!acmeSupport || !acmePromotions || !globexAlerts) throw new Error("demo sender numbers are missing");
  const ago = (ms: number) => nowMs - ms;
  const specs: { input: TMakeMessageInput; steps: (t0: number) => TMessageStep[] }[] = [
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeRead,
        recipient: "447700900123",
        templateName: "order_update",
        createdAtMs: ago(26 * H),
      },
      steps: (t0) => stories.read(t0),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmePromotions,
        id: DEMO_MESSAGE_IDS.acmeFailed,
        recipient: "491701234567",
        templateName: "spring_sale",
        templateCategory: "MARKETING",
        createdAtMs: ago(20 * H),
      },
      steps: (t0) => stories.failed131026(t0),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeReadAfterFailed,
        recipient: "15550004567",
        templateName: "appointment_reminder",
        createdAtMs: ago(3 * DAY),
      },
      steps: (t0) => stories.readAfterFailed(t0),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeDuplicates,
        recipient: "15550014567",
        templateName: "order_update",
        createdAtMs: ago(2 * DAY + 6 * H),
      },
      steps: (t0) => stories.duplicateHeavy(t0),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeRetried,
        recipient: "33612345678",
        templateName: "login_code",
        templateCategory: "AUTHENTICATION",
        createdAtMs: ago(5 * H),
      },
      steps: (t0) => stories.retriedThenDelivered(t0),
    },
    {
      input: {
        tenantId: tenants.globex,
        senderNumberId: globexAlerts,
        id: DEMO_MESSAGE_IDS.globexRead,
        recipient: "15550024567",
        templateName: "outage_alert",
        createdAtMs: ago(30 * H),
      },
      steps: (t0) => stories.read(t0),
    },
    {
      input: {
        tenantId: tenants.globex,
        senderNumberId: globexAlerts,
        id: DEMO_MESSAGE_IDS.globexFailed,
        recipient: "447700900999",
        templateName: "outage_alert",
        createdAtMs: ago(10 * H),
      },
      steps: (t0) => stories.failed131026(t0),
    },
    {
      input: {
        tenantId: tenants.globex,
        senderNumberId: globexAlerts,
        id: DEMO_MESSAGE_IDS.globexDuplicates,
        recipient: "15550034567",
        templateName: "outage_resolved",
        createdAtMs: ago(2 * DAY + 6 * H),
      },
      steps: (t0) => stories.duplicateHeavy(t0),
    },
    // dead letters: a permanent error, a spent retry budget, a free-form text older than the
    // 24-hour window, and a recipient Meta capped (Globex, marketing)
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeDeadUndeliverable,
        recipient: "447700900456",
        templateName: "order_update",
        createdAtMs: ago(3 * H),
      },
      steps: (t0) =>
        stories.deadLettered(
          t0,
          DEAD_LETTER_ERRORS.undeliverable,
          "permanent error 131026 (Message undeliverable): not retried automatically",
        ),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeDeadExhausted,
        recipient: "15550104321",
        templateName: "shipping_notice",
        createdAtMs: ago(2 * H),
      },
      steps: (t0) =>
        stories.deadLettered(
          t0,
          DEAD_LETTER_ERRORS.generic,
          "retry budget spent: 8 of 8 attempts failed (last: 131000 Something went wrong)",
          40 * MIN,
        ),
    },
    {
      input: {
        tenantId: tenants.acme,
        senderNumberId: acmeSupport,
        id: DEMO_MESSAGE_IDS.acmeDeadFreeForm,
        recipient: "15550114321",
        templateName: null,
        createdAtMs: ago(30 * H),
      },
      steps: (t0) =>
        stories.deadLettered(
          t0,
          DEAD_LETTER_ERRORS.unavailable,
          "retry window spent: attempt 9 would start more than 24 h after the request (last: 131016 Service unavailable)",
          H,
        ),
    },
    {
      input: {
        tenantId: tenants.globex,
        senderNumberId: globexAlerts,
        id: DEMO_MESSAGE_IDS.globexDeadCapped,
        recipient: "15550124321",
        templateName: "spring_offer",
        templateCategory: "MARKETING",
        createdAtMs: ago(5 * H),
      },
      steps: (t0) =>
        stories.deadLettered(
          t0,
          DEAD_LETTER_ERRORS.marketingCap,
          "permanent error 131049 (This message was not delivered to maintain healthy ecosystem engagement): not retried automatically",
        ),
    },
  ];
  for (const spec of specs) {
    await makeMessage(db, spec.input, spec.steps(spec.input.createdAtMs!));
  }
  return specs.length;
}
