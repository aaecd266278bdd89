-- Core tables: settings, customers, token revocation, token-request throttle, audit log.
CREATE TABLE config (
    path  TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    seq   INTEGER NOT NULL
) STRICT;

CREATE TABLE customer (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    email            TEXT NOT NULL COLLATE NOCASE UNIQUE,
    firstname        TEXT NOT NULL,
    lastname         TEXT NOT NULL,
    middlename       TEXT NOT NULL DEFAULT '',
    prefix           TEXT NOT NULL DEFAULT '',
    suffix           TEXT NOT NULL DEFAULT '',
    dob              TEXT NOT NULL DEFAULT '',
    taxvat           TEXT NOT NULL DEFAULT '',
    gender           INTEGER NOT NULL DEFAULT 0,
    is_subscribed    INTEGER NOT NULL DEFAULT 0,
    allow_assistance INTEGER NOT NULL DEFAULT 0,
    group_id         INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    password_hash    TEXT NOT NULL DEFAULT '',
    confirmation     TEXT NOT NULL DEFAULT '',
    failures_num     INTEGER NOT NULL DEFAULT 0,
    first_failure    INTEGER NOT NULL DEFAULT 0,
    lock_expires     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Tokens issued at or before revoke_before_us (unix microseconds) are rejected.
CREATE TABLE token_revocation (
    user_type        INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    revoke_before_us INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    PRIMARY KEY (user_type, user_id)
) STRICT;
CREATE INDEX token_revocation_seq ON token_revocation (seq);

-- Magento's oauth_token_request_log: failed token requests per username string.
CREATE TABLE token_request_log (
    user_name       TEXT NOT NULL,
    user_type       INTEGER NOT NULL,
    failures_count  INTEGER NOT NULL,
    lock_expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_name, user_type)
) STRICT;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  INTEGER NOT NULL,
    event       TEXT NOT NULL,
    admin_id    INTEGER NOT NULL DEFAULT 0,
    customer_id INTEGER NOT NULL DEFAULT 0,
    username    TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_customer ON audit_log (customer_id, id);
CREATE INDEX audit_log_admin ON audit_log (admin_id, id);
CREATE INDEX audit_log_event ON audit_log (event, id);
