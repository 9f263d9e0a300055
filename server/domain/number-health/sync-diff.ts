// What a Graph API read of a number (GET /{phone_number_id}) adds to its health: only the fields
// that would change the current view. Webhooks no longer carry every field and can be missed, so
// the sync fills the gaps, but a read that agrees with the view is not a fact worth keeping: the
// history stays a list of changes. Each field is tried on its own through the same rules that
// derive the view, so "differs" means exactly "would change what the view says".
import { CURRENT_HEALTH_RULES, type TAssertions, type THealthRules } from "./derive-health";
import type { TNumberHealth } from "./health-model";

/** The fields the sync asks Graph for (the deprecated tier as a fallback for older versions). */
export const SYNC_FIELDS = [
  "quality_rating",
  "status",
  "throughput",
  "is_on_biz_app",
  "whatsapp_business_manager_messaging_limit",
  "messaging_limit_tier",
  "name_status",
  "verified_name",
  "code_verification_status",
] as const;

// fields read together: one aspect is asserted from several fields (the name's status and the
// name; the throughput level and whether the number is shared with the Business app; the limit
// and its deprecated twin)
const FIELD_GROUPS: readonly (readonly string[])[] = [
  ["quality_rating"],
  ["status"],
  ["throughput", "is_on_biz_app"],
  ["whatsapp_business_manager_messaging_limit", "messaging_limit_tier"],
  ["name_status", "verified_name"],
  ["code_verification_status"],
];

// what every successful read says by itself (the sync worked, the token is good): compared apart
const ALWAYS_ASSERTED = new Set(["lastSync", "token"]);
const AS_OF_KEYS = new Set(["atMs", "source", "factId"]);

function withoutAsOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !AS_OF_KEYS.has(k)));
}

function stableText(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableText).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableText(v)}`).join(",")}}`;
}

function changesView(health: TNumberHealth, said: TAssertions): boolean {
  return Object.entries(said).some(([aspect, value]) => {
    if (value === undefined || ALWAYS_ASSERTED.has(aspect)) return false;
    const current = (health as unknown as Record<string, unknown>)[aspect] ?? null;
    return stableText(withoutAsOf(current)) !== stableText(value);
  });
}

export type TSyncDifference = {
  /** the fields to record as a sync fact (only those that differ); empty: nothing to record */
  value: Record<string, unknown>;
  /** the read clears an earlier failed sync or an invalid token, so it is worth recording */
  isRecovery: boolean;
};

/** The part of a Graph read worth recording as a `sync` fact; null when it changes nothing. */
export function syncDifference(
  health: TNumberHealth,
  fields: Record<string, unknown>,
  rules: THealthRules = CURRENT_HEALTH_RULES,
): TSyncDifference | null {
  const value: Record<string, unknown> = {};
  for (const group of FIELD_GROUPS) {
    const part = Object.fromEntries(group.filter((f) => f in fields).map((f) => [f, fields[f]]));
    if (Object.keys(part).length === 0) continue;
    const said = rules.assert({
      id: "candidate",
      source: "sync",
      field: "sync.phone_number",
      event: null,
      providerTimestampMs: null,
      recordedAtMs: 0,
      value: part,
    });
    if (changesView(health, said)) Object.assign(value, part);
  }
  const isRecovery = health.lastSync?.ok === false || health.token?.state === "INVALID";
  if (Object.keys(value).length === 0 && !isRecovery) return null;
  return { value, isRecovery };
}

/**
 * Whether a failed read is news: the last sync did not fail the same way (a number whose token
 * stays revoked adds one fact, not one per sync).
 */
export function isNewSyncFailure(
  health: TNumberHealth,
  failure: Record<string, unknown>,
  rules: THealthRules = CURRENT_HEALTH_RULES,
): boolean {
  const said = rules.assert({
    id: "candidate",
    source: "sync",
    field: "sync.failed",
    event: null,
    providerTimestampMs: null,
    recordedAtMs: 0,
    value: failure,
  });
  return health.lastSync?.ok !== false || health.lastSync.error !== (said.lastSync?.error ?? null);
}
