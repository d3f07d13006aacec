-- Daily data: the shops a team runs, their figures per day (money in cents), who changed what,
-- monthly sales targets, and when each guild's summaries are next due.

CREATE TABLE shops (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (guild_id, name)
);

CREATE TABLE daily_figures (
    shop_id              INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day                  TEXT    NOT NULL,
    -- The figures as JSON (domain::metrics::DayFigures): counts and cents, absent = not entered.
    figures              TEXT    NOT NULL,
    paid_cents           INTEGER,
    uv                   INTEGER,
    paying_buyers        INTEGER,
    entered_by           INTEGER NOT NULL,
    entered_at           INTEGER NOT NULL,
    source               TEXT    NOT NULL DEFAULT 'manual',
    PRIMARY KEY (shop_id, day)
);

CREATE TABLE daily_figures_history (
    id          INTEGER PRIMARY KEY,
    shop_id     INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,
    old         TEXT,
    new         TEXT    NOT NULL,
    changed_by  INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL
);
CREATE INDEX daily_figures_history_by_day ON daily_figures_history (shop_id, day);

CREATE TABLE sales_targets (
    shop_id       INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    month         TEXT    NOT NULL,
    target_cents  INTEGER NOT NULL,
    set_by        INTEGER NOT NULL,
    set_at        INTEGER NOT NULL,
    PRIMARY KEY (shop_id, month)
);

CREATE TABLE summary_schedule (
    guild_id         INTEGER PRIMARY KEY,
    -- Local time of the morning summary and of the missing-data check, HH:MM.
    summary_time     TEXT    NOT NULL,
    check_time       TEXT    NOT NULL,
    next_summary_at  INTEGER,
    next_check_at    INTEGER
);
