-- The console's per-user display time zone (an IANA name such as "Europe/Berlin"); NULL shows
-- times in the browser's own zone. The console validates the name against the runtime's zone
-- database before storing it; the CHECK only bounds its length.
ALTER TABLE app_user
  ADD COLUMN time_zone text CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64);
