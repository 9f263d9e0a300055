// Tenant scope: a transaction that runs as the non-owner role `waybill_app` with the tenants it
// may touch in `app.tenant_ids` (migration 017). Row-level security then hides and refuses every
// other tenant's rows in tenant tables, whatever a query's own `where` says: a second wall
// behind the tenant filter each query function carries. Both settings are transaction-local,
// so a pooled connection goes back to the pool as the platform role it was opened as.
// ADR 013 records what runs in this scope and what does not.
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

const ISOLATION_RANK = { ReadCommitted: 0, RepeatableRead: 1, Serializable: 2 } as const;
export type TScopeIsolation = keyof typeof ISOLATION_RANK;

/**
 * The scope's transaction as a client whose `$transaction` runs in that same transaction: a
 * service written as `db.$transaction(tx => ...)` (its unit of work) runs its body inside the
 * scope instead of opening a second connection that would be neither scoped nor atomic with the
 * rest. One rule for every service, so none of them needs a scoped variant. A body that fails
 * fails the scope's transaction (no savepoint): every service rethrows after its transaction
 * fails, so there is nothing to resume. A service that needs a stronger isolation than the
 * scope was opened with is a bug in the caller (its procedure names the isolation, see
 * inTenantScope's options): it throws rather than run on weaker snapshots than it asked for.
 */
function scopedClient(tx: TDbTx, tenantIds: readonly string[], isolation: TScopeIsolation): TDb {
  const $transaction = (
    body: ((client: TDb) => Promise<unknown>) | readonly Promise<unknown>[],
    options?: { isolationLevel?: string },
  ): Promise<unknown> => {
    const wanted = options?.isolationLevel as TScopeIsolation | undefined;
    if (wanted && ISOLATION_RANK[wanted] > ISOLATION_RANK[isolation]) {
      return Promise.reject(
        new Error(`a ${wanted} transaction inside a ${isolation} tenant scope: open the scope with it`),
      );
    }
    // the array form's queries were issued on this transaction already: wait for them in order
    return typeof body === "function" ? body(client) : Promise.all(body);
  };
  const client: TDb = new Proxy(tx as unknown as TDb, {
    get: (target, key) => {
      if (key === "$transaction") return $transaction;
      const value: unknown = Reflect.get(target, key);
      // the transaction's own methods run on it, not on this wrapper
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (target, key) => key === "$transaction" || Reflect.has(target, key),
  });
  scopes.set(client, tenantIds);
  return client;
}

// The tenants of each scoped client, so that entering a scope from inside one (a service that
// scopes its own writes, called by a procedure already in the scope) stays in the transaction
// it is in, and can never move it to another tenant.
const scopes = new WeakMap<object, readonly string[]>();

export type TTenantScopeOptions = {
  /** the scope's transaction isolation (a consistent snapshot for an evidence export) */
  isolation?: TScopeIsolation;
};

/**
 * Runs `body` in a Prisma transaction scoped to `tenantIds`. The body's client is the
 * transaction (scopedClient): services it calls run their own `$transaction` in it.
 */
export async function inTenantScope<T>(
  db: TDb,
  tenantIds: readonly string[],
  body: (tx: TDb) => Promise<T>,
  options: TTenantScopeOptions = {},
): Promise<T> {
  const setting = tenantIdsSetting(tenantIds);
  const isolation = options.isolation ?? "ReadCommitted";
  const outer = scopes.get(db);
  if (outer) {
    if (!tenantIds.every((id) => outer.includes(id))) {
      throw new Error("a tenant scope cannot reach tenants outside the scope it runs in");
    }
    return body(db);
  }
  return db.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(ENTER_TENANT_SCOPE, setting);
      return body(scopedClient(tx, tenantIds, isolation));
    },
    {
      ...SCOPE_TIMEOUTS,
      ...(isolation === "ReadCommitted" ? {} : { isolationLevel: isolation }),
    },
  );
}

/**
 * The scope's statement with the ids as a literal, for a simple-protocol string that also holds
 * BEGIN (one round trip for both). Safe to inline: tenantIdsSetting lets through only uuids and
 * commas.
 */
export function enterTenantScopeSql(tenantIds: readonly string[]): string {
  return ENTER_TENANT_SCOPE.replace("$1", `'${tenantIdsSetting(tenantIds)}'`);
}
