// The endpoint commands of the admin CLI against the real database: create (secret once, the
// acceptance warning), list, disable/enable, rotate the secret (both sign during the overlap),
// redeliver a dead delivery and every dead one; bad input is one clear line and a non-zero exit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";
import { liveSecrets } from "@/server/services/triggers/endpoints";
import { writeOutbox } from "@/server/services/triggers/outbox";
import { makeTenant } from "../factories";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";

let db: TDb;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["--json", ...args],
    {
      DATABASE_URL: testDatabaseUrl(),
      WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WAYBILL_CLI_ACTOR: "ops",
    },
    { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => "" },
  );
  return { code, out: out.join("\n"), err: err.join("\n"), json: () => JSON.parse(out.join("\n")) as never };
}

describe("waybill endpoint:* commands", () => {
  it("creates, lists, disables, enables, rotates and redelivers within one tenant", async () => {
    const tenant = await makeTenant(db);
    const created = await cli([
      "endpoint:create",
      "--tenant",
      tenant.slug,
      "--url",
      "https://hooks.example.test/waybill",
      "--event",
      "message.delivered",
      "--event",
      "message.accepted",
    ]);
    expect(created.code).toBe(0);
    expect(created.err).toContain("warning: Acceptance is not delivery");
    const { endpoint, secret } = created.json() as { endpoint: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);

    const listed = (await cli(["endpoint:list", "--tenant", tenant.slug])).json() as {
      id: string;
      eventTypes: string[];
    }[];
    expect(listed.map((e) => [e.id, e.eventTypes.sort()])).toEqual([
      [endpoint.id, ["message.accepted", "message.delivered"]],
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect((await cli(["endpoint:disable", endpoint.id, "--tenant", tenant.slug])).code).toBe(0);
    expect(await db.webhookEndpoint.findFirstOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      isEnabled: false,
      disabledReason: "disabled by cli:ops",
    });
    expect((await cli(["endpoint:enable", endpoint.id, "--tenant", tenant.slug])).code).toBe(0);

    const rotated = await cli([
      "endpoint:rotate-secret",
      endpoint.id,
      "--tenant",
      tenant.slug,
      "--overlap-hours",
      "2",
    ]);
    expect(rotated.code).toBe(0);
    const newSecret = (rotated.json() as { secret: string }).secret;
    expect((await liveSecrets(db, testSecretBox, tenant.id, endpoint.id, new Date())).sort()).toEqual(
      [secret, newSecret].sort(),
    );

    // two dead deliveries: one redelivered alone, then every dead one of the endpoint
    const now = new Date();
    await db.$transaction((tx) =>
      writeOutbox(
        sqlOfPrisma(tx),
        ["a", "b"].map((k) => ({
          tenantId: tenant.id,
          type: "message.delivered",
          dedupeKey: `cli-test:${k}:${endpoint.id}`,
          messageId: null,
          senderNumberId: null,
          templateName: null,
          occurredAt: now,
          payload: { tenantId: tenant.id },
        })),
        now,
      ),
    );
    await db.webhookDelivery.updateMany({
      where: { tenantId: tenant.id },
      data: { status: "failed", attemptCount: 8 },
    });
    const [one] = await db.webhookDelivery.findMany({
      where: { tenantId: tenant.id },
      orderBy: { id: "asc" },
    });
    const single = await cli(["endpoint:redeliver", "--tenant", tenant.slug, "--delivery", one!.id]);
    expect(single.json()).toEqual({ redelivered: 1 });
    const all = await cli(["endpoint:redeliver", "--tenant", tenant.slug, "--endpoint", endpoint.id]);
    expect(all.json()).toEqual({ redelivered: 1 });
    expect(
      (await db.webhookDelivery.findMany({ where: { tenantId: tenant.id } })).map((d) => [
        d.status,
        d.attemptCount,
      ]),
    ).toEqual([
      ["pending", 0],
      ["pending", 0],
    ]);
    const audit = await db.auditEvent.findMany({
      where: { tenantId: tenant.id, actorLabel: "cli:ops" },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "webhook_endpoint.created",
        "webhook_endpoint.updated",
        "webhook_delivery.redelivered",
      ]),
    );
  });

  it("answers bad input with one clear line, and never crosses tenants", async () => {
    const tenant = await makeTenant(db);
    const other = await makeTenant(db);
    const plain = await cli([
      "endpoint:create",
      "--tenant",
      tenant.slug,
      "--url",
      "http://hooks.example.test/x",
      "--event",
      "message.delivered",
    ]);
    expect(plain).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: url must be an https:\/\/ URL/),
    });
    const badType = await cli([
      "endpoint:create",
      "--tenant",
      tenant.slug,
      "--url",
      "https://x.test",
      "--event",
      "message.sent",
    ]);
    expect(badType.code).toBe(1);
    expect(badType.err).toMatch(/^error: eventTypes\.0: /);
    const created = await cli([
      "endpoint:create",
      "--tenant",
      other.slug,
      "--url",
      "https://hooks.example.test/other",
      "--event",
      "message.read",
    ]);
    const otherId = (created.json() as { endpoint: { id: string } }).endpoint.id;
    const crossed = await cli(["endpoint:disable", otherId, "--tenant", tenant.slug]);
    expect(crossed).toMatchObject({ code: 1, err: "error: no such endpoint in this tenant" });
    const neither = await cli(["endpoint:redeliver", "--tenant", tenant.slug]);
    expect(neither).toMatchObject({ code: 1, err: "error: give either --delivery or --endpoint" });
    expect(await db.webhookEndpoint.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
