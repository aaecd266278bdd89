-- A counter bumped by every change to customer rows, so a process can tell that
-- another process changed customers and drop its in-memory copies.
CREATE TABLE change_counter (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (name, seq) VALUES ('customer', 0);
CREATE TRIGGER customer_insert_counted AFTER INSERT ON customer
BEGIN UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer'; END;
CREATE TRIGGER customer_update_counted AFTER UPDATE ON customer
BEGIN UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer'; END;
CREATE TRIGGER customer_delete_counted AFTER DELETE ON customer
BEGIN UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer'; END;
