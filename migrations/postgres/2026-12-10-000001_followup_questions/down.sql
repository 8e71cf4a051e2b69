ALTER TABLE followup_answers DROP COLUMN new_connection;
ALTER TABLE followup_answers DROP COLUMN would_repeat;
