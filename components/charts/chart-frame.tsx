// ChartFrame: a chart's figure with its accessible name and a caption; charts draw in the browser
// only (Recharts measures its container), so the frame reserves the height to avoid a jump.
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** One entry of a chart's legend: a colour swatch (a square, or a dot for markers) and its name. */
export type TLegendItem = { label: string; color: string; shape?: "square" | "dot" | "line" };

export function ChartFrame({
  title,
  label,
  caption,
  height,
  legend,
  className,
  children,
}: {
  /** shown above the chart */
  title: string;
  /** the figure's accessible name when the title alone is ambiguous on the page (default: title) */
  label?: string;
  caption?: ReactNode;
  height: number;
  /** what each colour means, under the chart (text, so it is read as well as seen) */
  legend?: readonly TLegendItem[];
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
      {legend && legend.length > 0 ? (
        <ul
          aria-label={`Legend of ${label ?? title}`}
          className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600"
        >
          {legend.map((item) => (
            <li key={item.label} className="inline-flex items-center gap-1.5">
              <span
                aria-hidden="true"
                className={cn(
                  "inline-block",
                  item.shape === "dot"
                    ? "size-2.5 rounded-full"
                    : item.shape === "line"
                      ? "h-0.5 w-3.5"
                      : "size-2.5 rounded-sm",
                )}
                style={{ backgroundColor: item.color }}
              />
              {item.label}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
