// Tagged-template statements on either database handle (a Prisma transaction or a pg client, via
// TSql): every `${value}` becomes a positional parameter, so a statement reads like Prisma's
// $queryRaw and runs unchanged on the plain-pg hot paths.
import type pg from "pg";
import type { TDbTx } from "./client";
import { toSql, type TSql } from "./sql";

export type TSqlTemplate = <R extends object = Record<string, unknown>>(
  strings: TemplateStringsArray,
  ...values: unknown[]
) => Promise<R[]>;

export function sqlTemplate(handle: TSql | TDbTx | pg.ClientBase): TSqlTemplate {
  const sql = toSql(handle);
  return <R extends object>(strings: TemplateStringsArray, ...values: unknown[]) =>
    sql.query<R>(
      strings.reduce((text, part, index) => `${text}$${index}${part}`),
      values,
    );
}
