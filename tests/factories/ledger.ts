// Ledger drafts for tests and the demo seed: the domain's own constructors (the writers use the
// same ones), so a test's draft is shaped exactly like production's.
import { eventDrafts } from "@/server/domain/ledger/event-drafts";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";

export const drafts = eventDrafts;

export const UNDELIVERABLE: TLedgerError = {
  code: "131026",
  title: "Message undeliverable",
  message: "Message undeliverable",
  details: null,
};
