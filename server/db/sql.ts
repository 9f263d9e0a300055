// The smallest database handle the hot write paths need: one parameterised statement, rows back.
// The ledger's batched append, send intake and webhook processing run on plain `pg` (a pool
// client inside BEGIN/COMMIT); operator actions run inside Prisma interactive transactions.
// Both are adapted to this one shape, so a statement is written once and runs in either, in the
// caller's transaction. Statements cast their outputs (::text, ::int, ::float8) so both drivers
// return the same JavaScript types.
import type pg from "pg";
import type { TDbTx } from "./client";

export type TSql = {
  query<R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
};

/** A Prisma interactive transaction (or client) as a TSql. */
export function sqlOfPrisma(tx: TDbTx): TSql {
  return {
    query: <R extends object>(text: string, values: readonly unknown[] = []) =>
      tx.$queryRawUnsafe<R[]>(text, ...values),
  };
}

/** A pg client (or pool) as a TSql. */
export function sqlOfPg(client: pg.ClientBase | pg.Pool): TSql {
  return {
    query: async <R extends object>(text: string, values: readonly unknown[] = []) =>
      (await client.query<R & pg.QueryResultRow>(text, values as unknown[])).rows as R[],
  };
}

/** Either handle, as a TSql: lets a ledger call take what its caller already holds. */
export function toSql(handle: TSql | TDbTx | pg.ClientBase): TSql {
  if ("$queryRawUnsafe" in handle) return sqlOfPrisma(handle);
  if ("escapeIdentifier" in handle) return sqlOfPg(handle);
  return handle;
}
