// The admin CLI: every command against the real database, with its audit trail, and clear
// one-line errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import { authenticateApiKey } from "@/server/services/api-keys";
import { attemptLogin } from "@/server/services/login";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl } from "../setup/context";

let db: TDb;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

async function cli(args: string[], stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["--json", ...args],
    {
      DATABASE_URL: testDatabaseUrl(),
      WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WAYBILL_CLI_ACTOR: "ops-test",
    },
    { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin },
  );
  return {
    code,
    out: out.join("\n"),
    err: err.join("\n"),
    json: () => JSON.parse(out.join("\n")) as Record<string, unknown>,
  };
}

describe("waybill CLI", () => {
  const slug = `cli-${crypto.randomBytes(3).toString("hex")}`;
  const phoneNumberId = `3${crypto.randomInt(1e9, 9e9)}`;

  it("creates a tenant, adds a sender number, creates a user, creates/lists/revokes an API key", async () => {
    const tenant = await cli(["tenant:create", "--slug", slug, "--name", "CLI Co"]);
    expect(tenant.code).toBe(0);
    const tenantId = tenant.json().id as string;

    const sender = await cli(
      [
        "sender:add",
        "--tenant",
        slug,
        "--waba-id",
        "4242",
        "--phone-number-id",
        phoneNumberId,
        "--display-number",
        "+15550123456",
        "--access-token-stdin",
      ],
      "EAAG-from-stdin-token",
    );
    expect(sender.code).toBe(0);
    expect(sender.json()).toMatchObject({ tenantId, phoneNumberId });

    const user = await cli(
      [
        "user:create",
        "--email",
        `Admin-${slug}@Example.test`,
        "--name",
        "CLI Admin",
        "--role",
        "tenant_admin",
        "--tenant",
        slug,
        "--password-stdin",
      ],
      "a-long-password-1",
    );
    expect(user.code).toBe(0);
    expect(user.json()).toMatchObject({
      email: `admin-${slug}@example.test`,
      role: "tenant_admin",
      tenantId,
    });
    expect(
      (
        await attemptLogin(
          db,
          { email: `admin-${slug}@example.test`, password: "a-long-password-1", ip: null },
          { maxAttempts: 5, windowSeconds: 60 },
          new Date(),
        )
      ).ok,
    ).toBe(true);

    const key = await cli(["apikey:create", "--tenant", slug, "--name", "backend"]);
    expect(key.code).toBe(0);
    const apiKey = key.json().apiKey as string;
    expect(await authenticateApiKey(db, apiKey, new Date())).toMatchObject({ ok: true, tenantId });

    const list = await cli(["apikey:list", "--tenant", tenantId]);
    expect(list.out).not.toContain(apiKey.split("_").at(-1));
    expect(JSON.parse(list.out)).toHaveLength(1);

    const revoke = await cli([
      "apikey:revoke",
      "--tenant",
      slug,
      "--key-id",
      key.json().id as string,
      "--reason",
      "rotation",
    ]);
    expect(revoke.code).toBe(0);
    expect(await authenticateApiKey(db, apiKey, new Date())).toEqual({ ok: false, reason: "revoked" });

    // (the login check above adds its own auth.login_succeeded event, by the user, not the CLI)
    const audit = await db.auditEvent.findMany({
      where: { tenantId, action: { not: "auth.login_succeeded" } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "tenant.created",
      "sender_number.added",
      "user.created",
      "api_key.created",
      "api_key.revoked",
    ]);
    expect(new Set(audit.map((a) => a.actorLabel))).toEqual(new Set(["cli:ops-test"]));
  });

  it("answers bad input with one clear line and a non-zero exit", async () => {
    const duplicate = await cli(["tenant:create", "--slug", slug, "--name", "Again"]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toBe(`error: tenant slug "${slug}" is taken`);

    const badSlug = await cli(["tenant:create", "--slug", "Bad Slug!", "--name", "X"]);
    expect(badSlug.code).toBe(1);
    expect(badSlug.err).toContain("slug: 2-63 lowercase letters");

    const missingTenant = await cli(["apikey:create", "--tenant", "no-such-tenant", "--name", "x"]);
    expect(missingTenant.err).toBe('error: no tenant "no-such-tenant"');

    const badRole = await cli([
      "user:create",
      "--email",
      "x@y.test",
      "--name",
      "X",
      "--role",
      "root",
      "--password",
      "long-password-123",
    ]);
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/^error: .*support_agent/);

    const noTenantForAdmin = await cli([
      "user:create",
      "--email",
      "ta@y.test",
      "--name",
      "X",
      "--role",
      "tenant_admin",
      "--password",
      "long-password-123",
    ]);
    expect(noTenantForAdmin.err).toContain("a tenant_admin needs a tenant");

    const missingOption = await cli(["tenant:create", "--slug", "abc"]);
    expect(missingOption.code).not.toBe(0);
    expect(missingOption.err).toContain("--name");
  });

  it("names the missing variable when it has no database to talk to", async () => {
    const err: string[] = [];
    const code = await runCli(
      ["tenant:list"],
      { WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, DATABASE_URL: "mysql://nope" },
      {
        out: () => {},
        err: (l) => err.push(l),
        readStdin: async () => "",
      },
    );
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("DATABASE_URL must be a postgres:// or postgresql:// URL");
  });
});
