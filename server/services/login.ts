// Console login: password check with throttling (server/domain/access/login-throttle.ts). Every
// attempt is recorded in login_attempt BEFORE its password is checked, in the same transaction
// that counted the account's attempts under a per-account advisory lock: parallel requests are
// decided one after another, each seeing the ones before it in flight, so a burst cannot slip
// past the throttle on a stale count. Failures are audited at a bounded rate.
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import {
  decideLoginAttempt,
  isFailureAudited,
  type TLoginAttemptRow,
  type TLoginThrottleLimits,
} from "@/server/domain/access/login-throttle";
import { dummyPasswordHash, verifyPassword } from "@/server/auth/password";
import { recordAudit } from "./audit";

export const LOGIN_FAILED_ACTION = "auth.login_failed";

export type TLoginLimits = TLoginThrottleLimits;

export type TLoginResult =
  | {
      ok: true;
      user: {
        id: string;
        email: string;
        name: string;
        role: TRole;
        tenantId: string | null;
        sessionVersion: number;
      };
    }
  | { ok: false; reason: "invalid_credentials" | "throttled" | "disabled"; retryAfterSeconds?: number };

/** One throttled attempt per (account, IP) and minute is audited; the rest only refused. */
const THROTTLED_AUDIT_PERIOD_MS = 60_000;

export async function attemptLogin(
  db: TDb,
  input: { email: string; password: string; ip: string | null },
  limits: TLoginLimits,
  now: Date,
): Promise<TLoginResult> {
  const email = input.email.trim().toLowerCase();
  const ip = input.ip;
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  const actor = { kind: "system", label: "login" } as const;

  const gate = await db.$transaction(
    async (tx) => {
      // never wait for the lock: its holder is deciding another attempt on this account right now,
      // so this one is a parallel attempt (a burst) and is refused without holding a connection
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${`login:${email}`}, 0)) AS locked`;
      if (!lock?.locked)
        return { kind: "throttled" as const, reason: "in_flight" as const, retryAfterSeconds: 1 };
      const attempts = await tx.loginAttempt.findMany({
        where: { account: email, attemptedAt: { gt: since } },
        select: { ip: true, attemptedAt: true, outcome: true },
        orderBy: { attemptedAt: "desc" },
        // bounded by the throttle itself; the newest decide
        take: 2000,
      });
      const ipFailures = ip
        ? await tx.loginAttempt.count({ where: { ip, outcome: "failed", attemptedAt: { gt: since } } })
        : 0;
      const decision = decideLoginAttempt({
        attempts: attempts as TLoginAttemptRow[],
        ipFailures,
        ip,
        now,
        limits,
      });
      if (decision.kind === "throttled") return decision;
      const row = await tx.loginAttempt.create({
        data: { account: email, ip, attemptedAt: now },
        select: { id: true },
      });
      const pairFailures = attempts.filter((a) => a.ip === ip && a.outcome !== "succeeded").length;
      return { kind: "proceed" as const, id: row.id, pairFailures };
    },
    // short: two reads and an insert; a burst waits for a connection rather than failing
    { maxWait: 10_000, timeout: 10_000 },
  );

  if (gate.kind === "throttled") {
    // one audit row per (account, IP) and period, decided under a lock that is never waited for
    // (a burst of refusals audits once, not once per request)
    await db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(hashtextextended(${`login-audit:${email}|${ip ?? ""}`}, 0)) AS locked`;
      if (!lock?.locked) return;
      const recentlyAudited = await tx.auditEvent.findFirst({
        where: {
          action: LOGIN_FAILED_ACTION,
          targetId: email,
          ip,
          createdAt: { gt: new Date(Date.now() - THROTTLED_AUDIT_PERIOD_MS) },
          data: { path: ["reason"], equals: "throttled" },
        },
        select: { id: true },
      });
      if (recentlyAudited) return;
      await recordAudit(tx, {
        actor,
        action: LOGIN_FAILED_ACTION,
        targetType: "login",
        targetId: email,
        ip,
        data: { reason: "throttled", rule: gate.reason, retryAfterSeconds: gate.retryAfterSeconds },
      });
    });
    return { ok: false, reason: "throttled", retryAfterSeconds: gate.retryAfterSeconds };
  }

  const finish = (outcome: "failed" | "succeeded") =>
    db.loginAttempt.update({ where: { id: gate.id }, data: { outcome, finishedAt: new Date() } });
  const fail = async (reason: "invalid_credentials" | "disabled"): Promise<TLoginResult> => {
    await finish("failed");
    const failuresInWindow = gate.pairFailures + 1;
    if (reason === "disabled" || isFailureAudited(failuresInWindow)) {
      await recordAudit(db, {
        actor,
        action: LOGIN_FAILED_ACTION,
        targetType: "login",
        targetId: email,
        ip,
        data: { reason, failuresInWindow },
      });
    }
    return { ok: false, reason };
  };

  try {
    const user = await db.user.findUnique({
      where: { email },
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        tenantId: true,
        passwordHash: true,
        disabledAt: true,
        sessionVersion: true,
      },
    });
    const isValid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!user || !isValid) return await fail("invalid_credentials");
    if (user.disabledAt) return await fail("disabled");
    await finish("succeeded");
    await recordAudit(db, {
      actor: { kind: "user", id: user.id, email: user.email, role: user.role, tenantId: user.tenantId },
      action: "auth.login_succeeded",
      tenantId: user.tenantId,
      targetType: "user",
      targetId: user.id,
      ip,
    });
    return {
      ok: true,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        tenantId: user.tenantId,
        sessionVersion: user.sessionVersion,
      },
    };
  } catch (error) {
    // an attempt that did not finish must not stay in flight (it would block the owner)
    await finish("failed").catch(() => undefined);
    throw error;
  }
}
