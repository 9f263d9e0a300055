// Console login: each role signs in; wrong passwords, unknown accounts and disabled accounts
// are refused and audited (at a bounded rate); repeated failures are delayed per account and IP,
// parallel bursts are decided one at a time, and nobody can lock someone else out.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { ROLES } from "@/server/domain/access/permissions";
import { attemptLogin, LOGIN_FAILED_ACTION } from "@/server/services/login";
import { setUserDisabled } from "@/server/services/users";
import { FACTORY_ACTOR, makeTenant, makeUser } from "../factories";
import { createTestDb } from "../setup/context";

let db: TDb;
const limits = { maxAttempts: 3, windowSeconds: 900 };
const ip = () => `10.0.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 255)}`;

beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("login", () => {
  it("signs in every role with the right password", async () => {
    const tenant = await makeTenant(db);
    for (const role of ROLES) {
      const user = await makeUser(db, role, { tenantId: role === "tenant_admin" ? tenant.id : null });
      const result = await attemptLogin(
        db,
        { email: user.email.toUpperCase(), password: user.password, ip: ip() },
        limits,
        new Date(),
      );
      expect(result).toEqual({
        ok: true,
        user: {
          id: user.id,
          email: user.email,
          name: user.name,
          role,
          tenantId: user.tenantId,
          sessionVersion: 1,
        },
      });
    }
  });

  it("stores passwords as Argon2id hashes, never in clear", async () => {
    const user = await makeUser(db, "engineer");
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(user.password);
  });

  it("refuses a wrong password and an unknown account alike, and audits both", async () => {
    const user = await makeUser(db, "support_agent");
    const from = ip();
    const wrong = await attemptLogin(
      db,
      { email: user.email, password: "not-the-password", ip: from },
      limits,
      new Date(),
    );
    const unknown = await attemptLogin(
      db,
      { email: "nobody@example.test", password: "whatever-pass", ip: from },
      limits,
      new Date(),
    );
    expect(wrong).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(unknown).toEqual({ ok: false, reason: "invalid_credentials" });
    const audited = await db.auditEvent.findMany({
      where: { action: LOGIN_FAILED_ACTION, ip: from },
      orderBy: { id: "asc" },
    });
    expect(audited.map((a) => a.targetId)).toEqual([user.email, "nobody@example.test"]);
    expect(audited.every((a) => !JSON.stringify(a.data).includes("not-the-password"))).toBe(true);
  });

  it("refuses a disabled account even with the right password", async () => {
    const user = await makeUser(db, "engineer");
    await setUserDisabled(db, FACTORY_ACTOR, { userId: user.id, isDisabled: true, reason: "test" });
    expect(
      await attemptLogin(db, { email: user.email, password: user.password, ip: ip() }, limits, new Date()),
    ).toEqual({
      ok: false,
      reason: "disabled",
    });
  });

  it("delays one address after maxAttempts failures, even with the right password, until the delay passes", async () => {
    const user = await makeUser(db, "admin");
    const from = ip();
    const now = new Date();
    for (let i = 0; i < limits.maxAttempts; i += 1) {
      expect(
        (await attemptLogin(db, { email: user.email, password: `wrong-${i}`, ip: from }, limits, now)).ok,
      ).toBe(false);
    }
    expect(
      await attemptLogin(db, { email: user.email, password: user.password, ip: from }, limits, now),
    ).toMatchObject({ ok: false, reason: "throttled" });
    // the owner elsewhere is not locked out by someone else's failures
    expect(
      (await attemptLogin(db, { email: user.email, password: user.password, ip: ip() }, limits, now)).ok,
    ).toBe(true);
    // after the delay (1 s for the first failure past the limit) the right password works from there too
    const later = new Date(now.getTime() + 2000);
    expect(
      (await attemptLogin(db, { email: user.email, password: user.password, ip: from }, limits, later)).ok,
    ).toBe(true);
  });

  it("cannot be beaten by concurrency: a parallel burst is checked a bounded number of times", async () => {
    const user = await makeUser(db, "admin");
    const from = ip();
    const now = new Date();
    // 30 at once, the right password at position 25
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        attemptLogin(
          db,
          { email: user.email, password: i === 24 ? user.password : `wrong-${i}`, ip: from },
          limits,
          now,
        ),
      ),
    );
    expect(burst[24]).toMatchObject({ ok: false, reason: "throttled" });
    expect(burst.filter((r) => r.ok)).toHaveLength(0);
    const checked = await db.loginAttempt.count({ where: { account: user.email } });
    // every password check was decided after the ones before it were recorded
    expect(checked).toBeLessThanOrEqual(limits.maxAttempts + 1);
    // 100 more in parallel: still bounded, and few audit rows for all of them
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        attemptLogin(db, { email: user.email, password: `wrong-again-${i}`, ip: from }, limits, now),
      ),
    );
    expect(await db.loginAttempt.count({ where: { account: user.email } })).toBeLessThanOrEqual(
      limits.maxAttempts + 1,
    );
    const audited = await db.auditEvent.count({
      where: { action: LOGIN_FAILED_ACTION, targetId: user.email },
    });
    expect(audited).toBeLessThanOrEqual(5);
  });

  it("throttles one IP spraying many accounts", async () => {
    const from = ip();
    const now = new Date();
    for (let i = 0; i < limits.maxAttempts * 4; i += 1) {
      await attemptLogin(
        db,
        {
          email: `spray-${i}-${crypto.randomBytes(2).toString("hex")}@x.test`,
          password: "guess-guess",
          ip: from,
        },
        limits,
        now,
      );
    }
    const victim = await makeUser(db, "support_agent");
    expect(
      await attemptLogin(db, { email: victim.email, password: victim.password, ip: from }, limits, now),
    ).toMatchObject({ ok: false, reason: "throttled" });
    expect(
      (await attemptLogin(db, { email: victim.email, password: victim.password, ip: ip() }, limits, now)).ok,
    ).toBe(true);
  });
});
