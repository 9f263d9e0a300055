// The tenant wall as a generated matrix: every tRPC procedure of the app router, enumerated from
// the router itself, is called by Acme's tenant admin with Globex's ids (tenant, message, sender,
// dispute, API key, user ...). Each answer must be a denial (FORBIDDEN, NOT_FOUND, UNAUTHORIZED)
// or a result holding nothing of Globex. Every procedure is also called with no session (must be
// UNAUTHORIZED unless listed as public) and by each platform role (never a 500). The reads on the
// ladder's scope rung (one tenant, or { scope: "all" }) are probed again with "all": FORBIDDEN to
// a tenant admin, an answer for the roles allowed it. A procedure without a matrix entry fails
// the test: adding one means deciding how to probe it.
import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import type { TProcedureMeta } from "@/server/api/trpc";
import type { TDb } from "@/server/db/client";
import { ROLES } from "@/server/domain/access/permissions";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { makeMessage, stories } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";
import { reportFigures } from "../setup/chaos";

/** Globex's identifiers: what Acme's admin must never get back. */
type TForeign = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  messageId: string;
  recipient: string;
  senderNumberId: string;
  phoneNumberId: string;
  displayNumber: string;
  disputeId: string;
  apiKeyId: string;
  userId: string;
  userEmail: string;
};

type TMatrixEntry = {
  /** the input to probe with; default: every known id key set to Globex's values */
  input?: (f: TForeign) => unknown;
  /** answers anonymous callers (no session needed) */
  isPublic?: boolean;
  /** why platform roles are not probed here (they would need what this test does not run) */
  skipPlatformRoles?: string;
  /** on the scope rung (tenantScopeProcedure): takes { tenantId } or { scope: "all" } */
  isTenantScoped?: true;
};

const generic = (f: TForeign) => ({
  tenantId: f.tenantId,
  messageId: f.messageId,
  senderNumberId: f.senderNumberId,
  disputeId: f.disputeId,
  keyId: f.apiKeyId,
  apiKeyId: f.apiKeyId,
  userId: f.userId,
  reason: "tenant wall matrix probe",
  note: "tenant wall matrix probe",
  ticketRef: "MATRIX-1",
});

/**
 * One entry per procedure. `{}` probes with the generic input; procedures whose input needs more
 * (enums, nested selections) say how.
 */
export const TRPC_MATRIX: Record<string, TMatrixEntry> = {
  "me.get": {},
  "numberHealth.get": {},
  "numberHealth.listUnhealthy": { isTenantScoped: true },
  "numberHealth.setOverride": {},
  "me.setTimeZone": { input: () => ({ timeZone: "Europe/Paris" }) },
  "sending.setSenderMaxRate": {},
  "tenants.list": {},
  "tenants.overview": {},
  "admin.createTenant": {
    input: () => ({ slug: `matrix-${crypto.randomBytes(3).toString("hex")}`, name: "Matrix" }),
  },
  "admin.addSenderNumber": {
    input: (f) => ({
      tenantId: f.tenantId,
      wabaId: "999",
      phoneNumberId: `9${crypto.randomInt(1e8, 9e8)}`,
      displayNumber: "+15559990000",
      accessToken: "EAAG-matrix-token-0000000000",
    }),
  },
  "admin.listUsers": {},
  "admin.createUser": {
    input: (f) => ({
      email: `matrix-${crypto.randomBytes(3).toString("hex")}@x.test`,
      name: "Matrix",
      role: "tenant_admin",
      tenantId: f.tenantId,
      password: "matrix-password-0001",
    }),
  },
  "admin.setUserDisabled": { input: (f) => ({ userId: f.userId, isDisabled: true, reason: "matrix" }) },
  "admin.listApiKeys": {},
  "admin.createApiKey": { input: (f) => ({ tenantId: f.tenantId, name: "matrix" }) },
  "admin.revokeApiKey": { input: (f) => ({ tenantId: f.tenantId, keyId: f.apiKeyId, reason: "matrix" }) },
  "admin.listAuditEvents": {},
  "admin.listAuditActions": {},
  "system.health": { isPublic: true },
  "system.runProbe": { skipPlatformRoles: "enqueues a job; the test context has no queue" },
  "system.probe": {},
  "messages.search": { isTenantScoped: true },
  "messages.timeline": {},
  "messages.revealRecipient": {},
  "messages.annotate": {},
  "messages.forceReconcile": {},
  "messages.replayWebhook": { input: (f) => ({ ...generic(f), rawWebhookId: crypto.randomUUID() }) },
  "messages.exportEvidence": {},
  "messages.cancel": {},
  "disputes.list": { isTenantScoped: true },
  "disputes.forMessage": {},
  "disputes.open": {},
  "disputes.addNote": { input: (f) => ({ ...generic(f), body: "matrix", kind: "note" }) },
  "disputes.recordOutcome": { input: (f) => ({ ...generic(f), outcome: "delivered", summary: "matrix" }) },
  "disputes.resolve": { input: (f) => ({ ...generic(f), outcome: "delivered", summary: "matrix" }) },
  "alerts.act": {},
  "alerts.counts": { isTenantScoped: true },
  "alerts.feed": { isTenantScoped: true },
  "alerts.setStallThresholds": {},
  "alerts.stallThresholds": {},
  "alerts.stalled": { isTenantScoped: true },
  "deadLetters.approveBulk": {},
  "deadLetters.assess": {},
  "deadLetters.discard": {},
  "deadLetters.getBulk": {},
  "deadLetters.list": { isTenantScoped: true },
  "deadLetters.listGroups": {},
  "deadLetters.listBulk": {},
  "deadLetters.prepareBulk": {},
  "deadLetters.rejectBulk": {},
  "deadLetters.requestBulk": {},
  "deadLetters.startBulk": {},
  "ingest.discardOrphan": {},
  "ingest.discardQuarantine": {},
  "ingest.getReplay": {},
  "ingest.getRequest": {},
  "ingest.listQuarantine": {},
  "ingest.listRequests": {},
  "ingest.replay": {},
  "ingest.senderHealth": {},
  "ingest.templates": {},
  "insights.crossTenantHeatmap": {},
  "insights.senderHealth": {},
  "insights.tenantHeatmap": {},
  "insights.tenantsOverview": { isTenantScoped: true },
  "operations.ingestion": {},
  "operations.orphans": {},
  "operations.providerErrors": {},
  "operations.queues": {},
  "sending.listInDoubt": {},
  "sending.listPausedSenders": {},
  "sending.listSenders": {},
  "sending.pauseSender": {},
  "sending.resolveInDoubt": {},
  "sending.resumeSender": {},
  "sending.retryMessage": {},
  "sending.sendTestMessage": {},
  "sending.sendPolicy": {},
  "sending.setSendPolicy": {
    input: (f) => ({
      tenantId: f.tenantId,
      retryTransientMarketing: true,
      retryTransientOther: true,
      authTemplateTtlSeconds: 300,
      reason: "tenant wall matrix probe",
    }),
  },
  // platform channels: no tenant ids to probe; a random channel id, and a target the service
  // refuses, so the admins' probe leaves no channel behind
  "channels.list": {},
  "channels.create": { input: () => ({ kind: "email", target: "not an address" }) },
  "channels.update": { input: () => ({ channelId: crypto.randomUUID(), isEnabled: false }) },
  "channels.remove": { input: () => ({ channelId: crypto.randomUUID(), reason: "matrix" }) },
  "channels.test": { input: () => ({ channelId: crypto.randomUUID() }) },
  "usage.get": { isTenantScoped: true },
  "webhooks.create": {},
  "webhooks.deliveries": {},
  "webhooks.forMessage": {},
  "webhooks.list": {},
  "webhooks.redeliver": {},
  "webhooks.remove": {},
  "webhooks.rotateSecret": {},
  "webhooks.sendTest": {},
  "webhooks.update": {},
};

type TProcedure = {
  _def: { type: "query" | "mutation" | "subscription"; meta?: TProcedureMeta };
};

/** Every procedure path of the app router, from the router itself. */
function procedures(): Record<string, TProcedure> {
  return (appRouter as unknown as { _def: { procedures: Record<string, TProcedure> } })._def.procedures;
}

function procedurePaths(): string[] {
  return Object.keys(procedures()).sort();
}

/** The procedures built on the scope rung, read from the router (the rung marks them). */
function scopedPaths(): string[] {
  return Object.entries(procedures())
    .filter(([, procedure]) => procedure._def.meta?.isTenantScoped === true)
    .map(([path]) => path)
    .sort();
}

/** A scoped procedure's probe, with the tenant replaced by `scope` (the rest still Globex's ids). */
function withScope(path: string, scope: { scope: "all" } | { tenantId: string }): Record<string, unknown> {
  const { tenantId: _, ...rest } = (TRPC_MATRIX[path]?.input ?? generic)(foreign) as Record<string, unknown>;
  return { ...rest, ...scope };
}

// every (caller, procedure) answer checked, for the figures in docs/reliability.md
let cellsChecked = 0;

async function call(user: Parameters<typeof callerFor>[1], path: string, input: unknown) {
  cellsChecked += 1;
  const caller = callerFor(db, user) as unknown as Record<string, unknown>;
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  try {
    return { ok: true as const, value: await (target as (i: unknown) => Promise<unknown>)(input) };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false as const, code: error.code, message: error.message };
    throw error;
  }
}

const DENIALS = new Set(["FORBIDDEN", "NOT_FOUND", "UNAUTHORIZED"]);

let db: TDb;
let foreign: TForeign;
let acmeAdmin: Awaited<ReturnType<typeof makeUser>>;
let acmeTenantId: string;
const platformUsers: Awaited<ReturnType<typeof makeUser>>[] = [];

beforeAll(async () => {
  db = createTestDb();
  const acme = await makeTenant(db);
  const globex = await makeTenant(db, { name: `Globex ${crypto.randomBytes(3).toString("hex")}` });
  await makeSenderNumber(db, testSecretBox, acme.id);
  const sender = await makeSenderNumber(db, testSecretBox, globex.id);
  const message = await makeMessage(
    db,
    { tenantId: globex.id, senderNumberId: sender.id, recipient: "15550009876" },
    stories.read(Date.now() - 60_000),
  );
  const support = await makeUser(db, "support_agent");
  const dispute = await callerFor(db, support).disputes.open({
    tenantId: globex.id,
    messageId: message.id,
    ticketRef: "GLOBEX-1",
    note: "globex dispute",
  });
  const key = await makeApiKey(db, globex.id);
  const globexUser = await makeUser(db, "tenant_admin", { tenantId: globex.id });
  const tenantRow = await db.tenant.findUniqueOrThrow({ where: { id: globex.id } });
  foreign = {
    tenantId: globex.id,
    tenantSlug: tenantRow.slug,
    tenantName: tenantRow.name,
    messageId: message.id,
    recipient: "15550009876",
    senderNumberId: sender.id,
    phoneNumberId: sender.phoneNumberId,
    displayNumber: sender.displayNumber,
    disputeId: dispute.id,
    apiKeyId: key.id,
    userId: globexUser.id,
    userEmail: globexUser.email,
  };
  acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  acmeTenantId = acme.id;
  for (const role of ROLES) if (role !== "tenant_admin") platformUsers.push(await makeUser(db, role));
});
afterAll(async () => {
  reportFigures("tenant-wall.trpc", { procedures: procedurePaths().length, cells: cellsChecked });
  await db.$disconnect();
});

/** Globex's identifiers found in a result (its tenant id, name, slug, message, numbers ...). */
function leaks(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  return [
    foreign.tenantId,
    foreign.tenantSlug,
    foreign.tenantName,
    foreign.messageId,
    foreign.recipient,
    foreign.senderNumberId,
    foreign.phoneNumberId,
    foreign.displayNumber,
    foreign.disputeId,
    foreign.apiKeyId,
    foreign.userEmail,
  ].filter((marker) => marker && text.includes(marker));
}

describe("tenant wall matrix (tRPC)", () => {
  it("has an entry for every procedure of the router, and none for procedures that are gone", () => {
    const paths = procedurePaths();
    expect(
      paths.filter((p) => !(p in TRPC_MATRIX)),
      "procedures without a matrix entry",
    ).toEqual([]);
    expect(
      Object.keys(TRPC_MATRIX).filter((p) => !paths.includes(p)),
      "entries without a procedure",
    ).toEqual([]);
  });

  it("Acme's tenant admin, probing every procedure with Globex's ids, is denied or gets nothing of Globex", async () => {
    const failures: string[] = [];
    let cells = 0;
    for (const path of procedurePaths()) {
      const entry = TRPC_MATRIX[path] ?? {};
      const input = (entry.input ?? generic)(foreign);
      const result = await call(acmeAdmin, path, input);
      cells += 1;
      if (!result.ok) {
        if (!DENIALS.has(result.code)) failures.push(`${path}: ${result.code} (${result.message})`);
        continue;
      }
      const found = leaks(result.value);
      if (found.length > 0) failures.push(`${path}: answered with Globex's ${found.join(", ")}`);
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(procedurePaths().length);
  });

  it("marks exactly the scoped reads as scoped, in the router and in the matrix", () => {
    const marked = Object.keys(TRPC_MATRIX)
      .filter((p) => TRPC_MATRIX[p]?.isTenantScoped)
      .sort();
    expect(scopedPaths()).toEqual(marked);
    // the rung must not silently vanish from every read (an empty list would pass the probes)
    expect(marked.length).toBeGreaterThanOrEqual(9);
  });

  it('Acme\'s tenant admin asking a scoped read for { scope: "all" } is FORBIDDEN, every time', async () => {
    const failures: string[] = [];
    for (const path of scopedPaths()) {
      const result = await call(acmeAdmin, path, withScope(path, { scope: "all" }));
      if (result.ok)
        failures.push(`${path}: answered (${leaks(result.value).join(", ") || "no Globex ids"})`);
      else if (result.code !== "FORBIDDEN") failures.push(`${path}: ${result.code} (${result.message})`);
    }
    expect(failures).toEqual([]);
  });

  it("Acme's tenant admin reading its own tenant through a scoped read, with Globex's ids as filters, gets nothing of Globex", async () => {
    const failures: string[] = [];
    for (const path of scopedPaths()) {
      const result = await call(acmeAdmin, path, withScope(path, { tenantId: acmeTenantId }));
      if (!result.ok) failures.push(`${path}: ${result.code} (${result.message})`);
      else if (leaks(result.value).length > 0)
        failures.push(`${path}: answered with Globex's ${leaks(result.value).join(", ")}`);
    }
    expect(failures).toEqual([]);
  });

  it('every platform role gets an answer from a scoped read for { scope: "all" }, or FORBIDDEN for want of the permission', async () => {
    const failures: string[] = [];
    for (const user of platformUsers) {
      for (const path of scopedPaths()) {
        const result = await call(user, path, withScope(path, { scope: "all" }));
        if (!result.ok && result.code !== "FORBIDDEN") failures.push(`${user.role} ${path}: ${result.code}`);
        if (!result.ok && result.code === "FORBIDDEN" && !/cannot/.test(result.message))
          failures.push(`${user.role} ${path}: refused all tenants (${result.message})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("without a session every procedure but the public ones is UNAUTHORIZED", async () => {
    const failures: string[] = [];
    for (const path of procedurePaths()) {
      const entry = TRPC_MATRIX[path] ?? {};
      if (entry.isPublic) continue;
      const result = await call(null, path, (entry.input ?? generic)(foreign));
      if (result.ok || result.code !== "UNAUTHORIZED")
        failures.push(`${path}: ${result.ok ? "OK" : result.code}`);
    }
    expect(failures).toEqual([]);
  });

  it("every platform role gets an answer or a clean refusal from every procedure, never a 500", async () => {
    const failures: string[] = [];
    for (const user of platformUsers) {
      for (const path of procedurePaths()) {
        const entry = TRPC_MATRIX[path] ?? {};
        if (entry.skipPlatformRoles) continue;
        const result = await call(user, path, (entry.input ?? generic)(foreign));
        if (!result.ok && result.code === "INTERNAL_SERVER_ERROR")
          failures.push(`${user.role} ${path}: ${result.message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
