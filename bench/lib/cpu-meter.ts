// CPU time per process over a bench phase, read from /proc (Linux): what each process costs per
// unit of work. On a shared machine throughput moves with everyone else's load; CPU seconds spent
// per send or per request barely do, so they are what compares between runs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import type pg from "pg";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 nearly everywhere). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's user + system CPU seconds so far; null once it is gone (or off Linux). */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces: count fields from its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of a fixed set of processes (by label) between start and stop. */
export function meterProcesses(pids: Readonly<Record<string, number>>) {
  const start = new Map(Object.entries(pids).map(([label, pid]) => [label, cpuSecondsOf(pid)]));
  return () =>
    Object.fromEntries(
      Object.entries(pids).map(([label, pid]) => {
        const before = start.get(label);
        const after = cpuSecondsOf(pid);
        return [label, before === null || before === undefined || after === null ? 0 : after - before];
      }),
    ) as Record<string, number>;
}

/** This process's own CPU seconds between start and stop (the load generator). */
export function meterSelf() {
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
}

/**
 * CPU seconds of one database's server processes (client backends, autovacuum workers) between
 * start and stop, by application_name. The set is polled, so a backend that starts meanwhile is
 * counted from its start; one that ends between two polls keeps what it used up to the last.
 * Shared processes (WAL writer, checkpointer) are not counted.
 */
export function meterDatabase(pool: pg.Pool, database: string, pollMs = 250) {
  type TSeen = { label: string; first: number; last: number };
  const seen = new Map<number, TSeen>();
  const startedAt = new Date();
  let isRunning = true;
  const poll = async () => {
    const { rows } = await pool.query<{ pid: number; label: string; is_new: boolean }>(
      `SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS label, backend_start >= $2 AS is_new
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database, startedAt],
    );
    for (const row of rows) {
      const cpu = cpuSecondsOf(row.pid);
      if (cpu === null) continue;
      const known = seen.get(row.pid);
      if (known) known.last = cpu;
      else seen.set(row.pid, { label: row.label, first: row.is_new ? 0 : cpu, last: cpu });
    }
  };
  const done = (async () => {
    await poll();
    while (isRunning) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      await poll();
    }
  })();
  return async () => {
    isRunning = false;
    await done;
    const byLabel: Record<string, number> = {};
    for (const { label, first, last } of seen.values()) byLabel[label] = (byLabel[label] ?? 0) + last - first;
    return byLabel;
  };
}
