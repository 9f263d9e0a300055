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

/**
 * A pg client (or pool) as a TSql. `isPrepared`: each statement text becomes a named prepared
 * statement on its connection (parsed, and once PostgreSQL settles on a generic plan, planned,
 * once per connection instead of on every call). For paths whose statements are the same text
 * every time (values as parameters): a text that varied would prepare a statement per variant,
 * so past PREPARED_TEXTS_MAX distinct texts the rest run unnamed.
 */
export function sqlOfPg(client: pg.ClientBase | pg.Pool, options: { isPrepared?: boolean } = {}): TSql {
  if (options.isPrepared) {
    return {
      query: async <R extends object>(text: string, values: readonly unknown[] = []) => {
        const name = preparedNameOf(text);
        const config = name
          ? { name, text, values: values as unknown[] }
          : { text, values: values as unknown[] };
        return (await client.query<R & pg.QueryResultRow>(config)).rows as R[];
      },
    };
  }
  return {
    query: async <R extends object>(text: string, values: readonly unknown[] = []) =>
      (await client.query<R & pg.QueryResultRow>(text, values as unknown[])).rows as R[],
  };
}

const PREPARED_TEXTS_MAX = 256;
const preparedNames = new Map<string, string>();

/** The statement name of a text (the same in every connection of the process), or null past the cap. */
function preparedNameOf(text: string): string | null {
  const known = preparedNames.get(text);
  if (known !== undefined) return known;
  if (preparedNames.size >= PREPARED_TEXTS_MAX) return null;
  const name = `waybill_${preparedNames.size}`;
  preparedNames.set(text, name);
  return name;
}

/** Either handle, as a TSql: lets a ledger call take what its caller already holds. */
export function toSql(handle: TSql | TDbTx | pg.ClientBase): TSql {
  if ("$queryRawUnsafe" in handle) return sqlOfPrisma(handle);
  if ("escapeIdentifier" in handle) return sqlOfPg(handle);
  return handle;
}
