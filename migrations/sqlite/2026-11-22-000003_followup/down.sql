ALTER TABLE group_members DROP COLUMN reminded_at;
DROP TABLE shared_links;
DROP TABLE followup_answers;
CREATE TABLE tokens_old (
    token_hash TEXT PRIMARY KEY NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO tokens_old SELECT token_hash, participant_id, purpose, created_at, expires_at FROM tokens WHERE purpose <> 'followup';
DROP TABLE tokens;
ALTER TABLE tokens_old RENAME TO tokens;
CREATE INDEX tokens_participant ON tokens (participant_id);
CREATE INDEX tokens_expires ON tokens (expires_at);
