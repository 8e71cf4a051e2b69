-- Issue 14: approve the draw, then send exactly it; replay any round.

-- What the pairing engine was given for each round and what it drew (JSON,
-- ids and organisation numbers only: see `domain::draw`), and any swaps an
-- organiser made before sending. `round replay` draws again from these and
-- the round's seed.
CREATE TABLE round_inputs (
    round_id BIGINT PRIMARY KEY NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    inputs TEXT NOT NULL,
    drawn TEXT NOT NULL,
    edits TEXT NOT NULL
);

-- A draw an organiser previewed: sent as it is (with any swaps), or not at
-- all. It expires after 24 hours.
CREATE TABLE round_drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    seed BIGINT NOT NULL,
    include_all BOOLEAN NOT NULL,
    inputs TEXT NOT NULL,
    drawn TEXT NOT NULL,
    edits TEXT NOT NULL,
    created_by BIGINT REFERENCES organisers (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    round_id BIGINT REFERENCES rounds (id) ON DELETE SET NULL
);
