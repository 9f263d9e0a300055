"use client";
// Number health of one tenant: per sender number its outcomes over the window (chart), failures
// by error code with what they mean and links to the failed messages, time to delivered, the
// messaging limit and quality over time, stalled messages and open alerts; then the templates.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { BarListChart } from "@/components/charts/bar-list-chart";
import { OutcomeChart } from "@/components/charts/outcome-chart";
import { formatDuration, formatPercent } from "@/components/charts/prepare/format";
import { TierStepChart } from "@/components/charts/tier-step-chart";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { useTRPC } from "@/trpc/client";
import type { TRouterOutputs } from "@/trpc/router-types";
import { enumLabel } from "../../../../_lib/labels";
import { QualityBadge, SenderStatusBadge, TierBadge } from "../../../../_components/sender-badges";
import {
  FAILURE_STATE_LABELS,
  failureLinks,
  toWindowInput,
  type TInsightParams,
} from "../../_components/insight-params";

type THealth = TRouterOutputs["insights"]["senderHealth"];
type TSender = THealth["senders"][number];

const ALERT_KINDS: Record<string, string> = {
  message_stalled: "Stalled message",
  stalled_share_jump: "Stalled share jumped",
  orphan_statuses: "Statuses for unknown messages",
  sender_health: "Number health",
};

const SEVERITY_TONES: Record<string, TBadgeTone> = { critical: "bad", warning: "warn", info: "neutral" };

function Kpi({
  label,
  value,
  title,
  tone,
}: {
  label: string;
  value: string;
  title?: string;
  tone?: "bad" | "ok";
}) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd
        title={title}
        className={
          tone === "bad"
            ? "text-lg font-semibold text-bad-700 tabular-nums"
            : tone === "ok"
              ? "text-lg font-semibold text-ok-700 tabular-nums"
              : "text-lg font-semibold text-zinc-900 tabular-nums"
        }
      >
        {value}
      </dd>
    </div>
  );
}

function FailuresByCode({
  sender,
  slug,
  window,
}: {
  sender: TSender;
  slug: string;
  window: THealth["window"];
}) {
  if (sender.failuresByCode.length === 0) {
    return <p className="text-sm text-zinc-600">No failed messages in this window.</p>;
  }
  return (
    <div className="flex flex-col gap-3">
      <BarListChart
        title="Failures by error code"
        label={`Failures by error code, ${sender.displayNumber}`}
        caption="Messages that failed, by their last error"
        valueLabel="failed messages"
        items={sender.failuresByCode.map((f) => ({
          key: f.code,
          label: f.code || "no code",
          value: f.messages,
        }))}
      />
      <ul className="flex flex-col gap-2" aria-label={`What the errors of ${sender.displayNumber} mean`}>
        {sender.failuresByCode.map((f) => (
          <li key={f.code} className="text-sm">
            <p className="font-medium text-zinc-900">
              <span className="font-mono">{f.code || "no code"}</span> · {f.title}
            </p>
            {f.hint ? <p className="text-zinc-600">{f.hint}</p> : null}
            {f.code ? (
              <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs">
                {failureLinks(
                  slug,
                  { sender: sender.id, error: f.code, from: window.from, to: window.to },
                  f.byState,
                ).map((link) => (
                  <Link
                    key={link.state}
                    href={link.href}
                    aria-label={`Open ${link.count} ${FAILURE_STATE_LABELS[link.state]} messages with error ${f.code} from ${sender.displayNumber}`}
                    className="font-medium text-accent-700 hover:underline"
                  >
                    Open {link.count} {FAILURE_STATE_LABELS[link.state]}
                  </Link>
                ))}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SenderCard({ sender, slug, health }: { sender: TSender; slug: string; health: THealth }) {
  const { totals, latency } = sender;
  const latencyRange = latency.histogram.filter((b) => b.messages > 0);
  const first = latencyRange[0]?.bucket ?? 0;
  const last = latencyRange.at(-1)?.bucket ?? -1;
  const qualityChanges = sender.changes.filter((c) => c.kind === "quality" || c.kind === "status");
  const name = sender.label ? `${sender.displayNumber} (${sender.label})` : sender.displayNumber;
  return (
    <Card
      title={<span className="font-mono">{sender.displayNumber}</span>}
      description={sender.label ?? undefined}
      actions={
        <div className="flex flex-wrap gap-1.5">
          <QualityBadge rating={sender.qualityRating} />
          <TierBadge tier={sender.messagingLimitTier} />
          <SenderStatusBadge status={sender.status} />
          <Link
            href={`/t/${encodeURIComponent(slug)}/health/${sender.id}`}
            aria-label={`Health details of ${sender.displayNumber}`}
            className="text-xs font-medium text-accent-700 hover:underline"
          >
            Health details
          </Link>
        </div>
      }
    >
      <section aria-label={`Health of ${name}`} className="flex flex-col gap-5">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
          <Kpi label="Messages" value={totals.messages.toLocaleString("en")} />
          <Kpi
            label="Delivered"
            value={formatPercent(totals.deliveryRate)}
            title={`${totals.delivered} of ${totals.messages} messages reached the device`}
            tone={totals.deliveryRate !== null && totals.deliveryRate >= 0.9 ? "ok" : undefined}
          />
          <Kpi
            label="Failed"
            value={formatPercent(totals.failureRate)}
            title={`${totals.failed} of ${totals.messages} messages failed`}
            tone={totals.failureRate !== null && totals.failureRate >= 0.1 ? "bad" : undefined}
          />
          <Kpi
            label="Median time to delivered"
            value={formatDuration(latency.medianMs)}
            title={`approximate, from a histogram of ${latency.counted} delivered messages; 90 % within ${formatDuration(latency.p90Ms)}`}
          />
          <div className="min-w-0">
            <dt className="text-xs text-zinc-500">Stalled now</dt>
            <dd className="text-lg font-semibold text-zinc-900 tabular-nums">
              {sender.stalled > 0 ? (
                <Link
                  href={`/t/${encodeURIComponent(slug)}/stalled`}
                  aria-label={`${sender.stalled} stalled messages of ${sender.displayNumber}`}
                  className="text-warn-700 hover:underline"
                >
                  {sender.stalled}
                </Link>
              ) : (
                "0"
              )}
            </dd>
          </div>
          <Kpi
            label="Open alerts"
            value={String(sender.openAlerts)}
            tone={sender.criticalAlerts > 0 ? "bad" : undefined}
            title={sender.criticalAlerts > 0 ? `${sender.criticalAlerts} critical` : undefined}
          />
        </dl>

        {totals.messages === 0 ? (
          <p className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-600">
            No messages were sent from this number in this window.
          </p>
        ) : (
          <div className="grid gap-6 lg:grid-cols-2">
            <OutcomeChart
              title="Outcomes over time"
              label={`Outcomes over time, ${sender.displayNumber}`}
              points={sender.series}
              bucketMinutes={health.window.bucketMinutes}
            />
            <FailuresByCode sender={sender} slug={slug} window={health.window} />
            {latency.counted > 0 ? (
              <BarListChart
                title="Time to delivered"
                label={`Time to delivered, ${sender.displayNumber}`}
                caption={`From Meta's acceptance to the first delivery report · ${latency.counted} delivered · median ≈ ${formatDuration(latency.medianMs)}`}
                valueLabel="delivered messages"
                color="#0f8a4c"
                labelWidth={92}
                items={latency.histogram
                  .filter((b) => b.bucket >= first && b.bucket <= last)
                  .map((b) => ({ key: String(b.bucket), label: b.label, value: b.messages }))}
              />
            ) : (
              <p className="text-sm text-zinc-600">No delivery reports in this window yet.</p>
            )}
            {sender.tierSteps.some((step) => step.level !== null) ? (
              <div className="flex flex-col gap-3">
                <TierStepChart
                  title="Messaging limit and quality"
                  label={`Messaging limit and quality, ${sender.displayNumber}`}
                  steps={sender.tierSteps.map((s) => ({ atMs: s.at.getTime(), level: s.level }))}
                  qualityDots={qualityChanges
                    .filter((c) => c.at >= health.window.from && c.at < health.window.to)
                    .map((c) => ({
                      atMs: c.at.getTime(),
                      label: c.direction === "worse" ? "quality ↓" : "quality ↑",
                      direction: c.direction,
                    }))}
                  fromMs={health.window.from.getTime()}
                  toMs={health.window.to.getTime()}
                  bucketMinutes={health.window.bucketMinutes}
                />
              </div>
            ) : (
              <p className="text-sm text-zinc-600">
                Messaging limit not reported yet: Meta tells it with its first quality or limit update.
              </p>
            )}
          </div>
        )}

        <div className="grid gap-6 lg:grid-cols-2">
          <div>
            <h3 className="text-xs font-medium text-zinc-600">Quality and limit history</h3>
            {sender.changes.length === 0 ? (
              <p className="mt-1 text-sm text-zinc-600">
                Meta has reported no quality or limit change for this number.
              </p>
            ) : (
              <ol
                className="mt-1 flex flex-col gap-1 text-sm"
                aria-label={`Quality and limit history of ${sender.displayNumber}`}
              >
                {sender.changes.map((c) => (
                  <li key={`${c.eventId}-${c.kind}`} className="flex gap-2">
                    <TimeStamp value={c.at} format="short" className="shrink-0 text-zinc-500 tabular-nums" />
                    <span
                      className={
                        c.direction === "worse"
                          ? "text-bad-700"
                          : c.direction === "better"
                            ? "text-ok-700"
                            : "text-zinc-800"
                      }
                    >
                      {c.summary}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </div>
          <div>
            <h3 className="text-xs font-medium text-zinc-600">Open alerts</h3>
            {sender.alerts.length === 0 && sender.stalled === 0 ? (
              <p className="mt-1 text-sm text-zinc-600">No open alerts.</p>
            ) : (
              <ul className="mt-1 flex flex-col gap-1 text-sm">
                {sender.stalled > 0 ? (
                  <li>
                    <Badge tone="warn">{sender.stalled} stalled</Badge>{" "}
                    <span className="text-zinc-700">
                      messages waiting longer than expected for their next report
                    </span>
                  </li>
                ) : null}
                {sender.alerts.map((a) => (
                  <li key={a.id} className="flex flex-wrap items-center gap-2">
                    <Badge tone={SEVERITY_TONES[a.severity] ?? "neutral"}>
                      {ALERT_KINDS[a.kind] ?? a.kind}
                    </Badge>
                    <span className="text-zinc-800">{a.title}</span>
                    <TimeStamp value={a.openedAt} format="short" className="text-xs text-zinc-500" />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
    </Card>
  );
}

const TEMPLATE_TONES: Record<string, TBadgeTone> = {
  APPROVED: "ok",
  PENDING: "neutral",
  PAUSED: "warn",
  FLAGGED: "warn",
  REJECTED: "bad",
  DISABLED: "bad",
};

function Templates({ health }: { health: THealth }) {
  return (
    <Card
      title="Templates"
      description="Status and quality as Meta last reported them, and how each template's messages fared in this window"
      bodyClassName="p-0"
    >
      {health.templates.length === 0 ? (
        <p className="px-4 py-3 text-sm text-zinc-600">
          No templates known yet: Meta reports them with their first status update.
        </p>
      ) : (
        <Table label="Templates">
          <THead>
            <tr>
              <TH>Template</TH>
              <TH>Category</TH>
              <TH>Status</TH>
              <TH>Quality</TH>
              <TH className="text-right">Messages</TH>
              <TH className="text-right">Failed</TH>
              <TH>Last update</TH>
            </tr>
          </THead>
          <TBody>
            {health.templates.map((t) => (
              <TR key={`${t.name ?? ""}-${t.language ?? ""}`}>
                <TD className="font-mono text-xs">
                  {t.name ?? "—"}
                  {t.language ? <span className="ml-1 text-zinc-500">{t.language}</span> : null}
                </TD>
                <TD className="text-xs text-zinc-600">{t.category ? enumLabel(t.category) : "—"}</TD>
                <TD>
                  {t.status ? (
                    <Badge tone={TEMPLATE_TONES[t.status] ?? "neutral"}>{enumLabel(t.status)}</Badge>
                  ) : (
                    <span className="text-xs text-zinc-500">not reported</span>
                  )}
                </TD>
                <TD className="text-xs text-zinc-600">{t.qualityScore ? enumLabel(t.qualityScore) : "—"}</TD>
                <TD className="text-right tabular-nums">{t.messages.toLocaleString("en")}</TD>
                <TD
                  className={
                    t.failed > 0 ? "text-right text-bad-700 tabular-nums" : "text-right tabular-nums"
                  }
                >
                  {t.failed.toLocaleString("en")}
                  {t.messages > 0 ? (
                    <span className="ml-1 text-xs text-zinc-500">
                      ({formatPercent(t.failed / t.messages)})
                    </span>
                  ) : null}
                </TD>
                <TD className="whitespace-nowrap text-zinc-600">
                  <TimeStamp value={t.lastEventAt} format="short" />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

export function NumberHealth({
  tenantId,
  slug,
  tenantName,
  params,
}: {
  tenantId: string;
  slug: string;
  tenantName: string;
  params: TInsightParams;
}) {
  const trpc = useTRPC();
  const health = useQuery(trpc.insights.senderHealth.queryOptions({ tenantId, ...toWindowInput(params) }));

  return (
    <QueryState
      query={health}
      what="number health"
      placeholder={
        <div className="flex flex-col gap-4">
          <Skeleton className="h-20 w-full" />
          <Skeleton className="h-40 w-full" />
        </div>
      }
      isEmpty={(d) => d.senders.length === 0}
      empty={{
        title: "No sender numbers yet",
        description: `${tenantName} has no WhatsApp sender numbers registered. An administrator adds them under Admin › Tenants.`,
        headingLevel: 2,
      }}
    >
      {(data) => {
        return (
          <div className="flex flex-col gap-6">
            <Card bodyClassName="px-4 py-3">
              <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
                <Kpi
                  label={`Messages · ${data.window.label.toLowerCase()}`}
                  value={data.totals.messages.toLocaleString("en")}
                />
                <Kpi label="Delivered" value={formatPercent(data.totals.deliveryRate)} />
                <Kpi label="Failed" value={formatPercent(data.totals.failureRate)} />
                <div>
                  <dt className="text-xs text-zinc-500">As of</dt>
                  <dd className="text-sm text-zinc-800">
                    <TimeStamp value={data.generatedAt} format="short" />
                    <span className="block text-xs text-zinc-500">
                      messages sent <TimeStamp value={data.window.from} format="short" /> –{" "}
                      <TimeStamp value={data.window.to} format="short" />
                    </span>
                  </dd>
                </div>
              </dl>
            </Card>
            {data.senders.map((sender) => (
              <SenderCard key={sender.id} sender={sender} slug={slug} health={data} />
            ))}
            <Templates health={data} />
          </div>
        );
      }}
    </QueryState>
  );
}
