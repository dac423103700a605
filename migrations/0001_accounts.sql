-- Users, sessions and one-time tokens for the account pages.
-- Times are Unix milliseconds. Secrets (session and one-time tokens) are
-- stored only as SHA-256 hex digests: a leaked table grants nothing.

CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  email TEXT NOT NULL UNIQUE,          -- trimmed and lower-cased
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,         -- self-describing PBKDF2 string, see src/auth/passwords.ts
  email_verified_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,        -- public handle (cuid2), never the secret
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,         -- when the person authenticated
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions(user_id);

CREATE TABLE one_time_tokens (
  id TEXT PRIMARY KEY NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,               -- 'password_reset' | 'email_verification'
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens(user_id, purpose);

-- Local development only: mails caught by the dev mailbox (/dev/mail).
-- Production never writes here (see src/mail/transport.ts).
CREATE TABLE dev_mail (
  id TEXT PRIMARY KEY NOT NULL,
  created_at INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  tag TEXT NOT NULL
);
