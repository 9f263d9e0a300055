// What a ledger append does besides recording facts: the one list of projectors, run in the
// append's transaction (server/services/ledger/projector.ts has the contract). Every process that
// appends installs it where it starts (worker, web runtime, CLI, seed, benches, integration tests),
// so the ledger itself imports no other service. A new projector (trigger outbox, usage metering)
// is written beside the data it owns and added here.
import { deadLetterProjector } from "@/server/services/dead-letters/projection";
import { orphanReattachProjector } from "@/server/services/ingest/orphans";
import { insightDeltaProjector } from "@/server/services/insights/rollup-deltas";
import { installLedgerProjectors } from "@/server/services/ledger/installed";
import { messageProjector } from "@/server/services/ledger/message-projection";
import type { TLedgerProjector } from "@/server/services/ledger/projector";
import { triggerOutboxProjector } from "@/server/services/triggers/trigger-projector";
import { usageProjector } from "@/server/services/usage/usage-projector";

export const LEDGER_PROJECTORS: readonly TLedgerProjector[] = [
  // the message row (state, head hash, fold state) first: the ledger's own projection
  messageProjector,
  deadLetterProjector,
  insightDeltaProjector,
  // business events to tenants' endpoints (the outbox), exactly once per message and type
  triggerOutboxProjector,
  // usage metered from Meta's pricing objects, once per message
  usageProjector,
  // follow-ups only: orphan statuses join the message whose wamid the batch accepted
  orphanReattachProjector,
];

/** Installs the list for this process; call once where the process starts. */
export function installProjectors(): void {
  installLedgerProjectors(LEDGER_PROJECTORS);
}
