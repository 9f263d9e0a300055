// The projector list of this process, installed once where the process starts (the worker, the
// web runtime, the CLI, the seed, the benches, the integration tests' setup) from the one list in
// server/services/projectors.ts. Kept on globalThis so every bundle of the web process (and
// dev-mode module reloads) sees the one list.
import type { TLedgerProjector } from "./projector";
import { messageProjector } from "./message-projection";

const globalForLedger = globalThis as unknown as { waybillLedgerProjectors?: readonly TLedgerProjector[] };

export function installLedgerProjectors(projectors: readonly TLedgerProjector[]): void {
  // the message row is the ledger's own projection (head hash, fold state): it must come first,
  // so the other projectors' rows never get ahead of it
  if (projectors[0] !== messageProjector)
    throw new Error("the message projection must be the first projector");
  globalForLedger.waybillLedgerProjectors = projectors;
}

export function ledgerProjectors(): readonly TLedgerProjector[] {
  const projectors = globalForLedger.waybillLedgerProjectors;
  if (!projectors)
    throw new Error(
      "ledger projectors are not installed: call installLedgerProjectors (server/services/projectors.ts) where the process starts",
    );
  return projectors;
}
