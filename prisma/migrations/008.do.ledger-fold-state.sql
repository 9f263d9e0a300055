-- The batched ledger append's fold state (docs/decisions, "fold state"): what the derivation needs
-- to go on from a message's last event, plus the chain's head, kept on the message row and
-- rewritten in the same statement as the rest of the projection. NULL (every row written before
-- this migration) means "take the full path once": the append loads the chain, derives, and
-- stores the state, so no backfill is needed.
ALTER TABLE message ADD COLUMN fold_state jsonb;
