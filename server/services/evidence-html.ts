// The printable summary of an evidence bundle: one self-contained HTML file (no scripts run, no
// network), readable by someone who has never seen Waybill, with the full JSON bundle embedded
// so the file itself can be verified (`npm run waybill -- evidence:verify <file>.html`).
import type { TEvidenceBundle } from "./evidence-verify";

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const e = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === "" ? "—" : escapeHtml(String(value));

function utc(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const date = typeof value === "number" ? new Date(value) : new Date(value);
  return Number.isNaN(date.getTime()) ? "—" : `${date.toISOString().replace("T", " ").slice(0, 23)} UTC`;
}

function row(cells: string[], tag: "td" | "th" = "td"): string {
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
}

function field(event: Record<string, unknown>, key: string): string | number | null {
  const value = event[key];
  return typeof value === "string" || typeof value === "number" ? value : null;
}

function eventDetail(event: Record<string, unknown>): string {
  const parts: string[] = [];
  const attempt = field(event, "attempt");
  if (attempt !== null) parts.push(`attempt ${attempt}`);
  const wamid = field(event, "providerMessageId");
  if (wamid !== null) parts.push(String(wamid));
  const error = event.error as { code?: string; title?: string } | null | undefined;
  if (error && typeof error === "object")
    parts.push(`error ${error.code ?? ""}${error.title ? ` ${error.title}` : ""}`);
  const actor = field(event, "actor");
  if (actor !== null) parts.push(`by ${actor}`);
  const action = field(event, "action");
  if (action !== null) parts.push(`action ${action}`);
  const reason = field(event, "reason");
  if (reason !== null) parts.push(`reason: ${reason}`);
  const note = field(event, "note");
  if (note !== null) parts.push(`note: ${note}`);
  return e(parts.join(" · "));
}

/** The summary page. Every value is escaped; the embedded JSON cannot close its script tag. */
export function renderEvidenceHtml(bundle: TEvidenceBundle): string {
  const m = bundle.message;
  const d = bundle.derivation;
  const check = bundle.chainCheckAtExport;
  const events = bundle.ledger.events;
  const embedded = JSON.stringify(bundle).replace(/</g, "\\u003c");
  const eventRows = events
    .map((entry) => {
      const ev = entry.event as Record<string, unknown>;
      const provider = field(ev, "providerTimestamp");
      const recorded = field(ev, "recordedAt");
      const receipts = entry.receipts.length;
      return row([
        e(entry.seq),
        e(field(ev, "type")),
        e(field(ev, "source")),
        utc(typeof provider === "number" ? provider : null),
        utc(typeof recorded === "number" ? recorded : null),
        receipts > 1 ? `${receipts} receipts` : "1",
        eventDetail(ev),
        `<code>${e(entry.hash.slice(0, 16))}…</code>`,
      ]);
    })
    .join("\n");
  const transitions = d.transitions
    .map((t) => row([e(t.from ?? "—"), e(t.to), e(t.type), t.seq === null ? "—" : `#${t.seq}`]))
    .join("\n");
  const conflicts =
    d.conflicts.length === 0
      ? "<p>No conflicts.</p>"
      : `<ul>${d.conflicts.map((c) => `<li><strong>${e(c.kind)}</strong> (${e(c.rule)}): ${e(c.resolution)}</li>`).join("")}</ul>`;
  const disputes =
    bundle.disputes.length === 0
      ? "<p>No disputes recorded.</p>"
      : bundle.disputes
          .map(
            (
              dispute,
            ) => `<h3>Ticket ${e(dispute.ticketRef)} · ${e(dispute.status)}${dispute.outcome ? ` · outcome ${e(dispute.outcome)}` : ""}</h3>
<p>Opened by ${e(dispute.openedBy)} at ${utc(dispute.openedAt)}${dispute.resolvedAt ? `; resolved by ${e(dispute.resolvedBy)} at ${utc(dispute.resolvedAt)}` : ""}.</p>
<table><thead>${row(["Time", "Kind", "Author", "Note"], "th")}</thead><tbody>
${dispute.notes.map((n) => row([utc(n.createdAt), e(n.kind), e(n.author), e(n.body)])).join("\n")}
</tbody></table>`,
          )
          .join("\n");
  const raw =
    bundle.rawWebhooks.length === 0
      ? "<p>No raw webhook requests are linked to this message.</p>"
      : `<table><thead>${row(["Received", "Request id", "SHA-256", "Signature", "Events", "Body"], "th")}</thead><tbody>
${bundle.rawWebhooks
  .map((w) =>
    row([
      utc(w.receivedAt),
      `<code>${e(w.id)}</code>`,
      `<code>${e(w.bodySha256.slice(0, 16))}…</code>`,
      w.signature.header
        ? `verified at receipt (<code>${e(w.signature.header.slice(0, 24))}…</code>)`
        : "verified at receipt",
      w.eventSeqs.map((s) => `#${s}`).join(", ") || "—",
      w.bodyBase64
        ? `${w.bodyBytes} bytes, included`
        : w.tenantSlice
          ? e(
              `this tenant's part included; ${w.tenantSlice.redactedParts} part(s) of other tenants redacted (SHA-256 only)`,
            )
          : e(
              w.bodyOmitted === "pruned"
                ? "pruned by retention"
                : w.bodyOmitted === "unreadable"
                  ? "not included (not JSON)"
                  : "not included (role)",
            ),
    ]),
  )
  .join("\n")}
</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Delivery evidence · message ${e(m.id)}</title>
<style>
  body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #18181b; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
  h1 { font-size: 20px; margin: 0 0 .25rem; } h2 { font-size: 15px; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #e4e4e7; padding-bottom: .25rem; } h3 { font-size: 13px; margin: 1rem 0 .25rem; }
  table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; } th, td { border: 1px solid #e4e4e7; padding: 4px 6px; text-align: left; vertical-align: top; } th { background: #fafafa; font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dt { color: #52525b; } dd { margin: 0; }
  code { font: 12px ui-monospace, Menlo, Consolas, monospace; } .ok { color: #0b6b3b; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
  .muted { color: #52525b; } @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Delivery evidence for message <code>${e(m.id)}</code></h1>
<p class="muted">Tenant ${e(bundle.tenant.name)} (${e(bundle.tenant.slug)}) · generated ${utc(bundle.generatedAt)} by ${e(bundle.generatedBy)} · bundle SHA-256 <code>${e(bundle.bundleSha256)}</code></p>

<h2>The message</h2>
<dl>
<dt>Recipient</dt><dd>${e(m.recipient)}</dd>
<dt>Sender</dt><dd>${e(m.sender.displayNumber)}${m.sender.label ? ` (${e(m.sender.label)})` : ""} · phone_number_id ${e(m.sender.phoneNumberId)} · WABA ${e(m.sender.wabaId)}</dd>
<dt>Content</dt><dd>${m.template ? `template ${e(m.template.name)} (${e(m.template.language)}${m.template.category ? `, ${e(m.template.category)}` : ""})` : e(m.contentKind)}</dd>
<dt>Provider ids (wamid)</dt><dd>${m.providerMessageIds.map((p) => `attempt ${e(p.attempt)}: <code>${e(p.providerMessageId)}</code>`).join("<br>") || "—"}</dd>
<dt>Created</dt><dd>${utc(m.createdAt)}</dd>
</dl>

<h2>Derived state: ${e(d.state)}</h2>
${d.possibleDuplicate ? `<p><strong>${e(d.possibleDuplicate.warning)}</strong></p>` : ""}
<p>${e(d.explanation)}</p>
<p class="muted">Derived from the ledger below with reconciliation rules v${e(d.rulesVersion)}${d.decider ? `; decided by event #${e(d.decider.seq)} (${e(d.decider.type)})` : ""}.</p>
${conflicts}
<table><thead>${row(["From", "To", "Event type", "Event"], "th")}</thead><tbody>
${transitions}
</tbody></table>

<h2>Chain of custody</h2>
<p>${
    check.ok
      ? `<span class="ok">Intact at export</span>: ${events.length} events chain from the genesis hash to the head hash <code>${e(bundle.ledger.anchoredHeadHash)}</code> stored on the message.`
      : `<span class="bad">Broken at export</span>: event index ${e(check.brokenAt)} (${e(check.reason)}).`
  }</p>
<p>Verify this file offline: <code>${e(bundle.verification.command)}</code> (the same command accepts this HTML file).</p>
<ul>${bundle.verification.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>

<h2>Ledger events (${events.length})</h2>
<table><thead>${row(["#", "Type", "Source", "Provider time", "Recorded", "Receipts", "Detail", "Hash"], "th")}</thead><tbody>
${eventRows}
</tbody></table>

<h2>Raw webhook requests</h2>
${raw}

<h2>Disputes</h2>
${disputes}

<script type="application/json" id="waybill-evidence">${embedded}</script>
</body>
</html>
`;
}
