// Inside an interactive transaction (every tenant-scoped procedure runs in one), a read whose
// relations Prisma loads side by side must not hand node-postgres a query while another is still
// running on the same client: pg warns about that now and refuses it from pg 9. Each case runs in
// a child process with --throw-deprecation, since Node warns about a deprecation once per process.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";

const SCRIPT = path.resolve("tests/setup/nested-read-in-transaction.ts");

function readInChild(mode: "plain" | "app", tenantId: string) {
  return spawnSync(
    process.execPath,
    ["--throw-deprecation", "--import", "tsx", SCRIPT, mode, testDatabaseUrl(), tenantId],
    { encoding: "utf8", timeout: 60_000 },
  );
}

let db: TDb;
let tenantId: string;
beforeAll(async () => {
  db = createTestDb();
  const tenant = await makeTenant(db);
  tenantId = tenant.id;
  await makeSenderNumber(db, testSecretBox, tenantId);
  await makeSenderNumber(db, testSecretBox, tenantId);
  await makeApiKey(db, tenantId);
  await makeUser(db, "tenant_admin", { tenantId });
});
afterAll(async () => {
  await db.$disconnect();
});

describe("a transaction's queries reach its pg client one at a time", { timeout: 120_000 }, () => {
  it("the released adapter overlaps them (the case this guards against still exists)", () => {
    const child = readInChild("plain", tenantId);
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain("Calling client.query() when the client is already executing a query");
  });

  it("the application's client reads the same relations without overlapping, and reads them all", () => {
    const child = readInChild("app", tenantId);
    expect(child.stderr).not.toContain("DeprecationWarning");
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ senderNumbers: 2, apiKeys: 1, users: 1 });
  });
});
