// EmptyState: what is (not) here, why, and what to do next.
import type { ReactNode } from "react";
import { cn } from "./cn";

export function EmptyState({
  title,
  description,
  action,
  headingLevel = 2,
  className,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  headingLevel?: 2 | 3;
  className?: string;
  children?: ReactNode;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div
      className={cn(
        "flex flex-col items-center rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-10 text-center",
        className,
      )}
    >
      <Heading className="text-sm font-semibold text-zinc-900">{title}</Heading>
      {description ? <p className="mt-1 max-w-prose text-sm text-zinc-600">{description}</p> : null}
      {children ? <div className="mt-4 w-full max-w-prose text-left">{children}</div> : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}
