// What every bench shares: percentiles, and writing its own section of bench/RESULTS.md.
import fs from "node:fs";
import path from "node:path";

/** The p-th percentile (nearest rank) of ascending `sorted` values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const RESULTS_FILE = path.join(import.meta.dirname, "..", "RESULTS.md");
const HEADER =
  "# Benchmark results\n\nFigures written by the scripts in bench/; each section names its script and machine.\n\n";

/**
 * Replaces the section of bench/RESULTS.md that starts with `heading` by `section` (which starts
 * with that heading), or appends it; other sections keep theirs.
 */
export function writeResultsSection(heading: string, section: string) {
  const current = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, "utf8") : HEADER;
  const start = current.indexOf(heading);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf("\n## ", start + 3);
    next = `${current.slice(0, start)}${section}${after < 0 ? "" : current.slice(after + 1)}`;
  }
  fs.writeFileSync(RESULTS_FILE, `${next.trimEnd()}\n`);
  console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}
