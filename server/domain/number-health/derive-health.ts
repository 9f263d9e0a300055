// A number's current health, derived from its history the way a message's state is derived from
// its ledger: each fact asserts values for some aspects (quality, flag, restrictions...), facts
// are taken in a fixed order (Meta's time, then when we recorded them, then id) and the latest
// assertion of each aspect wins. Replays and reordered deliveries therefore change nothing, and a
// stored view can always be checked against a fresh derivation (the drift audit). The rules are
// versioned: a change of meaning is a new version, and the audit says what it would change.
import { enumWords, restrictionLabel } from "./labels";
import {
  emptyHealth,
  MESSAGING_TIERS,
  QUALITY_RATINGS,
  type TAsOf,
  type TBanState,
  type TConnectionState,
  type THealthFact,
  type TMessagingTier,
  type TNumberHealth,
  type TOverride,
  type TQualityRating,
  type TRestriction,
} from "./health-model";

type TAspects = Omit<TNumberHealth, "rulesVersion" | "factCount" | "lastFactId">;
type TWithoutAsOf<T> = T extends null ? never : Omit<T, keyof TAsOf>;
/** What one fact says: for each aspect it speaks to, the new value (null clears the aspect). */
export type TAssertions = { [K in keyof TAspects]?: TWithoutAsOf<TAspects[K]> | null };

export type THealthRules = { version: number; assert: (fact: THealthFact) => TAssertions };

type TJson = Record<string, unknown>;
const obj = (v: unknown): TJson =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as TJson) : {};
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** An integer limit from Meta (a number or a numeric string), else null. */
function int(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

/** Meta's timestamps arrive as epoch seconds (number or string) or ISO text. */
export function toEpochMs(v: unknown): number | null {
  const n = int(v);
  if (n !== null) return n > 1e11 ? n : n * 1000;
  const s = str(v);
  if (s === null) return null;
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? null : parsed;
}

export function toTier(v: unknown): TMessagingTier | null {
  const s = str(v);
  if (s === null) return null;
  if (s === "TIER_NOT_SET") return s;
  return (MESSAGING_TIERS as readonly string[]).includes(s) ? (s as TMessagingTier) : null;
}

function toQuality(v: unknown): TQualityRating | null {
  const s = str(v);
  return s !== null && (QUALITY_RATINGS as readonly string[]).includes(s) ? (s as TQualityRating) : null;
}

function limitAssertion(reported: unknown): TAssertions["messagingLimit"] | undefined {
  const text = str(reported);
  return text === null ? undefined : { tier: toTier(text), reported: text };
}

function restrictionsOf(value: TJson): TRestriction[] {
  const info = value.restriction_info;
  // Meta names what is restricted; an event without the list still restricts something
  if (!Array.isArray(info)) return [{ type: "UNSPECIFIED", expiresAtMs: null }];
  return info.map((entry) => {
    const item = obj(entry);
    return {
      type: str(item.restriction_type) ?? "UNSPECIFIED",
      expiresAtMs: toEpochMs(item.expiration),
    };
  });
}

const BAN_STATES_BY_META: Record<string, TBanState> = {
  DISABLE: "DISABLED",
  SCHEDULE_FOR_DISABLE: "SCHEDULED_FOR_DISABLE",
  REINSTATE: "NONE",
};

/** The `status` of the phone-number object (GET /{phone_number_id}) as a connection state. */
function connectionOfStatus(status: string): TConnectionState {
  switch (status) {
    case "CONNECTED":
    case "FLAGGED":
    case "RESTRICTED":
    case "RATE_LIMITED":
      return "CONNECTED";
    case "PENDING":
    case "UNVERIFIED":
      return "PENDING";
    case "DISCONNECTED":
    case "MIGRATED":
      return "DISCONNECTED";
    case "DELETED":
      return "DELETED";
    case "OFFLINE":
      return "OFFLINE";
    default:
      return "UNKNOWN";
  }
}

function webhookAssertions(fact: THealthFact, value: TJson): TAssertions {
  const event = fact.event ?? str(value.event);
  switch (fact.field) {
    case "phone_number_quality_update": {
      const out: TAssertions = {};
      // max_daily_conversations_per_business replaces current_limit (February 2026)
      const limit = limitAssertion(value.max_daily_conversations_per_business ?? value.current_limit);
      if (limit) out.messagingLimit = limit;
      if (event === "FLAGGED") {
        // Meta flags a number whose quality fell to low; the rating itself is not in the payload
        out.flag = { state: "FLAGGED" };
        out.quality = { rating: "RED" };
      } else if (event === "UNFLAGGED") {
        // quality recovered, to a rating Meta does not give: the last reported one stays, dated
        out.flag = { state: "UNFLAGGED" };
      } else if (event === "THROUGHPUT_UPGRADE") {
        out.throughput = { level: "HIGH" };
      }
      return out;
    }
    case "account_update": {
      const accountEvent = event ?? "";
      switch (accountEvent) {
        case "ACCOUNT_RESTRICTION":
          return { restrictions: { list: restrictionsOf(value) } };
        case "DISABLED_UPDATE": {
          const ban = obj(value.ban_info);
          const state = BAN_STATES_BY_META[str(ban.waba_ban_state) ?? ""];
          return state ? { ban: { state, dateMs: toEpochMs(ban.waba_ban_date) } } : {};
        }
        case "ACCOUNT_DELETED":
          return { connection: { state: "DELETED", reported: accountEvent } };
        case "ACCOUNT_OFFBOARDED":
          return { connection: { state: "DISCONNECTED", reported: accountEvent } };
        case "ACCOUNT_RECONNECTED":
          return { connection: { state: "CONNECTED", reported: accountEvent } };
        case "VERIFIED_ACCOUNT":
          return { verification: { status: "VERIFIED" } };
        default:
          // ACCOUNT_VIOLATION, partner and pricing events: history only
          return {};
      }
    }
    case "business_capability_update": {
      const perDay = int(
        value.max_daily_conversations_per_business ?? value.max_daily_conversation_per_phone,
      );
      return perDay === null ? {} : { portfolioLimit: { perDay } };
    }
    case "phone_number_name_update": {
      const decision = str(value.decision) ?? event;
      return decision === null
        ? {}
        : { nameStatus: { status: decision, name: str(value.requested_verified_name) } };
    }
    default:
      return {};
  }
}

/** A sync fact holds only the fields of GET /{phone_number_id} that differed from the view. */
function syncAssertions(value: TJson): TAssertions {
  const out: TAssertions = { lastSync: { ok: true, error: null }, token: { state: "VALID", detail: null } };
  const quality = toQuality(value.quality_rating);
  if (quality) out.quality = { rating: quality };
  const status = str(value.status);
  if (status !== null) {
    if (status === "BANNED") out.ban = { state: "BANNED", dateMs: null };
    else out.connection = { state: connectionOfStatus(status), reported: status };
    if (status === "FLAGGED") out.flag = { state: "FLAGGED" };
  }
  const level = str(obj(value.throughput).level);
  if (level === "STANDARD" || level === "HIGH") out.throughput = { level };
  // coexistence numbers (shared with the WhatsApp Business app) are fixed at 20/s
  if (value.is_on_biz_app === true) out.throughput = { level: "COEXISTENCE" };
  const limit = limitAssertion(
    str(obj(value.whatsapp_business_manager_messaging_limit).current_limit) ??
      value.whatsapp_business_manager_messaging_limit ??
      value.messaging_limit_tier,
  );
  if (limit) out.messagingLimit = limit;
  const nameStatus = str(value.name_status);
  if (nameStatus !== null) out.nameStatus = { status: nameStatus, name: str(value.verified_name) };
  const verification = str(value.code_verification_status);
  if (verification !== null) out.verification = { status: verification };
  return out;
}

function syncFailureAssertions(value: TJson): TAssertions {
  const error = obj(value.error);
  const code = int(error.code);
  const message = str(error.message) ?? str(value.message) ?? "sync failed";
  const text = code === null ? message : `${code}: ${message}`;
  const out: TAssertions = { lastSync: { ok: false, error: text } };
  // 190: the access token expired or was revoked; nothing can be sent with it
  if (code === 190) out.token = { state: "INVALID", detail: text };
  return out;
}

function overrideAssertions(fact: THealthFact, value: TJson): TAssertions {
  const mode = str(value.mode);
  if (mode === "clear") return { override: null };
  const expiresAtMs = toEpochMs(value.expiresAt);
  if ((mode !== "hold" && mode !== "send") || expiresAtMs === null) return {};
  const override: TOverride = {
    mode,
    reason: str(value.reason) ?? "",
    actor: str(value.actor) ?? fact.source,
    expiresAtMs,
  };
  return { override };
}

/** The state a number had before facts were kept (the old status, quality and tier columns). */
function baselineAssertions(value: TJson): TAssertions {
  const out: TAssertions = {};
  const quality = toQuality(value.qualityRating);
  if (quality && quality !== "UNKNOWN") out.quality = { rating: quality };
  const limit = limitAssertion(value.messagingLimitTier === "UNKNOWN" ? null : value.messagingLimitTier);
  if (limit) out.messagingLimit = limit;
  switch (str(value.status) ?? "") {
    case "FLAGGED":
      out.flag = { state: "FLAGGED" };
      break;
    case "RESTRICTED":
      // the old column did not say what was restricted
      out.restrictions = { list: [{ type: "UNSPECIFIED", expiresAtMs: null }] };
      break;
    case "DISCONNECTED":
      out.connection = { state: "DISCONNECTED", reported: "DISCONNECTED" };
      break;
    case "PENDING":
      out.connection = { state: "PENDING", reported: "PENDING" };
      break;
    default:
      break;
  }
  return out;
}

export const HEALTH_RULES_V1: THealthRules = {
  version: 1,
  assert(fact) {
    const value = obj(fact.value);
    switch (fact.source) {
      case "webhook":
        return webhookAssertions(fact, value);
      case "sync":
        return fact.field === "sync.failed" ? syncFailureAssertions(value) : syncAssertions(value);
      case "operator":
        return fact.field === "operator.override" ? overrideAssertions(fact, value) : {};
      case "migration":
        return fact.field === "migration.baseline" ? baselineAssertions(value) : {};
      default: {
        const unreachable: never = fact.source;
        return unreachable;
      }
    }
  },
};

export const HEALTH_RULES: Record<number, THealthRules> = { 1: HEALTH_RULES_V1 };
export const CURRENT_HEALTH_RULES = HEALTH_RULES_V1;

/** When a fact happened, for ordering: Meta's clock when it gave one, else ours. */
export function factTimeMs(fact: THealthFact): number {
  return fact.providerTimestampMs ?? fact.recordedAtMs;
}

export function compareFacts(a: THealthFact, b: THealthFact): number {
  return (
    factTimeMs(a) - factTimeMs(b) ||
    a.recordedAtMs - b.recordedAtMs ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function deriveHealth(
  facts: readonly THealthFact[],
  rules: THealthRules = CURRENT_HEALTH_RULES,
): TNumberHealth {
  const health = emptyHealth(rules.version) as TNumberHealth & Record<string, unknown>;
  const ordered = [...facts].sort(compareFacts);
  for (const fact of ordered) {
    const asOf: TAsOf = { atMs: factTimeMs(fact), source: fact.source, factId: fact.id };
    for (const [aspect, value] of Object.entries(rules.assert(fact))) {
      if (value === undefined) continue;
      health[aspect] = value === null ? null : { ...value, ...asOf };
    }
  }
  health.factCount = ordered.length;
  health.lastFactId = ordered.at(-1)?.id ?? null;
  return health;
}

/** The aspects one fact changed, for the timeline ("quality: RED", "restrictions: ..."). */
export function assertedAspects(fact: THealthFact, rules: THealthRules = CURRENT_HEALTH_RULES): string[] {
  return Object.keys(rules.assert(fact));
}

const TIER_WORDS: Record<string, string> = {
  TIER_50: "50",
  TIER_250: "250",
  TIER_1K: "1K",
  TIER_2K: "2K",
  TIER_10K: "10K",
  TIER_100K: "100K",
  TIER_UNLIMITED: "unlimited",
  TIER_NOT_SET: "not set",
};

/** "Limit: 1K per 24 h" from a tier, or the portfolio's number (-1: unlimited). */
export function limitLabel(tier: string | null, perDay: number | null = null): string {
  if (perDay !== null) {
    if (perDay < 0) return "Limit: unlimited";
    const words = perDay >= 1000 && perDay % 1000 === 0 ? `${perDay / 1000}K` : String(perDay);
    return `Limit: ${words} per 24 h`;
  }
  if (tier === null) return "Limit: unknown";
  const words = TIER_WORDS[tier] ?? tier;
  return words === "unlimited" ? "Limit: unlimited" : `Limit: ${words} per 24 h`;
}

const utcText = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** What one fact said, in words, aspect by aspect (for the number's timeline). */
export function describeFact(fact: THealthFact, rules: THealthRules = CURRENT_HEALTH_RULES): string[] {
  const said = rules.assert(fact);
  const lines: string[] = [];
  if (said.quality) lines.push(`Quality rating: ${enumWords(said.quality.rating)}`);
  if (said.flag) lines.push(said.flag.state === "FLAGGED" ? "Flagged for low quality" : "Flag lifted");
  if (said.restrictions !== undefined)
    lines.push(
      said.restrictions === null || said.restrictions.list.length === 0
        ? "No restrictions"
        : `Restricted: ${said.restrictions.list
            .map(
              (r) =>
                `${restrictionLabel(r.type)}${r.expiresAtMs === null ? "" : ` until ${utcText(r.expiresAtMs)}`}`,
            )
            .join(", ")}`,
    );
  if (said.ban) lines.push(`Ban state: ${enumWords(said.ban.state)}`);
  if (said.connection)
    lines.push(`Connection: ${enumWords(said.connection.state)} (${said.connection.reported})`);
  if (said.token)
    lines.push(`Access token: ${said.token.state}${said.token.detail ? ` (${said.token.detail})` : ""}`);
  if (said.nameStatus)
    lines.push(
      `Name: ${enumWords(said.nameStatus.status)}${said.nameStatus.name ? ` (${said.nameStatus.name})` : ""}`,
    );
  if (said.verification) lines.push(`Verification: ${enumWords(said.verification.status)}`);
  if (said.messagingLimit) lines.push(limitLabel(said.messagingLimit.tier ?? said.messagingLimit.reported));
  if (said.portfolioLimit)
    lines.push(`Portfolio ${limitLabel(null, said.portfolioLimit.perDay).toLowerCase()}`);
  if (said.throughput) lines.push(`Throughput: ${enumWords(said.throughput.level)}`);
  if (said.override !== undefined)
    lines.push(
      said.override === null
        ? "Override cleared"
        : `Override: ${said.override.mode === "hold" ? "hold" : "send despite state"} until ${utcText(said.override.expiresAtMs)}: ${said.override.reason}`,
    );
  if (said.lastSync && !said.lastSync.ok)
    lines.push(`Sync failed: ${said.lastSync.error ?? "unknown error"}`);
  if (lines.length === 0)
    lines.push(fact.source === "sync" ? "Sync: no change" : "Recorded (no change to the view)");
  return lines;
}
