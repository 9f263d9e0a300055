// GET /audit/export?tenant=&action=&actor=: the audit trail under the same filter as the page, as
// CSV (UTC times), streamed page by page so a long trail never sits in memory. audit.read only.
import { TRPCError } from "@trpc/server";
import { csvLine } from "@/components/csv/csv-text";
import { serverCaller } from "@/trpc/server";
import { AUDIT_CSV_HEADER, auditCsvRow, readAuditFilters, toAuditInput } from "../_lib/audit-filters";

export const dynamic = "force-dynamic";

const PAGE = 200;
/** A spreadsheet's comfortable size; the file says when it stopped there. */
const MAX_ROWS = 100_000;

export async function GET(request: Request) {
  const caller = await serverCaller();
  const filters = readAuditFilters(new URL(request.url).searchParams);
  const input = toAuditInput(filters);
  let first;
  let tenants;
  try {
    [first, tenants] = await Promise.all([
      caller.admin.listAuditEvents({ ...input, limit: PAGE }),
      caller.tenants.list(),
    ]);
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN")) {
      return new Response("Not found", { status: 404 });
    }
    throw error;
  }
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const encoder = new TextEncoder();
  let page = first;
  let written = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(AUDIT_CSV_HEADER)));
    },
    async pull(controller) {
      for (const e of page.items) controller.enqueue(encoder.encode(csvLine(auditCsvRow(e, names))));
      written += page.items.length;
      if (page.nextCursor === null) return controller.close();
      if (written >= MAX_ROWS) {
        controller.enqueue(encoder.encode(csvLine([`# stopped after ${MAX_ROWS} rows; narrow the filter`])));
        return controller.close();
      }
      page = await caller.admin.listAuditEvents({ ...input, cursor: page.nextCursor, limit: PAGE });
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
