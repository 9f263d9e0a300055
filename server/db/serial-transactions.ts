// Prisma's query interpreter loads a read's relations side by side (a nested `include` is a join
// whose children run under Promise.all). On the pool that is fine, each query takes its own
// connection; inside an interactive transaction, which is one pg client, it calls client.query()
// while the previous query is still running. node-postgres queues such calls today, warns that the
// queue is deprecated, and refuses them from pg 9. Every tenant-scoped procedure runs in one
// transaction, so the console's reads do this constantly. The wrapper below hands a transaction's
// queries to its client one at a time, which is what pg does with them now anyway, without the
// deprecated queue. The adapter's own fix (serializing in PgTransaction) is not released; when it
// is, this wrapper can go.
import type { PrismaPg } from "@prisma/adapter-pg";

type TAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type TTransaction = Awaited<ReturnType<TAdapter["startTransaction"]>>;

/** The methods that send a statement; the rest (commit, rollback, savepoints, options) pass through. */
const STATEMENT_METHODS = new Set<PropertyKey>(["queryRaw", "executeRaw"]);

function passThrough<T extends object>(target: T, key: PropertyKey): unknown {
  const value: unknown = Reflect.get(target, key);
  return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

function serialTransaction(transaction: TTransaction): TTransaction {
  // the last statement sent; it never rejects, so one failed query does not fail the ones queued
  // behind it (each caller still gets its own query's error)
  let tail: Promise<unknown> = Promise.resolve();
  return new Proxy(transaction, {
    get: (target, key) => {
      if (!STATEMENT_METHODS.has(key)) return passThrough(target, key);
      const method = Reflect.get(target, key) as (query: unknown) => Promise<unknown>;
      return (query: unknown) => {
        const result = tail.then(() => method.call(target, query));
        tail = result.catch(() => undefined);
        return result;
      };
    },
  });
}

/** The adapter factory, with every transaction it starts sending its statements one at a time. */
export function withSerialTransactions(factory: PrismaPg): PrismaPg {
  const serialAdapter = (adapter: TAdapter): TAdapter =>
    new Proxy(adapter, {
      get: (target, key) =>
        key === "startTransaction"
          ? async (...args: Parameters<TAdapter["startTransaction"]>) =>
              serialTransaction(await target.startTransaction(...args))
          : passThrough(target, key),
    });
  return new Proxy(factory, {
    get: (target, key) =>
      key === "connect" ? async () => serialAdapter(await target.connect()) : passThrough(target, key),
  });
}
