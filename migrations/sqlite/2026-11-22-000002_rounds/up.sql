-- A round: everyone due, put in pairs (and perhaps one trio) at random.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- One round per key: a schedule slot ("schedule:2026-11-23T09:00:00Z") or a
    -- request ("manual:<uuid>"), so repeated triggers make one round.
    round_key TEXT NOT NULL UNIQUE,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    -- The RNG seed (u64 bits), so the pairing can be replayed.
    seed BIGINT NOT NULL,
    include_all BOOLEAN NOT NULL,
    odd_one_out TEXT NOT NULL CHECK (odd_one_out IN ('trio', 'sit_out')),
    started_at TIMESTAMP NOT NULL,
    people_due INTEGER NOT NULL,
    groups_count INTEGER NOT NULL,
    trios INTEGER NOT NULL,
    sat_out INTEGER NOT NULL,
    forced_repeats INTEGER NOT NULL,
    same_organisation_pairs INTEGER NOT NULL,
    sat_out_participant_id INTEGER REFERENCES participants (id)
);
CREATE INDEX rounds_started ON rounds (started_at);

-- Who was in which group of a round. A group is (round_id, group_number).
CREATE TABLE group_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    group_number INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    -- Nobody is in two groups of one round.
    UNIQUE (round_id, participant_id)
);
CREATE INDEX group_members_group ON group_members (round_id, group_number);
CREATE INDEX group_members_participant ON group_members (participant_id);

-- When each person was last in a group: who is due is decided from this.
ALTER TABLE participants ADD COLUMN last_round_at TIMESTAMP;

-- Which round an email belongs to (introductions), for delivery reports.
ALTER TABLE outbox ADD COLUMN round_id INTEGER REFERENCES rounds (id);
CREATE INDEX outbox_round ON outbox (round_id);
