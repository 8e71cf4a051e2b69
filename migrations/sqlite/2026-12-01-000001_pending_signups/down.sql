DROP TABLE pending_signups;
ALTER TABLE participants DROP COLUMN signup_email_at;
