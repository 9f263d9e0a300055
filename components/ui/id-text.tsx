"use client";
// An id, wamid or number with its copy button. `isShort` shows a UUIDv7 by its distinguishing
// tail (the whole id stays in the title and in what is copied); long ids wrap instead of
// pushing the page sideways on a phone.
import { cn } from "./cn";
import { CopyButton } from "./copy-button";
import { shortId } from "./short-id";

export function IdText({
  value,
  label,
  isShort = false,
  className,
}: {
  value: string;
  /** what the id is, for the copy button's name: "message ID", "wamid", "number" */
  label: string;
  isShort?: boolean;
  className?: string;
}) {
  return (
    <span className={cn("inline-flex max-w-full min-w-0 flex-wrap items-center gap-1.5", className)}>
      <span className="min-w-0 font-mono text-xs break-all" title={isShort ? value : undefined}>
        {isShort ? shortId(value) : value}
      </span>
      <CopyButton text={value} label={`Copy ${label}`} variant="ghost" className="h-6 px-1.5" />
    </span>
  );
}
