-- One database, one dispatcher: the process that delivers the outbox (`storeops run`, or a
-- shell on the real clock) holds this one row and renews its heartbeat; another process on the
-- same database sees a fresh heartbeat and does not deliver (a shell offers read-only commands,
-- a second `run` refuses to start). A heartbeat older than the stale limit is a dead process's
-- and is taken over.
CREATE TABLE run_lock (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    owner         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    pid           INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL
);
