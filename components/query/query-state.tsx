"use client";
// QueryState: the one way a query's pending, error and empty states render. Pending is announced
// politely (role="status"); a first load that fails is an alert with the server's message and a
// retry that calls the query's refetch; an empty result says why it is empty. A refetch that fails
// while data is shown keeps the data (the caller may say the reading is stale).
import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { errorMessageOf } from "./trpc-errors";

/** What QueryState reads of a TanStack query result (a tRPC query's, or one with reshaped data). */
export type TQueryLike<T> = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  isRefetching: boolean;
  refetch: () => unknown;
};

/** An empty result: a titled explanation (EmptyState), or one plain sentence (`note`). */
export type TEmpty =
  | { title: ReactNode; description: ReactNode; action?: ReactNode; headingLevel?: 2 | 3 }
  | { note: ReactNode };

// isEmpty and empty come together: a caller that can tell emptiness must also explain it
type TEmptyProps<T> =
  { isEmpty?: undefined; empty?: undefined } | { isEmpty: (data: T) => boolean; empty: TEmpty };

export type TQueryStateProps<T> = TEmptyProps<T> & {
  query: TQueryLike<T>;
  /** what is loaded, in words: "paused numbers" gives "Loading paused numbers" */
  what: string;
  /** the error's heading when "Could not load {what}" reads badly */
  errorTitle?: ReactNode;
  /** skeleton rows while pending */
  rows?: number;
  /** a placeholder shaped like the content, laid out by the caller (decorative: the status is announced in words) */
  placeholder?: ReactNode;
  /** classes around the pending, error and empty states (e.g. padding inside a flush card) */
  className?: string;
  children: (data: T) => ReactNode;
};

export function QueryState<T>(props: TQueryStateProps<T>) {
  const { query, what, errorTitle, rows = 4, placeholder, className, children } = props;
  const frame = (node: ReactNode) => (className ? <div className={className}>{node}</div> : node);
  if (query.data === undefined) {
    if (query.isError) {
      return frame(
        <ErrorState
          title={errorTitle ?? `Could not load ${what}`}
          message={errorMessageOf(query.error)}
          onRetry={() => void query.refetch()}
          isRetrying={query.isRefetching}
        />,
      );
    }
    if (placeholder) {
      return frame(
        <div role="status" aria-live="polite">
          <span className="sr-only">Loading {what}</span>
          <div aria-hidden="true">{placeholder}</div>
        </div>,
      );
    }
    return frame(<SkeletonRows rows={rows} label={`Loading ${what}`} />);
  }
  const { isEmpty, empty } = props;
  if (isEmpty && empty && isEmpty(query.data)) {
    if ("note" in empty) return frame(<p className="text-sm text-zinc-600">{empty.note}</p>);
    return frame(
      <EmptyState
        headingLevel={empty.headingLevel ?? 3}
        title={empty.title}
        description={empty.description}
        action={empty.action}
      />,
    );
  }
  return <>{children(query.data)}</>;
}
