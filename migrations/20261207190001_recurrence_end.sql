-- Recurring tasks that end (#19): on a last local day (`until_day`, YYYY-MM-DD) or after a
-- number of occurrences (`times`); `made` counts the occurrences so far (missed ones included).
ALTER TABLE task_recurring ADD COLUMN until_day TEXT;
ALTER TABLE task_recurring ADD COLUMN times INTEGER;
ALTER TABLE task_recurring ADD COLUMN made INTEGER NOT NULL DEFAULT 0;
