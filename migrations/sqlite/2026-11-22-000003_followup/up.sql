-- Follow-up links belong to one member of one group, so tokens gain a
-- group_members reference and the 'followup' purpose. SQLite cannot change a
-- CHECK constraint in place: the table is rebuilt.
CREATE TABLE tokens_new (
    token_hash TEXT PRIMARY KEY NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage', 'followup')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    group_member_id INTEGER REFERENCES group_members (id) ON DELETE CASCADE
);
INSERT INTO tokens_new (token_hash, participant_id, purpose, created_at, expires_at)
    SELECT token_hash, participant_id, purpose, created_at, expires_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_participant ON tokens (participant_id);
CREATE INDEX tokens_expires ON tokens (expires_at);
CREATE INDEX tokens_member ON tokens (group_member_id);

-- What one member of a group told us after their conversation.
CREATE TABLE followup_answers (
    group_member_id INTEGER PRIMARY KEY NOT NULL REFERENCES group_members (id) ON DELETE CASCADE,
    met TEXT NOT NULL CHECK (met IN ('yes', 'not_yet', 'no')),
    -- Why not, when met = 'no' (optional).
    no_reason TEXT CHECK (no_reason IN ('no_time', 'no_reply', 'other')),
    note TEXT,
    publish BOOLEAN NOT NULL DEFAULT 0,
    -- "Did it challenge your thinking?" 1 to 5, optional.
    challenged INTEGER CHECK (challenged BETWEEN 1 AND 5),
    answered_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Links to what a member shared: blog posts, social media posts, pages.
CREATE TABLE shared_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    group_member_id INTEGER NOT NULL REFERENCES group_members (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (group_member_id, url)
);
CREATE INDEX shared_links_created ON shared_links (created_at);

-- When the follow-up reminder went to this member (once at most).
ALTER TABLE group_members ADD COLUMN reminded_at TIMESTAMP;
