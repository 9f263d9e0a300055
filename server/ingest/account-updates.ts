// What Meta's number-health, account and template webhooks change on our side. Pure: a parsed
// item in, the columns to update (and the alert to open or resolve) out. Anything Meta sends that
// does not map to one of our values changes nothing here and is kept whole in the history.
import type { TJsonObject } from "@/server/domain/ledger/canonical-json";
import type { TSenderHealthField, TTemplateField } from "./parse-webhook";

export type TSenderStatus = "CONNECTED" | "PENDING" | "FLAGGED" | "RESTRICTED" | "DISCONNECTED" | "PAUSED";
export type TQualityRating = "GREEN" | "YELLOW" | "RED" | "UNKNOWN";
export type TMessagingLimitTier =
  "TIER_50" | "TIER_250" | "TIER_1K" | "TIER_2K" | "TIER_10K" | "TIER_100K" | "TIER_UNLIMITED" | "UNKNOWN";

export type TSenderChanges = {
  status?: TSenderStatus;
  qualityRating?: TQualityRating;
  messagingLimitTier?: TMessagingLimitTier;
};

export type THealthAlert =
  | { action: "open"; severity: "warning" | "critical"; title: string }
  | { action: "resolve"; reason: string }
  | null;

const KNOWN_TIERS = new Set<string>([
  "TIER_50",
  "TIER_250",
  "TIER_1K",
  "TIER_2K",
  "TIER_10K",
  "TIER_100K",
  "TIER_UNLIMITED",
]);

/** Meta's limit names; values our enum cannot hold (TIER_NOT_SET, new ones) become UNKNOWN. */
export function toMessagingLimitTier(value: unknown): TMessagingLimitTier | null {
  if (typeof value !== "string" || value === "") return null;
  return KNOWN_TIERS.has(value) ? (value as TMessagingLimitTier) : "UNKNOWN";
}

export function senderChangesFor(
  field: TSenderHealthField,
  event: string | null,
  value: TJsonObject,
): { changes: TSenderChanges; alert: THealthAlert } {
  switch (field) {
    case "phone_number_quality_update": {
      // max_daily_conversations_per_business replaces current_limit (Feb 2026)
      const tier = toMessagingLimitTier(value.max_daily_conversations_per_business ?? value.current_limit);
      const changes: TSenderChanges = tier === null ? {} : { messagingLimitTier: tier };
      if (event === "FLAGGED") {
        return {
          changes: { ...changes, status: "FLAGGED", qualityRating: "RED" },
          alert: { action: "open", severity: "warning", title: "Sender number flagged for low quality" },
        };
      }
      if (event === "UNFLAGGED") {
        // Meta does not say which rating it went back to: unknown until the next read
        return {
          changes: { ...changes, status: "CONNECTED", qualityRating: "UNKNOWN" },
          alert: { action: "resolve", reason: "number unflagged" },
        };
      }
      return { changes, alert: null };
    }
    case "account_update":
      return accountChanges(event, value);
    case "messages.errors":
    case "phone_number_name_update":
    case "business_capability_update":
      return { changes: {}, alert: null };
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}

function accountChanges(
  event: string | null,
  value: TJsonObject,
): { changes: TSenderChanges; alert: THealthAlert } {
  // Meta's event names are open-ended: anything not listed changes nothing
  switch (event ?? "") {
    case "ACCOUNT_RESTRICTION":
      // a report with an empty list: nothing is restricted any more
      if (Array.isArray(value.restriction_info) && value.restriction_info.length === 0)
        return { changes: {}, alert: { action: "resolve", reason: "restrictions lifted" } };
      return {
        changes: { status: "RESTRICTED" },
        alert: { action: "open", severity: "critical", title: "WhatsApp account restricted" },
      };
    case "DISABLED_UPDATE": {
      const banInfo = value.ban_info;
      const state =
        banInfo && typeof banInfo === "object" && !Array.isArray(banInfo)
          ? (banInfo as TJsonObject).waba_ban_state
          : undefined;
      if (state === "DISABLE")
        return {
          changes: { status: "DISCONNECTED" },
          alert: { action: "open", severity: "critical", title: "WhatsApp account disabled" },
        };
      if (state === "SCHEDULE_FOR_DISABLE")
        return {
          changes: {},
          alert: { action: "open", severity: "critical", title: "WhatsApp account scheduled to be disabled" },
        };
      if (state === "REINSTATE")
        return {
          changes: { status: "CONNECTED" },
          alert: { action: "resolve", reason: "account reinstated" },
        };
      return { changes: {}, alert: null };
    }
    case "ACCOUNT_VIOLATION":
      return {
        changes: {},
        alert: { action: "open", severity: "warning", title: "WhatsApp account policy violation" },
      };
    case "ACCOUNT_DELETED":
    case "ACCOUNT_OFFBOARDED":
      return {
        changes: { status: "DISCONNECTED" },
        alert: { action: "open", severity: "critical", title: "WhatsApp account removed" },
      };
    case "ACCOUNT_RECONNECTED":
      return {
        changes: { status: "CONNECTED" },
        alert: { action: "resolve", reason: "account reconnected" },
      };
    default:
      return { changes: {}, alert: null };
  }
}

export type TTemplateChanges = {
  name?: string;
  language?: string;
  category?: string;
  status?: string;
  qualityScore?: string;
};

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export function templateChangesFor(
  field: TTemplateField,
  event: string | null,
  value: TJsonObject,
): TTemplateChanges {
  const identity: TTemplateChanges = {
    ...(str(value.message_template_name) ? { name: str(value.message_template_name) } : {}),
    ...(str(value.message_template_language) ? { language: str(value.message_template_language) } : {}),
  };
  switch (field) {
    case "message_template_status_update":
      return {
        ...identity,
        ...(str(value.message_template_category) ? { category: str(value.message_template_category) } : {}),
        // FLAGGED warns that a template is at risk; its status stays what it was (APPROVED)
        ...(event && event !== "FLAGGED" ? { status: event } : {}),
      };
    case "message_template_quality_update": {
      const score = value.new_quality_score;
      const text =
        typeof score === "string"
          ? score
          : score && typeof score === "object"
            ? str((score as TJsonObject).score)
            : undefined;
      return { ...identity, ...(text ? { qualityScore: text } : {}) };
    }
    case "template_category_update":
      return { ...identity, ...(str(value.new_category) ? { category: str(value.new_category) } : {}) };
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}
