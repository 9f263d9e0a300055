// What a number's health means for sending. Only hard states stop a number: banned, disabled,
// disconnected or deleted, an invalid access token. A restriction of business-initiated
// messaging stops template sends only, until its expiry. A quality flag never stops anything.
// The throughput level sets the rate ceiling. An operator override (hold, or send despite a
// state) wins while it lasts. Every hold carries its reason in words, for the queue view and the
// messages it keeps waiting.
import { BIZ_INITIATED_RESTRICTION, THROUGHPUT_MPS, type TNumberHealth } from "./health-model";

export const HOLD_CODES = [
  "operator_hold",
  "banned",
  "disabled",
  "disconnected",
  "token_invalid",
  "biz_messaging_restricted",
] as const;
export type THoldCode = (typeof HOLD_CODES)[number];

/** The time-independent part of the decision, as the sender_health projection stores it. */
export type THoldState = {
  hardHold: { code: Exclude<THoldCode, "operator_hold" | "biz_messaging_restricted">; reason: string } | null;
  /** untilMs null: the restriction has no expiry */
  templateHold: { reason: string; untilMs: number | null } | null;
  override: { mode: "hold" | "send"; reason: string; actor: string; expiresAtMs: number } | null;
  /** messages per second; null: the worker's default */
  rateCeiling: number | null;
};

export type TSendingHold = {
  scope: "all" | "templates";
  code: THoldCode;
  reason: string;
  /** when the hold lifts by itself; null: not by itself */
  untilMs: number | null;
};

export type TSendingDecision = {
  /** Holds every message of the number. */
  all: TSendingHold | null;
  /** Holds template messages (business-initiated); free-form replies still go. */
  templates: TSendingHold | null;
  /** An operator's "send despite" that is lifting a hold right now. */
  overriddenBy: string | null;
};

export const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function holdStateOf(health: TNumberHealth): THoldState {
  let hardHold: THoldState["hardHold"] = null;
  if (health.ban?.state === "BANNED") hardHold = { code: "banned", reason: "number banned by Meta" };
  else if (health.ban?.state === "DISABLED")
    hardHold = { code: "disabled", reason: "WhatsApp Business account disabled by Meta" };
  else if (health.connection?.state === "DISCONNECTED" || health.connection?.state === "DELETED")
    hardHold = {
      code: "disconnected",
      reason: `number ${health.connection.state === "DELETED" ? "deleted" : "disconnected"} (${health.connection.reported})`,
    };
  else if (health.token?.state === "INVALID")
    hardHold = {
      code: "token_invalid",
      reason: `the sender's access token is invalid${health.token.detail ? ` (${health.token.detail})` : ""}`,
    };

  const biz = (health.restrictions?.list ?? []).filter((r) => r.type === BIZ_INITIATED_RESTRICTION);
  let templateHold: THoldState["templateHold"] = null;
  if (biz.length > 0) {
    const untilMs = biz.some((r) => r.expiresAtMs === null)
      ? null
      : Math.max(...biz.map((r) => r.expiresAtMs ?? 0));
    templateHold = {
      reason: `business-initiated messaging restricted by Meta${untilMs === null ? "" : ` until ${utc(untilMs)}`}`,
      untilMs,
    };
  }
  const override = health.override
    ? {
        mode: health.override.mode,
        reason: health.override.reason,
        actor: health.override.actor,
        expiresAtMs: health.override.expiresAtMs,
      }
    : null;
  return {
    hardHold,
    templateHold,
    override,
    rateCeiling: health.throughput ? THROUGHPUT_MPS[health.throughput.level] : null,
  };
}

/** The holds in force at `nowMs`. Mirrored in SQL by server/services/number-health/hold-sql.ts. */
export function decideSending(state: THoldState, nowMs: number): TSendingDecision {
  const override = state.override && state.override.expiresAtMs > nowMs ? state.override : null;
  if (override?.mode === "hold") {
    return {
      all: {
        scope: "all",
        code: "operator_hold",
        reason: `held by an operator until ${utc(override.expiresAtMs)}: ${override.reason}`,
        untilMs: override.expiresAtMs,
      },
      templates: null,
      overriddenBy: null,
    };
  }
  const all: TSendingHold | null = state.hardHold
    ? { scope: "all", code: state.hardHold.code, reason: state.hardHold.reason, untilMs: null }
    : null;
  const templates: TSendingHold | null =
    state.templateHold && (state.templateHold.untilMs === null || state.templateHold.untilMs > nowMs)
      ? {
          scope: "templates",
          code: "biz_messaging_restricted",
          reason: `${state.templateHold.reason}: template messages wait`,
          untilMs: state.templateHold.untilMs,
        }
      : null;
  if (override?.mode === "send" && (all || templates)) {
    return {
      all: null,
      templates: null,
      overriddenBy: `sending despite ${(all ?? templates)?.code}: ${override.reason} (until ${utc(override.expiresAtMs)})`,
    };
  }
  return { all, templates, overriddenBy: null };
}

/** The hold that keeps one message waiting, if any. */
export function holdFor(decision: TSendingDecision, isTemplate: boolean): TSendingHold | null {
  return decision.all ?? (isTemplate ? decision.templates : null);
}

/** Restrictions still in force at `nowMs`. */
export function activeRestrictions(health: TNumberHealth, nowMs: number) {
  return (health.restrictions?.list ?? []).filter((r) => r.expiresAtMs === null || r.expiresAtMs > nowMs);
}

/** A number is healthy when nothing holds it, it is not flagged, and no restriction is in force. */
export function isHealthy(health: TNumberHealth, nowMs: number): boolean {
  const decision = decideSending(holdStateOf(health), nowMs);
  return (
    decision.all === null &&
    decision.templates === null &&
    health.flag?.state !== "FLAGGED" &&
    activeRestrictions(health, nowMs).length === 0 &&
    health.quality?.rating !== "RED"
  );
}
