-- Account safety: where and how each session started, the devices an
-- account has signed in from, and a security activity log.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password'; -- password | link | code | verification | reset
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN city TEXT;
ALTER TABLE sessions ADD COLUMN country TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;

-- A device is a browser holding our long-lived `device` cookie; only the
-- SHA-256 of its random value is stored. Used for "nuevo inicio de sesión".
CREATE TABLE known_devices (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_hash)
);

-- "Actividad de seguridad": never passwords, tokens or codes. Kept 90 days.
CREATE TABLE security_events (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type TEXT NOT NULL,       -- see src/auth/activity.ts
  method TEXT,              -- for sign-ins: password | link | code | verification | reset
  created_at INTEGER NOT NULL,
  ip TEXT,
  user_agent TEXT,
  city TEXT,
  country TEXT
);
CREATE INDEX security_events_user_created ON security_events(user_id, created_at);
