"use client";
// Error boundary for console pages: the shell and navigation stay usable when one page fails.
import { useEffect } from "react";
import { ErrorState } from "@/components/ui/error-state";

export default function ConsoleError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="mx-auto max-w-2xl pt-6">
      <h1 className="mb-3 text-xl font-semibold text-zinc-900">This page failed to load</h1>
      <ErrorState
        title="Something went wrong while rendering this page."
        message={
          error.digest ? `Reference: ${error.digest}` : "Try again; if it keeps failing, check System status."
        }
        onRetry={reset}
      />
    </div>
  );
}
