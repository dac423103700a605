-- Postmark's bounce webhook marks an address whose mail bounces hard (or
-- was reported as spam); the profile warns its owner. A mailed link used
-- later proves the mailbox works again and clears it.
ALTER TABLE users ADD COLUMN mail_bounced_at INTEGER;
ALTER TABLE users ADD COLUMN mail_bounce_type TEXT;
