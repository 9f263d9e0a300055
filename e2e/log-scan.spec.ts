// After every journey (this project depends on them): the application's own logs of the whole e2e
// run, web and worker at info level as scripts/e2e-server.ts wrote them, hold no recipient or
// sender number, no message body and nothing shaped like an E.164 number. The numbers and bodies
// looked for are read from the run's database, so whatever the seed and the journeys created is
// covered without a list kept by hand.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { e2eRunFolder, type TE2eRun } from "../tests/setup/e2e-run";
import { scanLogs } from "../tests/setup/log-scan";

// a body this short ("ok", "hi") occurs in ordinary log words: only distinctive ones are looked for
const MIN_BODY_LENGTH = 8;

/** What scripts/e2e-server.ts recorded of this run: its database and its log files. */
function readRun(): TE2eRun {
  const folder = e2eRunFolder(Number(process.env.E2E_PORT ?? 3100));
  return JSON.parse(fs.readFileSync(path.join(folder, "run.json"), "utf8")) as TE2eRun;
}

test("the application's logs of the e2e run hold no phone number and no message body", async () => {
  const run = readRun();
  const client = new pg.Client({ connectionString: run.databaseUrl });
  await client.connect();
  try {
    const numbers = await client.query<{ n: string }>(
      `SELECT recipient AS n FROM message
       UNION SELECT display_number FROM sender_number`,
    );
    const bodies = await client.query<{ body: string }>(
      `SELECT DISTINCT request_payload->'text'->>'body' AS body FROM message
       WHERE length(request_payload->'text'->>'body') >= $1`,
      [MIN_BODY_LENGTH],
    );
    const seeded = {
      phoneNumbers: numbers.rows.map((r) => r.n),
      bodies: bodies.rows.map((r) => r.body),
    };
    // the seed alone holds numbers, so there is always something to look for (text bodies come
    // only from the journeys that send one)
    expect(seeded.phoneNumbers.length).toBeGreaterThan(0);

    const logs = run.applicationLogs.map((file) => fs.readFileSync(file, "utf8"));
    // the processes logged (at least their start-up), so an empty scan is not a vacuous pass
    for (const [i, text] of logs.entries()) expect(text.length, run.applicationLogs[i]).toBeGreaterThan(0);
    const findings = run.applicationLogs.flatMap((file, i) =>
      scanLogs([logs[i]!], seeded).map((f) => `${path.basename(file)}:${f.line} ${f.kind}`),
    );
    expect(findings).toEqual([]);

    // the scan sees what it looks for in these very lists
    expect(scanLogs([`{"to":"${seeded.phoneNumbers[0]}"}`], seeded).map((f) => f.kind)).toContain(
      "seeded number",
    );
    if (seeded.bodies.length > 0)
      expect(scanLogs([`{"text":"${seeded.bodies[0]}"}`], seeded).map((f) => f.kind)).toEqual([
        "message body",
      ]);
    test.info().annotations.push({
      type: "log-scan",
      description: `${logs.join("").split("\n").length} lines, ${seeded.phoneNumbers.length} numbers, ${seeded.bodies.length} bodies`,
    });
  } finally {
    await client.end();
  }
});

// Next prints "⨯" before an error a server render or route threw and nobody handled. Every journey
// expects its pages to render or to refuse on purpose (a 404, a redirect), so one such line means a
// page failed on the server in a way the journey did not see, as a prefetch that sent a client
// reference for a number did, its error redacted and its page quietly falling back to a spinner.
test("no page or route failed on the server during the e2e run", async () => {
  const web = readRun().applicationLogs.find((file) => path.basename(file) === "web.log");
  expect(web, "the run names the web server's log").toBeDefined();
  const lines = fs.readFileSync(web!, "utf8").split("\n");
  const failures = lines.flatMap((line, i) => (line.startsWith("⨯") ? [`web.log:${i + 1} ${line}`] : []));
  expect(failures).toEqual([]);
});
