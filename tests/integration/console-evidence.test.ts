// Evidence export: the bundle a support agent downloads verifies offline (digest, hash chain,
// re-derivation, raw webhook bodies), `waybill evidence:verify` says so, and any tampering with an
// exported file (an event, a raw body, the stated derivation, a removed event) makes it fail and
// names what broke. Who may export (the bundle holds the number) and the audit of each export.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { digestBundle, parseEvidenceFile, verifyEvidenceBundle } from "@/server/services/evidence-verify";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts } from "../factories/ledger";
import { makeMessage, stories, wamidFor } from "../factories/messages";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };
type TBundle = Record<string, unknown> & {
  bundleSha256: string;
  ledger: { events: { seq: number; event: Record<string, unknown> }[] };
  rawWebhooks: { bodyBase64: string | null; bodyOmitted: string | null }[];
  derivation: { state: string };
  disputes: { ticketRef: string }[];
  interventions: { type: string }[];
};

let db: TDb;
let admin: pg.Client;
let acme: { id: string };
let globex: { id: string };
let messageId: string;
let conflictId: string;
const users = {} as Record<"support" | "engineer" | "acmeAdmin" | "globexAdmin", TUser>;
const T0 = Date.UTC(2026, 4, 5, 10, 0, 0);
let tmp: string;

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "waybill-evidence-"));
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  const senderRow = await makeSenderNumber(db, testSecretBox, acme.id);
  const sender = senderRow.id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });

  // a delivered message whose status webhooks are linked to stored raw requests
  const wamid = wamidFor("evidence");
  const raw = async (status: string, ts: number) => {
    const id = crypto.randomUUID();
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: senderRow.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: senderRow.phoneNumberId },
                statuses: [{ id: wamid, status, timestamp: String(ts / 1000), recipient_id: "15557654321" }],
              },
            },
          ],
        },
      ],
    });
    await admin.query(
      `INSERT INTO webhook_inbox (id, body_sha256, received_at, body, body_bytes, headers, signature_key_index, available_at)
       VALUES ($1, sha256($2::bytea), now(), $2::bytea, $3, $4, 0, now())`,
      [
        id,
        Buffer.from(body),
        Buffer.byteLength(body),
        { "x-hub-signature-256": `sha256=${crypto.randomBytes(32).toString("hex")}` },
      ],
    );
    return id;
  };
  const sentRaw = await raw("sent", T0 + 2000);
  const deliveredRaw = await raw("delivered", T0 + 5000);
  const message = await makeMessage(
    db,
    { tenantId: acme.id, senderNumberId: sender, recipient: "15557654321", createdAtMs: T0 },
    [
      { atMs: T0 + 100, drafts: [drafts.attemptStarted(1)] },
      { atMs: T0 + 800, drafts: [drafts.accepted(1, wamid)] },
      { atMs: T0 + 3000, drafts: [drafts.status("sent", wamid, T0 + 2000)], rawWebhookId: sentRaw },
      { atMs: T0 + 6000, drafts: [drafts.status("delivered", wamid, T0 + 5000)], rawWebhookId: deliveredRaw },
      // Meta re-delivers the delivered status in a new request a day later
      {
        atMs: T0 + 86_400_000,
        drafts: [drafts.status("delivered", wamid, T0 + 5000)],
        rawWebhookId: await raw("delivered", T0 + 5000 + 1),
      },
    ],
  );
  messageId = message.id;
  conflictId = (
    await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: sender, createdAtMs: T0 },
      stories.readAfterFailed(T0),
    )
  ).id;
  await callerFor(db, users.support).disputes.open({
    tenantId: acme.id,
    messageId,
    ticketRef: "ZD-77",
    note: "Tenant: never arrived",
  });
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await admin.end();
  await db.$disconnect();
});

const exportFor = (user: TUser, id = messageId, tenantId = acme.id) =>
  callerFor(db, user).messages.exportEvidence({ tenantId, messageId: id });

async function cliVerify(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["evidence:verify", file],
    {},
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readStdin: async () => "",
    },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A tampered copy, with the digest recomputed (the attacker's best effort without the chain). */
function tampered(bundle: TBundle, change: (copy: TBundle) => void, { redigest = true } = {}): TBundle {
  const copy = structuredClone(bundle);
  change(copy);
  if (redigest) copy.bundleSha256 = digestBundle(copy);
  return copy;
}

describe("messages.exportEvidence", () => {
  let bundle: TBundle;

  it("exports a bundle that verifies offline, with the request, events, raw bodies, derivation and disputes", async () => {
    const exported = await exportFor(users.support);
    expect(exported.fileName).toBe(`evidence-${messageId}.json`);
    bundle = JSON.parse(exported.json) as TBundle;
    expect(bundle).toMatchObject({
      format: "waybill.evidence.v1",
      message: { id: messageId, recipient: "+15557654321" },
      request: { payload: { to: "15557654321", type: "template" } },
      derivation: { state: "delivered", rulesVersion: 2 },
      chainCheckAtExport: { ok: true },
    });
    expect(bundle.ledger.events.map((e) => e.event.type)).toEqual([
      "requested",
      "attempt_started",
      "provider_accepted",
      "status_sent",
      "status_delivered",
      "annotation",
    ]);
    expect(bundle.rawWebhooks).toHaveLength(3);
    expect(bundle.rawWebhooks.every((w) => w.bodyBase64 !== null)).toBe(true);
    expect(bundle.disputes[0]!.ticketRef).toBe("ZD-77");
    expect(bundle.interventions.map((i) => i.type)).toEqual(["annotation"]);

    const result = verifyEvidenceBundle(bundle);
    expect(result).toMatchObject({ ok: true, messageId, eventCount: 6, brokenEvent: null });
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["format", true],
      ["digest", true],
      ["chain", true],
      ["derivation", true],
      ["raw_webhooks", true],
    ]);
    // the HTML summary embeds the same bundle and verifies too
    expect(exported.html).toContain("Delivery evidence for message");
    expect(verifyEvidenceBundle(parseEvidenceFile(exported.html)).ok).toBe(true);
  });

  it("is audited with the bundle's digest", async () => {
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "message.evidence_exported", targetId: messageId },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ actorLabel: `user:${users.support.email}`, tenantId: acme.id });
    expect((audit.data as { bundleSha256: string }).bundleSha256).toBe(bundle.bundleSha256);
  });

  it("fails verification when the exported file is tampered with, naming what broke", () => {
    // an event's content changed (and the digest recomputed): the chain names the event
    const editedEvent = verifyEvidenceBundle(
      tampered(bundle, (b) => {
        b.ledger.events[4]!.event.type = "status_read";
      }),
    );
    expect(editedEvent.ok).toBe(false);
    expect(editedEvent.brokenEvent).toMatchObject({ seq: 5, reason: "hash_mismatch" });
    expect(editedEvent.checks.find((c) => c.name === "chain")!.detail).toContain("event #5");

    // an edit without recomputing the digest is caught by the digest alone
    const noDigest = verifyEvidenceBundle(
      tampered(bundle, (b) => (b.derivation.state = "read"), { redigest: false }),
    );
    expect(noDigest.checks.find((c) => c.name === "digest")!.ok).toBe(false);

    // the stated derivation changed: re-deriving from the verified events disagrees
    const claim = verifyEvidenceBundle(tampered(bundle, (b) => (b.derivation.state = "read")));
    expect(claim.checks.find((c) => c.name === "derivation")).toMatchObject({ ok: false });
    expect(claim.checks.find((c) => c.name === "chain")!.ok).toBe(true);

    // the last event removed: the chain no longer ends at the anchored head
    const cut = verifyEvidenceBundle(tampered(bundle, (b) => b.ledger.events.pop()));
    expect(cut.brokenEvent?.reason).toBe("head_mismatch");

    // a raw webhook body swapped
    const body = verifyEvidenceBundle(
      tampered(bundle, (b) => {
        b.rawWebhooks[0]!.bodyBase64 = Buffer.from("{}").toString("base64");
      }),
    );
    expect(body.checks.find((c) => c.name === "raw_webhooks")!.ok).toBe(false);

    // not a bundle at all
    expect(verifyEvidenceBundle({ hello: "world" }).checks[0]).toMatchObject({ name: "format", ok: false });
  });

  it("verifies from the command line: exit 0 when intact, 3 with the broken event when tampered", async () => {
    const good = path.join(tmp, "good.json");
    fs.writeFileSync(good, JSON.stringify(bundle, null, 2));
    const ok = await cliVerify(good);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`evidence OK: message ${messageId}, 6 events`);

    const bad = path.join(tmp, "bad.json");
    const edited = tampered(bundle, (b) => {
      (b.ledger.events[3]!.event as { providerTimestamp: number }).providerTimestamp += 1000;
    });
    fs.writeFileSync(bad, JSON.stringify(edited));
    const broken = await cliVerify(bad);
    expect(broken.code).toBe(3);
    expect(broken.out).toContain("EVIDENCE DOES NOT VERIFY");
    expect(broken.out).toContain("broken at event #4 (hash_mismatch)");

    const missing = await cliVerify(path.join(tmp, "missing.json"));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("cannot read");
  });

  it("re-derives a conflicted ledger identically (read after failed)", async () => {
    const exported = await exportFor(users.support, conflictId);
    const result = verifyEvidenceBundle(JSON.parse(exported.json));
    expect(result.ok).toBe(true);
    expect(result.checks.find((c) => c.name === "derivation")!.detail).toContain("read");
  });

  it("leaves raw bodies out for a tenant admin, whose bundle still verifies", async () => {
    const exported = await exportFor(users.acmeAdmin);
    const own = JSON.parse(exported.json) as TBundle;
    expect(own.rawWebhooks.every((w) => w.bodyBase64 === null && w.bodyOmitted === "not_permitted")).toBe(
      true,
    );
    expect(verifyEvidenceBundle(own).ok).toBe(true);
  });

  it("is refused to engineers (no right to the number), the foreign tenant and anonymous callers", async () => {
    expect(await codeOf(exportFor(users.engineer))).toBe("FORBIDDEN");
    expect(await codeOf(exportFor(users.globexAdmin))).toBe("FORBIDDEN");
    expect(await codeOf(exportFor(users.support, messageId, globex.id))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(db, null).messages.exportEvidence({ tenantId: acme.id, messageId }))).toBe(
      "UNAUTHORIZED",
    );
  });
});
