-- PostgreSQL twin of sqlite/0007_signin_attempts.sql (BIGINT for every integer).
-- Sign-in attempts are counted per client address (an IPv6 client by its /64) before
-- the password is checked (issue 14 items 2 and 3), so wrong passwords from one address
-- do not keep the owner out from another.
--
-- Each count has its failures and its attempts in flight (pending): an attempt may be
-- checked only while failures + pending stay under the limit, so parallel requests get
-- exactly as many checks as the limit allows, and a right password waits for the ones
-- in flight instead of being refused.
--
-- The token-request throttle gets the address in its key. Its rows are short-lived
-- counts (at most oauth/authentication_lock/timeout), so the old table is not copied.
DROP TABLE token_request_log;
CREATE TABLE token_request_log (
    user_name       TEXT NOT NULL,
    user_type       BIGINT NOT NULL,
    addr            TEXT NOT NULL,
    failures_count  BIGINT NOT NULL,
    pending         BIGINT NOT NULL,
    lock_expires_at BIGINT NOT NULL,
    PRIMARY KEY (user_name, user_type, addr)
);

-- Magento's account lock (lockout_failures within lockout_threshold), per account and
-- client address. The failures_num, first_failure and lock_expires columns of customer
-- and admin_user now count every address together: the account-wide cap, with
-- attempts_pending its attempts in flight.
CREATE TABLE signin_lock (
    user_type     BIGINT NOT NULL,
    user_id       BIGINT NOT NULL,
    addr          TEXT NOT NULL,
    failures_num  BIGINT NOT NULL,
    pending       BIGINT NOT NULL,
    first_failure BIGINT NOT NULL,
    lock_expires  BIGINT NOT NULL,
    PRIMARY KEY (user_type, user_id, addr)
);

-- The latest end of any per-address lock of the account, so checking a token needs no
-- look at signin_lock unless some address is locked.
ALTER TABLE customer ADD COLUMN addr_lock_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE admin_user ADD COLUMN addr_lock_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customer ADD COLUMN attempts_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE admin_user ADD COLUMN attempts_pending BIGINT NOT NULL DEFAULT 0;
