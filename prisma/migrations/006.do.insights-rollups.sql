-- Insights (issue 6 points 4 and 5): number health and failure heatmaps, served from rollups
-- maintained incrementally, never by scanning messages or ledger rows per view.
--
-- The rollups are an exact GROUP BY over the `message` projection, keyed by the send cohort
-- (message.created_at, in epoch-aligned buckets of the console's column widths), so a heatmap cell
-- and the message search over the same created range, sender, template, state and error code count
-- the same messages.
--
-- Write path (no hot rows): every write of a message row's rollup facts (createMessage, and
-- writeProjection in appendEvents) INSERTs its deltas (-1 for the old facts, +1 for the new) into
-- insight_delta, append-only, in the writer's transaction. The worker folds them into the rollups
-- (DELETE ... RETURNING + upsert in one statement: exactly once). Reads add the deltas not yet
-- folded, so every read is exact at its snapshot. `rollup:rebuild` recomputes a tenant from
-- `message` (server/services/insights/rebuild-rollups.ts).
--
-- Rollups and deltas are derived data: no foreign keys (the append path pays for none, and a
-- rebuild recreates them), no created/updated columns.

-- Time from the provider accepting the message to the first proof of delivery (provider time of
-- the earliest delivered/read/played status minus the first receipt of the matching acceptance),
-- kept by writeProjection for messages in a delivery state; null otherwise or when unknown.
ALTER TABLE message ADD COLUMN delivery_latency_ms integer CHECK (delivery_latency_ms >= 0);

-- Pending rollup changes. One row per changed fact set: +1 for the message's new facts, -1 for
-- its old ones. Append-only between folds (the fold deletes what it folded).
CREATE TABLE insight_delta (
  tenant_id         uuid NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  -- the message's created_at, floored to 15 minutes (UTC, from the epoch)
  bucket_start      timestamptz(3) NOT NULL,
  sender_number_id  uuid NOT NULL,
  -- '' when the message is not a template
  template_name     text NOT NULL,
  state             message_state NOT NULL,
  -- message.last_error_code, '' when none
  error_code        text NOT NULL,
  -- index into LATENCY_BUCKETS (server/domain/insights/delivery-latency.ts), -1 when none
  latency_bucket    integer NOT NULL,
  delta             integer NOT NULL CHECK (delta IN (-1, 1)),
  -- the fold takes a tenant's oldest rows first (and reads add a tenant's pending rows)
  PRIMARY KEY (tenant_id, id)
);

-- Messages per sender number, state and last error code, per bucket. Three grains, one per
-- console window's column width (ROLLUP_GRAINS in server/domain/insights/rollup.ts): 30 minutes
-- (24 h), 4 hours (7 days), 1 day (30 days), all folded from the same deltas.
CREATE TABLE insight_sender_rollup (
  tenant_id         uuid NOT NULL,
  grain_minutes     integer NOT NULL CHECK (grain_minutes IN (30, 240, 1440)),
  bucket_start      timestamptz(3) NOT NULL,
  sender_number_id  uuid NOT NULL,
  state             message_state NOT NULL,
  error_code        text NOT NULL,
  messages          integer NOT NULL,
  -- insights.senderHealth, tenantHeatmap (by sender, by error code), crossTenantHeatmap,
  -- tenantsOverview: a tenant's (or each listed tenant's) bucket range at one grain
  PRIMARY KEY (tenant_id, grain_minutes, bucket_start, sender_number_id, state, error_code)
);

-- Messages per template, state and last error code, per bucket (same grains).
CREATE TABLE insight_template_rollup (
  tenant_id         uuid NOT NULL,
  grain_minutes     integer NOT NULL CHECK (grain_minutes IN (30, 240, 1440)),
  bucket_start      timestamptz(3) NOT NULL,
  template_name     text NOT NULL,
  state             message_state NOT NULL,
  error_code        text NOT NULL,
  messages          integer NOT NULL,
  -- insights.tenantHeatmap (by template) and senderHealth's template table
  PRIMARY KEY (tenant_id, grain_minutes, bucket_start, template_name, state, error_code)
);

-- Delivered messages per sender number and time-to-delivered bucket, per bucket (same grains).
CREATE TABLE insight_latency_rollup (
  tenant_id         uuid NOT NULL,
  grain_minutes     integer NOT NULL CHECK (grain_minutes IN (30, 240, 1440)),
  bucket_start      timestamptz(3) NOT NULL,
  sender_number_id  uuid NOT NULL,
  latency_bucket    integer NOT NULL CHECK (latency_bucket >= 0),
  messages          integer NOT NULL,
  -- insights.senderHealth: the histogram (and its median) over a window
  PRIMARY KEY (tenant_id, grain_minutes, bucket_start, sender_number_id, latency_bucket)
);

-- heatmap markers: a tenant's quality/limit/account changes in a time range (all its numbers)
CREATE INDEX sender_health_event_tenant_id_provider_timestamp_idx
  ON sender_health_event (tenant_id, provider_timestamp);

-- Messages written before this migration: their rollups, as `rollup:rebuild` computes them. Their
-- time to delivered is unknown (delivery_latency_ms starts null), so they are not in the histogram.
INSERT INTO insight_sender_rollup (tenant_id, grain_minutes, bucket_start, sender_number_id, state, error_code, messages)
SELECT tenant_id, g.grain, date_bin(make_interval(mins => g.grain), created_at, timestamptz '1970-01-01 00:00:00+00'),
       sender_number_id, state, coalesce(last_error_code, ''), count(*)::int
FROM message CROSS JOIN (VALUES (30), (240), (1440)) AS g (grain)
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO insight_template_rollup (tenant_id, grain_minutes, bucket_start, template_name, state, error_code, messages)
SELECT tenant_id, g.grain, date_bin(make_interval(mins => g.grain), created_at, timestamptz '1970-01-01 00:00:00+00'),
       coalesce(template_name, ''), state, coalesce(last_error_code, ''), count(*)::int
FROM message CROSS JOIN (VALUES (30), (240), (1440)) AS g (grain)
GROUP BY 1, 2, 3, 4, 5, 6;
