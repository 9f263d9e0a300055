// Usage metering as a projector of the ledger append: a batch's newly recorded priced statuses
// (Meta's pricing object, kept as columns on the ledger event) become one usage_message row per
// message, in one statement for the batch. The row keeps the earliest priced status (ON CONFLICT
// ... WHERE earlier), so the count is once per message and the day never depends on arrival order.
import type { TLedgerProjector } from "@/server/services/ledger/projector";
import { readPricing, usageOf } from "@/server/domain/usage/pricing";

export const usageProjector: TLedgerProjector = {
  name: "usage",
  project: async ({ sql, messages }) => {
    const rows = messages.flatMap((m) => {
      const usage = usageOf(
        m.appended.map((e) => ({
          type: e.type,
          providerTimestamp: e.providerTimestamp,
          recordedAt: e.recordedAt,
          pricing: e.type.startsWith("status_") ? readPricing(e.payload) : null,
        })),
      );
      if (usage === null) return [];
      return [
        {
          tenant_id: m.tenantId,
          message_id: m.messageId,
          sender_number_id: m.after.senderNumberId,
          day: usage.day,
          priced_at: new Date(usage.pricedAt).toISOString(),
          category: usage.category,
          pricing_type: usage.type,
          pricing_model: usage.model,
          billable: usage.billable,
        },
      ];
    });
    if (rows.length === 0) return;
    await sql.query(
      `INSERT INTO usage_message AS u (tenant_id, message_id, sender_number_id, day, priced_at, category, pricing_type,
                                       pricing_model, billable)
       SELECT r.tenant_id, r.message_id, r.sender_number_id, r.day, r.priced_at, r.category, r.pricing_type,
              r.pricing_model, r.billable
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, message_id uuid, sender_number_id uuid, day date,
         priced_at timestamptz, category text, pricing_type text, pricing_model text, billable boolean)
       ON CONFLICT (tenant_id, message_id) DO UPDATE
         SET day = EXCLUDED.day, priced_at = EXCLUDED.priced_at, category = EXCLUDED.category,
             pricing_type = EXCLUDED.pricing_type, pricing_model = EXCLUDED.pricing_model, billable = EXCLUDED.billable
         WHERE EXCLUDED.priced_at < u.priced_at`,
      [JSON.stringify(rows)],
    );
  },
};
