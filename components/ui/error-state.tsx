// ErrorState: a failed load, what failed, and a retry. Announced as an alert.
import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

export function ErrorState({
  title = "Could not load this",
  message,
  onRetry,
  isRetrying = false,
  className,
}: {
  title?: ReactNode;
  message?: ReactNode;
  onRetry?: () => void;
  isRetrying?: boolean;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cn(
        "flex flex-col items-start gap-2 rounded-md border border-red-200 bg-bad-50 px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between",
        className,
      )}
    >
      <div>
        <p className="font-medium text-bad-700">{title}</p>
        {message ? <p className="mt-0.5 text-bad-700/90">{message}</p> : null}
      </div>
      {onRetry ? (
        <Button
          variant="secondary"
          size="sm"
          onClick={onRetry}
          isPending={isRetrying}
          pendingLabel="Retrying…"
        >
          Try again
        </Button>
      ) : null}
    </div>
  );
}
