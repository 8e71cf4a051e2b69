-- When the signup form last caused an email to this address. A repeat signup
-- sooner than signup.repeat_email_minutes after it sends nothing, so that the
-- form cannot be used to flood someone's inbox.
ALTER TABLE participants ADD COLUMN signup_email_at TIMESTAMP;

-- What each signup of a not yet confirmed address submitted, tied to the
-- confirmation link it was sent. Nothing here reaches the participant until
-- that very link is confirmed, so a later signup of the same address (by
-- anyone) cannot change what an earlier link confirms. A row goes with its
-- link, and with its person.
CREATE TABLE pending_signups (
    token_hash TEXT PRIMARY KEY NOT NULL REFERENCES tokens (token_hash) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    organisation TEXT NOT NULL,
    google_id TEXT,
    skype TEXT,
    topics TEXT,
    cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'every_two_months', 'quarterly')),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_signups_participant ON pending_signups (participant_id);
