// Console users: creation and disabling (admin use cases).
import type { TDb } from "@/server/db/client";
import { hashPassword } from "@/server/auth/password";
import type { TActor } from "./actor";
import { recordAudit } from "./audit";
import { ServiceError, isUniqueViolation } from "./errors";
import { ZCreateUserSchema, ZPasswordSchema, type TCreateUser } from "./inputs";

export async function createUser(db: TDb, actor: TActor, input: TCreateUser) {
  const data = ZCreateUserSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: data.email,
          name: data.name,
          role: data.role,
          tenantId: data.tenantId ?? null,
          passwordHash,
        },
        select: { id: true, email: true, name: true, role: true, tenantId: true },
      });
      await recordAudit(tx, {
        actor,
        action: "user.created",
        tenantId: user.tenantId,
        targetType: "user",
        targetId: user.id,
        data: { email: user.email, role: user.role },
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ServiceError("CONFLICT", `a user with email ${data.email} exists`);
    if (isForeignKeyViolation(error)) throw new ServiceError("NOT_FOUND", "no such tenant");
    throw error;
  }
}

export async function setUserDisabled(
  db: TDb,
  actor: TActor,
  input: { userId: string; isDisabled: boolean; reason?: string },
) {
  if (actor.kind === "user" && actor.id === input.userId && input.isDisabled) {
    throw new ServiceError("BAD_REQUEST", "you cannot disable your own account");
  }
  return db.$transaction(async (tx) => {
    const user = await tx.user
      .update({
        where: { id: input.userId },
        // a new session version either way: re-enabling must not revive the sessions of before
        data: { disabledAt: input.isDisabled ? new Date() : null, sessionVersion: { increment: 1 } },
        select: { id: true, email: true, tenantId: true, disabledAt: true },
      })
      .catch(() => {
        throw new ServiceError("NOT_FOUND", "no such user");
      });
    await recordAudit(tx, {
      actor,
      action: input.isDisabled ? "user.disabled" : "user.enabled",
      tenantId: user.tenantId,
      targetType: "user",
      targetId: user.id,
      reason: input.reason,
      data: { email: user.email },
    });
    return user;
  });
}

function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } };
  return e?.code === "P2003" || e?.cause?.originalCode === "23503";
}

/**
 * Sets a user's password and revokes every session issued before (the session version moves on).
 */
export async function changePassword(db: TDb, actor: TActor, input: { userId: string; password: string }) {
  const password = ZPasswordSchema.parse(input.password);
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const user = await tx.user
      .update({
        where: { id: input.userId },
        data: { passwordHash, sessionVersion: { increment: 1 } },
        select: { id: true, email: true, tenantId: true },
      })
      .catch(() => {
        throw new ServiceError("NOT_FOUND", "no such user");
      });
    await recordAudit(tx, {
      actor,
      action: "user.password_changed",
      tenantId: user.tenantId,
      targetType: "user",
      targetId: user.id,
      data: { email: user.email },
    });
    return user;
  });
}

/** Signing out: this session id is refused from now on, until it would have expired anyway. */
export async function revokeSession(
  db: TDb,
  actor: TActor,
  input: { userId: string; sessionId: string; expiresAt: Date; ip: string | null },
) {
  await db.$transaction(async (tx) => {
    await tx.revokedSession.upsert({
      where: { sessionId: input.sessionId },
      create: { sessionId: input.sessionId, userId: input.userId, expiresAt: input.expiresAt },
      update: {},
    });
    await recordAudit(tx, {
      actor,
      action: "auth.signed_out",
      targetType: "user",
      targetId: input.userId,
      ip: input.ip,
    });
  });
}

/**
 * Whether a session may still be used: the user exists and is enabled, the session's version is
 * the user's (no disable or password change since), and it was not signed out.
 */
export async function isSessionLive(
  db: TDb,
  session: { userId: string; sessionVersion: number; sessionId?: string },
): Promise<boolean> {
  const [user, revoked] = await Promise.all([
    db.user.findUnique({ where: { id: session.userId }, select: { disabledAt: true, sessionVersion: true } }),
    session.sessionId
      ? db.revokedSession.findUnique({ where: { sessionId: session.sessionId }, select: { sessionId: true } })
      : Promise.resolve(null),
  ]);
  return (
    user !== null && user.disabledAt === null && user.sessionVersion === session.sessionVersion && !revoked
  );
}
