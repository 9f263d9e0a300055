// A sender number's history in plain words: Meta's quality, messaging-limit and account webhooks
// (stored whole in sender_health_event) turned into the changes the console charts and lists.
// Pure; tolerant of whatever Meta sends (unknown shapes become an "other" change, never an error).

import { MESSAGING_TIERS } from "../number-health/health-model";

export type THealthEventRow = {
  id: string;
  senderNumberId: string;
  field: string;
  event: string | null;
  providerTimestampMs: number | null;
  recordedAtMs: number;
  value: unknown;
  applied: unknown;
};

export type THealthChangeKind = "quality" | "limit" | "status" | "account" | "error" | "other";

export type THealthChange = {
  eventId: string;
  senderNumberId: string;
  /** provider time when Meta gave one, else when we recorded it */
  atMs: number;
  kind: THealthChangeKind;
  field: string;
  event: string | null;
  from: string | null;
  to: string | null;
  /** "worse" drops quality or limit, or restricts the account; "better" the opposite */
  direction: "worse" | "better" | "neutral";
  summary: string;
};

const TIER_LABELS: Record<string, string> = {
  TIER_50: "50",
  TIER_250: "250",
  TIER_1K: "1K",
  TIER_2K: "2K",
  TIER_10K: "10K",
  TIER_100K: "100K",
  TIER_UNLIMITED: "unlimited",
};

/** The tier's position in MESSAGING_TIERS, or null for a value we cannot place. */
export function tierLevel(tier: string | null): number | null {
  if (tier === null) return null;
  const index = (MESSAGING_TIERS as readonly string[]).indexOf(tier);
  return index < 0 ? null : index;
}

export function tierLabel(tier: string | null): string {
  if (tier === null) return "unknown";
  return TIER_LABELS[tier] ?? tier;
}

const QUALITY_LABELS: Record<string, string> = {
  GREEN: "High",
  YELLOW: "Medium",
  RED: "Low",
  UNKNOWN: "Unknown",
};

const ACCOUNT_EVENTS: Record<string, { summary: string; direction: THealthChange["direction"] }> = {
  ACCOUNT_RESTRICTION: { summary: "Account restricted by Meta", direction: "worse" },
  ACCOUNT_VIOLATION: { summary: "Account policy violation reported", direction: "worse" },
  ACCOUNT_DELETED: { summary: "Account deleted", direction: "worse" },
  ACCOUNT_OFFBOARDED: { summary: "Account offboarded", direction: "worse" },
  ACCOUNT_RECONNECTED: { summary: "Account reconnected", direction: "better" },
  DISABLED_UPDATE: { summary: "Account disable status changed", direction: "neutral" },
  VERIFIED_ACCOUNT: { summary: "Business verified", direction: "better" },
};

type TJson = Record<string, unknown>;

function asObject(value: unknown): TJson {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as TJson) : {};
}

function asString(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** `applied` is {field: {from, to}} for the columns that changed on the sender number. */
function appliedChange(applied: TJson, column: string): { from: string | null; to: string | null } | null {
  const change = asObject(applied[column]);
  if (!("to" in change)) return null;
  return { from: asString(change.from), to: asString(change.to) };
}

/** The changes one stored event stands for (a FLAGGED event with a new limit is two). */
export function healthChangesOf(row: THealthEventRow): THealthChange[] {
  const value = asObject(row.value);
  const applied = asObject(row.applied);
  const base = {
    eventId: row.id,
    senderNumberId: row.senderNumberId,
    atMs: row.providerTimestampMs ?? row.recordedAtMs,
    field: row.field,
    event: row.event,
  };
  const changes: THealthChange[] = [];
  switch (row.field) {
    case "phone_number_quality_update": {
      const event = row.event ?? asString(value.event);
      const to = asString(value.max_daily_conversations_per_business) ?? asString(value.current_limit);
      const from = asString(value.old_limit) ?? appliedChange(applied, "messagingLimitTier")?.from ?? null;
      if (event === "FLAGGED") {
        changes.push({
          ...base,
          kind: "quality",
          from: appliedChange(applied, "qualityRating")?.from ?? null,
          to: "RED",
          direction: "worse",
          summary: "Quality dropped to Low: Meta flagged the number",
        });
      } else if (event === "UNFLAGGED") {
        changes.push({
          ...base,
          kind: "quality",
          from: "RED",
          to: "UNKNOWN",
          direction: "better",
          summary: "Number unflagged: quality is no longer Low",
        });
      }
      // a FLAGGED/UNFLAGGED event restates the current limit: only a different one is a change
      const isLimitEvent = event === "DOWNGRADE" || event === "UPGRADE" || event === "ONBOARDING";
      if (to !== null && ((from !== null && from !== to) || isLimitEvent)) {
        const fromLevel = tierLevel(from);
        const toLevel = tierLevel(to);
        const direction: THealthChange["direction"] =
          fromLevel !== null && toLevel !== null
            ? toLevel < fromLevel
              ? "worse"
              : toLevel > fromLevel
                ? "better"
                : "neutral"
            : event === "DOWNGRADE"
              ? "worse"
              : event === "UPGRADE"
                ? "better"
                : "neutral";
        const verb = direction === "worse" ? "lowered" : direction === "better" ? "raised" : "set";
        changes.push({
          ...base,
          kind: "limit",
          from,
          to,
          direction,
          summary:
            from === null
              ? `Messaging limit ${verb} to ${tierLabel(to)} per 24 h`
              : `Messaging limit ${verb}: ${tierLabel(from)} → ${tierLabel(to)} per 24 h`,
        });
      }
      if (changes.length === 0) {
        changes.push({
          ...base,
          kind: "other",
          from: null,
          to: null,
          direction: "neutral",
          summary: `Quality update${event ? ` (${event})` : ""}`,
        });
      }
      return changes;
    }
    case "account_update": {
      const event = row.event ?? asString(value.event) ?? "";
      const known = ACCOUNT_EVENTS[event];
      const status = appliedChange(applied, "status");
      changes.push({
        ...base,
        kind: status ? "status" : "account",
        from: status?.from ?? null,
        to: status?.to ?? null,
        direction: known?.direction ?? "neutral",
        summary: `${known?.summary ?? `Account update${event ? ` (${event})` : ""}`}${
          status?.to ? `: number ${status.to.toLowerCase()}` : ""
        }`,
      });
      return changes;
    }
    case "messages.errors": {
      const errors = Array.isArray(value.errors) ? value.errors : [];
      const raw = asObject(errors[0]).code;
      const code = typeof raw === "number" || typeof raw === "string" ? String(raw) : null;
      changes.push({
        ...base,
        kind: "error",
        from: null,
        to: code,
        direction: "worse",
        summary: `Meta reported an error for the number${code === null ? "" : ` (${code})`}`,
      });
      return changes;
    }
    default:
      changes.push({
        ...base,
        kind: "other",
        from: null,
        to: null,
        direction: "neutral",
        summary: `${row.field}${row.event ? ` (${row.event})` : ""}`,
      });
      return changes;
  }
}

/** Quality in words, for the console ("High", "Medium", "Low", "Unknown"). */
export function qualityLabel(rating: string | null): string {
  if (rating === null) return "Unknown";
  return QUALITY_LABELS[rating] ?? rating;
}

/**
 * The messaging-limit tier over time: the tier in force at `fromMs` (the newest limit change
 * before it, else `current` when no change is known) and each change inside [fromMs, toMs),
 * oldest first. For the step chart.
 */
export function tierSteps(
  changes: readonly THealthChange[],
  fromMs: number,
  toMs: number,
  current: string | null,
): { atMs: number; tier: string | null; level: number | null }[] {
  const limits = changes.filter((c) => c.kind === "limit").sort((a, b) => a.atMs - b.atMs);
  const before = limits.filter((c) => c.atMs < fromMs).at(-1);
  const inside = limits.filter((c) => c.atMs >= fromMs && c.atMs < toMs);
  const startTier = before?.to ?? inside[0]?.from ?? (inside.length === 0 ? current : null);
  const steps = [{ atMs: fromMs, tier: startTier, level: tierLevel(startTier) }];
  for (const change of inside)
    steps.push({ atMs: change.atMs, tier: change.to, level: tierLevel(change.to) });
  return steps;
}
