// Turns tRPC client errors into what forms show: one message and per-field messages.
// Typed structurally so client code needs no server import.

type TErrorLike = {
  message?: unknown;
  data?: { code?: unknown; fieldErrors?: Record<string, string[] | undefined> | null } | null;
};

export type TFieldErrors = Record<string, string[] | undefined>;

export function fieldErrorsOf(error: unknown): TFieldErrors {
  const data = (error as TErrorLike | null)?.data;
  return data?.fieldErrors ?? {};
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A human sentence for a failed call; field errors are left to the fields themselves. */
export function errorMessageOf(error: unknown): string | null {
  if (!error) return null;
  const e = error as TErrorLike;
  const code = e.data?.code;
  if (code === "UNAUTHORIZED") return "Your session has ended. Reload the page and sign in again.";
  if (e.data?.fieldErrors && Object.keys(e.data.fieldErrors).length > 0)
    return "Check the highlighted fields.";
  if (code === "INTERNAL_SERVER_ERROR") return "Something went wrong on our side. Try again.";
  if (typeof e.message === "string" && e.message) {
    // fetch failures surface as TypeErrors with browser-specific wording
    if (/failed to fetch|networkerror|load failed/i.test(e.message))
      return "Can't reach the server. Check your connection.";
    return sentence(e.message);
  }
  return "Something went wrong. Try again.";
}

/** The first message for `field`, with the schema's "field: " prefix removed. */
export function fieldError(errors: TFieldErrors, field: string): string | undefined {
  const first = errors[field]?.[0];
  if (!first) return undefined;
  return sentence(first.replace(/^[\w _-]+:\s+/i, ""));
}
