// disputes.*: delivery disputes, their notes and outcomes.
import { createTRPCRouter } from "../../trpc";
import { addNote as addDisputeNote } from "./add-note";
import { listDisputesForMessage } from "./for-message";
import { listDisputes } from "./list";
import { openDispute } from "./open";
import { recordOutcome as recordDisputeOutcome } from "./record-outcome";
import { resolveDispute } from "./resolve";

export const disputesRouter = createTRPCRouter({
  list: listDisputes,
  forMessage: listDisputesForMessage,
  open: openDispute,
  addNote: addDisputeNote,
  recordOutcome: recordDisputeOutcome,
  resolve: resolveDispute,
});
