import { describe, expect, it } from "vitest";
import { checkChannelTarget, describeTarget, emailBody, isSevereEnough, slackBody } from "./operator-channel";

describe("operator channels", () => {
  it("takes alerts from the channel's minimum severity up; an unknown severity is never silenced", () => {
    expect(isSevereEnough("info", "warning")).toBe(false);
    expect(isSevereEnough("warning", "warning")).toBe(true);
    expect(isSevereEnough("critical", "warning")).toBe(true);
    expect(isSevereEnough("warning", "critical")).toBe(false);
    expect(isSevereEnough("info", "info")).toBe(true);
    expect(isSevereEnough("catastrophic", "critical")).toBe(true);
  });

  it("accepts https webhooks (http only to loopback or in demo mode) and email addresses", () => {
    const strict = { allowHttp: false };
    expect(checkChannelTarget("slack", " https://hooks.slack.com/services/T/B/x ", strict)).toEqual({
      ok: true,
      target: "https://hooks.slack.com/services/T/B/x",
    });
    expect(checkChannelTarget("slack", "http://chat.example.com/hook", strict)).toMatchObject({ ok: false });
    expect(checkChannelTarget("slack", "http://chat.example.com/hook", { allowHttp: true })).toMatchObject({
      ok: true,
    });
    expect(checkChannelTarget("slack", "http://127.0.0.1:9000/hook", strict)).toMatchObject({ ok: true });
    expect(checkChannelTarget("email", "Ops@Example.com", strict)).toEqual({
      ok: true,
      target: "ops@example.com",
    });
    expect(checkChannelTarget("email", "ops at example", strict)).toEqual({
      ok: false,
      reason: "is not an email address",
    });
  });

  it("shows a webhook URL as its origin and last four characters only", () => {
    expect(describeTarget("slack", "https://hooks.slack.com/services/T0/B0/abcdefgh1234")).toBe(
      "https://hooks.slack.com/…1234",
    );
    expect(describeTarget("email", "ops@example.com")).toBe("ops@example.com");
  });

  it("renders Slack's format with mrkdwn escaped, the severity marked and the link as context", () => {
    const body = slackBody({
      subject: "[Waybill critical] a <b> & c",
      body: "details",
      change: "opened",
      severity: "critical",
      link: "https://w.example/t/acme/stalled",
    });
    expect(body.text).toBe(":red_circle: [Waybill critical] a &lt;b&gt; &amp; c");
    expect(body.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: `*${body.text}*` } },
      { type: "section", text: { type: "mrkdwn", text: "```details```" } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "<https://w.example/t/acme/stalled|Open in Waybill>" }],
      },
    ]);
    const resolved = slackBody({
      subject: "s",
      body: "x".repeat(5_000),
      change: "resolved",
      severity: "info",
      link: null,
    });
    expect(resolved.text).toBe(":white_check_mark: s");
    expect(resolved.blocks).toHaveLength(2);
    const detail = (resolved.blocks[1] as { text: { text: string } }).text.text;
    expect(detail.length).toBeLessThanOrEqual(3_000);
  });

  it("writes the email as plain text with the link last", () => {
    expect(
      emailBody({ subject: "S", body: "B", change: "opened", severity: "info", link: "https://l" }),
    ).toEqual({
      subject: "S",
      text: "B\n\nhttps://l\n",
    });
  });
});
