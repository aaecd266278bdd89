-- Which customer each update or deletion of customer rows changed, under the
-- change_counter value it made, so a process drops just those customers from its
-- cache (RefreshCache) rather than all of them whenever any changed. A new row needs no
-- entry: no process has it cached. Each change drops the entries 10000 changes old; a
-- process further behind drops its whole cache. The counter row stays locked until the
-- changing transaction commits, so entries become visible in their seq order.
CREATE TABLE customer_change (
    seq         BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL
);
CREATE OR REPLACE FUNCTION customer_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer' RETURNING seq INTO s;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO customer_change (seq, customer_id) VALUES (s, OLD.id);
        DELETE FROM customer_change WHERE seq <= s - 10000;
    END IF;
    RETURN NULL;
END $$;
