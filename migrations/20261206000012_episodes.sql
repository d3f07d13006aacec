-- The lateness episode of a task or a complaint. Its pings are keyed by it, so each level
-- (a reminder, the deadline, an escalation) goes out once per episode: reassigning, claiming or
-- editing a title replans the pings under the same keys and sends nothing twice. A new episode
-- starts only when the deadline moves to an instant still ahead (an edit of it, a reopened
-- complaint's new limit).
ALTER TABLE tasks ADD COLUMN episode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN episode INTEGER NOT NULL DEFAULT 1;
