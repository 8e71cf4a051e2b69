DROP TABLE email_changes;
-- Nobody may be left in a state the old constraint refuses.
UPDATE participants SET status = 'paused' WHERE status = 'bouncing';
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql,
    'CHECK (status IN (''pending'', ''active'', ''paused'', ''left'', ''bouncing''))',
    'CHECK (status IN (''pending'', ''active'', ''paused'', ''left''))')
WHERE type = 'table' AND name = 'participants';
PRAGMA writable_schema = RESET;
-- Changes the schema version, so that every connection reads the schema again.
CREATE TABLE bounces_down_done (id INTEGER);
DROP TABLE bounces_down_done;
