-- Privileges that expire and logins that resist guessing (issue 17).
-- A user's token generation goes up with every change to their password, role or enabled
-- state; login tokens carry the generation they were issued under and API keys remember the one
-- they were created under, so everything issued before a change stops working (within the
-- authenticator's one-second cache) on every API instance, and re-enabling revives nothing.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN user_generation INTEGER NOT NULL DEFAULT 0;
-- Where a request came from (X-Forwarded-For only from trusted proxies): logins above all.
ALTER TABLE audit_logs ADD COLUMN client_address TEXT;
-- Consecutive failed logins per username ('user:NAME') and per client address ('addr:ADDRESS',
-- IPv6 by /64), shared by every API instance. Times are Unix seconds.
CREATE TABLE login_throttle (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_throttle_last_failure ON login_throttle(last_failure_at);
