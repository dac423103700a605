-- Which account a mail is about (issue 22): "Descargar mis datos" lists, and
-- "Eliminar la cuenta" erases, the mails found by this, never by the
-- recipient alone — an address an account moved away from, or only asked to
-- move to, may be another person's (listing them by address told a stranger
-- whether an address had an account, and let him read and erase its owner's
-- mail history). Set when the mail is queued: the account that holds the
-- address then, or the one the mail is about when it goes elsewhere (an
-- address change's mails). Mails queued before this column are given the
-- account that holds their address now.
ALTER TABLE outbox ADD COLUMN account_id TEXT;
UPDATE outbox SET account_id = (SELECT id FROM users WHERE users.email = outbox.recipient);
CREATE INDEX outbox_account ON outbox (account_id);
