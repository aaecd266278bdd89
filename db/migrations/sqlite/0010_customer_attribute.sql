-- Customer and address attributes an operator added (customer:attribute:add), their
-- options, and customers' values of them. Magento's own attributes are built in.
CREATE TABLE custom_attribute (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type   TEXT NOT NULL,
    code          TEXT NOT NULL,
    label         TEXT NOT NULL,
    frontend_input TEXT NOT NULL,
    is_required   INTEGER NOT NULL DEFAULT 0,
    sort_order    INTEGER NOT NULL DEFAULT 0,
    forms         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (entity_type, code)
) STRICT;

-- An option's id is its value, as Magento's eav_attribute_option.option_id.
CREATE TABLE custom_attribute_option (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    attribute_id INTEGER NOT NULL REFERENCES custom_attribute (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    sort_order   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX custom_attribute_option_attribute ON custom_attribute_option (attribute_id, sort_order);

CREATE TABLE customer_attribute_value (
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, code)
) STRICT;
