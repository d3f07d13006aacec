-- Fixed activities: scheduled reminders to a position's (or a role's) members in a channel,
-- with lead times, a "Got it" acknowledgement, checklists, days skipped by hand, and the
-- guild's holidays and big-sale days. All instants are unix milliseconds, UTC.

-- AUTOINCREMENT: an id is never reused, because the outbox dedupe keys of reminders name it.
CREATE TABLE activities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    -- As typed; parsed by domain::schedule and read in the guild's time zone.
    schedule    TEXT    NOT NULL,
    -- NULL: the guild's summary channel (silent, with a logged warning, while there is none).
    channel_id  INTEGER,
    -- Who is pinged: a position (its role from /setup) or a role, exactly one.
    position    TEXT,
    role_id     INTEGER,
    -- Minutes before each occurrence, longest first, comma separated: "1080,0".
    leads       TEXT    NOT NULL,
    message     TEXT,
    -- JSON array of checklist lines.
    checklist   TEXT    NOT NULL DEFAULT '[]',
    holidays    TEXT    NOT NULL DEFAULT 'fire' CHECK (holidays IN ('fire', 'skip', 'note')),
    paused      INTEGER NOT NULL DEFAULT 0,
    removed     INTEGER NOT NULL DEFAULT 0,
    -- Created from the shipped defaults at the guild's first start.
    seeded      INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    -- The occurrence whose reminders are in the outbox; NULL while paused or silent.
    next_at     INTEGER,
    -- The guild settings the reminders were rendered with (zone, language, channel, role);
    -- NULL = never planned. When they change, the reminders are planned again.
    plan_sig    TEXT,
    CHECK ((position IS NULL) <> (role_id IS NULL))
);
CREATE INDEX activities_due ON activities (removed, paused, next_at);
CREATE INDEX activities_by_guild ON activities (guild_id, removed, id);

-- Local dates (YYYY-MM-DD, the guild's zone) on which an activity does not happen.
CREATE TABLE activity_skips (
    activity_id  INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (activity_id, day)
);

-- Who pressed "Got it" on an occurrence's reminder.
CREATE TABLE activity_acks (
    activity_id    INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    occurrence_at  INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    PRIMARY KEY (activity_id, occurrence_at, user_id)
);

-- Checklist lines ticked for an occurrence (line = 1-based position in the checklist).
CREATE TABLE activity_ticks (
    activity_id    INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    occurrence_at  INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    PRIMARY KEY (activity_id, occurrence_at, line)
);

-- A guild's holidays and big-sale days: whole local dates, starts_on to ends_on inclusive.
CREATE TABLE holidays (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    -- Copied from the shipped list at the guild's first start.
    shipped     INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX holidays_by_guild ON holidays (guild_id, ends_on);
