-- Newsletter subscriptions (Magento's newsletter_subscriber): one row per email address,
-- lowercased; customer_id links the row to the account of that address, if any.
-- status: 1 subscribed, 2 not active, 3 unsubscribed, 4 unconfirmed (Magento's codes).
CREATE TABLE newsletter_subscriber (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL UNIQUE,
    customer_id INTEGER REFERENCES customer (id) ON DELETE CASCADE,
    status      INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX newsletter_subscriber_customer ON newsletter_subscriber (customer_id);

-- Until now a customer's subscription was the flag on the customer row.
INSERT INTO newsletter_subscriber (email, customer_id, status, changed_at)
    SELECT lower(email), id, 1, updated_at FROM customer WHERE is_subscribed = 1;
