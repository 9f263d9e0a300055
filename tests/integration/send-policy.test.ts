// The tenant's sending policy from the console: everyone who sees the tenant reads it (the
// defaults until it is set), its admins change it with a reason (audited, before and after), and
// the webhook pipeline's failure decision reads what was saved. Other roles and other tenants'
// admins are refused.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { sqlOfPg } from "@/server/db/sql";
import { loadAsyncRetryPolicies } from "@/server/services/ingest/async-failures";
import { makeTenant, makeUser } from "../factories";
import { createTestDb, testDatabaseUrl } from "../setup/context";
import { callerFor } from "../setup/trpc";

let db: TDb;
let pool: pg.Pool;
let acme: { id: string };
let globex: { id: string };
const users: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};

beforeAll(async () => {
  db = createTestDb();
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });
  users.admin = await makeUser(db, "admin");
  users.engineer = await makeUser(db, "engineer");
  users.support = await makeUser(db, "support_agent");
});

afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

const change = {
  retryTransientMarketing: true,
  retryTransientOther: false,
  authTemplateTtlSeconds: 300,
  reason: "marketing failures are safe to resend for this tenant (INC-12)",
};

describe("sending.sendPolicy and sending.setSendPolicy", () => {
  it("shows the defaults until the tenant sets its own", async () => {
    const policy = await callerFor(db, users.support!).sending.sendPolicy({ tenantId: acme.id });
    expect(policy).toMatchObject({
      retryTransientMarketing: false,
      retryTransientOther: true,
      authTemplateTtlSeconds: 600,
      isCustom: false,
      updatedBy: null,
    });
    expect(policy.defaults).toEqual({
      retryTransientMarketing: false,
      retryTransientOther: true,
      authTemplateTtlSeconds: 600,
    });
  });

  it("lets the tenant's admin change it, audited with before and after, and the pipeline reads it", async () => {
    const saved = await callerFor(db, users.acmeAdmin!).sending.setSendPolicy({
      tenantId: acme.id,
      ...change,
    });
    expect(saved).toMatchObject({
      retryTransientMarketing: true,
      retryTransientOther: false,
      authTemplateTtlSeconds: 300,
      isCustom: true,
      updatedBy: `user:${users.acmeAdmin!.email}`,
    });
    const audit = await db.auditEvent.findMany({
      where: { tenantId: acme.id, action: "tenant.send_policy_changed" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorLabel: `user:${users.acmeAdmin!.email}`,
      reason: change.reason,
      data: {
        before: "defaults",
        after: { retryTransientMarketing: true, retryTransientOther: false, authTemplateTtlSeconds: 300 },
      },
    });
    const policies = await loadAsyncRetryPolicies(sqlOfPg(pool), [acme.id, globex.id]);
    expect(policies.get(acme.id)).toEqual({
      retryTransientMarketing: true,
      retryTransientOther: false,
      authTemplateTtlMs: 300_000,
    });
    // the other tenant keeps the defaults
    expect(policies.get(globex.id)).toMatchObject({
      retryTransientMarketing: false,
      retryTransientOther: true,
    });

    // a platform admin changes it back; the audit row names what it replaced
    await callerFor(db, users.admin!).sending.setSendPolicy({
      tenantId: acme.id,
      retryTransientMarketing: false,
      retryTransientOther: true,
      authTemplateTtlSeconds: 600,
      reason: "back to the defaults",
    });
    const latest = await db.auditEvent.findFirst({
      where: { tenantId: acme.id, action: "tenant.send_policy_changed" },
      orderBy: { id: "desc" },
    });
    expect(latest?.data).toMatchObject({
      before: { retryTransientMarketing: true, retryTransientOther: false, authTemplateTtlSeconds: 300 },
    });
  });

  it("refuses roles without the permission, another tenant's admin, and values out of range", async () => {
    for (const user of [users.engineer!, users.support!]) {
      await expect(
        callerFor(db, user).sending.setSendPolicy({ tenantId: acme.id, ...change }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(
      callerFor(db, users.globexAdmin!).sending.setSendPolicy({ tenantId: acme.id, ...change }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      callerFor(db, users.globexAdmin!).sending.sendPolicy({ tenantId: acme.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      callerFor(db, users.acmeAdmin!).sending.setSendPolicy({
        tenantId: acme.id,
        ...change,
        authTemplateTtlSeconds: 0,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      callerFor(db, users.acmeAdmin!).sending.setSendPolicy({ tenantId: acme.id, ...change, reason: " " }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // nothing of the refused calls was written
    expect(
      await db.auditEvent.count({ where: { tenantId: acme.id, action: "tenant.send_policy_changed" } }),
    ).toBe(2);
  });
});
