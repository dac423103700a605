-- Where the person was going when they asked for a mailed link (a sign-in
-- link, a confirmation, a reset): an app's URL among RETURN_ORIGINS, or a
-- page here. Checked again when used. NULL: the profile.
ALTER TABLE one_time_tokens ADD COLUMN next TEXT;
