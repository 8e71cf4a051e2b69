DROP TABLE concerns;
DROP TABLE never_pairs;
DROP TABLE unsubscribe_links;
ALTER TABLE outbox DROP COLUMN unsubscribe_token;
DROP INDEX participants_unsubscribed;
ALTER TABLE participants DROP COLUMN still_interested_at;
ALTER TABLE participants DROP COLUMN last_seen_at;
ALTER TABLE participants DROP COLUMN unsubscribed_at;
