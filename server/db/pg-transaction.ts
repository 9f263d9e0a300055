// Plain-pg transactions for the hot write paths (webhook processing): a pool client in
// BEGIN/COMMIT, handed to the body as a TSql, rolled back on any error. A client whose rollback
// fails is destroyed rather than returned to the pool (its session state is unknown).
import type pg from "pg";
import { sqlOfPg, type TSql } from "./sql";
import { enterTenantScopeSql } from "./tenant-scope";

export type TPgTransactionOptions = {
  /** ends a transaction left idle this long (a stuck caller must not hold its locks for ever) */
  idleTimeoutMs?: number;
  /** runs the body as waybill_app, seeing only these tenants' rows (row-level security) */
  tenantIds?: readonly string[];
  /** the body's statements as named prepared statements (sqlOfPg's isPrepared: constant texts only) */
  isPrepared?: boolean;
  /**
   * with isPrepared: each prepared statement keeps one generic plan (planned once per connection,
   * again after an ANALYZE of a table it reads) instead of a custom plan per execution. For a
   * statement whose parameters are arrays (a group's rows) a custom plan buys nothing, and under
   * the tenant scope planning the send intake's statement cost 2.5-5 ms against 0.8 ms outside it.
   */
  isGenericPlan?: boolean;
};

export async function inPgTransaction<T>(
  pool: pg.Pool,
  body: (sql: TSql) => Promise<T>,
  options: TPgTransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  let isBroken = false;
  // A checked-out client whose server goes away between two statements emits 'error' with no
  // query to reject; without a listener that is an uncaught exception that kills the process.
  // The next statement then fails and the transaction ends through the catch below.
  const onLost = () => {
    isBroken = true;
  };
  client.on("error", onLost);
  try {
    // one round trip: BEGIN, the transaction's settings and the tenant scope (simple protocol, no
    // parameters; the scope's ids are checked to be uuids before they are inlined)
    await client.query(
      `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1000, Math.floor(options.idleTimeoutMs ?? 120_000))}${
        options.tenantIds ? `; ${enterTenantScopeSql(options.tenantIds)}` : ""
      }${options.isGenericPlan ? "; SET LOCAL plan_cache_mode = force_generic_plan" : ""}`,
    );
    const result = await body(sqlOfPg(client, { isPrepared: options.isPrepared }));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      isBroken = true;
    }
    throw error;
  } finally {
    client.off("error", onLost);
    client.release(isBroken);
  }
}
