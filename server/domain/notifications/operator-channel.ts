// Operator channels: where platform alerts reach the people who run Waybill. Two kinds, both
// standards a team already has: a Slack-compatible incoming webhook (Slack, Mattermost and
// Rocket.Chat accept the same `{text, blocks}` body) and email over SMTP. Pure: what a channel
// may point at, which alerts it takes, and the message it is sent.
import { z } from "zod";
import { checkEndpointUrl, type TUrlPolicy } from "../triggers/endpoint-url";

export const CHANNEL_KINDS = ["slack", "email"] as const;
export type TChannelKind = (typeof CHANNEL_KINDS)[number];
export const ZChannelKindSchema = z.enum(CHANNEL_KINDS);

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type TAlertSeverityLevel = (typeof ALERT_SEVERITIES)[number];
export const ZAlertSeveritySchema = z.enum(ALERT_SEVERITIES);

/** Whether an alert of `severity` reaches a channel that takes `minSeverity` and above. */
export function isSevereEnough(severity: string, minSeverity: TAlertSeverityLevel): boolean {
  const rank = ALERT_SEVERITIES.indexOf(severity as TAlertSeverityLevel);
  // an unknown severity is sent: a new kind of alert must not go silent
  return rank === -1 || rank >= ALERT_SEVERITIES.indexOf(minSeverity);
}

const ZEmailSchema = z.email();

/** Checks a channel's target: an https webhook URL (http only to loopback or in demo mode), or an email address. */
export function checkChannelTarget(
  kind: TChannelKind,
  raw: string,
  policy: TUrlPolicy,
): { ok: true; target: string } | { ok: false; reason: string } {
  const value = raw.trim();
  switch (kind) {
    case "slack": {
      const checked = checkEndpointUrl(value, policy);
      return checked.ok
        ? { ok: true, target: checked.url }
        : { ok: false, reason: `the webhook URL ${checked.reason}` };
    }
    case "email":
      return ZEmailSchema.safeParse(value).success
        ? { ok: true, target: value.toLowerCase() }
        : { ok: false, reason: "is not an email address" };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * What the console and the CLI show of a target. An incoming webhook URL is a credential (whoever
 * has it can post to the channel): only its origin and last four characters are shown.
 */
export function describeTarget(kind: TChannelKind, target: string): string {
  if (kind === "email") return target;
  try {
    const url = new URL(target);
    const tail = target.slice(-4);
    return `${url.origin}/…${tail}`;
  } catch {
    return "(unreadable URL)";
  }
}

export type TOperatorMessage = {
  subject: string;
  body: string;
  change: "opened" | "resolved";
  severity: string;
  /** a link to the alert in the console, when the public URL is known */
  link: string | null;
};

/** Slack's mrkdwn treats these three as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const SEVERITY_MARK: Readonly<Record<string, string>> = {
  critical: ":red_circle:",
  warning: ":large_orange_circle:",
  info: ":large_blue_circle:",
};

/**
 * The incoming-webhook body: `text` is the notification and fallback (required by Slack when
 * blocks are sent), `blocks` the readable layout. Slack caps a section's text at 3,000 characters.
 */
export function slackBody(message: TOperatorMessage): {
  text: string;
  blocks: Record<string, unknown>[];
} {
  const mark = message.change === "resolved" ? ":white_check_mark:" : (SEVERITY_MARK[message.severity] ?? "");
  const text = `${mark ? `${mark} ` : ""}${escapeMrkdwn(message.subject)}`;
  const details = escapeMrkdwn(message.body);
  const blocks: Record<string, unknown>[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${text}*` } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: "```" + (details.length > 2_900 ? `${details.slice(0, 2_900)}…` : details) + "```",
      },
    },
  ];
  if (message.link) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `<${message.link}|Open in Waybill>` }],
    });
  }
  return { text, blocks };
}

/** The email: plain text, the subject as queued, the link last. */
export function emailBody(message: TOperatorMessage): { subject: string; text: string } {
  return {
    subject: message.subject,
    text: message.link ? `${message.body}\n\n${message.link}\n` : `${message.body}\n`,
  };
}
