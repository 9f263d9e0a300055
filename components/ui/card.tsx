// Card: a bordered section with an optional heading row. The heading level is chosen by the
// page so the outline stays h1 > h2 > h3.
import type { ReactNode } from "react";
import { cn } from "./cn";

export function Card({
  title,
  description,
  actions,
  headingLevel = 2,
  className,
  bodyClassName,
  children,
  ...rest
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
  className?: string;
  /** replaces the body's default padding (p-4) */
  bodyClassName?: string;
  children: ReactNode;
  "aria-labelledby"?: string;
  id?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className={cn("rounded-lg border border-zinc-200 bg-white shadow-xs", className)} {...rest}>
      {title || actions ? (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3">
          <div className="min-w-0">
            {title ? <Heading className="text-sm font-semibold text-zinc-900">{title}</Heading> : null}
            {description ? <p className="mt-0.5 text-xs text-zinc-500">{description}</p> : null}
          </div>
          {/* max-w-full: on a narrow screen the actions take a line of their own and wrap there,
              instead of running off the side */}
          {actions ? (
            <div className="flex max-w-full shrink-0 flex-wrap items-center gap-2">{actions}</div>
          ) : null}
        </div>
      ) : null}
      {/* replaces the padding rather than adding to it: "p-4 p-0" would be decided by stylesheet order */}
      <div className={bodyClassName ?? "p-4"}>{children}</div>
    </section>
  );
}
