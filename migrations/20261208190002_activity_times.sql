-- Activities that end after a count (#19): `times` occurrences counted from `times_from` (the
-- instant, in ms, the count was set); NULL = no count.
ALTER TABLE activities ADD COLUMN times INTEGER;
ALTER TABLE activities ADD COLUMN times_from INTEGER;
