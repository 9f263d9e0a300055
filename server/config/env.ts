// One validated environment schema per process (CONVENTIONS habit 1). process.env is read here
// and in the start scripts only; everything else takes configuration as arguments.
import { z } from "zod";
import { parseTrustedProxies } from "@/server/platform/client-ip";

const ZBase64Key32Schema = z.string().refine((v) => Buffer.from(v, "base64").length === 32, {
  message: "must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)",
});

const ZDatabaseUrlSchema = z
  .string({ error: "is required (a postgres:// connection string)" })
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
    message: "must be a postgres:// or postgresql:// URL",
  });

const ZBooleanFlagSchema = z.enum(["1", "0", "true", "false"]).transform((v) => v === "1" || v === "true");

const ZLogLevelSchema = z.enum(["debug", "info", "warn", "error"]).default("info");

/** Settings every process shares. */
export const ZCommonEnvSchema = z.object({
  DATABASE_URL: ZDatabaseUrlSchema,
  WAYBILL_ENCRYPTION_KEY: ZBase64Key32Schema,
  // previous keys, comma-separated, still accepted for decryption during a key rotation
  WAYBILL_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(ZBase64Key32Schema)),
  WAYBILL_DEMO: ZBooleanFlagSchema.default(false),
  LOG_LEVEL: ZLogLevelSchema,
});

// Webhook ingestion (README.md#configuration). The web process receives and stores.
const ZWebhookWebEnvShape = {
  // proxies (addresses, CIDR ranges; comma-separated) whose X-Forwarded-For is believed: the
  // client is the rightmost hop they did not append. Empty: the TCP peer is the client.
  WAYBILL_TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  // Meta app secrets, comma-separated: the first signs new deliveries, the others are still
  // accepted during a rotation (Meta signs with the app's current secret)
  WHATSAPP_APP_SECRET: z
    .string({ error: "is required (the Meta app secret; comma-separated during a rotation)" })
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().min(16, "each secret must be at least 16 characters"))
        .min(1, "must name at least one secret"),
    ),
  // the token Meta echoes in the GET subscription handshake
  WHATSAPP_VERIFY_TOKEN: z
    .string({ error: "is required (any secret string, also entered in Meta's App Dashboard)" })
    .min(8, "must be at least 8 characters"),
  // a POST body larger than this is refused with 413 (Meta's payloads stay under 3 MB)
  WAYBILL_WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  // connections of the webhook hot path's own pool (plain pg, not Prisma)
  WAYBILL_WEBHOOK_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // connections of the tenant API's send intake pool (plain pg, not Prisma)
  WAYBILL_API_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // a webhook whose insert has not committed within this answers 503 (Meta retries)
  WAYBILL_WEBHOOK_DB_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // group commit: concurrent webhooks' rows written by one statement, at most this many
  WAYBILL_WEBHOOK_GROUP_MAX_ROWS: z.coerce.number().int().min(1).max(5000).default(500),
  // bearer token for GET /api/metrics (Prometheus); unset: only engineer/admin sessions
  WAYBILL_METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
};

/**
 * The drain's defaults, by measurement (bench/process.ts, 1,000,000 statuses on 2 cores): a
 * batch's statements are fixed in number, so larger batches share them among more statuses, and
 * since a batch leaves a message another loop holds for later rather than waiting on it, a third
 * loop keeps both cores busy (200 x 2: 4,644 statuses/s; 500 x 3: 5,607).
 */
export const INGEST_DRAIN_DEFAULTS = { batchSize: 500, concurrency: 3 } as const;

// Webhook processing, monitoring and retention. The worker drains the inbox.
const ZIngestWorkerEnvShape = {
  // raw requests claimed and processed per transaction
  WAYBILL_INGEST_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(INGEST_DRAIN_DEFAULTS.batchSize),
  // concurrent drain loops in one worker process
  WAYBILL_INGEST_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(32)
    .default(INGEST_DRAIN_DEFAULTS.concurrency),
  // how often an idle drain loop looks for new rows (the lag bound when idle)
  WAYBILL_INGEST_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  // failed processing attempts before a request is marked failed (replayable)
  WAYBILL_INGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  // raw request bodies are pruned after this many days
  WAYBILL_WEBHOOK_BODY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // request-level dedupe facts (body hashes) are kept at least this long (Meta retries for 7 days)
  WAYBILL_WEBHOOK_DEDUPE_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(30),
  // orphan statuses waiting longer than this raise an alert per sender number
  WAYBILL_ORPHAN_ALERT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(15),
  // after this, an orphan is attached through biz_opaque_callback_data when no send response came
  WAYBILL_ORPHAN_MATCH_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  // the stalled-share cohort alert: at least this many stalled messages ...
  WAYBILL_STALL_COHORT_MIN_STALLED: z.coerce.number().int().min(1).default(5),
  // ... and a share at least this much (0..1) above the baseline of the last window
  WAYBILL_STALL_COHORT_JUMP: z.coerce.number().gt(0).max(1).default(0.2),
  WAYBILL_STALL_COHORT_BASELINE_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
  // the provider-error-rate alert (per tenant and number): at least this many refused send
  // requests (130429 throttling among them) in the window ...
  WAYBILL_PROVIDER_ERRORS_MIN_REJECTED: z.coerce.number().int().min(1).default(10),
  // ... and a rate of refusals at least this much (0..1) above the baseline window before it
  WAYBILL_PROVIDER_ERRORS_JUMP: z.coerce.number().gt(0).max(1).default(0.2),
  WAYBILL_PROVIDER_ERRORS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1_440).default(10),
  WAYBILL_PROVIDER_ERRORS_BASELINE_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
};

// Sending (README.md#configuration). The worker's dispatcher calls the Cloud API.
const ZSendingWorkerEnvShape = {
  // base URL of the Graph API; in demo mode `npm start` points it at the provider simulator
  WHATSAPP_GRAPH_API_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://graph.facebook.com" })
    .default("https://graph.facebook.com"),
  WHATSAPP_GRAPH_API_VERSION: z
    .string()
    .regex(/^v[0-9]+\.[0-9]+$/, "must look like v21.0")
    .default("v21.0"),
  // a send call with no complete answer within this is treated as in doubt (never blindly resent)
  WAYBILL_SEND_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  // sends in flight at once in one worker process: the send path waits on round trips more than on
  // CPU, and larger claims cost fewer statements per send (bench/RESULTS.md, "Send path")
  WAYBILL_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(96),
  // messages per second per sender number (Meta's default level is 80); lowered adaptively on 130429
  WAYBILL_SENDER_MAX_RATE: z.coerce.number().positive().max(10_000).default(80),
  // attempts per message, the first included, before a retryable failure is dead-lettered
  WAYBILL_SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  // exponential backoff of transient failures: base, doubling per attempt, capped; jittered
  WAYBILL_SEND_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  WAYBILL_SEND_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(900_000),
  // no retry is scheduled later than this after the request
  WAYBILL_SEND_RETRY_WINDOW_HOURS: z.coerce.number().positive().max(720).default(24),
  // a recipient rests this long after a pair-limit error (131056), doubled per repeat
  WAYBILL_PAIR_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(6_000),
  // after a timeout, wait this long for a webhook proving acceptance before resending; keep it
  // above WAYBILL_ORPHAN_MATCH_GRACE_SECONDS (ingestion attaches such webhooks only after that)
  WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(180),
  // a claimed send is taken back from a worker that has not finished it after this
  WAYBILL_SEND_LEASE_SECONDS: z.coerce.number().int().min(5).max(3_600).default(60),
  // how often an idle dispatcher looks for due work (new requests also wake it at once)
  WAYBILL_DISPATCH_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  // number-health sync (GET /{phone_number_id} with each sender's token): a number is read again
  // at most this often; at most this many numbers per run (every 5 minutes) and reads per second
  WAYBILL_HEALTH_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1_440).default(30),
  WAYBILL_HEALTH_SYNC_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
  WAYBILL_HEALTH_SYNC_PER_SECOND: z.coerce.number().positive().max(100).default(2),
};

// Outbound webhooks (tenant endpoints) and operator notifications. The worker delivers them.
const ZTriggersWorkerEnvShape = {
  // deliveries in flight at once in one worker process (each endpoint also has its own limit)
  WAYBILL_WEBHOOK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  // an attempt without a complete answer within this counts as failed (and is retried)
  WAYBILL_WEBHOOK_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  // how often an idle delivery loop looks for due work
  WAYBILL_WEBHOOK_DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  // an endpoint whose attempts all failed for this long is disabled, with an alert to its tenant
  WAYBILL_ENDPOINT_DISABLE_AFTER_HOURS: z.coerce.number().positive().max(720).default(72),
  // Waybill's public base URL, for the links in webhook payloads; unset: links are paths
  WAYBILL_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  // SMTP for operator email notifications (smtp://user:pass@host:port or smtps://...); unset: email channels wait
  WAYBILL_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  WAYBILL_SMTP_FROM: z.string().min(3).default("Waybill <waybill@localhost>"),
};

export const ZWebEnvSchema = ZCommonEnvSchema.extend({
  AUTH_SECRET: z
    .string({ error: "is required (32+ random characters; `openssl rand -base64 32`)" })
    .min(32, "must be at least 32 characters"),
  // failed logins allowed per account+IP inside the window before further attempts are refused
  WAYBILL_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  WAYBILL_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  // failures per account from all addresses in the window before every attempt on it is slowed
  // (never locked: at most 30 s between attempts)
  WAYBILL_LOGIN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().min(1).default(50),
  // a session ends this long after its sign-in however often it is used (it slides within 8 h)
  WAYBILL_SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().max(720).default(12),
  // a bulk retry or discard of more dead letters than this needs a second engineer's approval
  WAYBILL_BULK_APPROVAL_THRESHOLD: z.coerce.number().int().min(1).max(5000).default(20),
  ...ZWebhookWebEnvShape,
});

/** The dedicated ingest listener (`npm run ingest`): the webhook endpoint on plain node:http. */
export const ZIngestListenerEnvSchema = z.object({
  DATABASE_URL: ZDatabaseUrlSchema,
  LOG_LEVEL: ZLogLevelSchema,
  ...ZWebhookWebEnvShape,
  WAYBILL_INGEST_PORT: z.coerce.number().int().min(0).max(65_535).default(3100),
  WAYBILL_INGEST_HOST: z.string().min(1).default("127.0.0.1"),
  // on SIGTERM: stop accepting, answer what was received (after its commit), then exit; a
  // request still unanswered after this many seconds is dropped (Meta retries it)
  WAYBILL_INGEST_DRAIN_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
});

export const ZWorkerEnvSchema = ZCommonEnvSchema.extend({
  // a job whose worker died is handed out again after this many seconds
  WAYBILL_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  WAYBILL_WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  ...ZIngestWorkerEnvShape,
  ...ZSendingWorkerEnvShape,
  ...ZTriggersWorkerEnvShape,
}).superRefine((env, ctx) => {
  // sender access tokens travel in these requests: plain http only to the demo's simulator
  if (!env.WAYBILL_DEMO && env.WHATSAPP_GRAPH_API_URL.startsWith("http://")) {
    ctx.addIssue({
      code: "custom",
      path: ["WHATSAPP_GRAPH_API_URL"],
      message: "must be an https URL (plain http is allowed only with WAYBILL_DEMO=1, for the simulator)",
    });
  }
});

/** The provider simulator (server/providers/simulator), a fake Cloud API for demos and tests. */
export const ZSimulatorEnvSchema = z.object({
  WAYBILL_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  WAYBILL_SIMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  // where the simulator posts its signed status webhooks (Waybill's webhook route)
  WAYBILL_SIMULATOR_WEBHOOK_URL: z
    .url({ protocol: /^https?$/ })
    .default("http://127.0.0.1:3000/api/webhooks/whatsapp"),
  // the Meta app secret the webhooks are signed with (the first of a comma-separated list)
  WHATSAPP_APP_SECRET: z
    .string({ error: "is required (the same app secret Waybill's web process verifies with)" })
    .transform((v) => v.split(",")[0]!.trim())
    .pipe(z.string().min(16, "must be at least 16 characters")),
  // a JSON file of numbers and scenarios (server/providers/simulator/scenario.ts)
  WAYBILL_SIMULATOR_CONFIG: z.string().min(1).optional(),
  // makes the simulated outcomes repeatable
  WAYBILL_SIMULATOR_SEED: z.coerce.number().int().optional(),
  // demo traffic: "tenant=api key" pairs, comma-separated; unset: no traffic is generated
  WAYBILL_SIMULATOR_DEMO_API_KEYS: z.string().min(1).optional(),
  // Waybill's base URL for the demo traffic (its tenant REST API)
  WAYBILL_SIMULATOR_WAYBILL_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3000"),
  // demo traffic rate, messages per second over all tenants
  WAYBILL_SIMULATOR_DEMO_RATE: z.coerce.number().positive().max(1_000).default(1),
  LOG_LEVEL: ZLogLevelSchema,
});

export type TCommonEnv = z.infer<typeof ZCommonEnvSchema>;
export type TSimulatorEnv = z.infer<typeof ZSimulatorEnvSchema>;
export type TWebEnv = z.infer<typeof ZWebEnvSchema>;
export type TWorkerEnv = z.infer<typeof ZWorkerEnvSchema>;
export type TIngestListenerEnv = z.infer<typeof ZIngestListenerEnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "See README.md#configuration for every variable.",
    );
    this.name = "EnvError";
  }
}

/** Parses `source` with `schema`; throws an EnvError whose message names each bad variable. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  // empty strings count as unset, so `FOO=` in a shell behaves like a missing variable
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const message =
      issue.code === "invalid_type" && cleaned[name] === undefined
        ? issue.message.startsWith("Invalid input")
          ? "is required"
          : issue.message
        : issue.message;
    return `${name} ${message}`;
  });
  throw new EnvError(problems);
}
