// Numbers as the insights pages print them. Pure.

/** "4.3 s", "12 s", "2.5 min", "1.4 h", "2.1 d"; "—" for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const min = s / 60;
  if (min < 60) return `${min < 10 ? min.toFixed(1) : Math.round(min)} min`;
  const h = min / 60;
  if (h < 24) return `${h < 10 ? h.toFixed(1) : Math.round(h)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

/** "94 %", "0.5 %", "—" without messages. */
export function formatPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  const pct = rate * 100;
  if (pct > 0 && pct < 1) return `${pct.toFixed(1)} %`;
  return `${Math.round(pct)} %`;
}
