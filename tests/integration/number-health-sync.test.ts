// The Graph API sync of number health on real PostgreSQL against the provider simulator: the
// first read records what the view did not know, a read that agrees records nothing, a changed
// number records only what changed, a failed read goes into the history once (and an invalid
// token holds the number), and a read after it records the recovery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { createLogger } from "@/server/platform/logger";
import { ZSimulatorConfigSchema } from "@/server/providers/simulator/scenario";
import { seededRandom, startSimulator, type TSimulator } from "@/server/providers/simulator/simulator";
import { createGraphPhoneNumberReader } from "@/server/providers/whatsapp-cloud/client";
import { syncNumberHealth, type TSyncOptions } from "@/server/services/number-health/sync-health";
import { readSenderAccessToken } from "@/server/services/tenants";
import { makeSenderNumber, makeTenant } from "../factories";
import { createTestDb, testSecretBox } from "../setup/context";

let db: TDb;
let simulator: TSimulator;
const TOKEN = "EAAG-sync-test-token";

beforeAll(async () => {
  db = createTestDb();
  simulator = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    webhookUrl: "http://127.0.0.1:9/unused",
    appSecret: "sync-test-app-secret-0123456789",
    config: ZSimulatorConfigSchema.parse({}),
    random: seededRandom(3),
    log: createLogger("sync-test", "error"),
  });
});
afterAll(async () => {
  await simulator.close();
  await db.$disconnect();
});

const MINUTE = 60_000;

function syncAt(atMs: number, tenantId: string) {
  const options: TSyncOptions = { batchSize: 50, minIntervalMs: 10 * MINUTE, readsPerSecond: 50, tenantId };
  return syncNumberHealth(
    {
      db,
      reader: createGraphPhoneNumberReader({ baseUrl: simulator.url, version: "v21.0", timeoutMs: 5_000 }),
      accessToken: (t, s) => readSenderAccessToken(db, testSecretBox, t, s),
      clock: () => new Date(atMs),
    },
    options,
  );
}

async function syncFacts(tenantId: string, senderNumberId: string) {
  return db.senderHealthEvent.findMany({
    where: { tenantId, senderNumberId, source: "sync" },
    orderBy: { recordedAt: "asc" },
    select: { field: true, value: true, event: true },
  });
}

async function viewOf(tenantId: string, senderNumberId: string) {
  return db.senderHealth.findUniqueOrThrow({
    where: { tenantId_senderNumberId: { tenantId, senderNumberId } },
  });
}

describe("number-health sync from the Graph API", () => {
  it("records differences, and nothing when nothing changed; failures once; the recovery", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id, { accessToken: TOKEN });
    simulator.engine.addNumber(sender.phoneNumberId, {
      wabaId: sender.wabaId,
      displayPhoneNumber: sender.displayNumber.replace("+", ""),
      accessToken: TOKEN,
      profile: { messaging_limit: "TIER_2K", verified_name: "Acme Sync" },
    });
    const t0 = Date.now();

    // 1. the first read: everything the view did not know, as one sync fact
    expect(await syncAt(t0, tenant.id)).toMatchObject({ read: 1, recorded: 1, unchanged: 0, failed: 0 });
    expect(await syncFacts(tenant.id, sender.id)).toEqual([
      {
        field: "sync.phone_number",
        event: null,
        value: {
          quality_rating: "GREEN",
          status: "CONNECTED",
          throughput: { level: "STANDARD" },
          is_on_biz_app: false,
          whatsapp_business_manager_messaging_limit: "TIER_2K",
          messaging_limit_tier: "TIER_2K",
          name_status: "APPROVED",
          verified_name: "Acme Sync",
          code_verification_status: "VERIFIED",
        },
      },
    ]);
    const first = await viewOf(tenant.id, sender.id);
    expect(first.syncedAt?.getTime()).toBe(t0);
    expect(first.health).toMatchObject({
      quality: { rating: "GREEN", source: "sync" },
      messagingLimit: { tier: "TIER_2K", source: "sync" },
      throughput: { level: "STANDARD" },
      lastSync: { ok: true },
    });
    expect(first.rateCeiling).toBe(80);
    const legacy = await db.senderNumber.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.id, id: sender.id } },
    });
    expect(legacy).toMatchObject({ qualityRating: "GREEN", messagingLimitTier: "TIER_2K" });

    // 2. not due yet: not read at all; then due, read, and nothing changed: nothing recorded
    expect(await syncAt(t0 + MINUTE, tenant.id)).toMatchObject({ read: 0 });
    expect(await syncAt(t0 + 11 * MINUTE, tenant.id)).toMatchObject({ read: 1, recorded: 0, unchanged: 1 });
    expect(await syncFacts(tenant.id, sender.id)).toHaveLength(1);
    expect((await viewOf(tenant.id, sender.id)).syncedAt?.getTime()).toBe(t0 + 11 * MINUTE);

    // 3. Meta moved the number: only the fields that differ are recorded
    simulator.engine.setProfile(sender.phoneNumberId, { quality_rating: "YELLOW", throughput_level: "HIGH" });
    expect(await syncAt(t0 + 22 * MINUTE, tenant.id)).toMatchObject({ recorded: 1 });
    const facts = await syncFacts(tenant.id, sender.id);
    expect(facts.at(-1)?.value).toEqual({
      quality_rating: "YELLOW",
      throughput: { level: "HIGH" },
      is_on_biz_app: false,
    });
    const moved = await viewOf(tenant.id, sender.id);
    expect(moved.health).toMatchObject({ quality: { rating: "YELLOW" }, throughput: { level: "HIGH" } });
    expect(moved.rateCeiling).toBe(1000);

    // 4. the token was revoked: the failure is recorded once and holds the number
    simulator.engine.setProfile(sender.phoneNumberId, { read_error_code: 190 });
    expect(await syncAt(t0 + 33 * MINUTE, tenant.id)).toMatchObject({ read: 1, failed: 1 });
    expect(await syncAt(t0 + 44 * MINUTE, tenant.id)).toMatchObject({ read: 1, failed: 1 });
    const failures = (await syncFacts(tenant.id, sender.id)).filter((f) => f.field === "sync.failed");
    expect(failures).toEqual([
      {
        field: "sync.failed",
        event: "error_190",
        value: {
          error: { code: 190, message: expect.stringContaining("access token") },
          httpStatus: 401,
        },
      },
    ]);
    const failed = await viewOf(tenant.id, sender.id);
    expect(failed.hardHoldCode).toBe("token_invalid");
    expect(failed.health).toMatchObject({ lastSync: { ok: false }, token: { state: "INVALID" } });

    // 5. the token works again: the read records the recovery though no field changed
    simulator.engine.setProfile(sender.phoneNumberId, { read_error_code: null });
    expect(await syncAt(t0 + 55 * MINUTE, tenant.id)).toMatchObject({ recorded: 1 });
    expect((await syncFacts(tenant.id, sender.id)).at(-1)).toEqual({
      field: "sync.phone_number",
      event: null,
      value: {},
    });
    const recovered = await viewOf(tenant.id, sender.id);
    expect(recovered.hardHoldCode).toBeNull();
    expect(recovered.health).toMatchObject({ lastSync: { ok: true }, token: { state: "VALID" } });
  });

  it("reads numbers least recently synced first, at most a batch per run", async () => {
    const tenant = await makeTenant(db);
    const numbers = [];
    for (let i = 0; i < 3; i += 1) {
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id, { accessToken: TOKEN });
      simulator.engine.addNumber(sender.phoneNumberId, {
        wabaId: sender.wabaId,
        displayPhoneNumber: sender.displayNumber.replace("+", ""),
        accessToken: TOKEN,
      });
      numbers.push(sender.id);
    }
    const t0 = Date.now();
    const run = (atMs: number) =>
      syncNumberHealth(
        {
          db,
          reader: createGraphPhoneNumberReader({
            baseUrl: simulator.url,
            version: "v21.0",
            timeoutMs: 5_000,
          }),
          accessToken: (t, s) => readSenderAccessToken(db, testSecretBox, t, s),
          clock: () => new Date(atMs),
        },
        { batchSize: 2, minIntervalMs: 0, readsPerSecond: 50, tenantId: tenant.id },
      );
    const first = await run(t0);
    const second = await run(t0 + 1_000);
    const firstIds = first.results.map((r) => r.senderNumberId);
    expect(firstIds).toHaveLength(2);
    // the one left out first comes first next time
    expect(second.results[0]?.senderNumberId).toBe(numbers.find((id) => !firstIds.includes(id)));
  });
});
