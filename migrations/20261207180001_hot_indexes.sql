-- Indexes that match the filter and the order of every list and statistic, so each reads one
-- page (or one period) however many years of history the tables hold. Checked by the
-- `plans` test, which runs EXPLAIN QUERY PLAN on the store's own statements.

-- Active tasks (open or in progress: a small, bounded share of a long history), in the order
-- the lists show them (deadline, then id: the rowid every index carries).
CREATE INDEX tasks_active_by_due ON tasks (guild_id, due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_active_by_assignee ON tasks (guild_id, assignee_id, due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_active_by_position ON tasks (guild_id, position, due_at) WHERE status IN ('open', 'in_progress');
-- `/task stats`: the tasks due in a period, with every column the statistic reads (covering).
CREATE INDEX tasks_due_stats ON tasks (guild_id, due_at, assignee_id, status, done_at);

-- `/complaint stats` and the summaries, counted in SQL from index entries alone (covering):
-- the complaints logged in a period by category, platform and severity, and those resolved
-- in a period with what the statistic reads of them (time to resolve, limit, money paid).
CREATE INDEX complaints_logged_stats ON complaints (guild_id, created_at, category, platform, severity);
CREATE INDEX complaints_resolved_stats ON complaints (guild_id, resolved_at, created_at, deadline_at, outcome, amount_cents) WHERE resolved_at IS NOT NULL;
-- `/complaint list scope:breached`: resolved after their limit, by limit.
CREATE INDEX complaints_resolved_late ON complaints (guild_id, deadline_at) WHERE status = 'resolved' AND resolved_at >= deadline_at;
