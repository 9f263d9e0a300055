// Console users: creation and disabling (admin use cases).
import type { TDb } from "@/server/db/client";
import { hashPassword } from "@/server/auth/password";
import type { TActor } from "./actor";
import { recordAudit } from "./audit";
import { ServiceError, isUniqueViolation } from "./errors";
import { ZCreateUserSchema, type TCreateUser } from "./inputs";

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
        data: { disabledAt: input.isDisabled ? new Date() : null },
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
