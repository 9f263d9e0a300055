// A tenant's sending policy (tenant_send_policy): whether a temporary failure Meta reports by
// webhook is resent as the next attempt, for marketing templates and for everything else, and how
// long an authentication template may still be retried. No row means the defaults of the domain
// (marketing is never resent blindly). The drainer and the dispatcher read the row; this is where
// a tenant's admin reads and changes it, audited with the values before and after.
import type { TDb } from "@/server/db/client";
import { DEFAULT_ASYNC_RETRY_POLICY } from "@/server/domain/sending/async-failure";
import { AUTH_TEMPLATE_TTL_MS } from "@/server/domain/sending/retry-policy";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";

export type TSendPolicyValues = {
  retryTransientMarketing: boolean;
  retryTransientOther: boolean;
  authTemplateTtlSeconds: number;
};

export type TSendPolicyView = TSendPolicyValues & {
  defaults: TSendPolicyValues;
  /** false: the tenant never set one, the defaults apply */
  isCustom: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
};

const DEFAULTS: TSendPolicyValues = {
  ...DEFAULT_ASYNC_RETRY_POLICY,
  authTemplateTtlSeconds: AUTH_TEMPLATE_TTL_MS / 1000,
};

export async function describeSendPolicy(db: TDb, tenantId: string): Promise<TSendPolicyView> {
  const row = await db.tenantSendPolicy.findUnique({
    where: { tenantId },
    select: {
      retryAsyncTransientMarketing: true,
      retryAsyncTransientOther: true,
      authTemplateTtlSeconds: true,
      updatedBy: true,
      updatedAt: true,
    },
  });
  if (!row) return { ...DEFAULTS, defaults: DEFAULTS, isCustom: false, updatedBy: null, updatedAt: null };
  return {
    retryTransientMarketing: row.retryAsyncTransientMarketing,
    retryTransientOther: row.retryAsyncTransientOther,
    authTemplateTtlSeconds: row.authTemplateTtlSeconds,
    defaults: DEFAULTS,
    isCustom: true,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

export async function setSendPolicy(
  db: TDb,
  actor: TActor,
  tenantId: string,
  values: TSendPolicyValues,
  reason: string,
  now: Date,
): Promise<TSendPolicyView> {
  await db.$transaction(async (tx) => {
    // the row's lock orders two admins' changes, so each audit row's "before" is what it replaced
    const [before] = await tx.$queryRaw<
      { marketing: boolean; other: boolean; ttl: number }[]
    >`SELECT retry_async_transient_marketing AS marketing, retry_async_transient_other AS other,
             auth_template_ttl_seconds AS ttl
      FROM tenant_send_policy WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
    const data = {
      retryAsyncTransientMarketing: values.retryTransientMarketing,
      retryAsyncTransientOther: values.retryTransientOther,
      authTemplateTtlSeconds: values.authTemplateTtlSeconds,
      updatedBy: actorLabel(actor),
      updatedAt: now,
    };
    await tx.tenantSendPolicy.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
    await recordAudit(tx, {
      actor,
      action: "tenant.send_policy_changed",
      tenantId,
      targetType: "tenant",
      targetId: tenantId,
      reason,
      data: {
        before: before
          ? {
              retryTransientMarketing: before.marketing,
              retryTransientOther: before.other,
              authTemplateTtlSeconds: before.ttl,
            }
          : "defaults",
        after: values,
      },
    });
  });
  return describeSendPolicy(db, tenantId);
}
