-- Login attempts, recorded before the password is checked: counting, deciding and recording an
-- attempt happen under one per-account advisory lock, so parallel requests cannot all pass the
-- throttle on the same stale count. A platform table (accounts span tenants; unknown emails too).
CREATE TABLE login_attempt (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the lower-cased email as typed (an unknown account is throttled like a known one)
  account       text NOT NULL,
  ip            text,
  attempted_at  timestamptz(3) NOT NULL,
  outcome       text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'failed', 'succeeded')),
  finished_at   timestamptz(3)
);
-- in-flight attempts and failures of one account, and of one (account, IP)
CREATE INDEX login_attempt_account_attempted_at_idx ON login_attempt (account, attempted_at DESC);
-- failures from one IP across accounts (spraying)
CREATE INDEX login_attempt_ip_attempted_at_idx ON login_attempt (ip, attempted_at DESC);

-- Sessions are JWTs; this version is copied into each at sign-in and compared on every request,
-- so disabling a user (and re-enabling) or changing a password revokes every session issued before.
ALTER TABLE app_user ADD COLUMN session_version integer NOT NULL DEFAULT 1;

-- Signed-out sessions, until they would have expired anyway: a JWT cannot be recalled, so its id
-- is refused from here on (only that session: the user's other devices stay signed in). A
-- platform table, like app_user.
CREATE TABLE revoked_session (
  session_id  uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  revoked_at  timestamptz(3) NOT NULL DEFAULT now(),
  -- after this the session is past its absolute lifetime anyway; the row may be pruned
  expires_at  timestamptz(3) NOT NULL
);
