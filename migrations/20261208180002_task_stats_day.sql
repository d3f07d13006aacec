-- Task statistics per member and UTC day of the deadline (#18): `/task stats` and the weekly
-- and monthly summaries read the whole days of a period here and only the partial days at its
-- ends from the tasks (through tasks_due_stats). Kept by triggers in the same transaction as
-- every change of a task, backfilled here, and checked against a plain recomputation from the
-- tasks by a property test (tests/all/scale/aggregates.rs).
-- Per (guild, day = due_at / 86400000, assignee) of the tasks that have an assignee:
-- assigned = not cancelled; done; on_time = done before the deadline; late_n = done at or
-- after it; late_ms = the sum of those delays in whole ms (an integer, so sums are exact).
CREATE TABLE task_stats_day (
    guild_id     INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    assignee_id  INTEGER NOT NULL,
    assigned     INTEGER NOT NULL,
    done         INTEGER NOT NULL,
    on_time      INTEGER NOT NULL,
    late_ms      INTEGER NOT NULL,
    late_n       INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, assignee_id)
) WITHOUT ROWID;

CREATE TRIGGER task_stats_added AFTER INSERT ON tasks WHEN NEW.assignee_id IS NOT NULL BEGIN
    INSERT INTO task_stats_day (guild_id, day, assignee_id, assigned, done, on_time, late_ms, late_n)
    VALUES (NEW.guild_id, NEW.due_at / 86400000, NEW.assignee_id,
            NEW.status <> 'cancelled',
            NEW.status = 'done',
            IFNULL(NEW.status = 'done' AND NEW.done_at < NEW.due_at, 0),
            IFNULL(CASE WHEN NEW.status = 'done' AND NEW.done_at >= NEW.due_at THEN NEW.done_at - NEW.due_at END, 0),
            IFNULL(NEW.status = 'done' AND NEW.done_at >= NEW.due_at, 0))
    ON CONFLICT (guild_id, day, assignee_id) DO UPDATE SET
        assigned = assigned + excluded.assigned, done = done + excluded.done,
        on_time = on_time + excluded.on_time, late_ms = late_ms + excluded.late_ms,
        late_n = late_n + excluded.late_n;
END;

CREATE TRIGGER task_stats_removed AFTER DELETE ON tasks WHEN OLD.assignee_id IS NOT NULL BEGIN
    UPDATE task_stats_day SET
        assigned = assigned - (OLD.status <> 'cancelled'),
        done = done - (OLD.status = 'done'),
        on_time = on_time - IFNULL(OLD.status = 'done' AND OLD.done_at < OLD.due_at, 0),
        late_ms = late_ms - IFNULL(CASE WHEN OLD.status = 'done' AND OLD.done_at >= OLD.due_at THEN OLD.done_at - OLD.due_at END, 0),
        late_n = late_n - IFNULL(OLD.status = 'done' AND OLD.done_at >= OLD.due_at, 0)
    WHERE guild_id = OLD.guild_id AND day = OLD.due_at / 86400000 AND assignee_id = OLD.assignee_id;
END;

CREATE TRIGGER task_stats_changed AFTER UPDATE OF guild_id, assignee_id, status, due_at, done_at ON tasks BEGIN
    UPDATE task_stats_day SET
        assigned = assigned - (OLD.status <> 'cancelled'),
        done = done - (OLD.status = 'done'),
        on_time = on_time - IFNULL(OLD.status = 'done' AND OLD.done_at < OLD.due_at, 0),
        late_ms = late_ms - IFNULL(CASE WHEN OLD.status = 'done' AND OLD.done_at >= OLD.due_at THEN OLD.done_at - OLD.due_at END, 0),
        late_n = late_n - IFNULL(OLD.status = 'done' AND OLD.done_at >= OLD.due_at, 0)
    WHERE OLD.assignee_id IS NOT NULL
      AND guild_id = OLD.guild_id AND day = OLD.due_at / 86400000 AND assignee_id = OLD.assignee_id;
    INSERT INTO task_stats_day (guild_id, day, assignee_id, assigned, done, on_time, late_ms, late_n)
    SELECT NEW.guild_id, NEW.due_at / 86400000, NEW.assignee_id,
           NEW.status <> 'cancelled',
           NEW.status = 'done',
           IFNULL(NEW.status = 'done' AND NEW.done_at < NEW.due_at, 0),
           IFNULL(CASE WHEN NEW.status = 'done' AND NEW.done_at >= NEW.due_at THEN NEW.done_at - NEW.due_at END, 0),
           IFNULL(NEW.status = 'done' AND NEW.done_at >= NEW.due_at, 0)
    WHERE NEW.assignee_id IS NOT NULL
    ON CONFLICT (guild_id, day, assignee_id) DO UPDATE SET
        assigned = assigned + excluded.assigned, done = done + excluded.done,
        on_time = on_time + excluded.on_time, late_ms = late_ms + excluded.late_ms,
        late_n = late_n + excluded.late_n;
END;

INSERT INTO task_stats_day (guild_id, day, assignee_id, assigned, done, on_time, late_ms, late_n)
SELECT guild_id, due_at / 86400000, assignee_id,
       SUM(status <> 'cancelled'),
       SUM(status = 'done'),
       SUM(IFNULL(status = 'done' AND done_at < due_at, 0)),
       SUM(IFNULL(CASE WHEN status = 'done' AND done_at >= due_at THEN done_at - due_at END, 0)),
       SUM(IFNULL(status = 'done' AND done_at >= due_at, 0))
FROM tasks WHERE assignee_id IS NOT NULL GROUP BY 1, 2, 3;
