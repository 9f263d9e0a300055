"use client";
// A message's disputes: the open one with its notes and actions (for dispute.manage holders),
// earlier ones below. Tenant admins and engineers read them.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { DISPUTE_STATUS_LABELS, OUTCOME_LABELS } from "@/components/disputes/dispute-labels";
import {
  DisputeNoteForm,
  OpenDisputeDialog,
  RecordOutcomeDialog,
  ResolveDisputeDialog,
  type TMessageRef,
} from "./action-dialogs";

type TDispute = TRouterOutputs["disputes"]["forMessage"][number];

const NOTE_KIND_LABELS: Record<TDispute["notes"][number]["kind"], string> = {
  opened: "Opened",
  note: "Note",
  outcome: "Outcome",
  resolved: "Resolved",
};

function DisputeItem({
  dispute,
  tenantId,
  canManage,
}: {
  dispute: TDispute;
  tenantId: string;
  canManage: boolean;
}) {
  const [dialog, setDialog] = useState<"outcome" | "resolve" | null>(null);
  const status = DISPUTE_STATUS_LABELS[dispute.status];
  const isOpen = dispute.status === "open";
  return (
    <section aria-label={`Dispute ${dispute.ticketRef}`} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold text-zinc-900">Ticket {dispute.ticketRef}</h3>
        <Badge tone={status.tone} hasDot>
          <span className="sr-only">Status: </span>
          {status.label}
        </Badge>
        {dispute.outcome ? (
          <Badge
            tone={OUTCOME_LABELS[dispute.outcome].tone}
            title={OUTCOME_LABELS[dispute.outcome].description}
          >
            Outcome: {OUTCOME_LABELS[dispute.outcome].label}
          </Badge>
        ) : null}
      </div>
      <p className="text-xs text-zinc-500">
        Opened by {actorText(dispute.openedBy)}, <TimeStamp value={dispute.openedAt} format="short" />
        {dispute.resolvedAt ? (
          <>
            {" "}
            · resolved by {actorText(dispute.resolvedBy ?? "")},{" "}
            <TimeStamp value={dispute.resolvedAt} format="short" />
          </>
        ) : null}
      </p>
      <ol aria-label={`Notes on ticket ${dispute.ticketRef}`} className="flex flex-col gap-2">
        {dispute.notes.map((note) => (
          <li key={note.id} className="rounded-md border border-zinc-200 px-3 py-2">
            <p className="flex flex-wrap items-center gap-x-2 text-xs text-zinc-500">
              <span className="font-medium text-zinc-700">{NOTE_KIND_LABELS[note.kind]}</span>
              {note.outcome ? <span>({OUTCOME_LABELS[note.outcome].label})</span> : null}
              <span>{actorText(note.author)}</span>
              <TimeStamp value={note.createdAt} format="short" />
            </p>
            {note.body ? (
              <p className="mt-0.5 text-sm whitespace-pre-wrap text-zinc-800">{note.body}</p>
            ) : null}
          </li>
        ))}
      </ol>
      {canManage ? (
        <>
          <DisputeNoteForm tenantId={tenantId} disputeId={dispute.id} />
          {isOpen ? (
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" size="sm" onClick={() => setDialog("outcome")}>
                {dispute.outcome ? "Change outcome" : "Record outcome"}
              </Button>
              <Button size="sm" onClick={() => setDialog("resolve")}>
                Resolve dispute
              </Button>
            </div>
          ) : null}
          <RecordOutcomeDialog
            tenantId={tenantId}
            disputeId={dispute.id}
            current={dispute.outcome}
            isOpen={dialog === "outcome"}
            onClose={() => setDialog(null)}
          />
          <ResolveDisputeDialog
            tenantId={tenantId}
            disputeId={dispute.id}
            current={dispute.outcome}
            isOpen={dialog === "resolve"}
            onClose={() => setDialog(null)}
          />
        </>
      ) : null}
    </section>
  );
}

export function DisputesPanel({
  target,
  disputes,
  canManage,
}: {
  target: TMessageRef;
  disputes: TDispute[];
  canManage: boolean;
}) {
  const [isOpening, setIsOpening] = useState(false);
  const hasOpen = disputes.some((d) => d.status === "open");
  return (
    <div className="flex flex-col gap-5">
      {disputes.length === 0 ? (
        <p className="text-sm text-zinc-600">
          No disputes on this message.
          {canManage ? " Open one when a tenant challenges its delivery." : ""}
        </p>
      ) : (
        disputes.map((dispute) => (
          <DisputeItem key={dispute.id} dispute={dispute} tenantId={target.tenantId} canManage={canManage} />
        ))
      )}
      {canManage && !hasOpen ? (
        <div>
          <Button variant="secondary" onClick={() => setIsOpening(true)}>
            Open dispute
          </Button>
          <OpenDisputeDialog target={target} isOpen={isOpening} onClose={() => setIsOpening(false)} />
        </div>
      ) : null}
    </div>
  );
}
