// The simulator's configuration: the numbers it knows (for webhook metadata) and scenarios,
// the knobs that decide how a send to a number or recipient behaves. Loaded from a JSON file
// (WAYBILL_SIMULATOR_CONFIG) and changed at run time through the admin API.
import { z } from "zod";

const ZProbabilitySchema = z.number().min(0).max(1);
const ZRangeSchema = z
  .object({ min: z.number().min(0), max: z.number().min(0) })
  .refine((r) => r.min <= r.max, "min must not exceed max");

export const OUTAGE_MODES = ["unavailable", "errors", "timeout", "webhooks_down"] as const;
export type TOutageMode = (typeof OUTAGE_MODES)[number];

export const ZScenarioSchema = z.object({
  /** Time the send endpoint takes to answer. */
  latencyMs: ZRangeSchema,
  /** Final status mix of accepted messages (weights, normalised). */
  outcomes: z.object({
    read: z.number().min(0),
    delivered: z.number().min(0),
    sent: z.number().min(0),
    failed: z.number().min(0),
  }),
  /** Error codes a `failed` status webhook carries, picked at random. */
  asyncFailureCodes: z.array(z.number().int()).min(1),
  /** Errors the send endpoint answers with instead of accepting, each with its probability. */
  syncErrors: z.array(z.object({ code: z.number().int(), rate: ZProbabilitySchema })),
  /** Delays after acceptance: sent; then delivered after sent; then read after delivered. */
  statusDelayMs: z.object({ sent: ZRangeSchema, delivered: ZRangeSchema, read: ZRangeSchema }),
  /** Meta skips `delivered` when delivery and read happen together. */
  readWithoutDeliveredRate: ZProbabilitySchema,
  /** Status webhooks posted twice (at-least-once delivery). */
  duplicateRate: ZProbabilitySchema,
  /** Messages whose status webhooks arrive in a shuffled order (timestamps stay true). */
  reorderRate: ZProbabilitySchema,
  /** Status webhooks never posted. */
  dropRate: ZProbabilitySchema,
  /** Extra delay before status webhooks are posted. */
  webhookDelayMs: ZRangeSchema,
  /** Messages per second the number may send; above it: 130429. null: unlimited. */
  rateLimitPerSecond: z.number().positive().nullable(),
  /** Per (number, recipient): a burst, then one message per `perMs`; above it: 131056. */
  pairLimit: z.object({ burst: z.number().int().min(1), perMs: z.number().int().min(1) }).nullable(),
  /** Answer every send with 190 (the token is invalid). */
  invalidToken: z.boolean(),
  /**
   * Template messages opened inside a free entry point window (a click-to-WhatsApp ad or a
   * Page's call to action, 72 hours): priced `free_entry_point`, not billable.
   */
  freeEntryPointRate: ZProbabilitySchema,
  /** The message is accepted (webhooks follow) but the HTTP answer never comes: an in-doubt attempt. */
  acceptThenHangRate: ZProbabilitySchema,
  /**
   * Template pacing: the `message_status` a template send is answered with. Held or paused, Meta
   * keeps the message (no status webhook follows while the scenario holds it).
   */
  templateMessageStatus: z.enum(["accepted", "held_for_quality_assessment", "paused"]),
});
export type TScenario = z.infer<typeof ZScenarioSchema>;

/** A scenario patch: any knob, and any of the three status delays on its own. */
export const ZScenarioPatchSchema = ZScenarioSchema.extend({
  statusDelayMs: ZScenarioSchema.shape.statusDelayMs.partial(),
}).partial();
export type TScenarioPatch = z.infer<typeof ZScenarioPatchSchema>;

export const DEFAULT_SCENARIO: TScenario = {
  latencyMs: { min: 20, max: 90 },
  outcomes: { read: 0.6, delivered: 0.28, sent: 0.1, failed: 0.02 },
  asyncFailureCodes: [131026],
  syncErrors: [],
  statusDelayMs: {
    sent: { min: 100, max: 600 },
    delivered: { min: 200, max: 1_500 },
    read: { min: 1_000, max: 6_000 },
  },
  readWithoutDeliveredRate: 0.1,
  duplicateRate: 0.02,
  reorderRate: 0.05,
  dropRate: 0,
  webhookDelayMs: { min: 0, max: 200 },
  rateLimitPerSecond: 80,
  pairLimit: { burst: 45, perMs: 6_000 },
  invalidToken: false,
  freeEntryPointRate: 0.05,
  acceptThenHangRate: 0,
  templateMessageStatus: "accepted",
};

export const ZScenarioRuleSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  match: z
    .object({
      phoneNumberId: z.string().min(1).optional(),
      /** E.164 digits; `*` matches any digits ("1555000*"). */
      recipient: z.string().min(1).optional(),
    })
    .default({}),
  scenario: ZScenarioPatchSchema,
});
export type TScenarioRule = z.infer<typeof ZScenarioRuleSchema>;

/**
 * What GET /{phone_number_id} answers for a number (reference 3.3): its health as Meta reports
 * it. Changed at run time (POST /_admin/numbers/{id}/profile) so a test or an operator can move
 * a number's quality, status, limit or throughput and watch the sync pick it up.
 */
export const ZNumberProfileSchema = z.object({
  quality_rating: z.string().min(1),
  status: z.string().min(1),
  throughput_level: z.string().min(1),
  /** whatsapp_business_manager_messaging_limit (and the deprecated messaging_limit_tier) */
  messaging_limit: z.string().min(1),
  name_status: z.string().min(1),
  verified_name: z.string().min(1),
  code_verification_status: z.string().min(1),
  /** a coexistence number, shared with the WhatsApp Business app (fixed at 20 messages/s) */
  is_on_biz_app: z.boolean(),
  /** answer the read with this Graph error code instead (190: token invalid, 100: no such object) */
  read_error_code: z.number().int().nullable(),
});
export type TNumberProfile = z.infer<typeof ZNumberProfileSchema>;
export const ZNumberProfilePatchSchema = ZNumberProfileSchema.partial();

export const DEFAULT_NUMBER_PROFILE: TNumberProfile = {
  quality_rating: "GREEN",
  status: "CONNECTED",
  throughput_level: "STANDARD",
  messaging_limit: "TIER_1K",
  name_status: "APPROVED",
  verified_name: "Waybill Demo",
  code_verification_status: "VERIFIED",
  is_on_biz_app: false,
  read_error_code: null,
};

export const ZSimulatorNumberSchema = z.object({
  wabaId: z.string().min(1),
  /** As Meta writes it in webhook metadata: digits, no "+". */
  displayPhoneNumber: z.string().min(1),
  /** When set, a send with another Bearer token is answered with 190. */
  accessToken: z.string().min(1).optional(),
  /** The number's health as GET /{phone_number_id} reports it; DEFAULT_NUMBER_PROFILE fills the rest. */
  profile: ZNumberProfilePatchSchema.optional(),
});

export const ZQualityEventSchema = z.object({
  event: z.string().min(1),
  currentLimit: z.string().optional(),
  oldLimit: z.string().optional(),
});

export const ZSimulatorConfigSchema = z.object({
  numbers: z.record(z.string(), ZSimulatorNumberSchema).default({}),
  defaults: ZScenarioPatchSchema.default({}),
  /** Applied in order over the defaults; later rules win. */
  rules: z.array(ZScenarioRuleSchema).default([]),
  /** A "Meta outage": every send fails this way until switched off. */
  outage: z.enum(OUTAGE_MODES).nullable().default(null),
  /** Numbers not listed in `numbers` get Graph's "Unsupported post request" error. */
  rejectUnknownNumbers: z.boolean().default(false),
  webhooks: z
    .object({
      batchWindowMs: z.number().int().min(1).default(250),
      maxStatusesPerPost: z.number().int().min(1).default(25),
      /** How often a POST carries more than one WABA's entries. */
      multiEntryRate: ZProbabilitySchema.default(0.2),
      /** Re-deliveries of a POST answered with anything but 200 (Meta retries for days). */
      retries: z.number().int().min(0).default(8),
      retryBaseMs: z.number().int().min(1).default(1_000),
    })
    .default({
      batchWindowMs: 250,
      maxStatusesPerPost: 25,
      multiEntryRate: 0.2,
      retries: 8,
      retryBaseMs: 1_000,
    }),
  /** Periodic phone_number_quality_update webhooks (the demo's quality downgrades). */
  qualitySchedules: z
    .array(
      z.object({
        phoneNumberId: z.string().min(1),
        everySeconds: z.number().positive(),
        events: z.array(ZQualityEventSchema).min(1),
      }),
    )
    .default([]),
});
export type TSimulatorConfig = z.infer<typeof ZSimulatorConfigSchema>;

/** The scenario of one send: built-in defaults, then config defaults, then matching rules. */
export function resolveScenario(
  config: TSimulatorConfig,
  phoneNumberId: string,
  recipient: string,
): TScenario {
  let scenario = mergeScenario(DEFAULT_SCENARIO, config.defaults);
  for (const rule of config.rules) {
    if (rule.match.phoneNumberId !== undefined && rule.match.phoneNumberId !== phoneNumberId) continue;
    if (rule.match.recipient !== undefined && !matchesPattern(rule.match.recipient, recipient)) continue;
    scenario = mergeScenario(scenario, rule.scenario);
  }
  return scenario;
}

export function mergeScenario(base: TScenario, patch: TScenarioPatch): TScenario {
  return {
    ...base,
    ...stripUndefined(patch),
    statusDelayMs: { ...base.statusDelayMs, ...(patch.statusDelayMs ?? {}) },
  };
}

export function matchesPattern(pattern: string, recipient: string): boolean {
  const digits = recipient.replace(/^\+/, "");
  const normalized = pattern.replace(/^\+/, "");
  const regex = new RegExp(`^${normalized.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return regex.test(digits);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
