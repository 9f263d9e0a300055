// Operator notifications on real PostgreSQL, real HTTP and real SMTP: admins configure channels
// (tRPC and CLI), an alert opened or resolved is queued in its own transaction for every enabled
// channel whose minimum severity it reaches, and the worker's loop sends it, as a Slack-format
// JSON body to a local HTTP receiver and as an email to a local SMTP sink (smtp-server). A
// failing webhook is retried on the schedule; email waits while there is no SMTP server set.
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import { createLogger } from "@/server/platform/logger";
import { raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import {
  startNotificationLoop,
  type TNotificationConfig,
} from "@/server/services/notifications/send-notifications";
import { makeTenant, makeUser } from "../factories";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";
import { startReceiver, waitUntil, type TReceiver } from "../setup/webhook-receiver";

type TMail = { from: string; to: string[]; raw: string };

let db: TDb;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: TMail[] = [];
const receivers: TReceiver[] = [];
const log = createLogger("test", "error");

beforeAll(async () => {
  db = createTestDb();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await db.$disconnect();
});

async function receiver() {
  const r = await startReceiver("/services/T000/B000/XXXXsecretXXXX");
  receivers.push(r);
  return r;
}

const config = (over: Partial<TNotificationConfig> = {}): TNotificationConfig => ({
  smtpUrl,
  from: "Waybill <alerts@waybill.test>",
  timeoutMs: 2_000,
  pollMs: 20,
  publicBaseUrl: "https://waybill.example.test",
  batchSize: 8,
  ...over,
});

function testClock(start = Date.now()) {
  let ms = start;
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
}

async function openAlert(tenantId: string, severity: "info" | "warning" | "critical", title: string) {
  const key = `stalled_share_jump:test-${crypto.randomUUID()}`;
  const alert = await db.$transaction((tx) =>
    raiseAlert(
      tx,
      {
        tenantId,
        senderNumberId: null,
        kind: "stalled_share_jump",
        dedupeKey: key,
        severity,
        title,
        details: { share: 0.4 },
        isNewOccurrence: true,
      },
      new Date(),
    ),
  );
  return { ...alert, key };
}

/** Notifications of one alert, by channel. */
async function notificationsOf(alertId: string) {
  return db.operatorNotification.findMany({
    where: { alertId },
    orderBy: [{ createdAt: "asc" }, { change: "asc" }],
    select: {
      channelId: true,
      change: true,
      status: true,
      attemptCount: true,
      lastError: true,
      severity: true,
    },
  });
}

describe("operator notifications", () => {
  it("admins manage channels (URL stored sealed, shown masked); other roles are refused", async () => {
    const admin = callerFor(db, await makeUser(db, "admin"));
    const tenant = await makeTenant(db);
    const tenantAdmin = callerFor(db, await makeUser(db, "tenant_admin", { tenantId: tenant.id }));
    const engineer = callerFor(db, await makeUser(db, "engineer"));
    const secretUrl = "https://hooks.slack.com/services/T000/B000/abcdefSECRET1234";
    const created = await admin.channels.create({
      kind: "slack",
      target: secretUrl,
      minSeverity: "critical",
    });
    expect(created.target).toBe("https://hooks.slack.com/…1234");
    expect(created.minSeverity).toBe("critical");
    const stored = await db.operatorChannel.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.target).not.toContain("SECRET");
    expect(stored.target.startsWith("sealed:v1:")).toBe(true);

    // bad input: a clear error, nothing stored
    const before = await db.operatorChannel.count();
    await expect(admin.channels.create({ kind: "slack", target: "http://example.com/hook" })).rejects.toThrow(
      /https/,
    );
    await expect(admin.channels.create({ kind: "email", target: "not-an-address" })).rejects.toThrow(
      /email address/,
    );
    expect(await db.operatorChannel.count()).toBe(before);

    for (const caller of [tenantAdmin, engineer]) {
      expect(await codeOf(caller.channels.list())).toBe("FORBIDDEN");
      expect(await codeOf(caller.channels.create({ kind: "email", target: "x@example.test" }))).toBe(
        "FORBIDDEN",
      );
    }

    await admin.channels.update({ channelId: created.id, isEnabled: false });
    const listed = (await admin.channels.list()).channels.find((c) => c.id === created.id);
    expect(listed).toMatchObject({ isEnabled: false, target: "https://hooks.slack.com/…1234" });
    expect(await codeOf(admin.channels.test({ channelId: created.id }))).toBe("CONFLICT");
    await admin.channels.remove({ channelId: created.id, reason: "test over" });
    expect(await codeOf(admin.channels.remove({ channelId: created.id, reason: "again" }))).toBe("NOT_FOUND");
    const audit = await db.auditEvent.findMany({
      where: { targetType: "operator_channel", targetId: created.id },
      select: { action: true },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "operator_channel.created",
      "operator_channel.updated",
      "operator_channel.removed",
    ]);
  });

  it("sends an opened and a resolved alert to Slack (its format) and by email, by severity", async () => {
    const admin = callerFor(db, await makeUser(db, "admin"));
    const tenant = await makeTenant(db);
    const slack = await receiver();
    const slackChannel = await admin.channels.create({
      kind: "slack",
      target: slack.url,
      minSeverity: "warning",
    });
    const address = `ops-${crypto.randomBytes(3).toString("hex")}@example.test`;
    const emailChannel = await admin.channels.create({
      kind: "email",
      target: address,
      minSeverity: "critical",
    });

    const warning = await openAlert(tenant.id, "warning", "Stalled share jumped to 40% <&>");
    const critical = await openAlert(tenant.id, "critical", "Everything stalled");
    await db.$transaction((tx) =>
      resolveAlertsByKey(tx, tenant.id, [critical.key], "stalled share back to normal", new Date()),
    );
    // queued in the alerts' transactions, by severity: email takes critical only
    expect((await notificationsOf(warning.id)).map((n) => [n.channelId, n.change])).toEqual(
      expect.arrayContaining([[slackChannel.id, "opened"]]),
    );
    expect((await notificationsOf(warning.id)).some((n) => n.channelId === emailChannel.id)).toBe(false);
    expect(
      (await notificationsOf(critical.id))
        .filter((n) => n.channelId === emailChannel.id)
        .map((n) => n.change)
        .sort(),
    ).toEqual(["opened", "resolved"]);

    const loop = startNotificationLoop({ db, box: testSecretBox, log }, config());
    try {
      await waitUntil(async () => {
        const all = [...(await notificationsOf(warning.id)), ...(await notificationsOf(critical.id))].filter(
          (n) => n.channelId === slackChannel.id || n.channelId === emailChannel.id,
        );
        return all.length === 5 && all.every((n) => n.status === "succeeded");
      }, "all five notifications sent");
    } finally {
      await loop.stop();
    }

    // Slack's incoming-webhook format: JSON with `text` (mrkdwn-escaped) and `blocks`
    const bodies = slack.received.map((q) => {
      expect(q.headers["content-type"]).toBe("application/json");
      return JSON.parse(q.body) as {
        text: string;
        blocks: { type: string; text?: { type: string; text: string } }[];
      };
    });
    const warned = bodies.find((b) => b.text.includes("Stalled share jumped"));
    expect(warned?.text).toBe(
      ":large_orange_circle: [Waybill warning] Stalled share jumped to 40% &lt;&amp;&gt;",
    );
    expect(warned?.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: `*${warned?.text}*` },
    });
    expect(warned?.blocks[1]?.text?.text).toContain(`tenant: ${tenant.name} (${tenant.slug})`);
    expect(warned?.blocks[2]).toEqual({
      type: "context",
      elements: [
        { type: "mrkdwn", text: `<https://waybill.example.test/t/${tenant.slug}/stalled|Open in Waybill>` },
      ],
    });
    const resolvedText = bodies.map((b) => b.text).find((t) => t.includes("resolved: Everything stalled"));
    expect(resolvedText).toBe(":white_check_mark: [Waybill critical] resolved: Everything stalled");

    // email: one per change, to the address, from the configured sender
    const toMe = mails.filter((m) => m.to.includes(address));
    expect(toMe).toHaveLength(2);
    expect(toMe.map((m) => m.from)).toEqual(["alerts@waybill.test", "alerts@waybill.test"]);
    const subjects = toMe.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]).sort();
    expect(subjects).toEqual([
      "[Waybill critical] Everything stalled",
      "[Waybill critical] resolved: Everything stalled",
    ]);
    expect(toMe.find((m) => m.raw.includes("resolved:"))?.raw).toContain(
      "resolution: stalled share back to normal",
    );
  });

  it("retries a failing webhook with backoff; email waits (unclaimed) without SMTP settings", async () => {
    const admin = callerFor(db, await makeUser(db, "admin"));
    const tenant = await makeTenant(db);
    const slack = await receiver();
    slack.setBehaviour({ kind: "status", status: 500 }, { kind: "status", status: 200 });
    const slackChannel = await admin.channels.create({
      kind: "slack",
      target: slack.url,
      minSeverity: "info",
    });
    const address = `wait-${crypto.randomBytes(3).toString("hex")}@example.test`;
    const emailChannel = await admin.channels.create({ kind: "email", target: address, minSeverity: "info" });
    const alert = await openAlert(tenant.id, "info", "Informational");
    const clock = testClock();
    const loop = startNotificationLoop(
      { db, box: testSecretBox, log, now: clock.now, random: () => 0.5 },
      config({ smtpUrl: null }),
    );
    const mine = async (channelId: string) =>
      (await notificationsOf(alert.id)).find((n) => n.channelId === channelId);
    try {
      await waitUntil(async () => (await mine(slackChannel.id))?.attemptCount === 1, "first attempt");
      expect(await mine(slackChannel.id)).toMatchObject({
        status: "pending",
        lastError: "HTTP 500: answered 500",
      });
      clock.advance(6_000); // past the first retry (5 s, ±20 %)
      await waitUntil(async () => (await mine(slackChannel.id))?.status === "succeeded", "retried and sent");
    } finally {
      await loop.stop();
    }
    expect(slack.received).toHaveLength(2);
    expect(slack.received[0]?.body).toBe(slack.received[1]?.body);
    // never tried: no SMTP server, so its retries are not spent
    expect(await mine(emailChannel.id)).toMatchObject({ status: "pending", attemptCount: 0 });
    // the channel's view names the wait
    const view = (await admin.channels.list()).channels.find((c) => c.id === emailChannel.id);
    expect(view?.pending).toBeGreaterThanOrEqual(1);
  });

  it("the CLI adds, lists (masked), tests, disables and removes a channel", async () => {
    const run = async (args: string[]) => {
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
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const slack = await receiver();
    const added = await run([
      "channel:add",
      "--kind",
      "slack",
      "--target",
      slack.url,
      "--min-severity",
      "info",
    ]);
    expect(added.code).toBe(0);
    const channel = JSON.parse(added.out) as { id: string; target: string };
    expect(channel.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…XXXX$/);
    const listed = JSON.parse((await run(["channel:list"])).out) as { id: string; target: string }[];
    expect(listed.find((c) => c.id === channel.id)?.target).toBe(channel.target);
    expect(JSON.stringify(listed)).not.toContain("secret");

    expect((await run(["channel:test", channel.id])).code).toBe(0);
    const loop = startNotificationLoop({ db, box: testSecretBox, log }, config());
    try {
      await waitUntil(async () => slack.received.length === 1, "test notification");
    } finally {
      await loop.stop();
    }
    expect((JSON.parse(slack.received[0]!.body) as { text: string }).text).toContain("Test notification");

    expect((await run(["channel:disable", channel.id])).code).toBe(0);
    const refused = await run(["channel:test", channel.id]);
    expect(refused).toMatchObject({ code: 1, err: "error: the channel is disabled; enable it first" });
    const bad = await run(["channel:add", "--kind", "pager", "--target", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: kind: /);
    expect((await run(["channel:remove", channel.id, "--reason", "done"])).code).toBe(0);
    expect(await db.operatorChannel.count({ where: { id: channel.id } })).toBe(0);
  });
});
