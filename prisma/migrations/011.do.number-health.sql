-- Number health as separate, dated facts (docs/decisions: number health derived from history).
-- sender_health_event becomes the number's whole health history: webhooks as before, plus the
-- Graph API sync, operator overrides and the state carried over from the old columns. The
-- current view (sender_health) is derived from it by versioned pure rules
-- (server/domain/number-health/), like a message's state from its ledger.

-- Meta's 2K step (TIER_2K) was shown as UNKNOWN
ALTER TYPE messaging_limit_tier ADD VALUE IF NOT EXISTS 'TIER_2K' AFTER 'TIER_1K';

ALTER TABLE sender_health_event
  ADD COLUMN source text NOT NULL DEFAULT 'webhook'
    CHECK (source IN ('webhook', 'sync', 'operator', 'migration')),
  -- operator facts: who (the reason is in the value and the audit row)
  ADD COLUMN actor text,
  -- only webhook facts come from a raw request
  ALTER COLUMN raw_webhook_id DROP NOT NULL;
ALTER TABLE sender_health_event ALTER COLUMN source DROP DEFAULT;
ALTER TABLE sender_health_event ADD CONSTRAINT sender_health_event_raw_webhook_check
  CHECK ((source = 'webhook') = (raw_webhook_id IS NOT NULL));

-- The state a number had before facts were kept, dated before its first kept fact so every kept
-- fact supersedes it. The status is carried only for numbers without history: with history, the
-- old column was the outcome of those very events (a ban), which the rules now read themselves.
INSERT INTO sender_health_event (tenant_id, id, sender_number_id, waba_id, field, event, provider_timestamp,
                                 value, applied, dedupe_key, raw_webhook_id, recorded_at, source)
SELECT s.tenant_id, gen_random_uuid(), s.id, s.waba_id, 'migration.baseline', NULL, NULL,
       jsonb_build_object('qualityRating', s.quality_rating::text, 'messagingLimitTier', s.messaging_limit_tier::text)
         || CASE WHEN EXISTS (SELECT 1 FROM sender_health_event e
                              WHERE e.tenant_id = s.tenant_id AND e.sender_number_id = s.id)
                 THEN '{}'::jsonb ELSE jsonb_build_object('status', s.status::text) END,
       '{}'::jsonb, 'migration.baseline', NULL,
       -- before every kept fact, even one Meta dated before the number was registered here
       LEAST(s.created_at, (SELECT min(COALESCE(e.provider_timestamp, e.recorded_at)) - interval '1 millisecond'
                            FROM sender_health_event e
                            WHERE e.tenant_id = s.tenant_id AND e.sender_number_id = s.id)),
       'migration'
FROM sender_number s;

-- The current health of each number, derived from its facts (rules_version says by which rules;
-- 0: carried over by this migration, re-derived by the worker at start and by the drift audit).
-- The hold columns are the time-independent part of the sending decision; the dispatcher's claim
-- applies the clock (a restriction lifts at its expiry, an override ends at its own).
CREATE TABLE sender_health (
  tenant_id             uuid NOT NULL,
  sender_number_id      uuid NOT NULL,
  rules_version         integer NOT NULL,
  -- the derived view, whole (server/domain/number-health/health-model.ts TNumberHealth)
  health                jsonb NOT NULL,
  -- a hard state: nothing is sent (banned, disabled, disconnected, token invalid)
  hard_hold_code        text,
  hard_hold_reason      text,
  -- a restriction of business-initiated messaging: template sends wait; until NULL = no expiry
  template_hold_reason  text,
  template_hold_until   timestamptz(3),
  -- an operator's override of the decision, until it expires
  override_mode         text CHECK (override_mode IN ('hold', 'send')),
  override_reason       text,
  override_by           text,
  override_until        timestamptz(3),
  -- messages per second at the number's throughput level; NULL = the worker's default
  rate_ceiling          double precision CHECK (rate_ceiling IS NULL OR rate_ceiling > 0),
  derived_at            timestamptz(3) NOT NULL,
  -- the Graph API sync: last attempt, for its round-robin and the page
  synced_at             timestamptz(3),
  PRIMARY KEY (tenant_id, sender_number_id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id) ON DELETE CASCADE,
  CHECK ((override_mode IS NULL) = (override_until IS NULL))
);
-- the sync's round-robin: numbers synced longest ago first, across tenants
CREATE INDEX sender_health_synced_at_idx ON sender_health (synced_at);

-- carried over until re-derived: the old column's hard state keeps holding (a flag no longer does)
INSERT INTO sender_health (tenant_id, sender_number_id, rules_version, health, hard_hold_code, hard_hold_reason,
                           derived_at)
SELECT s.tenant_id, s.id, 0, '{}'::jsonb,
       CASE WHEN s.status = 'DISCONNECTED' THEN 'disconnected' END,
       CASE WHEN s.status = 'DISCONNECTED' THEN 'number disconnected (DISCONNECTED)' END,
       now()
FROM sender_number s;
