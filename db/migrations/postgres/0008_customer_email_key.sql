-- Emails are compared by auth.EmailKey (Unicode canonical caseless match), which SQL
-- cannot compute: SQLite's NOCASE and lower() fold ASCII only, so "ÉMILE@" and
-- "émile@" were two accounts. The key is written by the Go code with every email; the
-- Go step of this migration (db.fillEmailKeys) fills it for existing rows. NULL until
-- then: a unique index lets any number of NULLs through, on both engines.
ALTER TABLE customer ADD COLUMN email_key TEXT;
CREATE UNIQUE INDEX customer_email_key ON customer (email_key);
