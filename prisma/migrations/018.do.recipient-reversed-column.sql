-- The search by number on a stored column instead of an expression index, so it keeps its index
-- inside the row-level-security scope (docs/decisions/013-row-level-security.md).
--
-- Under a policy PostgreSQL evaluates the policy's condition before any condition built on a
-- function that is not LEAKPROOF, and such a condition may not be an index condition either.
-- reverse() is not LEAKPROOF, so `reverse(recipient) = $1` in a scoped transaction filtered every
-- row of the tenant instead of reading migration 005's expression index. A generated column
-- compares with text's own operators (=, ~>=~, ~<~ are LEAKPROOF), which stay index conditions.
--
-- Generated, not written by the code: every writer (the send intake, the ledger's first append,
-- the bench loaders) names its columns, and none can get the reversal wrong or forget it.
-- Adding a stored column rewrites the table once.
ALTER TABLE message
  ADD COLUMN recipient_reversed text NOT NULL GENERATED ALWAYS AS (reverse(recipient)) STORED;

-- messages.search by recipient: an exact number is equality on the reversed digits, "last digits"
-- is a prefix of them (a range with text_pattern_ops' operators), both a range scan of this index.
-- text_pattern_ops keeps the prefix indexable whatever the database's collation. It takes the
-- expression index's name (and place): the expression is no longer read by anything.
DROP INDEX message_tenant_id_recipient_reversed_idx;
CREATE INDEX message_tenant_id_recipient_reversed_idx
  ON message (tenant_id, recipient_reversed text_pattern_ops);
