// The sender list's input and refresh period, shared by the page (prefetch) and the view.
export const SENDERS_INPUT = { isPausedOnly: false } as const;
export const SENDERS_POLL_MS = 10_000;

/** The anchor of one number's row: the number health page links to `…/senders#sender-<id>`. */
export const senderAnchor = (senderNumberId: string) => `sender-${senderNumberId}`;
