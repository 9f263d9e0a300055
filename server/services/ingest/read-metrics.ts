// The database's side of /api/metrics: durable per-tenant counters (ingest_counter, written by
// every worker and web process, so they survive restarts and add up across processes) and gauges
// read at scrape time (inbox depth, processing lag, quarantine, orphans, open alerts).
import type { TDb } from "@/server/db/client";
import type { TLabels, TMetricFamily, TSample } from "@/server/ingest/prometheus";
import type { TIngestCounter } from "./counters";

const COUNTER_FAMILIES: {
  name: string;
  help: string;
  label: string;
  members: Partial<Record<TIngestCounter, string>>;
}[] = [
  {
    name: "waybill_webhook_requests_total",
    help: 'Verified webhook requests per tenant they named (tenant="none": none resolved), by outcome: received (first processing), processed, quarantined, failed, duplicate (re-posted body), replayed.',
    label: "outcome",
    members: {
      requests_received: "received",
      requests_processed: "processed",
      requests_quarantined: "quarantined",
      requests_failed: "failed",
      requests_duplicate: "duplicate",
      requests_replayed: "replayed",
    },
  },
  {
    name: "waybill_webhook_statuses_total",
    help: "Status items per tenant, by outcome: applied (new ledger fact), duplicate (known fact, receipt counted), orphaned (wamid unknown yet), reattached (orphan joined its message), ignored (legacy statuses).",
    label: "outcome",
    members: {
      statuses_applied: "applied",
      statuses_duplicate: "duplicate",
      statuses_orphaned: "orphaned",
      statuses_reattached: "reattached",
      statuses_ignored: "ignored",
    },
  },
  {
    name: "waybill_webhook_items_total",
    help: "Other webhook items per tenant, by kind: quarantined, sender_health, template, ignored (inbound messages, unsupported fields).",
    label: "kind",
    members: {
      items_quarantined: "quarantined",
      sender_health_events: "sender_health",
      template_events: "template",
      items_ignored: "ignored",
    },
  },
];

function tenantLabels(tenantId: string | null, slug: string | null): TLabels {
  return { tenant: slug ?? (tenantId === null ? "none" : "unknown"), tenant_id: tenantId ?? "" };
}

export async function readIngestMetricFamilies(db: TDb, now: Date): Promise<TMetricFamily[]> {
  const [counters, inbox, quarantine, orphans, alerts] = await Promise.all([
    db.$queryRaw<{ metric: string; tenant_id: string | null; slug: string | null; value: bigint }[]>`
      SELECT c.metric, c.tenant_id::text AS tenant_id, t.slug, c.value
      FROM ingest_counter c LEFT JOIN tenant t ON t.id = c.tenant_id
      ORDER BY c.metric, t.slug NULLS FIRST`,
    db.$queryRaw<{ status: string; n: number; oldest: Date | null }[]>`
      SELECT status::text AS status, count(*)::int AS n, min(available_at) AS oldest
      FROM webhook_inbox WHERE status IN ('pending', 'quarantined', 'failed') GROUP BY status`,
    db.$queryRaw<{ reason: string; n: number }[]>`
      SELECT reason, count(*)::int AS n FROM webhook_quarantine WHERE resolved_at IS NULL GROUP BY reason ORDER BY reason`,
    db.$queryRaw<{ tenant_id: string; slug: string | null; n: number; oldest: Date }[]>`
      SELECT o.tenant_id::text AS tenant_id, t.slug, count(*)::int AS n, min(o.received_at) AS oldest
      FROM webhook_orphan_status o LEFT JOIN tenant t ON t.id = o.tenant_id
      WHERE o.attached_at IS NULL AND o.discarded_at IS NULL AND o.foreign_at IS NULL
      GROUP BY o.tenant_id, t.slug ORDER BY t.slug`,
    db.$queryRaw<{ tenant_id: string; slug: string | null; kind: string; status: string; n: number }[]>`
      SELECT a.tenant_id::text AS tenant_id, t.slug, a.kind, a.status::text AS status, count(*)::int AS n
      FROM alert a LEFT JOIN tenant t ON t.id = a.tenant_id
      WHERE a.status <> 'resolved' GROUP BY a.tenant_id, t.slug, a.kind, a.status ORDER BY t.slug, a.kind, a.status`,
  ]);

  const families: TMetricFamily[] = COUNTER_FAMILIES.map((family) => ({
    name: family.name,
    help: family.help,
    type: "counter",
    samples: counters
      .filter((c) => c.metric in family.members)
      .map((c): TSample => ({
        labels: {
          ...tenantLabels(c.tenant_id, c.slug),
          [family.label]: family.members[c.metric as TIngestCounter]!,
        },
        value: Number(c.value),
      })),
  }));
  const pending = inbox.find((r) => r.status === "pending");
  families.push(
    {
      name: "waybill_webhook_inbox_depth",
      help: "Stored webhook requests waiting to be processed.",
      type: "gauge",
      samples: [{ labels: {}, value: pending?.n ?? 0 }],
    },
    {
      name: "waybill_webhook_processing_lag_seconds",
      help: "Age of the oldest request waiting to be processed (0 when the inbox is drained).",
      type: "gauge",
      samples: [
        {
          labels: {},
          value: pending?.oldest ? Math.max(0, (now.getTime() - pending.oldest.getTime()) / 1000) : 0,
        },
      ],
    },
    {
      name: "waybill_webhook_inbox_attention",
      help: "Stored requests needing an engineer: quarantined (some item unprocessable) or failed (processing kept failing; replayable).",
      type: "gauge",
      samples: (["quarantined", "failed"] as const).map((status) => ({
        labels: { status },
        value: inbox.find((r) => r.status === status)?.n ?? 0,
      })),
    },
    {
      name: "waybill_webhook_quarantine_open",
      help: "Open quarantine items, by reason.",
      type: "gauge",
      samples: quarantine.map((q) => ({ labels: { reason: q.reason }, value: q.n })),
    },
    {
      name: "waybill_webhook_orphans_waiting",
      help: "Statuses waiting for their message's send response, per tenant.",
      type: "gauge",
      samples: orphans.map((o) => ({ labels: tenantLabels(o.tenant_id, o.slug), value: o.n })),
    },
    {
      name: "waybill_webhook_orphan_oldest_age_seconds",
      help: "Age of the oldest waiting orphan status, per tenant.",
      type: "gauge",
      samples: orphans.map((o) => ({
        labels: tenantLabels(o.tenant_id, o.slug),
        value: Math.max(0, (now.getTime() - o.oldest.getTime()) / 1000),
      })),
    },
    {
      name: "waybill_alerts_unresolved",
      help: "Alerts not resolved yet, per tenant, kind and status (open, acknowledged, snoozed).",
      type: "gauge",
      samples: alerts.map((a) => ({
        labels: { ...tenantLabels(a.tenant_id, a.slug), kind: a.kind, status: a.status },
        value: a.n,
      })),
    },
  );
  return families;
}
