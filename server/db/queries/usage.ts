// Usage reads: priced messages per tenant, sender, category, pricing type and day, from
// usage_message (one row per priced message; index (tenant_id, day)). Every read names its tenants.
import type { TDbTx } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";

export type TUsageRow = {
  tenantId: string;
  tenantSlug: string;
  day: string;
  senderNumberId: string;
  displayNumber: string | null;
  category: string;
  pricingType: string;
  billable: boolean;
  messages: number;
};

/** Usage of the given tenants between two UTC days (inclusive), one row per key and day. */
export async function readUsage(
  db: TDbTx,
  tenantIds: readonly string[],
  range: { from: string; to: string },
): Promise<TUsageRow[]> {
  if (tenantIds.length === 0) return [];
  return sqlOfPrisma(db).query<TUsageRow>(
    `SELECT u.tenant_id::text AS "tenantId", t.slug AS "tenantSlug", to_char(u.day, 'YYYY-MM-DD') AS "day",
            u.sender_number_id::text AS "senderNumberId", s.display_number AS "displayNumber",
            u.category, u.pricing_type AS "pricingType", u.billable, count(*)::int AS "messages"
     FROM usage_message u
     JOIN tenant t ON t.id = u.tenant_id
     LEFT JOIN sender_number s ON s.tenant_id = u.tenant_id AND s.id = u.sender_number_id
     WHERE u.tenant_id = ANY ($1::uuid[]) AND u.day BETWEEN $2::date AND $3::date
     GROUP BY u.tenant_id, t.slug, u.day, u.sender_number_id, s.display_number, u.category, u.pricing_type, u.billable
     ORDER BY u.day, t.slug, s.display_number, u.category, u.pricing_type`,
    [[...tenantIds], range.from, range.to],
  );
}
