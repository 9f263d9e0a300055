// Tenant scope: a transaction that runs as the non-owner role `waybill_app` with the tenants it
// may touch in `app.tenant_ids` (migration 017). Row-level security then hides and refuses every
// other tenant's rows in tenant tables, whatever a query's own `where` says: a second wall
// behind the tenant filter each query function carries. Both settings are transaction-local,
// so a pooled connection goes back to the pool as the platform role it was opened as.
// ADR 013 records what runs in this scope and what does not.
import type pg from "pg";
import type { TDb, TDbTx } from "./client";

export const TENANT_ROLE = "waybill_app";
export const PLATFORM_ROLE = "waybill_platform";

// One statement, so entering the scope costs one round trip after BEGIN. JIT is off inside: the
// planner counts the policy's `tenant_id = ANY (waybill_tenant_ids())` as a list of 10 (it cannot
// see the list's length), which inflates every tenant-table scan's cost past jit_above_cost; a
// one-tenant read then spent 150-220 ms compiling a plan that ran in 50 ms (the stalled list's
// retry count at 1,000,000 messages). A scoped read is one tenant's, never an analytic scan.
const ENTER_TENANT_SCOPE = `SELECT set_config('role', '${TENANT_ROLE}', true), set_config('app.tenant_ids', $1, true), set_config('jit', 'off', true)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The setting's value; an id that is not a uuid is a bug upstream, never a wider scope. */
export function tenantIdsSetting(tenantIds: readonly string[]): string {
  for (const id of tenantIds) if (!UUID.test(id)) throw new Error(`not a tenant id: ${JSON.stringify(id)}`);
  return tenantIds.join(",");
}

// A console read (a heatmap, an export page) can outlast Prisma's 5 s default on a busy machine;
// the scope must not be what fails it.
const SCOPE_TIMEOUTS = { maxWait: 10_000, timeout: 60_000 };

/** Runs `body` in a Prisma transaction scoped to `tenantIds`. */
export async function inTenantScope<T>(
  db: TDb,
  tenantIds: readonly string[],
  body: (tx: TDbTx) => Promise<T>,
): Promise<T> {
  const setting = tenantIdsSetting(tenantIds);
  return db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(ENTER_TENANT_SCOPE, setting);
    return body(tx);
  }, SCOPE_TIMEOUTS);
}

/** Enters the scope on a plain-pg client already inside BEGIN. */
export async function enterTenantScope(client: pg.ClientBase, tenantIds: readonly string[]): Promise<void> {
  await client.query(ENTER_TENANT_SCOPE, [tenantIdsSetting(tenantIds)]);
}
