-- Whether a participant's partners see their phone number: asked at signup
-- and on the manage page. People who joined before the question was asked
-- never said yes, so their number is not shared until they do.
ALTER TABLE participants ADD COLUMN share_phone BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pending_signups ADD COLUMN share_phone BOOLEAN NOT NULL DEFAULT FALSE;
