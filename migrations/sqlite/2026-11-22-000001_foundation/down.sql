DROP TABLE outbox;
DROP TABLE tokens;
DROP TABLE participants;
