// `npm start`: installs what is missing, then runs the whole system (scripts/run.ts).
// Node built-ins only until the dependencies exist.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureDependencies, ROOT } from "./ensure-deps.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`waybill needs Node.js 20.19 or newer (found ${process.versions.node}).`);
  process.exit(1);
}

ensureDependencies();
const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
const child = spawn(tsx, [path.join(ROOT, "scripts", "run.ts"), ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
// the child handles SIGINT/SIGTERM itself (it owns the processes and the database)
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
