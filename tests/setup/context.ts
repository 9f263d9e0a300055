// Shared handles for integration tests: one Prisma client per test file on the run's database.
import crypto from "node:crypto";
import pg from "pg";
import { createDb, type TDb } from "@/server/db/client";
import { createSecretBox } from "@/server/platform/secret-box";

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run through the integration project");
  return url;
}

export function createTestDb(): TDb {
  return createDb(testDatabaseUrl(), { max: 5 });
}

/** A plain pg pool on the run's database, for the paths that take one (the dispatcher's batches). */
export function createTestPool(): pg.Pool {
  return new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
}

export const TEST_ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
export const testSecretBox = createSecretBox(TEST_ENCRYPTION_KEY);

/** A short unique suffix so tests sharing the run's database never collide on unique keys. */
export function unique(prefix = "t"): string {
  return `${prefix}${crypto.randomBytes(4).toString("hex")}`;
}
