-- The hourly sweep deletes by expiry or age across all accounts.
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE INDEX security_events_created_at ON security_events(created_at);
