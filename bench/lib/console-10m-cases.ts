// The measuring half of bench/console-10m.ts: every console page's reads through the real tRPC
// procedures (createCaller with a signed-in user's inner context, as the pages' server
// components prefetch them), each timed, and every SELECT they sent re-run with
// EXPLAIN (ANALYZE, BUFFERS). The statements are taken from node-postgres itself (Prisma's pg
// adapter and the plain-pg hot paths both go through pg.Client#query), so the plans are of
// exactly the SQL the procedures ran, with their parameters.
//
// A tenant-rung read runs in the row-level-security scope (ADR 013). Each case is also timed
// through a caller whose scope is skipped (the procedures as they ran before the console entered
// it: no transaction, the connecting role), and each statement the scope ran is EXPLAINed both in
// it and outside it, so every read has its figures with and without the scope on the same data.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { createSecretBox } from "@/server/platform/secret-box";
import { makeUser } from "@/tests/factories";
import { makeMessage, stories } from "@/tests/factories/messages";
import { describeMachine, loadNow, today } from "./machine";
import { percentile, writeResultsSection } from "./results";

const RUNS = 20;
const PLANS_FILE = path.join(import.meta.dirname, "..", "results", "console-10m-plans.md");
// a read must never walk these whole (`message` alone: not message_provider_id and the like)
const LEDGER_TABLES = /Seq Scan on (message_event_receipt|message_event|message)(?![_\w])/g;
const ENTER_SCOPE = /^SELECT set_config\('role', 'waybill_app', true\)/;

type TSql = { text: string; values: unknown[] };
/** `scope`: the statement that entered the row-level-security scope it ran in, if any. */
type TStatement = TSql & { scope: TSql | null };
let capture: TStatement[] | null = null;
// the scope each connection is in (set by the scope's statement, ended by COMMIT or ROLLBACK)
const scopeOf = new WeakMap<pg.Client, TSql>();

// every statement any pg.Client runs in this process, while `capture` is set
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [first, second] = args;
  let statement: { text: string; values: unknown[] } | null = null;
  if (typeof first === "string") statement = { text: first, values: Array.isArray(second) ? second : [] };
  else if (first && typeof first === "object" && "text" in first) {
    const config = first as { text: string; values?: unknown[] };
    statement = { text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) };
  }
  if (statement) {
    if (ENTER_SCOPE.test(statement.text)) scopeOf.set(this, statement);
    else if (/^\s*(COMMIT|ROLLBACK)\b/i.test(statement.text)) scopeOf.delete(this);
    if (capture) capture.push({ ...statement, scope: scopeOf.get(this) ?? null });
  }
  return originalQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

/**
 * `db` with the tenant scope skipped: `inTenantScope` runs its body on the client itself, as the
 * tenant rung did before console reads entered the scope (no transaction, the connecting role).
 * For measuring only: the procedures called through it are the real ones.
 */
function withoutTenantScope(db: TDb): TDb {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === "$transaction") {
        return (arg: unknown, options: unknown) =>
          typeof arg === "function"
            ? (arg as (tx: TDb) => Promise<unknown>)(skippingScope(target))
            : (target.$transaction as (a: unknown, o: unknown) => Promise<unknown>)(arg, options);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function skippingScope(db: TDb): TDb {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === "$queryRawUnsafe") {
        return (sql: string, ...values: unknown[]) =>
          ENTER_SCOPE.test(sql) ? Promise.resolve([]) : target.$queryRawUnsafe(sql, ...values);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

const executionMs = (plan: string) => Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0);

type TCase = { page: string; name: string; target?: number; run: (i: number) => Promise<unknown> };
type TResult = {
  page: string;
  name: string;
  p50: number;
  p95: number;
  max: number;
  statements: number;
  ledgerSeqScans: string[];
  target?: number;
  error?: string;
  load: string;
  /** the same calls with the scope skipped, and the SQL of the scoped statements both ways */
  unscoped?: { p50: number; p95: number };
  scopedStatements: number;
  sqlMsInScope: number;
  sqlMsOutside: number;
};

export async function measureConsole10m(
  db: TDb,
  url: string,
  options: {
    loadSeconds: number | null;
    isWriting: boolean;
    messages: number;
    events: number;
    /** only the cases whose name contains this */
    only?: string;
  },
) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  try {
    const machine = await describeMachine(pool);
    const userOf = async (role: TSessionUser["role"], email: string, tenantId: string | null = null) => {
      const found = await db.user.findUnique({ where: { email } });
      const user = found ?? (await makeUser(db, role, { email, tenantId }));
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        tenantId: user.tenantId,
      };
    };
    const { rows: tenants } = await pool.query<{ id: string; n: string }>(
      `SELECT t.id::text, (SELECT count(*) FROM message m WHERE m.tenant_id = t.id) AS n FROM tenant t ORDER BY n DESC`,
    );
    const big = tenants[0]!.id;
    const small = tenants.at(-1)!.id;
    const engineer = await userOf("engineer", "engineer@bench.test");
    const admin = await userOf("admin", "admin@bench.test");
    const support = await userOf("support_agent", "support@bench.test");
    const box = createSecretBox(crypto.randomBytes(32).toString("base64"));
    const callerAs = (user: TSessionUser, through: TDb) =>
      createCaller(
        createInnerContext({
          db: through,
          secretBox: box,
          queue: () => Promise.reject(new Error("no queue in the bench")),
          sessionUser: user,
          ip: "127.0.0.1",
        }),
      );
    const callersThrough = (through: TDb) => ({
      asEngineer: callerAs(engineer, through),
      asSupport: callerAs(support, through),
      asAdmin: callerAs(admin, through),
    });
    const scopedCallers = callersThrough(db);
    const unscopedCallers = callersThrough(withoutTenantScope(db));
    // the cases call through `as`: the real ladder, or the same with the tenant scope skipped
    let as = scopedCallers;
    const { rows: samples } = await pool.query<{
      id: string;
      wamid: string;
      recipient: string;
      sender: string;
      template: string;
    }>(
      `SELECT id::text, provider_message_id AS wamid, recipient, sender_number_id::text AS sender, template_name AS template
       FROM message WHERE tenant_id = $1 AND provider_message_id LIKE 'wamid.bench.%' ORDER BY random() LIMIT 200`,
      [big],
    );
    const pick = (i: number) => samples[(i * 7) % samples.length]!;
    // timelines of real ledgers (valid chains, receipts, duplicates, conflicts), written through
    // the ledger service amid the bulk rows (whose ledgers are the tables' size, not valid chains)
    const { rows: bigSenders } = await pool.query<{ id: string }>(
      "SELECT id::text FROM sender_number WHERE tenant_id = $1 ORDER BY id LIMIT 1",
      [big],
    );
    const kinds = [
      stories.read,
      stories.readAfterFailed,
      stories.duplicateHeavy,
      stories.retriedThenDelivered,
      stories.failed131026,
    ];
    const real: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const t0 = Date.now() - 86_400_000 + i * 60_000;
      const { id } = await makeMessage(
        db,
        { tenantId: big, senderNumberId: bigSenders[0]!.id, createdAtMs: t0 },
        kinds[i % kinds.length]!(t0),
      );
      real.push(id);
    }
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    const dayAgo = new Date(Date.now() - 86_400_000);

    const cases: TCase[] = [
      {
        page: "message",
        name: "messages.timeline",
        target: 20,
        run: (i) => as.asSupport.messages.timeline({ tenantId: big, messageId: real[i % real.length]! }),
      },
      {
        page: "messages",
        name: "search by id",
        target: 20,
        run: (i) => as.asSupport.messages.search({ tenantId: big, messageId: pick(i).id }),
      },
      {
        page: "messages",
        name: "search by wamid",
        target: 20,
        run: (i) => as.asSupport.messages.search({ tenantId: big, wamid: pick(i).wamid }),
      },
      {
        page: "messages",
        name: "search by full number",
        target: 20,
        run: (i) => as.asSupport.messages.search({ tenantId: big, recipient: `+${pick(i).recipient}` }),
      },
      {
        page: "messages",
        name: "search by last 4 digits",
        target: 20,
        run: (i) => as.asSupport.messages.search({ tenantId: big, recipient: pick(i).recipient.slice(-4) }),
      },
      {
        page: "messages",
        name: "all tenants by wamid",
        target: 20,
        run: (i) => as.asSupport.messages.search({ scope: "all", wamid: pick(i).wamid }),
      },
      {
        page: "messages",
        name: "newest first, one tenant",
        target: 150,
        run: () => as.asSupport.messages.search({ tenantId: big }),
      },
      {
        page: "messages",
        name: "newest first, all tenants",
        target: 150,
        run: () => as.asSupport.messages.search({ scope: "all" }),
      },
      {
        page: "messages",
        name: "filtered: failed with 131049",
        target: 150,
        run: () => as.asSupport.messages.search({ tenantId: big, state: "failed", errorCode: "131049" }),
      },
      {
        page: "messages",
        name: "filtered: template + delivered, 7 days",
        target: 150,
        run: (i) =>
          as.asSupport.messages.search({
            tenantId: big,
            templateName: pick(i).template,
            state: "delivered",
            createdFrom: weekAgo,
          }),
      },
      {
        page: "messages",
        name: "filtered: sender + failed, all tenants",
        target: 150,
        run: () => as.asSupport.messages.search({ scope: "all", state: "failed", createdFrom: dayAgo }),
      },
      {
        page: "health",
        name: "insights.senderHealth 7d",
        target: 150,
        run: () => as.asSupport.insights.senderHealth({ tenantId: big, window: "7d" }),
      },
      {
        page: "health",
        name: "insights.tenantsOverview 7d",
        target: 150,
        run: () => as.asSupport.insights.tenantsOverview({ scope: "all", window: "7d" }),
      },
      {
        page: "heatmaps",
        name: "insights.tenantHeatmap 7d",
        target: 150,
        run: () => as.asSupport.insights.tenantHeatmap({ tenantId: big, window: "7d" }),
      },
      {
        page: "heatmaps",
        name: "insights.crossTenantHeatmap 30d",
        target: 150,
        run: () => as.asEngineer.insights.crossTenantHeatmap({ window: "30d" }),
      },
      {
        page: "dead letters",
        name: "deadLetters.list open",
        target: 150,
        run: () => as.asEngineer.deadLetters.list({ tenantId: big }),
      },
      {
        page: "dead letters",
        name: "deadLetters.list all tenants open",
        target: 150,
        run: () => as.asEngineer.deadLetters.list({ scope: "all" }),
      },
      {
        page: "stalled & alerts",
        name: "alerts.feed",
        run: () => as.asEngineer.alerts.feed({ tenantId: big }),
      },
      {
        page: "stalled & alerts",
        name: "alerts.stalled",
        run: () => as.asEngineer.alerts.stalled({ tenantId: big }),
      },
      {
        page: "stalled & alerts",
        name: "alerts.stalled all tenants",
        run: () => as.asEngineer.alerts.stalled({ scope: "all" }),
      },
      {
        page: "stalled & alerts",
        name: "alerts.feed all tenants",
        run: () => as.asEngineer.alerts.feed({ scope: "all" }),
      },
      {
        page: "disputes",
        name: "disputes.list open",
        run: () => as.asSupport.disputes.list({ tenantId: big, status: "open" }),
      },
      {
        page: "audit log",
        name: "admin.listAuditEvents",
        run: () => as.asAdmin.admin.listAuditEvents({ limit: 50 }),
      },
      { page: "operations", name: "operations.ingestion", run: () => as.asEngineer.operations.ingestion() },
      { page: "operations", name: "operations.queues", run: () => as.asEngineer.operations.queues() },
      {
        page: "operations",
        name: "operations.providerErrors",
        run: () => as.asEngineer.operations.providerErrors(),
      },
      {
        page: "operations",
        name: "operations.orphans",
        run: () => as.asEngineer.operations.orphans({ limit: 20 }),
      },
      {
        page: "operations",
        name: "ingest.listQuarantine",
        run: () => as.asEngineer.ingest.listQuarantine({ includeResolved: false, limit: 20 }),
      },
      {
        page: "operations",
        name: "sending.listPausedSenders",
        run: () => as.asEngineer.sending.listPausedSenders({}),
      },
      { page: "operations", name: "sending.listInDoubt", run: () => as.asEngineer.sending.listInDoubt({}) },
      {
        page: "operations",
        name: "alerts.counts all tenants",
        run: () => as.asEngineer.alerts.counts({ scope: "all" }),
      },
      {
        page: "operations",
        // the same inputs as app/(dashboard)/operations/page.tsx prefetches
        name: "the whole page (its 8 prefetches at once)",
        target: 300,
        run: () =>
          Promise.all([
            as.asEngineer.operations.ingestion(),
            as.asEngineer.operations.queues(),
            as.asEngineer.operations.providerErrors(),
            as.asEngineer.sending.listPausedSenders({}),
            as.asEngineer.sending.listInDoubt({}),
            as.asEngineer.alerts.counts({ scope: "all" }),
            as.asEngineer.ingest.listQuarantine({ includeResolved: false, limit: 20 }),
            as.asEngineer.operations.orphans({ limit: 20 }),
          ]),
      },
      {
        page: "tenant",
        name: "a small tenant's newest messages",
        target: 150,
        run: () => as.asSupport.messages.search({ tenantId: small }),
      },
    ];

    const results: TResult[] = [];
    const plans: string[] = [];
    const timeRuns = async (c: TCase) => {
      for (let i = 0; i < 3; i += 1) await c.run(i);
      const times: number[] = [];
      let statements: TStatement[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        capture = [];
        const start = performance.now();
        await c.run(i);
        times.push(performance.now() - start);
        statements = capture;
        capture = null;
      }
      times.sort((a, b) => a - b);
      return { times, statements };
    };
    // EXPLAIN ANALYZE of a statement as it ran: in its tenant scope (entered by the statement the
    // code ran, in a transaction rolled back) or not. The fastest of 3: on a shared machine one
    // run's wall-clock time is mostly how long the process waited for a core.
    const explainOnce = async (statement: TStatement, scope: TSql | null) => {
      if (scope !== null) {
        await explainer.query("BEGIN");
        await explainer.query(scope.text, scope.values);
      }
      try {
        const { rows } = await explainer.query<{ "QUERY PLAN": string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
          statement.values,
        );
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      } finally {
        if (scope !== null) await explainer.query("ROLLBACK");
      }
    };
    const explain = async (statement: TStatement, scope: TSql | null) => {
      let best = await explainOnce(statement, scope);
      for (let i = 1; i < 3; i += 1) {
        const plan = await explainOnce(statement, scope);
        if (executionMs(plan) < executionMs(best)) best = plan;
      }
      return best;
    };
    for (const c of cases.filter((c) => options.only === undefined || c.name.includes(options.only))) {
      try {
        as = scopedCallers;
        const { times, statements } = await timeRuns(c);
        const reads = statements.filter(
          (s) => /^\s*(SELECT|WITH)\b/i.test(s.text) && !/\b(INSERT|UPDATE|DELETE)\b/i.test(s.text),
        );
        const scopedReads = reads.filter((s) => s.scope !== null && !ENTER_SCOPE.test(s.text));
        // the same calls with the scope skipped, only where the scope was entered at all
        let unscoped: TResult["unscoped"];
        if (scopedReads.length > 0) {
          as = unscopedCallers;
          const { times: unscopedTimes } = await timeRuns(c);
          unscoped = { p50: percentile(unscopedTimes, 50), p95: percentile(unscopedTimes, 95) };
          as = scopedCallers;
        }
        const seqScans: string[] = [];
        let sqlMsInScope = 0;
        let sqlMsOutside = 0;
        plans.push(`## ${c.page}: ${c.name}\n`);
        for (const statement of reads) {
          if (ENTER_SCOPE.test(statement.text)) continue;
          const plan = await explain(statement, statement.scope);
          for (const match of plan.matchAll(LEDGER_TABLES)) seqScans.push(match[1]!);
          let outside = "";
          if (statement.scope !== null) {
            const unscopedPlan = await explain(statement, null);
            for (const match of unscopedPlan.matchAll(LEDGER_TABLES))
              seqScans.push(`${match[1]!} (outside the scope)`);
            sqlMsInScope += executionMs(plan);
            sqlMsOutside += executionMs(unscopedPlan);
            outside = `Fastest of 3 outside the scope: ${executionMs(unscopedPlan).toFixed(3)} ms (in it: ${executionMs(plan).toFixed(3)} ms).\n`;
          }
          plans.push(
            "```sql",
            statement.text.trim(),
            "```",
            "",
            statement.scope === null
              ? "As the connecting role:"
              : `In the tenant scope (${String(statement.scope.values[0])}):`,
            "",
            "```",
            plan,
            "```",
            "",
            outside,
          );
        }
        const result: TResult = {
          page: c.page,
          name: c.name,
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          max: times.at(-1) ?? 0,
          statements: statements.length,
          ledgerSeqScans: seqScans,
          target: c.target,
          load: loadNow(),
          unscoped,
          scopedStatements: scopedReads.length,
          sqlMsInScope,
          sqlMsOutside,
        };
        results.push(result);
        console.log(
          `${`${c.page}: ${c.name}`.padEnd(58)} p50 ${result.p50.toFixed(1).padStart(7)} ms  p95 ${result.p95.toFixed(1).padStart(7)} ms${unscoped ? `  (unscoped p50 ${unscoped.p50.toFixed(1)} p95 ${unscoped.p95.toFixed(1)}; SQL ${sqlMsInScope.toFixed(2)} vs ${sqlMsOutside.toFixed(2)} ms)` : ""}  ${reads.length} reads${seqScans.length ? `  SEQ SCAN ${seqScans.join(",")}` : ""}  (${result.load})`,
        );
      } catch (error) {
        capture = null;
        as = scopedCallers;
        // the first line that says something (a Prisma error may open with an empty one)
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const message = (text.split("\n").find((line) => line.trim() !== "") ?? "error").slice(0, 200);
        console.log(`${c.page}: ${c.name}  FAILED ${message}`);
        results.push({
          page: c.page,
          name: c.name,
          p50: 0,
          p95: 0,
          max: 0,
          statements: 0,
          ledgerSeqScans: [],
          target: c.target,
          error: message,
          load: loadNow(),
          scopedStatements: 0,
          sqlMsInScope: 0,
          sqlMsOutside: 0,
        });
      }
    }

    const { rows: sizes } = await pool.query<{ relname: string; rows: string; size: string }>(
      `SELECT c.relname, to_char(c.reltuples::bigint, 'FM999,999,999,999') AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM pg_class c WHERE c.relname IN ('message', 'message_event', 'message_event_receipt', 'message_provider_id', 'dead_letter', 'webhook_inbox')
       ORDER BY c.relname`,
    );
    const f1 = (n: number) => n.toFixed(1);
    const verdict = (r: TResult) =>
      r.error
        ? `failed: ${r.error}`
        : r.target === undefined
          ? ""
          : r.p95 <= r.target
            ? `<= ${r.target} ms: met`
            : `<= ${r.target} ms: **missed**`;
    const seqTotal = results.reduce((n, r) => n + r.ledgerSeqScans.length, 0);
    const eventsText = options.events.toLocaleString("en");
    // the full size keeps its section and plans; a smaller run writes its own beside them
    const isFullSize = options.events === 10_000_000;
    const heading = `## Console at ${eventsText} events`;
    const plansFile = isFullSize
      ? PLANS_FILE
      : path.join(path.dirname(PLANS_FILE), `console-${options.messages}-messages-plans.md`);
    const scopeCell = (r: TResult) =>
      r.unscoped ? `${f1(r.unscoped.p50)} / ${f1(r.unscoped.p95)}` : "not scoped";
    const sqlCell = (r: TResult) =>
      r.scopedStatements > 0
        ? `${r.sqlMsInScope.toFixed(2)} / ${r.sqlMsOutside.toFixed(2)} (${r.scopedStatements})`
        : "";
    const section = [
      `${heading} (bench/console-10m.ts)`,
      "",
      `Measured ${today()} on ${machine}; the machine was shared with other work (the load average after each case is in the last column). ${options.messages.toLocaleString("en")} messages and ${eventsText} ledger events with a receipt each, across ${tenants.length} tenants (the largest ${Number(tenants[0]!.n).toLocaleString("en")} messages), created over the 90 days up to the run${options.loadSeconds === null ? "" : `, loaded in ${Math.round(options.loadSeconds)} s`}. Each row: the real tRPC procedure called as a signed-in user, 3 warm-up calls then ${RUNS} timed; the plans of every SELECT it sent (EXPLAIN (ANALYZE, BUFFERS)) are in \`bench/results/${path.basename(plansFile)}\`. Rerun: \`npx tsx bench/console-10m.ts${isFullSize ? "" : ` ${options.messages}`}\`.`,
      "",
      "A tenant-rung read runs in the row-level-security scope (ADR 013). For those, the same calls were also timed with the scope skipped (the procedures as they ran outside it: no transaction, the connecting role), and the SQL column sums EXPLAIN ANALYZE's execution time (the fastest of 3 runs) of every statement the scope ran, in the scope and outside it, on the same data (the number of statements in brackets).",
      "",
      `Tables: ${sizes.map((s) => `${s.relname} ${s.rows} rows, ${s.size}`).join("; ")}.`,
      "",
      "| page | procedure | p50 ms | p95 ms | max ms | without the scope p50 / p95 ms | SQL ms in / outside the scope | statements | seq scans of ledger tables or message | target (p95) | machine load |",
      "| --- | --- | --: | --: | --: | --: | --: | --: | --- | --- | --- |",
      ...results.map(
        (r) =>
          `| ${r.page} | ${r.name} | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.max)} | ${scopeCell(r)} | ${sqlCell(r)} | ${r.statements} | ${r.ledgerSeqScans.length ? r.ledgerSeqScans.join(", ") : "none"} | ${verdict(r)} | ${r.load} |`,
      ),
      "",
      `Sequential scans of \`message_event\`, \`message_event_receipt\` or \`message\` in any plan, in the scope or outside it: **${seqTotal === 0 ? "none" : seqTotal}**.`,
      "",
    ].join("\n");
    console.log(`\n${section}`);
    if (options.isWriting) {
      fs.mkdirSync(path.dirname(plansFile), { recursive: true });
      fs.writeFileSync(
        plansFile,
        `# Plans of the console's reads at ${eventsText} events\n\nWritten by bench/console-10m.ts on ${today()}: every SELECT each procedure sent in its last timed call, with EXPLAIN (ANALYZE, BUFFERS); a statement that ran in the tenant scope is explained in it, with its time outside it below.\n\n${plans.join("\n")}\n`,
      );
      writeResultsSection(heading, section);
    }
  } finally {
    await explainer.end();
    await pool.end();
  }
}
