-- Delivery after a crash (issue #20): a send whose outcome was never learnt (the process died
-- during it, or it timed out or got a 5xx) may have been posted. Before sending such a row
-- again, the dispatcher reads the channel's recent messages and records the row sent when its
-- message is there, so a restart later than Discord's nonce window shows nothing twice.
--
-- * send_started_at: when the earliest attempt whose outcome is unknown started (set by the
--   claim, before the request; cleared by a clear answer: sent, failed, or a 429).
-- * in_doubt_since: set by each claim to what send_started_at was before it: NULL when the row
--   was never tried or every try had a clear answer (sent without a lookup), else the instant
--   after which its message would be on the platform.
ALTER TABLE outbox_state ADD COLUMN send_started_at INTEGER;
ALTER TABLE outbox_state ADD COLUMN in_doubt_since INTEGER;

-- A message found on the platform that is another row's recorded delivery is not this row's.
CREATE INDEX outbox_state_platform_message ON outbox_state (platform_message_id)
    WHERE platform_message_id IS NOT NULL;
