// The evidence bundle's format and its offline verification: what `npm run waybill --
// evidence:verify <file>` runs, with no database and no secret. It recomputes
//   1. the bundle digest (SHA-256 over the canonical JSON of everything but the digest): any edit;
//   2. the hash chain of the ledger events (the ledger's own canonical JSON + SHA-256, verifyChain)
//      against the head hash the message row anchored at export: which event was altered,
//      removed, reordered or inserted;
//   3. the derivation: the state, explanation, conflicts and transitions are derived again from
//      the verified events with the named rules version and must be identical;
//   4. each included raw webhook body against its SHA-256, and that it names the wamid of the
//      events it delivered. A request Meta batched with other tenants' statuses is included as
//      this tenant's slice (the others' entries and changes replaced by their SHA-256): its
//      redactions must be well formed and it must name its events' wamids; given the platform's
//      copy of the request (`--platform-copy <file>`), the copy must have the bundle's SHA-256 and
//      the slice must be cut from it exactly. The signature header kept in the bundle is the
//      HMAC of that whole copy, which the platform can check with its app secret.
// Anyone holding the file can re-run all four. What no offline check can prove is that the whole
// file was not rewritten with recomputed hashes: compare the head hash with the live system
// (`ledger:verify`), or with a copy exported earlier.
import crypto from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import {
  GENESIS_HASH,
  HASH_SCHEME,
  verifyChain,
  type TChainedEvent,
} from "@/server/domain/ledger/hash-chain";
import { pickEventFields, type TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import { ZLedgerEventSchema } from "@/server/domain/ledger/ledger-event-schema";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { rulesForVersion } from "@/server/domain/reconciliation/rules";
import { isRedaction, sliceMatchesOriginal } from "@/server/ingest/tenant-slice";

export const EVIDENCE_FORMAT = "waybill.evidence.v1";

const sha256Hex = (input: string | Uint8Array): string =>
  crypto.createHash("sha256").update(input).digest("hex");

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.iso.datetime();

export const ZEvidenceLedgerEntrySchema = z.object({
  seq: z.number().int().positive(),
  /** the event exactly as hashed (the ledger row's body) */
  event: z.record(z.string(), z.json()),
  prevHash: hex64,
  hash: hex64,
  /** the raw request the first receipt came from, when it came from a webhook */
  rawWebhookId: z.string().nullable(),
  receipts: z.array(
    z.object({
      receivedAt: isoTime,
      source: z.string(),
      rawWebhookId: z.string().nullable(),
      contentHash: z.string(),
      isFirst: z.boolean(),
    }),
  ),
});

export const ZEvidenceBundleSchema = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  generatedAt: isoTime,
  generatedBy: z.string(),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  message: z.object({
    id: z.string(),
    recipient: z.string(),
    sender: z.object({
      id: z.string(),
      displayNumber: z.string(),
      label: z.string().nullable(),
      phoneNumberId: z.string(),
      wabaId: z.string(),
    }),
    contentKind: z.string(),
    template: z
      .object({ name: z.string(), language: z.string().nullable(), category: z.string().nullable() })
      .nullable(),
    providerMessageIds: z.array(
      z.object({ providerMessageId: z.string(), attempt: z.number(), createdAt: isoTime }),
    ),
    createdAt: isoTime,
  }),
  request: z.object({ payload: z.json() }),
  responses: z.array(
    z.object({
      seq: z.number(),
      type: z.string(),
      attempt: z.number().nullable(),
      providerMessageId: z.string().nullable(),
      error: z.json().nullable(),
      recordedAt: isoTime,
    }),
  ),
  ledger: z.object({
    hashScheme: z.literal(HASH_SCHEME),
    genesisHash: z.literal(GENESIS_HASH),
    /** the head hash stored on the message row when the bundle was made */
    anchoredHeadHash: hex64,
    events: z.array(ZEvidenceLedgerEntrySchema),
  }),
  rawWebhooks: z.array(
    z.object({
      id: z.string(),
      receivedAt: isoTime,
      bodySha256: hex64,
      bodyBytes: z.number().int().nonnegative(),
      /** the whole body, only when it holds nothing of another tenant */
      bodyBase64: z.string().nullable(),
      /**
       * this tenant's part of a request that also carried other tenants' entries: the parsed body
       * with theirs replaced by {"redacted": "another tenant", "sha256": <canonical JSON SHA-256>}
       */
      tenantSlice: z
        .object({ body: z.json(), redactedParts: z.number().int().positive() })
        .nullable()
        .default(null),
      /** why neither is included: pruned by retention, a role without message.view_raw, not JSON */
      bodyOmitted: z.enum(["pruned", "not_permitted", "unreadable"]).nullable(),
      headers: z.json(),
      signature: z.object({
        header: z.string().nullable(),
        verifiedAtReceipt: z.boolean(),
        keyIndex: z.number(),
      }),
      eventSeqs: z.array(z.number()),
    }),
  ),
  derivation: z.object({
    rulesVersion: z.number().int().positive(),
    state: z.string(),
    explanation: z.string(),
    // "the recipient may have it twice", in words (absent from bundles made before it existed)
    possibleDuplicate: z
      .object({ certainty: z.enum(["delivered", "accepted"]), warning: z.string() })
      .nullable()
      .optional(),
    decider: z
      .object({
        dedupeKey: z.string(),
        type: z.string(),
        attempt: z.number().nullable(),
        seq: z.number().nullable(),
      })
      .nullable(),
    conflicts: z.array(
      z.object({
        kind: z.string(),
        rule: z.string(),
        attempt: z.number().nullable(),
        dedupeKeys: z.array(z.string()),
        resolution: z.string(),
      }),
    ),
    appliedRules: z.array(z.object({ rule: z.string(), summary: z.string() })),
    transitions: z.array(
      z.object({
        from: z.string().nullable(),
        to: z.string(),
        type: z.string(),
        dedupeKey: z.string(),
        seq: z.number().nullable(),
      }),
    ),
    stored: z.object({ state: z.string(), explanation: z.string(), rulesVersion: z.number() }),
  }),
  interventions: z.array(
    z.object({
      seq: z.number(),
      type: z.string(),
      actor: z.string().nullable(),
      action: z.string().nullable(),
      reason: z.string().nullable(),
      note: z.string().nullable(),
      recordedAt: isoTime,
    }),
  ),
  disputes: z.array(
    z.object({
      id: z.string(),
      ticketRef: z.string(),
      status: z.string(),
      outcome: z.string().nullable(),
      outcomeSummary: z.string().nullable(),
      openedBy: z.string(),
      openedAt: isoTime,
      resolvedBy: z.string().nullable(),
      resolvedAt: isoTime.nullable(),
      notes: z.array(
        z.object({
          kind: z.string(),
          author: z.string(),
          body: z.string(),
          outcome: z.string().nullable(),
          ledgerEventId: z.string(),
          createdAt: isoTime,
        }),
      ),
    }),
  ),
  chainCheckAtExport: z.object({
    ok: z.boolean(),
    headHash: z.string().nullable(),
    brokenAt: z.number().nullable(),
    reason: z.string().nullable(),
  }),
  verification: z.object({ command: z.string(), notes: z.array(z.string()) }),
  bundleSha256: hex64,
});

export type TEvidenceBundle = z.infer<typeof ZEvidenceBundleSchema>;
export type TEvidenceBundleContent = Omit<TEvidenceBundle, "bundleSha256">;

/** The digest a bundle carries: SHA-256 over the canonical JSON of everything else. */
export function digestBundle(content: TEvidenceBundleContent | Record<string, unknown>): string {
  const { bundleSha256: _ignored, ...rest } = content as Record<string, unknown>;
  return sha256Hex(canonicalJson(rest));
}

export type TEvidenceCheckName = "format" | "digest" | "chain" | "derivation" | "raw_webhooks";

export type TEvidenceCheck = { name: TEvidenceCheckName; ok: boolean; detail: string };

export type TEvidenceVerification = {
  ok: boolean;
  messageId: string | null;
  /** the verified chain's head (compare with the live system's anchor) */
  headHash: string | null;
  eventCount: number;
  /** the first ledger event that does not verify, when the chain is broken */
  brokenEvent: { index: number; seq: number | null; type: string | null; reason: string } | null;
  checks: TEvidenceCheck[];
};

/** Reads a downloaded file: the JSON bundle, or the HTML summary that embeds it. */
export function parseEvidenceFile(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("<")) {
    const match = /<script type="application\/json" id="waybill-evidence">([\s\S]*?)<\/script>/.exec(text);
    if (!match?.[1]) throw new Error("this HTML file does not embed a Waybill evidence bundle");
    return JSON.parse(match[1]);
  }
  return JSON.parse(text);
}

/** Verifies a bundle offline. Never throws on bad input: every problem is a failed check. */
export function verifyEvidenceBundle(
  input: unknown,
  options: {
    /** the platform's copies of raw requests (bytes as received), to prove tenant slices */
    platformCopies?: readonly Uint8Array[];
  } = {},
): TEvidenceVerification {
  const parsed = ZEvidenceBundleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      messageId: null,
      headHash: null,
      eventCount: 0,
      brokenEvent: null,
      checks: [
        {
          name: "format",
          ok: false,
          detail: `not a ${EVIDENCE_FORMAT} bundle: ${issue ? `${issue.path.join(".") || "bundle"}: ${issue.message}` : "invalid"}`,
        },
      ],
    };
  }
  const bundle = parsed.data;
  const checks: TEvidenceCheck[] = [{ name: "format", ok: true, detail: EVIDENCE_FORMAT }];

  // 1. digest over the file as given (the parsed copy could drop unknown keys)
  const digest = digestBundle(input as Record<string, unknown>);
  checks.push(
    digest === bundle.bundleSha256
      ? { name: "digest", ok: true, detail: `bundle digest ${digest}` }
      : {
          name: "digest",
          ok: false,
          detail: `the bundle was changed after export: digest ${digest} instead of ${bundle.bundleSha256}`,
        },
  );

  // 2. the chain, event by event
  const entries = [...bundle.ledger.events];
  let brokenEvent: TEvidenceVerification["brokenEvent"] = null;
  const chained: TChainedEvent[] = [];
  for (const [index, entry] of entries.entries()) {
    const event = ZLedgerEventSchema.safeParse(entry.event);
    // a field added to or removed from an event is an alteration even if the hashed fields hold
    const isExact =
      event.success && canonicalJson(pickEventFields(event.data)) === canonicalJson(entry.event);
    if (!event.success || !isExact) {
      brokenEvent = {
        index,
        seq: entry.seq,
        type: typeof entry.event.type === "string" ? entry.event.type : null,
        reason: "malformed_event",
      };
      break;
    }
    if ((event.data as TLedgerEvent).messageId !== bundle.message.id) {
      brokenEvent = { index, seq: entry.seq, type: event.data.type, reason: "message_mismatch" };
      break;
    }
    chained.push({ ...(event.data as TLedgerEvent), prevHash: entry.prevHash, hash: entry.hash });
  }
  let headHash: string | null = null;
  if (!brokenEvent) {
    const result = verifyChain(chained, sha256Hex, { expectedHeadHash: bundle.ledger.anchoredHeadHash });
    if (result.ok) headHash = result.headHash;
    else {
      const entry = entries[result.brokenAt];
      brokenEvent = {
        index: result.brokenAt,
        seq: entry?.seq ?? null,
        type: entry && typeof entry.event.type === "string" ? entry.event.type : null,
        reason: result.reason,
      };
    }
  }
  checks.push(
    brokenEvent
      ? {
          name: "chain",
          ok: false,
          detail:
            brokenEvent.seq === null
              ? `the chain does not end at the anchored head hash ${bundle.ledger.anchoredHeadHash} (${brokenEvent.reason}): events were removed from the end or rewritten`
              : `event #${brokenEvent.seq} (${brokenEvent.type ?? "unknown type"}) does not verify: ${brokenEvent.reason}`,
        }
      : {
          name: "chain",
          ok: true,
          detail: `${chained.length} events chain from genesis to head ${headHash}`,
        },
  );

  // 3. the derivation, again from the verified events
  const rules = rulesForVersion(bundle.derivation.rulesVersion);
  if (brokenEvent) {
    checks.push({ name: "derivation", ok: false, detail: "not re-derived: the events do not verify" });
  } else if (!rules) {
    checks.push({
      name: "derivation",
      ok: false,
      detail: `rules v${bundle.derivation.rulesVersion} are unknown to this verifier; use a Waybill version that has them`,
    });
  } else {
    const derived = deriveState(chained, rules);
    const stated = bundle.derivation;
    const mismatches: string[] = [];
    if (derived.state !== stated.state)
      mismatches.push(`state ${derived.state}, bundle says ${stated.state}`);
    if (derived.explanation !== stated.explanation) mismatches.push("explanation differs");
    if ((derived.decider?.dedupeKey ?? null) !== (stated.decider?.dedupeKey ?? null))
      mismatches.push("decider differs");
    const kinds = (list: readonly { kind: string }[]) => list.map((c) => c.kind).join(",");
    if (kinds(derived.conflicts) !== kinds(stated.conflicts)) mismatches.push("conflicts differ");
    const steps = (list: readonly { from: string | null; to: string }[]) =>
      list.map((t) => `${t.from}>${t.to}`).join(",");
    const derivedSteps = derived.transitions.map((t) => ({ from: t.from, to: t.to }));
    if (steps(derivedSteps) !== steps(stated.transitions)) mismatches.push("transitions differ");
    checks.push(
      mismatches.length === 0
        ? {
            name: "derivation",
            ok: true,
            detail: `re-derived with rules v${rules.version}: ${derived.state}, ${derived.transitions.length} transitions, ${derived.conflicts.length} conflicts`,
          }
        : { name: "derivation", ok: false, detail: `re-derivation disagrees: ${mismatches.join("; ")}` },
    );
  }

  // 4. raw webhook bodies (whole, or this tenant's slice)
  const rawProblems: string[] = [];
  const rawNotes: string[] = [];
  let rawChecked = 0;
  let slicesProved = 0;
  const eventsBySeq = new Map(entries.map((e) => [e.seq, e.event]));
  const copies = new Map((options.platformCopies ?? []).map((bytes) => [sha256Hex(bytes), bytes]));
  const namesWamids = (raw: (typeof bundle.rawWebhooks)[number], text: string) => {
    for (const seq of raw.eventSeqs) {
      const wamid = eventsBySeq.get(seq)?.providerMessageId;
      if (typeof wamid === "string" && !text.includes(wamid)) {
        rawProblems.push(`raw webhook ${raw.id} does not name ${wamid} of event #${seq}`);
      }
    }
  };
  for (const raw of bundle.rawWebhooks) {
    if (raw.bodyBase64 !== null) {
      const bytes = Buffer.from(raw.bodyBase64, "base64");
      rawChecked += 1;
      if (sha256Hex(bytes) !== raw.bodySha256) {
        rawProblems.push(`raw webhook ${raw.id}: body does not match its SHA-256`);
        continue;
      }
      namesWamids(raw, bytes.toString("utf8"));
      continue;
    }
    if (raw.tenantSlice === null) continue;
    rawChecked += 1;
    const slice = raw.tenantSlice.body;
    const redactions = countRedactions(slice);
    if (redactions !== raw.tenantSlice.redactedParts) {
      rawProblems.push(
        `raw webhook ${raw.id}: the slice has ${redactions} well-formed redactions, the bundle says ${raw.tenantSlice.redactedParts}`,
      );
      continue;
    }
    if (raw.signature.header === null) {
      rawProblems.push(
        `raw webhook ${raw.id}: a slice without the request's signature header cannot be tied to it`,
      );
      continue;
    }
    namesWamids(raw, JSON.stringify(slice));
    const copy = copies.get(raw.bodySha256);
    if (!copy) continue;
    let original: unknown;
    try {
      original = JSON.parse(Buffer.from(copy).toString("utf8"));
    } catch {
      rawProblems.push(`raw webhook ${raw.id}: the platform's copy is not JSON`);
      continue;
    }
    if (sliceMatchesOriginal(original, slice)) slicesProved += 1;
    else
      rawProblems.push(
        `raw webhook ${raw.id}: the slice was not cut from the platform's copy of the request`,
      );
  }
  const slices = bundle.rawWebhooks.filter((r) => r.bodyBase64 === null && r.tenantSlice !== null).length;
  if (slices > 0) {
    rawNotes.push(
      `${slices} ${slices === 1 ? "is this tenant's slice" : "are this tenant's slices"} of a batched request` +
        (options.platformCopies
          ? `, ${slicesProved} proved against the platform's copy`
          : " (prove with --platform-copy <raw request file>)"),
    );
  }
  const omitted = bundle.rawWebhooks.length - rawChecked;
  if (omitted > 0) rawNotes.push(`${omitted} without body: pruned, not permitted or not JSON`);
  checks.push(
    rawProblems.length > 0
      ? { name: "raw_webhooks", ok: false, detail: rawProblems.join("; ") }
      : {
          name: "raw_webhooks",
          ok: true,
          detail:
            bundle.rawWebhooks.length === 0
              ? "no raw webhooks linked"
              : `${rawChecked} raw webhook bodies match their SHA-256 or slice and name their events' wamids${rawNotes.length > 0 ? ` (${rawNotes.join("; ")})` : ""}`,
        },
  );

  return {
    ok: checks.every((c) => c.ok),
    messageId: bundle.message.id,
    headHash,
    eventCount: entries.length,
    brokenEvent,
    checks,
  };
}

/** Redaction markers in a tenant slice, where slicing puts them (entries and their changes). */
function countRedactions(slice: unknown): number {
  if (isRedaction(slice)) return 1;
  if (slice === null || typeof slice !== "object" || Array.isArray(slice)) return 0;
  const entries = (slice as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return 0;
  let count = 0;
  for (const entry of entries) {
    if (isRedaction(entry)) count += 1;
    else if (
      entry !== null &&
      typeof entry === "object" &&
      Array.isArray((entry as { changes?: unknown }).changes)
    )
      count += (entry as { changes: unknown[] }).changes.filter(isRedaction).length;
  }
  return count;
}

/** The CLI's report, one line per check. */
export function formatEvidenceVerification(result: TEvidenceVerification): string {
  const lines = [
    result.ok
      ? `evidence OK: message ${result.messageId}, ${result.eventCount} events, head ${result.headHash}`
      : `EVIDENCE DOES NOT VERIFY${result.messageId ? ` (message ${result.messageId})` : ""}${
          result.brokenEvent
            ? `: broken at event #${result.brokenEvent.seq ?? "end"} (${result.brokenEvent.reason})`
            : ""
        }`,
  ];
  for (const check of result.checks)
    lines.push(`  ${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  if (result.ok) {
    lines.push(
      "  note: compare the head hash with the live system (npm run waybill -- ledger:verify) to rule out a rewritten file",
    );
  }
  return lines.join("\n");
}
