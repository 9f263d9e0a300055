// `npm test`: installs what is missing, then typecheck, lint (incl. layer rules), format check,
// unit tests, production build, integration tests on real PostgreSQL, and Playwright e2e in
// Debian's Chromium. Stops at the first failing step. Ends with one line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureDependencies, ROOT } from "./ensure-deps.mjs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skipE2e = process.env.WAYBILL_SKIP_E2E === "1";
if (!skipE2e && !existsSync(chromium)) {
  console.error(
    [
      "",
      `waybill: the end-to-end tests need Chromium, not found at ${chromium}.`,
      "  On Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium",
      "  Elsewhere:         set CHROMIUM_PATH to a Chromium or Chrome binary.",
      "  (Playwright's own browser download is not used: these machines have no internet.)",
      "  To run everything except e2e: WAYBILL_SKIP_E2E=1 npm test",
      "",
    ].join("\n"),
  );
  process.exit(1);
}

ensureDependencies();
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const reports = path.join(ROOT, "test-results");
const counts = { passed: 0, failed: 0, skipped: 0 };

function vitestCounts(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  counts.passed += report.numPassedTests;
  counts.failed += report.numFailedTests;
  counts.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}

function playwrightCounts(file) {
  const { stats } = JSON.parse(readFileSync(file, "utf8"));
  counts.passed += stats.expected + stats.flaky;
  counts.failed += stats.unexpected;
  counts.skipped += stats.skipped;
}

const steps = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), [".", "--max-warnings=0"]],
  [
    "layer rules",
    bin("depcruise"),
    ["--config", ".dependency-cruiser.cjs", "app", "components", "trpc", "server", "scripts"],
  ],
  ["format", bin("prettier"), ["--check", "--log-level", "warn", "."]],
  [
    "unit tests",
    bin("vitest"),
    [
      "run",
      "--project",
      "unit",
      "--reporter",
      "default",
      "--reporter",
      "json",
      "--outputFile",
      path.join(reports, "unit.json"),
    ],
    () => vitestCounts(path.join(reports, "unit.json")),
  ],
  // before the integration tests: chaos-web.test.ts kills and restarts the production server
  ["production build", bin("next"), ["build"]],
  [
    "integration tests",
    bin("vitest"),
    [
      "run",
      "--project",
      "integration",
      "--reporter",
      "default",
      "--reporter",
      "json",
      "--outputFile",
      path.join(reports, "integration.json"),
    ],
    () => vitestCounts(path.join(reports, "integration.json")),
  ],
  ...(skipE2e
    ? []
    : [
        [
          "e2e tests",
          bin("playwright"),
          ["test"],
          () => playwrightCounts(path.join(reports, "e2e-report.json")),
        ],
      ]),
];

rmSync(reports, { recursive: true, force: true });
const started = Date.now();
for (const [name, command, args, collect] of steps) {
  const stepStarted = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env });
  try {
    collect?.();
  } catch {
    // a runner that crashed before writing its report: its exit code speaks
  }
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed after ${seconds}s`);
    console.log(`tests: ${counts.passed} passed, ${Math.max(counts.failed, 1)} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${seconds}s)`);
}
console.log(
  `\nAll steps passed in ${((Date.now() - started) / 1000).toFixed(0)}s${skipE2e ? " (e2e skipped: WAYBILL_SKIP_E2E=1)" : ""}.`,
);
console.log(
  `tests: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`,
);
