-- The console's stalled list inside the row-level-security scope (docs/decisions/013-row-level-security.md).
--
-- Under a policy a condition whose operator is not LEAKPROOF is evaluated after the policy and
-- cannot be an index condition. Enum equality (`m.state = t.state`) is not LEAKPROOF, so in a
-- scoped transaction migration 003's (tenant_id, state, state_reached_at) index was only read by
-- tenant: every waiting message of the tenant, filtered by state and sorted (1.7 s for the
-- largest tenant at 10,000,000 events). A partial index per waiting state moves the state into
-- the index's predicate, which the planner proves from the query's literal state under any role;
-- what remains (tenant_id, state_reached_at, id) compares with LEAKPROOF operators, so each is a
-- range scan in the list's own order (server/db/queries/alerts.ts, listStalledMessages).
--
-- Migration 003's index stays: the stall sweep runs as the platform role, one statement over
-- every state of a tenant (`m.state = t.state` with the state a parameter), which these cannot
-- serve. A waiting message is in two small indexes; finished messages are in neither.
CREATE INDEX message_tenant_id_stalled_queued_idx
  ON message (tenant_id, state_reached_at, id) WHERE state = 'queued';
CREATE INDEX message_tenant_id_stalled_submitting_idx
  ON message (tenant_id, state_reached_at, id) WHERE state = 'submitting';
CREATE INDEX message_tenant_id_stalled_accepted_idx
  ON message (tenant_id, state_reached_at, id) WHERE state = 'accepted';
CREATE INDEX message_tenant_id_stalled_sent_idx
  ON message (tenant_id, state_reached_at, id) WHERE state = 'sent';
CREATE INDEX message_tenant_id_stalled_retrying_idx
  ON message (tenant_id, state_reached_at, id) WHERE state = 'retrying';
