// Inline notice inside forms and dialogs (server errors, warnings, confirmations).
import type { ReactNode } from "react";
import { cn } from "./cn";

export type TAlertTone = "info" | "warn" | "bad" | "ok";

const TONES: Record<TAlertTone, string> = {
  info: "border-zinc-200 bg-zinc-50 text-zinc-700",
  warn: "border-amber-200 bg-warn-50 text-warn-700",
  bad: "border-red-200 bg-bad-50 text-bad-700",
  ok: "border-emerald-200 bg-ok-50 text-ok-700",
};

export function Alert({
  tone = "info",
  className,
  children,
}: {
  tone?: TAlertTone;
  className?: string;
  children: ReactNode;
}) {
  return <div className={cn("rounded-md border px-3 py-2 text-sm", TONES[tone], className)}>{children}</div>;
}
