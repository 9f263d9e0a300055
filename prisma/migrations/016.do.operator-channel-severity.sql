-- Operator channels take alerts from a chosen severity up: a team usually wants critical alerts
-- in its chat at once but not one line per stalled message. The lowest level takes everything.
-- Slack-compatible webhook URLs are credentials, so `target` holds them sealed (see
-- server/services/notifications/channels.ts); email addresses stay readable.
ALTER TABLE operator_channel
  ADD COLUMN min_severity text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('info', 'warning', 'critical'));

-- A notification carries its alert's severity (the Slack layout marks it) and when it was last tried.
ALTER TABLE operator_notification
  ADD COLUMN severity text NOT NULL DEFAULT 'info',
  ADD COLUMN last_attempt_at timestamptz(3);
