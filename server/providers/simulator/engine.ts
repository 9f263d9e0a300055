// The simulator's behaviour, apart from HTTP: a send request in, Meta's answer out (after the
// scenario's latency), and the status webhooks that follow handed to the outbox.
import crypto from "node:crypto";
import type { TLogger } from "@/server/platform/logger";
import type { TGraphPhoneNumber, TWebhookChange } from "../whatsapp-cloud/wire";
import {
  errorForCode,
  graphError,
  invalidTokenError,
  makeWamid,
  sendSuccess,
  unknownObjectError,
  validateSendBody,
  type TGraphAnswer,
} from "./graph-responses";
import {
  DEFAULT_NUMBER_PROFILE,
  resolveScenario,
  ZSimulatorConfigSchema,
  type TNumberProfile,
  type TOutageMode,
  type TScenarioRule,
  type TSimulatorConfig,
} from "./scenario";
import { between, pickPricingType, planStatuses } from "./status-plan";
import type { TWebhookOutbox } from "./webhook-outbox";

export type TSendCall = {
  phoneNumberId: string;
  authorization: string | null;
  body: unknown;
};

/** `hang`: never answer (the client times out). */
export type TSendAnswer =
  { kind: "answer"; answer: TGraphAnswer; latencyMs: number } | { kind: "hang"; latencyMs: number };

export type TReadCall = {
  phoneNumberId: string;
  authorization: string | null;
  /** ?fields=a,b (empty: Graph's default fields) */
  fields: string[];
};

// what Graph answers when no fields are asked for
const DEFAULT_READ_FIELDS = [
  "verified_name",
  "code_verification_status",
  "display_phone_number",
  "quality_rating",
  "platform_type",
  "throughput",
];

export type TAcceptedSend = {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  callbackData: string | null;
  body: unknown;
  acceptedAt: string;
};

type TNumberStats = { requests: number; accepted: number; errors: Record<string, number>; hung: number };

const SENT_LOG_LIMIT = 20_000;

export function createSimulatorEngine(options: {
  config: TSimulatorConfig;
  outbox: TWebhookOutbox;
  random: () => number;
  now: () => number;
  log: TLogger;
}) {
  let config = options.config;
  const { random, now, outbox } = options;
  // sends per number in the last second (throughput), and pair buckets (pair rate limit)
  const windows = new Map<string, number[]>();
  const pairBuckets = new Map<string, { tokens: number; at: number }>();
  let sentLog: TAcceptedSend[] = [];
  let perNumber = new Map<string, TNumberStats>();
  let ruleCounter = 0;

  const statsFor = (phoneNumberId: string): TNumberStats => {
    let stats = perNumber.get(phoneNumberId);
    if (!stats) {
      stats = { requests: 0, accepted: 0, errors: {}, hung: 0 };
      perNumber.set(phoneNumberId, stats);
    }
    return stats;
  };

  const fail = (stats: TNumberStats, answer: TGraphAnswer, latencyMs: number): TSendAnswer => {
    const body = answer.body as { error?: { code?: unknown } };
    const code = body.error ? String(body.error.code) : "unknown";
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
    return { kind: "answer", answer, latencyMs };
  };

  const isOverRate = (phoneNumberId: string, limit: number | null, at: number): boolean => {
    const window = (windows.get(phoneNumberId) ?? []).filter((t) => t > at - 1_000);
    windows.set(phoneNumberId, window);
    if (limit !== null && window.length >= limit) return true;
    window.push(at);
    return false;
  };

  const isOverPairLimit = (
    key: string,
    limit: { burst: number; perMs: number } | null,
    at: number,
  ): boolean => {
    if (limit === null) return false;
    const bucket = pairBuckets.get(key) ?? { tokens: limit.burst, at };
    const tokens = Math.min(limit.burst, bucket.tokens + (at - bucket.at) / limit.perMs);
    if (tokens < 1) {
      pairBuckets.set(key, { tokens, at });
      return true;
    }
    pairBuckets.set(key, { tokens: tokens - 1, at });
    return false;
  };

  const profileOf = (phoneNumberId: string): TNumberProfile => ({
    ...DEFAULT_NUMBER_PROFILE,
    ...config.numbers[phoneNumberId]?.profile,
  });

  return {
    handleSend(call: TSendCall): TSendAnswer {
      const stats = statsFor(call.phoneNumberId);
      stats.requests += 1;
      const at = now();
      const outage = config.outage;
      if (outage === "timeout") {
        stats.hung += 1;
        return { kind: "hang", latencyMs: 0 };
      }
      if (outage === "unavailable") {
        return fail(
          stats,
          graphError(random, 503, {
            message: "(#2) Service temporarily unavailable",
            code: 2,
            is_transient: true,
          }),
          between({ min: 5, max: 30 }, random),
        );
      }
      if (outage === "errors")
        return fail(stats, errorForCode(random, 131000), between({ min: 50, max: 300 }, random));

      const known = config.numbers[call.phoneNumberId];
      const token = /^Bearer\s+(\S+)$/i.exec(call.authorization ?? "")?.[1] ?? null;
      if (token === null) return fail(stats, invalidTokenError(random, true), 5);
      if (!known && config.rejectUnknownNumbers)
        return fail(stats, unknownObjectError(random, call.phoneNumberId), 10);
      if (known?.accessToken !== undefined && known.accessToken !== token) {
        return fail(stats, invalidTokenError(random, false), 10);
      }

      const validated = validateSendBody(random, call.body);
      if (!validated.ok) return fail(stats, validated.answer, 10);
      const send = validated.value;
      const scenario = resolveScenario(config, call.phoneNumberId, send.to);
      const latencyMs = between(scenario.latencyMs, random);
      if (scenario.invalidToken) return fail(stats, invalidTokenError(random, false), latencyMs);
      if (isOverRate(call.phoneNumberId, scenario.rateLimitPerSecond, at)) {
        return fail(
          stats,
          errorForCode(random, 130429, "Cloud API message throughput has been reached."),
          latencyMs,
        );
      }
      if (isOverPairLimit(`${call.phoneNumberId}/${send.to}`, scenario.pairLimit, at)) {
        return fail(
          stats,
          errorForCode(
            random,
            131056,
            "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
          ),
          latencyMs,
        );
      }
      for (const syncError of scenario.syncErrors) {
        if (random() < syncError.rate) return fail(stats, errorForCode(random, syncError.code), latencyMs);
      }

      const wamid = makeWamid(send.to, random);
      stats.accepted += 1;
      sentLog.push({
        wamid,
        phoneNumberId: call.phoneNumberId,
        to: send.to,
        type: send.type,
        callbackData: send.callbackData,
        body: call.body,
        acceptedAt: new Date(at).toISOString(),
      });
      if (sentLog.length > SENT_LOG_LIMIT) sentLog = sentLog.slice(-SENT_LOG_LIMIT);
      const category = send.type === "template" ? templateCategory(send.templateName) : "service";
      // a template Meta holds (pacing) gets no status webhook while it is held
      const isPaced = send.type === "template" && scenario.templateMessageStatus !== "accepted";
      const planned = isPaced
        ? []
        : planStatuses(
            {
              wamid,
              recipient: send.to,
              callbackData: send.callbackData,
              category,
              // drawn from the wamid, not the shared random source: a seeded run's other
              // outcomes and delays stay what they were
              pricingType: pickPricingType(category, scenario, () => unitOf(wamid)),
              acceptedAt: at + latencyMs,
            },
            scenario,
            random,
          );
      for (const item of planned) {
        outbox.addStatus({
          wabaId: known?.wabaId ?? `waba-of-${call.phoneNumberId}`,
          phoneNumberId: call.phoneNumberId,
          displayPhoneNumber: known?.displayPhoneNumber ?? call.phoneNumberId,
          status: item.status,
          deliverAt: item.deliverAt,
        });
      }
      if (random() < scenario.acceptThenHangRate) {
        stats.hung += 1;
        return { kind: "hang", latencyMs };
      }
      return {
        kind: "answer",
        answer: sendSuccess(send.input, wamid, send.type === "template", scenario.templateMessageStatus),
        latencyMs,
      };
    },

    /** GET /{phone_number_id}: the number's health, with the same token checks as a send. */
    handleRead(call: TReadCall): TGraphAnswer {
      const outage = config.outage;
      if (outage === "unavailable" || outage === "timeout" || outage === "errors") {
        return graphError(random, 503, {
          message: "(#2) Service temporarily unavailable",
          code: 2,
          is_transient: true,
        });
      }
      const known = config.numbers[call.phoneNumberId];
      const token = /^Bearer\s+(\S+)$/i.exec(call.authorization ?? "")?.[1] ?? null;
      if (token === null) return invalidTokenError(random, true);
      if (!known) return unknownObjectError(random, call.phoneNumberId, "get");
      if (known.accessToken !== undefined && known.accessToken !== token)
        return invalidTokenError(random, false);
      const profile = profileOf(call.phoneNumberId);
      if (profile.read_error_code !== null) {
        return profile.read_error_code === 190
          ? invalidTokenError(random, false)
          : errorForCode(random, profile.read_error_code);
      }
      const all: Record<string, unknown> = {
        id: call.phoneNumberId,
        display_phone_number: known.displayPhoneNumber,
        verified_name: profile.verified_name,
        quality_rating: profile.quality_rating,
        status: profile.status,
        throughput: { level: profile.throughput_level },
        is_on_biz_app: profile.is_on_biz_app,
        messaging_limit_tier: profile.messaging_limit,
        whatsapp_business_manager_messaging_limit: profile.messaging_limit,
        name_status: profile.name_status,
        code_verification_status: profile.code_verification_status,
        platform_type: "CLOUD_API",
      };
      const wanted = call.fields.length > 0 ? call.fields : DEFAULT_READ_FIELDS;
      const body: Record<string, unknown> = { id: call.phoneNumberId };
      for (const field of wanted) if (field in all) body[field] = all[field];
      return { status: 200, body: body as TGraphPhoneNumber };
    },

    /** The number's health as reads report it. */
    profile: (phoneNumberId: string): TNumberProfile => profileOf(phoneNumberId),
    /** Changes what reads of the number report (a quality drop, a new limit, a revoked token...). */
    setProfile(phoneNumberId: string, patch: Partial<TNumberProfile>): TNumberProfile {
      const known = config.numbers[phoneNumberId];
      if (!known) throw new Error(`unknown number ${phoneNumberId}: add it to the config's numbers first`);
      const profile = { ...known.profile, ...patch };
      config = { ...config, numbers: { ...config.numbers, [phoneNumberId]: { ...known, profile } } };
      return profileOf(phoneNumberId);
    },

    /** A phone_number_quality_update webhook for a number (a quality downgrade, a flag...). */
    emitQualityUpdate(input: {
      phoneNumberId: string;
      event: string;
      currentLimit?: string;
      oldLimit?: string;
    }) {
      const known = config.numbers[input.phoneNumberId];
      if (!known)
        throw new Error(`unknown number ${input.phoneNumberId}: add it to the config's numbers first`);
      const change: TWebhookChange = {
        field: "phone_number_quality_update",
        value: {
          display_phone_number: known.displayPhoneNumber,
          event: input.event,
          ...(input.currentLimit
            ? { current_limit: input.currentLimit, max_daily_conversations_per_business: input.currentLimit }
            : {}),
          ...(input.oldLimit ? { old_limit: input.oldLimit } : {}),
        },
      };
      outbox.addChange(known.wabaId, change, now());
      // Meta's own read of the number reports the limit its webhook announced; without this a
      // later sync (GET /{phone_number_id}) would put the limit back to the profile's
      if (input.currentLimit) {
        const profile = { ...known.profile, messaging_limit: input.currentLimit };
        config = { ...config, numbers: { ...config.numbers, [input.phoneNumberId]: { ...known, profile } } };
      }
    },

    /** A user_preferences webhook: the user stopped (or resumed) marketing messages from a number. */
    emitUserPreference(input: { phoneNumberId: string; waId: string; value: "stop" | "resume" }) {
      const known = config.numbers[input.phoneNumberId];
      if (!known)
        throw new Error(`unknown number ${input.phoneNumberId}: add it to the config's numbers first`);
      const change: TWebhookChange = {
        field: "user_preferences",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: known.displayPhoneNumber, phone_number_id: input.phoneNumberId },
          contacts: [{ profile: { name: "Simulated user" }, wa_id: input.waId }],
          user_preferences: [
            {
              wa_id: input.waId,
              detail:
                input.value === "stop"
                  ? "User requested to stop marketing messages"
                  : "User requested to resume marketing messages",
              category: "marketing_messages",
              value: input.value,
              timestamp: Math.floor(now() / 1000),
            },
          ],
        },
      };
      outbox.addChange(known.wabaId, change, now());
    },

    /**
     * Statuses of a message this simulator's caller never sent (another app on the same WABA, or
     * WhatsApp Manager): a fresh wamid, no callback data. Returns the wamid.
     */
    emitForeignStatuses(input: {
      phoneNumberId: string;
      to: string;
      statuses?: ("sent" | "delivered" | "read")[];
    }) {
      const known = config.numbers[input.phoneNumberId];
      const wamid = makeWamid(input.to, random);
      const at = now();
      for (const [i, status] of (input.statuses ?? ["sent", "delivered"]).entries()) {
        outbox.addStatus({
          wabaId: known?.wabaId ?? `waba-of-${input.phoneNumberId}`,
          phoneNumberId: input.phoneNumberId,
          displayPhoneNumber: known?.displayPhoneNumber ?? input.phoneNumberId,
          status: {
            id: wamid,
            status,
            timestamp: String(Math.floor((at + i * 1000) / 1000)),
            recipient_id: input.to,
          },
          deliverAt: at + i * 1000,
        });
      }
      return wamid;
    },

    config: () => config,
    setConfig(next: unknown) {
      config = ZSimulatorConfigSchema.parse(next);
    },
    setOutage(mode: TOutageMode | null) {
      config = { ...config, outage: mode };
    },
    addRule(rule: TScenarioRule): string {
      ruleCounter += 1;
      const id = rule.id ?? `rule-${ruleCounter}`;
      config = { ...config, rules: [...config.rules.filter((r) => r.id !== id), { ...rule, id }] };
      return id;
    },
    removeRule(id: string): boolean {
      const before = config.rules.length;
      config = { ...config, rules: config.rules.filter((r) => r.id !== id) };
      return config.rules.length < before;
    },
    addNumber(phoneNumberId: string, number: TSimulatorConfig["numbers"][string]) {
      config = { ...config, numbers: { ...config.numbers, [phoneNumberId]: number } };
    },
    sent(filter: { phoneNumberId?: string; callbackData?: string; limit?: number }): TAcceptedSend[] {
      const matching = sentLog.filter(
        (s) =>
          (filter.phoneNumberId === undefined || s.phoneNumberId === filter.phoneNumberId) &&
          // a message id matches every attempt's callback data (`<id>:<attempt>`)
          (filter.callbackData === undefined ||
            s.callbackData === filter.callbackData ||
            (s.callbackData ?? "").startsWith(`${filter.callbackData}:`)),
      );
      return matching.slice(-(filter.limit ?? 1_000));
    },
    stats() {
      return { numbers: Object.fromEntries(perNumber), webhooks: outbox.stats(), outage: config.outage };
    },
    reset() {
      windows.clear();
      pairBuckets.clear();
      sentLog = [];
      perNumber = new Map();
      outbox.clear();
    },
  };
}

export type TSimulatorEngine = ReturnType<typeof createSimulatorEngine>;

/** Pricing category of a template send, guessed from its name (a simulator has no template store). */
function templateCategory(name: string | null): string {
  if (name === null) return "utility";
  if (/promo|offer|sale|newsletter|campaign/.test(name)) return "marketing";
  if (/otp|code|verify|login/.test(name)) return "authentication";
  return "utility";
}

/** A stable number in [0, 1) from a string. */
function unitOf(text: string): number {
  return crypto.createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
}
