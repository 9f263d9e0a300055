// The dead-letter list's filters as URL parameters, and the procedure input they make. Pure:
// shared by the server page (prefetch) and the client list (which must build the identical input
// to find the prefetched data). Invalid values are dropped.
import type { TDeadLetterStatus, TReasonClass } from "@/server/domain/dead-letters/dead-letter";
import { REASON_CLASS_LABELS, STATUS_LABELS } from "@/components/dead-letters/labels";

export const AGE_OPTIONS = {
  lt1h: "Less than 1 hour",
  "1h-24h": "1 to 24 hours",
  gt24h: "More than 24 hours",
  gt7d: "More than 7 days",
} as const;
export type TAge = keyof typeof AGE_OPTIONS;

export const DEAD_LETTER_PAGE_SIZE = 50;

export type TDeadLetterFilterValues = {
  /** "all": every status */
  status: TDeadLetterStatus | "all";
  sender: string;
  error: string;
  reason: TReasonClass | "";
  template: string;
  age: TAge | "";
  /**
   * Whether a retry leaves out the messages the dry run says will most likely fail again (the
   * default, in both views), or retries them too ("include", written to the URL as likely=include).
   */
  likely: "leave_out" | "include";
};

export const EMPTY_DEAD_LETTER_FILTERS: TDeadLetterFilterValues = {
  status: "open",
  sender: "",
  error: "",
  reason: "",
  template: "",
  age: "",
  likely: "leave_out",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readDeadLetterFilters(
  params: Record<string, string | string[] | undefined>,
): TDeadLetterFilterValues {
  const text = (key: string, max: number) => {
    const raw = params[key];
    return typeof raw === "string" ? raw.trim().slice(0, max) : "";
  };
  const status = text("status", 20);
  const reason = text("reason", 20);
  const age = text("age", 10);
  const sender = text("sender", 36);
  return {
    status:
      status === "all" || status in STATUS_LABELS ? (status as TDeadLetterFilterValues["status"]) : "open",
    sender: UUID.test(sender) ? sender : "",
    error: text("error", 64),
    reason: reason in REASON_CLASS_LABELS ? (reason as TReasonClass) : "",
    template: text("template", 512),
    age: age in AGE_OPTIONS ? (age as TAge) : "",
    likely: text("likely", 10) === "include" ? "include" : "leave_out",
  };
}

/**
 * Grouped: open dead letters as issues (error code x number x template), one tenant at a time;
 * messages: the per-message list, the only view across tenants.
 */
export const DEAD_LETTER_VIEWS = ["grouped", "messages"] as const;
export type TDeadLetterView = (typeof DEAD_LETTER_VIEWS)[number];

/** The view a URL asks for; a tenant page opens grouped, every tenant's page as messages. */
export function readDeadLetterView(
  params: Record<string, string | string[] | undefined>,
  scopeKind: "tenant" | "all",
): TDeadLetterView {
  if (scopeKind === "all") return "messages";
  return params.view === "messages" ? "messages" : "grouped";
}

export function deadLetterFiltersToQueryString(
  filters: TDeadLetterFilterValues,
  view: TDeadLetterView | null = null,
): string {
  const query = new URLSearchParams();
  // only the non-default view is written, so a filtered tenant URL stays as short as before
  if (view === "messages") query.set("view", "messages");
  if (filters.status !== "open") query.set("status", filters.status);
  if (filters.sender) query.set("sender", filters.sender);
  if (filters.error) query.set("error", filters.error);
  if (filters.reason) query.set("reason", filters.reason);
  if (filters.template) query.set("template", filters.template);
  if (filters.age) query.set("age", filters.age);
  if (filters.likely === "include") query.set("likely", "include");
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Whether anything narrows the list (what a retry leaves out does not). */
export function hasDeadLetterFilters(filters: TDeadLetterFilterValues): boolean {
  return deadLetterFiltersToQueryString({ ...filters, likely: "leave_out" }, null) !== "";
}

/** The filters as deadLetters.list and prepareBulk take them (without tenant, cursor and limit). */
export function toDeadLetterFilterInput(filters: TDeadLetterFilterValues) {
  return {
    status: filters.status,
    ...(filters.sender ? { senderNumberId: filters.sender } : {}),
    ...(filters.error ? { errorCode: filters.error } : {}),
    ...(filters.reason ? { reasonClass: filters.reason } : {}),
    ...(filters.template ? { templateName: filters.template } : {}),
    ...(filters.age ? { age: filters.age } : {}),
  };
}

export function toDeadLetterListInput(filters: TDeadLetterFilterValues) {
  return { ...toDeadLetterFilterInput(filters), limit: DEAD_LETTER_PAGE_SIZE };
}

/** The grouped view's input: the same filters, status aside (issues are open dead letters). */
export function toDeadLetterGroupsInput(filters: TDeadLetterFilterValues) {
  const { status: _status, ...rest } = toDeadLetterFilterInput(filters);
  return rest;
}

/** Which dead letters a page shows: one tenant's, or every tenant the user may see. */
export type TDeadLetterScope =
  | { kind: "tenant"; tenantId: string; slug: string; name: string }
  | { kind: "all"; slug: "all"; name: string };
