-- Bounces (issue 11).

-- A participant may be 'bouncing': email to them does not arrive. SQLite
-- cannot change a CHECK constraint in place, and rebuilding `participants`
-- would set off the ON DELETE actions of every table that refers to it, so
-- the constraint's text is changed in the schema itself, as SQLite's
-- documentation describes for changes that leave stored rows as they are.
-- RESET makes this connection read the schema again; the CREATE TABLE
-- below changes the schema version, so every other connection does too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql,
    'CHECK (status IN (''pending'', ''active'', ''paused'', ''left''))',
    'CHECK (status IN (''pending'', ''active'', ''paused'', ''left'', ''bouncing''))')
WHERE type = 'table' AND name = 'participants';
PRAGMA writable_schema = RESET;

-- A new email address given on the manage page, waiting for its owner to
-- follow the confirmation link sent to it. Until then the old address stays.
-- A row goes with its link, and with its person.
CREATE TABLE email_changes (
    token_hash TEXT PRIMARY KEY NOT NULL REFERENCES tokens (token_hash) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_changes_participant ON email_changes (participant_id);
