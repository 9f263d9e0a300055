// The send queue is one module: server/services/sending/send-queue.ts (with its claim,
// claim-sends.ts) is the only code that writes `send_queue`, and nothing imports the claim
// around it. Both checks are shown to fire on a planted file.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const OWNERS = new Set(["server/services/sending/send-queue.ts", "server/services/sending/claim-sends.ts"]);
const WRITE =
  /(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+send_queue\b|sendQueueItem\.(create|update|upsert|delete)/i;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/** Files outside the module that write the queue table. */
function writersOutsideTheModule(roots: readonly string[]): string[] {
  return roots
    .flatMap((root) => sourceFiles(root))
    .filter((file) => !OWNERS.has(file.split(path.sep).join("/")))
    .filter((file) => WRITE.test(fs.readFileSync(file, "utf8")));
}

const planted: string[] = [];
afterEach(() => {
  for (const file of planted.splice(0)) fs.rmSync(file, { force: true });
});

function plant(dir: string, source: string): string {
  const file = path.join(dir, `zz-planted-${crypto.randomBytes(4).toString("hex")}.ts`);
  fs.writeFileSync(file, source);
  planted.push(file);
  return file;
}

describe("the send queue is one module", { timeout: 180_000 }, () => {
  it("no code outside send-queue.ts writes send_queue", () => {
    expect(writersOutsideTheModule(["server", "app", "scripts"])).toEqual([]);
  });

  it("a write planted elsewhere is found", () => {
    const file = plant(
      "server/services/sending",
      'export const sql = "UPDATE send_queue SET not_before = now()";\n',
    );
    expect(writersOutsideTheModule(["server/services/sending"])).toEqual([file]);
  });

  it("importing the claim around the module breaks the dependency rule", () => {
    const file = plant(
      "server/services/sending",
      'import { claimSends } from "./claim-sends";\nexport const claim = claimSends;\n',
    );
    const result = spawnSync(
      path.resolve("node_modules/.bin/depcruise"),
      ["--config", ".dependency-cruiser.cjs", "--output-type", "json", file],
      { encoding: "utf8" },
    );
    const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string } }[] } };
    expect(report.summary.violations.map((v) => v.rule.name)).toContain("send-queue-is-one-module");
  });
});
