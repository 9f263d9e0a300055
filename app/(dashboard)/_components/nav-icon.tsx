// Small line icons for the navigation. Decorative: every link has a text label.
import type { TIconName } from "./nav-items";

const PATHS: Record<TIconName, string> = {
  messages: "M3 4.5h10v6.5H7l-3 2.5V11H3z",
  disputes: "M8 2.5l5 2v3.5c0 3-2.2 5-5 5.5-2.8-.5-5-2.5-5-5.5V4.5z",
  health: "M2 8.5h2.5L6 5l2.5 6L10 8.5h4",
  senders: "M5 2.5h6v11H5zM7 11.5h2M2.5 6v4M13.5 6v4",
  heatmaps: "M2.5 2.5h4v4h-4zM9.5 2.5h4v4h-4zM2.5 9.5h4v4h-4zM9.5 9.5h4v4h-4z",
  "dead-letters": "M2.5 4.5h11v8h-11zM2.5 4.5L8 9l5.5-4.5",
  stalled: "M8 2.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11zM8 5v3.5l2 1.5",
  webhooks: "M5 3.5a2 2 0 1 1 0 4M11 8.5a2 2 0 1 1 0 4M5 7.5L11 8.5M4 13.5h3M9 2.5h3",
  usage: "M2.5 13.5h11M4 11V8M7 11V5M10 11V7M13 11V3.5",
  operations: "M3 3.5h10M3 8h10M3 12.5h10M5.5 2v3M10.5 6.5v3M7 11v3",
  audit: "M4 2.5h6l2.5 2.5v8.5H4zM6 7h4.5M6 9.5h4.5M6 12h3",
  admin: "M8 2.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM3 13.5c.5-2.5 2.5-4 5-4s4.5 1.5 5 4",
  status: "M2.5 12.5l3-4 3 2 5-6.5",
};

export function NavIcon({ name }: { name: TIconName }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4 shrink-0" fill="none">
      <path
        d={PATHS[name]}
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
