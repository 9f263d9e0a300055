// The outbox and usage projectors on real PostgreSQL, run as the ledger's batched append runs them
// (TLedgerProjector.project with the batch's before/after facts and newly appended events): each
// event is stored and fanned out once whatever is replayed or duplicated, a read without
// delivered fires an inferred delivered first, an endpoint gets only what it subscribed to (and
// passes its filters), and usage counts a priced message once, on the day of its earliest
// priced status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";
import { at, build, receipt } from "@/server/domain/ledger/build-test-events";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { emptyFoldState } from "@/server/domain/reconciliation/fold";
import type { TMessageAppend, TMessageFacts } from "@/server/services/ledger/projector";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { ZCreateEndpointSchema } from "@/server/services/triggers/inputs";
import { triggerOutboxProjector } from "@/server/services/triggers/trigger-projector";
import { usageProjector } from "@/server/services/usage/usage-projector";
import { makeSenderNumber, makeTenant } from "../factories";
import { createTestDb, testSecretBox } from "../setup/context";

let db: TDb;
const actor = { kind: "cli" as const, label: "projector-test" };

beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

const PRICING = { pricing: { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" } };

/** Runs both projectors batch by batch for one message, like the ledger: only new facts are appended. */
async function project(
  tenantId: string,
  senderNumberId: string,
  messageId: string,
  batches: TLedgerEvent[][],
) {
  const ledger: TLedgerEvent[] = [];
  const keys = new Set<string>();
  let before: TMessageFacts | null = null;
  for (const batch of batches) {
    const appended = batch
      .filter((e) => !keys.has(e.dedupeKey) && keys.add(e.dedupeKey))
      .map((e) => ({ ...e, messageId, prevHash: "", hash: "", rawWebhookId: null }));
    ledger.push(...appended);
    const derived = deriveState(ledger, CURRENT_RULES);
    const after: TMessageFacts = {
      state: derived.state,
      conflictKinds: derived.conflicts.map((c) => c.kind),
      senderNumberId,
      recipient: "15551234567",
      contentKind: "template",
      templateName: "order_update",
      templateCategory: "UTILITY",
      createdAtMs: at(0),
      lastErrorCode: null,
      deliveryLatencyMs: null,
      attemptCount: derived.latestAttempt,
    };
    const message: TMessageAppend = {
      tenantId,
      messageId,
      before,
      after,
      derived,
      appended,
      duplicates: [],
      ledger: null,
      fold: emptyFoldState(CURRENT_RULES.version),
      isUnchanged: false,
      providerMessageId: null,
    };
    await db.$transaction(async (tx) => {
      const input = { sql: sqlOfPrisma(tx), now: new Date(), messages: [message] };
      await triggerOutboxProjector.project?.(input);
      await usageProjector.project?.(input);
    });
    before = after;
  }
}

async function setup(eventTypes: string[], filters: { templateNames?: string[] } = {}) {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  const { endpoint } = await createEndpoint(
    db,
    testSecretBox,
    actor,
    {
      tenantId: tenant.id,
      ...ZCreateEndpointSchema.parse({ url: "https://example.test/hook", eventTypes, ...filters }),
    },
    { allowHttp: false },
    new Date(),
  );
  return { tenant, sender, endpoint };
}

const start = () => [build.requested(), build.started(1), build.accepted(1)];

describe("the trigger outbox projector", () => {
  it("fires an inferred delivered then read once, nothing at acceptance, whatever is replayed", async () => {
    const { tenant, sender } = await setup(["message.delivered", "message.read"]);
    const messageId = crypto.randomUUID();
    const read = build.status("read", { at: 30, payload: PRICING });
    const delivered = build.status("delivered", { at: 20, payload: PRICING });
    await project(tenant.id, sender.id, messageId, [
      start(),
      [read],
      [receipt(read, 1)],
      [delivered],
      [read, delivered],
    ]);
    // the same batches again, as after a replay of the raw webhooks
    await project(tenant.id, sender.id, messageId, [start(), [read], [delivered]]);
    const events = await db.triggerEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["message.delivered", "message.read"]);
    expect(events[0]?.payload).toMatchObject({ inferred: true, state: "read", recipient: "15551234567" });
    expect(await db.webhookDelivery.count({ where: { tenantId: tenant.id } })).toBe(2);
  });

  it("fires state_corrected naming the previous state when delivered comes after failed", async () => {
    const { tenant, sender } = await setup([
      "message.failed",
      "message.state_corrected",
      "message.delivered",
    ]);
    const messageId = crypto.randomUUID();
    await project(tenant.id, sender.id, messageId, [
      start(),
      [build.failed({ at: 10 })],
      [build.status("delivered", { at: 20 })],
    ]);
    const events = await db.triggerEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual([
      "message.failed",
      "message.state_corrected",
      "message.delivered",
    ]);
    expect(events[1]?.payload).toMatchObject({
      previousState: "failed",
      correction: "delivered_after_failed",
    });
  });

  it("stores nothing for a tenant without subscribers, and honours template filters", async () => {
    const none = await setup(["alert.opened"]);
    await project(none.tenant.id, none.sender.id, crypto.randomUUID(), [
      start(),
      [build.status("delivered", { at: 5 })],
    ]);
    expect(await db.triggerEvent.count({ where: { tenantId: none.tenant.id } })).toBe(0);

    const filtered = await setup(["message.delivered"], { templateNames: ["other_template"] });
    await project(filtered.tenant.id, filtered.sender.id, crypto.randomUUID(), [
      start(),
      [build.status("delivered", { at: 5 })],
    ]);
    expect(await db.webhookDelivery.count({ where: { tenantId: filtered.tenant.id } })).toBe(0);
  });
});

describe("the usage projector", () => {
  it("counts a priced message once, on the day of its earliest priced status, in any arrival order", async () => {
    const { tenant, sender } = await setup(["alert.opened"]);
    const messageId = crypto.randomUUID();
    const sent = build.status("sent", { at: 10, payload: PRICING });
    const delivered = build.status("delivered", { at: 20, payload: PRICING });
    await project(tenant.id, sender.id, messageId, [start(), [delivered], [sent], [receipt(delivered, 1)]]);
    const rows = await db.usageMessage.findMany({ where: { tenantId: tenant.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: "marketing", pricingType: "regular", billable: true });
    expect(rows[0]?.pricedAt.getTime()).toBe(at(10));

    // a failed message carries no pricing: not counted
    await project(tenant.id, sender.id, crypto.randomUUID(), [start(), [build.failed({ at: 5 })]]);
    expect(await db.usageMessage.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});
