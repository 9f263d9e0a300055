// Process-level harness of the sending tests: the real worker process (dispatcher + webhook
// inbox drainer) and the real provider simulator process, with Waybill's HTTP routes served by
// a plain node:http server in the test process calling the same handlers the Next.js routes call
// (the tenant REST API and the WhatsApp webhook route), so every hop is real HTTP.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TDb } from "@/server/db/client";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { factContent } from "@/server/domain/ledger/group-receipts";
import { appendToChain, GENESIS_HASH } from "@/server/domain/ledger/hash-chain";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import { buildCloudMessageBody, canonicalSendRequest } from "@/server/domain/sending/send-request";
import { createProcessMetrics } from "@/server/ingest/prometheus";
import { createWebhookStore } from "@/server/ingest/record-raw-webhook";
import { WEBHOOK_HTTP_METRICS } from "@/server/ingest/web-metrics";
import { createWhatsAppWebhookHandlers } from "@/server/ingest/webhook-route";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { createLogger } from "@/server/platform/logger";
import type { TSimulatorConfig } from "@/server/providers/simulator/scenario";
import { sha256Hex } from "@/server/services/ledger/rows";
import { handleGetMessage, handleListMessageEvents, handleSendMessage } from "@/server/rest/messages";
import { TEST_ENCRYPTION_KEY, testDatabaseUrl } from "../setup/context";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";

export const HARNESS_APP_SECRET = "sending-harness-app-secret-0123456789";

/** Waybill's web routes (tenant API + webhook) on a node:http server, with the real handlers. */
export async function startWebRoutes(
  db: TDb,
): Promise<{ url: string; webhookPosts: () => number; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 6 });
  const webhooks = createWhatsAppWebhookHandlers(() => ({
    appSecrets: [HARNESS_APP_SECRET],
    verifyToken: "harness-verify-token",
    maxBodyBytes: 1024 * 1024,
    store: createWebhookStore(pool, { maxRows: 500, maxInFlight: 6 }),
    log: createLogger("webhook", "silent"),
    metrics: createProcessMetrics(WEBHOOK_HTTP_METRICS),
    now: () => new Date(),
  }));
  const deps = { db, now: () => new Date() };
  let webhookPosts = 0;
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      void (async () => {
        const url = new URL(incoming.url ?? "/", "http://waybill.test");
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const request = new Request(url, {
          method: incoming.method,
          headers: incoming.headers as Record<string, string>,
          body: incoming.method === "GET" ? undefined : body,
        });
        let response: Response;
        const message = /^\/api\/v1\/messages\/([^/]+)(\/events)?$/.exec(url.pathname);
        if (url.pathname === "/api/v1/messages" && incoming.method === "POST")
          response = await handleSendMessage(deps, request);
        else if (message && incoming.method === "GET") {
          response = message[2]
            ? await handleListMessageEvents(deps, request, message[1]!)
            : await handleGetMessage(deps, request, message[1]!);
        } else if (url.pathname === "/api/webhooks/whatsapp" && incoming.method === "POST") {
          webhookPosts += 1;
          response = await webhooks.POST(request);
        } else response = new Response("not found", { status: 404 });
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(Buffer.from(await response.arrayBuffer()));
      })().catch((error: unknown) => {
        outgoing.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    webhookPosts: () => webhookPosts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

export async function startSimulatorProcess(
  config: Partial<TSimulatorConfig>,
  webhookUrl: string,
): Promise<{
  url: string;
  process: TRunningProcess;
  admin: (path: string, body?: unknown) => Promise<unknown>;
}> {
  const port = await findFreePort();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "waybill-sim-")), "simulator.json");
  fs.writeFileSync(file, JSON.stringify(config));
  const running = startProcess("server/providers/simulator/main.ts", {
    WAYBILL_SIMULATOR_PORT: String(port),
    WAYBILL_SIMULATOR_WEBHOOK_URL: webhookUrl,
    WHATSAPP_APP_SECRET: HARNESS_APP_SECRET,
    WAYBILL_SIMULATOR_CONFIG: file,
    WAYBILL_SIMULATOR_SEED: "42",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (running.child.exitCode !== null) throw new Error(`simulator exited:\n${running.output()}`);
      return fetch(`${url}/_admin/health`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    30_000,
    "the simulator to listen",
  );
  const admin = async (adminPath: string, body?: unknown) => {
    const response = await fetch(`${url}/_admin/${adminPath}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<unknown>;
  };
  return { url, process: running, admin };
}

export async function startWorkerProcess(db: TDb, env: Record<string, string>): Promise<TRunningProcess> {
  const worker = startProcess("server/worker/main.ts", {
    DATABASE_URL: testDatabaseUrl(),
    WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
    WAYBILL_INGEST_POLL_MS: "50",
    WAYBILL_DISPATCH_POLL_MS: "50",
    // the provider simulator answers on plain http, allowed only in demo mode
    WAYBILL_DEMO: "1",
    ...env,
  });
  await waitFor(
    async () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      return db.workerHeartbeat.findFirst({ where: { pid: worker.child.pid!, stoppedAt: null } });
    },
    60_000,
    "the worker's heartbeat",
  );
  return worker;
}

export async function stopProcess(running: TRunningProcess): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => running.child.kill("SIGKILL"), 20_000);
  await running.exited;
  clearTimeout(timer);
}

/**
 * Queues `count` messages for one sender directly in SQL, shaped exactly like requestSend's
 * (message, hash-chained `requested` event, receipt, request record, queue row): a 100,000-message
 * backlog in seconds instead of minutes of API calls.
 */
export async function bulkQueue(
  client: pg.Client,
  input: { tenantId: string; senderNumberId: string; count: number; recipientPrefix: string; now: Date },
): Promise<void> {
  const chunk = 5_000;
  await client.query(
    "INSERT INTO sender_dispatch (tenant_id, sender_number_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    [input.tenantId, input.senderNumberId],
  );
  for (let start = 0; start < input.count; start += chunk) {
    const n = Math.min(chunk, input.count - start);
    const cols = {
      id: [] as string[],
      recipient: [] as string[],
      payload: [] as string[],
      eventId: [] as string[],
      body: [] as string[],
      hash: [] as string[],
      contentHash: [] as string[],
      request: [] as string[],
      requestHash: [] as string[],
      enqueuedAt: [] as string[],
    };
    for (let i = 0; i < n; i += 1) {
      const id = crypto.randomUUID();
      // a trailing 0: suffix searches of other tests ("...4567") never match the flood
      const recipient = `${input.recipientPrefix}${String(start + i).padStart(6, "0")}0`;
      const request = {
        from: input.senderNumberId,
        to: `+${recipient}`,
        type: "template" as const,
        template: { name: "flash_sale", language: "en_US", bodyParameters: [String(start + i)] },
      };
      const canonical = canonicalSendRequest(request, input.senderNumberId);
      const requestHash = sha256Hex(canonicalJson(canonical));
      const event: TLedgerEvent = {
        id: crypto.randomUUID(),
        messageId: id,
        type: "requested",
        source: "api",
        providerTimestamp: null,
        recordedAt: input.now.getTime(),
        dedupeKey: dedupeKey.requested(),
        payload: { via: "tenant_api", requestedBy: "api_key:bulk", requestHash },
      };
      const chained = appendToChain(GENESIS_HASH, event, sha256Hex);
      cols.id.push(id);
      cols.recipient.push(recipient);
      cols.payload.push(JSON.stringify(buildCloudMessageBody(request, id)));
      cols.eventId.push(event.id);
      cols.body.push(JSON.stringify(event));
      cols.hash.push(chained.hash);
      cols.contentHash.push(sha256Hex(factContent(event)));
      cols.request.push(JSON.stringify(canonical));
      cols.requestHash.push(requestHash);
      // one millisecond apart, so the backlog has an order
      cols.enqueuedAt.push(new Date(input.now.getTime() - input.count + start + i).toISOString());
    }
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name, template_language,
         request_payload, state, state_reached_at, state_explanation, decider_dedupe_key, rules_version, event_count, head_hash)
       SELECT $1, u.id, $2, u.recipient, 'template', 'flash_sale', 'en_US', u.payload::jsonb, 'queued', $3,
              'queued: requested, no attempt started yet', 'requested', 1, 1, u.hash
       FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) AS u(id, recipient, payload, hash)`,
      [input.tenantId, input.senderNumberId, input.now, cols.id, cols.recipient, cols.payload, cols.hash],
    );
    await client.query(
      `INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, recorded_at, body, prev_hash, hash)
       SELECT $1, u.message_id, 1, u.id, 'requested', 'api', 'requested', $2, u.body::jsonb, $3, u.hash
       FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[]) AS u(message_id, id, body, hash)`,
      [input.tenantId, input.now, GENESIS_HASH, cols.id, cols.eventId, cols.body, cols.hash],
    );
    await client.query(
      `INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at, content_hash, is_first)
       SELECT $1, u.message_id, 'requested', u.event_id, 'api', $2, u.content_hash, true
       FROM unnest($3::uuid[], $4::uuid[], $5::text[]) AS u(message_id, event_id, content_hash)`,
      [input.tenantId, input.now, cols.id, cols.eventId, cols.contentHash],
    );
    await client.query(
      `INSERT INTO send_request (tenant_id, message_id, actor_label, request_hash, request)
       SELECT $1, u.message_id, 'api_key:bulk', u.request_hash, u.request::jsonb
       FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(message_id, request_hash, request)`,
      [input.tenantId, cols.id, cols.requestHash, cols.request],
    );
    await client.query(
      `INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, not_before, enqueued_at)
       SELECT $1, u.message_id, $2, u.recipient, 1, u.enqueued_at, u.enqueued_at
       FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS u(message_id, recipient, enqueued_at)`,
      [input.tenantId, input.senderNumberId, cols.id, cols.recipient, cols.enqueuedAt],
    );
    await client.query("COMMIT");
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
