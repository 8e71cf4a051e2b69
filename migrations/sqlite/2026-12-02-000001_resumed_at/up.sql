-- When the person last resumed after a pause. The ghost rule counts only the
-- rounds after it, so that someone paused for silence who comes back is not
-- paused again at once for the same silent rounds.
ALTER TABLE participants ADD COLUMN resumed_at TIMESTAMP;
