-- What the running bot reports about itself, readable by any process on the same database (a
-- shell's /status too): e.g. whether Discord accepted the slash commands, and why not.
CREATE TABLE runtime_status (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    ok         INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
