// The console's one search box: what a pasted text most likely is. Support agents paste whatever
// the customer or the helpdesk gave them, so the box accepts Waybill's message id, a wamid with or
// without its "wamid." prefix, a full phone number or its last digits, or a ticket reference,
// and the search runs each reading it can be. Pure.

export type TSearchTerm =
  | { kind: "message_id"; messageId: string; text: string }
  | { kind: "recipient"; match: "exact" | "suffix"; digits: string; text: string }
  /** a wamid (tried as given, with and without the prefix) or a dispute's ticket reference */
  | { kind: "reference"; wamids: string[]; ticketRefs: string[]; text: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WAMID_PREFIX = "wamid.";

/** null when the text is empty after trimming. */
export function parseSearchTerm(raw: string): TSearchTerm | null {
  const text = raw.trim();
  if (!text) return null;
  if (UUID.test(text)) return { kind: "message_id", messageId: text.toLowerCase(), text };
  // "+1 (555) 010-1002", "555 0101", "+15550101002": separators typed or pasted are dropped
  const phone = text.replace(/[\s().-]/g, "");
  if (/^\+[0-9]{6,15}$/.test(phone))
    return { kind: "recipient", match: "exact", digits: phone.slice(1), text };
  if (/^[0-9]{4,15}$/.test(phone)) return { kind: "recipient", match: "suffix", digits: phone, text };
  const isPrefixed = text.toLowerCase().startsWith(WAMID_PREFIX);
  const bare = isPrefixed ? text.slice(WAMID_PREFIX.length) : text;
  const wamids = unique(
    [text, `${WAMID_PREFIX}${bare}`, bare].filter((w) => w.length > 0 && w.length <= 256),
  );
  const ticketRefs = isPrefixed || text.length > 120 ? [] : unique([text, text.toUpperCase()]);
  return { kind: "reference", wamids, ticketRefs, text };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** What was searched, in words, for an empty result: "wamid or ticket reference "ZD-1"". */
export function describeSearchTerm(term: TSearchTerm): string {
  switch (term.kind) {
    case "message_id":
      return `the message ID ${term.messageId}`;
    case "recipient":
      return term.match === "exact"
        ? `messages to the number +${term.digits}`
        : `messages to numbers ending in ${term.digits}`;
    case "reference":
      return term.ticketRefs.length > 0
        ? `a wamid (with and without the "wamid." prefix) or a dispute ticket reference equal to "${term.text}"`
        : `the wamid "${term.text}" (with and without its prefix)`;
    default: {
      const unreachable: never = term;
      return unreachable;
    }
  }
}

/** The likely fixes when nothing matched, most likely first. */
export function searchHints(term: TSearchTerm): string[] {
  switch (term.kind) {
    case "message_id":
      return [
        "Check the id is Waybill's message ID (from the API's 202 answer), not a wamid or a dispute id.",
      ];
    case "recipient":
      return term.match === "exact"
        ? [
            "Numbers are stored in international form: check the country code, or search the last 6 to 8 digits instead.",
          ]
        : ["Fewer digits match more numbers; a full number must start with + and its country code."];
    case "reference":
      return [
        "A wamid exists only once WhatsApp accepted the send; a message that is still queued, or was rejected, has none.",
        "Ticket references match exactly as entered when the dispute was opened (e.g. ZD-4821).",
      ];
    default: {
      const unreachable: never = term;
      return unreachable;
    }
  }
}
