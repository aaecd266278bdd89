-- Which customer each update or deletion of customer rows changed, under the
-- change_counter value it made, so a process drops just those customers from its
-- cache (RefreshCache) rather than all of them whenever any changed. A new row needs no
-- entry: no process has it cached. Each change drops the entries 10000 changes old; a
-- process further behind drops its whole cache.
CREATE TABLE customer_change (
    seq         INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL
) STRICT;
DROP TRIGGER customer_update_counted;
DROP TRIGGER customer_delete_counted;
CREATE TRIGGER customer_update_counted AFTER UPDATE ON customer
BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer';
    INSERT INTO customer_change (seq, customer_id) SELECT seq, OLD.id FROM change_counter WHERE name = 'customer';
    DELETE FROM customer_change WHERE seq <= (SELECT seq FROM change_counter WHERE name = 'customer') - 10000;
END;
CREATE TRIGGER customer_delete_counted AFTER DELETE ON customer
BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer';
    INSERT INTO customer_change (seq, customer_id) SELECT seq, OLD.id FROM change_counter WHERE name = 'customer';
    DELETE FROM customer_change WHERE seq <= (SELECT seq FROM change_counter WHERE name = 'customer') - 10000;
END;
