import { describe, expect, it } from "vitest";
import { assessBulk, needsApproval, retryWarnings, type TRetryCandidate } from "./assess-retry";

const NOW = new Date(Date.UTC(2026, 5, 10, 12, 0, 0));
const H = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let n = 0;
function candidate(
  overrides: {
    tenantId?: string;
    tenantName?: string;
    message?: Partial<NonNullable<TRetryCandidate["message"]>> | null;
    sender?: Partial<NonNullable<TRetryCandidate["message"]>["sender"]>;
    deadLetter?: Partial<NonNullable<TRetryCandidate["deadLetter"]>> | null;
  } = {},
): TRetryCandidate {
  n += 1;
  return {
    tenantId: overrides.tenantId ?? "t-acme",
    tenantName: overrides.tenantName ?? "Acme",
    messageId: `m-${n}`,
    message:
      overrides.message === null
        ? null
        : {
            state: "dead_lettered",
            contentKind: "template",
            templateName: "order_update",
            templateStatus: "APPROVED",
            templateCategory: "UTILITY",
            requestedAt: ago(2 * H),
            contact: null,
            ...overrides.message,
            sender: {
              displayNumber: "+15550101001",
              hold: null,
              pausedAt: null,
              pausedReason: null,
              ...overrides.sender,
            },
          },
    deadLetter:
      overrides.deadLetter === null
        ? null
        : {
            status: "open",
            errorCode: "131000",
            reasonClass: "exhausted",
            deadLetteredAt: ago(H),
            ...overrides.deadLetter,
          },
  };
}

const kindsOf = (c: TRetryCandidate) => retryWarnings(c, NOW).map((w) => `${w.kind}/${w.severity}`);

describe("retryWarnings", () => {
  it("a template message that ran out of transient retries on a healthy number: nothing to warn", () => {
    expect(kindsOf(candidate())).toEqual([]);
  });

  it("free-form text older than 24 hours: the customer-service window has likely closed", () => {
    const warnings = retryWarnings(
      candidate({ message: { contentKind: "text", templateName: null, requestedAt: ago(30 * H) } }),
      NOW,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: "window_closed", severity: "will_fail" });
    expect(warnings[0]?.detail).toContain("30 h ago");
    // within the window: no warning
    expect(kindsOf(candidate({ message: { contentKind: "text", requestedAt: ago(3 * H) } }))).toEqual([]);
  });

  it("131047 on free-form text is a closed window whatever the age, and not also a permanent error", () => {
    expect(
      kindsOf(
        candidate({
          message: { contentKind: "text", requestedAt: ago(H) },
          deadLetter: { errorCode: "131047", reasonClass: "permanent" },
        }),
      ),
    ).toEqual(["window_closed/will_fail"]);
  });

  it("the user's last inbound message decides the window when Meta's webhooks told it", () => {
    const text = (
      lastInboundAt: Date | null,
      errorCode = "131047",
      reasonClass: "permanent" | "exhausted" = "permanent",
    ) =>
      candidate({
        message: {
          contentKind: "text",
          templateName: null,
          requestedAt: ago(2 * H),
          contact: { lastInboundAt, marketingOptedOut: false },
        },
        deadLetter: { errorCode, reasonClass },
      });
    // refused with 131047, but the user wrote an hour ago: the window is open again
    expect(kindsOf(text(ago(H)))).toEqual([]);
    // the user last wrote 30 h ago: closed, said with the real age, however recent the request
    const closed = retryWarnings(text(ago(30 * H), "131000", "exhausted"), NOW);
    expect(closed.map((w) => w.kind)).toEqual(["window_closed"]);
    expect(closed[0]?.detail).toContain("The user last wrote 30 h ago");
    // refused before sending for the window, the user wrote since: nothing left to warn about
    expect(kindsOf(text(ago(H), "waybill.outside_service_window"))).toEqual([]);
  });

  it("a marketing template to a user who opted out will fail; a utility template is not concerned", () => {
    const optedOut = { lastInboundAt: null, marketingOptedOut: true };
    expect(
      kindsOf(
        candidate({
          message: { templateCategory: "MARKETING", contact: optedOut },
          deadLetter: { errorCode: "131050", reasonClass: "permanent" },
        }),
      ),
    ).toEqual(["recipient_opted_out/will_fail"]);
    expect(kindsOf(candidate({ message: { templateCategory: "UTILITY", contact: optedOut } }))).toEqual([]);
    expect(
      kindsOf(
        candidate({
          message: { templateCategory: "MARKETING", contact: { ...optedOut, marketingOptedOut: false } },
        }),
      ),
    ).toEqual([]);
  });

  it("a paused, disabled or rejected template", () => {
    for (const status of ["PAUSED", "DISABLED", "REJECTED"]) {
      const [warning] = retryWarnings(candidate({ message: { templateStatus: status } }), NOW);
      expect(warning).toMatchObject({ kind: "template_unavailable", severity: "will_fail" });
      expect(warning?.title.toLowerCase()).toContain(status.toLowerCase());
    }
    // 132015 (template paused) with no known status still warns, once
    expect(
      kindsOf(
        candidate({
          message: { templateStatus: null },
          deadLetter: { errorCode: "132015", reasonClass: "permanent" },
        }),
      ),
    ).toEqual(["template_unavailable/will_fail"]);
  });

  it("recipient capped: 131049 within a day will fail, after a day may fail; 131056 is paced", () => {
    expect(
      kindsOf(
        candidate({
          deadLetter: { errorCode: "131049", reasonClass: "permanent", deadLetteredAt: ago(2 * H) },
        }),
      ),
    ).toEqual(["recipient_capped/will_fail"]);
    expect(
      kindsOf(
        candidate({
          deadLetter: { errorCode: "131049", reasonClass: "permanent", deadLetteredAt: ago(30 * H) },
        }),
      ),
    ).toEqual(["recipient_capped/may_fail"]);
    expect(kindsOf(candidate({ deadLetter: { errorCode: "131056", reasonClass: "exhausted" } }))).toEqual([
      "recipient_capped/delayed",
    ]);
  });

  it("the sender: paused, held by its health, or blocked when it was dead-lettered", () => {
    expect(kindsOf(candidate({ sender: { pausedAt: ago(H), pausedReason: "190 (token expired)" } }))).toEqual(
      ["sender_unavailable/delayed"],
    );
    expect(
      kindsOf(
        candidate({
          sender: {
            hold: {
              hardHold: { code: "disconnected", reason: "number disconnected (ACCOUNT_OFFBOARDED)" },
              templateHold: null,
              override: null,
              rateCeiling: null,
            },
          },
        }),
      ),
    ).toEqual(["sender_unavailable/will_fail"]);
    expect(
      kindsOf(
        candidate({
          sender: {
            hold: {
              hardHold: { code: "token_invalid", reason: "the sender's access token is invalid" },
              templateHold: null,
              override: null,
              rateCeiling: null,
            },
          },
        }),
      ),
    ).toEqual(["sender_unavailable/delayed"]);
    expect(kindsOf(candidate({ deadLetter: { errorCode: "190", reasonClass: "sender" } }))).toEqual([
      "sender_unavailable/may_fail",
    ]);
  });

  it("a flagged number is not a sender problem: a flag holds nothing", () => {
    // what a FLAGGED quality update leaves in the view: no hard hold, no template hold
    const flagged = { hardHold: null, templateHold: null, override: null, rateCeiling: 80 };
    expect(kindsOf(candidate({ sender: { hold: flagged } }))).toEqual([]);
  });

  it("a business-messaging restriction holds a template retry until its expiry, not a free-form one", () => {
    const restricted = {
      hardHold: null,
      templateHold: { reason: "business-initiated messaging restricted by Meta", untilMs: NOW.getTime() + H },
      override: null,
      rateCeiling: null,
    };
    const [warning] = retryWarnings(candidate({ sender: { hold: restricted } }), NOW);
    expect(warning).toMatchObject({
      kind: "sender_unavailable",
      severity: "delayed",
      key: "sender_unavailable:biz_messaging_restricted",
    });
    expect(warning?.detail).toContain("until the hold lifts");
    expect(
      kindsOf(
        candidate({ message: { contentKind: "text", requestedAt: ago(H) }, sender: { hold: restricted } }),
      ),
    ).toEqual([]);
    // past its expiry the restriction holds nothing
    expect(
      retryWarnings(candidate({ sender: { hold: restricted } }), new Date(NOW.getTime() + 2 * H)),
    ).toEqual([]);
  });

  it("an operator's hold delays the retry; an operator's send-despite lifts a hard hold", () => {
    const until = NOW.getTime() + H;
    const held = {
      hardHold: null,
      templateHold: null,
      override: {
        mode: "hold" as const,
        reason: "rotating the token",
        actor: "user:e@x",
        expiresAtMs: until,
      },
      rateCeiling: null,
    };
    expect(kindsOf(candidate({ sender: { hold: held } }))).toEqual(["sender_unavailable/delayed"]);
    const despite = {
      hardHold: { code: "disconnected" as const, reason: "number disconnected (ACCOUNT_OFFBOARDED)" },
      templateHold: null,
      override: { mode: "send" as const, reason: "Meta confirmed", actor: "user:e@x", expiresAtMs: until },
      rateCeiling: null,
    };
    expect(kindsOf(candidate({ sender: { hold: despite } }))).toEqual([]);
  });

  it("a permanent error (131026, an invalid number) will fail again", () => {
    const [warning] = retryWarnings(
      candidate({ deadLetter: { errorCode: "131026", reasonClass: "permanent" } }),
      NOW,
    );
    expect(warning).toMatchObject({
      kind: "permanent_error",
      severity: "will_fail",
      key: "permanent_error:131026",
    });
    expect(warning?.title).toContain("Message undeliverable");
    expect(kindsOf(candidate({ deadLetter: { errorCode: "131009", reasonClass: "permanent" } }))).toEqual([
      "permanent_error/will_fail",
    ]);
  });
});

describe("assessBulk", () => {
  it("counts, tenants, skips and grouped warnings", () => {
    const selection = [
      candidate({ deadLetter: { errorCode: "131026", reasonClass: "permanent" } }),
      candidate({ deadLetter: { errorCode: "131026", reasonClass: "permanent" } }),
      candidate({
        tenantId: "t-globex",
        tenantName: "Globex",
        deadLetter: { errorCode: "131026", reasonClass: "permanent" },
      }),
      candidate({ message: { contentKind: "text", requestedAt: ago(48 * H) } }),
      candidate(),
      candidate({ deadLetter: { status: "retry_pending" } }),
      candidate({ deadLetter: { status: "discarded" } }),
      candidate({ deadLetter: null }),
      candidate({ message: null }),
      candidate({ message: { state: "delivered" } }),
    ];
    const a = assessBulk("retry", [...selection, selection[0]!], NOW);
    expect(a.selected).toBe(10); // the repeated one counted once
    expect(a.actionable).toBe(5);
    expect(a.likelyToFail).toBe(4);
    expect(a.skipped).toBe(5);
    expect(a.tenants).toEqual([
      { tenantId: "t-acme", tenantName: "Acme", count: 4 },
      { tenantId: "t-globex", tenantName: "Globex", count: 1 },
    ]);
    expect(a.skips.map((s) => s.reason).sort()).toEqual(
      ["discarded", "not_dead_lettered", "not_found", "retry_pending", "state_changed"].sort(),
    );
    const permanent = a.warnings.find((w) => w.key === "permanent_error:131026");
    expect(permanent).toMatchObject({ count: 3, severity: "will_fail" });
    expect(permanent?.tenants).toEqual([
      { tenantId: "t-acme", tenantName: "Acme", count: 2 },
      { tenantId: "t-globex", tenantName: "Globex", count: 1 },
    ]);
    expect(a.warnings.find((w) => w.kind === "window_closed")?.count).toBe(1);
    expect(a.items.filter((i) => i.verdict === "skip").every((i) => i.warnings.length === 0)).toBe(true);
  });

  it("a discard has no send warnings, only skips", () => {
    const a = assessBulk(
      "discard",
      [
        candidate({ deadLetter: { errorCode: "131026", reasonClass: "permanent" } }),
        candidate({ deadLetter: { status: "acknowledged" } }),
      ],
      NOW,
    );
    expect(a).toMatchObject({ actionable: 1, skipped: 1, likelyToFail: 0, warnings: [] });
  });

  it("the approval threshold: at or below acts at once, above needs a second engineer", () => {
    expect(needsApproval(20, 20)).toBe(false);
    expect(needsApproval(21, 20)).toBe(true);
  });
});
