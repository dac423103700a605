-- Telling the apps (issue 22): what happened to an account — its address
-- changed, it was deleted, its password changed, sessions were closed — is
-- first a row here, written in the same batch as the change, then sent to
-- the ACCOUNT_EVENTS queue after the response and re-sent by the minutely
-- cron until the queue takes it (src/auth/account-events.ts). A table of its
-- own rather than a kind of the mail outbox: an event has no recipient,
-- subject, body or stream, is never sealed, redacted nor shown in the dev
-- mailbox, and must not be counted by the mail budgets that read the outbox.
-- It holds only what the message says: the type, the account id, the time.
CREATE TABLE account_events (
  id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,                    -- account.email_changed | account.deleted | account.password_changed | session.revoked
  account_id TEXT NOT NULL,
  at INTEGER NOT NULL,                   -- when it happened (ms), as the message says
  status TEXT NOT NULL DEFAULT 'pending',-- pending | sending | sent
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  claimed_until INTEGER,                 -- a sender's lease while status = 'sending'
  sent_at INTEGER
);
CREATE INDEX account_events_due ON account_events(status, next_attempt_at);
