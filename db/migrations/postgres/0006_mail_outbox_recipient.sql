-- Counting recent messages of one template to one address (the limit on
-- resendConfirmationEmail) without reading the whole outbox.
CREATE INDEX mail_outbox_recipient ON mail_outbox (to_addr, template, created_at);
