-- Organisers sign in to /admin with an email address and a password.
CREATE TABLE organisers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    -- argon2id, in the PHC string format.
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Signed-in sessions. Only a SHA-256 of the cookie's value is stored.
CREATE TABLE admin_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    organiser_id INTEGER NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX admin_sessions_organiser ON admin_sessions (organiser_id);

-- Failed sign-ins, to slow down guessing (per account and per address).
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_key, failed_at);
CREATE INDEX login_failures_ip ON login_failures (ip, failed_at);

-- How a participant joined: 'signup' (the web form, confirmed by email),
-- 'import' (an organiser's list, confirmed by email), or 'import_confirmed'
-- (an organiser's list whose people opted in elsewhere; the organiser vouched).
ALTER TABLE participants ADD COLUMN source TEXT NOT NULL DEFAULT 'signup'
    CHECK (source IN ('signup', 'import', 'import_confirmed'));
