// The audit log's filters as the URL carries them (so a view can be shared and exported), read
// leniently: a malformed value is dropped rather than sent to the API to fail validation.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TAuditFilters = { tenantId: string | null; action: string; actor: string };

const one = (v: string | string[] | null | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export function readAuditFilters(params: {
  get: (name: string) => string | string[] | null | undefined;
}): TAuditFilters {
  const tenant = one(params.get("tenant"));
  return {
    tenantId: UUID.test(tenant) ? tenant : null,
    action: one(params.get("action")).trim().slice(0, 100),
    actor: one(params.get("actor")).trim().slice(0, 200),
  };
}

/** One page of the trail; the server page prefetches the same first page the view asks for. */
export const AUDIT_PAGE_SIZE = 50;

/** listAuditEvents' filter (without paging). */
export function toAuditInput(f: TAuditFilters) {
  return {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.actor ? { actor: f.actor } : {}),
  };
}

export function auditQueryString(f: TAuditFilters): string {
  const query = new URLSearchParams();
  if (f.tenantId) query.set("tenant", f.tenantId);
  if (f.action) query.set("action", f.action);
  if (f.actor) query.set("actor", f.actor);
  return query.toString();
}

export const AUDIT_CSV_HEADER = [
  "time_utc",
  "action",
  "actor",
  "tenant",
  "target_type",
  "target_id",
  "reason",
  "ip",
  "details",
] as const;

type TAuditRow = {
  createdAt: Date;
  action: string;
  actorLabel: string;
  tenantId: string | null;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  ip: string | null;
  data: unknown;
};

/** One CSV row per event: times in UTC ISO 8601, the tenant by name where known, details as JSON. */
export function auditCsvRow(e: TAuditRow, tenantNames: ReadonlyMap<string, string>): string[] {
  const hasDetails = e.data !== null && typeof e.data === "object" && Object.keys(e.data).length > 0;
  return [
    e.createdAt.toISOString(),
    e.action,
    e.actorLabel,
    e.tenantId ? (tenantNames.get(e.tenantId) ?? e.tenantId) : "platform",
    e.targetType ?? "",
    e.targetId ?? "",
    e.reason ?? "",
    e.ip ?? "",
    hasDetails ? JSON.stringify(e.data) : "",
  ];
}
