-- Sending (issue 5): the tenant's request as received (idempotency), the send queue the worker
-- claims fairly across tenants, each sender number's dispatch state (adaptive throughput, pause),
-- and per-recipient pacing after pair-limit errors. See docs/decisions/006-send-queue-table.md.

-- The tenant's request as received: which key sent it and the hash that makes a repeated
-- Idempotency-Key with a different body a 409. One row per message created through sending.
CREATE TABLE send_request (
  tenant_id        uuid NOT NULL,
  message_id       uuid NOT NULL,
  -- the API key that sent it; null for a console test send
  api_key_id       uuid,
  actor_label      text NOT NULL,
  -- SHA-256 of the canonical request (server/domain/sending/send-request.ts)
  request_hash     text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  request          jsonb NOT NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES message (tenant_id, id)
);

-- Work for the dispatcher: one row per message with an attempt to make. Deleted when the
-- message needs nothing more from the pipeline. Claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE send_queue (
  tenant_id         uuid NOT NULL,
  message_id        uuid NOT NULL,
  sender_number_id  uuid NOT NULL,
  recipient         text NOT NULL,
  -- the attempt the row expects to run (a hint: the ledger decides)
  attempt           integer NOT NULL CHECK (attempt >= 1),
  -- set when attempt n got no answer (timeout): at not_before, look for a webhook before resending
  in_doubt_attempt  integer,
  not_before        timestamptz(3) NOT NULL,
  enqueued_at       timestamptz(3) NOT NULL,
  -- a worker holds the row until then; an expired lease means the worker died
  lease_until       timestamptz(3),
  leased_by         text,
  claim_count       integer NOT NULL DEFAULT 0,
  last_error        jsonb,
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES message (tenant_id, id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id)
);
-- claim: a sender's due rows, oldest first (the dispatcher walks it with LIMIT per sender)
CREATE INDEX send_queue_tenant_id_sender_number_id_not_before_idx
  ON send_queue (tenant_id, sender_number_id, not_before, enqueued_at);
-- per-recipient serialisation: is another message to this recipient in flight?
CREATE INDEX send_queue_tenant_id_sender_number_id_recipient_idx
  ON send_queue (tenant_id, sender_number_id, recipient);

-- Per sender number: the adaptive token bucket and the pause switch. Created with the first
-- queued message of the number.
CREATE TABLE sender_dispatch (
  tenant_id          uuid NOT NULL,
  sender_number_id   uuid NOT NULL,
  -- override of WAYBILL_SENDER_MAX_RATE for this number (e.g. after Meta's 1,000 mps upgrade)
  max_rate           double precision CHECK (max_rate IS NULL OR max_rate > 0),
  -- the adapted rate at rate_changed_at; null = at the maximum
  rate               double precision CHECK (rate IS NULL OR rate > 0),
  rate_changed_at    timestamptz(3),
  tokens             double precision NOT NULL DEFAULT 0,
  tokens_at          timestamptz(3),
  last_served_at     timestamptz(3),
  throttle_count     integer NOT NULL DEFAULT 0,
  last_throttled_at  timestamptz(3),
  -- paused: nothing of this number is sent until an engineer resumes it (an open alert)
  paused_at          timestamptz(3),
  paused_by          text,
  paused_reason      text,
  paused_error_code  text,
  paused_message_id  uuid,
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  updated_at         timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sender_number_id),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id) ON DELETE CASCADE
);

-- Per (sender, recipient) after a pair-limit error (131056): no message of this pair is sent
-- before next_allowed_at. Rows exist only for pairs that hit the limit; old ones are pruned.
CREATE TABLE pair_pacing (
  tenant_id         uuid NOT NULL,
  sender_number_id  uuid NOT NULL,
  recipient         text NOT NULL,
  next_allowed_at   timestamptz(3) NOT NULL,
  strikes           integer NOT NULL CHECK (strikes >= 1),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sender_number_id, recipient),
  FOREIGN KEY (tenant_id, sender_number_id) REFERENCES sender_number (tenant_id, id) ON DELETE CASCADE
);

-- in-doubt attempts: messages left in `submitting` (an attempt started, no outcome recorded)
CREATE INDEX message_tenant_id_submitting_idx ON message (tenant_id, state_reached_at)
  WHERE state = 'submitting';
