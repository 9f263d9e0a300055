// The last look before a send leaves: what Meta has told us about the template and the recipient
// that makes this send certain to fail. A template Meta paused or disabled would come back as
// 132015/132016: the message waits (held) until the template is active again. A marketing template
// to a user who opted out of marketing would come back as 131050, and free-form text outside the
// 24-hour customer-service window as 131047: both are refused before sending, with the reason in
// words, instead of spending an attempt (and the number's quality) on a certain failure. Pure.

import type { TLedgerError } from "../ledger/ledger-event";

/** The customer-service window: free-form messages only within 24 h of the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

/** Template statuses at Meta under which a send is certain to fail, until the template is active again. */
export const TEMPLATE_HOLD_STATUSES = ["PAUSED", "DISABLED"] as const;

/** Error codes of a refusal: permanent for the message (the recipient or the window must change first). */
export const SEND_GATE_REFUSAL_CODES = [
  "waybill.marketing_opt_out",
  "waybill.outside_service_window",
] as const;

export type TSendGateInput = {
  contentKind: "template" | "text";
  /** MARKETING, UTILITY, AUTHENTICATION (the request's, else what Meta's webhooks said), or null */
  templateCategory: string | null;
  /** the template as Meta's webhooks last described it (null: never heard of) */
  template: { name: string; language: string | null; status: string | null } | null;
  /** what Meta's webhooks told about this (sender number, user) pair (null: nothing yet) */
  contact: {
    marketingOptedOut: boolean;
    marketingPreferenceAt: number | null;
    lastInboundAt: number | null;
  } | null;
  nowMs: number;
};

export type TSendGate =
  | { kind: "send" }
  /** keep the message queued with this reason; it is released when the cause goes */
  | { kind: "hold"; reason: string }
  /** do not send: the error recorded as the message's dead letter */
  | { kind: "refuse"; error: TLedgerError };

export function isMarketingCategory(category: string | null): boolean {
  return (category ?? "").toUpperCase() === "MARKETING";
}

/** Why a template's status holds its messages, or null. */
export function templateHoldReason(
  template: { name: string; language: string | null; status: string | null } | null,
): string | null {
  const status = (template?.status ?? "").toUpperCase();
  if (template === null || !TEMPLATE_HOLD_STATUSES.some((held) => held === status)) return null;
  const named = `template ${template.name}${template.language ? ` (${template.language})` : ""}`;
  return `${named} is ${status.toLowerCase()} at Meta: the message waits until the template is active again`;
}

/** Whether the customer-service window is known to be closed at `nowMs` (unknown: not closed). */
export function isServiceWindowClosed(lastInboundAt: number | null, nowMs: number): boolean {
  return lastInboundAt !== null && nowMs - lastInboundAt > SERVICE_WINDOW_MS;
}

export function decideSendGate(input: TSendGateInput): TSendGate {
  if (input.contentKind === "template") {
    const hold = templateHoldReason(input.template);
    if (hold !== null) return { kind: "hold", reason: hold };
    if (isMarketingCategory(input.templateCategory) && input.contact?.marketingOptedOut === true) {
      const since = input.contact.marketingPreferenceAt;
      return {
        kind: "refuse",
        error: {
          code: SEND_GATE_REFUSAL_CODES[0],
          title: "Recipient opted out of marketing messages",
          message: `the recipient asked this number to stop marketing messages${since === null ? "" : ` (at ${new Date(since).toISOString()})`}; not sent, Meta would refuse it (131050)`,
          details: null,
        },
      };
    }
    return { kind: "send" };
  }
  // free-form text: only inside the window. Without any inbound message on record the window is
  // unknown (the user may have written before Waybill listened): Meta decides.
  const lastInboundAt = input.contact?.lastInboundAt ?? null;
  if (lastInboundAt !== null && isServiceWindowClosed(lastInboundAt, input.nowMs)) {
    return {
      kind: "refuse",
      error: {
        code: SEND_GATE_REFUSAL_CODES[1],
        title: "Outside the customer-service window",
        message: `free-form text can be sent only within 24 hours of the user's last message (last one at ${new Date(lastInboundAt).toISOString()}); not sent, Meta would refuse it (131047). Send an approved template instead`,
        details: null,
      },
    };
  }
  return { kind: "send" };
}
