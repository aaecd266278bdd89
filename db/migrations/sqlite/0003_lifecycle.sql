-- Password reset tokens (stored as sha256) and the mail outbox.
CREATE TABLE password_reset (
    token_hash  TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX password_reset_customer ON password_reset (customer_id, created_at);

-- Every message is kept; sent_at stays 0 until an SMTP server accepted it.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    template        TEXT NOT NULL,
    vars_json       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
