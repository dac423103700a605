-- The browser (its device id's hash, as in known_devices) each session runs
-- in, so that closing a session on "Seguridad" also forgets that browser:
-- it no longer counts as the owner's own. NULL for sessions started before.
ALTER TABLE sessions ADD COLUMN device_hash TEXT;
