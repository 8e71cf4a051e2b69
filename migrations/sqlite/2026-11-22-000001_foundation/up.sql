-- People who signed up. A person who leaves keeps an anonymised row (status 'left',
-- personal fields erased) so that round history and the experiment's counts stay whole.
CREATE TABLE participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'left')),
    name TEXT NOT NULL,
    email TEXT,
    -- Lower-cased email: one person per address whatever the capitals.
    email_key TEXT UNIQUE,
    phone TEXT,
    organisation TEXT NOT NULL,
    google_id TEXT,
    skype TEXT,
    topics TEXT,
    cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'every_two_months', 'quarterly')),
    -- A pause with no end date lasts until the person resumes.
    paused_until DATE,
    consent_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    left_at TIMESTAMP
);
CREATE INDEX participants_status ON participants (status);

-- Secret links. Only a SHA-256 of each token is stored.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX tokens_participant ON tokens (participant_id);
CREATE INDEX tokens_expires ON tokens (expires_at);

-- Every email is written here in the same transaction as the change that causes it,
-- then sent by the delivery worker.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    participant_id INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    to_name TEXT NOT NULL,
    to_address TEXT NOT NULL,
    -- JSON array of {"name": .., "address": ..}; empty for most kinds.
    reply_to TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker that is sending a message holds it until this time; a crashed
    -- worker's hold simply runs out and the message is sent again.
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_participant ON outbox (participant_id);
