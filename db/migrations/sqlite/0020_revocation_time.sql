-- A server loads at start only the revocations that can still refuse a token (made
-- within the longest token lifetime), and looks older ones up one user at a time.
CREATE INDEX token_revocation_time ON token_revocation (revoke_before_us);
