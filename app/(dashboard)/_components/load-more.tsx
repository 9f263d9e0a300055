"use client";
// The footer under a keyset-paged list: "Load more" while there is a next page, the count and
// "end of the list" after the last one, and (where the list says so) why a next page failed.
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { errorMessageOf } from "@/components/query/trpc-errors";

type TPagedQuery = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
};

export function LoadMoreFooter({
  query,
  buttonLabel = "Load more",
  endText,
  fetchErrorText,
}: {
  query: TPagedQuery;
  buttonLabel?: string;
  /** after the last page, e.g. "12 alerts · end of the list" */
  endText: ReactNode;
  /** shown with the server's message when a next page fails; without it, nothing is shown */
  fetchErrorText?: string;
}) {
  return (
    <div className="flex flex-col items-center gap-2 border-t border-zinc-200 px-4 py-3">
      {fetchErrorText && query.isFetchNextPageError ? (
        <p role="alert" className="text-sm text-bad-700">
          {fetchErrorText} {errorMessageOf(query.error)}
        </p>
      ) : null}
      {query.hasNextPage ? (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => void query.fetchNextPage()}
          isPending={query.isFetchingNextPage}
          pendingLabel="Loading…"
        >
          {buttonLabel}
        </Button>
      ) : (
        <p className="text-xs text-zinc-500">{endText}</p>
      )}
    </div>
  );
}
