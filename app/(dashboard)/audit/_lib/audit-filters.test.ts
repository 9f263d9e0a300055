import { describe, expect, it } from "vitest";
import { auditCsvRow, auditQueryString, readAuditFilters, toAuditInput } from "./audit-filters";

const TENANT = "0190d7a4-1c2b-7d3e-8f40-123456789abc";

describe("audit filters", () => {
  it("reads the URL and drops a malformed tenant", () => {
    const params = new URLSearchParams({ tenant: "' OR 1=1", action: " api_key.revoked ", actor: " eve@ " });
    expect(readAuditFilters(params)).toEqual({ tenantId: null, action: "api_key.revoked", actor: "eve@" });
  });

  it("round-trips through the query string and leaves out what is empty", () => {
    const f = { tenantId: TENANT, action: "", actor: "engineer@waybill.local" };
    const qs = auditQueryString(f);
    expect(qs).toBe(`tenant=${TENANT}&actor=engineer%40waybill.local`);
    expect(readAuditFilters(new URLSearchParams(qs))).toEqual(f);
    expect(toAuditInput(f)).toEqual({ tenantId: TENANT, actor: "engineer@waybill.local" });
  });
});

describe("audit CSV row", () => {
  it("writes UTC times, the tenant's name, and details as JSON", () => {
    const row = auditCsvRow(
      {
        createdAt: new Date("2026-12-02T18:32:28.123Z"),
        action: "sender.paused",
        actorLabel: "user:eve@waybill.local",
        tenantId: TENANT,
        targetType: "sender_number",
        targetId: "abc",
        reason: "Meta flagged it",
        ip: null,
        data: { errorCode: "131048" },
      },
      new Map([[TENANT, "Globex"]]),
    );
    expect(row).toEqual([
      "2026-12-02T18:32:28.123Z",
      "sender.paused",
      "user:eve@waybill.local",
      "Globex",
      "sender_number",
      "abc",
      "Meta flagged it",
      "",
      '{"errorCode":"131048"}',
    ]);
  });

  it("names platform events and leaves empty details empty", () => {
    const row = auditCsvRow(
      {
        createdAt: new Date(0),
        action: "tenant.created",
        actorLabel: "system",
        tenantId: null,
        targetType: null,
        targetId: null,
        reason: null,
        ip: "10.0.0.1",
        data: {},
      },
      new Map(),
    );
    expect(row[3]).toBe("platform");
    expect(row[8]).toBe("");
  });
});
