// Messages with realistic ledgers, for the console's tests and the demo seed: created and appended
// through the ledger service (createMessage / appendEvents), each step at its own arrival time,
// so receipts, duplicates and out-of-order arrivals look exactly as ingestion would leave them.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
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

const rejected = (attempt: number, error: TLedgerError): TEventDraft => ({
  type: "provider_rejected",
  source: "provider_response",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(attempt, "rejected"),
  payload: {},
  attempt,
  error,
});

const retryScheduled = (attempt: number, notBefore: number, error: TLedgerError | null): TEventDraft => ({
  type: "retry_scheduled",
  source: "worker",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
  payload: {},
  attempt,
  notBefore,
  error,
});

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
} as const;

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
  ];
  for (const spec of specs) {
    await makeMessage(db, spec.input, spec.steps(spec.input.createdAtMs!));
  }
  return specs.length;
}
