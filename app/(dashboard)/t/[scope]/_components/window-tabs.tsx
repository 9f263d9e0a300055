// The time window (and heatmap metric) selectors: links, so the choice lives in the URL and the
// server page prefetches the new window before it renders.
import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { TimeStamp } from "@/components/ui/time-stamp";
import { insightHref, WINDOW_OPTIONS, type THeatMetricParam, type TInsightParams } from "./insight-params";

function Segmented({
  label,
  items,
}: {
  label: string;
  items: { key: string; label: string; href: string; isCurrent: boolean }[];
}) {
  return (
    <nav aria-label={label}>
      <ul className="inline-flex overflow-hidden rounded-md text-sm shadow-xs ring-1 ring-zinc-300">
        {items.map((item) => (
          <li key={item.key} className="border-l border-zinc-300 first:border-l-0">
            <Link
              href={item.href}
              aria-current={item.isCurrent ? "page" : undefined}
              className={cn(
                "block px-3 py-1.5 font-medium whitespace-nowrap",
                item.isCurrent ? "bg-accent-600 text-white" : "bg-white text-zinc-700 hover:bg-zinc-50",
              )}
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function WindowTabs({
  path,
  params,
  defaults,
}: {
  path: string;
  params: TInsightParams;
  defaults?: { metric: THeatMetricParam };
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Segmented
        label="Time window"
        items={WINDOW_OPTIONS.map((w) => ({
          key: w.key,
          label: w.label,
          href: insightHref(path, { ...params, window: w.key }, defaults),
          isCurrent: w.key === params.window,
        }))}
      />
      {params.until ? (
        <p className="text-xs text-zinc-600">
          Ending <TimeStamp value={params.until} format="short" />.{" "}
          <Link
            href={insightHref(path, { ...params, until: "" }, defaults)}
            className="font-medium text-accent-700 hover:underline"
          >
            Back to now
          </Link>
        </p>
      ) : null}
    </div>
  );
}

export function MetricTabs({
  path,
  params,
  defaults,
}: {
  path: string;
  params: TInsightParams;
  defaults: { metric: THeatMetricParam };
}) {
  const options: { key: THeatMetricParam; label: string }[] = [
    { key: "failures", label: "Failures" },
    { key: "rate", label: "Failure rate" },
  ];
  return (
    <Segmented
      label="Colour cells by"
      items={options.map((o) => ({
        key: o.key,
        label: o.label,
        href: insightHref(path, { ...params, metric: o.key }, defaults),
        isCurrent: o.key === params.metric,
      }))}
    />
  );
}
