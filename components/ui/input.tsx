// Text inputs and textareas with one look; `aria-invalid` turns the border red.
import type { ComponentProps } from "react";
import { cn } from "./cn";

const CONTROL =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 " +
  "focus:border-accent-600 focus:outline-none focus:ring-2 focus:ring-accent-600/20 focus-visible:outline-none " +
  "disabled:bg-zinc-50 disabled:text-zinc-500 aria-[invalid=true]:border-bad-600 aria-[invalid=true]:focus:ring-bad-600/20";

export function Input({ className, ...rest }: ComponentProps<"input">) {
  return <input className={cn(CONTROL, "h-9", className)} {...rest} />;
}

export function Textarea({ className, rows = 3, ...rest }: ComponentProps<"textarea">) {
  return <textarea rows={rows} className={cn(CONTROL, "py-2", className)} {...rest} />;
}

export const controlClasses = CONTROL;
