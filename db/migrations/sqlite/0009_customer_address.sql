-- Customer address book (Magento's customer_address_entity). The default billing and
-- shipping marks live on the addresses, at most one of each per customer (the store
-- moves them in one transaction). street holds the lines joined by a newline, as
-- Magento stores them; custom_attributes is a JSON object of operator-added attributes.
CREATE TABLE customer_address (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id       INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    firstname         TEXT NOT NULL DEFAULT '',
    lastname          TEXT NOT NULL DEFAULT '',
    middlename        TEXT NOT NULL DEFAULT '',
    prefix            TEXT NOT NULL DEFAULT '',
    suffix            TEXT NOT NULL DEFAULT '',
    company           TEXT NOT NULL DEFAULT '',
    street            TEXT NOT NULL DEFAULT '',
    city              TEXT NOT NULL DEFAULT '',
    region            TEXT NOT NULL DEFAULT '',
    region_code       TEXT NOT NULL DEFAULT '',
    region_id         INTEGER NOT NULL DEFAULT 0,
    postcode          TEXT NOT NULL DEFAULT '',
    country_id        TEXT NOT NULL DEFAULT '',
    telephone         TEXT NOT NULL DEFAULT '',
    fax               TEXT NOT NULL DEFAULT '',
    vat_id            TEXT NOT NULL DEFAULT '',
    default_billing   INTEGER NOT NULL DEFAULT 0,
    default_shipping  INTEGER NOT NULL DEFAULT 0,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_address_customer ON customer_address (customer_id, id);
