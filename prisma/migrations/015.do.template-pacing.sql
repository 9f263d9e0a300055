-- Meta's template pacing of the deciding acceptance (the send answer's message_status): a template
-- message Meta holds for quality assessment, or whose template is paused, waits at Meta by design.
-- Written by the message projection like the state; the stall sweep and the stalled list give such
-- messages their own threshold instead of a false stall alert.
ALTER TABLE message ADD COLUMN template_pacing text
  CHECK (template_pacing IN ('held_for_quality_assessment', 'paused'));
