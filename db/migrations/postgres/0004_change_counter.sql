-- A counter bumped by every change to customer rows, so a process can tell that
-- another process changed customers and drop its in-memory copies. The trigger's
-- UPDATE holds the counter row until the changing transaction commits, so the counter
-- never moves ahead of a change another process cannot see yet.
CREATE TABLE change_counter (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO change_counter (name, seq) VALUES ('customer', 0);
CREATE FUNCTION customer_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE name = 'customer';
    RETURN NULL;
END $$;
CREATE TRIGGER customer_counted AFTER INSERT OR UPDATE OR DELETE ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_counted();
