// The provider-error-rate alert on real PostgreSQL: Meta refusing a number's send requests
// (throttling 130429 among them) at a rate that jumps above the baseline opens an alert for the
// number and for the tenant, published as alert.opened to the tenant's endpoint; a steady state
// opens nothing, another tenant is untouched, and the alert resolves (alert.resolved) when the
// refusals stop. The sweep runs at chosen times; nothing waits on the clock.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { detectProviderErrors } from "@/server/services/monitoring/detect-provider-errors";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { ZCreateEndpointSchema } from "@/server/services/triggers/inputs";
import { makeSenderNumber, makeTenant } from "../factories";
import { drafts } from "../factories/ledger";
import { makeMessage } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";

const MIN = 60_000;
let db: TDb;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

const rejectedDraft = (code: string): TEventDraft => ({
  type: "provider_rejected",
  source: "provider_response",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(1, "rejected"),
  payload: {},
  attempt: 1,
  error: {
    code,
    title: code === "130429" ? "Rate limit hit" : "Template paused",
    message: "refused",
    details: "",
  },
});

/** `ok` messages accepted and `refused` refused (by `code`), all requested at `atMs`. */
async function traffic(
  tenantId: string,
  senderNumberId: string,
  atMs: number,
  ok: number,
  refused: number,
  code: string,
) {
  for (let i = 0; i < ok; i += 1)
    await makeMessage(db, { tenantId, senderNumberId, createdAtMs: atMs }, [
      { atMs: atMs + 100, drafts: [drafts.attemptStarted(1)] },
      { atMs: atMs + 500, drafts: [drafts.accepted(1, `wamid.${crypto.randomUUID()}`)] },
    ]);
  for (let i = 0; i < refused; i += 1)
    await makeMessage(db, { tenantId, senderNumberId, createdAtMs: atMs }, [
      { atMs: atMs + 100, drafts: [drafts.attemptStarted(1)] },
      { atMs: atMs + 500, drafts: [rejectedDraft(code)] },
    ]);
}

const rules = { minRejected: 10, jump: 0.2, windowMinutes: 10, baselineMinutes: 60 };

describe("provider-error-rate alerts", () => {
  it("opens for the number and the tenant when refusals jump, publishes it, and resolves when they stop", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const quiet = await makeSenderNumber(db, testSecretBox, tenant.id);
    const other = await makeTenant(db);
    const otherSender = await makeSenderNumber(db, testSecretBox, other.id);
    await createEndpoint(
      db,
      testSecretBox,
      { kind: "cli", label: "test" },
      {
        tenantId: tenant.id,
        ...ZCreateEndpointSchema.parse({
          url: "https://hooks.example.test/alerts",
          eventTypes: ["alert.opened", "alert.resolved"],
        }),
      },
      { allowHttp: false },
      new Date(),
    );
    const t = Date.now() - 30 * MIN;
    // baseline hour: a normal number (1 refusal in 20); the other tenant steadily bad, no jump
    await traffic(tenant.id, sender.id, t - 30 * MIN, 19, 1, "132015");
    await traffic(tenant.id, quiet.id, t - 30 * MIN, 10, 0, "132015");
    await traffic(other.id, otherSender.id, t - 30 * MIN, 10, 10, "130429");
    await traffic(other.id, otherSender.id, t - 5 * MIN, 10, 10, "130429");
    // the window: Meta throttles the number (12 of 20)
    await traffic(tenant.id, sender.id, t - 5 * MIN, 8, 12, "130429");

    const first = await detectProviderErrors(db, { ...rules, now: new Date(t) });
    expect(first.opened).toBeGreaterThanOrEqual(2);
    const alerts = await db.alert.findMany({
      where: { tenantId: tenant.id, kind: "provider_error_rate" },
      select: { senderNumberId: true, severity: true, status: true, title: true, details: true },
      orderBy: { severity: "asc" },
    });
    expect(alerts.map((a) => [a.senderNumberId, a.severity, a.status])).toEqual([
      [null, "critical", "open"],
      [sender.id, "warning", "open"],
    ]);
    expect(alerts[1]?.title).toBe(
      `Provider errors jumped for ${sender.displayNumber}: 12 send requests refused (12 throttled, 130429) in 10 min, 60% of attempts (baseline 5%)`,
    );
    expect(alerts[1]?.details).toMatchObject({
      requested: 20,
      rejected: 12,
      throttled: 12,
      baselineRate: 0.05,
    });
    expect(await db.alert.count({ where: { tenantId: other.id, kind: "provider_error_rate" } })).toBe(0);
    // a second sweep over the same window keeps them (no new alert, no second event)
    expect((await detectProviderErrors(db, { ...rules, now: new Date(t) })).opened).toBe(0);

    // later: the number sends normally again
    await traffic(tenant.id, sender.id, t + 25 * MIN, 20, 0, "130429");
    const later = await detectProviderErrors(db, { ...rules, now: new Date(t + 30 * MIN) });
    expect(later.resolved).toBe(2);
    const events = await db.triggerEvent.findMany({
      where: { tenantId: tenant.id },
      select: { type: true, payload: true },
    });
    expect(events.map((e) => e.type).sort()).toEqual([
      "alert.opened",
      "alert.opened",
      "alert.resolved",
      "alert.resolved",
    ]);
    expect(
      events
        .filter((e) => e.type === "alert.resolved")
        .map((e) => (e.payload as { resolution: string }).resolution),
    ).toEqual(["provider errors back to 0% of attempts", "provider errors back to 0% of attempts"]);
  });
});
