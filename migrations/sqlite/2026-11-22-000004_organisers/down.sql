ALTER TABLE participants DROP COLUMN source;
DROP TABLE login_failures;
DROP TABLE admin_sessions;
DROP TABLE organisers;
