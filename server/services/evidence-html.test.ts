// The printable summary escapes everything it shows and embeds a bundle that parses back intact,
// even when a value tries to close the script tag.
import { describe, expect, it } from "vitest";
import { renderEvidenceHtml } from "./evidence-html";
import { parseEvidenceFile, type TEvidenceBundle } from "./evidence-verify";

const bundle = {
  format: "waybill.evidence.v1",
  generatedAt: "2026-05-05T10:00:00.000Z",
  generatedBy: "user:<script>alert(1)</script>",
  tenant: { id: "t", slug: "acme", name: "Acme & Sons" },
  message: {
    id: "m",
    recipient: "+15550001111",
    sender: { id: "s", displayNumber: "+15550101001", label: null, phoneNumberId: "1", wabaId: "2" },
    contentKind: "template",
    template: { name: "x", language: "en_US", category: null },
    providerMessageIds: [],
    createdAt: "2026-05-05T10:00:00.000Z",
  },
  request: { payload: { note: "</script><b>bold</b>" } },
  responses: [],
  ledger: {
    hashScheme: "waybill.ledger.v1",
    genesisHash: "0".repeat(64),
    anchoredHeadHash: "a".repeat(64),
    events: [],
  },
  rawWebhooks: [],
  derivation: {
    rulesVersion: 1,
    state: "queued",
    explanation: "queued: no state-changing event recorded",
    decider: null,
    conflicts: [],
    appliedRules: [],
    transitions: [],
    stored: { state: "queued", explanation: "", rulesVersion: 1 },
  },
  interventions: [],
  disputes: [],
  chainCheckAtExport: { ok: true, headHash: "a".repeat(64), brokenAt: null, reason: null },
  verification: { command: "npm run waybill -- evidence:verify evidence-m.json", notes: [] },
  bundleSha256: "b".repeat(64),
} as unknown as TEvidenceBundle;

describe("renderEvidenceHtml", () => {
  it("escapes shown values and embeds the bundle so it parses back unchanged", () => {
    const html = renderEvidenceHtml(bundle);
    expect(html).toContain("user:&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Acme &amp; Sons");
    expect(html).not.toContain("<b>bold</b>");
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(parseEvidenceFile(html)).toEqual(bundle);
  });
});
