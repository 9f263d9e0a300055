// One tenant's slice of a raw webhook. Meta batches the statuses of several WABAs (and so of
// several Waybill tenants) into one POST, and the inbox keeps the body whole: the platform's copy.
// A tenant-scoped surface (a timeline's raw view, an evidence bundle) shows only the entries and
// changes that belong to that tenant; every other entry or change is replaced by a marker holding
// the SHA-256 of its canonical JSON, so someone holding the platform's copy can prove that the
// slice was cut from that exact body (whose SHA-256 and signature header travel with the slice),
// and nobody holding the slice learns another tenant's numbers or ids.
//
// Ownership: a change naming a phone_number_id (messages, statuses, errors) belongs to the tenant
// that has that number; a change without one (account and template updates) belongs to the
// tenants owning the entry's WABA. An entry is kept (its id and time) when one of its changes is
// kept; otherwise it is redacted whole.
import crypto from "node:crypto";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";

export const REDACTED_MARKER = "another tenant";

export type TRedaction = { redacted: typeof REDACTED_MARKER; sha256: string };

export type TTenantAccounts = {
  phoneNumberIds: ReadonlySet<string>;
  wabaIds: ReadonlySet<string>;
};

export type TTenantSlice = {
  /** the body with other tenants' parts replaced by redactions; equal to the body when none */
  body: unknown;
  /** how many entries or changes were replaced */
  redactedParts: number;
};

type TJson = Record<string, unknown>;

const isObject = (value: unknown): value is TJson =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** SHA-256 (hex) of an element's canonical JSON: what a redaction marker carries. */
export function redactionHash(value: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function redact(value: unknown): TRedaction {
  return { redacted: REDACTED_MARKER, sha256: redactionHash(value) };
}

export function isRedaction(value: unknown): value is TRedaction {
  return (
    isObject(value) &&
    value.redacted === REDACTED_MARKER &&
    typeof value.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(value.sha256) &&
    Object.keys(value).length === 2
  );
}

function changeBelongs(change: unknown, wabaId: unknown, accounts: TTenantAccounts): boolean {
  if (!isObject(change)) return false;
  const value = change.value;
  const metadata = isObject(value) ? value.metadata : undefined;
  const phoneNumberId = isObject(metadata) ? metadata.phone_number_id : undefined;
  if (phoneNumberId !== undefined) {
    return typeof phoneNumberId === "string" && accounts.phoneNumberIds.has(phoneNumberId);
  }
  return typeof wabaId === "string" && accounts.wabaIds.has(wabaId);
}

/**
 * The tenant's slice of a parsed webhook body. Anything that is not a Meta envelope (no `entry`
 * array) cannot be attributed and is redacted whole.
 */
export function sliceWebhookForTenant(body: unknown, accounts: TTenantAccounts): TTenantSlice {
  if (!isObject(body) || !Array.isArray(body.entry)) return { body: redact(body), redactedParts: 1 };
  let redactedParts = 0;
  const entries = body.entry.map((entry: unknown) => {
    if (!isObject(entry) || !Array.isArray(entry.changes)) {
      redactedParts += 1;
      return redact(entry);
    }
    const kept = entry.changes.map((change: unknown) => changeBelongs(change, entry.id, accounts));
    if (!kept.includes(true)) {
      redactedParts += 1;
      return redact(entry);
    }
    const changes = entry.changes.map((change: unknown, i: number) => {
      if (kept[i]) return change;
      redactedParts += 1;
      return redact(change);
    });
    return { ...entry, changes };
  });
  return redactedParts === 0 ? { body, redactedParts } : { body: { ...body, entry: entries }, redactedParts };
}

/**
 * Checks that `slice` was cut from `original`: the same shape, every kept part identical, every
 * redaction the hash of the part it replaced. For an auditor holding the platform's copy.
 */
export function sliceMatchesOriginal(original: unknown, slice: unknown): boolean {
  if (isRedaction(slice)) return redactionHash(original) === slice.sha256;
  if (
    !isObject(original) ||
    !isObject(slice) ||
    !Array.isArray(original.entry) ||
    !Array.isArray(slice.entry)
  )
    return canonicalJson(original) === canonicalJson(slice);
  const { entry: originalEntries, ...originalRest } = original;
  const { entry: sliceEntries, ...sliceRest } = slice;
  if (canonicalJson(originalRest) !== canonicalJson(sliceRest)) return false;
  if (originalEntries.length !== sliceEntries.length) return false;
  return originalEntries.every((entry: unknown, i: number) => {
    const cut: unknown = sliceEntries[i];
    if (isRedaction(cut)) return redactionHash(entry) === cut.sha256;
    if (!isObject(entry) || !isObject(cut) || !Array.isArray(entry.changes) || !Array.isArray(cut.changes))
      return false;
    const { changes: originalChanges, ...entryRest } = entry;
    const { changes: cutChanges, ...cutRest } = cut;
    if (canonicalJson(entryRest) !== canonicalJson(cutRest)) return false;
    if (originalChanges.length !== cutChanges.length) return false;
    return originalChanges.every((change: unknown, j: number) => {
      const part: unknown = cutChanges[j];
      return isRedaction(part)
        ? redactionHash(change) === part.sha256
        : canonicalJson(change) === canonicalJson(part);
    });
  });
}
