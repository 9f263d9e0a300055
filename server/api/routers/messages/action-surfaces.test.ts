// Every surface that offers or performs an operator action reads the same predicates: for each
// message state and dead-letter status, the timeline's buttons, the dead-letter list's row
// actions, the dry run's verdict and the services' own decision agree. A surface that defines its
// own "can this be retried?" fails here as soon as it disagrees for any state.
import { describe, expect, it } from "vitest";
import type { TDeadLetterRow } from "@/server/db/queries/dead-letters";
import { assessBulk, type TBulkKind, type TRetryCandidate } from "@/server/domain/dead-letters/assess-retry";
import { DEAD_LETTER_STATUSES, type TDeadLetterStatus } from "@/server/domain/dead-letters/dead-letter";
import type { TDerived } from "@/server/domain/reconciliation/derive-state";
import { MESSAGE_STATES, type TMessageState } from "@/server/domain/reconciliation/message-state";
import { discardDeadLetterAction, retryDeadLetterAction } from "@/server/services/dead-letters/act";
import type { TActionContext, TOperatorAction } from "@/server/services/operator-actions/run-operator-action";
import { cancelAction } from "@/server/services/sending/cancel-message";
import { retryAction } from "@/server/services/sending/retry-message";
import { forViewer } from "../dead-letters/view";
import { timelineViewer } from "./timeline-viewer";

const NOW = new Date(Date.UTC(2026, 5, 10, 12, 0, 0));

function contextFor<TLoaded>(state: TMessageState, loaded: TLoaded): TActionContext<TLoaded> {
  return {
    input: { tenantId: "t", messageId: "m", reason: "test", operationId: "op", now: NOW },
    actor: "user:engineer@example.test",
    message: {
      senderNumberId: "s",
      recipient: "15550100000",
      createdAt: NOW,
      stored: { state, rulesVersion: 2, deciderKey: null, conflictKinds: [], explanation: "" },
    },
    chain: [],
    // the decisions read the state and the attempt; the rest of a derivation is irrelevant here
    derived: { state, latestAttempt: 1, explanation: "" } as TDerived,
    loaded,
  };
}

/** Whether the service would act (append) rather than refuse. */
function serviceActs<TLoaded>(
  definition: TOperatorAction<TLoaded, unknown>,
  state: TMessageState,
  loaded: TLoaded,
) {
  return definition.decide(contextFor(state, loaded)).kind === "append";
}

function dryRunActs(kind: TBulkKind, state: TMessageState, status: TDeadLetterStatus | null): boolean {
  const candidate: TRetryCandidate = {
    tenantId: "t",
    tenantName: "Tenant",
    messageId: "m",
    message: {
      state,
      contentKind: "template",
      templateName: "order_update",
      templateStatus: "APPROVED",
      templateCategory: "UTILITY",
      requestedAt: NOW,
      contact: null,
      sender: { displayNumber: "+15550101001", hold: null, pausedAt: null, pausedReason: null },
    },
    deadLetter:
      status === null ? null : { status, errorCode: "131000", reasonClass: "exhausted", deadLetteredAt: NOW },
  };
  return assessBulk(kind, [candidate], NOW).items[0]?.verdict === "act";
}

function listRowActs(state: TMessageState, status: TDeadLetterStatus): boolean {
  const row = { messageState: state, status, retriedBy: null, discardedBy: null, cancelledBy: null };
  return forViewer(row as unknown as TDeadLetterRow, "engineer").isActionable;
}

const statuses: (TDeadLetterStatus | null)[] = [...DEAD_LETTER_STATUSES, null];
const cases = MESSAGE_STATES.flatMap((state) => statuses.map((status) => [state, status] as const));

describe("operator actions: buttons, dry run and services agree", () => {
  it.each(cases)("%s with dead letter %s", (state, status) => {
    const deadLetter = status === null ? null : { status };
    // findDeadLetter's row, as the dead-letter actions load it
    const loaded = status === null ? null : ({ status, deadLetterAttempt: 1 } as never);
    const viewer = timelineViewer("engineer", state, deadLetter);

    expect(viewer.canRetry).toBe(serviceActs(retryAction, state, null));
    expect(viewer.canCancel).toBe(serviceActs(cancelAction, state, null));

    const canActOnDeadLetter = viewer.canDiscard;
    expect(serviceActs(discardDeadLetterAction, state, loaded)).toBe(canActOnDeadLetter);
    expect(serviceActs(retryDeadLetterAction, state, loaded)).toBe(canActOnDeadLetter);
    expect(dryRunActs("discard", state, status)).toBe(canActOnDeadLetter);
    expect(dryRunActs("retry", state, status)).toBe(canActOnDeadLetter);
    if (status !== null) expect(listRowActs(state, status)).toBe(canActOnDeadLetter);
    // a dead letter the dry run would retry is a message the timeline lets you retry
    if (canActOnDeadLetter) expect(viewer.canRetry).toBe(true);
  });

  it("offers no action to a role without operations.act", () => {
    for (const [state, status] of cases) {
      const viewer = timelineViewer("support_agent", state, status === null ? null : { status });
      expect([viewer.canRetry, viewer.canCancel, viewer.canDiscard]).toEqual([false, false, false]);
    }
  });
});
