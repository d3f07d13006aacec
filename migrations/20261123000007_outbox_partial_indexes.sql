-- Faster claims and records: index only the rows each query looks at, so a state change moves
-- fewer index entries and a claim reads the due rows in order without sorting them all.
DROP INDEX IF EXISTS outbox_ready;
DROP INDEX IF EXISTS outbox_source;
CREATE INDEX outbox_pending ON outbox (available_at) WHERE state = 'pending';
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE state = 'sending';
CREATE INDEX outbox_source_pending ON outbox (source) WHERE state = 'pending';
