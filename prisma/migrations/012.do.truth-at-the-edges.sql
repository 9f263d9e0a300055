-- Truth at the edges: failures Meta reports by webhook become dead letters with their class,
-- tenants choose whether temporary webhook-reported failures are resent, numbers and the app get
-- timed cool-downs and circuit breakers instead of per-message backoff, sends wait (held) while
-- their template is paused, and the customer-service window and marketing opt-outs are read from
-- Meta's own webhooks (times and flags only, never message content).

-- a temporary failure reported by webhook that was not resent on its own (tenant policy, budget)
ALTER TABLE dead_letter DROP CONSTRAINT dead_letter_reason_class_check;
ALTER TABLE dead_letter ADD CONSTRAINT dead_letter_reason_class_check
  CHECK (reason_class IN ('permanent', 'sender', 'exhausted', 'in_doubt', 'transient', 'other'));

-- A tenant's sending policy; no row = the defaults (server/domain/sending/async-failure.ts):
-- temporary failures reported by webhook are resent, except for marketing templates (a second
-- marketing message to someone who may have received the first costs quality and money), and an
-- authentication template is not retried past its time to live (a late one-time code is worse
-- than none).
CREATE TABLE tenant_send_policy (
  tenant_id                         uuid PRIMARY KEY REFERENCES tenant (id),
  retry_async_transient_marketing   boolean NOT NULL DEFAULT false,
  retry_async_transient_other       boolean NOT NULL DEFAULT true,
  auth_template_ttl_seconds         integer NOT NULL DEFAULT 600 CHECK (auth_template_ttl_seconds > 0),
  updated_by                        text NOT NULL,
  updated_at                        timestamptz(3) NOT NULL DEFAULT now()
);

-- A timed number-level cool-down (131048 spam rate limit, 131064 template misclassification):
-- the number sends again by itself at cooldown_until, unlike a pause, which waits for an engineer.
ALTER TABLE sender_dispatch
  ADD COLUMN cooldown_until      timestamptz(3),
  ADD COLUMN cooldown_reason     text,
  ADD COLUMN cooldown_error_code text;

-- Circuit breakers above the number: code 4 (the app's Graph call rate, shared by every tenant:
-- scope 'app') and 80007 (a WhatsApp Business Account's rate: scope 'waba', key the WABA id).
-- A platform table: the app is one for the whole platform. While open_until is ahead, the
-- dispatcher sends nothing in that scope, instead of backing off message by message.
CREATE TABLE provider_circuit (
  scope        text NOT NULL CHECK (scope IN ('app', 'waba')),
  scope_key    text NOT NULL,
  open_until   timestamptz(3) NOT NULL,
  opened_at    timestamptz(3) NOT NULL,
  trips        integer NOT NULL DEFAULT 1,
  error_code   text NOT NULL,
  reason       text NOT NULL,
  updated_at   timestamptz(3) NOT NULL,
  PRIMARY KEY (scope, scope_key)
);

-- A send held at dispatch (its template is PAUSED or DISABLED at Meta): the row stays queued with
-- the reason, and is released when the template is active again.
ALTER TABLE send_queue ADD COLUMN held_reason text;

-- What Meta's webhooks tell about a (sender number, user) pair: when the user last wrote (the
-- 24-hour customer-service window opens there; the time only, never the content) and their
-- marketing preference (user_preferences webhooks).
CREATE TABLE recipient_contact (
  tenant_id               uuid NOT NULL,
  sender_number_id        uuid NOT NULL,
  recipient               text NOT NULL,
  last_inbound_at         timestamptz(3),
  marketing_opted_out     boolean NOT NULL DEFAULT false,
  marketing_preference_at timestamptz(3),
  updated_at              timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, sender_number_id, recipient),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id)
);

-- Statuses for messages Waybill never sent (another app on the WABA, WhatsApp Manager): after the
-- grace period they are classed foreign, counted per number and kept visible, not alerted on.
ALTER TABLE webhook_orphan_status ADD COLUMN foreign_at timestamptz(3);
-- foreign statuses per number (the operations and health views)
CREATE INDEX webhook_orphan_status_tenant_id_sender_number_id_foreign_at_idx
  ON webhook_orphan_status (tenant_id, sender_number_id, foreign_at) WHERE foreign_at IS NOT NULL;
