// messages.*: search, the timeline and what support does to one message.
import { createTRPCRouter } from "../../trpc";
import { annotate as annotateMessage } from "./annotate";
import { cancel as cancelMessage } from "./cancel";
import { exportEvidence } from "./export-evidence";
import { forceReconcile } from "./force-reconcile";
import { replayWebhook } from "./replay-webhook";
import { getMessageTimeline } from "./get-timeline";
import { revealRecipient } from "./reveal-recipient";
import { searchMessages } from "./search";

export const messagesRouter = createTRPCRouter({
  search: searchMessages,
  timeline: getMessageTimeline,
  revealRecipient,
  annotate: annotateMessage,
  forceReconcile,
  replayWebhook,
  exportEvidence,
  cancel: cancelMessage,
});
