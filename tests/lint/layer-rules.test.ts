// Shows that the layer-boundary check fails on each rule of docs/ARCHITECTURE.md: a violating
// file is planted at a real path, dependency-cruiser runs on it with the project's config, and
// the named rule must fire. The planted files are removed afterwards.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const planted: string[] = [];
afterEach(() => {
  for (const file of planted.splice(0)) fs.rmSync(file, { force: true });
});

function plant(relativeDir: string, extension: string, source: string): string {
  const file = path.join(relativeDir, `zz-planted-${crypto.randomBytes(4).toString("hex")}${extension}`);
  fs.writeFileSync(file, source);
  planted.push(file);
  return file;
}

function violations(file: string): string[] {
  const result = spawnSync(
    path.resolve("node_modules/.bin/depcruise"),
    ["--config", ".dependency-cruiser.cjs", "--output-type", "json", file],
    { encoding: "utf8" },
  );
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return report.summary.violations.map((v) => v.rule.name);
}

// each case spawns dependency-cruiser over the import graph: seconds, more on a loaded machine
describe("layer rules (dependency-cruiser)", { timeout: 180_000 }, () => {
  it("rule 1: the domain may not import the database layer", () => {
    const file = plant(
      "server/domain",
      ".ts",
      'import { createDb } from "@/server/db/client";\nexport const x = createDb;\n',
    );
    expect(violations(file)).toContain("domain-is-pure");
  });

  it("rule 1: the domain may not import node I/O", () => {
    const file = plant("server/domain", ".ts", 'import fs from "node:fs";\nexport const x = fs;\n');
    expect(violations(file)).toContain("domain-is-pure");
  });

  it("rule 2: a client component may not import a server value, but may import a type", () => {
    const bad = plant(
      "components",
      ".tsx",
      'import { hasPermission } from "@/server/domain/access/permissions";\nexport const x = hasPermission;\n',
    );
    expect(violations(bad)).toContain("client-imports-server-types-only");
    const fine = plant(
      "components",
      ".tsx",
      'import type { TRole } from "@/server/domain/access/permissions";\nexport type X = TRole;\n',
    );
    expect(violations(fine)).not.toContain("client-imports-server-types-only");
  });

  it("rule 3: a route handler may not touch the database", () => {
    const file = plant(
      "app/api",
      ".ts",
      'import { createDb } from "@/server/db/client";\nexport const GET = createDb;\n',
    );
    expect(violations(file)).toContain("app-never-touches-the-database");
  });

  it("rule 5: the worker may not reach server-only web modules, even transitively", () => {
    const file = plant(
      "server/worker",
      ".ts",
      'import { createRequestContext } from "@/server/api/context";\nexport const x = createRequestContext;\n',
    );
    expect(violations(file)).toContain("worker-stays-out-of-the-web");
  });

  it("rule 6: the ingest listener may not reach the web process's modules, even transitively", () => {
    const file = plant(
      "server/listener",
      ".ts",
      'import { webhookRouteDeps } from "@/server/ingest/web-deps";\nexport const x = webhookRouteDeps;\n',
    );
    expect(violations(file)).toContain("listener-stays-out-of-the-web");
  });

  it("rule 7: the ledger service may not import another service, only take projectors", () => {
    const bad = plant(
      "server/services/ledger",
      ".ts",
      'import { deadLetterProjector } from "@/server/services/dead-letters/projection";\nexport const x = deadLetterProjector;\n',
    );
    expect(violations(bad)).toContain("ledger-imports-no-other-service");
    const typeOnly = plant(
      "server/services/ledger",
      ".ts",
      'import type { TActor } from "@/server/services/actor";\nexport type X = TActor;\n',
    );
    expect(violations(typeOnly)).toContain("ledger-imports-no-other-service");
    const fine = plant(
      "server/services/ledger",
      ".ts",
      'import { ServiceError } from "@/server/services/errors";\nimport { appendBatch } from "./append-batch";\nexport const x = [ServiceError, appendBatch];\n',
    );
    expect(violations(fine)).not.toContain("ledger-imports-no-other-service");
  });

  it("a console area may not import another area's private folder; its own, and components/, are fine", () => {
    const crossTenantArea = plant(
      "app/(dashboard)/t/[scope]/dead-letters/_components",
      ".ts",
      'import { answerSentence } from "@/app/(dashboard)/t/[scope]/messages/_components/answer-sentence";\nexport const x = answerSentence;\n',
    );
    expect(violations(crossTenantArea)).toContain("tenant-areas-keep-to-their-own-private-folders");
    const crossArea = plant(
      "app/(dashboard)/operations/_components",
      ".ts",
      'import { toWindowInput } from "@/app/(dashboard)/t/[scope]/_components/insight-params";\nexport const x = toWindowInput;\n',
    );
    expect(violations(crossArea)).toContain("routes-keep-to-their-own-private-folders");
    const ownArea = plant(
      "app/(dashboard)/t/[scope]/messages/[messageId]/_components",
      ".ts",
      'import { answerSentence } from "../../_components/answer-sentence";\nimport { toWindowInput } from "../../../_components/insight-params";\nimport { StateBadge } from "@/components/messages/state-badge";\nexport const x = [answerSentence, toWindowInput, StateBadge];\n',
    );
    const ownViolations = violations(ownArea);
    expect(ownViolations).not.toContain("tenant-areas-keep-to-their-own-private-folders");
    expect(ownViolations).not.toContain("routes-keep-to-their-own-private-folders");
  });

  it("shared components may not import from the routes", () => {
    const file = plant(
      "components/messages",
      ".ts",
      'import { answerSentence } from "@/app/(dashboard)/t/[scope]/messages/_components/answer-sentence";\nexport const x = answerSentence;\n',
    );
    expect(violations(file)).toContain("components-are-below-the-routes");
  });

  it("the real tree has no violations", () => {
    const result = spawnSync(
      path.resolve("node_modules/.bin/depcruise"),
      [
        "--config",
        ".dependency-cruiser.cjs",
        "--output-type",
        "json",
        "app",
        "components",
        "trpc",
        "server",
        "scripts",
      ],
      // the JSON report outgrew spawnSync's default 1 MB buffer (then stdout arrives cut short)
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const report = JSON.parse(result.stdout) as { summary: { error: number; totalCruised: number } };
    expect(report.summary.totalCruised).toBeGreaterThan(50);
    expect(report.summary.error).toBe(0);
  });
});
