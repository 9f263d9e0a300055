// The operator notification loop (worker): sends queued alert changes to the admins' channels,
// a Slack-compatible incoming webhook (one JSON POST) or an email (SMTP, nodemailer). A failure is
// retried on the outbound webhooks' schedule (5 s ... 10 h, about a day in all), then the
// notification is `failed`. Email waits, unclaimed, while the worker has no SMTP settings, so a
// missing setting delays mail rather than spending its retries.
import nodemailer from "nodemailer";
import type { TDb } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";
import {
  emailBody,
  slackBody,
  type TChannelKind,
  type TOperatorMessage,
} from "@/server/domain/notifications/operator-channel";
import { isDeliveredStatus, nextAttemptAt } from "@/server/domain/triggers/retry-schedule";
import type { TLogger } from "@/server/platform/logger";
import type { TSecretBox } from "@/server/platform/secret-box";
import { openTarget } from "./channels";
import { createPollWaker } from "@/server/platform/poll-waker";

export type TNotificationConfig = {
  /** smtp(s)://user:pass@host:port; null: email channels wait */
  smtpUrl: string | null;
  from: string;
  timeoutMs: number;
  pollMs: number;
  /** e.g. https://waybill.example.com; null: messages carry no console link */
  publicBaseUrl: string | null;
  /** notifications sent at once */
  batchSize: number;
};

export type TNotificationDeps = {
  db: TDb;
  box: TSecretBox;
  log: TLogger;
  now?: () => Date;
  random?: () => number;
};

type TClaimedNotification = {
  id: string;
  attempt_count: number;
  change: "opened" | "resolved";
  subject: string;
  body: string;
  severity: string;
  tenant_slug: string | null;
  channel_id: string;
  kind: TChannelKind;
  target: string;
};

export async function claimNotifications(
  db: TDb,
  input: { now: Date; limit: number; leaseMs: number; canEmail: boolean },
): Promise<TClaimedNotification[]> {
  return sqlOfPrisma(db).query<TClaimedNotification>(
    `WITH pick AS (
       SELECT n.id FROM operator_notification n
       JOIN operator_channel c ON c.id = n.channel_id
       WHERE n.status = 'pending' AND n.next_attempt_at <= $1
         AND (n.leased_until IS NULL OR n.leased_until < $1)
         AND c.is_enabled AND (c.kind = 'slack' OR $4)
       ORDER BY n.next_attempt_at, n.id
       LIMIT $2
       FOR UPDATE OF n SKIP LOCKED
     ), leased AS (
       UPDATE operator_notification n SET leased_until = $3
       FROM pick WHERE n.id = pick.id
       RETURNING n.id, n.attempt_count, n.change, n.severity, n.subject, n.body, n.tenant_id, n.channel_id
     )
     SELECT l.id::text AS id, l.attempt_count::int AS attempt_count, l.change, l.subject, l.body, l.severity,
            t.slug AS tenant_slug, c.id::text AS channel_id, c.kind, c.target
     FROM leased l
     JOIN operator_channel c ON c.id = l.channel_id
     LEFT JOIN tenant t ON t.id = l.tenant_id`,
    [input.now, input.limit, new Date(input.now.getTime() + input.leaseMs), input.canEmail],
  );
}

type TSendOutcome = { ok: true } | { ok: false; error: string };

async function postSlack(url: string, body: unknown, timeoutMs: number): Promise<TSendOutcome> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Waybill-Notifications/1.0" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await response.text().catch(() => "")).slice(0, 200);
    return isDeliveredStatus(response.status)
      ? { ok: true }
      : { ok: false, error: `HTTP ${response.status}${text ? `: ${text}` : ""}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError")
      return { ok: false, error: `timeout after ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      error: cause?.code
        ? `${cause.code}: ${cause.message ?? ""}`
        : error instanceof Error
          ? error.message
          : String(error),
    };
  }
}

/**
 * The SMTP transport from the URL, with the attempt's timeout on every phase (nodemailer's
 * defaults wait minutes, which would hold the loop's round on one dead server).
 */
function createMailer(smtpUrl: string, timeoutMs: number) {
  const url = new URL(smtpUrl);
  const isImplicitTls = url.protocol === "smtps:";
  return nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : isImplicitTls ? 465 : 587,
    secure: isImplicitTls,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

export type TNotificationLoop = { stop: () => Promise<void>; wake: () => void };

export function startNotificationLoop(
  deps: TNotificationDeps,
  config: TNotificationConfig,
): TNotificationLoop {
  const now = deps.now ?? (() => new Date());
  const mailer = config.smtpUrl ? createMailer(config.smtpUrl, config.timeoutMs) : null;
  let isStopping = false;
  const waker = createPollWaker();

  const send = async (n: TClaimedNotification): Promise<TSendOutcome> => {
    const message: TOperatorMessage = {
      subject: n.subject,
      body: n.body,
      change: n.change,
      severity: n.severity,
      link:
        config.publicBaseUrl && n.tenant_slug
          ? `${config.publicBaseUrl.replace(/\/$/, "")}/t/${encodeURIComponent(n.tenant_slug)}/stalled`
          : null,
    };
    const target = openTarget(deps.box, n.channel_id, n.target);
    switch (n.kind) {
      case "slack":
        return postSlack(target, slackBody(message), config.timeoutMs);
      case "email": {
        if (!mailer) return { ok: false, error: "no SMTP settings (WAYBILL_SMTP_URL)" };
        try {
          const mail = emailBody(message);
          await mailer.sendMail({ from: config.from, to: target, subject: mail.subject, text: mail.text });
          return { ok: true };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }
      default: {
        const unreachable: never = n.kind;
        return unreachable;
      }
    }
  };

  const record = async (n: TClaimedNotification, outcome: TSendOutcome) => {
    const at = now();
    const attempt = n.attempt_count + 1;
    const next = outcome.ok ? null : nextAttemptAt(attempt, at.getTime(), (deps.random ?? Math.random)());
    const status = outcome.ok ? "succeeded" : next === null ? "failed" : "pending";
    await sqlOfPrisma(deps.db).query(
      `UPDATE operator_notification
       SET status = $2::webhook_delivery_status, attempt_count = $3, leased_until = NULL,
           next_attempt_at = coalesce($4, next_attempt_at), last_attempt_at = $5, last_error = $6,
           sent_at = CASE WHEN $2 = 'succeeded' THEN $5 ELSE sent_at END
       WHERE id = $1::uuid`,
      [n.id, status, attempt, next === null ? null : new Date(next), at, outcome.ok ? null : outcome.error],
    );
    if (!outcome.ok)
      deps.log.warn(
        { notificationId: n.id, kind: n.kind, error: outcome.error, status },
        "operator notification failed",
      );
  };

  const loop = async () => {
    while (!isStopping) {
      let claimed: TClaimedNotification[] = [];
      try {
        claimed = await claimNotifications(deps.db, {
          now: now(),
          limit: config.batchSize,
          leaseMs: config.timeoutMs + 30_000,
          canEmail: mailer !== null,
        });
        await Promise.all(
          claimed.map(async (n) => {
            let outcome: TSendOutcome;
            try {
              outcome = await send(n);
            } catch (error) {
              outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
            }
            await record(n, outcome);
          }),
        );
      } catch (error) {
        deps.log.warn({ err: error }, "operator notification round failed");
      }
      if (isStopping) break;
      if (claimed.length === config.batchSize) continue;
      await waker.sleep(config.pollMs);
    }
  };
  const done = loop();
  return {
    wake: () => waker.wake(),
    stop: async () => {
      isStopping = true;
      waker.wake();
      await done;
      mailer?.close();
    },
  };
}
