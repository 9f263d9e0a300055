-- The console (issue 6): message search indexes, and disputes (a mutable status row per dispute
-- plus an append-only trail of its notes). Every index names the query it serves
-- (server/db/queries/messages.ts, server/db/queries/disputes.ts) and leads with tenant_id: search
-- pages are always inside one tenant, and the all-tenants view runs the same per-tenant query
-- once per visible tenant (a LATERAL join), so no index needs to span tenants.
-- Figures for each query on 1,000,000 messages: bench/RESULTS.md.

-- messages.search by recipient: an exact number is equality on the reversed digits, "last digits"
-- is a prefix of them (`reverse(recipient) LIKE '7654%'`), both a range scan of this index. An
-- expression index rather than a generated column: nothing to mirror in schema.prisma, and
-- text_pattern_ops keeps the LIKE prefix indexable whatever the database's collation.
CREATE INDEX message_tenant_id_recipient_reversed_idx
  ON message (tenant_id, reverse(recipient) text_pattern_ops);
-- messages.search by sender number, newest (or oldest) first, keyset on (created_at, id)
CREATE INDEX message_tenant_id_sender_number_id_created_at_idx
  ON message (tenant_id, sender_number_id, created_at DESC);
-- messages.search by template, newest (or oldest) first
CREATE INDEX message_tenant_id_template_name_created_at_idx
  ON message (tenant_id, template_name, created_at DESC) WHERE template_name IS NOT NULL;
-- messages.search by error code (the message's last error), newest (or oldest) first
CREATE INDEX message_tenant_id_last_error_code_created_at_idx
  ON message (tenant_id, last_error_code, created_at DESC) WHERE last_error_code IS NOT NULL;
-- (messages.search by wamid uses message_provider_id's primary key (tenant_id, provider_message_id);
-- by state and time range, message_tenant_id_state_created_at_idx from migration 002.)
-- messages.timeline and the evidence export: every wamid of one message (the primary key is by
-- wamid; without this, listing a message's wamids scans the tenant's rows: 20 ms at 120k, bench)
CREATE INDEX message_provider_id_tenant_id_message_id_idx ON message_provider_id (tenant_id, message_id);

CREATE TYPE dispute_status AS ENUM ('open', 'resolved');
-- what the evidence showed: delivered (it reached the recipient), not_delivered, inconclusive,
-- withdrawn (the tenant dropped the claim)
CREATE TYPE dispute_outcome AS ENUM ('delivered', 'not_delivered', 'inconclusive', 'withdrawn');
CREATE TYPE dispute_note_kind AS ENUM ('opened', 'note', 'outcome', 'resolved');

-- A tenant's claim about one message ("my customer never got it"), worked by support. The row is
-- the current status; its history is dispute_note, and every action is also an annotation on the
-- message's ledger, so the timeline and the evidence export show it.
CREATE TABLE dispute (
  tenant_id            uuid NOT NULL REFERENCES tenant (id),
  id                   uuid NOT NULL,
  message_id           uuid NOT NULL,
  -- the helpdesk ticket the claim came in on (e.g. ZD-4821)
  ticket_ref           text NOT NULL CHECK (length(ticket_ref) BETWEEN 1 AND 120 AND ticket_ref = btrim(ticket_ref)),
  status               dispute_status NOT NULL DEFAULT 'open',
  outcome              dispute_outcome,
  outcome_summary      text,
  opened_by            text NOT NULL,
  opened_at            timestamptz(3) NOT NULL,
  outcome_recorded_by  text,
  outcome_recorded_at  timestamptz(3),
  resolved_by          text,
  resolved_at          timestamptz(3),
  note_count           integer NOT NULL DEFAULT 0,
  created_at           timestamptz(3) NOT NULL DEFAULT now(),
  updated_at           timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES message (tenant_id, id),
  -- resolved exactly when it has a resolution time, and never without an outcome
  CONSTRAINT dispute_resolved_check CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CONSTRAINT dispute_outcome_before_resolve_check CHECK (status = 'open' OR outcome IS NOT NULL)
);
-- disputes.open: one open dispute per message (a second one is a CONFLICT, even under a race)
CREATE UNIQUE INDEX dispute_tenant_id_message_id_open_key ON dispute (tenant_id, message_id)
  WHERE status = 'open';
-- disputes.forMessage and the search's "disputed" flag: a message's disputes
CREATE INDEX dispute_tenant_id_message_id_idx ON dispute (tenant_id, message_id, opened_at DESC);
-- disputes.list filtered by status, newest first (keyset on opened_at, id)
CREATE INDEX dispute_tenant_id_status_opened_at_idx ON dispute (tenant_id, status, opened_at DESC, id DESC);
-- disputes.list without a status filter, newest first
CREATE INDEX dispute_tenant_id_opened_at_idx ON dispute (tenant_id, opened_at DESC, id DESC);
-- disputes.list by ticket reference (exact)
CREATE INDEX dispute_tenant_id_ticket_ref_idx ON dispute (tenant_id, ticket_ref);

-- Everything said and decided on a dispute, in order. Append-only (trigger below).
CREATE TABLE dispute_note (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL,
  dispute_id       uuid NOT NULL,
  kind             dispute_note_kind NOT NULL,
  author           text NOT NULL,
  body             text NOT NULL,
  -- set on kind = 'outcome' and 'resolved': the outcome at that moment
  outcome          dispute_outcome,
  -- the annotation this note appended to the message's ledger
  ledger_event_id  uuid NOT NULL,
  created_at       timestamptz(3) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, dispute_id) REFERENCES dispute (tenant_id, id),
  FOREIGN KEY (tenant_id, ledger_event_id) REFERENCES message_event (tenant_id, id)
);
-- disputes.forMessage: a dispute's notes in order
CREATE INDEX dispute_note_tenant_id_dispute_id_created_at_idx ON dispute_note (tenant_id, dispute_id, created_at);

CREATE TRIGGER dispute_note_append_only BEFORE UPDATE OR DELETE ON dispute_note
  FOR EACH ROW EXECUTE FUNCTION waybill_reject_mutation();
CREATE TRIGGER dispute_note_no_truncate BEFORE TRUNCATE ON dispute_note
  FOR EACH STATEMENT EXECUTE FUNCTION waybill_reject_mutation();
