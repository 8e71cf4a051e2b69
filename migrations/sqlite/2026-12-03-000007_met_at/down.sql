ALTER TABLE followup_answers DROP COLUMN met_at;
