// Benches that run the worker's code (drain loops, the dispatcher) run it under the worker's own
// Node flags (server/worker/node-flags.ts), so their CPU and throughput are the worker's.
import { spawnSync } from "node:child_process";
import { WORKER_NODE_FLAGS } from "@/server/worker/node-flags";

const MARK = "WAYBILL_BENCH_WORKER_FLAGS";

/**
 * Runs this script again under the worker's flags and exits with its status, unless this is
 * already that run (then it returns at once). Call it first thing in the role that drains.
 */
export function rerunWithWorkerFlags(): void {
  if (process.env[MARK] === "1") return;
  const child = spawnSync(
    process.execPath,
    [...WORKER_NODE_FLAGS, "--import", "tsx", ...process.argv.slice(1)],
    {
      stdio: "inherit",
      env: { ...process.env, [MARK]: "1" },
    },
  );
  process.exit(child.status ?? 1);
}
