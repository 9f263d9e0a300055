// A fresh database for one test run, so runs never collide: on the server named by
// DATABASE_URL when set, else on an embedded PostgreSQL started for the run.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase } from "@/server/db/migrate";
import {
  dropDatabase,
  ensureDatabase,
  findFreePort,
  startEmbeddedPostgres,
  withDatabase,
} from "@/server/platform/embedded-postgres";

export type TTestDatabase = { url: string; dispose: () => Promise<void> };

export async function createTestDatabase(label: string): Promise<TTestDatabase> {
  const name = `waybill_${label}_${Date.now().toString(36)}_${crypto.randomBytes(3).toString("hex")}`;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const adminUrl = withDatabase(serverUrl, "postgres");
    await ensureDatabase(adminUrl, name);
    const url = withDatabase(serverUrl, name);
    await migrateDatabase(url);
    return { url, dispose: () => dropDatabase(adminUrl, name) };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "waybill-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "data"),
    port: await findFreePort(),
  });
  await ensureDatabase(server.url("postgres"), name);
  const url = server.url(name);
  await migrateDatabase(url);
  return {
    url,
    dispose: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
