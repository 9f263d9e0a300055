// The typed job catalogue: every queue's name, payload schema, retry budget and timeout in one
// place. Producers and handlers both go through it, so a payload is validated on both sides.
import { z } from "zod";

export const JOB_CATALOG = {
  /**
   * End-to-end check of the job pipeline: the console's health page and the crash tests enqueue
   * one and watch it complete. `holdMs` keeps it running so a worker can be killed mid-job.
   */
  "system.probe": {
    payload: z.object({ probeId: z.uuid(), holdMs: z.number().int().min(0).max(120_000).default(0) }),
    retryLimit: 3,
    retryDelaySeconds: 1,
    expireInSeconds: undefined as number | undefined, // the worker's default (WAYBILL_JOB_EXPIRE_SECONDS)
  },
  /**
   * Recomputes derived state from the ledger for one message, a tenant or everything, and
   * reports drift (in the audit trail); repairs only when `apply` is set.
   */
  "ledger.audit-drift": {
    payload: z.object({
      tenantId: z.uuid().optional(),
      messageId: z.uuid().optional(),
      rulesVersion: z.number().int().positive().optional(),
      apply: z.boolean().default(false),
      requestedBy: z.string().min(1),
      reason: z.string().max(500).optional(),
    }),
    retryLimit: 1,
    retryDelaySeconds: 30,
    // a full audit walks every message: give it time before the supervisor takes it back
    expireInSeconds: 3600,
  },
  /** Prunes console sign-in attempts older than a week (the throttle reads only its window). */
  "system.prune-login-attempts": {
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    expireInSeconds: 120,
  },
  /** Prunes heartbeat rows of workers gone for a day. */
  "system.prune-heartbeats": {
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    expireInSeconds: 60,
  },
  /**
   * Every minute: reopens expired alert snoozes, flags stalled messages (ledger event + alert),
   * samples the stalled share per tenant and number (cohort alerts), raises orphan-age alerts.
   * Idempotent: a stall episode is flagged once, alerts dedupe while open.
   */
  "monitor.sweep": {
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 30,
    expireInSeconds: 300,
  },
  /** Retention of raw webhook bodies and inbox rows (WAYBILL_WEBHOOK_*_RETENTION_DAYS). */
  "ingest.prune-webhooks": {
    payload: z.object({}),
    retryLimit: 2,
    retryDelaySeconds: 300,
    expireInSeconds: 3600,
  },
  /** Forgets expired pair-limit pacing (131056) rows of the send pipeline. */
  "sending.prune-pair-pacing": {
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 300,
    expireInSeconds: 300,
  },
  /**
   * Runs an approved bulk retry or discard of dead letters (server/services/dead-letters/
   * bulk-actions.ts). Idempotent: each item acts with its own id as the operation id and records
   * its outcome, so a retried or duplicated job continues where the last one stopped.
   */
  "dead-letters.run-bulk": {
    payload: z.object({ bulkActionId: z.uuid() }),
    retryLimit: 3,
    retryDelaySeconds: 10,
    // up to 5,000 short transactions
    expireInSeconds: 1800,
  },
  /**
   * Reads every number's health from the Graph API (GET /{phone_number_id}, each sender's own
   * token, rate-limited), least recently read first, and records what differs as `sync` facts
   * (server/services/number-health/sync-health.ts). A run reads what is due and stops.
   */
  "number-health.sync": {
    payload: z.object({ tenantId: z.uuid().optional() }),
    retryLimit: 1,
    retryDelaySeconds: 60,
    // 200 reads at 2 per second, with room for slow answers
    expireInSeconds: 900,
  },
  /**
   * The drift audit of number health: re-derives every view from its history with the current
   * (or given) rules; with `apply`, rewrites drifted views, audited. Scheduled hourly with
   * `apply`, so a rules change or a migration's carried-over views are brought up to date without
   * holding up the worker's start (run `number-health:audit --apply` right after such a deploy).
   */
  "number-health.audit": {
    payload: z.object({
      tenantId: z.uuid().optional(),
      rulesVersion: z.number().int().positive().optional(),
      apply: z.boolean().default(false),
      requestedBy: z.string().min(1).default("schedule"),
      reason: z.string().max(500).optional(),
    }),
    retryLimit: 1,
    retryDelaySeconds: 60,
    expireInSeconds: 1800,
  },
} as const;

export type TJobName = keyof typeof JOB_CATALOG;
export type TJobPayload<N extends TJobName> = z.input<(typeof JOB_CATALOG)[N]["payload"]>;
export type TJobData<N extends TJobName> = z.output<(typeof JOB_CATALOG)[N]["payload"]>;

/** Recurring jobs (cron, UTC), with the payload each run gets. */
export const JOB_SCHEDULES: { name: TJobName; cron: string; data?: Record<string, unknown> }[] = [
  { name: "number-health.sync", cron: "*/5 * * * *" },
  { name: "number-health.audit", cron: "37 * * * *", data: { apply: true, requestedBy: "schedule" } },
  { name: "system.prune-heartbeats", cron: "17 * * * *" },
  { name: "system.prune-login-attempts", cron: "29 * * * *" },
  { name: "sending.prune-pair-pacing", cron: "41 * * * *" },
  { name: "monitor.sweep", cron: "* * * * *" },
  { name: "ingest.prune-webhooks", cron: "23 * * * *" },
];

export const JOB_NAMES = Object.keys(JOB_CATALOG) as TJobName[];
