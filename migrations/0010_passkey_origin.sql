-- Recovery evicts (issue 17). See src/auth/password-reset.ts.

-- Where a passkey was added from, like a session's: the reset page lists the
-- account's passkeys with name, when and from where, so the owner can tell
-- hers from one an intruder added. Null for passkeys added before this.
ALTER TABLE passkeys ADD COLUMN user_agent TEXT;
ALTER TABLE passkeys ADD COLUMN city TEXT;
ALTER TABLE passkeys ADD COLUMN country TEXT;

-- What a reset closed, as JSON counts ({"sessions":2,"passkeys":1,"browsers":3}),
-- on the reset's own "password_changed" event: the review on Seguridad after
-- a reset reads its numbers from here, never from the URL.
ALTER TABLE security_events ADD COLUMN detail TEXT;
