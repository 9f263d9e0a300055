// CPU time spent by this process and by the PostgreSQL processes serving one database, over a
// stretch of a bench. On a shared machine throughput moves with everyone else's load, but the CPU
// a piece of work costs barely does: "ms of CPU per 1,000 events" compares runs made hours apart,
// and the two sides (Node, PostgreSQL) say which one to make cheaper. Linux only (/proc); elsewhere
// the PostgreSQL side reads as unknown.
import fs from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/** utime + stime of one process in ms, or null when it is gone. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name is in parentheses and may hold spaces: fields are counted after it
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** PostgreSQL backends and autovacuum workers of one database ("postgres: user db ..."). */
function databaseProcesses(database: string): Map<number, number> {
  const found = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmdline.startsWith("postgres: ")) continue;
    if (!cmdline.split(/\s+/).includes(database)) continue;
    const ms = processCpuMs(Number(entry));
    if (ms !== null) found.set(Number(entry), ms);
  }
  return found;
}

export type TCpuSpent = { nodeMs: number; postgresMs: number | null; wallMs: number };

/** Starts counting; the returned function gives the CPU spent since. */
export function startCpuMeter(database: string): () => TCpuSpent {
  const node = process.cpuUsage();
  const wall = performance.now();
  const before = databaseProcesses(database);
  return () => {
    const used = process.cpuUsage(node);
    const after = databaseProcesses(database);
    let postgresMs = 0;
    // a backend that connected during the stretch counts from zero
    for (const [pid, ms] of after) postgresMs += ms - (before.get(pid) ?? 0);
    return {
      nodeMs: (used.user + used.system) / 1000,
      postgresMs: after.size === 0 ? null : postgresMs,
      wallMs: performance.now() - wall,
    };
  };
}

/** "Node 412 ms + PostgreSQL 380 ms of CPU per 1,000 events" and the busy share of each. */
export function describeCpu(spent: TCpuSpent, units: number, unitName: string): string {
  const per = (ms: number) => Math.round((ms * 1000) / units);
  const busy = (ms: number) => `${Math.round((100 * ms) / spent.wallMs)} % of a core`;
  const pgPart =
    spent.postgresMs === null
      ? "PostgreSQL unknown"
      : `PostgreSQL ${per(spent.postgresMs)} ms (${busy(spent.postgresMs)})`;
  return `CPU per 1,000 ${unitName}: Node ${per(spent.nodeMs)} ms (${busy(spent.nodeMs)}), ${pgPart}`;
}
