// Shaping usage rows for the usage page, its CSV export and GET /api/v1/usage. Pure (the page
// builds the CSV in the browser from the rows it shows; the API sends the same text).
import { z } from "zod";
import { csvText } from "@/components/csv/csv-text";

export const ZUsageRangeSchema = z
  .object({
    from: z.iso.date().describe("first UTC day, YYYY-MM-DD"),
    to: z.iso.date().describe("last UTC day, YYYY-MM-DD (inclusive)"),
  })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 <= 366, {
    message: "at most 366 days at a time",
    path: ["to"],
  });
export type TUsageRange = z.infer<typeof ZUsageRangeSchema>;

/** The last `days` UTC days up to and including the day of `nowMs`. */
export function lastDays(nowMs: number, days: number): TUsageRange {
  const to = new Date(nowMs).toISOString().slice(0, 10);
  const from = new Date(nowMs - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

export type TUsageLine = {
  tenantSlug: string;
  day: string;
  displayNumber: string | null;
  senderNumberId: string;
  category: string;
  pricingType: string;
  billable: boolean;
  messages: number;
};

const CSV_COLUMNS = ["day", "tenant", "sender", "category", "pricing_type", "billable", "messages"] as const;

export function usageCsv(lines: readonly TUsageLine[]): string {
  const rows = lines.map((l) => [
    l.day,
    l.tenantSlug,
    l.displayNumber ?? l.senderNumberId,
    l.category,
    l.pricingType,
    String(l.billable),
    String(l.messages),
  ]);
  return csvText(CSV_COLUMNS, rows);
}

export type TUsageChartPoint = { day: string } & Record<string, number | string>;

/** Billable messages per day and category, every day of the range present (no data: 0 messages). */
export function usageChart(
  lines: readonly TUsageLine[],
  range: TUsageRange,
): { points: TUsageChartPoint[]; categories: string[] } {
  const categories = [...new Set(lines.filter((l) => l.billable).map((l) => l.category))].sort();
  const byDay = new Map<string, TUsageChartPoint>();
  for (let ms = Date.parse(range.from); ms <= Date.parse(range.to); ms += 86_400_000) {
    const day = new Date(ms).toISOString().slice(0, 10);
    byDay.set(day, { day, ...Object.fromEntries(categories.map((c) => [c, 0])) });
  }
  for (const l of lines) {
    if (!l.billable) continue;
    const point = byDay.get(l.day);
    if (point) point[l.category] = Number(point[l.category] ?? 0) + l.messages;
  }
  return { points: [...byDay.values()], categories };
}

/** Totals by category and pricing type. */
export function usageTotals(lines: readonly TUsageLine[]) {
  const totals = new Map<
    string,
    { category: string; pricingType: string; billable: boolean; messages: number }
  >();
  for (const l of lines) {
    const key = `${l.category}|${l.pricingType}|${l.billable}`;
    const t = totals.get(key) ?? {
      category: l.category,
      pricingType: l.pricingType,
      billable: l.billable,
      messages: 0,
    };
    t.messages += l.messages;
    totals.set(key, t);
  }
  return [...totals.values()].sort(
    (a, b) => a.category.localeCompare(b.category) || a.pricingType.localeCompare(b.pricingType),
  );
}
