-- How each group was formed, for the experiment (experiment.matched_share):
-- 'random' (paired at random, as every group before the experiment, and
-- every rematch) or 'matched' (paired by shared interests).
ALTER TABLE meetings ADD COLUMN arm TEXT NOT NULL DEFAULT 'random';
