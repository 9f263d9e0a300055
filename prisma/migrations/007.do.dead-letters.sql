-- Dead letters (issue 6, point 6): the list of messages the pipeline gave up on, and bulk actions
-- (retry, discard) on them, each a recorded operation with a dry run frozen into its items and,
-- above WAYBILL_BULK_APPROVAL_THRESHOLD, a second engineer's approval.
-- Figures of the list queries on 1,000,000 messages: bench/RESULTS.md.

CREATE TYPE dead_letter_status AS ENUM ('open', 'retry_pending', 'acknowledged', 'discarded', 'cancelled');

-- One row per message that was ever dead-lettered: its latest dead letter and what happened since
-- (server/domain/dead-letters/dead-letter.ts). A projection of the ledger like the message's
-- state: written only by the ledger service (appendEvents) in the transaction of the events it
-- derives from, so "discarded" is always the ledger's manual_action discard (actor, reason), and
-- "acknowledged" a provider acknowledgement of a later attempt. A table of its own rather than
-- columns on message: only dead letters have a row (a few percent of messages), so the list's
-- indexes are small and its keyset scans touch nothing else, and the message row (rewritten on
-- every ledger append) gains no column or index.
CREATE TABLE dead_letter (
  tenant_id               uuid NOT NULL,
  message_id              uuid NOT NULL,
  -- copied from the message for the filters (they never change)
  sender_number_id        uuid NOT NULL,
  content_kind            text NOT NULL,
  template_name           text,
  dead_lettered_at        timestamptz(3) NOT NULL,
  dead_letter_attempt     integer NOT NULL,
  -- how many times the message was dead-lettered (2+: a retry failed again)
  episodes                integer NOT NULL CHECK (episodes >= 1),
  reason                  text NOT NULL,
  reason_class            text NOT NULL
    CHECK (reason_class IN ('permanent', 'sender', 'exhausted', 'in_doubt', 'other')),
  error_code              text,
  error_title             text,
  status                  dead_letter_status NOT NULL,
  status_at               timestamptz(3) NOT NULL,
  retry_attempt           integer,
  retried_by              text,
  acknowledged_attempt    integer,
  discarded_by            text,
  discard_reason          text,
  cancelled_by            text,
  cancel_reason           text,
  updated_at              timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES message (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id)
);
-- deadLetters.list by status (default: open), newest first, keyset on (dead_lettered_at, message_id)
CREATE INDEX dead_letter_tenant_id_status_dead_lettered_at_idx
  ON dead_letter (tenant_id, status, dead_lettered_at DESC, message_id DESC);
-- deadLetters.list without a status filter
CREATE INDEX dead_letter_tenant_id_dead_lettered_at_idx
  ON dead_letter (tenant_id, dead_lettered_at DESC, message_id DESC);
-- deadLetters.list by error code (the rare codes among many dead letters)
CREATE INDEX dead_letter_tenant_id_error_code_dead_lettered_at_idx
  ON dead_letter (tenant_id, error_code, dead_lettered_at DESC, message_id DESC);
-- deadLetters.list by sender number
CREATE INDEX dead_letter_tenant_id_sender_number_id_dead_lettered_at_idx
  ON dead_letter (tenant_id, sender_number_id, dead_lettered_at DESC, message_id DESC);

-- Messages dead-lettered before this migration: open dead letters from their last dead_lettered
-- event (the next append to each message re-derives its row from the whole ledger).
INSERT INTO dead_letter (tenant_id, message_id, sender_number_id, content_kind, template_name,
                         dead_lettered_at, dead_letter_attempt, episodes, reason, reason_class,
                         error_code, error_title, status, status_at, updated_at)
SELECT m.tenant_id, m.id, m.sender_number_id, m.content_kind, m.template_name,
       e.recorded_at, coalesce(e.attempt, 0), 1, coalesce(e.reason, 'dead-lettered'),
       CASE WHEN e.error_code IS NULL THEN (CASE WHEN e.source = 'operator' THEN 'in_doubt' ELSE 'other' END)
            WHEN e.reason LIKE 'retry budget spent%' OR e.reason LIKE 'retry window spent%' THEN 'exhausted'
            WHEN e.reason LIKE 'permanent error%' THEN 'permanent'
            WHEN e.reason LIKE 'the sender cannot send%' THEN 'sender'
            ELSE 'other' END,
       e.error_code, e.body -> 'error' ->> 'title', 'open', e.recorded_at, now()
FROM message m
CROSS JOIN LATERAL (
  SELECT * FROM message_event e
  WHERE e.tenant_id = m.tenant_id AND e.message_id = m.id AND e.type = 'dead_lettered'
  ORDER BY e.seq DESC LIMIT 1
) e
WHERE m.state = 'dead_lettered';

CREATE TYPE bulk_action_kind AS ENUM ('retry', 'discard');
CREATE TYPE bulk_action_status AS ENUM (
  -- the dry run froze the items; the engineer has not confirmed yet
  'prepared',
  'awaiting_approval', 'approved', 'rejected', 'running', 'done'
);
CREATE TYPE bulk_action_item_outcome AS ENUM ('retried', 'discarded', 'skipped', 'left_out');

-- An engineer's bulk retry or discard of dead letters. A platform table: one action may span
-- tenants (selected in the all-tenants view); its items are tenant-owned rows (bulk_action_item)
-- and `tenant_ids` names every tenant they belong to, so reading them stays tenant-scoped.
CREATE TABLE bulk_action (
  id                    uuid PRIMARY KEY,
  kind                  bulk_action_kind NOT NULL,
  status                bulk_action_status NOT NULL,
  -- the tenant page it was prepared on; null: all tenants
  scope_tenant_id       uuid REFERENCES tenant (id),
  tenant_ids            uuid[] NOT NULL,
  -- how the selection was made: explicit ids, or a filter frozen into ids at the dry run
  selection             jsonb NOT NULL,
  -- the dry run as shown (counts, tenants, warnings, skips)
  assessment            jsonb NOT NULL,
  item_count            integer NOT NULL,
  -- items excluded at confirmation (likely to fail) are left out, not counted here
  action_count          integer NOT NULL DEFAULT 0,
  reason                text,
  threshold             integer,
  needs_approval        boolean NOT NULL DEFAULT false,
  requested_by          text NOT NULL,
  requested_by_id       uuid,
  prepared_at           timestamptz(3) NOT NULL,
  requested_at          timestamptz(3),
  decided_by            text,
  decided_by_id         uuid,
  decided_at            timestamptz(3),
  decision_note         text,
  started_at            timestamptz(3),
  finished_at           timestamptz(3),
  processed_count       integer NOT NULL DEFAULT 0,
  created_at            timestamptz(3) NOT NULL DEFAULT now(),
  updated_at            timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT bulk_action_reason_check CHECK (status = 'prepared' OR reason IS NOT NULL)
);
-- deadLetters.listBulk: the latest requested operations
CREATE INDEX bulk_action_requested_at_idx ON bulk_action (requested_at DESC) WHERE requested_at IS NOT NULL;

-- One message of a bulk action, frozen at the dry run. `id` is the operation id of the ledger
-- action it causes (manual_action retry/discard), so running the action again changes nothing.
CREATE TABLE bulk_action_item (
  tenant_id         uuid NOT NULL,
  bulk_action_id    uuid NOT NULL REFERENCES bulk_action (id),
  message_id        uuid NOT NULL,
  id                uuid NOT NULL,
  -- what the dry run said: warning keys, and whether one says it will fail again
  warnings          text[] NOT NULL DEFAULT '{}',
  is_likely_to_fail boolean NOT NULL DEFAULT false,
  outcome           bulk_action_item_outcome,
  outcome_detail    text,
  -- the attempt a retry scheduled
  attempt           integer,
  processed_at      timestamptz(3),
  PRIMARY KEY (tenant_id, bulk_action_id, message_id),
  CONSTRAINT bulk_action_item_tenant_id_id_key UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES message (tenant_id, id)
);
