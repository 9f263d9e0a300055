// What the dead-letter procedures show a viewer: tenant admins see that Waybill staff acted on
// their messages, not who (the audit trail names them), like the sender pause; and whether a
// retry or discard would act on the row, by the predicate the actions and the dry run use.
import type { TDeadLetterRow } from "@/server/db/queries/dead-letters";
import { isCrossTenantRole, type TRole } from "@/server/domain/access/permissions";
import { deadLetterSkipReason } from "@/server/domain/operator-actions/eligibility";

export function maskActor(label: string | null, isStaff: boolean): string | null {
  if (label === null || isStaff) return label;
  return label.startsWith("user:") ? "Waybill staff" : label;
}

export function forViewer(row: TDeadLetterRow, role: TRole): TDeadLetterRow & { isActionable: boolean } {
  const isStaff = isCrossTenantRole(role);
  return {
    ...row,
    isActionable: deadLetterSkipReason(row, row.messageState) === null,
    retriedBy: maskActor(row.retriedBy, isStaff),
    discardedBy: maskActor(row.discardedBy, isStaff),
    cancelledBy: maskActor(row.cancelledBy, isStaff),
  };
}
