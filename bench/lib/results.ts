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

/** Ends a section's generated figures: what follows it in the section is written by people. */
export const GENERATED_END =
  "<!-- the figures above are the bench's own; the notes below are kept when it runs again -->";

/**
 * `current` (bench/RESULTS.md's text) with the figures of the section that starts with `heading`
 * replaced by `section` (which starts with that heading), or with the section appended; other
 * sections keep theirs, and so do the notes after this section's figures (the analysis and the
 * earlier runs a rerun would otherwise erase).
 */
export function withResultsSection(current: string, heading: string, section: string): string {
  const generated = `${section.trimEnd()}\n\n${GENERATED_END}\n`;
  const start = current.indexOf(heading);
  if (start < 0) return `${current.trimEnd()}\n\n${generated}`;
  const after = current.indexOf("\n## ", start + 3);
  const end = after < 0 ? current.length : after + 1;
  const marker = current.indexOf(GENERATED_END, start);
  // notes kept only from this section (a marker past its end belongs to another one)
  const rest =
    marker >= 0 && marker < end ? current.slice(marker + GENERATED_END.length) : current.slice(end);
  return `${`${current.slice(0, start)}${generated}${rest.replace(/^\n+/, "\n")}`.trimEnd()}\n`;
}

export function writeResultsSection(heading: string, section: string) {
  const current = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, "utf8") : HEADER;
  fs.writeFileSync(RESULTS_FILE, withResultsSection(current, heading, section));
  console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}
