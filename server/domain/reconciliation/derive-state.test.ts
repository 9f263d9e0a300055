import { describe, expect, it } from "vitest";

import {
  acceptedPipeline,
  at,
  build,
  receipt,
  T0,
  TEST_ERRORS,
  TEST_MESSAGE_ID,
} from "../ledger/build-test-events";
import { countDuplicates, describeReceipts } from "../ledger/group-receipts";
import { MANUAL_ACTIONS, type TLedgerEvent } from "../ledger/ledger-event";
import { deriveState, pickDeciderReceipt } from "./derive-state";
import { MESSAGE_STATES, type TMessageState } from "./message-state";
import { CONFLICT_KINDS, RULES_V1, type TConflictKind, type TRuleId } from "./rules";

type TCase = {
  name: string;
  events: TLedgerEvent[];
  state: TMessageState;
  decider: string | null;
  explanation: string;
  conflicts?: TConflictKind[];
  rules?: TRuleId[];
};

const derive = (events: readonly TLedgerEvent[]) => deriveState(events, RULES_V1);

const allCases: TCase[] = [];

function runTable(cases: readonly TCase[]): void {
  allCases.push(...cases);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const derived = derive(c.events);
    expect(derived.state).toBe(c.state);
    expect(derived.decider?.dedupeKey ?? null).toBe(c.decider);
    expect(derived.explanation).toBe(c.explanation);
    expect(derived.conflicts.map((conflict) => conflict.kind)).toEqual(c.conflicts ?? []);
    if (c.rules) expect(derived.appliedRules).toEqual(c.rules);
    // Every table case must also hold backwards: arrival order never matters.
    expect(derive([...c.events].reverse())).toEqual(derived);
  });
}

const UNDELIVERABLE = "131026: Message undeliverable";
const RATE_LIMIT = "130429: Rate limit hit";

describe("deriveState: the synchronous pipeline (R4, R13)", () => {
  runTable([
    {
      name: "R13 an empty ledger is queued with no decider",
      events: [],
      state: "queued",
      decider: null,
      explanation: "queued: no state-changing event recorded",
      rules: ["R13"],
    },
    {
      name: "requested -> queued",
      events: [build.requested()],
      state: "queued",
      decider: "requested",
      explanation: "queued: requested, no attempt started yet",
      rules: ["R4"],
    },
    {
      name: "attempt_started -> submitting",
      events: [build.requested(), build.started(1)],
      state: "submitting",
      decider: "attempt:1:started",
      explanation: "submitting: attempt 1 started, provider response not recorded",
    },
    {
      name: "provider_accepted -> accepted",
      events: acceptedPipeline(),
      state: "accepted",
      decider: "attempt:1:accepted",
      explanation: "accepted: provider accepted attempt 1, no status webhook yet",
    },
    {
      name: "provider_rejected -> rejected",
      events: [build.requested(), build.started(1), build.rejected(1, TEST_ERRORS.invalidParameter)],
      state: "rejected",
      decider: "attempt:1:rejected",
      explanation: "rejected: provider rejected attempt 1 (131009: Parameter value not valid)",
    },
    {
      name: "retry_scheduled after a rejection -> retrying",
      events: [build.requested(), build.started(1), build.rejected(1), build.retry(2)],
      state: "retrying",
      decider: "attempt:2:scheduled",
      explanation: `retrying: attempt 2 scheduled (${RATE_LIMIT})`,
    },
    {
      name: "the retried attempt starts -> submitting (attempt 2)",
      events: [build.requested(), build.started(1), build.rejected(1), build.retry(2), build.started(2)],
      state: "submitting",
      decider: "attempt:2:started",
      explanation: "submitting: attempt 2 started, provider response not recorded",
    },
    {
      name: "the retried attempt is accepted -> accepted (attempt 2)",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.retry(2),
        build.started(2),
        build.accepted(2),
      ],
      state: "accepted",
      decider: "attempt:2:accepted",
      explanation: "accepted: provider accepted attempt 2, no status webhook yet",
    },
    {
      name: "dead_lettered after the last rejection -> dead_lettered",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.retry(2),
        build.started(2),
        build.rejected(2),
        build.deadLettered(2),
      ],
      state: "dead_lettered",
      decider: "dead_lettered:2",
      explanation: `dead_lettered: stopped at attempt 2, retry budget exhausted (${RATE_LIMIT})`,
    },
    {
      name: "an operator retry after a dead letter -> retrying (attempt 3)",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.deadLettered(1),
        build.retry(2, { error: null }),
      ],
      state: "retrying",
      decider: "attempt:2:scheduled",
      explanation: "retrying: attempt 2 scheduled",
    },
    {
      name: "a scheduled retry that cannot run is dead-lettered at the scheduled attempt",
      events: [build.requested(), build.started(1), build.rejected(1), build.retry(2), build.deadLettered(2)],
      state: "dead_lettered",
      decider: "dead_lettered:2",
      explanation: `dead_lettered: stopped at attempt 2, retry budget exhausted (${RATE_LIMIT})`,
    },
    {
      name: "an async failure of attempt 1 is history once attempt 2 starts",
      events: [...acceptedPipeline(), build.failed({ at: 5 }), build.retry(2), build.started(2)],
      state: "submitting",
      decider: "attempt:2:started",
      explanation: "submitting: attempt 2 started, provider response not recorded",
    },
  ]);
});

describe("deriveState: status webhooks (R4-R7)", () => {
  runTable([
    {
      name: "sent",
      events: [...acceptedPipeline(), build.status("sent", { at: 1 })],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation: "sent: provider reported sent for attempt 1",
    },
    {
      name: "delivered",
      events: [...acceptedPipeline(), build.status("sent", { at: 1 }), build.status("delivered", { at: 2 })],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation: "delivered: provider reported delivered for attempt 1",
      rules: ["R5"],
    },
    {
      name: "read",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 2 }),
        build.status("read", { at: 3 }),
      ],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation: "read: provider reported read for attempt 1",
    },
    {
      name: "played outranks read",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 2 }),
        build.status("read", { at: 3 }),
        build.status("played", { at: 4 }),
      ],
      state: "played",
      decider: "status:wamid.A1:played",
      explanation: "played: provider reported played for attempt 1",
    },
    {
      name: "R6 read implies delivered (Meta skips delivered when the user is in the chat)",
      events: [...acceptedPipeline(), build.status("sent", { at: 1 }), build.status("read", { at: 3 })],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation:
        "read: provider reported read for attempt 1; read implies delivered; delivered webhook never came",
      rules: ["R5", "R6"],
    },
    {
      name: "R6 read alone implies delivered and sent",
      events: [...acceptedPipeline(), build.status("read", { at: 3 })],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation:
        "read: provider reported read for attempt 1; read implies delivered and sent; delivered and sent webhooks never came",
    },
    {
      name: "R6 delivered without sent",
      events: [...acceptedPipeline(), build.status("delivered", { at: 2 })],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation:
        "delivered: provider reported delivered for attempt 1; delivered implies sent; sent webhook never came",
    },
    {
      name: "R6 played alone implies read, delivered and sent",
      events: [...acceptedPipeline(), build.status("played", { at: 4 })],
      state: "played",
      decider: "status:wamid.A1:played",
      explanation:
        "played: provider reported played for attempt 1; played implies read and delivered and sent; read and delivered and sent webhooks never came",
    },
    {
      name: "R6 in doubt: a sent webhook proves acceptance when the accept response was never recorded",
      events: [build.requested(), build.started(1), build.status("sent", { at: 1 })],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation:
        "sent: provider reported sent for attempt 1; sent webhook proves acceptance; accept response never recorded",
      rules: ["R4", "R6"],
    },
    {
      name: "R7 a delivered timestamped after read does not move state back",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("read", { at: 3 }),
        build.status("delivered", { at: 5 }),
      ],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation: "read: provider reported read for attempt 1; late delivered ignored after read",
      rules: ["R5", "R7"],
    },
    {
      name: "R7 several late lower statuses are listed highest first",
      events: [
        ...acceptedPipeline(),
        build.status("played", { at: 3 }),
        build.status("sent", { at: 9 }),
        build.status("read", { at: 4 }),
        build.status("delivered", { at: 8 }),
      ],
      state: "played",
      decider: "status:wamid.A1:played",
      explanation:
        "played: provider reported played for attempt 1; late read ignored after played; late delivered ignored after played; late sent ignored after played",
    },
    {
      name: "failed after sent is an outcome",
      events: [...acceptedPipeline(), build.status("sent", { at: 1 }), build.failed({ at: 5 })],
      state: "failed",
      decider: "status:wamid.A1:failed",
      explanation: `failed: provider reported failed for attempt 1 (${UNDELIVERABLE})`,
    },
    {
      name: "R7 a late sent is ignored after failed",
      events: [...acceptedPipeline(), build.failed({ at: 5 }), build.status("sent", { at: 8 })],
      state: "failed",
      decider: "status:wamid.A1:failed",
      explanation: `failed: provider reported failed for attempt 1 (${UNDELIVERABLE}); late sent ignored after failed`,
    },
    {
      name: "failed without an accept response proves acceptance too",
      events: [build.requested(), build.started(1), build.failed({ at: 5 })],
      state: "failed",
      decider: "status:wamid.A1:failed",
      explanation: `failed: provider reported failed for attempt 1 (${UNDELIVERABLE}); failed webhook proves acceptance; accept response never recorded`,
    },
    {
      name: "R3 an unattributed webhook belongs to the latest started attempt",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.retry(2),
        build.started(2),
        build.accepted(2),
        build.status("sent", { attempt: null, at: 130, wamid: "wamid.A2" }),
      ],
      state: "sent",
      decider: "status:wamid.A2:sent",
      explanation: "sent: provider reported sent for attempt 2",
      rules: ["R3", "R4"],
    },
    {
      name: "R3 an unattributed webhook never belongs to a retry that has not started",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.retry(2),
        build.status("sent", { attempt: null, at: 70 }),
      ],
      state: "retrying",
      decider: "attempt:2:scheduled",
      explanation: `retrying: attempt 2 scheduled (${RATE_LIMIT}); conflict superseded_attempt_accepted: attempt 1 was accepted by the provider (sent) but attempt 2 followed, the recipient may get the message twice; conflict rejection_contradicted: attempt 1 was rejected (${RATE_LIMIT}) but the provider accepted it, acceptance wins`,
      conflicts: ["superseded_attempt_accepted", "rejection_contradicted"],
    },
    {
      name: "R12 two facts at one position: the earlier provider timestamp decides",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 7, wamid: "wamid.A1b" }),
        build.status("sent", { at: 3 }),
      ],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation: "sent: provider reported sent for attempt 1",
    },
    {
      name: "R12 equal provider timestamps: the smaller dedupeKey decides, whichever was recorded first",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 3, wamid: "wamid.A1b", recordedAt: at(4) }),
        build.status("sent", { at: 3, recordedAt: at(9) }),
      ],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation: "sent: provider reported sent for attempt 1",
    },
  ]);
});

describe("deriveState: conflicts (R5, R8-R11, R1)", () => {
  runTable([
    {
      name: "R8 delivered_after_failed: delivery wins (multi-device)",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.failed({ at: 5 }),
        build.status("delivered", { at: 8 }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation: `delivered: provider reported delivered for attempt 1; conflict delivered_after_failed: provider also reported failed (${UNDELIVERABLE}) for attempt 1, delivered wins`,
      conflicts: ["delivered_after_failed"],
      rules: ["R5", "R8"],
    },
    {
      name: "R8 read_after_failed: read wins",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 2 }),
        build.failed({ at: 5 }),
        build.status("read", { at: 8 }),
      ],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation: `read: provider reported read for attempt 1; conflict read_after_failed: provider also reported failed (${UNDELIVERABLE}) for attempt 1, read wins`,
      conflicts: ["read_after_failed"],
    },
    {
      name: "R8 read_after_failed also covers played",
      events: [...acceptedPipeline(), build.failed({ at: 5 }), build.status("played", { at: 8 })],
      state: "played",
      decider: "status:wamid.A1:played",
      explanation: `played: provider reported played for attempt 1; played implies read and delivered and sent; read and delivered and sent webhooks never came; conflict read_after_failed: provider also reported failed (${UNDELIVERABLE}) for attempt 1, played wins`,
      conflicts: ["read_after_failed"],
    },
    {
      name: "R8 failed_after_delivered: a failure timestamped later still loses to delivery",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 4 }),
        build.failed({ at: 9 }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation: `delivered: provider reported delivered for attempt 1; conflict failed_after_delivered: provider reported failed (${UNDELIVERABLE}) for attempt 1 after delivered, delivered wins`,
      conflicts: ["failed_after_delivered"],
    },
    {
      name: "R8 equal timestamps are not 'after': delivered_after_failed",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 4 }),
        build.failed({ at: 4 }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation: `delivered: provider reported delivered for attempt 1; conflict delivered_after_failed: provider also reported failed (${UNDELIVERABLE}) for attempt 1, delivered wins`,
      conflicts: ["delivered_after_failed"],
    },
    {
      name: "R8 a failure without a timestamp is not 'after' either",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 4 }),
        build.failed({ at: null }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation: `delivered: provider reported delivered for attempt 1; conflict delivered_after_failed: provider also reported failed (${UNDELIVERABLE}) for attempt 1, delivered wins`,
      conflicts: ["delivered_after_failed"],
    },
    {
      name: "R5 superseded_attempt_delivered: a late delivery of attempt 1 beats attempt 2",
      events: [
        ...acceptedPipeline(),
        build.status("delivered", { at: 200 }),
        build.retry(2, { error: null }),
        build.started(2),
        build.accepted(2),
        build.failed({ attempt: 2, at: 150 }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation:
        "delivered: provider reported delivered for attempt 1; delivered implies sent; sent webhook never came; conflict superseded_attempt_delivered: attempt 1 reached the recipient (delivered) but attempt 2 followed, the recipient may get the message twice",
      conflicts: ["superseded_attempt_delivered"],
    },
    {
      name: "R5 the highest delivery status wins across attempts",
      events: [
        ...acceptedPipeline(),
        build.status("read", { at: 30 }),
        build.retry(2, { error: null }),
        build.started(2),
        build.accepted(2),
        build.status("sent", { attempt: 2, at: 100 }),
        build.status("delivered", { attempt: 2, at: 101 }),
      ],
      state: "read",
      decider: "status:wamid.A1:read",
      explanation:
        "read: provider reported read for attempt 1; read implies delivered and sent; delivered and sent webhooks never came; conflict superseded_attempt_delivered: attempt 1 reached the recipient (read) but attempt 2 followed, the recipient may get the message twice",
      conflicts: ["superseded_attempt_delivered"],
    },
    {
      name: "R4 superseded_attempt_accepted: an in-doubt attempt resolved as not sent had in fact been sent",
      events: [
        build.requested(),
        build.started(1),
        build.manual("resolve_in_doubt"),
        build.retry(2, { error: null }),
        build.started(2),
        build.accepted(2),
        build.status("sent", { attempt: 1, at: 65 }),
      ],
      state: "accepted",
      decider: "attempt:2:accepted",
      explanation:
        "accepted: provider accepted attempt 2, no status webhook yet; conflict superseded_attempt_accepted: attempt 1 was accepted by the provider (sent) but attempt 2 followed, the recipient may get the message twice",
      conflicts: ["superseded_attempt_accepted"],
      rules: ["R4"],
    },
    {
      name: "R4 an attempt that failed and was retried is not flagged",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.failed({ at: 5 }),
        build.retry(2, { error: null }),
        build.started(2),
        build.accepted(2),
      ],
      state: "accepted",
      decider: "attempt:2:accepted",
      explanation: "accepted: provider accepted attempt 2, no status webhook yet",
    },
    {
      name: "R10 rejection_contradicted by a webhook: the webhook wins",
      events: [build.requested(), build.started(1), build.rejected(1), build.status("sent", { at: 1 })],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation: `sent: provider reported sent for attempt 1; sent webhook proves acceptance; accept response never recorded; conflict rejection_contradicted: attempt 1 was rejected (${RATE_LIMIT}) but the provider accepted it, acceptance wins`,
      conflicts: ["rejection_contradicted"],
      rules: ["R4", "R6", "R10"],
    },
    {
      name: "R10 rejection_contradicted by an accept response: accepted wins",
      events: [build.requested(), build.started(1), build.rejected(1), build.accepted(1)],
      state: "accepted",
      decider: "attempt:1:accepted",
      explanation: `accepted: provider accepted attempt 1, no status webhook yet; conflict rejection_contradicted: attempt 1 was rejected (${RATE_LIMIT}) but the provider accepted it, acceptance wins`,
      conflicts: ["rejection_contradicted"],
    },
    {
      name: "R11 dead_letter_contradicted: support resolved an in-doubt attempt as accepted",
      events: [
        build.requested(),
        build.started(1),
        build.deadLettered(1, { reason: "attempt in doubt", error: null }),
        build.manual("resolve_in_doubt"),
        build.accepted(1, { source: "operator" }),
      ],
      state: "accepted",
      decider: "attempt:1:accepted",
      explanation:
        "accepted: provider accepted attempt 1, no status webhook yet; conflict dead_letter_contradicted: attempt 1 was dead-lettered but the provider accepted it, acceptance wins",
      conflicts: ["dead_letter_contradicted"],
      rules: ["R4", "R11"],
    },
    {
      name: "R11 a late webhook of a dead-lettered attempt wins over the dead letter",
      events: [
        build.requested(),
        build.started(1),
        build.deadLettered(1, { reason: "attempt in doubt", error: null }),
        build.status("delivered", { at: 90 }),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation:
        "delivered: provider reported delivered for attempt 1; delivered implies sent; sent webhook never came; delivered webhook proves acceptance; accept response never recorded; conflict dead_letter_contradicted: attempt 1 was dead-lettered but the provider accepted it, acceptance wins",
      conflicts: ["dead_letter_contradicted"],
    },
    {
      name: "R1 divergent_duplicates: two receipts of one key disagree; the smaller content is the fact",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("sent", { at: 2, id: "second-receipt", recordedAt: at(30) }),
      ],
      state: "sent",
      decider: "status:wamid.A1:sent",
      explanation:
        "sent: provider reported sent for attempt 1; conflict divergent_duplicates: receipts of status:wamid.A1:sent differ, the canonical one was used",
      conflicts: ["divergent_duplicates"],
      rules: ["R1", "R4"],
    },
  ]);
});

describe("deriveState: cancel (R9)", () => {
  const CANCELLED = "cancelled: cancelled before any provider had the message";
  runTable([
    {
      name: "cancel before any attempt -> cancelled",
      events: [build.requested(), build.cancelled()],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
      rules: ["R9"],
    },
    {
      name: "cancel while submitting -> cancelled (if the attempt went through, its webhooks will undo this)",
      events: [build.requested(), build.started(1), build.cancelled()],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
    },
    {
      name: "cancel after a rejection -> cancelled",
      events: [build.requested(), build.started(1), build.rejected(1), build.cancelled()],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
    },
    {
      name: "cancel while retrying -> cancelled",
      events: [...acceptedPipeline(), build.failed({ at: 5 }), build.retry(2), build.cancelled()],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
    },
    {
      name: "cancel of a dead letter -> cancelled",
      events: [
        build.requested(),
        build.started(1),
        build.rejected(1),
        build.deadLettered(1),
        build.cancelled(),
      ],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
    },
    {
      name: "two cancels: the smallest dedupeKey decides",
      events: [
        build.requested(),
        build.cancelled({ requestId: "req_2" }),
        build.cancelled({ requestId: "req_1" }),
      ],
      state: "cancelled",
      decider: "cancelled:req_1",
      explanation: CANCELLED,
    },
    {
      name: "cancel after acceptance cannot unsend: recorded, flagged, state unchanged",
      events: [...acceptedPipeline(), build.cancelled()],
      state: "accepted",
      decider: "attempt:1:accepted",
      explanation:
        "accepted: provider accepted attempt 1, no status webhook yet; conflict cancel_not_honoured: cancel recorded but the provider already had the message (accepted), a cancel cannot unsend",
      conflicts: ["cancel_not_honoured"],
      rules: ["R4", "R9"],
    },
    {
      name: "cancel after delivery is flagged",
      events: [
        ...acceptedPipeline(),
        build.status("sent", { at: 1 }),
        build.status("delivered", { at: 2 }),
        build.cancelled(),
      ],
      state: "delivered",
      decider: "status:wamid.A1:delivered",
      explanation:
        "delivered: provider reported delivered for attempt 1; conflict cancel_not_honoured: cancel recorded but the provider already had the message (delivered), a cancel cannot unsend",
      conflicts: ["cancel_not_honoured"],
    },
    {
      name: "cancel of a message the provider failed: failed stays, flagged",
      events: [...acceptedPipeline(), build.failed({ at: 5 }), build.cancelled()],
      state: "failed",
      decider: "status:wamid.A1:failed",
      explanation: `failed: provider reported failed for attempt 1 (${UNDELIVERABLE}); conflict cancel_not_honoured: cancel recorded but the provider already had the message (failed), a cancel cannot unsend`,
      conflicts: ["cancel_not_honoured"],
    },
    {
      name: "a manual_action cancel alone is only audit: the cancelled event decides",
      events: [build.requested(), build.manual("cancel")],
      state: "queued",
      decider: "requested",
      explanation: "queued: requested, no attempt started yet",
    },
  ]);
});

describe("deriveState: inert events (R2)", () => {
  const base = [...acceptedPipeline(), build.status("sent", { at: 1 })];
  const inert: [string, TLedgerEvent][] = [
    ["annotation", build.annotation()],
    ["stalled_detected", build.stalled()],
    ["state_recomputed", build.recomputed()],
    ...MANUAL_ACTIONS.map((action): [string, TLedgerEvent] => [
      `manual_action ${action}`,
      build.manual(action),
    ]),
  ];
  it.each(inert)(
    "%s never changes the state, decider, explanation, conflicts or timeline",
    (_name, event) => {
      const before = derive(base);
      const after = derive([event, ...base]);
      expect({ ...after, factCount: before.factCount }).toEqual(before);
      expect(after.factCount).toBe(before.factCount + 1);
    },
  );

  it("a ledger of inert events only is queued with no decider", () => {
    const derived = derive([build.annotation(), build.stalled()]);
    expect(derived.state).toBe("queued");
    expect(derived.decider).toBeNull();
    expect(derived.transitions).toEqual([]);
  });
});

describe("deriveState: duplicates (R1)", () => {
  it("identical receipts are one fact", () => {
    const read = build.status("read", { at: 3 });
    const once = derive([...acceptedPipeline(), read]);
    const many = derive([...acceptedPipeline(), read, receipt(read, 1), receipt(read, 2), receipt(read, 3)]);
    expect(many).toEqual(once);
  });

  it("divergent receipts of one key are flagged and resolved by content, not by order", () => {
    const failedA = build.failed({ at: 5, error: TEST_ERRORS.undeliverable });
    const failedB = {
      ...build.failed({ at: 5, error: TEST_ERRORS.rateLimit }),
      id: "other-receipt",
      recordedAt: T0 + 99_000,
    };
    const forward = derive([...acceptedPipeline(), failedA, failedB]);
    const backward = derive([failedB, failedA, ...acceptedPipeline()]);
    expect(backward).toEqual(forward);
    expect(forward.state).toBe("failed");
    // "130429" sorts before "131026": the canonical content carries the rate-limit error.
    expect(forward.explanation).toBe(
      `failed: provider reported failed for attempt 1 (${RATE_LIMIT}); conflict divergent_duplicates: receipts of status:wamid.A1:failed differ, the canonical one was used`,
    );
    expect(forward.conflicts).toEqual([
      {
        kind: "divergent_duplicates",
        rule: "R1",
        attempt: 1,
        dedupeKeys: ["status:wamid.A1:failed"],
        resolution: "receipts of status:wamid.A1:failed differ, the canonical one was used",
      },
    ]);
  });
});

describe("deriveState: the worst order", () => {
  // Meta delivers the webhooks of one message in the worst order it can: read, failed, delivered,
  // sent, then read again (an at-least-once re-delivery). Provider timestamps tell the real story:
  // sent 12:00:00, delivered 12:00:05, failed 12:00:07 (a second device), read 12:00:10.
  const pipeline = acceptedPipeline();
  const read = build.status("read", { at: 10, recordedAt: at(20) });
  const failed = build.failed({ at: 7, recordedAt: at(21) });
  const delivered = build.status("delivered", { at: 5, recordedAt: at(22) });
  const sent = build.status("sent", { at: 0, recordedAt: at(23) });
  const readAgain = receipt(read, 1, 2 * 86_400_000);
  const arrivals = [...pipeline, read, failed, delivered, sent, readAgain];

  it("ends read, with the documented explanation and conflict", () => {
    const derived = derive(arrivals);
    expect(derived.state).toBe("read");
    expect(derived.decider).toEqual({
      dedupeKey: "status:wamid.A1:read",
      type: "status_read",
      attempt: 1,
      providerTimestamp: at(10),
    });
    expect(derived.explanation).toBe(
      "read: provider reported read for attempt 1; conflict read_after_failed: provider also reported failed (131026: Message undeliverable) for attempt 1, read wins",
    );
    expect(derived.conflicts).toEqual([
      {
        kind: "read_after_failed",
        rule: "R8",
        attempt: 1,
        dedupeKeys: ["status:wamid.A1:failed", "status:wamid.A1:read"],
        resolution: "provider also reported failed (131026: Message undeliverable) for attempt 1, read wins",
      },
    ]);
    expect(derived.appliedRules).toEqual(["R5", "R8"]);
    expect(derived.since).toBe(at(20)); // the first receipt of read, not the duplicate two days later
    expect(derived.factCount).toBe(7);
  });

  it("tells the timeline in provider order, failed changing nothing", () => {
    expect(derive(arrivals).transitions.map((t) => [t.from, t.to, t.fact.dedupeKey])).toEqual([
      [null, "queued", "requested"],
      ["queued", "submitting", "attempt:1:started"],
      ["submitting", "accepted", "attempt:1:accepted"],
      ["accepted", "sent", "status:wamid.A1:sent"],
      ["sent", "delivered", "status:wamid.A1:delivered"],
      ["delivered", "read", "status:wamid.A1:read"],
    ]);
  });

  it("counts the duplicate read and shows its first receipt", () => {
    const duplicates = countDuplicates(arrivals);
    expect(duplicates.map((group) => [group.dedupeKey, group.receivedCount])).toEqual([
      ["status:wamid.A1:read", 2],
    ]);
    expect(describeReceipts(duplicates[0]!)).toBe("received 2 times over 2 days");
    expect(pickDeciderReceipt(arrivals, derive(arrivals))?.id).toBe(read.id);
  });

  it("is the same for the best order", () => {
    expect(derive([...pipeline, sent, delivered, failed, read, readAgain].reverse())).toEqual(
      derive(arrivals),
    );
  });
});

describe("deriveState: output details", () => {
  it("reports the rules version, latest attempt and retry due time", () => {
    const derived = derive([
      build.requested(),
      build.started(1),
      build.rejected(1),
      build.retry(2, { notBefore: at(90) }),
    ]);
    expect(derived.rulesVersion).toBe(1);
    expect(derived.latestAttempt).toBe(2);
    expect(derived.retryDueAt).toBe(at(90));
    expect(derived.since).toBe(build.retry(2).recordedAt);
  });

  it("refuses to mix two messages' ledgers (a caller bug)", () => {
    expect(() => derive([build.requested(), build.started(1, { messageId: "msg_2" })])).toThrow(/mixed/);
    expect(TEST_MESSAGE_ID).toBe("msg_1");
  });
});

describe("the tables above", () => {
  // Collected while the describe blocks above were registered, before any test runs.
  it("cover every state and every conflict kind", () => {
    expect(new Set(allCases.map((c) => c.state))).toEqual(new Set(MESSAGE_STATES));
    expect(new Set(allCases.flatMap((c) => c.conflicts ?? []))).toEqual(new Set(CONFLICT_KINDS));
  });
});
