// The Prometheus text format: HELP/TYPE lines, sorted and escaped labels, histogram buckets.
import { describe, expect, it } from "vitest";
import { createProcessMetrics, renderPrometheus } from "./prometheus";

describe("renderPrometheus", () => {
  it("writes families with HELP, TYPE and escaped label values", () => {
    const text = renderPrometheus([
      {
        name: "waybill_test_total",
        help: "A counter\nwith a newline and a \\ backslash.",
        type: "counter",
        samples: [
          { labels: { tenant: 'acme "quoted"', outcome: "applied" }, value: 3 },
          { labels: {}, value: 0.5 },
        ],
      },
      {
        name: "waybill_gauge",
        help: "g",
        type: "gauge",
        samples: [{ labels: { x: "a\nb\\c" }, value: Number.POSITIVE_INFINITY }],
      },
    ]);
    expect(text).toBe(
      [
        "# HELP waybill_test_total A counter\\nwith a newline and a \\\\ backslash.",
        "# TYPE waybill_test_total counter",
        'waybill_test_total{outcome="applied",tenant="acme \\"quoted\\""} 3',
        "waybill_test_total 0.5",
        "# HELP waybill_gauge g",
        "# TYPE waybill_gauge gauge",
        'waybill_gauge{x="a\\nb\\\\c"} +Inf',
        "",
      ].join("\n"),
    );
  });

  it("refuses bad or repeated metric names", () => {
    expect(() => renderPrometheus([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow(
      /bad metric name/,
    );
    const f = { name: "twice", help: "", type: "gauge" as const, samples: [] };
    expect(() => renderPrometheus([f, f])).toThrow(/rendered twice/);
  });
});

describe("createProcessMetrics", () => {
  it("counts per label set and fills cumulative histogram buckets", () => {
    const metrics = createProcessMetrics({
      requests_total: { type: "counter", help: "r" },
      latency_seconds: { type: "histogram", help: "l", buckets: [0.01, 0.1] },
    });
    metrics.inc("requests_total", { outcome: "stored" });
    metrics.inc("requests_total", { outcome: "stored" }, 2);
    metrics.inc("requests_total", { outcome: "duplicate" });
    metrics.observe("latency_seconds", 0.005);
    metrics.observe("latency_seconds", 0.05);
    metrics.observe("latency_seconds", 3);
    const text = renderPrometheus(metrics.families());
    expect(text).toContain('requests_total{outcome="stored"} 3\nrequests_total{outcome="duplicate"} 1');
    expect(text).toContain(
      [
        'latency_seconds_bucket{le="0.01"} 1',
        'latency_seconds_bucket{le="0.1"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        "latency_seconds_sum 3.055",
        "latency_seconds_count 3",
      ].join("\n"),
    );
    expect(() => metrics.inc("unknown_total")).toThrow(/not defined/);
    expect(() => metrics.observe("requests_total", 1)).toThrow(/not a histogram/);
  });
});
