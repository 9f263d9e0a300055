// One validated environment schema per process (CONVENTIONS habit 1). process.env is read here
// and in the start scripts only; everything else takes configuration as arguments.
import { z } from "zod";

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

export const ZWebEnvSchema = ZCommonEnvSchema.extend({
  AUTH_SECRET: z
    .string({ error: "is required (32+ random characters; `openssl rand -base64 32`)" })
    .min(32, "must be at least 32 characters"),
  // failed logins allowed per account+IP inside the window before further attempts are refused
  WAYBILL_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  WAYBILL_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
});

export const ZWorkerEnvSchema = ZCommonEnvSchema.extend({
  // a job whose worker died is handed out again after this many seconds
  WAYBILL_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  WAYBILL_WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
});

export type TCommonEnv = z.infer<typeof ZCommonEnvSchema>;
export type TWebEnv = z.infer<typeof ZWebEnvSchema>;
export type TWorkerEnv = z.infer<typeof ZWorkerEnvSchema>;

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
