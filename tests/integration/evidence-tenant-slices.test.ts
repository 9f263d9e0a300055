// Meta batches statuses of several WABAs (several of Waybill's tenants) into one webhook POST, and
// the inbox keeps that body whole. A tenant-scoped surface (the evidence bundle, JSON and HTML, and
// the timeline's raw view) shows only the tenant's own entries and changes; the others become
// their SHA-256 with a "redacted: another tenant" marker. The whole body's SHA-256 and signature
// header stay, and evidence:verify proves the slice against the platform's copy of the request.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import { digestBundle, parseEvidenceFile, verifyEvidenceBundle } from "@/server/services/evidence-verify";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { entry, envelope, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";

type TSender = Awaited<ReturnType<typeof makeSenderNumber>>;
type TSide = { tenantId: string; sender: TSender; recipient: string; messageId: string; wamid: string };

let db: TDb;
let pool: pg.Pool;
let tmp: string;
let support: Awaited<ReturnType<typeof makeUser>>;
let acme: TSide;
let globex: TSide;
let rawBody: string;

/** A change as Meta sends it, with the recipient also in `contacts` (a second place it leaks). */
function change(side: Omit<TSide, "messageId">, at: number) {
  return {
    field: "messages",
    value: {
      messaging_product: "whatsapp",
      metadata: {
        display_phone_number: side.sender.displayNumber.replace(/^\+/, ""),
        phone_number_id: side.sender.phoneNumberId,
      },
      contacts: [{ wa_id: side.recipient, profile: { name: "Customer" } }],
      statuses: [statusItem(side.wamid, "delivered", at, { recipient_id: side.recipient })],
    },
  };
}

/** Everything that identifies one tenant's side of the batch. */
const secretsOf = (side: TSide) => [
  side.recipient,
  side.wamid,
  side.sender.phoneNumberId,
  side.sender.wabaId,
  side.sender.displayNumber.replace(/^\+/, ""),
];

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "waybill-slices-"));
  support = await makeUser(db, "support_agent");
  const side = async (recipient: string) => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const sent = await sentMessage(db, tenant.id, sender.id, { recipient });
    return { tenantId: tenant.id, sender, recipient, ...sent };
  };
  acme = await side("15550001111");
  globex = await side("15550002222");
  const at = Date.now();
  // one signed POST: Acme's WABA entry, then Globex's
  rawBody = JSON.stringify(
    envelope([
      entry(acme.sender.wabaId, [change(acme, at)]),
      entry(globex.sender.wabaId, [change(globex, at)]),
    ]),
  );
  const response = await webhookHandlers(pool).POST(webhookPost(rawBody, { secret: APP_SECRET }));
  expect(response.status).toBe(200);
  await drainAll();
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await pool.end();
  await db.$disconnect();
});

async function exportOf(side: TSide) {
  return callerFor(db, support).messages.exportEvidence({
    tenantId: side.tenantId,
    messageId: side.messageId,
  });
}

async function cliVerify(args: string[]) {
  const out: string[] = [];
  const code = await runCli(
    ["evidence:verify", ...args],
    {},
    {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      readStdin: async () => "",
    },
  );
  return { code, out: out.join("\n") };
}

describe.each([
  ["Acme", () => ({ own: acme, other: globex })],
  ["Globex", () => ({ own: globex, other: acme })],
])("a batched two-tenant webhook seen by %s", (_name, sides) => {
  it("is delivered to the tenant's message", async () => {
    const { own } = sides();
    const timeline = await callerFor(db, support).messages.timeline({
      tenantId: own.tenantId,
      messageId: own.messageId,
    });
    expect(timeline.derived.state).toBe("delivered");
    expect(timeline.rawWebhooks).toHaveLength(1);
  });

  it("exports evidence (JSON and HTML) holding none of the other tenant's numbers or ids", async () => {
    const { own, other } = sides();
    const exported = await exportOf(own);
    for (const text of [exported.json, exported.html]) {
      for (const secret of secretsOf(other)) expect(text).not.toContain(secret);
      expect(text).toContain(own.wamid);
      expect(text).toContain("another tenant");
    }
    const bundle = JSON.parse(exported.json) as {
      rawWebhooks: {
        bodySha256: string;
        bodyBase64: string | null;
        tenantSlice: { body: { entry: unknown[] }; redactedParts: number } | null;
        signature: { header: string | null };
      }[];
    };
    const [raw] = bundle.rawWebhooks;
    // the whole request's digest and signature stay, the body does not
    expect(raw!.bodyBase64).toBeNull();
    expect(raw!.bodySha256).toBe(crypto.createHash("sha256").update(rawBody).digest("hex"));
    expect(raw!.signature.header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(raw!.tenantSlice!.redactedParts).toBe(1);
    expect(raw!.tenantSlice!.body.entry.filter((e) => (e as { redacted?: string }).redacted)).toEqual([
      { redacted: "another tenant", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);

    // offline: the slice verifies, and proves against the platform's copy of the request
    expect(verifyEvidenceBundle(bundle).ok).toBe(true);
    const proved = verifyEvidenceBundle(bundle, { platformCopies: [Buffer.from(rawBody)] });
    expect(proved.ok).toBe(true);
    expect(proved.checks.find((c) => c.name === "raw_webhooks")!.detail).toContain(
      "1 proved against the platform's copy",
    );
    expect(verifyEvidenceBundle(parseEvidenceFile(exported.html)).ok).toBe(true);

    // a slice edited after export (digest recomputed) no longer matches the platform's copy
    const edited = structuredClone(bundle);
    const kept = edited.rawWebhooks[0]!.tenantSlice!.body.entry.find(
      (e) => !(e as { redacted?: string }).redacted,
    );
    (kept as { time?: number }).time = 1;
    const editedBundle = { ...edited, bundleSha256: digestBundle(edited) };
    expect(verifyEvidenceBundle(editedBundle).ok).toBe(true); // offline alone cannot tell
    expect(verifyEvidenceBundle(editedBundle, { platformCopies: [Buffer.from(rawBody)] }).ok).toBe(false);

    // the CLI takes the platform's copy too
    const bundleFile = path.join(tmp, `evidence-${own.messageId}.json`);
    const copyFile = path.join(tmp, "raw-request.json");
    fs.writeFileSync(bundleFile, exported.json);
    fs.writeFileSync(copyFile, rawBody);
    const cli = await cliVerify([bundleFile, "--platform-copy", copyFile]);
    expect(cli.out).toContain("proved against the platform's copy");
    expect(cli.code).toBe(0);
  });

  it("shows the timeline's raw view with only the tenant's entries", async () => {
    const { own, other } = sides();
    const timeline = await callerFor(db, support).messages.timeline({
      tenantId: own.tenantId,
      messageId: own.messageId,
    });
    const [raw] = timeline.rawWebhooks!;
    expect(raw!.redactedParts).toBe(1);
    for (const secret of secretsOf(other)) expect(raw!.body).not.toContain(secret);
    // nor the masked form of the other recipient
    expect(raw!.body).not.toContain(`•••${other.recipient.slice(-4)}`);
    expect(raw!.body).toContain(own.wamid);
    expect(raw!.body).toContain("another tenant");
  });
});
