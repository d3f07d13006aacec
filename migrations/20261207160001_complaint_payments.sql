-- Money paid on complaints, as events (#16): a refund or compensation is recorded when it is
-- paid, in the currency it was paid in, and stays when the complaint is reopened (before, the
-- reopen set outcome and amount_cents to NULL and the month's refunds dropped to 0.00).

CREATE TABLE complaint_payments (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    -- refund, partial-refund or compensation.
    outcome       TEXT    NOT NULL,
    amount_cents  INTEGER NOT NULL,
    -- ISO code; '' = the server's default currency (defaults.currency) when it was recorded
    -- before currencies were kept.
    currency      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX complaint_payments_by_guild ON complaint_payments (guild_id, at);
CREATE INDEX complaint_payments_by_complaint ON complaint_payments (complaint_id);

-- The payments of complaints resolved before this migration, in the currency of the guild's
-- shops on the complaint's platform when they agree on one.
INSERT INTO complaint_payments (complaint_id, guild_id, at, outcome, amount_cents, currency)
SELECT c.id, c.guild_id, c.resolved_at, c.outcome, c.amount_cents,
       COALESCE((SELECT MIN(s.currency) FROM shops s
                 WHERE s.guild_id = c.guild_id AND s.platform = c.platform
                 HAVING COUNT(DISTINCT s.currency) = 1), '')
FROM complaints c
WHERE c.status = 'resolved' AND c.amount_cents IS NOT NULL AND c.resolved_at IS NOT NULL
  AND c.outcome IN ('refund', 'partial-refund', 'compensation');
