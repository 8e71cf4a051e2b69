-- Issue 14: organisers invite each other from the console, and choose how an
-- organisation's name is shown to others.

-- An invitation to become an organiser: a one-time link, valid 72 hours.
-- Only a SHA-256 of the link's token is stored, as for every other link.
CREATE TABLE organiser_invites (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    -- Who sent it; kept (as nobody) when that organiser is removed.
    invited_by BIGINT REFERENCES organisers (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- When the link was used to set a password: it works once.
    used_at TIMESTAMP
);
CREATE INDEX organiser_invites_expires ON organiser_invites (expires_at);

-- The spelling an organiser chose for an organisation, by the organisation's
-- key (as the pairing tells organisations apart). Shown to others instead of
-- the most common spelling.
CREATE TABLE organisation_names (
    key TEXT PRIMARY KEY,
    shown TEXT NOT NULL,
    chosen_by BIGINT REFERENCES organisers (id) ON DELETE SET NULL,
    chosen_at TIMESTAMP NOT NULL
);
