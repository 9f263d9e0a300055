import { describe, expect, it } from "vitest";
import { GENERATED_END as MARK, withResultsSection } from "./results";

describe("withResultsSection", () => {
  const file = `# Benchmark results\n\n## A (a.ts)\n\nold figures\n\n${MARK}\n\nnotes on A\n\n### Earlier\n\nold run\n\n## B (b.ts)\n\nB figures\n`;

  it("replaces a section's figures and keeps its notes and the other sections", () => {
    const next = withResultsSection(file, "## A (a.ts)", "## A (a.ts)\n\nnew figures\n");
    expect(next).toBe(
      `# Benchmark results\n\n## A (a.ts)\n\nnew figures\n\n${MARK}\n\nnotes on A\n\n### Earlier\n\nold run\n\n## B (b.ts)\n\nB figures\n`,
    );
  });

  it("replaces a section without notes whole, and never takes another section's notes for its own", () => {
    const next = withResultsSection(file, "## B (b.ts)", "## B (b.ts)\n\nnew B\n");
    expect(next).toContain("notes on A");
    expect(next.endsWith(`## B (b.ts)\n\nnew B\n\n${MARK}\n`)).toBe(true);
    expect(next).not.toContain("B figures");
  });

  it("appends a section it does not find", () => {
    const next = withResultsSection(file, "## C (c.ts)", "## C (c.ts)\n\nC\n");
    expect(next.startsWith(file.trimEnd())).toBe(true);
    expect(next.endsWith(`## C (c.ts)\n\nC\n\n${MARK}\n`)).toBe(true);
  });
});
