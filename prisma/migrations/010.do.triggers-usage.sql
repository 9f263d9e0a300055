-- Business triggers, outbound webhooks and usage metering.
--
-- A tenant subscribes HTTPS endpoints to event types (message.delivered, alert.opened, ...). The
-- ledger append's trigger projector writes each event to the outbox (`trigger_event`) once per
-- message and type, and fans it out to the subscribed endpoints (`webhook_delivery`), in the
-- transaction of the state change. The worker's delivery loop signs (Standard Webhooks) and posts
-- them, retrying over about a day, and records every attempt (`webhook_attempt`). Usage is metered
-- from the `pricing` object of Meta's status webhooks, kept as columns of the ledger event, by the
-- usage projector (`usage_message`: one row per priced message).

-- Meta's pricing object of a status webhook (per-message pricing, PMP), so usage is a projector
-- over columns rather than a JSON scan. Null on every other event.
ALTER TABLE message_event
  ADD COLUMN pricing_model text,
  ADD COLUMN pricing_category text,
  ADD COLUMN pricing_type text,
  ADD COLUMN pricing_billable boolean;

-- Two new alert kinds: a tenant's endpoint disabled after failing too long, and a jump in a
-- tenant's or number's provider errors (rejections, throttling).
ALTER TABLE alert DROP CONSTRAINT alert_kind_check;
ALTER TABLE alert ADD CONSTRAINT alert_kind_check CHECK (kind IN ('message_stalled', 'stalled_share_jump',
  'orphan_statuses', 'sender_health', 'endpoint_disabled', 'provider_error_rate'));

CREATE TABLE webhook_endpoint (
  tenant_id         uuid NOT NULL REFERENCES tenant (id),
  id                uuid NOT NULL,
  url               text NOT NULL,
  description       text NOT NULL DEFAULT '',
  -- the event types it receives (server/domain/triggers/event-types.ts)
  event_types       text[] NOT NULL,
  -- optional filters: empty means every sender number / template
  sender_number_ids uuid[] NOT NULL DEFAULT '{}',
  template_names    text[] NOT NULL DEFAULT '{}',
  -- recipients are masked in payloads unless this is set
  include_full_numbers boolean NOT NULL DEFAULT false,
  is_enabled        boolean NOT NULL DEFAULT true,
  disabled_at       timestamptz(3),
  disabled_reason   text,
  -- the first failed attempt since the last success; auto-disable reads it
  failing_since     timestamptz(3),
  -- deliveries in flight to this endpoint at once (one worker process)
  max_concurrency   integer NOT NULL DEFAULT 4 CHECK (max_concurrency BETWEEN 1 AND 32),
  created_by        text NOT NULL,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Signing secrets in their own table, sealed with WAYBILL_ENCRYPTION_KEY. During a rotation the
-- previous secret keeps signing (a second signature in webhook-signature) until expires_at.
CREATE TABLE webhook_endpoint_secret (
  tenant_id   uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  id          uuid NOT NULL,
  key_id      text NOT NULL,
  ciphertext  bytea NOT NULL,
  iv          bytea NOT NULL,
  auth_tag    bytea NOT NULL,
  created_at  timestamptz(3) NOT NULL,
  expires_at  timestamptz(3),
  PRIMARY KEY (tenant_id, endpoint_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoint (tenant_id, id) ON DELETE CASCADE
);

-- The transactional outbox: one row per fired event. The dedupe key (e.g.
-- `message.delivered:<message id>`) makes firing exactly-once whatever the projector is asked
-- again (duplicates, replays, retried batches). The id is the webhook-id receivers dedupe on.
CREATE TABLE trigger_event (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  type        text NOT NULL,
  message_id  uuid,
  dedupe_key  text NOT NULL,
  payload     jsonb NOT NULL,
  occurred_at timestamptz(3) NOT NULL,
  created_at  timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, dedupe_key)
);
-- a message's timeline: the triggers it fired
CREATE INDEX trigger_event_tenant_id_message_id_idx ON trigger_event (tenant_id, message_id)
  WHERE message_id IS NOT NULL;

CREATE TYPE webhook_delivery_status AS ENUM ('pending', 'succeeded', 'failed');

-- One event to one endpoint. `failed` is dead: the schedule is spent (redeliverable by hand).
CREATE TABLE webhook_delivery (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL,
  event_id         uuid NOT NULL,
  endpoint_id      uuid NOT NULL,
  status           webhook_delivery_status NOT NULL DEFAULT 'pending',
  attempt_count    integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz(3) NOT NULL,
  -- a worker holds the delivery until then; an expired lease is taken again (crash safety)
  leased_until     timestamptz(3),
  last_attempt_at  timestamptz(3),
  last_status_code integer,
  last_error       text,
  succeeded_at     timestamptz(3),
  created_at       timestamptz(3) NOT NULL,
  updated_at       timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, event_id, endpoint_id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES trigger_event (tenant_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoint (tenant_id, id) ON DELETE CASCADE
);
-- the delivery loop's claim: per enabled endpoint, its due pending deliveries, oldest first (a
-- slow endpoint's backlog never hides another endpoint's work)
CREATE INDEX webhook_delivery_tenant_id_endpoint_id_next_attempt_at_idx
  ON webhook_delivery (tenant_id, endpoint_id, next_attempt_at) WHERE status = 'pending';
-- the console: an endpoint's deliveries, newest first
CREATE INDEX webhook_delivery_tenant_id_endpoint_id_created_at_idx
  ON webhook_delivery (tenant_id, endpoint_id, created_at DESC);

-- Every attempt: what was sent, what came back (status, the first bytes), how long, what broke.
CREATE TABLE webhook_attempt (
  tenant_id        uuid NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  delivery_id      uuid NOT NULL,
  endpoint_id      uuid NOT NULL,
  attempt          integer NOT NULL,
  started_at       timestamptz(3) NOT NULL,
  url              text NOT NULL,
  request_headers  jsonb NOT NULL,
  response_status  integer,
  response_body    text,
  latency_ms       integer NOT NULL,
  error            text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_delivery (tenant_id, id) ON DELETE CASCADE
);
-- a delivery's attempts in order
CREATE INDEX webhook_attempt_tenant_id_delivery_id_idx ON webhook_attempt (tenant_id, delivery_id, id);

-- Usage: one row per message Meta priced, counted once whatever the duplicates. `day` is the UTC
-- day of the earliest provider timestamp among the message's priced statuses, so the day never
-- depends on arrival order.
CREATE TABLE usage_message (
  tenant_id        uuid NOT NULL,
  message_id       uuid NOT NULL,
  sender_number_id uuid NOT NULL,
  day              date NOT NULL,
  priced_at        timestamptz(3) NOT NULL,
  category         text NOT NULL,
  pricing_type     text NOT NULL,
  pricing_model    text NOT NULL,
  billable         boolean NOT NULL,
  PRIMARY KEY (tenant_id, message_id)
);
-- the usage page and GET /api/v1/usage: a tenant's days
CREATE INDEX usage_message_tenant_id_day_idx ON usage_message (tenant_id, day);

-- Messages priced before this migration: counted from the ledger bodies once, here.
INSERT INTO usage_message (tenant_id, message_id, sender_number_id, day, priced_at, category, pricing_type,
                           pricing_model, billable)
SELECT DISTINCT ON (e.tenant_id, e.message_id)
       e.tenant_id, e.message_id, m.sender_number_id,
       (coalesce(e.provider_timestamp, e.recorded_at) AT TIME ZONE 'UTC')::date,
       coalesce(e.provider_timestamp, e.recorded_at),
       coalesce(e.body -> 'payload' -> 'pricing' ->> 'category', 'unknown'),
       coalesce(e.body -> 'payload' -> 'pricing' ->> 'type', 'regular'),
       coalesce(e.body -> 'payload' -> 'pricing' ->> 'pricing_model', 'PMP'),
       coalesce((e.body -> 'payload' -> 'pricing' ->> 'billable')::boolean, true)
FROM message_event e
JOIN message m ON m.tenant_id = e.tenant_id AND m.id = e.message_id
WHERE e.type IN ('status_sent', 'status_delivered', 'status_read', 'status_played')
  AND e.body -> 'payload' ? 'pricing'
ORDER BY e.tenant_id, e.message_id, coalesce(e.provider_timestamp, e.recorded_at);

-- Operator channels for platform alerts (admins configure them): a Slack-compatible incoming
-- webhook or an email address (SMTP from the worker's environment). Platform rows.
CREATE TABLE operator_channel (
  id          uuid PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('slack', 'email')),
  target      text NOT NULL,
  description text NOT NULL DEFAULT '',
  is_enabled  boolean NOT NULL DEFAULT true,
  created_by  text NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);

-- One alert change to one operator channel; retried like webhook deliveries.
CREATE TABLE operator_notification (
  id              uuid PRIMARY KEY,
  channel_id      uuid NOT NULL REFERENCES operator_channel (id) ON DELETE CASCADE,
  tenant_id       uuid,
  alert_id        uuid NOT NULL,
  change          text NOT NULL CHECK (change IN ('opened', 'resolved')),
  subject         text NOT NULL,
  body            text NOT NULL,
  status          webhook_delivery_status NOT NULL DEFAULT 'pending',
  attempt_count   integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL,
  leased_until    timestamptz(3),
  last_error      text,
  sent_at         timestamptz(3),
  created_at      timestamptz(3) NOT NULL,
  UNIQUE (channel_id, alert_id, change)
);
-- the delivery loop's claim
CREATE INDEX operator_notification_due_idx ON operator_notification (next_attempt_at) WHERE status = 'pending';
