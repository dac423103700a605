-- Passwordless sign-in: a login request is a one-time token (the mailed
-- link) that also carries a 6-digit code bound to the browser that asked.
ALTER TABLE one_time_tokens ADD COLUMN browser_hash TEXT;   -- SHA-256 of the asking browser's cookie secret
ALTER TABLE one_time_tokens ADD COLUMN code_hash TEXT;      -- SHA-256 of that secret + the code
ALTER TABLE one_time_tokens ADD COLUMN from_forgot INTEGER NOT NULL DEFAULT 0;
CREATE INDEX one_time_tokens_browser_hash ON one_time_tokens(browser_hash);
CREATE INDEX one_time_tokens_expires_at ON one_time_tokens(expires_at);

-- Fixed-window counters for throttling (mails per address and per IP, code
-- attempts per request). Global in D1, not per edge location.
CREATE TABLE throttles (
  key TEXT PRIMARY KEY NOT NULL,
  count INTEGER NOT NULL,
  reset_at INTEGER NOT NULL
);
CREATE INDEX throttles_reset_at ON throttles(reset_at);
