-- Changing the account's address (issue 22): "Cambiar correo electrónico",
-- its confirmation link to the new address and its "No fui yo" link to the
-- old one. See src/auth/email-change.ts.
--
-- Why tables of their own and not one_time_tokens with a new purpose:
-- * a change carries data a token row has no column for (the old and the
--   new address), and outlives its links (Seguridad lists it; the undo
--   must know which address to put back after the confirmation spent its
--   link);
-- * the "No fui yo" link must survive everything the account's session can
--   do: a password change, "Cerrar todas las demás sesiones" and a reset
--   all spend one_time_tokens (spendAllTokens, spendTokensButResetLinks),
--   and whoever took the session could otherwise kill the owner's way back;
-- * its lifetime (7 days) is per link, not per purpose.
-- A confirmation and an undo link are told apart by `kind`, and neither can
-- be spent as a one-time token of another flow: another table, another
-- lookup.

CREATE TABLE email_changes (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  old_email TEXT NOT NULL,             -- the address when the change was asked; "No fui yo" puts it back
  new_email TEXT NOT NULL,             -- normalised as at sign-up (src/addresses/email.ts)
  status TEXT NOT NULL DEFAULT 'pending', -- pending | confirmed | cancelled | undone
  created_at INTEGER NOT NULL,
  ended_at INTEGER                     -- when it was confirmed, cancelled or undone
);
CREATE INDEX email_changes_user_created ON email_changes (user_id, created_at);

-- The links: only their SHA-256 is stored; each expires and is spent once.
CREATE TABLE email_change_links (
  token_hash TEXT PRIMARY KEY NOT NULL,
  change_id TEXT NOT NULL REFERENCES email_changes(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                  -- confirm (to the new address, 24 h) | undo (to the old one, 7 days)
  expires_at INTEGER NOT NULL
);
CREATE INDEX email_change_links_change ON email_change_links (change_id);
CREATE INDEX email_change_links_expires_at ON email_change_links (expires_at);
