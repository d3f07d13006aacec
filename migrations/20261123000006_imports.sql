-- Imports of the platforms' exports waiting for Confirm: the parsed days (JSON of
-- date -> domain::metrics::DayFigures) keyed by the token on the buttons, so Confirm works
-- after a restart. Rows older than an hour are expired and deleted.

CREATE TABLE pending_imports (
    token       TEXT    PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    platform    TEXT    NOT NULL,
    days        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX pending_imports_by_age ON pending_imports (created_at);
