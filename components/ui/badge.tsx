// Badge: a short status label. Tone carries meaning (ok, warn, bad); the text always says it too,
// so colour is never the only signal.
import type { ReactNode } from "react";
import { cn } from "./cn";

export type TBadgeTone = "neutral" | "ok" | "warn" | "bad" | "accent";

const TONES: Record<TBadgeTone, { box: string; dot: string }> = {
  neutral: { box: "bg-zinc-100 text-zinc-700 ring-zinc-200", dot: "bg-zinc-400" },
  ok: { box: "bg-ok-50 text-ok-700 ring-emerald-200", dot: "bg-ok-600" },
  warn: { box: "bg-warn-50 text-warn-700 ring-amber-200", dot: "bg-warn-600" },
  bad: { box: "bg-bad-50 text-bad-700 ring-red-200", dot: "bg-bad-600" },
  accent: { box: "bg-accent-50 text-accent-700 ring-accent-200", dot: "bg-accent-600" },
};

export function Badge({
  tone = "neutral",
  hasDot = false,
  className,
  title,
  children,
}: {
  tone?: TBadgeTone;
  hasDot?: boolean;
  className?: string;
  title?: string;
  children: ReactNode;
}) {
  const style = TONES[tone];
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        style.box,
        className,
      )}
    >
      {hasDot ? <span aria-hidden="true" className={cn("size-1.5 rounded-full", style.dot)} /> : null}
      {children}
    </span>
  );
}
