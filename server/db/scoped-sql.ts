// A TSql in a tenant scope: `scoped(tenantIds, sql => ...)` runs the body in one transaction as
// waybill_app seeing only those tenants' rows (row-level security, ADR 013). The plain-pg form
// is the hot paths' (the send intake's groups, the API-key check); the Prisma form is for
// callers that hold only a Prisma client (the console, tests), and inside a procedure already
// in the scope it stays in that scope's transaction.
import type pg from "pg";
import type { TDb } from "./client";
import { inPgTransaction } from "./pg-transaction";
import { sqlOfPrisma, type TSql } from "./sql";
import { inTenantScope } from "./tenant-scope";

export type TScopedSql = <T>(tenantIds: readonly string[], body: (sql: TSql) => Promise<T>) => Promise<T>;

/**
 * A pool's scoped transactions: BEGIN with the scope (one round trip), the body, COMMIT.
 * `isPrepared`: the body's statements (constant texts) are prepared once per connection and keep
 * a generic plan (inPgTransaction's isGenericPlan).
 */
export function scopedSqlOfPool(pool: pg.Pool, options: { isPrepared?: boolean } = {}): TScopedSql {
  const isPrepared = options.isPrepared ?? false;
  return (tenantIds, body) =>
    inPgTransaction(pool, body, { tenantIds, isPrepared, isGenericPlan: isPrepared });
}

export function scopedSqlOfPrisma(db: TDb): TScopedSql {
  return (tenantIds, body) => inTenantScope(db, tenantIds, (tx) => body(sqlOfPrisma(tx)));
}
