-- Activities that end (#19): the last local day (`until_day`, YYYY-MM-DD) an activity reminds
-- on; NULL = it goes on.
ALTER TABLE activities ADD COLUMN until_day TEXT;
