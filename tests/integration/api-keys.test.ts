// Tenant API keys: shown once, stored hashed, valid only for their own tenant, revocable.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { authenticateApiKey, formatApiKey, revokeApiKey } from "@/server/services/api-keys";
import { FACTORY_ACTOR, makeApiKey, makeTenant } from "../factories";
import { createTestDb } from "../setup/context";

let db: TDb;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("API keys", () => {
  it("authenticates a key as its own tenant only", async () => {
    const acme = await makeTenant(db);
    const globex = await makeTenant(db);
    const acmeKey = await makeApiKey(db, acme.id);
    const globexKey = await makeApiKey(db, globex.id);
    expect(await authenticateApiKey(db, acmeKey.apiKey, new Date())).toEqual({
      ok: true,
      tenantId: acme.id,
      keyId: acmeKey.id,
    });
    expect(await authenticateApiKey(db, globexKey.apiKey, new Date())).toEqual({
      ok: true,
      tenantId: globex.id,
      keyId: globexKey.id,
    });
  });

  it("rejects a key whose tenant part was swapped for another tenant", async () => {
    const acme = await makeTenant(db);
    const globex = await makeTenant(db);
    const key = await makeApiKey(db, acme.id);
    const secret = key.apiKey.split("_").slice(3).join("_");
    expect(await authenticateApiKey(db, formatApiKey(globex.id, key.id, secret), new Date())).toEqual({
      ok: false,
      reason: "unknown",
    });
  });

  it("stores only a hash and a hint", async () => {
    const tenant = await makeTenant(db);
    const key = await makeApiKey(db, tenant.id);
    const row = await db.apiKey.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.id, id: key.id } },
    });
    const secret = key.apiKey.split("_").slice(3).join("_");
    expect(row.secretHash).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.hint).toBe(secret.slice(-4));
  });

  it("rejects malformed, wrong-secret and revoked keys", async () => {
    const tenant = await makeTenant(db);
    const key = await makeApiKey(db, tenant.id);
    expect(await authenticateApiKey(db, "nonsense", new Date())).toEqual({ ok: false, reason: "malformed" });
    const wrong = formatApiKey(tenant.id, key.id, crypto.randomBytes(32).toString("base64url"));
    expect(await authenticateApiKey(db, wrong, new Date())).toEqual({ ok: false, reason: "unknown" });
    await revokeApiKey(db, FACTORY_ACTOR, { tenantId: tenant.id, keyId: key.id, reason: "leaked" });
    expect(await authenticateApiKey(db, key.apiKey, new Date())).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses revoking another tenant's key through the wrong tenant", async () => {
    const acme = await makeTenant(db);
    const globex = await makeTenant(db);
    const key = await makeApiKey(db, globex.id);
    await expect(revokeApiKey(db, FACTORY_ACTOR, { tenantId: acme.id, keyId: key.id })).rejects.toMatchObject(
      { code: "NOT_FOUND" },
    );
    expect((await authenticateApiKey(db, key.apiKey, new Date())).ok).toBe(true);
  });

  it("records when a key was last used, at most once a minute", async () => {
    const tenant = await makeTenant(db);
    const key = await makeApiKey(db, tenant.id);
    const t0 = new Date("2026-01-01T00:00:00Z");
    await authenticateApiKey(db, key.apiKey, t0);
    await authenticateApiKey(db, key.apiKey, new Date(t0.getTime() + 30_000));
    const row = await db.apiKey.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.id, id: key.id } },
    });
    expect(row.lastUsedAt?.toISOString()).toBe(t0.toISOString());
  });
});
