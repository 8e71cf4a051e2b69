ALTER TABLE pending_signups DROP COLUMN share_phone;
ALTER TABLE participants DROP COLUMN share_phone;
