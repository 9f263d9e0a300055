// Where scripts/e2e-server.ts leaves what a run's checks need after the journeys: each process's
// log file and the run's database. Keyed by port, so runs on different ports never share one.
import os from "node:os";
import path from "node:path";

export type TE2eRun = { databaseUrl: string; applicationLogs: string[] };

export function e2eRunFolder(port: number): string {
  return path.join(os.tmpdir(), `waybill-e2e-${port}`);
}
