-- Foundation: per-guild settings and the outbox of every message the bot sends on its own.
-- All instants are unix milliseconds, UTC.

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    timezone            TEXT    NOT NULL,
    locale              TEXT    NOT NULL,
    summary_channel     INTEGER,
    escalation_channel  INTEGER,
    updated_by          INTEGER,
    updated_at          INTEGER NOT NULL
);

-- Which Discord role stands for which position in a guild.
CREATE TABLE guild_positions (
    guild_id  INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    position  TEXT    NOT NULL,
    role_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, position)
);

CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY,
    guild_id             INTEGER NOT NULL,
    dedupe_key           TEXT    NOT NULL UNIQUE,
    nonce                TEXT    NOT NULL,
    -- What the row belongs to ("task:42"), so cancelling or moving that thing finds its rows.
    source               TEXT    NOT NULL,
    target_kind          TEXT    NOT NULL CHECK (target_kind IN ('channel', 'user')),
    target_id            INTEGER NOT NULL,
    -- The rendered reply (JSON), including the exact users and roles it may ping.
    payload              TEXT    NOT NULL,
    due_at               INTEGER NOT NULL,
    -- When the row may next be tried: the due time, or later after a transient failure.
    available_at         INTEGER NOT NULL,
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
    created_at           INTEGER NOT NULL
);

CREATE INDEX outbox_ready ON outbox (state, available_at);
CREATE INDEX outbox_source ON outbox (source, state);

-- Display names the bot has seen (users, roles, channels), so texts and the shell can show
-- names for ids.
CREATE TABLE names (
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('user', 'role', 'channel')),
    id          INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, id)
);
CREATE INDEX names_by_name ON names (guild_id, kind, name);
