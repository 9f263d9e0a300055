// The web process's own webhook metrics: what it answered, before any tenant is known (a request
// that fails verification never reaches the database, so only the process can count it). Kept on
// globalThis: Next.js bundles each route separately, and the metrics route must see the counters
// the webhook route incremented.
import { createProcessMetrics, type TProcessMetrics } from "./prometheus";

export const WEBHOOK_HTTP_METRICS = {
  waybill_webhook_http_requests_total: {
    type: "counter",
    help: "Webhook POSTs answered by this process, by outcome (stored, duplicate, unauthorized, too_large, unreadable, unavailable).",
  },
  waybill_webhook_signature_failures_total: {
    type: "counter",
    help: "Webhook POSTs rejected with 401, by reason (missing, malformed, mismatch). Never stored.",
  },
  waybill_webhook_verified_total: {
    type: "counter",
    help: "Webhook POSTs whose signature verified, by the index of the WHATSAPP_APP_SECRET entry that matched (rotation progress).",
  },
  waybill_webhook_handshakes_total: {
    type: "counter",
    help: "GET subscription handshakes, by outcome (ok, forbidden).",
  },
  waybill_webhook_store_duration_seconds: {
    type: "histogram",
    help: "Time to store a verified webhook durably (the insert and its commit).",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
  waybill_webhook_group_commit_rows: {
    type: "histogram",
    help: "Requests written by one statement and commit (group commit): a value, not seconds.",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  },
  waybill_webhook_group_commit_duration_seconds: {
    type: "histogram",
    help: "Time of one group commit's statement and commit.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
} as const;

/** The group commit's flush report as metrics. */
export function observeGroupCommit(metrics: TProcessMetrics) {
  return (rows: number, seconds: number) => {
    metrics.observe("waybill_webhook_group_commit_rows", rows);
    metrics.observe("waybill_webhook_group_commit_duration_seconds", seconds);
  };
}

const globalForMetrics = globalThis as unknown as { waybillWebhookMetrics?: TProcessMetrics };

export function webhookProcessMetrics(): TProcessMetrics {
  globalForMetrics.waybillWebhookMetrics ??= createProcessMetrics(WEBHOOK_HTTP_METRICS);
  return globalForMetrics.waybillWebhookMetrics;
}
