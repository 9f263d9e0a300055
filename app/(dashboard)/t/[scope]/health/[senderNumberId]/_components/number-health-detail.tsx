"use client";
// One number's health: the sending decision now (holds with their reasons, the messages they keep
// waiting), then each aspect as Meta last reported it with its time and source (quality with its
// colour, the flag, active restrictions with their expiry, the limit pill, throughput, connection,
// name, the last sync), the operator override with its form, and the timeline of facts.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import type {
  TNumberHealth,
  TQualityRating,
  THealthFactSource,
} from "@/server/domain/number-health/health-model";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeStamp } from "@/components/ui/time-stamp";
import { useTRPC } from "@/trpc/client";
import { enumLabel } from "../../../../../_lib/labels";
import { OverrideForm } from "./override-form";
import { QueryState } from "@/components/query/query-state";

const QUALITY: Record<TQualityRating, { label: string; tone: TBadgeTone }> = {
  GREEN: { label: "High (green)", tone: "ok" },
  YELLOW: { label: "Medium (yellow)", tone: "warn" },
  RED: { label: "Low (red)", tone: "bad" },
  UNKNOWN: { label: "Unknown", tone: "neutral" },
};

export const SOURCE_LABELS: Record<THealthFactSource, string> = {
  webhook: "Webhook",
  sync: "Sync",
  operator: "Operator",
  migration: "Migration",
};

const SOURCE_TONES: Record<THealthFactSource, TBadgeTone> = {
  webhook: "accent",
  sync: "neutral",
  operator: "warn",
  migration: "neutral",
};

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function AsOf({ at, source }: { at: number; source: THealthFactSource }) {
  return (
    <span className="text-xs text-zinc-500">
      as of <TimeStamp value={new Date(at)} format="short" /> · from {SOURCE_LABELS[source].toLowerCase()}
    </span>
  );
}

function Aspect({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="flex flex-col items-start gap-1 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

export function NumberHealthDetail({
  tenantId,
  senderNumberId,
  slug,
  canOverride,
}: {
  tenantId: string;
  senderNumberId: string;
  slug: string;
  canOverride: boolean;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.numberHealth.get.queryOptions({ tenantId, senderNumberId }));
  return (
    <QueryState query={query} what="this number's health" placeholder={<Skeleton className="h-64 w-full" />}>
      {(data) => {
        const health = data.health as unknown as TNumberHealth;
        const name = data.sender.label
          ? `${data.sender.displayNumber} (${data.sender.label})`
          : data.sender.displayNumber;
        const holds = [data.decision.all, data.decision.templates].filter((h) => h !== null);

        return (
          <div className="flex flex-col gap-6">
            <Card
              title={<span className="font-mono">{data.sender.displayNumber}</span>}
              description={data.sender.label ?? undefined}
              actions={
                <div className="flex flex-wrap items-center gap-1.5">
                  <Badge tone={data.isHealthy ? "ok" : "bad"} hasDot>
                    {data.isHealthy ? "Healthy" : "Not healthy"}
                  </Badge>
                  <span
                    role="note"
                    aria-label={`Messaging limit of ${data.sender.displayNumber}: ${data.display.limit}`}
                    className="inline-flex items-center rounded-full bg-accent-50 px-2.5 py-0.5 text-xs font-semibold text-accent-700 ring-1 ring-accent-200 ring-inset"
                  >
                    {data.display.limit}
                  </span>
                </div>
              }
            >
              <section aria-label={`Sending from ${name}`} className="flex flex-col gap-2 text-sm">
                {holds.length === 0 ? (
                  <p className="text-ok-700">
                    {data.decision.overriddenBy
                      ? `Sending: an operator is ${data.decision.overriddenBy}.`
                      : "Sending: nothing holds this number."}
                  </p>
                ) : (
                  <ul className="flex flex-col gap-1">
                    {holds.map((hold) => (
                      <li key={hold.scope} className="text-bad-700">
                        {/* a template hold's reason already ends in "template messages wait" */}
                        {hold.scope === "all"
                          ? `Every message waits: ${hold.reason}`
                          : upperFirst(hold.reason)}
                        {hold.untilMs !== null ? (
                          <span className="text-zinc-600">
                            {" "}
                            (lifts by itself at <TimeStamp value={new Date(hold.untilMs)} format="short" />)
                          </span>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                )}
                <p className="text-zinc-600">
                  {data.queued} queued · {data.held} held by the number&apos;s health
                </p>
              </section>
            </Card>

            <Card
              title="As Meta reports it"
              description="Each aspect is the latest fact about it, dated, with its source"
            >
              <dl className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label={`Health of ${name}`}>
                <Aspect label="Quality rating">
                  {health.quality ? (
                    <>
                      <Badge tone={QUALITY[health.quality.rating].tone} hasDot>
                        {QUALITY[health.quality.rating].label}
                      </Badge>
                      <AsOf at={health.quality.atMs} source={health.quality.source} />
                    </>
                  ) : (
                    <span className="text-zinc-600">Not reported yet</span>
                  )}
                </Aspect>
                <Aspect label="Quality flag">
                  {health.flag ? (
                    <>
                      <Badge tone={health.flag.state === "FLAGGED" ? "warn" : "ok"}>
                        {health.flag.state === "FLAGGED" ? "Flagged" : "Not flagged"}
                      </Badge>
                      <span className="text-xs text-zinc-600">
                        {health.flag.state === "FLAGGED"
                          ? "A warning: sending goes on; Meta lowers the limit if quality does not recover within 7 days."
                          : "The flag was lifted."}
                      </span>
                      <AsOf at={health.flag.atMs} source={health.flag.source} />
                    </>
                  ) : (
                    <span className="text-zinc-600">Never flagged</span>
                  )}
                </Aspect>
                <Aspect label="Restrictions">
                  {data.activeRestrictions.length === 0 ? (
                    <span className="text-zinc-600">None in force</span>
                  ) : (
                    <ul
                      aria-label={`Active restrictions of ${data.sender.displayNumber}`}
                      className="flex flex-col gap-1"
                    >
                      {data.activeRestrictions.map((r) => (
                        <li key={`${r.type}-${r.expiresAtMs ?? "none"}`}>
                          <Badge tone="bad">{r.label}</Badge>{" "}
                          <span className="text-xs text-zinc-700">
                            {r.expiresAtMs === null ? (
                              "no expiry given"
                            ) : (
                              <>
                                until <TimeStamp value={new Date(r.expiresAtMs)} format="short" />
                              </>
                            )}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                  {health.restrictions ? (
                    <AsOf at={health.restrictions.atMs} source={health.restrictions.source} />
                  ) : null}
                </Aspect>
                <Aspect label="Messaging limit">
                  <span>{data.display.limit}</span>
                  {data.display.portfolioLimit ? (
                    <span className="text-xs text-zinc-700">Portfolio: {data.display.portfolioLimit}</span>
                  ) : null}
                  {health.messagingLimit ? (
                    <AsOf at={health.messagingLimit.atMs} source={health.messagingLimit.source} />
                  ) : null}
                </Aspect>
                <Aspect label="Throughput">
                  {health.throughput && data.display.throughputPerSecond !== null ? (
                    <>
                      <span>
                        {data.display.throughputPerSecond.toLocaleString("en")} messages/s ·{" "}
                        {enumLabel(health.throughput.level)}
                      </span>
                      <AsOf at={health.throughput.atMs} source={health.throughput.source} />
                    </>
                  ) : (
                    <span className="text-zinc-600">Not reported (80 messages/s by default)</span>
                  )}
                </Aspect>
                <Aspect label="Connection">
                  {health.ban && health.ban.state !== "NONE" ? (
                    <Badge tone="bad">{enumLabel(health.ban.state)}</Badge>
                  ) : null}
                  {health.connection ? (
                    <>
                      <span>{enumLabel(health.connection.state)}</span>
                      <AsOf at={health.connection.atMs} source={health.connection.source} />
                    </>
                  ) : (
                    <span className="text-zinc-600">Connected (nothing reported otherwise)</span>
                  )}
                  {health.token?.state === "INVALID" ? <Badge tone="bad">Access token invalid</Badge> : null}
                </Aspect>
                <Aspect label="Display name">
                  {health.nameStatus ? (
                    <>
                      <span>
                        {health.nameStatus.name ?? "—"} · {enumLabel(health.nameStatus.status)}
                      </span>
                      <AsOf at={health.nameStatus.atMs} source={health.nameStatus.source} />
                    </>
                  ) : (
                    <span className="text-zinc-600">Not reported yet</span>
                  )}
                  {health.verification ? (
                    <span className="text-xs text-zinc-700">
                      Verification: {enumLabel(health.verification.status)}
                    </span>
                  ) : null}
                </Aspect>
                <Aspect label="Last sync from the Graph API">
                  {data.syncedAt ? (
                    <TimeStamp value={data.syncedAt} format="short" />
                  ) : (
                    <span className="text-zinc-600">Not synced yet</span>
                  )}
                  {health.lastSync && !health.lastSync.ok ? (
                    <span className="text-xs text-bad-700">Failed: {health.lastSync.error}</span>
                  ) : null}
                </Aspect>
              </dl>
            </Card>

            <Card
              title="Operator override"
              description="Hold the number, or send despite its state, until an expiry"
            >
              <div className="flex flex-col gap-4">
                {data.override ? (
                  <p className="text-sm" aria-label="Current override">
                    <Badge tone="warn">
                      {data.override.mode === "hold" ? "Held by an operator" : "Sending despite its state"}
                    </Badge>{" "}
                    until <TimeStamp value={new Date(data.override.expiresAtMs)} format="short" />:{" "}
                    {data.override.reason}{" "}
                    <span className="text-xs text-zinc-500">(set by {data.override.actor})</span>
                  </p>
                ) : (
                  <p className="text-sm text-zinc-600">No override: the number&apos;s health decides.</p>
                )}
                {canOverride ? (
                  <OverrideForm
                    tenantId={tenantId}
                    senderNumberId={senderNumberId}
                    hasOverride={data.override !== null}
                  />
                ) : null}
              </div>
            </Card>

            <Card
              title="History of health facts"
              description={`Newest first · each with its source · derived by rules v${data.rulesVersion}`}
              bodyClassName="p-0"
            >
              {data.timeline.length === 0 ? (
                <p className="px-4 py-3 text-sm text-zinc-600">Nothing recorded about this number yet.</p>
              ) : (
                <ol
                  aria-label={`Health facts of ${data.sender.displayNumber}`}
                  className="divide-y divide-zinc-100"
                >
                  {data.timeline.map((fact) => (
                    <li key={fact.id} className="flex flex-col gap-1 px-4 py-2.5 sm:flex-row sm:gap-4">
                      <div className="flex shrink-0 items-center gap-2 sm:w-64">
                        <TimeStamp
                          value={fact.at}
                          format="short"
                          className="text-xs text-zinc-600 tabular-nums"
                        />
                        <Badge tone={SOURCE_TONES[fact.source]}>
                          <span className="sr-only">Source: </span>
                          {SOURCE_LABELS[fact.source]}
                        </Badge>
                      </div>
                      <div className="min-w-0 text-sm">
                        <p className="text-xs text-zinc-500">
                          {fact.field}
                          {fact.event ? ` · ${fact.event}` : ""}
                        </p>
                        {fact.lines.map((line) => (
                          <p key={line} className="text-zinc-900">
                            {line}
                          </p>
                        ))}
                      </div>
                    </li>
                  ))}
                </ol>
              )}
            </Card>
            <p className="text-sm">
              <Link
                href={`/t/${encodeURIComponent(slug)}/health`}
                className="font-medium text-accent-700 hover:underline"
              >
                ← All numbers of this tenant
              </Link>
            </p>
          </div>
        );
      }}
    </QueryState>
  );
}
