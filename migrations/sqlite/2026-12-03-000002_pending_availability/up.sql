-- The usual availability a not yet confirmed signup gave (space-separated
-- codes mon_am … fri_pm, NULL when none), taken up with the other details
-- when its link is confirmed.
ALTER TABLE pending_signups ADD COLUMN availability TEXT;
