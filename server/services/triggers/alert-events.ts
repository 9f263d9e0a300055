// Alert changes leave Waybill twice: to the tenant's endpoints as `alert.opened` /
// `alert.resolved` events (through the outbox), and to the operators' channels (Slack-compatible
// webhook, email) as operator notifications. Both are written in the transaction that opened or
// resolved the alert, so a notification exists exactly when the change committed.
import type { TSql } from "@/server/db/sql";
import { isSevereEnough, type TAlertSeverityLevel } from "@/server/domain/notifications/operator-channel";
import { writeOutbox } from "./outbox";

export type TAlertChange = {
  change: "opened" | "resolved";
  alertId: string;
  tenantId: string;
  senderNumberId: string | null;
  messageId: string | null;
  kind: string;
  severity: string;
  title: string;
  details: unknown;
  resolution?: string | null;
};

export async function publishAlertChanges(
  sql: TSql,
  changes: readonly TAlertChange[],
  now: Date,
): Promise<void> {
  if (changes.length === 0) return;
  await writeOutbox(
    sql,
    changes.map((c) => ({
      tenantId: c.tenantId,
      type: `alert.${c.change}`,
      dedupeKey: `alert.${c.change}:${c.alertId}`,
      messageId: c.messageId,
      senderNumberId: c.senderNumberId,
      templateName: null,
      occurredAt: now,
      payload: {
        alertId: c.alertId,
        tenantId: c.tenantId,
        kind: c.kind,
        severity: c.severity,
        title: c.title,
        senderNumberId: c.senderNumberId,
        messageId: c.messageId,
        details: c.details,
        ...(c.change === "resolved" ? { resolution: c.resolution ?? null } : {}),
      },
    })),
    now,
  );
  // platform channels take the alerts of their minimum severity and above (rule in the domain)
  const channels = await sql.query<{ id: string; min_severity: TAlertSeverityLevel }>(
    `SELECT id::text AS id, min_severity FROM operator_channel WHERE is_enabled`,
  );
  if (channels.length === 0) return;
  const tenants = new Map(
    (
      await sql.query<{ id: string; slug: string; name: string }>(
        `SELECT id::text AS id, slug, name FROM tenant WHERE id = ANY($1::uuid[])`,
        [[...new Set(changes.map((c) => c.tenantId))]],
      )
    ).map((t) => [t.id, `${t.name} (${t.slug})`]),
  );
  const rows = changes.flatMap((c) =>
    channels
      .filter((ch) => isSevereEnough(c.severity, ch.min_severity))
      .map((ch) => ({
        channel_id: ch.id,
        tenant_id: c.tenantId,
        alert_id: c.alertId,
        change: c.change,
        severity: c.severity,
        subject: `[Waybill ${c.severity}] ${c.change === "opened" ? "" : "resolved: "}${c.title}`,
        body:
          `${c.change === "opened" ? "Alert opened" : "Alert resolved"} (${c.kind}, ${c.severity})\n` +
          `${c.title}\ntenant: ${tenants.get(c.tenantId) ?? c.tenantId}` +
          (c.senderNumberId ? `\nsender number: ${c.senderNumberId}` : "") +
          (c.messageId ? `\nmessage: ${c.messageId}` : "") +
          (c.resolution ? `\nresolution: ${c.resolution}` : ""),
      })),
  );
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO operator_notification (id, channel_id, tenant_id, alert_id, change, severity, subject, body,
                                        status, next_attempt_at, created_at)
     SELECT gen_random_uuid(), r.channel_id, r.tenant_id, r.alert_id, r.change, r.severity, r.subject, r.body,
            'pending', $2, $2
     FROM jsonb_to_recordset($1::jsonb)
       AS r(channel_id uuid, tenant_id uuid, alert_id uuid, change text, severity text, subject text, body text)
     ON CONFLICT (channel_id, alert_id, change) DO NOTHING`,
    [JSON.stringify(rows), now],
  );
}
