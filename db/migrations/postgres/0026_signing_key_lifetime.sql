-- The longest token lifetime (seconds) any server had in force while the key signed:
-- each server raises it before it signs with a longer one. A token keeps the exp it
-- was issued with, so a retired key verifies until its retirement plus this, then its
-- row is deleted. Keys retired before this column have it 0 and their full verify_until.
ALTER TABLE signing_key ADD COLUMN max_lifetime_s BIGINT NOT NULL DEFAULT 0;
