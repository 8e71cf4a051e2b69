DROP INDEX outbox_round;
ALTER TABLE outbox DROP COLUMN round_id;
ALTER TABLE participants DROP COLUMN last_round_at;
DROP TABLE group_members;
DROP TABLE rounds;
