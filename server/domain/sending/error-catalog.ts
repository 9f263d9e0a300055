// The Cloud API error-code catalogue: what each code means for the sending pipeline. Sources:
// ../shared/reference/whatsapp-cloud-api.md section 4 (pywa's per-code classes, copies of Meta's
// error table, nyaruka/courier's throttle list). Meta asks clients to key on `code` (+ details),
// never on the HTTP status or the message text, so this table is keyed on code alone.

/**
 * What the pipeline does with an attempt that failed with this code.
 * - `transient`: the same request may succeed later: retry with exponential backoff and jitter.
 * - `rate_limited`: a limit above the message: the app's or the account's rate (4, 80007: a
 *   circuit breaker at that level) or the number's (131048, 131064: a timed cool-down), see
 *   level-limits.ts; the message is retried once the level may send again.
 * - `throttle`: the sender number's throughput was exceeded (130429): retry, and lower that
 *   number's send rate adaptively so the retries do not hit the same wall.
 * - `pair_limit`: too many messages to this recipient from this number (131056): retry after
 *   pacing that one pair; other recipients of the number are unaffected.
 * - `permanent`: resending the same request cannot succeed: never retried automatically; the
 *   message is dead-lettered with the reason for a human to act on.
 * - `sender_blocked`: the sender itself cannot send (token, permissions, account, number): the
 *   message is dead-lettered and the sender number is paused, alone, until an engineer resumes it.
 */
export const DISPOSITIONS = [
  "transient",
  "rate_limited",
  "throttle",
  "pair_limit",
  "permanent",
  "sender_blocked",
] as const;
export type TDisposition = (typeof DISPOSITIONS)[number];

export type TErrorCodeEntry = {
  code: number;
  title: string;
  disposition: TDisposition;
  /** Plain-language hint for support and tenants: what it means and what to do. */
  hint: string;
  /** HTTP status Meta answers with (seen in copies of its table; informative only). */
  httpStatus: number;
};

const entry = (
  code: number,
  title: string,
  disposition: TDisposition,
  hint: string,
  httpStatus = 400,
): TErrorCodeEntry => ({ code, title, disposition, hint, httpStatus });

const ENTRIES: readonly TErrorCodeEntry[] = [
  // authentication and permissions: the sender's credentials are the problem
  entry(0, "AuthException", "sender_blocked", "The access token cannot be used; store a new token.", 401),
  entry(
    190,
    "Access token has expired",
    "sender_blocked",
    "The sender's access token expired or was revoked; store a new one, then resume the sender.",
    401,
  ),
  entry(
    3,
    "API Method",
    "sender_blocked",
    "The app lacks the capability to send; check the app's permissions.",
    500,
  ),
  entry(10, "Permission denied", "sender_blocked", "A permission was not granted or was removed.", 403),
  entry(131005, "Access denied", "sender_blocked", "A permission is missing for this number.", 403),
  // throttling
  entry(
    4,
    "API Too Many Calls",
    "rate_limited",
    "The app hit Graph's call rate limit; sends resume after a pause.",
    400,
  ),
  entry(
    80007,
    "Rate limit issues",
    "rate_limited",
    "The WhatsApp Business Account hit its rate limit; sends resume after a pause.",
    400,
  ),
  entry(
    130429,
    "Rate limit hit",
    "throttle",
    "The number's throughput (80 messages/s by default) was exceeded; Waybill slows this number down and retries.",
    429,
  ),
  entry(
    131056,
    "(Business Account, Consumer Account) pair rate limit hit",
    "pair_limit",
    "Too many messages to the same recipient in a short time; Waybill waits before sending to this recipient again.",
    400,
  ),
  entry(
    132069,
    "Flow throttled",
    "rate_limited",
    "The flow was sent too often (10 per hour); it is retried later.",
    400,
  ),
  entry(
    133016,
    "Account register/deregister rate limit",
    "rate_limited",
    "Too many registration attempts; retried later.",
    400,
  ),
  // transient service problems
  entry(1, "API Unknown", "transient", "Invalid request or a possible temporary server error; retried.", 400),
  entry(2, "API Service", "transient", "Temporary downtime or overload at Meta; retried.", 503),
  entry(
    131000,
    "Something went wrong",
    "transient",
    "An unknown error at Meta; retried a limited number of times.",
    500,
  ),
  entry(
    131016,
    "Service unavailable",
    "transient",
    "A temporary service outage at Meta; retried with backoff.",
    503,
  ),
  entry(
    131053,
    "Media upload error",
    "transient",
    "Meta could not fetch the media used in the message; retried.",
    400,
  ),
  entry(
    131057,
    "Account in maintenance mode",
    "transient",
    "The account is briefly in maintenance (e.g. a throughput upgrade); retried.",
    400,
  ),
  // the sender's account or number cannot send
  entry(
    33,
    "Parameter value is not valid",
    "sender_blocked",
    "The business phone number was deleted or is not usable.",
    400,
  ),
  entry(
    368,
    "Temporarily blocked for policies violations",
    "sender_blocked",
    "The account is restricted for policy violations.",
    403,
  ),
  entry(
    131031,
    "Account has been locked",
    "sender_blocked",
    "The WhatsApp Business Account is restricted or disabled.",
    403,
  ),
  entry(
    131037,
    "WhatsApp provided number needs display name approval",
    "sender_blocked",
    "The number's display name is not approved yet.",
    400,
  ),
  entry(
    131042,
    "Business eligibility payment issue",
    "sender_blocked",
    "A payment method or billing problem blocks sending; fix billing, then resume.",
    400,
  ),
  entry(
    131045,
    "Incorrect certificate",
    "sender_blocked",
    "The number's registration is broken; register it again.",
    400,
  ),
  entry(
    131048,
    "Spam rate limit hit",
    // the number is restricted for a while, not broken: a timed cool-down (level-limits.ts)
    "rate_limited",
    "The number was restricted because earlier messages were blocked or flagged as spam; it cools down for an hour and then sends again; improve quality to avoid it.",
    400,
  ),
  entry(
    131064,
    "Messaging limit hit due to template classification violations",
    "rate_limited",
    "Meta lowered the number's limits for template misclassification; it cools down for six hours and then sends again.",
    400,
  ),
  entry(
    133010,
    "Account not registered",
    "sender_blocked",
    "The business number is not registered on the Cloud API.",
    400,
  ),
  // the recipient or the policy refuses this message
  entry(
    131026,
    "Message undeliverable",
    "permanent",
    "Not a WhatsApp user, terms not accepted, or an old client; reach the person another way.",
    400,
  ),
  entry(
    131047,
    "Re-engagement message",
    "permanent",
    "More than 24 hours since the recipient's last message: free-form text is not allowed; send an approved template.",
    400,
  ),
  entry(
    470,
    "Message sent outside the support window",
    "permanent",
    "On-Premises equivalent of 131047: send an approved template.",
    400,
  ),
  entry(
    131049,
    "This message was not delivered to maintain healthy ecosystem engagement",
    "permanent",
    "Meta capped marketing messages to this user; wait at least 24 hours before another marketing template.",
    400,
  ),
  entry(
    131050,
    "User stopped marketing messages",
    "permanent",
    "The recipient opted out of your marketing messages.",
    400,
  ),
  entry(
    130472,
    "User's number is part of an experiment",
    "permanent",
    "The recipient is in a marketing-message experiment holdout.",
    400,
  ),
  entry(
    130497,
    "Business account is restricted from messaging users in this country",
    "permanent",
    "Sending to this country is not allowed for the account.",
    403,
  ),
  entry(
    131021,
    "Recipient cannot be sender",
    "permanent",
    "The recipient is the sending number itself.",
    400,
  ),
  entry(
    131030,
    "Recipient phone number not in allowed list",
    "permanent",
    "A test number may only message its allowed list.",
    400,
  ),
  entry(
    131062,
    "Business-scoped user id not supported",
    "permanent",
    "This number cannot message business-scoped user ids.",
    400,
  ),
  entry(
    131063,
    "Marketing templates disabled on Cloud API",
    "permanent",
    "Marketing templates cannot be sent from this account on the Cloud API.",
    400,
  ),
  // malformed requests: resending the same body fails the same way
  entry(100, "Invalid parameter", "permanent", "A parameter is missing, misspelled or invalid.", 400),
  entry(
    131008,
    "Required parameter is missing",
    "permanent",
    "The request is missing a required parameter.",
    400,
  ),
  entry(
    131009,
    "Parameter value is not valid",
    "permanent",
    "A parameter value is not valid (for example the phone number).",
    400,
  ),
  entry(131051, "Unsupported message type", "permanent", "This message type is not supported.", 400),
  entry(131052, "Media download error", "permanent", "Meta could not download the user's media.", 400),
  entry(135000, "Generic user error", "permanent", "An unspecified problem with the request.", 400),
  // templates
  entry(
    132000,
    "Number of parameters does not match the expected number of params",
    "permanent",
    "Send exactly as many parameters as the template has placeholders.",
    400,
  ),
  entry(
    132001,
    "Template name does not exist in the translation",
    "permanent",
    "The template does not exist in that language or is not approved.",
    404,
  ),
  entry(
    132005,
    "Translated text too long",
    "permanent",
    "The template text with parameters is too long.",
    400,
  ),
  entry(
    132007,
    "Format character policy violated",
    "permanent",
    "The template content violates a policy.",
    400,
  ),
  entry(
    132008,
    "Template parameter format mismatch",
    "permanent",
    "A parameter does not match the template's format.",
    400,
  ),
  entry(
    132012,
    "Template parameter format mismatch",
    "permanent",
    "A parameter does not match the template's format.",
    400,
  ),
  entry(
    132015,
    "Template is paused",
    "permanent",
    "The template was paused for low quality; edit it or wait for it to be reinstated.",
    400,
  ),
  entry(
    132016,
    "Template is disabled",
    "permanent",
    "The template was disabled after repeated pauses; create a new one.",
    400,
  ),
  entry(132068, "Flow is in blocked state", "permanent", "The flow is blocked.", 400),
];

const BY_CODE: ReadonlyMap<number, TErrorCodeEntry> = new Map(ENTRIES.map((e) => [e.code, e]));

export const ERROR_CATALOG: readonly TErrorCodeEntry[] = ENTRIES;

/**
 * The catalogue entry for a Graph error code, including the documented ranges (200-299 API
 * permissions, 1320xx template errors), or null for a code Waybill does not know.
 */
export function lookupErrorCode(code: number): TErrorCodeEntry | null {
  const known = BY_CODE.get(code);
  if (known) return known;
  if (code >= 200 && code <= 299) {
    return entry(
      code,
      "API Permission",
      "sender_blocked",
      "A permission was not granted or was removed.",
      403,
    );
  }
  if (code >= 132000 && code <= 132099) {
    return entry(code, "Template error", "permanent", "The template or its parameters were refused.", 400);
  }
  return null;
}
