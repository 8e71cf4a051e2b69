-- Issue 13: one-click unsubscribe, never-pair rules and concerns, and asking
-- inactive people whether they are still interested.

-- When the person used a List-Unsubscribe link: no email goes to them
-- (except ones they ask for themselves) until they resume.
ALTER TABLE participants ADD COLUMN unsubscribed_at TIMESTAMP;
-- The last time the person opened one of their own links (at most once a
-- day is recorded): with the last round, what makes someone active.
ALTER TABLE participants ADD COLUMN last_seen_at TIMESTAMP;
-- When the person was asked whether they are still interested; cleared when
-- they answer or come back.
ALTER TABLE participants ADD COLUMN still_interested_at TIMESTAMP;
CREATE INDEX participants_unsubscribed ON participants (unsubscribed_at);

-- The raw unsubscribe token of an email that is still to be sent, for its
-- List-Unsubscribe header; cleared once the email is sent.
ALTER TABLE outbox ADD COLUMN unsubscribe_token TEXT;

-- List-Unsubscribe links, stored hashed: one per email sent to a person.
CREATE TABLE unsubscribe_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX unsubscribe_links_participant ON unsubscribe_links (participant_id);
CREATE INDEX unsubscribe_links_expires ON unsubscribe_links (expires_at);

-- Two people who are never put in the same group: one asked not to meet the
-- other again ('avoid'), reported a problem ('report'), or an organiser set
-- it ('organiser'). Stored with the smaller id first.
CREATE TABLE never_pairs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    low_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    high_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('avoid', 'report', 'organiser')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (low_id, high_id),
    CHECK (low_id < high_id)
);
CREATE INDEX never_pairs_high ON never_pairs (high_id);

-- A problem with an introduction, told to the organisers by one member of
-- the group about another.
CREATE TABLE concerns (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    about_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    concern TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    dealt_with_at TIMESTAMP,
    dealt_with_by BIGINT REFERENCES organisers (id) ON DELETE SET NULL
);
CREATE INDEX concerns_open ON concerns (dealt_with_at);
CREATE INDEX concerns_reporter ON concerns (reporter_id);
CREATE INDEX concerns_about ON concerns (about_id);
