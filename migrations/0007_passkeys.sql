-- Passkeys (WebAuthn). See src/auth/passkeys.ts and README "Passkeys".

-- The WebAuthn user handle: random, stable, never the address (authenticators
-- store it and hand it back at sign-in). Created when the account first asks
-- to register a passkey.
ALTER TABLE users ADD COLUMN webauthn_user_id TEXT;
CREATE UNIQUE INDEX users_webauthn_user_id ON users(webauthn_user_id);

CREATE TABLE passkeys (
  id TEXT PRIMARY KEY NOT NULL,               -- public handle (cuid2) for rename and delete
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL UNIQUE,         -- base64url, as the authenticator reports it
  public_key TEXT NOT NULL,                   -- COSE key, base64url
  sign_count INTEGER NOT NULL,                -- 0 for authenticators that do not count (synced passkeys)
  transports TEXT,                            -- JSON array: internal, hybrid, usb, …
  backup_eligible INTEGER NOT NULL,
  backed_up INTEGER NOT NULL,
  aaguid TEXT NOT NULL,
  name TEXT NOT NULL,                         -- readable: from the AAGUID, else browser and system; renamable
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX passkeys_user_id ON passkeys(user_id);

-- A challenge lives 5 minutes and is consumed once (DELETE … RETURNING). It
-- is bound to the browser that asked (the SHA-256 of its __Host-webauthn
-- cookie secret), to the ceremony, and for a registration to the account.
CREATE TABLE webauthn_challenges (
  challenge_hash TEXT PRIMARY KEY NOT NULL,   -- SHA-256 of the challenge the authenticator signs
  browser_hash TEXT NOT NULL,
  ceremony TEXT NOT NULL,                     -- register | sign_in
  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expires_at ON webauthn_challenges(expires_at);
