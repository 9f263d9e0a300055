// A process that imports the embedded PostgreSQL module keeps its own exit status: the test
// runner's global setup imports it, and a failing run must not end with status 0.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./local-state";

describe("embedded-postgres module", () => {
  it("leaves process.exitCode alone when the process ends", () => {
    const script = ['await import("./server/platform/embedded-postgres.ts");', "process.exitCode = 3;"].join(
      "\n",
    );
    const result = spawnSync(
      path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
      ["--input-type=module", "-e", script],
      { cwd: PROJECT_ROOT, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(3);
  });
});
