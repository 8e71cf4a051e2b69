-- When the member first said they met (NULL unless `met` is 'yes'). The
-- report's "days to met" reads it: `answered_at` is the first answer of any
-- kind, which may have been "not yet".
ALTER TABLE followup_answers ADD COLUMN met_at TIMESTAMP;
UPDATE followup_answers SET met_at = updated_at WHERE met = 'yes';
