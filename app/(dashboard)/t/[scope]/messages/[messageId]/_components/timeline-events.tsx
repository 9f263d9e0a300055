"use client";
// The ledger, event by event, in ledger order: what each one records, when the provider says it
// happened and when we received it (and the lag), its source, duplicates and out-of-order
// arrivals, what it did to the state, who did it and why; raw JSON for roles that may see it.
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { JsonBlock } from "@/components/ui/json-block";
import { TimeStamp } from "@/components/ui/time-stamp";
import type { TRouterOutputs } from "@/trpc/router-types";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { stateLabel, stateTone } from "@/components/messages/state-badge";
import { EVENT_TYPE_LABELS, eventTypeLabel, shortHash, sourceLabel } from "./labels";
import { shortId } from "@/components/ui/short-id";

type TTimeline = TRouterOutputs["messages"]["timeline"];
type TEvent = TTimeline["events"][number];

const DOT_TONES = {
  neutral: "bg-zinc-400",
  ok: "bg-ok-600",
  warn: "bg-warn-600",
  bad: "bg-bad-600",
  accent: "bg-accent-600",
} as const;

function EventTimes({ event }: { event: TEvent }) {
  return (
    <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-zinc-600">
      <div className="flex gap-1">
        <dt className="text-zinc-500">Provider time</dt>
        <dd>
          <TimeStamp value={event.providerTimestamp} fallback="none (our own fact)" />
        </dd>
      </div>
      <div className="flex gap-1">
        <dt className="text-zinc-500">Received</dt>
        <dd>
          <TimeStamp value={event.recordedAt} />
        </dd>
      </div>
      {event.lagText ? (
        <div className="flex gap-1">
          <dt className="sr-only">Lag</dt>
          <dd className={cn(event.lagMs !== null && event.lagMs > 60_000 && "font-medium text-warn-700")}>
            {event.lagText}
          </dd>
        </div>
      ) : null}
      <div className="flex gap-1">
        <dt className="text-zinc-500">Source</dt>
        <dd>{sourceLabel(event.source)}</dd>
      </div>
    </dl>
  );
}

function EventItem({ event, isRawVisible }: { event: TEvent; isRawVisible: boolean }) {
  const tone = EVENT_TYPE_LABELS[event.type].tone;
  const arrivals = event.receipts.arrivals;
  return (
    <li id={`event-${event.seq}`} className="relative scroll-mt-20 pb-5 pl-8 last:pb-0">
      {/* the rail and the dot are decoration; the type is in the text */}
      <span
        aria-hidden="true"
        className="absolute top-5 bottom-0 left-[11px] w-px bg-zinc-200 [li:last-child>&]:hidden"
      />
      <span
        aria-hidden="true"
        className={cn(
          "absolute top-1.5 left-1.5 size-3 rounded-full ring-4 ring-white",
          DOT_TONES[tone],
          event.isInert && "bg-white ring-2 ring-zinc-300",
        )}
      />
      <article aria-labelledby={`event-${event.seq}-title`}>
        <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
          <span className="font-mono text-xs text-zinc-500">#{event.seq}</span>
          <h3
            id={`event-${event.seq}-title`}
            className="min-w-0 text-sm font-medium wrap-anywhere text-zinc-900"
          >
            {event.headline}
          </h3>
          {event.isDecider ? <Badge tone="accent">Decides the state</Badge> : null}
          {event.transition ? (
            <Badge tone={stateTone(event.transition.to)} title="This fact moved the derived state">
              {event.transition.from ? `${stateLabel(event.transition.from)} → ` : ""}
              {stateLabel(event.transition.to)}
            </Badge>
          ) : null}
          {event.isInert ? (
            <Badge title="Notes, operator actions and recomputations never change the state (rule R2)">
              Does not change state
            </Badge>
          ) : null}
        </div>
        <EventTimes event={event} />
        <div className="mt-1.5 flex flex-wrap gap-1.5">
          {event.receipts.count > 1 ? (
            <Badge tone="warn" title="The same fact arrived more than once; it counts once">
              Duplicate: {event.receipts.description}
            </Badge>
          ) : null}
          {event.receipts.hasDivergentCopies ? (
            <Badge tone="bad" title="Copies of this fact carried different content">
              Copies differ
            </Badge>
          ) : null}
          {event.outOfOrder ? (
            <Badge tone="warn" className="whitespace-normal">
              Out of order: {event.outOfOrder.text}
            </Badge>
          ) : null}
          {event.dispute ? <Badge tone="accent">Dispute {event.dispute.ticketRef}</Badge> : null}
        </div>
        {event.error ? (
          <p className="mt-1.5 text-sm text-bad-700">
            <span className="font-mono">{event.error.code}</span> {event.error.title || event.error.message}
            {event.error.details ? (
              <span className="block text-xs text-zinc-600">{event.error.details}</span>
            ) : null}
          </p>
        ) : null}
        {event.notBefore ? (
          <p className="mt-1 text-xs text-zinc-600">
            Not before <TimeStamp value={event.notBefore} />
          </p>
        ) : null}
        {event.actor || event.reason || event.note ? (
          <div className="mt-1.5 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-800">
            {event.actor ? <p className="text-xs text-zinc-500">By {actorText(event.actor)}</p> : null}
            {event.note ? <p className="whitespace-pre-wrap">{event.note}</p> : null}
            {event.reason ? (
              <p className="whitespace-pre-wrap">
                <span className="text-zinc-500">Reason: </span>
                {event.reason}
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="mt-1.5 flex flex-col gap-1">
          {arrivals.length > 1 ? (
            <details className="text-xs">
              {/* min-h-6: a toggle of one text-xs line is 16 px tall, under the 24 px target size */}
              <summary className="min-h-6 cursor-pointer text-accent-700">
                Every arrival ({arrivals.length})
              </summary>
              <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-zinc-700">
                {arrivals.map((a, i) => (
                  <li key={i}>
                    <TimeStamp value={a.receivedAt} /> · {sourceLabel(a.source)}
                    {a.isFirst ? " · first" : " · duplicate"}
                    {a.isDivergent ? " · content differs" : ""}
                    {a.rawWebhookId ? (
                      <span className="font-mono text-zinc-500"> · request {shortId(a.rawWebhookId)}</span>
                    ) : null}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
          <details className="text-xs">
            <summary className="min-h-6 cursor-pointer text-accent-700">Ledger details</summary>
            <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-zinc-700">
              <dt className="text-zinc-500">Type</dt>
              <dd className="font-mono">{event.type}</dd>
              <dt className="text-zinc-500">Dedupe key</dt>
              <dd className="font-mono break-all">{event.dedupeKey}</dd>
              {event.attempt !== null ? (
                <>
                  <dt className="text-zinc-500">Attempt</dt>
                  <dd>{event.attempt}</dd>
                </>
              ) : null}
              {event.providerMessageId ? (
                <>
                  <dt className="text-zinc-500">wamid</dt>
                  <dd className="font-mono break-all">{event.providerMessageId}</dd>
                </>
              ) : null}
              <dt className="text-zinc-500">Hash</dt>
              <dd className="font-mono" title={event.hash}>
                {shortHash(event.hash)}
              </dd>
              <dt className="text-zinc-500">Previous hash</dt>
              <dd className="font-mono" title={event.prevHash}>
                {shortHash(event.prevHash)}
              </dd>
            </dl>
            {isRawVisible && event.body !== null ? (
              <JsonBlock
                className="mt-2"
                value={event.body}
                label={`raw event #${event.seq} (${eventTypeLabel(event.type)})`}
                maxHeightClass="max-h-72"
              />
            ) : null}
          </details>
        </div>
      </article>
    </li>
  );
}

export function TimelineEvents({ timeline }: { timeline: TTimeline }) {
  return (
    <ol aria-label="Ledger events, in ledger order" className="flex flex-col">
      {timeline.events.map((event) => (
        <EventItem key={event.id} event={event} isRawVisible={timeline.isRawVisible} />
      ))}
    </ol>
  );
}
