-- Newsletter subscriptions (Magento's newsletter_subscriber): one row per address,
-- unique by auth.EmailKey (email_key, as customer.email_key); customer_id links the row
-- to the account of that address, if any. status: 1 subscribed, 2 not active,
-- 3 unsubscribed, 4 unconfirmed (Magento's codes).
CREATE TABLE newsletter_subscriber (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    email_key   TEXT UNIQUE,
    customer_id INTEGER REFERENCES customer (id) ON DELETE CASCADE,
    status      INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX newsletter_subscriber_customer ON newsletter_subscriber (customer_id);

-- Until now a customer's subscription was the flag on the customer row. The Go step
-- after the migrations (db.fillSubscriberKeys) copies the key of rows whose customer
-- had none yet.
INSERT INTO newsletter_subscriber (email, email_key, customer_id, status, changed_at)
    SELECT email, email_key, id, 1, updated_at FROM customer WHERE is_subscribed = 1;
