// Console login: password check with throttling. Failed attempts are audited; the throttle
// counts those audit rows, so it holds across restarts and across web instances.
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { dummyPasswordHash, verifyPassword } from "@/server/auth/password";
import { recordAudit } from "./audit";

export const LOGIN_FAILED_ACTION = "auth.login_failed";

export type TLoginLimits = { maxAttempts: number; windowSeconds: number };

export type TLoginResult =
  | { ok: true; user: { id: string; email: string; name: string; role: TRole; tenantId: string | null } }
  | { ok: false; reason: "invalid_credentials" | "throttled" | "disabled" };

export async function attemptLogin(
  db: TDb,
  input: { email: string; password: string; ip: string | null },
  limits: TLoginLimits,
  now: Date,
): Promise<TLoginResult> {
  const email = input.email.trim().toLowerCase();
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  // per account (slows guessing one password) and per IP (slows spraying many accounts)
  const [byAccount, byIp] = await Promise.all([
    db.auditEvent.count({
      where: { action: LOGIN_FAILED_ACTION, targetId: email, createdAt: { gte: since } },
    }),
    input.ip
      ? db.auditEvent.count({
          where: { action: LOGIN_FAILED_ACTION, ip: input.ip, createdAt: { gte: since } },
        })
      : Promise.resolve(0),
  ]);
  const fail = async (reason: "invalid_credentials" | "throttled" | "disabled"): Promise<TLoginResult> => {
    await recordAudit(db, {
      actor: { kind: "system", label: "login" },
      action: LOGIN_FAILED_ACTION,
      targetType: "login",
      targetId: email,
      ip: input.ip,
      data: { reason },
    });
    return { ok: false, reason };
  };
  // the IP limit is looser: several people may share an office address
  if (byAccount >= limits.maxAttempts || byIp >= limits.maxAttempts * 4) return fail("throttled");

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
    },
  });
  const isValid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !isValid) return fail("invalid_credentials");
  if (user.disabledAt) return fail("disabled");
  await recordAudit(db, {
    actor: { kind: "user", id: user.id, email: user.email, role: user.role, tenantId: user.tenantId },
    action: "auth.login_succeeded",
    tenantId: user.tenantId,
    targetType: "user",
    targetId: user.id,
    ip: input.ip,
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, tenantId: user.tenantId },
  };
}
