-- The per-client request budgets (sign-in, password reset), shared by every instance:
-- one row per bucket ("signin 203.0.113.7"), holding the bucket's theoretical arrival
-- time in unix microseconds (GCRA: a token bucket of a minute's worth of requests).
-- A row whose time has passed is a full bucket and is pruned.
CREATE TABLE rate_limit (
    bucket TEXT PRIMARY KEY,
    tat_us INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limit_tat ON rate_limit (tat_us);
