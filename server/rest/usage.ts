// GET /api/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]: the key's tenant's priced messages
// per day, sender, category and pricing type, from Meta's pricing objects (docs/usage.md).
import { inTenantScope } from "@/server/db/tenant-scope";
import { readUsage } from "@/server/db/queries/usage";
import { lastDays, usageCsv, usageTotals, ZUsageRangeSchema } from "@/components/charts/prepare/usage";
import { authenticateRequest } from "./authenticate";
import { verifierOf, fieldProblems, invalidRequest, type TRestDeps } from "./messages";

export async function handleGetUsage(deps: TRestDeps, request: Request): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  const params = new URL(request.url).searchParams;
  const fallback = lastDays(now.getTime(), 30);
  const range = ZUsageRangeSchema.safeParse({
    from: params.get("from") ?? fallback.from,
    to: params.get("to") ?? fallback.to,
  });
  if (!range.success) return invalidRequest("from/to are not a valid range", fieldProblems(range.error));
  const tenantIds = [auth.principal.tenantId];
  const rows = await inTenantScope(deps.db, tenantIds, (tx) => readUsage(tx, tenantIds, range.data));
  if (params.get("format") === "csv") {
    return new Response(usageCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="usage-${range.data.from}-${range.data.to}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return Response.json(
    {
      from: range.data.from,
      to: range.data.to,
      source: "Meta's pricing object of status webhooks (per-message pricing); each message counted once",
      totals: usageTotals(rows),
      days: rows.map(({ tenantId: _t, tenantSlug: _s, ...row }) => row),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
