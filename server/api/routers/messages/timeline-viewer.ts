// What a message page offers its viewer: the role's permissions, and for the actions on the
// message, the eligibility predicates the actions themselves refuse by (messageActions). Every
// action checks again on its own procedure, under the message's lock.
import type { TDeadLetterStatus } from "@/server/domain/dead-letters/dead-letter";
import { hasPermission, type TPermission, type TRole } from "@/server/domain/access/permissions";
import { messageActions } from "@/server/domain/operator-actions/eligibility";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";

export function timelineViewer(
  role: TRole,
  state: TMessageState,
  deadLetter: { status: TDeadLetterStatus } | null,
) {
  const can = (permission: TPermission) => hasPermission(role, permission);
  const canOperate = can("operations.act");
  const actions = messageActions(state, deadLetter);
  return {
    canRevealRecipient: can("message.reveal_recipient"),
    canAnnotate: can("message.annotate"),
    canForceReconcile: canOperate,
    canReplayWebhooks: canOperate,
    canManageDisputes: can("dispute.manage"),
    canExportEvidence: can("message.reveal_recipient"),
    canRetry: canOperate && actions.retry,
    canCancel: canOperate && actions.cancel,
    canDiscard: canOperate && actions.discardDeadLetter,
  };
}
