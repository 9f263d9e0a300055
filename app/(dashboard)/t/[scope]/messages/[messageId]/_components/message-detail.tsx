"use client";
// One message: why it is in its state (explanation, deciding event, conflicts, transitions), the
// ledger timeline, the chain-of-custody check, its facts, disputes and evidence export, and, for
// roles allowed raw payloads, the canonical request and the raw webhooks as received.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { JsonBlock } from "@/components/ui/json-block";
import { PageHeader } from "@/components/ui/page-header";
import { TimeStamp } from "@/components/ui/time-stamp";
import { CopyButton } from "@/components/ui/copy-button";
import { CopyLinkButton } from "@/components/ui/copy-link-button";
import { IdText } from "@/components/ui/id-text";
import { shortId } from "@/components/ui/short-id";
import { cn } from "@/components/ui/cn";
import { zoneName } from "@/components/time/format-time";
import { useDisplayZone } from "@/components/time/time-zone";
import { TimeZoneToggle } from "@/components/time/time-zone-toggle";
import { answerSentence } from "../../_components/answer-sentence";
import type { TRouterOutputs } from "@/trpc/router-types";
import { enumLabel } from "@/app/(dashboard)/_lib/labels";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { StateBadge, stateLabel } from "@/components/messages/state-badge";
import { AnnotateDialog, ForceReconcileDialog, type TMessageRef } from "./action-dialogs";
import { DeadLetterNotice } from "./dead-letter-notice";
import {
  CancelMessageDialog,
  DiscardDeadLetterDialog,
  RetryMessageDialog,
} from "@/components/messages/intervention-dialogs";
import { DisputesPanel } from "./disputes-panel";
import { EvidenceExport } from "./evidence-export";
import { conflictLabel, eventTypeLabel, shortHash } from "./labels";
import { ReplayWebhookDialog } from "./replay-webhook-dialog";
import { TimelineEvents } from "./timeline-events";
import { TriggersPanel } from "./triggers-panel";
import { QueryState } from "@/components/query/query-state";

type TTimeline = TRouterOutputs["messages"]["timeline"];

function RecipientReveal({
  target,
  masked,
  canReveal,
}: {
  target: TMessageRef;
  masked: string;
  canReveal: boolean;
}) {
  const trpc = useTRPC();
  const reveal = useMutation(trpc.messages.revealRecipient.mutationOptions());
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span className="font-mono">{reveal.data?.recipient ?? masked}</span>
      {canReveal && !reveal.data ? (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => reveal.mutate(target)}
          isPending={reveal.isPending}
          pendingLabel="Revealing…"
          aria-label="Reveal the recipient's number (recorded in the audit log)"
        >
          Reveal
        </Button>
      ) : null}
      {reveal.data ? (
        <span role="status" className="text-xs text-zinc-500">
          Revealed; recorded in the audit log.
        </span>
      ) : null}
      {reveal.isError ? (
        <span role="alert" className="text-xs text-bad-700">
          {errorMessageOf(reveal.error)}
        </span>
      ) : null}
    </span>
  );
}

const ANSWER_TONES = {
  ok: "border-emerald-200 bg-ok-50",
  progress: "border-zinc-200 bg-white",
  bad: "border-red-200 bg-bad-50",
  neutral: "border-zinc-200 bg-zinc-50",
} as const;

/** The answer first: one sentence an agent can paste into a ticket, in a named time zone. */
function AnswerBox({ timeline }: { timeline: TTimeline }) {
  const { zone } = useDisplayZone();
  const answer = timeline.answer;
  const sentence = answerSentence(answer, zone);
  const first = answer.milestones[0];
  return (
    <section
      aria-labelledby="answer-heading"
      className={cn("mb-6 rounded-lg border px-4 py-3", ANSWER_TONES[answer.tone])}
    >
      <h2 id="answer-heading" className="sr-only">
        What happened
      </h2>
      <p data-testid="answer-sentence" className="text-base font-medium wrap-anywhere text-zinc-900">
        {sentence}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2">
        <CopyButton text={sentence} label="Copy for ticket" idleText="Copy for ticket" />
        <TimeZoneToggle />
        {first ? <span className="sr-only">Time zone {zoneName(first.at, zone)}</span> : null}
        {!answer.isFinal ? (
          <span className="text-xs text-zinc-600">Following live until the message is final.</span>
        ) : null}
      </div>
    </section>
  );
}

function Facts({ timeline, target }: { timeline: TTimeline; target: TMessageRef }) {
  const m = timeline.message;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
      <dt className="text-zinc-500">Recipient</dt>
      <dd>
        <RecipientReveal
          target={target}
          masked={m.recipientMasked}
          canReveal={timeline.viewer.canRevealRecipient}
        />
      </dd>
      <dt className="text-zinc-500">Sender</dt>
      <dd className="min-w-0">
        <IdText value={m.sender.displayNumber} label="sender number" />
        {m.sender.label ? <span className="text-zinc-500"> · {m.sender.label}</span> : null}
      </dd>
      <dt className="text-zinc-500">Content</dt>
      <dd>
        {m.template ? (
          <>
            Template <span className="font-mono">{m.template.name}</span>
            <span className="text-zinc-500">
              {" "}
              (
              {[m.template.language, m.template.category ? enumLabel(m.template.category) : null]
                .filter(Boolean)
                .join(", ")}
              )
            </span>
          </>
        ) : (
          "Text message"
        )}
      </dd>
      <dt className="text-zinc-500">wamid</dt>
      <dd className="min-w-0">
        {m.providerMessageIds.length === 0 ? (
          <span className="text-zinc-500">none yet</span>
        ) : (
          <ul className="flex flex-col gap-0.5">
            {m.providerMessageIds.map((p) => (
              <li key={p.providerMessageId} className="text-xs">
                <span className="text-zinc-500">attempt {p.attempt}: </span>
                <IdText value={p.providerMessageId} label={`wamid of attempt ${p.attempt}`} />
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt className="text-zinc-500">Created</dt>
      <dd>
        <TimeStamp value={m.createdAt} />
      </dd>
      <dt className="text-zinc-500">In this state since</dt>
      <dd>
        <TimeStamp value={timeline.derived.since ?? m.stateReachedAt} />
      </dd>
      <dt className="text-zinc-500">Attempts</dt>
      <dd>{m.attemptCount}</dd>
      <dt className="text-zinc-500">Tenant</dt>
      <dd>{m.tenantName}</dd>
      <dt className="text-zinc-500">Message ID</dt>
      <dd className="min-w-0">
        <IdText value={m.id} label="message ID" />
      </dd>
    </dl>
  );
}

function WhyState({
  timeline,
  onForceReconcile,
}: {
  timeline: TTimeline;
  onForceReconcile: (() => void) | null;
}) {
  const d = timeline.derived;
  const stored = timeline.message.stored;
  const failure = timeline.answer.failure;
  return (
    <div className="flex flex-col gap-4">
      {d.possibleDuplicate ? (
        <Alert tone="warn">
          <p className="font-medium">{d.possibleDuplicate.warning}</p>
        </Alert>
      ) : null}
      {timeline.hold ? (
        <Alert tone="warn">
          <p>
            <span className="font-medium">Held in the send queue: </span>
            {timeline.hold}.
          </p>
        </Alert>
      ) : null}
      {failure ? (
        <div className="rounded-md border border-red-200 bg-bad-50 px-3 py-2 text-sm">
          <p className="text-zinc-900">
            <span className="font-medium text-bad-700">
              Cause{failure.code ? ` (${failure.code})` : ""}:{" "}
            </span>
            {failure.cause}.
          </p>
          <p className="mt-1 text-zinc-900">
            <span className="font-medium">Next step: </span>
            {failure.nextStep}.
          </p>
        </div>
      ) : null}
      <ul className="flex flex-col gap-1 text-sm text-zinc-800">
        {d.clauses.map((clause, i) => (
          <li key={i} className={i === 0 ? "font-medium" : "text-zinc-700"}>
            {clause}
          </li>
        ))}
      </ul>
      {/* links inside a sentence stay underlined: their colour alone is too close to the text's */}
      {d.decider ? (
        <p className="text-sm text-zinc-600">
          Decided by{" "}
          {d.decider.seq !== null ? (
            <a href={`#event-${d.decider.seq}`} className="text-accent-700 underline underline-offset-2">
              event #{d.decider.seq}
            </a>
          ) : (
            "an event"
          )}{" "}
          ({eventTypeLabel(d.decider.type)}
          {d.decider.attempt ? `, attempt ${d.decider.attempt}` : ""}) under reconciliation rules v
          {d.rulesVersion}.
        </p>
      ) : null}
      {d.conflicts.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold text-zinc-900">Conflicts</h3>
          <ul className="mt-1 flex flex-col gap-2">
            {d.conflicts.map((c) => (
              <li
                key={`${c.kind}-${c.dedupeKeys.join()}`}
                className="rounded-md border border-amber-200 bg-warn-50 px-3 py-2 text-sm"
              >
                <p className="flex flex-wrap items-center gap-2 font-medium text-warn-700">
                  {conflictLabel(c.kind)} <Badge title={c.ruleSummary}>{c.rule}</Badge>
                </p>
                <p className="mt-0.5 text-zinc-800">{c.resolution}</p>
                {c.seqs.length > 0 ? (
                  <p className="mt-0.5 text-xs text-zinc-600">
                    Events:{" "}
                    {c.seqs.map((seq, i) => (
                      <span key={seq}>
                        {i > 0 ? ", " : ""}
                        <a href={`#event-${seq}`} className="text-accent-700 underline underline-offset-2">
                          #{seq}
                        </a>
                      </span>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div>
        <h3 className="text-sm font-semibold text-zinc-900">How it got here</h3>
        <ol aria-label="State transitions" className="mt-1 flex flex-wrap items-center gap-1 text-sm">
          {d.transitions.map((t, i) => (
            <li key={`${t.dedupeKey}-${i}`} className="flex items-center gap-1">
              {i > 0 ? (
                <span aria-hidden="true" className="text-zinc-400">
                  →
                </span>
              ) : null}
              {t.seq !== null ? (
                <a
                  href={`#event-${t.seq}`}
                  className="rounded-full underline-offset-2 hover:underline"
                  title={`${eventTypeLabel(t.type)} (event #${t.seq})`}
                >
                  <StateBadge state={t.to} />
                </a>
              ) : (
                <StateBadge state={t.to} />
              )}
            </li>
          ))}
        </ol>
      </div>
      {d.appliedRules.length > 0 ? (
        <details className="text-sm">
          <summary className="min-h-6 cursor-pointer text-accent-700">
            Rules that shaped this ({d.appliedRules.length})
          </summary>
          <ul className="mt-1 flex flex-col gap-1 text-zinc-700">
            {d.appliedRules.map((r) => (
              <li key={r.rule}>
                <span className="font-mono text-xs">{r.rule}</span> {r.summary}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {d.isDriftedFromStored ? (
        <Alert tone="warn">
          <p>
            The stored state ({stateLabel(stored.state)}, rules v{stored.rulesVersion}) differs from what the
            ledger derives today ({stateLabel(d.state)}, rules v{d.rulesVersion}).
          </p>
          {onForceReconcile ? (
            <Button variant="secondary" size="sm" className="mt-2" onClick={onForceReconcile}>
              Force re-reconcile
            </Button>
          ) : (
            <p className="mt-1 text-xs">An engineer can repair it with a forced re-reconciliation.</p>
          )}
        </Alert>
      ) : null}
    </div>
  );
}

function Custody({ timeline }: { timeline: TTimeline }) {
  const chain = timeline.chain;
  if (chain.ok) {
    return (
      <div className="flex flex-col gap-2 text-sm">
        <p className="flex items-center gap-2">
          <Badge tone="ok" hasDot>
            Chain intact
          </Badge>
          <span className="text-zinc-600">{chain.checkedEvents} events verified</span>
        </p>
        <p className="text-xs text-zinc-600">
          Every event&apos;s SHA-256 links to the previous one, up to the head hash anchored on the message:{" "}
          <span className="font-mono" title={chain.headHash}>
            {shortHash(chain.headHash)}
          </span>
          .
        </p>
      </div>
    );
  }
  return (
    <Alert tone="bad">
      <p className="font-medium">Chain of custody broken</p>
      <p className="mt-1">
        {chain.brokenSeq !== null ? (
          <>
            At{" "}
            <a href={`#event-${chain.brokenSeq}`} className="underline">
              event #{chain.brokenSeq}
            </a>
            :{" "}
          </>
        ) : (
          "After the last event: "
        )}
        {chain.reason.replace(/_/g, " ")}. The ledger was altered after it was written; treat this
        message&apos;s evidence as compromised and tell an engineer.
      </p>
    </Alert>
  );
}

export function MessageDetail({
  tenantId,
  messageId,
  scopeSlug,
}: {
  tenantId: string;
  messageId: string;
  scopeSlug: string;
}) {
  const trpc = useTRPC();
  const target = { tenantId, messageId };
  const query = useQuery({
    ...trpc.messages.timeline.queryOptions(target),
    // follow the message until its state is final (delivered can still become read)
    refetchInterval: (q) => (q.state.data && !q.state.data.answer.isFinal ? 3_000 : false),
  });
  const disputes = useQuery(trpc.disputes.forMessage.queryOptions(target));
  const [dialog, setDialog] = useState<"annotate" | "reconcile" | "retry" | "discard" | "cancel" | null>(
    null,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [replayTarget, setReplayTarget] = useState<string | null>(null);
  const back = (
    <p className="mb-2 text-xs">
      <Link
        href={`/t/${encodeURIComponent(scopeSlug)}/messages`}
        className="text-zinc-500 hover:text-zinc-900 hover:underline"
      >
        ← Messages
      </Link>
    </p>
  );

  return (
    <>
      {back}
      <QueryState query={query} what="the message" errorTitle="Could not load this message" rows={10}>
        {(timeline) => {
          const viewer = timeline.viewer;
          const m = timeline.message;
          return (
            <>
              <PageHeader
                title={
                  <span className="flex flex-wrap items-center gap-2">
                    Message <span className="font-mono text-lg">{shortId(m.id)}</span>
                    <StateBadge state={timeline.derived.state} />
                  </span>
                }
                description={`${m.template ? `Template ${m.template.name}` : "Text message"} from ${m.sender.displayNumber} to ${m.recipientMasked}`}
                scopeLabel={m.tenantName}
                actions={
                  <>
                    <CopyLinkButton />
                    {viewer.canAnnotate ? (
                      <Button variant="secondary" onClick={() => setDialog("annotate")}>
                        Add note
                      </Button>
                    ) : null}
                    {viewer.canForceReconcile ? (
                      <Button variant="secondary" onClick={() => setDialog("reconcile")}>
                        Force re-reconcile
                      </Button>
                    ) : null}
                    {viewer.canRetry ? <Button onClick={() => setDialog("retry")}>Retry…</Button> : null}
                    {viewer.canDiscard ? (
                      <Button variant="secondary" onClick={() => setDialog("discard")}>
                        Discard…
                      </Button>
                    ) : null}
                    {viewer.canCancel ? (
                      <Button variant="danger" onClick={() => setDialog("cancel")}>
                        Cancel message…
                      </Button>
                    ) : null}
                  </>
                }
              />
              <AnswerBox timeline={timeline} />
              {timeline.deadLetter ? (
                <DeadLetterNotice deadLetter={timeline.deadLetter} scopeSlug={scopeSlug} />
              ) : null}
              <div role="status" aria-live="polite">
                {notice ? (
                  <Alert tone="ok" className="mb-4">
                    {notice}
                  </Alert>
                ) : null}
              </div>
              <div className="grid gap-6 lg:grid-cols-3">
                <div className="flex min-w-0 flex-col gap-6 lg:col-span-2">
                  <Card
                    title={`Why is this ${stateLabel(timeline.derived.state).toLowerCase()}?`}
                    description="Derived from the ledger by the versioned reconciliation rules; never stored as truth."
                  >
                    <WhyState
                      timeline={timeline}
                      onForceReconcile={viewer.canForceReconcile ? () => setDialog("reconcile") : null}
                    />
                  </Card>
                  <Card
                    title="Timeline"
                    description={`${timeline.counts.events} events in ledger order · ${timeline.counts.receipts} arrivals${
                      timeline.counts.duplicatedFacts > 0
                        ? ` · ${timeline.counts.duplicatedFacts} duplicated`
                        : ""
                    }${timeline.counts.outOfOrder > 0 ? ` · ${timeline.counts.outOfOrder} out of order` : ""}. Times in the zone named above.`}
                  >
                    <TimelineEvents timeline={timeline} />
                  </Card>
                  <Card
                    title="Triggers fired"
                    description="Business events this message sent to the tenant's webhook endpoints, once per type, and every delivery attempt."
                  >
                    <TriggersPanel tenantId={tenantId} messageId={messageId} scopeSlug={scopeSlug} />
                  </Card>
                  {timeline.isRawVisible ? (
                    <>
                      <Card
                        title="Canonical request"
                        description="The Cloud API request body Waybill sends. Recipient numbers are masked here; the evidence export has them."
                      >
                        <JsonBlock value={timeline.request?.payload ?? null} label="canonical request JSON" />
                      </Card>
                      <Card
                        title="Raw webhooks"
                        description="Each provider request that delivered one of these events, as received (signature verified before it was stored)."
                      >
                        {(timeline.rawWebhooks ?? []).length === 0 ? (
                          <p className="text-sm text-zinc-600">
                            No raw webhook requests are linked to this message.
                          </p>
                        ) : (
                          <ul className="flex flex-col gap-4">
                            {(timeline.rawWebhooks ?? []).map((w) => (
                              <li key={w.id} className="flex flex-col gap-1.5">
                                <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600">
                                  <span className="font-mono text-zinc-800">{shortId(w.id)}</span>
                                  <TimeStamp value={w.receivedAt} />
                                  <span>{w.bodyBytes} bytes</span>
                                  <span>events {w.eventSeqs.map((s) => `#${s}`).join(", ") || "—"}</span>
                                  {w.duplicateCount > 0 ? (
                                    <Badge tone="warn">re-posted {w.duplicateCount}×</Badge>
                                  ) : null}
                                  <Badge tone="ok" title={w.signatureHeader ?? undefined}>
                                    Signature verified
                                  </Badge>
                                  {viewer.canReplayWebhooks && !w.isPruned ? (
                                    <Button
                                      variant="secondary"
                                      size="sm"
                                      onClick={() => setReplayTarget(w.id)}
                                      aria-label={`Replay request ${shortId(w.id)}`}
                                    >
                                      Replay
                                    </Button>
                                  ) : null}
                                </p>
                                {w.body !== null ? (
                                  <JsonBlock
                                    text={w.body}
                                    label={`raw webhook ${w.id}`}
                                    maxHeightClass="max-h-72"
                                  />
                                ) : (
                                  <p className="text-xs text-zinc-500">
                                    {w.isPruned
                                      ? "Body pruned by retention; its SHA-256 remains."
                                      : "Body not shown: it is not JSON, so no part of it can be attributed to this tenant."}
                                  </p>
                                )}
                                {w.redactedParts > 0 ? (
                                  <p className="text-xs text-zinc-500">
                                    Meta batched other tenants&apos; statuses into this request:{" "}
                                    {w.redactedParts} {w.redactedParts === 1 ? "part is" : "parts are"}{" "}
                                    replaced by its SHA-256 (&quot;redacted: another tenant&quot;). The whole
                                    request&apos;s SHA-256 is{" "}
                                    <span className="font-mono">{w.bodySha256.slice(0, 16)}…</span>.
                                  </p>
                                ) : null}
                                {w.isTruncated ? (
                                  <p className="text-xs text-zinc-500">
                                    Shortened here; the evidence export has it whole.
                                  </p>
                                ) : null}
                              </li>
                            ))}
                          </ul>
                        )}
                      </Card>
                    </>
                  ) : null}
                </div>
                <div className="flex min-w-0 flex-col gap-6">
                  <Card title="Message">
                    <Facts timeline={timeline} target={target} />
                  </Card>
                  <Card title="Chain of custody">
                    <Custody timeline={timeline} />
                  </Card>
                  <Card title="Disputes">
                    <QueryState query={disputes} what="disputes" rows={3}>
                      {(list) => (
                        <DisputesPanel target={target} disputes={list} canManage={viewer.canManageDisputes} />
                      )}
                    </QueryState>
                  </Card>
                  {viewer.canExportEvidence ? (
                    <Card title="Evidence">
                      <EvidenceExport target={target} />
                    </Card>
                  ) : null}
                </div>
              </div>
              {viewer.canAnnotate ? (
                <AnnotateDialog
                  target={target}
                  isOpen={dialog === "annotate"}
                  onClose={() => setDialog(null)}
                />
              ) : null}
              {viewer.canReplayWebhooks ? (
                <ReplayWebhookDialog
                  target={target}
                  rawWebhookId={replayTarget}
                  onClose={() => setReplayTarget(null)}
                  onDone={setNotice}
                />
              ) : null}
              {viewer.canForceReconcile ? (
                <ForceReconcileDialog
                  target={target}
                  isOpen={dialog === "reconcile"}
                  onClose={() => setDialog(null)}
                  onDone={(summary) => setNotice(`Re-reconciled: ${summary}.`)}
                />
              ) : null}
              {viewer.canRetry ? (
                <RetryMessageDialog
                  target={target}
                  isOpen={dialog === "retry"}
                  onClose={() => setDialog(null)}
                  onDone={setNotice}
                />
              ) : null}
              {viewer.canDiscard ? (
                <DiscardDeadLetterDialog
                  target={target}
                  isOpen={dialog === "discard"}
                  onClose={() => setDialog(null)}
                  onDone={setNotice}
                />
              ) : null}
              {viewer.canCancel ? (
                <CancelMessageDialog
                  target={target}
                  isOpen={dialog === "cancel"}
                  onClose={() => setDialog(null)}
                  onDone={setNotice}
                />
              ) : null}
            </>
          );
        }}
      </QueryState>
    </>
  );
}
