// The message search as URL parameters: read (invalid values dropped and named), written back,
// and turned into the procedure's input. Pure and shared by the server page (prefetch) and the
// client component (which must build the identical input to find the prefetched data).
import type { TMessageState } from "@/server/domain/reconciliation/message-state";

export const STATE_LABELS: Record<TMessageState, string> = {
  queued: "Queued",
  submitting: "Submitting",
  accepted: "Accepted",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  played: "Played",
  failed: "Failed",
  rejected: "Rejected",
  retrying: "Retrying",
  dead_lettered: "Dead-lettered",
  cancelled: "Cancelled",
};
export const STATE_OPTIONS = Object.keys(STATE_LABELS) as TMessageState[];

export const SORT_OPTIONS = ["created_desc", "created_asc"] as const;
export type TSort = (typeof SORT_OPTIONS)[number];

export const PAGE_SIZE = 50;

/** Every filter as the URL carries it; "" is "not set". */
export type TMessageFilters = {
  /** the search box: any id, wamid, number or ticket reference */
  q: string;
  id: string;
  wamid: string;
  recipient: string;
  sender: string;
  template: string;
  state: TMessageState | "";
  error: string;
  /** "1": only messages two attempts of which may both have reached the recipient */
  dup: string;
  /** ISO 8601 (UTC) */
  from: string;
  to: string;
  sort: TSort;
  /** page cursors: "<ISO time>_<message id>" */
  after: string;
  before: string;
};

export const EMPTY_FILTERS: TMessageFilters = {
  q: "",
  id: "",
  wamid: "",
  recipient: "",
  sender: "",
  template: "",
  state: "",
  error: "",
  dup: "",
  from: "",
  to: "",
  sort: "created_desc",
  after: "",
  before: "",
};

const FILTER_LABELS: Record<keyof TMessageFilters, string> = {
  q: "search",
  id: "message ID",
  wamid: "wamid",
  recipient: "recipient",
  sender: "sender",
  template: "template",
  state: "state",
  error: "error code",
  dup: "possible duplicates",
  from: "from",
  to: "to",
  sort: "sort",
  after: "page",
  before: "page",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cleanRecipient(value: string): string {
  return value.replace(/[\s().-]/g, "");
}

export function isValidRecipient(value: string): boolean {
  return /^(\+[0-9]{6,15}|[0-9]{4,15})$/.test(cleanRecipient(value));
}

export type TCursor = { createdAt: Date; id: string };

export function encodeCursor(cursor: TCursor): string {
  return `${cursor.createdAt.toISOString()}_${cursor.id}`;
}

export function decodeCursor(token: string): TCursor | null {
  const at = token.lastIndexOf("_");
  if (at < 0) return null;
  const createdAt = new Date(token.slice(0, at));
  const id = token.slice(at + 1);
  return Number.isNaN(createdAt.getTime()) || !UUID.test(id) ? null : { createdAt, id };
}

function isIsoTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(new Date(value).getTime());
}

const CHECKS: Record<keyof TMessageFilters, (value: string) => boolean> = {
  q: (v) => v.length <= 256,
  id: (v) => UUID.test(v),
  wamid: (v) => v.length <= 256,
  recipient: isValidRecipient,
  sender: (v) => UUID.test(v),
  template: (v) => v.length <= 512,
  state: (v) => (STATE_OPTIONS as string[]).includes(v),
  error: (v) => v.length <= 64,
  dup: (v) => v === "1",
  from: isIsoTime,
  to: isIsoTime,
  sort: (v) => (SORT_OPTIONS as readonly string[]).includes(v),
  after: (v) => decodeCursor(v) !== null,
  before: (v) => decodeCursor(v) !== null,
};

export type TSearchParamsRecord = Record<string, string | string[] | undefined>;

/** The filters in a URL; values that cannot be valid are dropped and named in `ignored`. */
export function readMessageFilters(params: TSearchParamsRecord): {
  filters: TMessageFilters;
  ignored: string[];
} {
  const filters: TMessageFilters = { ...EMPTY_FILTERS };
  const ignored: string[] = [];
  for (const key of Object.keys(EMPTY_FILTERS) as (keyof TMessageFilters)[]) {
    const raw = params[key];
    const value = (typeof raw === "string" ? raw : "").trim();
    if (!value) continue;
    if (CHECKS[key](value)) (filters as Record<string, string>)[key] = value;
    else if (!ignored.includes(FILTER_LABELS[key])) ignored.push(FILTER_LABELS[key]);
  }
  if (filters.after && filters.before) filters.before = "";
  return { filters, ignored };
}

/** The URL query for these filters (defaults left out, so URLs stay short and shareable). */
export function filtersToQueryString(filters: TMessageFilters): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(EMPTY_FILTERS) as (keyof TMessageFilters)[]) {
    const value = filters[key];
    if (value && value !== EMPTY_FILTERS[key]) query.set(key, value);
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Whether any filter besides the search box is set (they fold under "More filters"). */
/** How many of the filters folded under "More filters" are set. */
export function countMoreFilters(filters: TMessageFilters): number {
  return (["id", "wamid", "recipient", "sender", "template", "state", "error", "from", "to"] as const).filter(
    (key) => filters[key] !== "",
  ).length;
}

export function hasMoreFilters(filters: TMessageFilters): boolean {
  return countMoreFilters(filters) > 0;
}

/** Whether anything narrows the search (sorting and paging do not). */
export function hasFilters(filters: TMessageFilters): boolean {
  return (
    ["q", "id", "wamid", "recipient", "sender", "template", "state", "error", "dup", "from", "to"] as const
  ).some((key) => filters[key] !== "");
}

/** The procedure input for these filters (without the tenant). */
export function filtersToInput(filters: TMessageFilters) {
  const after = filters.after ? decodeCursor(filters.after) : null;
  const before = filters.before ? decodeCursor(filters.before) : null;
  return {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.id ? { messageId: filters.id } : {}),
    ...(filters.wamid ? { wamid: filters.wamid } : {}),
    ...(filters.recipient ? { recipient: cleanRecipient(filters.recipient) } : {}),
    ...(filters.sender ? { senderNumberId: filters.sender } : {}),
    ...(filters.template ? { templateName: filters.template } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.error ? { errorCode: filters.error } : {}),
    ...(filters.dup === "1" ? { isPossibleDuplicate: true } : {}),
    ...(filters.from ? { createdFrom: new Date(filters.from) } : {}),
    ...(filters.to ? { createdTo: new Date(filters.to) } : {}),
    sort: filters.sort,
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
    limit: PAGE_SIZE,
  };
}
