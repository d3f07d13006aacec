-- Each claim marks its rows with a token of its own, so the dispatcher reads the batch it has
-- just claimed back in one aggregated row (one hop between sqlx's worker thread and the
-- dispatcher per batch instead of one per row). NULL on rows never claimed since.
ALTER TABLE outbox_state ADD COLUMN claim_token INTEGER;
