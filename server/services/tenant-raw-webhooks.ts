// The raw webhook requests linked to a message, as one tenant may see them: each body cut down to
// that tenant's entries and changes (server/ingest/tenant-slice.ts), with the whole body's SHA-256
// and signature header kept so the slice can be tied to the verified request. The one way the
// timeline's raw view and the evidence export read raw bodies.
import type { TDb, TDbTx } from "@/server/db/client";
import {
  listLinkedRawWebhooks,
  listTenantAccountIds,
  type TLinkedRawWebhook,
} from "@/server/db/queries/messages";
import { sliceWebhookForTenant } from "@/server/ingest/tenant-slice";

export type TTenantRawBody =
  /** the body holds nothing of another tenant: the bytes as received */
  | { kind: "whole"; bytes: Uint8Array }
  /** the parsed body with other tenants' entries and changes replaced by redactions */
  | { kind: "slice"; json: unknown; redactedParts: number }
  /** not JSON: nothing in it can be attributed to a tenant, so none of it is shown */
  | { kind: "unreadable" }
  /** pruned by retention */
  | { kind: "pruned" };

export type TTenantRawWebhook = Omit<TLinkedRawWebhook, "body"> & {
  body: TTenantRawBody;
  signatureHeader: string | null;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function tenantViewOfBody(
  body: Uint8Array | null,
  accounts: Parameters<typeof sliceWebhookForTenant>[1],
): TTenantRawBody {
  if (body === null) return { kind: "pruned" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(body));
  } catch {
    return { kind: "unreadable" };
  }
  const slice = sliceWebhookForTenant(parsed, accounts);
  return slice.redactedParts === 0
    ? { kind: "whole", bytes: body }
    : { kind: "slice", json: slice.body, redactedParts: slice.redactedParts };
}

export async function listTenantRawWebhooks(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TTenantRawWebhook[]> {
  // one after another: inside an interactive transaction this is one connection
  const rows = await listLinkedRawWebhooks(db, tenantId, messageId);
  if (rows.length === 0) return [];
  const accounts = await listTenantAccountIds(db, tenantId);
  return rows.map((row) => {
    const headers = (row.headers ?? {}) as Record<string, unknown>;
    const signature = headers["x-hub-signature-256"];
    return {
      ...row,
      body: tenantViewOfBody(row.body, accounts),
      signatureHeader: typeof signature === "string" ? signature : null,
    };
  });
}
