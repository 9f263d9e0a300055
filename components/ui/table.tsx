// Table primitives: dense rows, a caption naming the table for screen readers, and a
// keyboard-scrollable wrapper so wide tables work at 375 px.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export function Table({
  label,
  isCaptionVisible = false,
  className,
  children,
}: {
  /** the table's accessible name (its <caption>) */
  label: string;
  isCaptionVisible?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    // tabIndex lets keyboard users scroll a table wider than the screen; `relative` keeps
    // absolutely positioned sr-only text inside the scroller (else it widens the whole page)
    <div role="region" aria-label={label} tabIndex={0} className={cn("relative overflow-x-auto", className)}>
      <table className="w-full border-collapse text-left text-sm text-zinc-800">
        <caption className={isCaptionVisible ? "px-4 py-2 text-left text-xs text-zinc-500" : "sr-only"}>
          {label}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return <thead className="border-b border-zinc-200 bg-zinc-50/80">{children}</thead>;
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-zinc-100">{children}</tbody>;
}

export function TR({ className, ...rest }: ComponentProps<"tr">) {
  return <tr className={cn("hover:bg-zinc-50/60", className)} {...rest} />;
}

export function TH({ className, scope = "col", ...rest }: ComponentProps<"th">) {
  return (
    <th
      scope={scope}
      className={cn(
        "px-3 py-2 text-xs font-medium whitespace-nowrap text-zinc-500 first:pl-4 last:pr-4",
        className,
      )}
      {...rest}
    />
  );
}

export function TD({ className, ...rest }: ComponentProps<"td">) {
  // no colour or alignment here: callers set them, and two utilities for one property would
  // be resolved by stylesheet order, not by the order of the class names
  return <td className={cn("px-3 py-2.5 first:pl-4 last:pr-4", className)} {...rest} />;
}
