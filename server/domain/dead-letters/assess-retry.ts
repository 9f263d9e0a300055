// The dry run of a bulk action on dead letters: for a selection, what would be acted on, what is
// skipped and why, which tenants are touched, and (for a retry) what WhatsApp's rules say about
// each message before it is sent again: a closed customer-service window, a paused template, a
// capped recipient, a sender that cannot send, an error that will simply come back. Pure: every
// fact comes in as data and the time as `now`.

import { isMarketingCategory, SERVICE_WINDOW_MS } from "../sending/send-gate";
import { decideSending, holdFor, type THoldCode, type THoldState } from "../number-health/sending-hold";
import type { TMessageState } from "../reconciliation/message-state";
import { lookupErrorCode } from "../sending/error-catalog";
import { deadLetterSkipReason, SKIP_REASON_TEXT, type TSkipReason } from "../operator-actions/eligibility";
import type { TDeadLetterStatus, TReasonClass } from "./dead-letter";

export const BULK_KINDS = ["retry", "discard"] as const;
export type TBulkKind = (typeof BULK_KINDS)[number];

/** At most this many messages in one bulk action (a filter is frozen into at most this many ids). */
export const BULK_SELECTION_CAP = 5_000;

/** WhatsApp's customer-service window: free-form messages only within 24 h of the user's last message. */
export { SERVICE_WINDOW_MS };

/** Template statuses Meta will not send (message_template.status, as its webhooks name them). */
export const UNSENDABLE_TEMPLATE_STATUSES = [
  "PAUSED",
  "DISABLED",
  "REJECTED",
  "PENDING_DELETION",
  "DELETED",
  "PENDING",
  "IN_APPEAL",
] as const;

/**
 * Holds that keep a retried message waiting until someone or something changes the number's
 * state (a ban, a disabled account, a disconnected number): the retry will not go by itself.
 * The others lift by themselves (a restriction's or an override's expiry) or with a new token.
 */
const STUCK_HOLD_CODES: readonly THoldCode[] = ["banned", "disabled", "disconnected"];

export type TRetryCandidate = {
  tenantId: string;
  tenantName: string;
  messageId: string;
  /** null: the tenant has no such message */
  message: {
    state: TMessageState;
    contentKind: "template" | "text";
    templateName: string | null;
    /** the template's status as Meta last reported it; null when unknown */
    templateStatus: string | null;
    /** MARKETING, UTILITY, AUTHENTICATION (the request's, else Meta's), or null */
    templateCategory: string | null;
    requestedAt: Date;
    /**
     * What Meta's webhooks told about the (sender number, user) pair: when the user last wrote
     * (the customer-service window opens there) and their marketing preference; null: nothing.
     */
    contact: { lastInboundAt: Date | null; marketingOptedOut: boolean } | null;
    sender: {
      displayNumber: string;
      /**
       * The number's sending decision without the clock (its sender_health row); null: Meta has
       * reported nothing about the number, so nothing holds it.
       */
      hold: THoldState | null;
      /** set while the number's dispatch is paused (sender_dispatch.paused_at) */
      pausedAt: Date | null;
      pausedReason: string | null;
    };
  } | null;
  /** null: never dead-lettered */
  deadLetter: {
    status: TDeadLetterStatus;
    errorCode: string | null;
    reasonClass: TReasonClass;
    deadLetteredAt: Date;
  } | null;
};

export const WARNING_KINDS = [
  "window_closed",
  "recipient_opted_out",
  "template_unavailable",
  "recipient_capped",
  "sender_unavailable",
  "permanent_error",
] as const;
export type TWarningKind = (typeof WARNING_KINDS)[number];

/**
 * - `will_fail`: sending it again will almost certainly fail the same way;
 * - `may_fail`: it may fail again unless something changed;
 * - `delayed`: it will wait (a paused number, a paced recipient) before it is sent.
 */
export type TWarningSeverity = "will_fail" | "may_fail" | "delayed";

export type TWarning = {
  kind: TWarningKind;
  severity: TWarningSeverity;
  /** groups warnings: kind, plus the error code or status that caused it */
  key: string;
  title: string;
  detail: string;
};

export type TItemAssessment = {
  tenantId: string;
  messageId: string;
  verdict: "act" | "skip";
  skipReason: TSkipReason | null;
  warnings: TWarning[];
  /** at least one will_fail warning */
  isLikelyToFail: boolean;
};

export type TWarningGroup = {
  key: string;
  kind: TWarningKind;
  severity: TWarningSeverity;
  title: string;
  detail: string;
  count: number;
  tenants: { tenantId: string; tenantName: string; count: number }[];
  /** a few of the messages, to open */
  sample: { tenantId: string; messageId: string }[];
};

export type TAssessment = {
  kind: TBulkKind;
  /** messages selected */
  selected: number;
  /** messages the action would touch */
  actionable: number;
  /** of those, messages with a will_fail warning */
  likelyToFail: number;
  skipped: number;
  /** tenants of the actionable messages, most messages first */
  tenants: { tenantId: string; tenantName: string; count: number }[];
  skips: { reason: TSkipReason; text: string; count: number }[];
  warnings: TWarningGroup[];
  items: TItemAssessment[];
};

const SAMPLE_SIZE = 10;
const HOUR = 60 * 60_000;

function describeAge(ms: number): string {
  const hours = ms / HOUR;
  if (hours < 48) return `${Math.max(1, Math.round(hours))} h`;
  return `${Math.round(hours / 24)} days`;
}

function skipReasonOf(candidate: TRetryCandidate): TSkipReason | null {
  return deadLetterSkipReason(candidate.deadLetter, candidate.message?.state ?? null);
}

function errorTitle(code: string): string {
  const known = /^[0-9]+$/.test(code) ? lookupErrorCode(Number(code)) : null;
  return known ? `${code} (${known.title})` : code;
}

/** WhatsApp-aware warnings for retrying one dead letter that is still open. */
export function retryWarnings(candidate: TRetryCandidate, now: Date): TWarning[] {
  const message = candidate.message;
  const dl = candidate.deadLetter;
  if (message === null || dl === null) return [];
  const warnings: TWarning[] = [];
  const code = dl.errorCode;
  const covered = new Set<string>();

  // free-form text needs an open customer-service window (24 h since the user's last message):
  // judged by the time of the user's last inbound message when Meta's webhooks told it, else by
  // the request's age (the best evidence without one)
  if (message.contentKind === "text") {
    const lastInboundAt = message.contact?.lastInboundAt ?? null;
    const windowCodes = code === "131047" || code === "470" || code === "waybill.outside_service_window";
    if (windowCodes && code) covered.add(code);
    if (lastInboundAt !== null) {
      const since = now.getTime() - lastInboundAt.getTime();
      if (since > SERVICE_WINDOW_MS) {
        warnings.push({
          kind: "window_closed",
          severity: "will_fail",
          key: "window_closed",
          title: "Customer-service window closed",
          detail: `The user last wrote ${describeAge(since)} ago: outside the 24-hour window WhatsApp only accepts approved templates, so it will be refused (131047). Send an approved template instead.`,
        });
      }
      // the user wrote within the last 24 hours: the window is open again, whatever failed before
    } else if (windowCodes) {
      warnings.push({
        kind: "window_closed",
        severity: "will_fail",
        key: "window_closed",
        title: "Customer-service window closed",
        detail: `Free-form message refused with ${errorTitle(code)}: outside the 24-hour window, WhatsApp only accepts approved templates.`,
      });
    } else {
      const age = now.getTime() - message.requestedAt.getTime();
      if (age > SERVICE_WINDOW_MS) {
        warnings.push({
          kind: "window_closed",
          severity: "will_fail",
          key: "window_closed",
          title: "Customer-service window closed",
          detail: `Free-form message requested ${describeAge(age)} ago and no message from the user is on record: the 24-hour window has most likely closed, so WhatsApp will refuse it (131047). Send an approved template instead.`,
        });
      }
    }
  }

  // a marketing template to a user who stopped marketing messages (user_preferences)
  if (message.contentKind === "template" && isMarketingCategory(message.templateCategory)) {
    if (code === "131050" || code === "waybill.marketing_opt_out") covered.add(code);
    if (message.contact?.marketingOptedOut === true) {
      warnings.push({
        kind: "recipient_opted_out",
        severity: "will_fail",
        key: "recipient_opted_out",
        title: "Recipient opted out of marketing",
        detail:
          "The user asked this number to stop marketing messages: it will be refused before sending (WhatsApp would refuse it with 131050) until they resume them.",
      });
    }
  }

  // a template Meta paused, disabled or rejected is refused until it is usable again
  const templateStatus = message.templateStatus?.toUpperCase() ?? null;
  const isTemplateError = code === "132015" || code === "132016" || code === "132001";
  if (message.contentKind === "template" && templateStatus !== null) {
    if ((UNSENDABLE_TEMPLATE_STATUSES as readonly string[]).includes(templateStatus)) {
      if (code) covered.add(code);
      warnings.push({
        kind: "template_unavailable",
        severity: "will_fail",
        key: `template_unavailable:${templateStatus}`,
        title: `Template ${templateStatus.toLowerCase().replace(/_/g, " ")}`,
        detail: `Template ${message.templateName ?? "?"} is ${templateStatus} at Meta: it will be refused until it is approved again.`,
      });
    }
  } else if (message.contentKind === "template" && isTemplateError && code) {
    covered.add(code);
    warnings.push({
      kind: "template_unavailable",
      severity: "will_fail",
      key: `template_unavailable:${code}`,
      title: "Template unavailable",
      detail: `Refused with ${errorTitle(code)} and no newer template status is known: check the template before retrying.`,
    });
  }

  // per-recipient limits
  if (code === "131049") {
    covered.add(code);
    const since = now.getTime() - dl.deadLetteredAt.getTime();
    warnings.push({
      kind: "recipient_capped",
      severity: since < SERVICE_WINDOW_MS ? "will_fail" : "may_fail",
      key: "recipient_capped:131049",
      title: "Recipient capped (marketing limit)",
      detail:
        since < SERVICE_WINDOW_MS
          ? `Meta capped marketing messages to this user ${describeAge(since)} ago (131049); wait at least 24 hours before another marketing template.`
          : "Meta capped marketing messages to this user (131049) more than 24 hours ago; it may be accepted now, or capped again.",
    });
  } else if (code === "131056") {
    covered.add(code);
    warnings.push({
      kind: "recipient_capped",
      severity: "delayed",
      key: "recipient_capped:131056",
      title: "Recipient capped (pair rate limit)",
      detail:
        "Too many messages from this number to this recipient (131056): the retry is paced, one message to the recipient at a time.",
    });
  }

  // the sender: a paused dispatch, or a hold of the number's health (the same decision the
  // dispatcher's claim applies). A quality flag holds nothing, so it warns of nothing here.
  const hold = message.sender.hold
    ? holdFor(decideSending(message.sender.hold, now.getTime()), message.contentKind === "template")
    : null;
  if (message.sender.pausedAt !== null) {
    warnings.push({
      kind: "sender_unavailable",
      severity: "delayed",
      key: "sender_unavailable:paused",
      title: "Sender paused",
      detail: `${message.sender.displayNumber} is paused${message.sender.pausedReason ? ` (${message.sender.pausedReason})` : ""}: the retry waits in its queue until an engineer resumes the number.`,
    });
  } else if (hold !== null) {
    const isStuck = STUCK_HOLD_CODES.includes(hold.code);
    warnings.push({
      kind: "sender_unavailable",
      severity: isStuck ? "will_fail" : "delayed",
      key: `sender_unavailable:${hold.code}`,
      title: `Sender held: ${HOLD_TITLES[hold.code]}`,
      detail: `${message.sender.displayNumber} is held (${hold.reason}): the retry waits in its queue ${
        hold.untilMs !== null
          ? "until the hold lifts"
          : isStuck
            ? "until Meta restores the number"
            : "until the cause is fixed"
      }.`,
    });
  } else if (dl.reasonClass === "sender" && code) {
    covered.add(code);
    warnings.push({
      kind: "sender_unavailable",
      severity: "may_fail",
      key: `sender_unavailable:${code}`,
      title: "Sender was blocked",
      detail: `It was dead-lettered because the sender could not send (${errorTitle(code)}); the number is no longer paused, so the cause may be fixed.`,
    });
  }

  // any other permanent error comes back the same way
  if (dl.reasonClass === "permanent" && code && !covered.has(code)) {
    warnings.push({
      kind: "permanent_error",
      severity: "will_fail",
      key: `permanent_error:${code}`,
      title: `Permanent error ${errorTitle(code)}`,
      detail:
        `The provider refused this exact request for good; sending it again will most likely fail the same way. ${
          (/^[0-9]+$/.test(code) ? lookupErrorCode(Number(code))?.hint : null) ?? ""
        }`.trim(),
    });
  }
  return warnings;
}

const HOLD_TITLES: Readonly<Record<THoldCode, string>> = {
  operator_hold: "operator hold",
  banned: "banned",
  disabled: "account disabled",
  disconnected: "disconnected",
  token_invalid: "access token invalid",
  biz_messaging_restricted: "business-initiated messaging restricted",
};

function bump<K>(map: Map<K, number>, key: K) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The dry run: per message and aggregated. `candidates` in selection order. */
export function assessBulk(kind: TBulkKind, candidates: readonly TRetryCandidate[], now: Date): TAssessment {
  const items: TItemAssessment[] = [];
  const tenantNames = new Map<string, string>();
  const tenantCounts = new Map<string, number>();
  const skipCounts = new Map<TSkipReason, number>();
  const groups = new Map<string, TWarningGroup>();
  const seen = new Set<string>();

  for (const candidate of candidates) {
    const identity = `${candidate.tenantId}/${candidate.messageId}`;
    if (seen.has(identity)) continue; // selected twice: counted once
    seen.add(identity);
    tenantNames.set(candidate.tenantId, candidate.tenantName);
    const skipReason = skipReasonOf(candidate);
    if (skipReason !== null) {
      bump(skipCounts, skipReason);
      items.push({
        tenantId: candidate.tenantId,
        messageId: candidate.messageId,
        verdict: "skip",
        skipReason,
        warnings: [],
        isLikelyToFail: false,
      });
      continue;
    }
    bump(tenantCounts, candidate.tenantId);
    const warnings = kind === "retry" ? retryWarnings(candidate, now) : [];
    for (const warning of warnings) {
      let group = groups.get(warning.key);
      if (!group) {
        group = {
          key: warning.key,
          kind: warning.kind,
          severity: warning.severity,
          title: warning.title,
          detail: warning.detail,
          count: 0,
          tenants: [],
          sample: [],
        };
        groups.set(warning.key, group);
      }
      group.count += 1;
      const tenant = group.tenants.find((t) => t.tenantId === candidate.tenantId);
      if (tenant) tenant.count += 1;
      else group.tenants.push({ tenantId: candidate.tenantId, tenantName: candidate.tenantName, count: 1 });
      if (group.sample.length < SAMPLE_SIZE) {
        group.sample.push({ tenantId: candidate.tenantId, messageId: candidate.messageId });
      }
      // the most severe detail wins when messages of one group differ (e.g. 131049 age)
      if (severityRank(warning.severity) > severityRank(group.severity)) {
        group.severity = warning.severity;
        group.detail = warning.detail;
      }
    }
    items.push({
      tenantId: candidate.tenantId,
      messageId: candidate.messageId,
      verdict: "act",
      skipReason: null,
      warnings,
      isLikelyToFail: warnings.some((w) => w.severity === "will_fail"),
    });
  }

  const actionable = items.filter((i) => i.verdict === "act");
  return {
    kind,
    selected: items.length,
    actionable: actionable.length,
    likelyToFail: actionable.filter((i) => i.isLikelyToFail).length,
    skipped: items.length - actionable.length,
    tenants: [...tenantCounts.entries()]
      .map(([tenantId, count]) => ({ tenantId, tenantName: tenantNames.get(tenantId) ?? tenantId, count }))
      .sort((a, b) => b.count - a.count || a.tenantName.localeCompare(b.tenantName)),
    skips: [...skipCounts.entries()]
      .map(([reason, count]) => ({ reason, text: SKIP_REASON_TEXT[reason], count }))
      .sort((a, b) => b.count - a.count),
    warnings: [...groups.values()].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.count - a.count,
    ),
    items,
  };
}

function severityRank(severity: TWarningSeverity): number {
  switch (severity) {
    case "will_fail":
      return 3;
    case "may_fail":
      return 2;
    case "delayed":
      return 1;
    default: {
      const unreachable: never = severity;
      return unreachable;
    }
  }
}

/** WAYBILL_BULK_APPROVAL_THRESHOLD's default. */
export const DEFAULT_BULK_APPROVAL_THRESHOLD = 20;

/** Above the threshold, a bulk action waits for a second engineer. */
export function needsApproval(actionable: number, threshold: number): boolean {
  return actionable > threshold;
}
