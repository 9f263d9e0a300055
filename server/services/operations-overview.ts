// The Operations page's reads, assembled: ingestion (rate per minute, depth, lag, attention),
// send and job queues, and provider error rates per tenant. Every tenant is read (the callers hold
// operations.read, a cross-tenant permission), each through its own tenant-first index range.
import type { TDb } from "@/server/db/client";
import { readIngestOverview } from "@/server/db/queries/ingest";
import {
  readJobQueues,
  readProviderErrorsPerTenant,
  readRequestsPerMinute,
  readSendQueuesPerTenant,
} from "@/server/db/queries/operations";

const MINUTE = 60_000;

export async function readIngestion(db: TDb, now: Date, windowMinutes: number) {
  // whole minutes: the first bucket is complete, the last is the current one
  const windowFrom = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE - (windowMinutes - 1) * MINUTE);
  const [overview, perMinute] = await Promise.all([
    readIngestOverview(db, now),
    readRequestsPerMinute(db, windowFrom),
  ]);
  return { overview, perMinute, windowFrom, checkedAt: now };
}

export async function readQueues(
  db: TDb,
  tenantIds: readonly string[],
  now: Date,
  options: { inDoubtAfterMs: number; failedWindowMs: number },
) {
  const failedSince = new Date(now.getTime() - options.failedWindowMs);
  const [sendQueues, jobQueues] = await Promise.all([
    readSendQueuesPerTenant(db, tenantIds, now, options.inDoubtAfterMs),
    readJobQueues(db, failedSince),
  ]);
  return { sendQueues, jobQueues, failedSince, checkedAt: now };
}

export type TProviderErrorTenant = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  requested: number;
  rejected: number;
  failed: number;
  codes: { errorCode: string; type: "provider_rejected" | "status_failed"; count: number; lastAt: Date }[];
};

export async function readProviderErrors(
  db: TDb,
  tenants: readonly { id: string; slug: string; name: string }[],
  now: Date,
  windowMs: number,
) {
  const since = new Date(now.getTime() - windowMs);
  const read = await readProviderErrorsPerTenant(
    db,
    tenants.map((t) => t.id),
    since,
  );
  const perTenant: TProviderErrorTenant[] = tenants.map((t) => {
    const codes = read.errors.filter((e) => e.tenantId === t.id);
    const sum = (type: string) => codes.filter((c) => c.type === type).reduce((n, c) => n + c.count, 0);
    return {
      tenantId: t.id,
      tenantSlug: t.slug,
      tenantName: t.name,
      requested: read.requested.find((r) => r.tenantId === t.id)?.count ?? 0,
      rejected: sum("provider_rejected"),
      failed: sum("status_failed"),
      codes: codes.map(({ tenantId: _, ...code }) => code),
    };
  });
  // quiet tenants (nothing requested, no error) are left out: the table stays as long as the activity
  const active = perTenant.filter((t) => t.requested > 0 || t.rejected + t.failed > 0);
  return { tenants: active, quietTenants: perTenant.length - active.length, since, checkedAt: now };
}
