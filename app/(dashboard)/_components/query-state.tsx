"use client";
// QueryState: the one way a query's pending, error and empty states render. A refetch that fails
// while data is shown keeps the data (the caller may say the reading is stale); only a first load
// that fails shows the error, with a retry.
import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { errorMessageOf } from "@/app/(dashboard)/_lib/trpc-errors";

type TQueryLike<T> = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  isRefetching: boolean;
  refetch: () => unknown;
};

export function QueryState<T>({
  query,
  what,
  rows = 4,
  isEmpty,
  empty,
  children,
}: {
  query: TQueryLike<T>;
  /** what is loaded, in words: "paused numbers" gives "Loading paused numbers" */
  what: string;
  rows?: number;
  isEmpty?: (data: T) => boolean;
  /** an EmptyState's title and description, or any node */
  empty?: { title: ReactNode; description?: ReactNode; action?: ReactNode } | ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.data === undefined) {
    if (query.isError) {
      return (
        <ErrorState
          title={`Could not load ${what}`}
          message={errorMessageOf(query.error)}
          onRetry={() => void query.refetch()}
          isRetrying={query.isRefetching}
        />
      );
    }
    return <SkeletonRows rows={rows} label={`Loading ${what}`} />;
  }
  if (isEmpty?.(query.data)) {
    if (empty && typeof empty === "object" && "title" in empty) {
      return (
        <EmptyState
          headingLevel={3}
          title={empty.title}
          description={empty.description}
          action={empty.action}
        />
      );
    }
    return <>{empty ?? null}</>;
  }
  return <>{children(query.data)}</>;
}
