-- An introduction queued by a round, before its first attempt: what it will
-- say (JSON), without the member's links. The delivery worker issues the
-- links and writes the bodies just before sending, then clears it.
ALTER TABLE outbox ADD COLUMN draft TEXT;
