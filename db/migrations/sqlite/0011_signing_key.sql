-- Asymmetric token signing keys (shopauth/token/algorithm EdDSA or ES256). The key
-- with verify_until NULL signs; an older one still verifies tokens until verify_until
-- (unix seconds: its rotation time plus the longest token lifetime), so rotating signs
-- nobody out. private_key is PKCS#8 PEM, as secret as crypt/key. created_us orders keys.
CREATE TABLE signing_key (
    kid          TEXT PRIMARY KEY,
    alg          TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    created_us   INTEGER NOT NULL,
    verify_until INTEGER
) STRICT;
