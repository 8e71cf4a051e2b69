ALTER TABLE participants DROP COLUMN resumed_at;
