// The procedure ladder: who may call what, and the tenant wall (a tenant admin cannot read
// another tenant's data by any procedure, id guessing included).
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTenantScope } from "@/server/api/trpc";
import type { TDb } from "@/server/db/client";
import { ROLES, type TRole } from "@/server/domain/access/permissions";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

let db: TDb;
let acme: { id: string; slug: string };
let globex: { id: string; slug: string };
const users = {} as Record<
  "support_agent" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin",
  { id: string; email: string; name: string; role: TRole; tenantId: string | null }
>;

beforeAll(async () => {
  db = createTestDb();
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  await makeSenderNumber(db, testSecretBox, acme.id);
  await makeSenderNumber(db, testSecretBox, globex.id);
  await makeApiKey(db, globex.id);
  for (const role of ["support_agent", "engineer", "admin"] as const) users[role] = await makeUser(db, role);
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });
});
afterAll(async () => {
  await db.$disconnect();
});

describe("authentication rung", () => {
  it("refuses anonymous callers", async () => {
    expect(await codeOf(callerFor(db, null).me.get())).toBe("UNAUTHORIZED");
    expect(await codeOf(callerFor(db, null).tenants.list())).toBe("UNAUTHORIZED");
  });

  it("re-reads the account on every call: a disabled user is refused at once", async () => {
    const user = await makeUser(db, "support_agent");
    expect(await codeOf(callerFor(db, user).me.get())).toBe("OK");
    await callerFor(db, users.admin).admin.setUserDisabled({
      userId: user.id,
      isDisabled: true,
      reason: "left the team",
    });
    expect(await codeOf(callerFor(db, user).me.get())).toBe("UNAUTHORIZED");
  });

  it("does not trust the role claimed by the session cookie", async () => {
    // a forged session saying "admin" for a support agent's id gets the support agent's rights
    const forged = { ...users.support_agent, role: "admin" as const };
    expect(await codeOf(callerFor(db, forged).admin.listUsers())).toBe("FORBIDDEN");
  });
});

describe("tenant wall", () => {
  it("a tenant admin lists only its own tenant", async () => {
    const tenants = await callerFor(db, users.acmeAdmin).tenants.list();
    expect(tenants.map((t) => t.id)).toEqual([acme.id]);
    const me = await callerFor(db, users.acmeAdmin).me.get();
    expect(me.tenants.map((t) => t.id)).toEqual([acme.id]);
    expect(me.isCrossTenant).toBe(false);
  });

  it("a tenant admin reads its own tenant's overview", async () => {
    const overview = await callerFor(db, users.acmeAdmin).tenants.overview({ tenantId: acme.id });
    expect(overview.tenant.id).toBe(acme.id);
    expect(overview.senderNumbers).toHaveLength(1);
    expect(overview.senderNumbers.every((s) => s.tenantId === acme.id)).toBe(true);
  });

  it("a tenant admin is refused another tenant's data, and unknown ids answer the same", async () => {
    const caller = callerFor(db, users.acmeAdmin);
    expect(await codeOf(caller.tenants.overview({ tenantId: globex.id }))).toBe("FORBIDDEN");
    // a guessed id that does not exist must not be distinguishable from a real foreign one
    expect(await codeOf(caller.tenants.overview({ tenantId: crypto.randomUUID() }))).toBe("FORBIDDEN");
    expect(await codeOf(caller.admin.listApiKeys({ tenantId: globex.id }))).toBe("FORBIDDEN");
  });

  it("cross-tenant roles see every tenant; an unknown tenant is NOT_FOUND", async () => {
    for (const role of ["support_agent", "engineer", "admin"] as const) {
      const caller = callerFor(db, users[role]);
      const ids = (await caller.tenants.list()).map((t) => t.id);
      expect(ids).toEqual(expect.arrayContaining([acme.id, globex.id]));
      expect((await caller.tenants.overview({ tenantId: globex.id })).tenant.id).toBe(globex.id);
      expect(await codeOf(caller.tenants.overview({ tenantId: crypto.randomUUID() }))).toBe("NOT_FOUND");
    }
  });

  it("rejects a malformed tenant id before any query", async () => {
    expect(await codeOf(callerFor(db, users.admin).tenants.overview({ tenantId: "' OR 1=1 --" }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("permission rung", () => {
  const adminOnly = (caller: ReturnType<typeof callerFor>) => [
    caller.admin.listUsers(),
    caller.admin.createTenant({ slug: `t-${crypto.randomBytes(3).toString("hex")}`, name: "X" }),
    caller.admin.listApiKeys({ tenantId: acme.id }),
  ];

  it("only admins administer users, tenants and keys", async () => {
    for (const who of ["support_agent", "engineer", "acmeAdmin"] as const) {
      for (const call of adminOnly(callerFor(db, users[who]))) expect(await codeOf(call)).toBe("FORBIDDEN");
    }
    for (const call of adminOnly(callerFor(db, users.admin))) expect(await codeOf(call)).toBe("OK");
  });

  it("the audit trail is for engineers and admins", async () => {
    expect(await codeOf(callerFor(db, users.support_agent).admin.listAuditEvents({}))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.acmeAdmin).admin.listAuditEvents({}))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.engineer).admin.listAuditEvents({}))).toBe("OK");
    expect(await codeOf(callerFor(db, users.support_agent).admin.listAuditActions())).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.acmeAdmin).admin.listAuditActions())).toBe("FORBIDDEN");
  });

  it("filters the audit trail by any part of the actor's label, in any case, with tenant and action", async () => {
    const tag = crypto.randomBytes(4).toString("hex");
    const action = `zz_actor.${tag}`;
    await db.auditEvent.createMany({
      data: [
        { action, actorLabel: `user:Eve.${tag}@waybill.local`, tenantId: acme.id },
        { action, actorLabel: `user:eve.${tag}@waybill.local`, tenantId: globex.id },
        { action, actorLabel: `user:sam.${tag}@waybill.local`, tenantId: acme.id },
      ],
    });
    const engineer = callerFor(db, users.engineer);
    const byActor = await engineer.admin.listAuditEvents({ actor: `EVE.${tag}` });
    expect(byActor.items.map((e) => e.actorLabel).sort()).toEqual([
      `user:Eve.${tag}@waybill.local`,
      `user:eve.${tag}@waybill.local`,
    ]);
    const narrowed = await engineer.admin.listAuditEvents({ actor: `eve.${tag}`, tenantId: acme.id, action });
    expect(narrowed.items.map((e) => e.actorLabel)).toEqual([`user:Eve.${tag}@waybill.local`]);
    expect(
      (await engineer.admin.listAuditEvents({ actor: `eve.${tag}`, action: "tenant.created" })).items,
    ).toEqual([]);
    // a LIKE wildcard in the filter is matched as text, not as a pattern
    expect((await engineer.admin.listAuditEvents({ actor: `%${tag}` })).items).toEqual([]);
    expect(await codeOf(engineer.admin.listAuditEvents({ actor: "   " }))).toBe("BAD_REQUEST");
  });

  it("lists each action the audit trail holds once, in order, including new ones", async () => {
    const before = await callerFor(db, users.engineer).admin.listAuditActions();
    expect(before).toEqual([...new Set(before)].sort());
    const action = `zz_test.${crypto.randomBytes(3).toString("hex")}`;
    for (let i = 0; i < 3; i += 1) {
      await db.auditEvent.create({ data: { action, actorLabel: "test", tenantId: acme.id } });
    }
    const after = await callerFor(db, users.engineer).admin.listAuditActions();
    expect(after).toEqual([...before, action].sort());
  });

  it("me.get reports the permissions of each role from the matrix", async () => {
    for (const role of ROLES) {
      const user = role === "tenant_admin" ? users.acmeAdmin : users[role];
      const me = await callerFor(db, user).me.get();
      expect(me.user.role).toBe(role);
      expect(me.permissions.includes("admin.users")).toBe(role === "admin");
      expect(me.permissions.includes("operations.act")).toBe(role === "engineer");
    }
  });
});

describe("admin actions are audited", () => {
  it("creating a tenant, a sender number, a user and an API key each writes an audit event naming the admin", async () => {
    const caller = callerFor(db, users.admin);
    const tenant = await caller.admin.createTenant({
      slug: `audit-${crypto.randomBytes(3).toString("hex")}`,
      name: "Audit Co",
    });
    await caller.admin.addSenderNumber({
      tenantId: tenant.id,
      wabaId: "555",
      phoneNumberId: `9${crypto.randomInt(1e9, 9e9)}`,
      displayNumber: "+15550009999",
      accessToken: "EAAG-secret-token-value",
    });
    await caller.admin.createUser({
      email: `ta-${crypto.randomBytes(3).toString("hex")}@x.test`,
      name: "T A",
      role: "tenant_admin",
      tenantId: tenant.id,
      password: "long-enough-password",
    });
    const key = await caller.admin.createApiKey({ tenantId: tenant.id, name: "k" });
    await caller.admin.revokeApiKey({ tenantId: tenant.id, keyId: key.id, reason: "rotated" });
    const events = await db.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual([
      "tenant.created",
      "sender_number.added",
      "user.created",
      "api_key.created",
      "api_key.revoked",
    ]);
    expect(
      events.every((e) => e.actorLabel === `user:${users.admin.email}` && e.actorId === users.admin.id),
    ).toBe(true);
    expect(events.at(-1)?.reason).toBe("rotated");
    // neither the access token nor the API key appears anywhere in the audit data
    const serialized = JSON.stringify(events.map((e) => e.data));
    expect(serialized).not.toContain("EAAG-secret-token-value");
    expect(serialized).not.toContain(key.apiKey);
  });

  it("the sender's access token is stored encrypted and opens with the key", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id, {
      accessToken: "EAAG-plain-token-123",
    });
    const { rows } = await import("pg").then(async ({ default: pg }) => {
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      const r = await c.query("SELECT ciphertext FROM sender_credential WHERE tenant_id = $1", [tenant.id]);
      await c.end();
      return r;
    });
    expect(Buffer.from(rows[0].ciphertext).toString("utf8")).not.toContain("EAAG-plain-token-123");
    const { readSenderAccessToken } = await import("@/server/services/tenants");
    expect(await readSenderAccessToken(db, testSecretBox, tenant.id, sender.id)).toBe("EAAG-plain-token-123");
  });

  it("refuses duplicate phone_number_id across tenants with a clear conflict", async () => {
    const phoneNumberId = `7${crypto.randomInt(1e9, 9e9)}`;
    await makeSenderNumber(db, testSecretBox, acme.id, { phoneNumberId });
    const caller = callerFor(db, users.admin);
    await expect(
      caller.admin.addSenderNumber({
        tenantId: globex.id,
        wabaId: "1",
        phoneNumberId,
        displayNumber: "+15550001111",
        accessToken: "token-xyz-123",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(phoneNumberId) });
  });
});

describe('the scope rung: one tenant or { scope: "all" }', () => {
  const counts = (user: (typeof users)[keyof typeof users], input: unknown) =>
    codeOf((callerFor(db, user).alerts.counts as (i: unknown) => Promise<unknown>)(input));

  it("lets a tenant admin name its own tenant only, and never ask for all of them", async () => {
    expect(await counts(users.acmeAdmin, { tenantId: acme.id })).toBe("OK");
    expect(await counts(users.acmeAdmin, { tenantId: globex.id })).toBe("FORBIDDEN");
    // an id that does not exist looks the same as another tenant's, so ids cannot be probed
    expect(await counts(users.acmeAdmin, { tenantId: crypto.randomUUID() })).toBe("FORBIDDEN");
    expect(await counts(users.acmeAdmin, { scope: "all" })).toBe("FORBIDDEN");
  });

  it("lets cross-tenant roles name any existing tenant or ask for all of them", async () => {
    for (const role of ["support_agent", "engineer", "admin"] as const) {
      expect(await counts(users[role], { tenantId: globex.id }), role).toBe("OK");
      expect(await counts(users[role], { scope: "all" }), role).toBe("OK");
      expect(await counts(users[role], { tenantId: crypto.randomUUID() }), role).toBe("NOT_FOUND");
    }
  });

  it("refuses an input naming both, neither, or another scope, rather than guessing", async () => {
    for (const input of [{ tenantId: acme.id, scope: "all" }, {}, { scope: "everything" }, undefined]) {
      expect(await counts(users.engineer, input), JSON.stringify(input)).toBe("BAD_REQUEST");
    }
  });

  it('resolves "all" to the id of every tenant, and one tenant to itself', async () => {
    const user = { ...users.support_agent };
    // other files share the run's database and may add tenants meanwhile: before <= all <= after
    const ids = async () => (await db.tenant.findMany({ select: { id: true } })).map((t) => t.id);
    const before = await ids();
    const all = (await resolveTenantScope(db, user, "all")).map((t) => t.id);
    const after = await ids();
    expect(all).toEqual(expect.arrayContaining([...before, acme.id, globex.id]));
    expect(after).toEqual(expect.arrayContaining(all));
    const one = await resolveTenantScope(db, user, { tenantId: globex.id });
    expect(one).toEqual([expect.objectContaining({ id: globex.id, slug: globex.slug })]);
  });
});
