// The Prometheus text exposition format (version 0.0.4), written directly: counters, gauges and
// histograms with labels are all Waybill needs, and it keeps prom-client out of the dependencies.
// Pure.

export type TLabels = Readonly<Record<string, string>>;

export type TSample = { labels: TLabels; value: number; suffix?: "_bucket" | "_sum" | "_count" };

export type TMetricFamily = {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: readonly TSample[];
};

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: TLabels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? "")}"`).join(",")}}`;
}

export function renderPrometheus(families: readonly TMetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(family.name)) throw new Error(`bad metric name ${family.name}`);
    if (seen.has(family.name)) throw new Error(`metric ${family.name} rendered twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      lines.push(
        `${family.name}${sample.suffix ?? ""}${formatLabels(sample.labels)} ${formatValue(sample.value)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Process-local counters and histograms (the web process's view of the requests it answered). */
export type TProcessMetrics = {
  inc: (name: string, labels?: TLabels, by?: number) => void;
  observe: (name: string, seconds: number) => void;
  families: () => TMetricFamily[];
};

type TDefinition =
  { help: string; type: "counter" } | { help: string; type: "histogram"; buckets: readonly number[] };

export function createProcessMetrics(definitions: Readonly<Record<string, TDefinition>>): TProcessMetrics {
  const counters = new Map<string, Map<string, { labels: TLabels; value: number }>>();
  const histograms = new Map<string, { counts: number[]; sum: number; count: number }>();
  const definitionOf = (name: string) => {
    const definition = definitions[name];
    if (!definition) throw new Error(`metric ${name} is not defined`);
    return definition;
  };
  return {
    inc(name, labels = {}, by = 1) {
      if (definitionOf(name).type !== "counter") throw new Error(`${name} is not a counter`);
      const series = counters.get(name) ?? new Map<string, { labels: TLabels; value: number }>();
      counters.set(name, series);
      const key = formatLabels(labels);
      const current = series.get(key) ?? { labels, value: 0 };
      current.value += by;
      series.set(key, current);
    },
    observe(name, seconds) {
      const definition = definitionOf(name);
      if (definition.type !== "histogram") throw new Error(`${name} is not a histogram`);
      const h = histograms.get(name) ?? { counts: definition.buckets.map(() => 0), sum: 0, count: 0 };
      histograms.set(name, h);
      for (const [i, bound] of definition.buckets.entries())
        if (seconds <= bound) h.counts[i] = (h.counts[i] ?? 0) + 1;
      h.sum += seconds;
      h.count += 1;
    },
    families() {
      return Object.entries(definitions).map(([name, definition]): TMetricFamily => {
        if (definition.type === "counter") {
          return {
            name,
            help: definition.help,
            type: "counter",
            samples: [...(counters.get(name)?.values() ?? [])].map((s) => ({
              labels: s.labels,
              value: s.value,
            })),
          };
        }
        const h = histograms.get(name) ?? { counts: definition.buckets.map(() => 0), sum: 0, count: 0 };
        return {
          name,
          help: definition.help,
          type: "histogram",
          samples: [
            ...definition.buckets.map((bound, i) => ({
              labels: { le: String(bound) },
              value: h.counts[i] ?? 0,
              suffix: "_bucket" as const,
            })),
            { labels: { le: "+Inf" }, value: h.count, suffix: "_bucket" as const },
            { labels: {}, value: h.sum, suffix: "_sum" as const },
            { labels: {}, value: h.count, suffix: "_count" as const },
          ],
        };
      });
    },
  };
}
