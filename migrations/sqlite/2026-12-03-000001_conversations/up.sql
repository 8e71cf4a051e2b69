-- From introduction to conversation: arranging a time, declining, rematching,
-- nudges and bounces (issue 11).

-- The days and half-days a person is usually free, as space-separated codes
-- (mon_am … fri_pm); NULL when they did not say.
ALTER TABLE participants ADD COLUMN availability TEXT;
-- Set when a rematch found nobody: the person must not sit out the next round.
ALTER TABLE participants ADD COLUMN first_in_line BOOLEAN NOT NULL DEFAULT 0;

-- A member who is no longer in their group: 'declined' (said they cannot take
-- part), 'bounced' (their email bounced), 'rematching' (their partner went;
-- waiting in the round's rematch pool) or 'unmatched' (nobody was found). A
-- rematched member moves to their new group, and these are cleared.
ALTER TABLE group_members ADD COLUMN left_at TIMESTAMP;
ALTER TABLE group_members ADD COLUMN left_reason TEXT
    CHECK (left_reason IN ('declined', 'bounced', 'rematching', 'unmatched'));

-- One row per group of a round: what the group arranged, and whether it was nudged.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    group_number INTEGER NOT NULL,
    -- The random room name put into `meetings.video_link`; NULL without one.
    room TEXT,
    -- When a member said "we've arranged a time", and which member.
    arranged_at TIMESTAMP,
    arranged_by INTEGER REFERENCES group_members (id),
    -- The time they agreed, in UTC, when they gave one.
    starts_at TIMESTAMP,
    -- The calendar invitation's SEQUENCE: grows with every change of time.
    sequence INTEGER NOT NULL DEFAULT 0,
    nudged_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (round_id, group_number)
);
-- Groups of rounds stored before this table existed.
INSERT INTO meetings (round_id, group_number, created_at)
SELECT DISTINCT gm.round_id, gm.group_number, r.started_at
FROM group_members gm JOIN rounds r ON r.id = gm.round_id;

-- The rematch pool: a member whose partner declined, bounced or did not reply.
CREATE TABLE rematch_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES group_members (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    reason TEXT NOT NULL CHECK (reason IN ('partner_declined', 'partner_bounced', 'partner_silent')),
    -- The group they were in when they joined the pool.
    from_group_number INTEGER NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    -- Set once: matched (with the new group's number) or given up.
    matched_at TIMESTAMP,
    to_group_number INTEGER,
    gave_up_at TIMESTAMP
);
CREATE INDEX rematch_requests_open ON rematch_requests (round_id, matched_at, gave_up_at);
CREATE INDEX rematch_requests_participant ON rematch_requests (participant_id);

-- Emails that could not be delivered to a participant.
CREATE TABLE bounces (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    outbox_id INTEGER REFERENCES outbox (id),
    -- 'refused' (a 5xx from our SMTP server), 'gave_up' (4xx for longer than
    -- email.give_up_after_hours) or 'report' (a delivery-status notification).
    source TEXT NOT NULL CHECK (source IN ('refused', 'gave_up', 'report')),
    -- The server's words (never an address).
    detail TEXT NOT NULL,
    bounced_at TIMESTAMP NOT NULL,
    -- When organisers were told of it.
    alerted_at TIMESTAMP
);
CREATE INDEX bounces_participant ON bounces (participant_id);
CREATE INDEX bounces_unalerted ON bounces (alerted_at);

-- The unguessable id in the envelope sender (bounces+{id}@domain), and the
-- calendar part of an invitation (dropped, with the body, once sent).
ALTER TABLE outbox ADD COLUMN envelope_id TEXT;
ALTER TABLE outbox ADD COLUMN calendar TEXT;
CREATE UNIQUE INDEX outbox_envelope ON outbox (envelope_id);
