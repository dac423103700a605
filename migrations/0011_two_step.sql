-- Two-step sign-in (issue 21). See src/auth/two-step.ts and src/auth/second-step.ts.

-- The authenticator app's secret cannot be hashed (the server must compute
-- the code): it is stored sealed (AES-GCM, key from SECRET_KEY, the user id
-- as associated data). `two_step_secret` is set while two-step is on;
-- `two_step_pending_secret` holds a secret being set up, until a first code
-- proves the app has it. `two_step_last_step` is the last TOTP time step
-- accepted: a code is taken only for a later step, so each is used once.
ALTER TABLE users ADD COLUMN two_step_secret TEXT;
ALTER TABLE users ADD COLUMN two_step_pending_secret TEXT;
ALTER TABLE users ADD COLUMN two_step_last_step INTEGER NOT NULL DEFAULT 0;

-- How many factors started a session, as apps are told it (`aal`, Supabase's
-- name): 1 for one (password, link, code, confirmation, reset), 2 for a
-- passkey or a sign-in through the second step.
ALTER TABLE sessions ADD COLUMN aal INTEGER NOT NULL DEFAULT 1;

-- "No volver a pedir en este dispositivo durante 30 días": until when this
-- known browser skips the second step for this account. Ended everywhere by a
-- new password, a reset, "Cerrar todas las demás sesiones" and turning
-- two-step off.
ALTER TABLE known_devices ADD COLUMN second_step_skipped_until INTEGER;

-- Recovery codes: only their SHA-256 (with the user id), each spent once.
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
);

-- A first step proven (password, link, code, confirmation, reset) on an
-- account with two-step on: held by one browser (a __Host- cookie holding a
-- random secret; only its hash here), for 5 minutes, spent by the second.
CREATE TABLE second_steps (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  method TEXT NOT NULL,
  device_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX second_steps_expires_at ON second_steps (expires_at);
