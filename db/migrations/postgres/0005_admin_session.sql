-- Sessions of the admin page: the cookie holds a random id, stored here as sha256.
CREATE TABLE admin_session (
    id_hash    TEXT PRIMARY KEY,
    admin_id   BIGINT NOT NULL REFERENCES admin_user (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);
