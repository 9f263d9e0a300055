// Console pages on a large ledger, as a user sees them: a scratch database with the demo tenants
// and users, N messages bulk-loaded over the last 90 days (bench/lib/large-ledger.ts; Acme holds
// 60 %), the production build (`next start`, run `npx next build` first) and Debian's Chromium
// signed in per role. Each page is opened RUNS times; the figures are the server's answer (time to
// first byte), its whole answer (the last byte of the streamed HTML: a page with a loading.tsx
// sends its shell and skeleton first, and its data after), and the page ready for use (navigation
// start until the page's own content is visible). Written to bench/RESULTS.md.
//
// Run: npx next build && npx tsx bench/console-pages.ts [messages=1000000] [--no-write]
//   ["--pages=operations|dead letters, all"] (only the pages whose names contain one of these,
//   separated by |; with it the figures are printed, not written) [--port=N] (next start's port; a free one otherwise)
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Page } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD, DEMO_TENANTS, seedDemo } from "@/prisma/seed";
import { createDb } from "@/server/db/client";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { PROJECT_ROOT } from "@/server/platform/local-state";
import { createSecretBox } from "@/server/platform/secret-box";
import { rebuildRollups } from "@/server/services/insights/rebuild-rollups";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { createTestDatabase } from "@/tests/setup/test-database";
import { percentile, writeResultsSection } from "./lib/results";
import { loadLargeLedger, type TBenchTenant } from "./lib/large-ledger";
import { BENCH_PAGES, type TBenchPage } from "./lib/pages";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const argValue = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const pageFilter = argValue("pages")
  ?.split("|")
  .map((p) => p.trim().toLowerCase())
  .filter(Boolean);
const fixedPort = argValue("port") ? Number(argValue("port")) : null;
// a partial run does not replace the whole table
const isWriting = !process.argv.includes("--no-write") && !pageFilter;
const benchPages = pageFilter
  ? BENCH_PAGES.filter((p) => pageFilter.some((f) => p.name.toLowerCase().includes(f)))
  : BENCH_PAGES;
const RUNS = 12;
const DAY = 86_400_000;
const PAGES_SECTION = "## Console pages (bench/console-pages.ts)";

/** How to read the table (written from the 1,000,000-message run; kept under the figures). */
const READING = [
  "Reading the figures: the pages with a loading.tsx stream, so their answer is their shell and",
  "skeleton and their whole answer holds their queries; Operations awaits its eight prefetches and",
  "answers with its data, so its answer is its whole answer. Until 2026-12-04 each prefetch also",
  "decoded the session cookie and re-read the account (39 of Operations' 58 statements per render);",
  'one tRPC context per render now checks the session once. "Ready" is dominated by the browser on',
  "this 2-core machine (shared with the database and the server): hydrating React and drawing the",
  "Recharts charts (the heatmaps, 0.9 s) costs more than fetching the data, which is why the",
  "timeline, a page with little JavaScript, is ready in a quarter of a second.",
].join("\n");

type TResult = { page: TBenchPage; ttfb: number[]; whole: number[]; ready: number[] };

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

async function openPage(page: Page, url: string, target: TBenchPage) {
  const started = performance.now();
  const response = await page.goto(url, { waitUntil: "commit" });
  if (!response || response.status() !== 200) {
    throw new Error(`${url} answered ${response?.status() ?? "nothing"}`);
  }
  await target.ready(page);
  const ready = performance.now() - started;
  // evaluated in the browser (an expression: the CSP refuses eval, so no waitForFunction): the
  // Navigation Timing entry of this visit, once the document has arrived whole (responseEnd is 0
  // until then)
  const timing =
    "(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? [n.responseStart - n.startTime, n.responseEnd - n.startTime] : [NaN, 0]; })()";
  let [ttfb, whole] = await page.evaluate<[number, number]>(timing);
  for (let i = 0; whole <= 0 && i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
    [ttfb, whole] = await page.evaluate<[number, number]>(timing);
  }
  return { ttfb, whole, ready };
}

async function waitForHealth(url: string, child: ChildProcess) {
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) throw new Error("next start exited");
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer`);
}

async function main() {
  const started = performance.now();
  console.log(`console-pages bench: ${N.toLocaleString("en")} messages`);
  if (!fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npx next build` first");
  }
  const database = await createTestDatabase("bench_pages");
  const db = createDb(database.url, { max: 4 });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  let server: ChildProcess | null = null;
  try {
    const encryptionKey = crypto.randomBytes(32).toString("base64");
    const box = createSecretBox(encryptionKey);
    await seedDemo(db, box, null);
    const tenants: TBenchTenant[] = [];
    const shares: Record<string, number> = { acme: 0.6, globex: 0.1 };
    for (const spec of DEMO_TENANTS) {
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { slug: spec.slug },
        select: { id: true, senderNumbers: { select: { id: true } } },
      });
      tenants.push({
        id: tenant.id,
        senders: tenant.senderNumbers.map((s) => s.id),
        share: shares[spec.slug] ?? 0,
      });
    }
    for (let i = 0; i < 3; i += 1) {
      const tenant = await makeTenant(db);
      const senders = [
        (await makeSenderNumber(db, box, tenant.id)).id,
        (await makeSenderNumber(db, box, tenant.id)).id,
      ];
      tenants.push({ id: tenant.id, senders, share: 0.1 });
    }
    const loadStart = performance.now();
    // the 90 days up to now, so the pages' windows (last 24 h, 7 and 30 days) hold data
    await loadLargeLedger(
      pool,
      tenants.filter((t) => t.share > 0),
      N,
      { startMs: Date.now() - 90 * DAY, spanMs: 90 * DAY },
    );
    // the insights rollups, as migration 006 builds them for messages that predate it
    for (const tenant of tenants) await rebuildRollups(db, tenant.id);
    await pool.query("VACUUM ANALYZE");
    const loadSeconds = (performance.now() - loadStart) / 1000;
    console.log(`loaded in ${loadSeconds.toFixed(0)} s`);
    const acmeId = tenants[0]!.id;
    const sample = await pool.query<{ id: string }>(
      `SELECT id::text FROM message WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [acmeId],
    );
    const messageId = sample.rows[0]?.id;
    if (!messageId) throw new Error("no message loaded");

    const port = fixedPort ?? (await findFreePort());
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: database.url,
      AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
      AUTH_URL: baseUrl,
      WAYBILL_ENCRYPTION_KEY: encryptionKey,
      WHATSAPP_APP_SECRET: crypto.randomBytes(16).toString("hex"),
      WHATSAPP_VERIFY_TOKEN: crypto.randomBytes(12).toString("hex"),
      WAYBILL_DEMO: "1",
      LOG_LEVEL: "warn",
    };
    const child = spawn(
      path.join(PROJECT_ROOT, "node_modules/.bin/next"),
      ["start", "-p", String(port), "-H", "127.0.0.1"],
      { cwd: PROJECT_ROOT, env, stdio: "inherit" },
    );
    server = child;
    await waitForHealth(`${baseUrl}/login`, child);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"],
    });
    const results: TResult[] = [];
    try {
      const byRole = new Map<string, Page>();
      for (const target of benchPages) {
        let page = byRole.get(target.as);
        if (!page) {
          page = await (await browser.newContext()).newPage();
          await signIn(page, baseUrl, target.as);
          byRole.set(target.as, page);
        }
        const url = `${baseUrl}${target.path({ tenant: "acme", messageId })}`;
        await openPage(page, url, target); // warm: compiled routes, plans, buffers
        const ttfb: number[] = [];
        const whole: number[] = [];
        const ready: number[] = [];
        for (let i = 0; i < RUNS; i += 1) {
          const timing = await openPage(page, url, target);
          ttfb.push(timing.ttfb);
          whole.push(timing.whole);
          ready.push(timing.ready);
        }
        ttfb.sort((a, b) => a - b);
        whole.sort((a, b) => a - b);
        ready.sort((a, b) => a - b);
        results.push({ page: target, ttfb, whole, ready });
        const ms = (sorted: number[], p: number) => percentile(sorted, p).toFixed(0).padStart(5);
        console.log(
          `${target.name.padEnd(40)} answer p50 ${ms(ttfb, 50)} ms p95 ${ms(ttfb, 95)} ms | whole p50 ${ms(whole, 50)} ms p95 ${ms(whole, 95)} ms | ready p50 ${ms(ready, 50)} ms p95 ${ms(ready, 95)} ms | load ${os.loadavg()[0]!.toFixed(1)}`,
        );
      }
    } finally {
      await browser.close();
    }

    const totalSeconds = (performance.now() - started) / 1000;
    const version = (await pool.query<{ server_version: string }>("SHOW server_version")).rows[0]
      ?.server_version;
    const count =
      (await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM message")).rows[0]?.n ?? "0";
    const report = [
      PAGES_SECTION,
      ``,
      `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, PostgreSQL ${version} (${process.env.DATABASE_URL ? "DATABASE_URL" : "embedded, default settings"}), Node ${process.version}, the production build (\`next start\`), Debian Chromium; the machine was shared with other work.`,
      ``,
      `- **${Number(count).toLocaleString("en")} messages** over the 90 days up to the run (the demo tenants Acme 60 % and Globex 10 %, three more tenants 10 % each), loaded (with the rollups rebuilt) in ${loadSeconds.toFixed(0)} s; whole run ${totalSeconds.toFixed(0)} s.`,
      `- Each page: one warm-up visit, then ${RUNS} visits by a signed-in user of the role named. *Answer* is the server's time to first byte; *whole* is the last byte of the HTML (a page with a loading.tsx streams its shell and skeleton first, so its answer does not include its queries, while its whole answer does); *ready* runs from navigation start until the page's own content (named per page) is visible in the browser.`,
      ``,
      `| page | as | ready when | answer p50 ms | answer p95 ms | whole p50 ms | whole p95 ms | ready p50 ms | ready p95 ms |`,
      `| --- | --- | --- | --: | --: | --: | --: | --: | --: |`,
      ...results.map(
        (r) =>
          `| ${r.page.name} | ${r.page.as} | ${r.page.readyWhen} | ${percentile(r.ttfb, 50).toFixed(0)} | ${percentile(r.ttfb, 95).toFixed(0)} | ${percentile(r.whole, 50).toFixed(0)} | ${percentile(r.whole, 95).toFixed(0)} | ${percentile(r.ready, 50).toFixed(0)} | ${percentile(r.ready, 95).toFixed(0)} |`,
      ),
      ``,
      READING,
    ].join("\n");
    console.log(`\n${report}`);
    if (isWriting) writeResultsSection(PAGES_SECTION, report);
  } finally {
    const child = server;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await db.$disconnect();
    await pool.end();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
