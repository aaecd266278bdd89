package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"shopauth/auth"
)

// Sign-in attempts (auth.AttemptStore): each count is one upsert or update whose WHERE
// decides whether the attempt may go on, with RETURNING telling the caller; no count is
// read first and written later, so parallel requests and other processes never pass a
// limit together. The counts of one attempt are one transaction.

// accountTable is the table whose failures_num, first_failure and lock_expires hold the
// account-wide cap of a user type (a constant, never from input).
func accountTable(userType int) string {
	if userType == auth.UserTypeAdmin {
		return "admin_user"
	}
	return "customer"
}

// Each count keeps its failures and its attempts in flight (pending). An attempt goes on
// only while failures + pending stay under the limit; a refused attempt is told apart
// afterwards as throttled or locked (the limit is reached by failures, or a lock runs)
// or busy (attempts in flight fill it: the caller waits for them to end).

// throttleBeginSQL counts a token request in flight for a name from an address, unless
// the count is full; a count whose lock is over starts again. Every counted request
// moves the lock's end, as every failure did before.
const throttleBeginSQL = `INSERT INTO token_request_log (user_name, user_type, addr, failures_count, pending, lock_expires_at)
	VALUES ($1, $2, $3, 0, 1, $5)
	ON CONFLICT (user_name, user_type, addr) DO UPDATE SET
		failures_count = CASE WHEN token_request_log.lock_expires_at <= $4 THEN 0 ELSE token_request_log.failures_count END,
		pending = CASE WHEN token_request_log.lock_expires_at <= $4 THEN 1 ELSE token_request_log.pending + 1 END,
		lock_expires_at = $5
	WHERE token_request_log.lock_expires_at <= $4 OR token_request_log.failures_count + token_request_log.pending < $6
	RETURNING failures_count`

// throttleEndSQL ends a request in flight: $4 is added to the failures ($5 = 1 forgets
// them first: a token was issued), $6 is the lock's new end when it failed (else kept).
const throttleEndSQL = `UPDATE token_request_log SET
		failures_count = CASE WHEN $5 = 1 THEN 0 ELSE failures_count END + $4,
		pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END,
		lock_expires_at = CASE WHEN $6 > lock_expires_at THEN $6 ELSE lock_expires_at END
	WHERE user_name = $1 AND user_type = $2 AND addr = $3`

// lockBeginSQL counts an attempt in flight on the lock of an account for an address,
// unless it is locked or full; a count whose window ($5: now minus the window) or lock
// is over starts again.
const lockBeginSQL = `INSERT INTO signin_lock (user_type, user_id, addr, failures_num, pending, first_failure, lock_expires)
	VALUES ($1, $2, $3, 0, 1, 0, 0)
	ON CONFLICT (user_type, user_id, addr) DO UPDATE SET
		failures_num = CASE WHEN signin_lock.lock_expires <> 0 OR signin_lock.first_failure < $5 THEN 0 ELSE signin_lock.failures_num END,
		lock_expires = 0,
		pending = signin_lock.pending + 1
	WHERE signin_lock.lock_expires <= $4
		AND CASE WHEN signin_lock.lock_expires <> 0 OR signin_lock.first_failure < $5 THEN 0 ELSE signin_lock.failures_num END
			+ signin_lock.pending < $6
	RETURNING failures_num`

// capBeginSQL is lockBeginSQL for the account-wide cap, on the account's own row.
const capBeginSQL = `UPDATE %s SET
		failures_num = CASE WHEN lock_expires <> 0 OR first_failure < $2 THEN 0 ELSE failures_num END,
		lock_expires = 0,
		attempts_pending = attempts_pending + 1
	WHERE id = $3 AND lock_expires <= $1
		AND CASE WHEN lock_expires <> 0 OR first_failure < $2 THEN 0 ELSE failures_num END + attempts_pending < $4
	RETURNING failures_num`

// BeginAttempt counts an attempt (auth.AttemptStore).
func (d *DB) BeginAttempt(ctx context.Context, a auth.Attempt) (auth.AttemptResult, error) {
	res := auth.AttemptAllowed
	now := a.Now.Unix()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		throttled := a.Throttle.MaxFailures > 0
		if throttled {
			err := tx.QueryRowContext(ctx, throttleBeginSQL, a.Name, a.UserType, a.Addr, now,
				a.Now.Add(a.Throttle.Window).Unix(), a.Throttle.MaxFailures).Scan(&n)
			if errors.Is(err, sql.ErrNoRows) {
				var failures int
				if err := tx.QueryRowContext(ctx, `SELECT failures_count FROM token_request_log
					WHERE user_name = $1 AND user_type = $2 AND addr = $3`, a.Name, a.UserType, a.Addr).Scan(&failures); err != nil {
					return err
				}
				res = auth.AttemptBusy
				if failures >= a.Throttle.MaxFailures {
					res = auth.AttemptThrottled
				}
				return nil
			}
			if err != nil {
				return err
			}
		}
		// refused undoes the counts taken so far: a locked account's request counts as a
		// failed token request (Magento's way); a busy one is not counted at all.
		refused := func(r auth.AttemptResult, undoLock bool) error {
			res = r
			if undoLock {
				if _, err := tx.ExecContext(ctx, `UPDATE signin_lock SET pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END
					WHERE user_type = $1 AND user_id = $2 AND addr = $3`, a.UserType, a.UserID, a.Addr); err != nil {
					return err
				}
			}
			if !throttled {
				return nil
			}
			failed, lockEnd := 0, int64(0)
			if r == auth.AttemptLocked {
				failed, lockEnd = 1, a.Now.Add(a.Throttle.Window).Unix()
			}
			_, err := tx.ExecContext(ctx, throttleEndSQL, a.Name, a.UserType, a.Addr, failed, 0, lockEnd)
			return err
		}
		if a.UserID == 0 || a.Lock.MaxFailures <= 0 {
			return nil
		}
		err := tx.QueryRowContext(ctx, lockBeginSQL, a.UserType, a.UserID, a.Addr, now,
			a.Now.Add(-a.Lock.Window).Unix(), a.Lock.MaxFailures).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			var lock int64
			if err := tx.QueryRowContext(ctx, `SELECT lock_expires FROM signin_lock WHERE user_type = $1 AND user_id = $2 AND addr = $3`,
				a.UserType, a.UserID, a.Addr).Scan(&lock); err != nil {
				return err
			}
			if lock > now {
				return refused(auth.AttemptLocked, false)
			}
			return refused(auth.AttemptBusy, false)
		}
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, fmt.Sprintf(capBeginSQL, accountTable(a.UserType)), now,
			a.Now.Add(-a.Cap.Window).Unix(), a.UserID, a.Cap.MaxFailures).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			var lock int64
			err := tx.QueryRowContext(ctx, `SELECT lock_expires FROM `+accountTable(a.UserType)+` WHERE id = $1`, a.UserID).Scan(&lock)
			if errors.Is(err, sql.ErrNoRows) || lock > now {
				return refused(auth.AttemptLocked, true) // locked everywhere, or the account is gone
			}
			if err != nil {
				return err
			}
			return refused(auth.AttemptBusy, true)
		}
		return err
	})
	if a.UserType == auth.UserTypeCustomer && a.UserID != 0 {
		d.cache.changedID(a.UserID)
	}
	if err != nil {
		return res, fmt.Errorf("begin attempt: %w", err)
	}
	return res, nil
}

// FailAttempt counts the attempt as a failure everywhere it was counted and locks the
// address, and the account everywhere, where the failures reach the limit. Failures
// never pass the limit (BeginAttempt keeps failures + pending under it), so exactly one
// failure reaches it and reports the new lock.
func (d *DB) FailAttempt(ctx context.Context, a auth.Attempt) (auth.FailureResult, error) {
	var res auth.FailureResult
	now := a.Now.Unix()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if a.Throttle.MaxFailures > 0 {
			if _, err := tx.ExecContext(ctx, throttleEndSQL, a.Name, a.UserType, a.Addr, 1, 0, a.Now.Add(a.Throttle.Window).Unix()); err != nil {
				return err
			}
		}
		if a.UserID == 0 || a.Lock.MaxFailures <= 0 {
			return nil
		}
		until := a.Now.Add(a.Lock.Window).Unix()
		var failures int
		var lock int64
		err := tx.QueryRowContext(ctx, `UPDATE signin_lock SET
				first_failure = CASE WHEN failures_num = 0 THEN $1 ELSE first_failure END,
				lock_expires = CASE WHEN failures_num + 1 >= $5 AND lock_expires = 0 THEN $6 ELSE lock_expires END,
				failures_num = failures_num + 1,
				pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END
			WHERE user_type = $2 AND user_id = $3 AND addr = $4
			RETURNING failures_num, lock_expires`, now, a.UserType, a.UserID, a.Addr, a.Lock.MaxFailures, until).Scan(&failures, &lock)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res.Locked = lock > now
		if res.Locked && failures == a.Lock.MaxFailures {
			res.NewlyLocked = true
			if _, err := tx.ExecContext(ctx, `UPDATE `+accountTable(a.UserType)+` SET addr_lock_until = $1
				WHERE id = $2 AND addr_lock_until < $1`, lock, a.UserID); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `UPDATE `+accountTable(a.UserType)+` SET
				first_failure = CASE WHEN failures_num = 0 THEN $1 ELSE first_failure END,
				lock_expires = CASE WHEN failures_num + 1 >= $3 AND lock_expires = 0 THEN $4 ELSE lock_expires END,
				failures_num = failures_num + 1,
				attempts_pending = CASE WHEN attempts_pending > 0 THEN attempts_pending - 1 ELSE 0 END
			WHERE id = $2 RETURNING failures_num, lock_expires`, now, a.UserID, a.Cap.MaxFailures, a.Now.Add(a.Cap.Window).Unix()).Scan(&failures, &lock)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		res.LockedEverywhere = err == nil && lock > now && failures == a.Cap.MaxFailures
		return err
	})
	if a.UserType == auth.UserTypeCustomer {
		d.cache.changedID(a.UserID)
	}
	if err != nil {
		return res, fmt.Errorf("fail attempt: %w", err)
	}
	return res, nil
}

// PasswordRight forgets the address's lock failures (Magento: a success resets the
// count) and ends the attempt in flight on the lock and the cap; the cap's failures
// stay, so the owner's sign-ins do not give an attacker new guesses.
func (d *DB) PasswordRight(ctx context.Context, a auth.Attempt) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signin_lock SET failures_num = 0, first_failure = 0,
				pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END
			WHERE user_type = $1 AND user_id = $2 AND addr = $3`, a.UserType, a.UserID, a.Addr); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE `+accountTable(a.UserType)+` SET
			attempts_pending = CASE WHEN attempts_pending > 0 THEN attempts_pending - 1 ELSE 0 END WHERE id = $1`, a.UserID)
		return err
	})
	if a.UserType == auth.UserTypeCustomer {
		d.cache.changedID(a.UserID)
	}
	return err
}

// EndThrottle ends a token request in flight whose password was right: failed counts
// a failure (a wrong second factor), clear forgets the name's failures from the address
// (a token was issued), neither gives the request back.
func (d *DB) EndThrottle(ctx context.Context, a auth.Attempt, failed, clear bool) error {
	var lockEnd int64
	if failed {
		lockEnd = a.Now.Add(a.Throttle.Window).Unix()
	}
	_, err := d.write.ExecContext(ctx, throttleEndSQL, a.Name, a.UserType, a.Addr, boolInt(failed), boolInt(clear), lockEnd)
	return err
}

// LockedAt reports whether the account's lock for addr runs past now.
func (d *DB) LockedAt(ctx context.Context, userType int, userID int64, addr string, now time.Time) (bool, error) {
	var n int
	err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM signin_lock
		WHERE user_type = $1 AND user_id = $2 AND addr = $3 AND lock_expires > $4`, userType, userID, addr, now.Unix()).Scan(&n)
	return n > 0, err
}

// Throttled reports whether name is throttled from any address: it has reached
// maxFailures failed token requests there and the lock is not over (for tests and
// diagnosis; sign-ins decide in BeginAttempt).
func (d *DB) Throttled(ctx context.Context, name string, userType int, now time.Time, maxFailures int) (bool, error) {
	var n int
	err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM token_request_log
		WHERE user_name = $1 AND user_type = $2 AND failures_count >= $3 AND lock_expires_at > $4`,
		name, userType, maxFailures, now.Unix()).Scan(&n)
	return n > 0, err
}

// ResetThrottle forgets name's failed token requests from every address (requests in
// flight stay counted until they end).
func (d *DB) ResetThrottle(ctx context.Context, name string, userType int) error {
	_, err := d.write.ExecContext(ctx, `UPDATE token_request_log SET failures_count = 0 WHERE user_name = $1 AND user_type = $2`, name, userType)
	return err
}

// clearLocks forgets every failure and lock of an account (admin unlock, completed
// reset); attempts in flight stay counted until they end.
func clearLocks(ctx context.Context, ex execer, userType int, id int64) error {
	if _, err := ex.ExecContext(ctx, `UPDATE signin_lock SET failures_num = 0, first_failure = 0, lock_expires = 0
		WHERE user_type = $1 AND user_id = $2`, userType, id); err != nil {
		return err
	}
	_, err := ex.ExecContext(ctx, `UPDATE `+accountTable(userType)+` SET failures_num = 0, first_failure = 0, lock_expires = 0,
		addr_lock_until = 0 WHERE id = $1`, id)
	return err
}
