// Opt-in statement profile for benches (WAYBILL_BENCH_STATEMENTS=1): times every statement sent
// through node-postgres (plain pg and Prisma's pg adapter alike) from send to answer, and prints
// the statements that took the most wall time. Time spent waiting for a lock shows here too, which
// is the point: it is where a drain loop's time goes, whoever holds the CPU.
import pg from "pg";

type TStat = { calls: number; totalMs: number; maxMs: number; paramBytes: number };

/** What a statement's parameters weigh on the wire, roughly (text and buffers; arrays as their elements). */
function weigh(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + weigh(v) + 1, 2);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value).length;
  return value instanceof Date
    ? 24
    : value === null || value === undefined
      ? 0
      : JSON.stringify(value).length;
}

export function startStatementProfile(): { report: (top?: number) => string; reset: () => void } {
  const stats = new Map<string, TStat>();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  const patched = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text =
      typeof first === "string"
        ? first
        : first && typeof first === "object" && "text" in first
          ? String(first.text)
          : null;
    const result = original.apply(this, args);
    if (text === null || !(result instanceof Promise)) return result;
    const key = text.replace(/\s+/g, " ").trim().slice(0, 110);
    const params = Array.isArray(args[1])
      ? args[1]
      : first && typeof first === "object" && "values" in first && Array.isArray(first.values)
        ? first.values
        : [];
    const bytes = weigh(params);
    const t0 = performance.now();
    const done = () => {
      const ms = performance.now() - t0;
      const s = stats.get(key) ?? { calls: 0, totalMs: 0, maxMs: 0, paramBytes: 0 };
      s.calls += 1;
      s.paramBytes += bytes;
      s.totalMs += ms;
      s.maxMs = Math.max(s.maxMs, ms);
      stats.set(key, s);
    };
    return result.then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  };
  pg.Client.prototype.query = patched as typeof pg.Client.prototype.query;
  return {
    reset: () => stats.clear(),
    report: (top = 25) => {
      const rows = [...stats].sort((a, b) => b[1].totalMs - a[1].totalMs);
      const total = rows.reduce((sum, [, s]) => sum + s.totalMs, 0);
      return rows
        .slice(0, top)
        .map(
          ([text, s]) =>
            `${((100 * s.totalMs) / total).toFixed(1).padStart(5)}% ${Math.round(s.totalMs).toString().padStart(7)} ms ` +
            `${s.calls.toString().padStart(6)} calls ${(s.totalMs / s.calls).toFixed(2).padStart(7)} ms/call ` +
            `${Math.round(s.paramBytes / s.calls / 1024)
              .toString()
              .padStart(5)} KiB/call  ${text}`,
        )
        .join("\n");
    },
  };
}
