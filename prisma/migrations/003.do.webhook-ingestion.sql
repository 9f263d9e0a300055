-- Webhook ingestion (issue 4): the raw inbox (every verified request, stored before the 200),
-- request-level duplicates, quarantine, orphan statuses, sender health and template history,
-- alerts, stall thresholds and samples, durable counters, and replays.
-- See docs/decisions/005-webhook-inbox-drained-in-batches.md and docs/ARCHITECTURE.md.

CREATE TYPE webhook_inbox_status AS ENUM ('pending', 'processed', 'quarantined', 'failed');
CREATE TYPE alert_status AS ENUM ('open', 'acknowledged', 'snoozed', 'resolved');

-- The raw inbox: one row per distinct verified request body. A platform table: the tenant is
-- unknown when the row is written (one request may even name several tenants). Kept lean for
-- the hot path: three indexes (primary key, body hash, pending rows). The id is a UUIDv7, so the
-- primary key is time-ordered and serves time-range scans (retention, listings) too.
CREATE TABLE webhook_inbox (
  id                   uuid PRIMARY KEY,
  -- SHA-256 of the body bytes: the same signed payload posted again is the same request
  body_sha256          bytea NOT NULL CHECK (octet_length(body_sha256) = 32),
  received_at          timestamptz(3) NOT NULL,
  -- the bytes exactly as received (signatures are over bytes); null once pruned
  body                 bytea,
  body_bytes           integer NOT NULL CHECK (body_bytes >= 0),
  -- the relevant request headers (content type, signature, user agent, forwarding)
  headers              jsonb NOT NULL,
  -- the verification result: which WHATSAPP_APP_SECRET entry matched (0 = the first, current
  -- one). Only verified requests are stored; failures are counted and logged, never stored.
  signature_key_index  integer NOT NULL CHECK (signature_key_index >= 0),
  status               webhook_inbox_status NOT NULL DEFAULT 'pending',
  -- claimable from; retries back off by moving it, replays set it to the replay time
  available_at         timestamptz(3) NOT NULL,
  -- failed processing attempts since the last success (reset by a replay)
  attempts             integer NOT NULL DEFAULT 0,
  -- successful processings (1 normally; replays add one each)
  process_count        integer NOT NULL DEFAULT 0,
  last_error           text,
  processed_at         timestamptz(3),
  -- what processing did (counts per outcome), for engineers and replays
  result               jsonb,
  -- the tenants the request named, known after processing
  tenant_ids           uuid[] NOT NULL DEFAULT '{}',
  -- re-deliveries of the same body: counted here, never processed again
  duplicate_count      integer NOT NULL DEFAULT 0,
  last_duplicate_at    timestamptz(3),
  -- the replay that queued this row again, until it is processed
  replay_id            uuid,
  body_pruned_at       timestamptz(3),
  CONSTRAINT webhook_inbox_body_sha256_key UNIQUE (body_sha256)
);
-- the drainer's claim: pending rows in arrival order (also the inbox depth and lag gauges)
CREATE INDEX webhook_inbox_pending_idx ON webhook_inbox (available_at) WHERE status = 'pending';
-- the console: requests that need attention
CREATE INDEX webhook_inbox_attention_idx ON webhook_inbox (status, id) WHERE status IN ('quarantined', 'failed');

-- Items of a verified request that could not be processed: visible, never guessed. A platform
-- table: most reasons (malformed JSON, unknown phone number) mean no tenant is known.
CREATE TABLE webhook_quarantine (
  id               uuid PRIMARY KEY,
  raw_webhook_id   uuid NOT NULL REFERENCES webhook_inbox (id) ON DELETE CASCADE,
  -- where in the body: "" for the whole body, else e.g. entry[0].changes[1].value.statuses[2]
  item_path        text NOT NULL,
  reason           text NOT NULL CHECK (reason IN (
                     'malformed_json', 'invalid_envelope', 'invalid_item', 'unknown_status',
                     'unknown_phone_number', 'waba_mismatch', 'unknown_waba', 'ambiguous_waba',
                     'unknown_sender')),
  detail           text NOT NULL,
  field            text,
  phone_number_id  text,
  waba_id          text,
  -- the offending item (null when the body itself is unreadable: it is on the raw row)
  item             jsonb,
  -- set when the tenant is known (e.g. a status Meta sent in a shape we do not accept)
  tenant_id        uuid,
  created_at       timestamptz(3) NOT NULL,
  last_seen_at     timestamptz(3) NOT NULL,
  resolved_at      timestamptz(3),
  resolution       text CHECK (resolution IN ('replayed', 'discarded')),
  resolved_by      text,
  -- processing the same request again finds the same items: idempotent
  CONSTRAINT webhook_quarantine_raw_webhook_id_item_path_reason_key UNIQUE (raw_webhook_id, item_path, reason)
);
-- the console's quarantine list: open items, newest first
CREATE INDEX webhook_quarantine_open_idx ON webhook_quarantine (created_at DESC) WHERE resolved_at IS NULL;

-- Statuses whose wamid is not known yet (sent before the send response was recorded). They wait
-- here, visibly, and join the message's ledger when provider_accepted names the wamid (the hook
-- in server/services/ledger/append-events.ts) or, after a grace period, through
-- biz_opaque_callback_data (= our message id).
CREATE TABLE webhook_orphan_status (
  tenant_id                 uuid NOT NULL REFERENCES tenant (id),
  id                        uuid NOT NULL,
  sender_number_id          uuid NOT NULL,
  provider_message_id       text NOT NULL,
  status                    text NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'played', 'failed')),
  provider_timestamp        timestamptz(3),
  biz_opaque_callback_data  text,
  -- the ledger draft to append once the message is known (attempt filled in then)
  draft                     jsonb NOT NULL,
  raw_webhook_id            uuid NOT NULL,
  item_path                 text NOT NULL,
  received_at               timestamptz(3) NOT NULL,
  attached_at               timestamptz(3),
  message_id                uuid,
  -- how it was matched: 'wamid' (send response) or 'biz_opaque_callback_data'
  attached_by               text CHECK (attached_by IN ('wamid', 'biz_opaque_callback_data')),
  discarded_at              timestamptz(3),
  discarded_by              text,
  discard_reason            text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id),
  -- one orphan per status item of a request: re-processing adds nothing
  CONSTRAINT webhook_orphan_status_tenant_id_raw_webhook_id_item_path_key UNIQUE (tenant_id, raw_webhook_id, item_path)
);
-- re-attachment when provider_accepted names the wamid
CREATE INDEX webhook_orphan_status_waiting_wamid_idx ON webhook_orphan_status (tenant_id, provider_message_id)
  WHERE attached_at IS NULL AND discarded_at IS NULL;
-- the sweep (biz_opaque_callback_data fallback, age alerts) and the console list, oldest first
CREATE INDEX webhook_orphan_status_waiting_age_idx ON webhook_orphan_status (tenant_id, received_at)
  WHERE attached_at IS NULL AND discarded_at IS NULL;

-- A sender number's health history: quality, messaging limit and account events, one row per
-- number concerned (an account_update concerns every number of the WABA).
CREATE TABLE sender_health_event (
  tenant_id           uuid NOT NULL,
  id                  uuid NOT NULL,
  sender_number_id    uuid NOT NULL,
  waba_id             text NOT NULL,
  field               text NOT NULL,
  event               text,
  provider_timestamp  timestamptz(3),
  -- the change's value as Meta sent it
  value               jsonb NOT NULL,
  -- what changed on the sender number ({} when the event was older than what is shown)
  applied             jsonb NOT NULL,
  -- identity of the event content: a re-delivery or a replay adds nothing
  dedupe_key          text NOT NULL,
  raw_webhook_id      uuid NOT NULL,
  recorded_at         timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id),
  CONSTRAINT sender_health_event_tenant_id_sender_number_id_dedupe_key_key UNIQUE (tenant_id, sender_number_id, dedupe_key)
);
-- a number's history, newest first (and "is there a newer event" when applying)
CREATE INDEX sender_health_event_tenant_id_sender_number_id_provider_timestamp_idx
  ON sender_health_event (tenant_id, sender_number_id, provider_timestamp DESC);

-- The current status of each message template of a tenant's WABA (as Meta last reported it).
CREATE TABLE message_template (
  tenant_id           uuid NOT NULL REFERENCES tenant (id),
  waba_id             text NOT NULL,
  -- Meta's message_template_id
  template_id         text NOT NULL,
  name                text,
  language            text,
  category            text,
  status              text,
  quality_score       text,
  last_event          text,
  -- provider time of the newest event applied (older events only go to the history)
  last_event_at       timestamptz(3),
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, waba_id, template_id)
);

-- Template history: status, quality and category updates.
CREATE TABLE message_template_event (
  tenant_id           uuid NOT NULL,
  id                  uuid NOT NULL,
  waba_id             text NOT NULL,
  template_id         text NOT NULL,
  field               text NOT NULL,
  event               text,
  provider_timestamp  timestamptz(3),
  value               jsonb NOT NULL,
  dedupe_key          text NOT NULL,
  raw_webhook_id      uuid NOT NULL,
  recorded_at         timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, waba_id, template_id) REFERENCES message_template (tenant_id, waba_id, template_id),
  CONSTRAINT message_template_event_tenant_id_waba_id_dedupe_key_key UNIQUE (tenant_id, waba_id, dedupe_key)
);
-- a template's history, newest first
CREATE INDEX message_template_event_tenant_id_waba_id_template_id_idx
  ON message_template_event (tenant_id, waba_id, template_id, provider_timestamp DESC);

-- Alerts, always scoped to a tenant (and a sender number when one is concerned). One open alert
-- per dedupe key: a repeat bumps `occurrences` and `last_seen_at` instead of opening another.
CREATE TABLE alert (
  tenant_id         uuid NOT NULL REFERENCES tenant (id),
  id                uuid NOT NULL,
  sender_number_id  uuid,
  kind              text NOT NULL CHECK (kind IN ('message_stalled', 'stalled_share_jump', 'orphan_statuses', 'sender_health')),
  dedupe_key        text NOT NULL,
  status            alert_status NOT NULL DEFAULT 'open',
  severity          text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title             text NOT NULL,
  details           jsonb NOT NULL DEFAULT '{}',
  message_id        uuid,
  opened_at         timestamptz(3) NOT NULL,
  last_seen_at      timestamptz(3) NOT NULL,
  occurrences       integer NOT NULL DEFAULT 1,
  acknowledged_at   timestamptz(3),
  acknowledged_by   text,
  snoozed_until     timestamptz(3),
  resolved_at       timestamptz(3),
  resolved_by       text,
  resolution        text,
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CHECK (status <> 'snoozed' OR snoozed_until IS NOT NULL)
);
-- deduplication while open: at most one unresolved alert per key
CREATE UNIQUE INDEX alert_tenant_id_dedupe_key_unresolved_key ON alert (tenant_id, dedupe_key) WHERE status <> 'resolved';
-- the console: a tenant's alerts by status, newest first
CREATE INDEX alert_tenant_id_status_opened_at_idx ON alert (tenant_id, status, opened_at DESC);
-- auto-resolve when a message moves on
CREATE INDEX alert_tenant_id_message_id_idx ON alert (tenant_id, message_id)
  WHERE message_id IS NOT NULL AND status <> 'resolved';

-- Per-tenant stall thresholds; a missing row uses STALL_THRESHOLDS_V1, a null threshold never
-- flags that state.
CREATE TABLE tenant_stall_threshold (
  tenant_id          uuid NOT NULL REFERENCES tenant (id),
  state              message_state NOT NULL CHECK (state IN ('queued', 'submitting', 'accepted', 'sent', 'retrying')),
  threshold_seconds  integer CHECK (threshold_seconds > 0),
  updated_by         text NOT NULL,
  updated_at         timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, state)
);

-- The stall sweep's share of stalled messages per tenant (sender_number_id null) and per number,
-- the baseline of the cohort alert.
CREATE TABLE stall_share_sample (
  tenant_id         uuid NOT NULL,
  id                bigint GENERATED BY DEFAULT AS IDENTITY,
  sender_number_id  uuid,
  sampled_at        timestamptz(3) NOT NULL,
  waiting           integer NOT NULL,
  stalled           integer NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- the baseline window of one tenant or number
CREATE INDEX stall_share_sample_tenant_id_sender_number_id_sampled_at_idx
  ON stall_share_sample (tenant_id, sender_number_id, sampled_at DESC);

-- The sweep finds stalled messages per tenant and state without scanning finished ones.
CREATE INDEX message_tenant_id_state_state_reached_at_idx ON message (tenant_id, state, state_reached_at)
  WHERE state IN ('queued', 'submitting', 'accepted', 'sent', 'retrying');

-- Template events and account updates name a WABA, not a number: resolve tenants by WABA.
CREATE INDEX phone_number_directory_waba_id_idx ON phone_number_directory (waba_id);

-- Durable, monotonic counters for /api/metrics, per tenant (null: no tenant known). Written once
-- per processed batch (and on the rare duplicate path), so they survive restarts and add up
-- across processes. A platform table: it holds counts for requests with no tenant.
CREATE TABLE ingest_counter (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  metric      text NOT NULL,
  tenant_id   uuid,
  value       bigint NOT NULL DEFAULT 0 CHECK (value >= 0),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ingest_counter_metric_tenant_id_key ON ingest_counter (metric, tenant_id) NULLS NOT DISTINCT;

-- Replays: an engineer re-runs processing of stored requests (one, or by filter). Each targeted
-- request is queued again; its outcome is recorded per item. Platform tables (requests span
-- tenants).
CREATE TABLE webhook_replay (
  id              uuid PRIMARY KEY,
  requested_by    text NOT NULL,
  reason          text NOT NULL,
  filter          jsonb NOT NULL,
  requested_at    timestamptz(3) NOT NULL,
  request_count   integer NOT NULL,
  is_truncated    boolean NOT NULL
);
CREATE TABLE webhook_replay_item (
  replay_id        uuid NOT NULL REFERENCES webhook_replay (id),
  raw_webhook_id   uuid NOT NULL,
  previous_status  webhook_inbox_status NOT NULL,
  previous_result  jsonb,
  status           webhook_inbox_status,
  result           jsonb,
  processed_at     timestamptz(3),
  PRIMARY KEY (replay_id, raw_webhook_id)
);
