-- The outbox in two tables, so claiming and recording a batch writes few pages:
--
-- * outbox_message: what to send (written once when queued; rewritten only when a cancelled or
--   waiting row is planned again). Wide (the rendered reply is ~700 bytes).
-- * outbox_state: where each message is in its life. Narrow, and clustered by the instant it
--   becomes claimable (WITHOUT ROWID, primary key (available_at, id)), so the rows one claim
--   takes, and the record of their delivery, sit together on a few pages however out of order
--   the messages were queued. Before, a batch of 100 due rows queued at different times touched
--   about 100 pages of the wide table twice.
--
-- The view `outbox` joins them back into the shape every reader knew.

CREATE TABLE outbox_message (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    dedupe_key   TEXT    NOT NULL UNIQUE,
    nonce        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('channel', 'user')),
    target_id    INTEGER NOT NULL,
    payload      TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE outbox_state (
    available_at         INTEGER NOT NULL,
    id                   INTEGER NOT NULL REFERENCES outbox_message (id) ON DELETE CASCADE,
    state                TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    lease_owner          TEXT,
    lease_until          INTEGER,
    last_error           TEXT,
    sent_at              INTEGER,
    late_ms              INTEGER,
    platform_message_id  TEXT,
    reported             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (available_at, id)
) WITHOUT ROWID;

INSERT INTO outbox_message (id, guild_id, dedupe_key, nonce, source, target_kind, target_id, payload, due_at, created_at)
SELECT id, guild_id, dedupe_key, nonce, source, target_kind, target_id, payload, due_at, created_at FROM outbox;

INSERT INTO outbox_state (available_at, id, state, attempts, lease_owner, lease_until, last_error, sent_at, late_ms, platform_message_id, reported)
SELECT available_at, id, state, attempts, lease_owner, lease_until, last_error, sent_at, late_ms, platform_message_id, reported FROM outbox;

DROP TABLE outbox;

CREATE INDEX outbox_message_source ON outbox_message (source);
CREATE INDEX outbox_message_guild ON outbox_message (guild_id);
CREATE UNIQUE INDEX outbox_state_id ON outbox_state (id);
CREATE INDEX outbox_state_pending ON outbox_state (available_at) WHERE state = 'pending';
CREATE INDEX outbox_state_leased ON outbox_state (lease_until) WHERE state = 'sending';

CREATE VIEW outbox AS
SELECT m.id, m.guild_id, m.dedupe_key, m.nonce, m.source, m.target_kind, m.target_id, m.payload, m.due_at,
       s.available_at, s.state, s.attempts, s.lease_owner, s.lease_until, s.last_error, s.sent_at, s.late_ms,
       s.platform_message_id, s.reported, m.created_at
FROM outbox_message AS m JOIN outbox_state AS s ON s.id = m.id;
