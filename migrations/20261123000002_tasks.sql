-- Tasks: work assigned to a member or offered to a position, with a deadline and a history.

CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    note           TEXT,
    priority       TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    -- The member who owns it; NULL while it is offered to a position and nobody took it yet.
    assignee_id    INTEGER,
    -- The position it was assigned to, if it was.
    position       TEXT,
    assigner_id    INTEGER NOT NULL,
    -- Where its reminders are posted (the channel it was assigned in).
    channel_id     INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    -- Bumped whenever the deadline or the assignee changes, so new reminders get new keys.
    revision       INTEGER NOT NULL DEFAULT 1,
    recurring_id   INTEGER REFERENCES task_recurring (id) ON DELETE SET NULL,
    occurrence_at  INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    started_at     INTEGER,
    done_at        INTEGER
);
CREATE INDEX tasks_by_assignee ON tasks (guild_id, assignee_id, status, due_at);
CREATE INDEX tasks_by_status ON tasks (guild_id, status, due_at);
CREATE UNIQUE INDEX tasks_one_per_occurrence ON tasks (recurring_id, occurrence_at) WHERE recurring_id IS NOT NULL;

-- Everything that happened to a task: created, started, done, reopened, moved, comments.
CREATE TABLE task_events (
    id        INTEGER PRIMARY KEY,
    task_id   INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    detail    TEXT
);
CREATE INDEX task_events_by_task ON task_events (task_id, at);

-- Who covers a position or a member from one day to another.
CREATE TABLE task_covers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    position    TEXT,
    user_id     INTEGER,
    cover_id    INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    CHECK ((position IS NULL) <> (user_id IS NULL)),
    CHECK (ends_at > starts_at)
);
CREATE INDEX task_covers_active ON task_covers (guild_id, ends_at);

-- Tasks created on a schedule.
CREATE TABLE task_recurring (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    note         TEXT,
    priority     TEXT    NOT NULL DEFAULT 'normal',
    position     TEXT,
    user_id      INTEGER,
    schedule     TEXT    NOT NULL,
    -- How long after each occurrence the task is due, in minutes.
    due_minutes  INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    next_at      INTEGER,
    CHECK ((position IS NULL) <> (user_id IS NULL))
);
CREATE INDEX task_recurring_next ON task_recurring (active, next_at);
