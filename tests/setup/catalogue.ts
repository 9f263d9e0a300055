// The catalogue's tenant classification, shared by the schema and row-level security tests:
// every table with a non-null tenant_id is tenant-owned (keyed tenant first, behind row-level
// security) unless it is a listed platform (reference) table.
import type pg from "pg";

// Platform tables are not owned by one tenant; each says why.
export const PLATFORM_TABLES: Record<string, string> = {
  tenant: "the tenants themselves (a reference table under Citus)",
  app_user: "console users span tenants (support, engineers, admins)",
  audit_event: "platform actions; tenant_id is the subject when there is one, often none",
  phone_number_directory: "platform-wide routing of phone_number_id to tenant (reference table)",
  worker_heartbeat: "process liveness",
  revoked_session: "signed-out console sessions; users span tenants",
  login_attempt: "console sign-in attempts by email; users span tenants and unknown emails are attempted too",
  webhook_inbox: "raw webhook requests: the tenant is unknown at receipt, and one request may name several",
  webhook_quarantine: "unprocessable webhook items: mostly items whose tenant could not be resolved",
  webhook_replay: "engineers' replays of raw requests, which span tenants",
  webhook_replay_item: "the requests of a replay (platform rows, like the inbox)",
  ingest_counter: "metrics counters, including those of requests with no known tenant",
  bulk_action:
    "engineers' bulk retries and discards of dead letters, which may span tenants (items are tenant-owned)",
  operator_channel: "operators' alert channels (Slack webhook, email) for the whole platform",
  operator_notification: "alert notifications to operator channels; platform alerts may have no tenant",
  schema_version: "the migrator's bookkeeping",
  provider_circuit: "circuit breakers of the app (shared by every tenant) and of WABAs, above any one number",
};

/** Tenant-owned tables of the public schema: a non-null tenant_id and not a platform table. */
export async function readTenantTables(db: pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`
    SELECT t.relname AS name FROM pg_class t
    WHERE t.relnamespace = 'public'::regnamespace AND t.relkind IN ('r', 'p')
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id'
                  AND a.attnotnull AND NOT a.attisdropped)
    ORDER BY 1`);
  return rows.map((r) => r.name).filter((name) => !(name in PLATFORM_TABLES));
}

/**
 * Tenant tables not behind the wall of migration 017: row-level security enabled and forced (the
 * owner is subject too), the tenant policy for waybill_app on every command, reading and checking
 * tenant_id against waybill_tenant_ids(), and the platform bypass for waybill_platform only.
 */
export async function rowSecurityOffenders(db: pg.ClientBase): Promise<string[]> {
  const tables = await readTenantTables(db);
  const { rows } = await db.query<{
    name: string;
    enabled: boolean;
    forced: boolean;
    policies: {
      name: string;
      command: string;
      roles: string[];
      using: string | null;
      check: string | null;
    }[];
  }>(
    `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
            coalesce(jsonb_agg(jsonb_build_object(
              'name', p.polname, 'command', p.polcmd,
              'roles', (SELECT coalesce(jsonb_agg(r.rolname ORDER BY r.rolname), '[]') FROM pg_roles r WHERE r.oid = ANY (p.polroles)),
              'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid)))
              FILTER (WHERE p.oid IS NOT NULL), '[]') AS policies
     FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY ($1::text[])
     GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity`,
    [tables],
  );
  const isTenantRule = (expression: string | null) =>
    expression !== null && /^\(?tenant_id = ANY \(waybill_tenant_ids\(\)\)\)?$/.test(expression);
  const offenders: string[] = [];
  for (const table of rows) {
    if (!table.enabled) offenders.push(`${table.name}: row-level security is not enabled`);
    if (!table.forced) offenders.push(`${table.name}: row-level security is not forced`);
    const tenantPolicies = table.policies.filter((p) => p.roles.includes("waybill_app"));
    const isWalled = tenantPolicies.some(
      (p) => p.command === "*" && p.roles.length === 1 && isTenantRule(p.using) && isTenantRule(p.check),
    );
    if (!isWalled) offenders.push(`${table.name}: no tenant policy for waybill_app`);
    // a permissive policy is OR-ed with the tenant rule: anything else for the app role widens it
    if (tenantPolicies.length > 1) offenders.push(`${table.name}: waybill_app has other policies`);
    const others = table.policies.filter((p) => !p.roles.includes("waybill_app"));
    if (others.some((p) => p.roles.length !== 1 || p.roles[0] !== "waybill_platform"))
      offenders.push(`${table.name}: a policy applies to a role other than waybill_app or waybill_platform`);
  }
  return offenders.sort();
}
