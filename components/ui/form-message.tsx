// FormMessage: the live region under a form. It is always in the DOM (a live region must exist
// before its text changes for screen readers to announce the change). Errors use role="alert"
// (assertive), other outcomes role="status" (polite); no nested live regions, so nothing is
// announced twice.
import type { ReactNode } from "react";
import { Alert, type TAlertTone } from "./alert";

export function FormMessage({
  message,
  tone = "bad",
  id,
  className,
}: {
  message: ReactNode | null | undefined;
  tone?: TAlertTone;
  id?: string;
  className?: string;
}) {
  const isError = tone === "bad";
  return (
    <div
      id={id}
      role={isError ? "alert" : "status"}
      aria-live={isError ? "assertive" : "polite"}
      aria-atomic="true"
      className={className}
    >
      {message ? <Alert tone={tone}>{message}</Alert> : null}
    </div>
  );
}
