// The Prisma client, driven by node-postgres through the pg driver adapter (no native engine).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { withSerialTransactions } from "./serial-transactions";

export type TDb = PrismaClient;
/** A client or an interactive transaction: what tenant-scoped query functions accept. */
export type TDbTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export function createDb(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: "waybill",
  });
  return new PrismaClient({ adapter: withSerialTransactions(adapter) });
}
