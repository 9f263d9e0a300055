-- Row-level security on every tenant table, as a second wall behind the tenant filter each query
-- already carries (docs/decisions/013-row-level-security.md).
--
-- Two roles, without LOGIN (nobody connects as them; the connecting role switches to them):
--   waybill_app       what tenant-scoped transactions run as (`SET LOCAL ROLE`): it sees and
--                     writes only rows of the tenants listed in `app.tenant_ids`, a
--                     transaction-local setting; with no list it sees nothing.
--   waybill_platform  the explicit platform bypass: its members (the role that runs the
--                     migrations, which owns the tables and is what the worker, the CLI and the
--                     console's cross-tenant views connect as) pass every tenant policy.
-- Roles are shared by every database of a server (test runs make many), so creating them must
-- tolerate another migration having just done it.
DO $$
BEGIN
  BEGIN
    CREATE ROLE waybill_app NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE waybill_platform NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;

-- The owner is subject to the policies too (FORCE below), so it needs the bypass by membership;
-- and it must be able to become waybill_app. A superuser has both already.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT waybill_platform, waybill_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO waybill_app, waybill_platform;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO waybill_app, waybill_platform;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO waybill_app, waybill_platform;
-- tables and sequences that later migrations create are reachable the same way
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO waybill_app, waybill_platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO waybill_app, waybill_platform;

-- The tenants the current transaction may touch: `app.tenant_ids`, a comma-separated list of
-- uuids set with set_config(..., true). Unset or empty is the empty list. STABLE, so a policy's
-- `tenant_id = ANY (...)` is evaluated once per statement and can use the tenant-first indexes.
CREATE FUNCTION waybill_tenant_ids() RETURNS uuid[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')::uuid[], '{}') $$;

-- The one way to put a tenant table behind the wall; later migrations call it for new tables
-- (tests/integration/schema.test.ts fails on a tenant table without it).
CREATE FUNCTION waybill_protect_tenant_table(target regclass) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s TO waybill_app USING (tenant_id = ANY (waybill_tenant_ids())) WITH CHECK (tenant_id = ANY (waybill_tenant_ids()))',
    target);
  EXECUTE format('CREATE POLICY platform_bypass ON %s TO waybill_platform USING (true) WITH CHECK (true)', target);
END
$$;
REVOKE EXECUTE ON FUNCTION waybill_protect_tenant_table(regclass) FROM PUBLIC;

-- Every table with a non-null tenant_id, except the platform routing directory (a reference
-- table that webhooks read before they know their tenant).
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnotnull AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname NOT IN ('phone_number_directory')
    ORDER BY c.relname
  LOOP
    PERFORM waybill_protect_tenant_table(t);
  END LOOP;
END
$$;
