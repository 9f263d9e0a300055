// How hard the fuzz and crash tests push. The normal integration run (and CI) uses the bounded
// form; `npm run test:chaos` sets WAYBILL_CHAOS=full for the full one. Every property run is
// seeded, so a failure names a seed and a path that replay it exactly.
export const isFullChaos = process.env.WAYBILL_CHAOS === "full";

/** The bounded figure in the normal run, the full one under `npm run test:chaos`. */
export function chaosScale(bounded: number, full: number): number {
  return isFullChaos ? full : bounded;
}

/** The seed of every fast-check run in these tests (fixed: the runs are deterministic). */
export const FUZZ_SEED = 20_261_203;

/** Prints one line of figures for docs/reliability.md, tagged so a run's output can be grepped. */
export function reportFigures(name: string, figures: Record<string, number | string>): void {
  console.log(
    `RELIABILITY ${name} ${JSON.stringify({ mode: isFullChaos ? "full" : "bounded", ...figures })}`,
  );
}
