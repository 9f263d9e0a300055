// ChartFrame: a chart's figure with its accessible name and a caption; charts draw in the browser
// only (Recharts measures its container), so the frame reserves the height to avoid a jump.
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export function ChartFrame({
  title,
  label,
  caption,
  height,
  className,
  children,
}: {
  /** shown above the chart */
  title: string;
  /** the figure's accessible name when the title alone is ambiguous on the page (default: title) */
  label?: string;
  caption?: ReactNode;
  height: number;
  className?: string;
  children: ReactNode;
}) {
  return (
    <figure aria-label={label ?? title} className={cn("flex min-w-0 flex-col gap-1", className)}>
      <figcaption className="text-xs font-medium text-zinc-600">
        {title}
        {caption ? <span className="block font-normal text-zinc-500">{caption}</span> : null}
      </figcaption>
      <div style={{ height }} className="w-full min-w-0">
        {children}
      </div>
    </figure>
  );
}
