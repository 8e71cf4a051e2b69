ALTER TABLE pending_signups DROP COLUMN availability;
