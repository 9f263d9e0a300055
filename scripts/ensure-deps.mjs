// Installs dependencies when they are missing or stale, using Node built-ins only (this runs
// before anything from npm exists). Shared by `npm start` and `npm test`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = path.join(ROOT, "node_modules", ".waybill-deps");

function lockHash() {
  const lock = path.join(ROOT, "package-lock.json");
  const pkg = path.join(ROOT, "package.json");
  const h = createHash("sha256");
  for (const f of [pkg, lock]) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest("hex");
}

export function ensureDependencies({ log = console.log } = {}) {
  const wanted = lockHash();
  const have = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
  const generated = path.join(ROOT, "server", "db", "generated", "client.ts");
  if (have === wanted && existsSync(generated)) return;
  const hasLock = existsSync(path.join(ROOT, "package-lock.json"));
  const args = hasLock ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
  log(`waybill: installing dependencies (npm ${args[0]}); this takes a minute the first time…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, args, { cwd: ROOT, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error("waybill: dependency installation failed (see npm's output above).");
    process.exit(result.status ?? 1);
  }
  writeFileSync(STAMP, wanted);
}
