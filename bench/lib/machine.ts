// What every bench writes beside its figures: the machine, the date and how busy it was.
import os from "node:os";
import type pg from "pg";

export async function describeMachine(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ version: string }>("SELECT version()");
  const cpu = os.cpus();
  return (
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ` +
    `${rows[0]?.version.split(" on ")[0] ?? "PostgreSQL"} on the same machine, Node ${process.version}`
  );
}

/** 1-minute load average now, e.g. "load 7.9 on 2 cores" (other work shares the machine). */
export function loadNow(): string {
  return `load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
}

export const today = () => new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC";
