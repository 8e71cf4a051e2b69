-- Two optional yes/no questions on the follow-up form. Empty (NULL) when
-- not answered, as for answers given before the questions were asked.
-- "Would you like another conversation like this?"
ALTER TABLE followup_answers ADD COLUMN would_repeat BOOLEAN;
-- "Is this someone you would contact again about work?"
ALTER TABLE followup_answers ADD COLUMN new_connection BOOLEAN;
