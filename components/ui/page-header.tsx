// PageHeader: the page's single h1, a one-line description, the scope it shows, and actions.
import type { ReactNode } from "react";
import { Badge } from "./badge";

export function PageHeader({
  title,
  description,
  scopeLabel,
  actions,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  /** the tenant (or "All tenants") the page is showing */
  scopeLabel?: string;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{title}</h1>
          {scopeLabel ? (
            <Badge tone="accent" title="Scope of this page">
              <span className="sr-only">Scope: </span>
              {scopeLabel}
            </Badge>
          ) : null}
        </div>
        {description ? <p className="mt-1 max-w-3xl text-sm text-zinc-600">{description}</p> : null}
        {children}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
    </header>
  );
}
