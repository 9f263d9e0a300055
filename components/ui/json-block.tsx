"use client";
// JsonBlock: pretty JSON (or any preformatted text) in a scrollable, keyboard-focusable block with
// a copy button. `label` names the region for assistive technology and the copy button.
import { CopyButton } from "./copy-button";
import { cn } from "./cn";

export function JsonBlock({
  value,
  text,
  label,
  maxHeightClass = "max-h-96",
  className,
}: {
  /** a JSON value, pretty-printed with two spaces */
  value?: unknown;
  /** preformatted text, used as is (instead of value) */
  text?: string;
  label: string;
  maxHeightClass?: string;
  className?: string;
}) {
  const body = text ?? JSON.stringify(value, null, 2) ?? "null";
  return (
    <div className={cn("relative rounded-md border border-zinc-200 bg-zinc-50", className)}>
      <div className="absolute top-1.5 right-1.5">
        <CopyButton text={body} label={`Copy ${label}`} />
      </div>
      <pre
        role="region"
        aria-label={label}
        tabIndex={0}
        className={cn(
          "overflow-auto p-3 pr-20 font-mono text-[11px] leading-relaxed whitespace-pre text-zinc-800",
          maxHeightClass,
        )}
      >
        {body}
      </pre>
    </div>
  );
}
