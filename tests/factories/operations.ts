// Demo data for the Stalled & alerts and Operations pages, so they show something true before any
// traffic (the simulator produces no quarantine or orphans on its own, and nothing stalls quickly):
// stalled messages with their alerts (raised by the real stall sweep), a held in-doubt attempt, and
// raw webhook requests processed by the real drainer: one quarantined (an unregistered number),
// one left as an orphan (a wamid nobody sent), one whose statuses reached a message (replayable
// from its timeline). The raw rows are stored as the route stores verified requests, minus the
// signature header: the seed does not know the deployment's app secret.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { uuidV7 } from "@/server/ingest/uuid-v7";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import { detectStalled } from "@/server/services/monitoring/detect-stalled";
import { drafts } from "./ledger";
import { makeMessage, wamidFor } from "./messages";
import { entry, envelope, messagesChange, statusItem } from "./webhooks";

const MIN = 60_000;
const H = 60 * MIN;

/** Fixed ids, so the e2e journeys can address them. */
export const DEMO_OPERATIONS_IDS = {
  acmeStalled: "0c7e5a14-9b3d-4f28-a6e1-5d2f8c3b0a11",
  globexStalledSent: "6f1b9d27-3c8e-4a52-b0d4-8e7a2c5f1b12",
  globexInDoubt: "b83c2e59-7a14-4d6f-9e21-4c0b6d8a3f13",
  acmeWebhookLinked: "e4a2c7d1-5f38-4b9e-8c06-2d9f1a7b5e14",
} as const;

type TNumber = { id: string; wabaId: string; phoneNumberId: string; displayNumber: string };

async function storeRawWebhook(db: TDb, body: unknown, receivedAt: Date): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(body));
  const id = uuidV7(receivedAt.getTime());
  await db.webhookInbox.create({
    data: {
      id,
      bodySha256: new Uint8Array(crypto.createHash("sha256").update(bytes).digest()),
      receivedAt,
      body: new Uint8Array(bytes),
      bodyBytes: bytes.byteLength,
      headers: { "content-type": "application/json", "user-agent": "waybill-demo-seed" },
      signatureKeyIndex: 0,
      availableAt: receivedAt,
    },
  });
  return id;
}

function statusRequest(number: TNumber, statuses: { wamid: string; status: string; atMs: number }[]) {
  return envelope([
    entry(number.wabaId, [
      messagesChange(number.phoneNumberId, number.displayNumber, {
        statuses: statuses.map((s) => statusItem(s.wamid, s.status, s.atMs)),
      }),
    ]),
  ]);
}

export async function seedDemoOperations(db: TDb, tenants: { acme: string; globex: string }, nowMs: number) {
  const numbers = async (tenantId: string) =>
    db.senderNumber.findMany({
      where: { tenantId },
      select: { id: true, wabaId: true, phoneNumberId: true, displayNumber: true },
      orderBy: { displayNumber: "asc" },
    });
  const [acmeSupport, acmePromotions] = await numbers(tenants.acme);
  const [globexAlerts] = await numbers(tenants.globex);
  if (!acmeSupport || !acmePromotions || !globexAlerts) throw new Error("demo sender numbers are missing");

  // accepted two hours ago and never heard of again (stalled after 15 minutes)
  const acceptedAt = nowMs - 2 * H;
  await makeMessage(
    db,
    {
      tenantId: tenants.acme,
      senderNumberId: acmePromotions.id,
      id: DEMO_OPERATIONS_IDS.acmeStalled,
      recipient: "447700900555",
      templateName: "spring_sale",
      templateCategory: "MARKETING",
      createdAtMs: acceptedAt,
    },
    [
      { atMs: acceptedAt + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: acceptedAt + 900, drafts: [drafts.accepted(1, wamidFor("stalled"))] },
    ],
  );
  // sent 30 hours ago, never delivered (stalled after a day: the recipient may be offline)
  const sentAt = nowMs - 30 * H;
  const sentWamid = wamidFor("stalled-sent");
  await makeMessage(
    db,
    {
      tenantId: tenants.globex,
      senderNumberId: globexAlerts.id,
      id: DEMO_OPERATIONS_IDS.globexStalledSent,
      recipient: "15550027777",
      templateName: "outage_alert",
      createdAtMs: sentAt,
    },
    [
      { atMs: sentAt + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: sentAt + 800, drafts: [drafts.accepted(1, sentWamid)] },
      { atMs: sentAt + 4_000, drafts: [drafts.status("sent", sentWamid, sentAt + 2_000)] },
    ],
  );
  // an attempt started an hour ago whose outcome was never recorded (a worker died): held
  const startedAt = nowMs - H;
  await makeMessage(
    db,
    {
      tenantId: tenants.globex,
      senderNumberId: globexAlerts.id,
      id: DEMO_OPERATIONS_IDS.globexInDoubt,
      recipient: "15550038888",
      templateName: "outage_resolved",
      createdAtMs: startedAt,
    },
    [{ atMs: startedAt + 300, drafts: [drafts.attemptStarted(1)] }],
  );

  // a message whose sent and delivered statuses came in one raw request (replayable from its timeline)
  const linkedAt = nowMs - 3 * H;
  const linkedWamid = wamidFor("linked");
  await makeMessage(
    db,
    {
      tenantId: tenants.acme,
      senderNumberId: acmeSupport.id,
      id: DEMO_OPERATIONS_IDS.acmeWebhookLinked,
      recipient: "33698765432",
      templateName: "order_update",
      createdAtMs: linkedAt,
    },
    [
      { atMs: linkedAt + 200, drafts: [drafts.attemptStarted(1)] },
      { atMs: linkedAt + 900, drafts: [drafts.accepted(1, linkedWamid)] },
    ],
  );
  await storeRawWebhook(
    db,
    statusRequest(acmeSupport, [
      { wamid: linkedWamid, status: "sent", atMs: linkedAt + 2_000 },
      { wamid: linkedWamid, status: "delivered", atMs: linkedAt + 5_000 },
    ]),
    new Date(linkedAt + 6_000),
  );
  // a number nobody registered: quarantined (unknown_phone_number)
  await storeRawWebhook(
    db,
    statusRequest(
      { id: "", wabaId: acmeSupport.wabaId, phoneNumberId: "106540352249999", displayNumber: "+15550109999" },
      [{ wamid: wamidFor("unknown-number"), status: "delivered", atMs: nowMs - 50 * MIN }],
    ),
    new Date(nowMs - 50 * MIN + 1_500),
  );
  // a status for a wamid Waybill never sent: waits as an orphan
  await storeRawWebhook(
    db,
    statusRequest(acmePromotions, [{ wamid: wamidFor("orphan"), status: "read", atMs: nowMs - 40 * MIN }]),
    new Date(nowMs - 40 * MIN + 2_000),
  );
  for (let i = 0; i < 10; i += 1) {
    const step = await drainInboxOnce(db, { batchSize: 50, maxAttempts: 3, now: () => new Date(nowMs) });
    if (step.claimed === 0) break;
  }

  // the stall sweep, as the worker runs it every minute: ledger events and alerts
  await detectStalled(db, {
    now: new Date(nowMs),
    cohort: { minStalled: 5, jump: 0.2, baselineMinutes: 60 },
    limitPerState: 500,
    tenantIds: [tenants.acme, tenants.globex],
  });
}
