// Shared setup of the webhook integration tests: the route handlers wired to the test database
// and test secrets, a message whose send response is recorded, and draining the inbox.
import crypto from "node:crypto";
import pg from "pg";
import type { TDb } from "@/server/db/client";
import { createProcessMetrics } from "@/server/ingest/prometheus";
import { createWebhookStore } from "@/server/ingest/record-raw-webhook";
import { WEBHOOK_HTTP_METRICS } from "@/server/ingest/web-metrics";
import { createWhatsAppWebhookHandlers, type TWebhookRouteDeps } from "@/server/ingest/webhook-route";
import { createLogger } from "@/server/platform/logger";
import { appendEvents, createMessage } from "@/server/services/ledger/append-events";
import { drainInboxOnce, type TDrainReport } from "@/server/services/ingest/process-inbox";
import { drafts } from "../factories/ledger";
import { testDatabaseUrl } from "../setup/context";

export const APP_SECRET = "meta-app-secret-current-0001";
export const PREVIOUS_APP_SECRET = "meta-app-secret-previous-0001";
export const VERIFY_TOKEN = "verify-token-for-tests";

export function createWebhookTestPool(): pg.Pool {
  return new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
}

export function webhookHandlers(pool: pg.Pool, overrides: Partial<TWebhookRouteDeps> = {}) {
  const deps: TWebhookRouteDeps = {
    appSecrets: [APP_SECRET, PREVIOUS_APP_SECRET],
    verifyToken: VERIFY_TOKEN,
    maxBodyBytes: 256 * 1024,
    store: createWebhookStore(pool, { maxRows: 500, maxInFlight: 4 }),
    log: createLogger("webhook-test", "silent"),
    metrics: createProcessMetrics(WEBHOOK_HTTP_METRICS),
    now: () => new Date(),
    ...overrides,
  };
  return { ...createWhatsAppWebhookHandlers(() => deps), deps };
}

// the drain's own plain-pg connections, as the worker's (closed when the test file's process ends)
let drainPool: pg.Pool | null = null;

/** Drains the inbox until a step claims nothing (rows of other test files included). */
export async function drainAll(now: () => Date = () => new Date()): Promise<TDrainReport> {
  drainPool ??= new pg.Pool({ connectionString: testDatabaseUrl(), max: 2, allowExitOnIdle: true });
  const total: TDrainReport = {
    claimed: 0,
    claimedIds: [],
    processed: 0,
    quarantined: 0,
    failed: 0,
    retried: 0,
    deferred: 0,
  };
  for (let i = 0; i < 100; i += 1) {
    const step = await drainInboxOnce(drainPool, { batchSize: 50, maxAttempts: 3, now });
    for (const k of ["claimed", "processed", "quarantined", "failed", "retried", "deferred"] as const)
      total[k] += step[k];
    total.claimedIds.push(...step.claimedIds);
    if (step.claimed === 0) return total;
  }
  throw new Error("the inbox did not drain");
}

/** A message as the sending pipeline leaves it: requested, attempt 1 started, optionally accepted. */
export async function sentMessage(
  db: TDb,
  tenantId: string,
  senderNumberId: string,
  options: { wamid?: string | null; at?: Date; templateCategory?: string; recipient?: string } = {},
): Promise<{ messageId: string; wamid: string }> {
  const recipient = options.recipient ?? "15551234567";
  const wamid = options.wamid ?? `wamid.${crypto.randomBytes(12).toString("hex")}`;
  const at = options.at ?? new Date();
  const messageId = await db.$transaction(async (tx) => {
    const { messageId } = await createMessage(
      tx,
      {
        tenantId,
        senderNumberId,
        recipient,
        contentKind: "template",
        templateName: "order_update",
        templateLanguage: "en_US",
        templateCategory: options.templateCategory ?? "UTILITY",
        requestPayload: { messaging_product: "whatsapp", to: recipient, type: "template" },
      },
      drafts.requested(),
      { now: at },
    );
    const steps =
      options.wamid === null
        ? [drafts.attemptStarted(1)]
        : [drafts.attemptStarted(1), drafts.accepted(1, wamid)];
    await appendEvents(tx, tenantId, messageId, steps, { now: at });
    return messageId;
  });
  return { messageId, wamid };
}

/** Records the send response of attempt 1, as the sending pipeline does (the orphan hook's trigger). */
export async function recordAccepted(
  db: TDb,
  tenantId: string,
  messageId: string,
  wamid: string,
  at = new Date(),
) {
  return db.$transaction((tx) =>
    appendEvents(tx, tenantId, messageId, [drafts.accepted(1, wamid)], { now: at }),
  );
}
