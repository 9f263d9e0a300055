// What processing made of one stored webhook request, in words: new facts against duplicates.
// The result is stored as JSON by the inbox processor; older rows or failed runs may lack it, so
// it is read defensively and anything unreadable says so instead of showing zeros.
import { z } from "zod";

const count = z.number().int().nonnegative().catch(0);

const ZProcessingResultSchema = z.object({
  statuses: z
    .object({
      applied: count,
      duplicate: count,
      alreadyRecorded: count,
      orphaned: count,
      ignored: count,
    })
    .partial()
    .catch({}),
  senderHealth: count.optional(),
  templates: count.optional(),
  quarantined: count.optional(),
  isReplay: z.boolean().catch(false).optional(),
});

export type TProcessingSummary = {
  /** facts this run added to the ledger or the number's history */
  newFacts: number;
  /** facts the ledger already held (a re-delivery or a replay of processed data) */
  duplicates: number;
  orphaned: number;
  ignored: number;
  quarantined: number;
  isReplay: boolean;
};

export function summariseProcessingResult(result: unknown): TProcessingSummary | null {
  if (result === null || result === undefined) return null;
  const parsed = ZProcessingResultSchema.safeParse(result);
  if (!parsed.success) return null;
  const r = parsed.data;
  const s = r.statuses;
  return {
    newFacts: (s.applied ?? 0) + (r.senderHealth ?? 0) + (r.templates ?? 0),
    duplicates: (s.duplicate ?? 0) + (s.alreadyRecorded ?? 0),
    orphaned: s.orphaned ?? 0,
    ignored: s.ignored ?? 0,
    quarantined: r.quarantined ?? 0,
    isReplay: r.isReplay ?? false,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/** "2 new facts · 1 duplicate · 1 orphaned", or what is missing. */
export function processingResultText(result: unknown): string {
  const s = summariseProcessingResult(result);
  if (!s) return "not processed yet";
  const parts = [
    plural(s.newFacts, "new fact", "new facts"),
    plural(s.duplicates, "duplicate", "duplicates"),
  ];
  if (s.orphaned > 0) parts.push(`${s.orphaned.toLocaleString("en")} waiting for their message`);
  if (s.ignored > 0) parts.push(`${s.ignored.toLocaleString("en")} ignored`);
  if (s.quarantined > 0) parts.push(`${s.quarantined.toLocaleString("en")} quarantined`);
  return parts.join(" · ");
}
