-- Mail is never lost: every mail is first a row here, written in the same
-- batch as the state that caused it, then sent (at once, and retried by the
-- minutely Cron Trigger). Replaces the dev-only dev_mail table: locally the
-- outbox is the dev mailbox.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL,                 -- the Postmark Tag: password-reset, login-link, …
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,            -- redacted once sent or expired when it holds a live link or code
  html_body TEXT NOT NULL,
  stream TEXT NOT NULL,
  holds_secret INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending', -- pending | sending | sent | failed | expired
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  claimed_until INTEGER,              -- a sender's lease while status = 'sending'
  last_error TEXT,
  message_id TEXT,                    -- Postmark's MessageID once accepted
  expires_at INTEGER,                 -- the link's expiry: not sent after it
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

DROP TABLE dev_mail;
