// The number-health model: separate, dated facts about a sender number, each kept with where it
// came from, instead of one status column. Meta reports a number's quality, its flag (a warning),
// restrictions of the account (each with a type and an expiry), ban and connection state, name
// and verification status, the messaging limit (a tier per number, since October 2025 a numeric
// limit per business portfolio) and the throughput level. Each aspect moves on its own: an
// UNFLAGGED says nothing about a restriction, a restriction says nothing about quality.

export const HEALTH_FACT_SOURCES = ["webhook", "sync", "operator", "migration"] as const;
export type THealthFactSource = (typeof HEALTH_FACT_SOURCES)[number];

/** One entry of a number's health history, as stored (the raw webhook value whole). */
export type THealthFact = {
  id: string;
  source: THealthFactSource;
  /** The webhook field (account_update, ...), or sync.phone_number, sync.failed, operator.override, migration.baseline. */
  field: string;
  event: string | null;
  /** Meta's time when it gave one (entry.time), else null. */
  providerTimestampMs: number | null;
  recordedAtMs: number;
  value: unknown;
};

export const QUALITY_RATINGS = ["GREEN", "YELLOW", "RED", "UNKNOWN"] as const;
export type TQualityRating = (typeof QUALITY_RATINGS)[number];

/** Meta's messaging-limit tiers, lowest first. */
export const MESSAGING_TIERS = [
  "TIER_50",
  "TIER_250",
  "TIER_1K",
  "TIER_2K",
  "TIER_10K",
  "TIER_100K",
  "TIER_UNLIMITED",
] as const;
export type TMessagingTier = (typeof MESSAGING_TIERS)[number] | "TIER_NOT_SET";

/** Restriction types of `restriction_info[].restriction_type`; open-ended, unknown ones are kept by name. */
export const BIZ_INITIATED_RESTRICTION = "RESTRICTED_BIZ_INITIATED_MESSAGING";

export const BAN_STATES = ["NONE", "SCHEDULED_FOR_DISABLE", "DISABLED", "BANNED"] as const;
export type TBanState = (typeof BAN_STATES)[number];

export const CONNECTION_STATES = [
  "CONNECTED",
  "PENDING",
  "DISCONNECTED",
  "DELETED",
  "OFFLINE",
  "UNKNOWN",
] as const;
export type TConnectionState = (typeof CONNECTION_STATES)[number];

export const THROUGHPUT_LEVELS = ["STANDARD", "HIGH", "COEXISTENCE"] as const;
export type TThroughputLevel = (typeof THROUGHPUT_LEVELS)[number];

/** Messages per second Meta allows at each throughput level. */
export const THROUGHPUT_MPS: Record<TThroughputLevel, number> = { STANDARD: 80, HIGH: 1000, COEXISTENCE: 20 };

/** Where an aspect's current value came from. */
export type TAsOf = { atMs: number; source: THealthFactSource; factId: string };

export type TRestriction = {
  type: string;
  /** epoch ms; null: Meta gave no expiry */
  expiresAtMs: number | null;
};

export type TOverride = {
  /** hold: nothing is sent; send: send despite a hard state or a restriction */
  mode: "hold" | "send";
  reason: string;
  actor: string;
  expiresAtMs: number;
};

export type TNumberHealth = {
  rulesVersion: number;
  quality: ({ rating: TQualityRating } & TAsOf) | null;
  flag: ({ state: "FLAGGED" | "UNFLAGGED" } & TAsOf) | null;
  /** The restrictions Meta last reported (replaced whole by each report; expiry applies at read time). */
  restrictions: ({ list: TRestriction[] } & TAsOf) | null;
  ban: ({ state: TBanState; dateMs: number | null } & TAsOf) | null;
  connection: ({ state: TConnectionState; reported: string } & TAsOf) | null;
  token: ({ state: "VALID" | "INVALID"; detail: string | null } & TAsOf) | null;
  nameStatus: ({ status: string; name: string | null } & TAsOf) | null;
  verification: ({ status: string } & TAsOf) | null;
  messagingLimit: ({ tier: TMessagingTier | null; reported: string } & TAsOf) | null;
  /** The portfolio's numeric limit from business_capability_update (-1: unlimited). */
  portfolioLimit: ({ perDay: number } & TAsOf) | null;
  throughput: ({ level: TThroughputLevel } & TAsOf) | null;
  override: (TOverride & TAsOf) | null;
  lastSync: ({ ok: boolean; error: string | null } & TAsOf) | null;
  /** How many facts the view was derived from, and the newest one. */
  factCount: number;
  lastFactId: string | null;
};

export function emptyHealth(rulesVersion: number): TNumberHealth {
  return {
    rulesVersion,
    quality: null,
    flag: null,
    restrictions: null,
    ban: null,
    connection: null,
    token: null,
    nameStatus: null,
    verification: null,
    messagingLimit: null,
    portfolioLimit: null,
    throughput: null,
    override: null,
    lastSync: null,
    factCount: 0,
    lastFactId: null,
  };
}
