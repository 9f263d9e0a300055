"use client";
// The business events this message fired to the tenant's endpoints (message.delivered, ...),
// each with its deliveries and every attempt: when, the answer, how long. Read from the outbox,
// so it shows exactly what left Waybill, not what should have.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { TimeStamp } from "@/components/ui/time-stamp";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

const STATUS = {
  succeeded: { tone: "ok", label: "Delivered" },
  pending: { tone: "warn", label: "Retrying" },
  failed: { tone: "bad", label: "Failed" },
} as const;

export function TriggersPanel({
  tenantId,
  messageId,
  scopeSlug,
}: {
  tenantId: string;
  messageId: string;
  scopeSlug: string;
}) {
  const trpc = useTRPC();
  const triggers = useQuery(trpc.webhooks.forMessage.queryOptions({ tenantId, messageId }));
  return (
    <QueryState
      query={triggers}
      what="the triggers"
      rows={2}
      isEmpty={(d) => d.length === 0}
      empty={{
        note: (
          <>
            No events fired for this message: none of its states is subscribed by an enabled endpoint.{" "}
            <Link className="text-accent-700 underline" href={`/t/${encodeURIComponent(scopeSlug)}/webhooks`}>
              Webhook endpoints
            </Link>
          </>
        ),
      }}
    >
      {(events) => {
        return (
          <ol className="flex flex-col gap-4" aria-label="Triggers fired">
            {events.map((event) => (
              <li key={event.id} className="flex flex-col gap-2">
                <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <span className="font-mono font-medium text-zinc-900">{event.type}</span>
                  {event.inferred ? (
                    <Badge tone="neutral" title="read arrived before delivered; delivered is implied">
                      inferred
                    </Badge>
                  ) : null}
                  {event.previousState ? (
                    <span className="text-xs text-zinc-600">was {event.previousState}</span>
                  ) : null}
                  <TimeStamp value={event.occurredAt} className="text-xs text-zinc-500" />
                </p>
                {event.deliveries.length === 0 ? (
                  <p className="text-xs text-zinc-500">No endpoint takes it any more.</p>
                ) : (
                  <ul className="flex flex-col gap-2 border-l border-zinc-200 pl-3">
                    {event.deliveries.map((d) => (
                      <li key={d.id} className="flex flex-col gap-1 text-xs">
                        <span className="flex flex-wrap items-center gap-2">
                          <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].label}</Badge>
                          <span className="font-mono break-all text-zinc-700">{d.url}</span>
                        </span>
                        {d.attempts.length === 0 ? (
                          <span className="text-zinc-500">Not tried yet.</span>
                        ) : (
                          <ol className="flex flex-col gap-0.5" aria-label={`Attempts to ${d.url}`}>
                            {d.attempts.map((a) => (
                              <li key={a.attempt} className="flex flex-wrap gap-x-3 text-zinc-600">
                                <span>Attempt {a.attempt}</span>
                                <TimeStamp value={a.startedAt} />
                                <span className={a.error ? "text-bad-700" : "text-ok-700"}>
                                  {a.responseStatus !== null
                                    ? `HTTP ${a.responseStatus}`
                                    : (a.error ?? "no answer")}
                                  {a.responseStatus !== null &&
                                  a.error &&
                                  a.error !== `HTTP ${a.responseStatus}`
                                    ? ` (${a.error})`
                                    : ""}
                                </span>
                                <span>{a.latencyMs} ms</span>
                              </li>
                            ))}
                          </ol>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        );
      }}
    </QueryState>
  );
}
