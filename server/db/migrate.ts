// Applies the SQL migrations in prisma/migrations with Postgrator, under an advisory lock so
// that two processes starting at once cannot both migrate.
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import Postgrator from "postgrator";

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");
// arbitrary constant shared by every Waybill process: "waybill migrations"
const MIGRATION_LOCK_KEY = 7_253_310_001;

export type TMigrationResult = { applied: string[]; version: number };

export async function migrateDatabase(databaseUrl: string): Promise<TMigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    const postgrator = new Postgrator({
      migrationPattern: path.join(MIGRATIONS_DIR, "*.sql"),
      driver: "pg",
      schemaTable: "schema_version",
      validateChecksums: true,
      execQuery: (query) => client.query(query),
      // a multi-statement simple query runs in one implicit transaction: a failing migration
      // leaves nothing half-applied
      execSqlScript: async (sql) => {
        await client.query(sql);
      },
    });
    const applied = await postgrator.migrate();
    const version = await postgrator.getDatabaseVersion();
    return { applied: applied.map((m) => m.filename), version };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
