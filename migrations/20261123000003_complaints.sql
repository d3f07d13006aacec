-- Customer complaints, handled within a limit (24 h by default), with a history.

CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    order_no      TEXT    NOT NULL,
    platform      TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    severity      TEXT    NOT NULL CHECK (severity IN ('normal', 'serious')),
    customer      TEXT,
    summary       TEXT    NOT NULL,
    description   TEXT,
    -- JSON array of screenshot links.
    attachments   TEXT    NOT NULL DEFAULT '[]',
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    owner_id      INTEGER,
    logged_by     INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    -- The first complaint on the same order, when this one is a repeat.
    linked_to     INTEGER REFERENCES complaints (id),
    created_at    INTEGER NOT NULL,
    deadline_at   INTEGER NOT NULL,
    resolved_at   INTEGER,
    outcome       TEXT,
    -- Refund or compensation paid, in cents of the shop's currency.
    amount_cents  INTEGER,
    revision      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_open ON complaints (guild_id, status, deadline_at);
CREATE INDEX complaints_order ON complaints (guild_id, order_no);
CREATE INDEX complaints_created ON complaints (guild_id, created_at);

CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    detail        TEXT
);
CREATE INDEX complaint_events_by_complaint ON complaint_events (complaint_id, at);
