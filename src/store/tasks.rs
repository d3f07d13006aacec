//! Tasks, their history, covers and recurring definitions.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::complaints::Cut;
use super::{Arg, Cond, StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::domain::position::Position;
use crate::domain::recurrence::End;
pub use crate::domain::task::{Cover, Task};
use crate::domain::task::{Priority, Status};

const COLUMNS: &str = "id, guild_id, title, note, priority, status, assignee_id, position, assigner_id, channel_id, due_at, episode, recurring_id, created_at, started_at, done_at";

fn decode(r: &SqliteRow) -> StoreResult<Task> {
    let priority: String = r.try_get("priority")?;
    let status: String = r.try_get("status")?;
    Ok(Task {
        id: r.try_get("id")?,
        guild_id: id_out(r.try_get("guild_id")?),
        title: r.try_get("title")?,
        note: r.try_get("note")?,
        priority: Priority::parse(&priority)
            .ok_or_else(|| StoreError::Corrupt(format!("priority {priority}")))?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        assignee_id: r.try_get::<Option<i64>, _>("assignee_id")?.map(id_out),
        position: super::position_of(r)?,
        assigner_id: id_out(r.try_get("assigner_id")?),
        channel_id: id_out(r.try_get("channel_id")?),
        due_at: from_ms(r.try_get("due_at")?),
        episode: r.try_get("episode")?,
        recurring_id: r.try_get("recurring_id")?,
        created_at: from_ms(r.try_get("created_at")?),
        started_at: r.try_get::<Option<i64>, _>("started_at")?.map(from_ms),
        done_at: r.try_get::<Option<i64>, _>("done_at")?.map(from_ms),
    })
}

/// What a task is made of besides its owner and deadline: given once by `/task assign`, or
/// kept by a recurring definition for every task it makes.
#[derive(Debug, Clone)]
pub struct TaskTemplate {
    pub guild_id: u64,
    pub title: String,
    pub note: Option<String>,
    pub priority: Priority,
    /// The position it is given to.
    pub position: Option<Position>,
    pub assigner_id: u64,
    /// Where its pings go.
    pub channel_id: u64,
}

/// A task to create.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub template: TaskTemplate,
    pub assignee_id: Option<u64>,
    pub due_at: DateTime<Utc>,
    /// Recurring origin and occurrence.
    pub recurring: Option<(i64, DateTime<Utc>)>,
}

/// Creates a task with its "created" history entry by `by`, and returns it as stored; None
/// when the recurring occurrence already has one (then nothing is written). One round trip:
/// the entry is added by a second statement in the same call, for the row the first one
/// inserted (`changes()` is 0 when it inserted none).
pub async fn create(
    conn: &mut SqliteConnection,
    t: &NewTask,
    now: DateTime<Utc>,
    by: u64,
) -> StoreResult<Option<Task>> {
    let rows: Vec<SqliteRow> = sqlx::query(AssertSqlSafe(create_sql()))
        .bind(id_in(t.template.guild_id))
        .bind(&t.template.title)
        .bind(&t.template.note)
        .bind(t.template.priority.key())
        .bind(t.assignee_id.map(id_in))
        .bind(t.template.position.map(|p| p.key()))
        .bind(id_in(t.template.assigner_id))
        .bind(id_in(t.template.channel_id))
        .bind(ms(t.due_at))
        .bind(t.recurring.map(|r| r.0))
        .bind(t.recurring.map(|r| ms(r.1)))
        .bind(ms(now))
        .bind(id_in(by))
        // All rows, not `fetch_optional`: that stops after the first, before the second statement.
        .fetch_all(conn)
        .await?;
    rows.first().map(decode).transpose()
}

/// [`create`]'s two statements.
pub fn create_sql() -> String {
    format!(
        "INSERT INTO tasks (guild_id, title, note, priority, assignee_id, position, assigner_id, channel_id, due_at, recurring_id, occurrence_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
         ON CONFLICT DO NOTHING RETURNING {COLUMNS};
         INSERT INTO task_events (task_id, at, actor_id, kind, detail)
         SELECT last_insert_rowid(), ?12, ?13, 'created', NULL WHERE changes() = 1"
    )
}

/// A task of the guild.
pub async fn get(conn: &mut SqliteConnection, guild_id: u64, id: i64) -> StoreResult<Option<Task>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE guild_id = ?1 AND id = ?2");
    super::get_by_id(conn, sql, guild_id, id, decode).await
}

/// Changes the state, stamping when work started or finished.
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    status: Status,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = "UPDATE tasks SET status = ?2, updated_at = ?3,
            started_at = CASE WHEN ?2 = 'in_progress' THEN COALESCE(started_at, ?3) ELSE started_at END,
            done_at = CASE WHEN ?2 = 'done' THEN ?3 WHEN ?2 = 'open' THEN NULL ELSE done_at END
         WHERE id = ?1";
    super::execute(conn, sql, &[id.into(), status.key().into(), ms(now).into()]).await?;
    Ok(())
}

/// What `/task edit` and `/task reassign` change; None keeps a value.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    pub title: Option<String>,
    pub note: Option<String>,
    pub priority: Option<Priority>,
    pub due_at: Option<DateTime<Utc>>,
    /// New owner (Some(None) = offered to the position again).
    pub assignee: Option<Option<u64>>,
    /// New position (Some(None) = none).
    pub position: Option<Option<Position>>,
}

/// Applies a change; the revision moves on when the deadline or the owner changes, and a new
/// lateness episode starts when the deadline moves to an instant after `now`.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    c: &TaskChange,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let moves = c.due_at.is_some() || c.assignee.is_some() || c.position.is_some();
    sqlx::query(
        "UPDATE tasks SET
            title = COALESCE(?2, title), note = COALESCE(?3, note), priority = COALESCE(?4, priority),
            due_at = COALESCE(?5, due_at),
            assignee_id = CASE WHEN ?6 THEN ?7 ELSE assignee_id END,
            position = CASE WHEN ?8 THEN ?9 ELSE position END,
            revision = revision + ?10, updated_at = ?11,
            episode = episode + (?5 IS NOT NULL AND ?5 > ?11)
         WHERE id = ?1",
    )
    .bind(id)
    .bind(&c.title)
    .bind(&c.note)
    .bind(c.priority.map(|p| p.key()))
    .bind(c.due_at.map(ms))
    .bind(c.assignee.is_some())
    .bind(c.assignee.flatten().map(id_in))
    .bind(c.position.is_some())
    .bind(c.position.flatten().map(|p| p.key()))
    .bind(i64::from(moves))
    .bind(ms(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Owned by this member.
    pub assignee: Option<u64>,
    /// Given to this position.
    pub position: Option<Position>,
    /// Only those past their deadline at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
}

/// The condition of a list and its arguments, in order: only the filters that are set, so
/// SQLite picks the partial index of active tasks that matches them (an `(? IS NULL OR …)` term
/// would hide the column from the planner and read every active task of the guild).
fn list_cond(guild_id: u64, f: &Filter) -> Cond {
    let active = "guild_id = ? AND status IN ('open', 'in_progress')";
    let mut c = Cond::new(active, &[id_in(guild_id).into()]);
    if let Some(u) = f.assignee {
        c.and("assignee_id = ?", &[id_in(u).into()]);
    }
    if let Some(p) = f.position {
        c.and("position = ?", &[p.key().into()]);
    }
    if let Some(at) = f.overdue_at {
        c.and("due_at <= ?", &[ms(at).into()]);
    }
    c
}

/// The two statements of a list (count, then one page: `LIMIT ? OFFSET ?` after the
/// filter's arguments); also read by the query-plan test.
pub fn list_sql(f: &Filter) -> (String, String) {
    let Cond { sql: cond, .. } = list_cond(0, f);
    (
        format!("SELECT COUNT(*) FROM tasks WHERE {cond}"),
        format!("SELECT {COLUMNS} FROM tasks WHERE {cond} ORDER BY due_at, id LIMIT ? OFFSET ?"),
    )
}

/// Active tasks matching the filter, by deadline, one page; and how many there are in all.
pub async fn list(
    conn: &mut SqliteConnection,
    guild_id: u64,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<Task>, i64)> {
    let Cond { args, .. } = list_cond(guild_id, f);
    let (count_sql, page_sql) = list_sql(f);
    let (total,): (i64,) = {
        let row = super::bind_all(sqlx::query(AssertSqlSafe(count_sql)), &args)
            .fetch_one(&mut *conn)
            .await?;
        (row.try_get(0)?,)
    };
    let rows = super::bind_all(sqlx::query(AssertSqlSafe(page_sql)), &args)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    Ok((rows.iter().map(decode).collect::<StoreResult<_>>()?, total))
}

/// The statements of [`suggest`]: active tasks in deadline order through the partial index
/// `tasks_active_by_due`, read until 25 match; with `closed`, the closed ones newest first
/// (`/task show` and `/task reopen` may name one), read backwards through `tasks_due_stats`.
/// Also read by the query-plan test.
pub fn suggest_sql(closed: bool) -> String {
    let who = "(?3 OR assignee_id = ?2 OR assigner_id = ?2 OR assignee_id IS NULL)
           AND (?4 = '' OR instr(lower(title), lower(?4)) > 0 OR CAST(id AS TEXT) = ?4)";
    if closed {
        // Only the newest [`super::SUGGEST_WINDOW`]: typing what no task holds read the whole
        // history (2 s at 1 M tasks). ?6 is the window less one. With nothing typed the first
        // 25 are the newest, and the window's bound is not worked out.
        format!(
            "SELECT {COLUMNS} FROM tasks WHERE guild_id = ?1 AND status IN ('done', 'cancelled')
               AND due_at >= CASE WHEN ?4 = '' THEN -9223372036854775808
                 ELSE IFNULL((SELECT due_at FROM tasks WHERE guild_id = ?1 AND status IN ('done', 'cancelled')
                              ORDER BY due_at DESC LIMIT 1 OFFSET ?6), -9223372036854775808) END
               AND {who} ORDER BY due_at DESC LIMIT ?5"
        )
    } else {
        format!(
            "SELECT {COLUMNS} FROM tasks WHERE guild_id = ?1 AND status IN ('open', 'in_progress')
               AND {who} ORDER BY due_at LIMIT ?5"
        )
    }
}

/// Active tasks a member may act on (owns, assigned, or any when `all`), for autocomplete
/// (25 at most); then closed ones, newest first, when `include_closed`.
pub async fn suggest(
    conn: &mut SqliteConnection,
    guild_id: u64,
    user: u64,
    all: bool,
    typed: &str,
    include_closed: bool,
) -> StoreResult<Vec<Task>> {
    let typed = typed.trim().trim_start_matches('#');
    let mut out: Vec<Task> = Vec::new();
    for closed in [false, true] {
        let room = 25 - out.len() as i64;
        if (closed && !include_closed) || room == 0 {
            break;
        }
        // A closed task older than the window is still found by its number.
        if closed && let Ok(id) = typed.parse::<i64>() {
            let row = sqlx::query(AssertSqlSafe(suggest_by_id_sql()))
                .bind(id_in(guild_id))
                .bind(id_in(user))
                .bind(all)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(r) = row {
                out.push(decode(&r)?);
            }
        }
        let mut q = sqlx::query(AssertSqlSafe(suggest_sql(closed)))
            .bind(id_in(guild_id))
            .bind(id_in(user))
            .bind(all)
            .bind(typed)
            .bind(room);
        if closed {
            q = q.bind(super::SUGGEST_WINDOW - 1);
        }
        for r in &q.fetch_all(&mut *conn).await? {
            let t = decode(r)?;
            if out.len() < 25 && !out.iter().any(|o| o.id == t.id) {
                out.push(t);
            }
        }
    }
    Ok(out)
}

/// A closed task by its number, for [`suggest`]. Also read by the query-plan test.
pub fn suggest_by_id_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM tasks
     WHERE id = ?4 AND guild_id = ?1 AND status IN ('done', 'cancelled')
       AND (?3 OR assignee_id = ?2 OR assigner_id = ?2 OR assignee_id IS NULL)"
    )
}

/// Records a cover.
pub async fn add_cover(
    conn: &mut SqliteConnection,
    guild_id: u64,
    c: &Cover,
    by: u64,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO task_covers (guild_id, position, user_id, cover_id, starts_at, ends_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )
    .bind(id_in(guild_id))
    .bind(c.position.map(|p| p.key()))
    .bind(c.user_id.map(id_in))
    .bind(id_in(c.cover_id))
    .bind(ms(c.starts_at))
    .bind(ms(c.ends_at))
    .bind(id_in(by))
    .bind(ms(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// id, position, user, cover, starts, ends.
type CoverRow = (i64, Option<String>, Option<i64>, i64, i64, i64);

/// Covers still running or to come.
pub async fn covers(
    conn: &mut SqliteConnection,
    guild_id: u64,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Cover>> {
    let rows: Vec<CoverRow> = sqlx::query_as(
        "SELECT id, position, user_id, cover_id, starts_at, ends_at FROM task_covers WHERE guild_id = ?1 AND ends_at > ?2 ORDER BY starts_at, id",
    )
    .bind(id_in(guild_id))
    .bind(ms(now))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, p, u, c, s, e)| Cover {
            id,
            position: p.and_then(|p| p.parse().ok()),
            user_id: u.map(id_out),
            cover_id: id_out(c),
            starts_at: from_ms(s),
            ends_at: from_ms(e),
        })
        .collect())
}

/// Active tasks owned by a member or offered to a position (to move their pings to a cover).
pub async fn active_for(
    conn: &mut SqliteConnection,
    guild_id: u64,
    user: Option<u64>,
    position: Option<Position>,
) -> StoreResult<Vec<Task>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE guild_id = ?1 AND status IN ('open', 'in_progress')
           AND ((?2 IS NOT NULL AND assignee_id = ?2) OR (?3 IS NOT NULL AND position = ?3 AND assignee_id IS NULL))"
    )))
    .bind(id_in(guild_id))
    .bind(user.map(id_in))
    .bind(position.map(|p| p.key()))
    .fetch_all(conn)
    .await?;
    rows.iter().map(decode).collect()
}

/// One member's record over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberStats {
    pub user_id: u64,
    /// Tasks due in the period.
    pub assigned: i64,
    /// Of those, finished.
    pub done: i64,
    /// Finished by the deadline.
    pub on_time: i64,
    /// Active and past the deadline now.
    pub overdue_now: i64,
    /// Mean lateness of the late ones, in minutes.
    pub avg_late_minutes: Option<f64>,
}

/// `/task stats`: per member, the tasks due in a period cut into whole UTC days and partial
/// days at its ends ([`Cut`]): the whole days ?5 ≤ day < ?6 from the rollup `task_stats_day`
/// (kept by triggers with every change, migration 20261208180002), the partial days [?2, ?3)
/// and [?7, ?8) on the covering `tasks_due_stats`; and the active ones past their deadline at
/// ?4 on `tasks_active_by_due` — never the whole history. Lateness is summed in whole ms.
/// Also read by the query-plan test.
pub fn stats_sql() -> String {
    // How each task due in [?from, ?to) counts: the rollup's columns, per task.
    let partial = |from: u8, to: u8| {
        format!(
            "SELECT assignee_id,
               status <> 'cancelled',
               status = 'done',
               status = 'done' AND done_at < due_at,
               0,
               CASE WHEN status = 'done' AND done_at >= due_at THEN done_at - due_at END,
               status = 'done' AND done_at >= due_at
        FROM tasks INDEXED BY tasks_due_stats
        WHERE guild_id = ?1 AND due_at >= ?{from} AND due_at < ?{to} AND assignee_id IS NOT NULL"
        )
    };
    let (head, tail) = (partial(2, 3), partial(7, 8));
    format!(
        "SELECT assignee_id, SUM(assigned), SUM(done), SUM(on_time), SUM(overdue), TOTAL(late_ms), SUM(late_n)
     FROM (
        SELECT assignee_id, assigned, done, on_time, 0 AS overdue, late_ms, late_n
        FROM task_stats_day
        WHERE guild_id = ?1 AND day >= ?5 AND day < ?6
        UNION ALL
        {head}
        UNION ALL
        {tail}
        UNION ALL
        SELECT assignee_id, 0, 0, 0, 1, NULL, 0
        FROM tasks INDEXED BY tasks_active_by_due
        WHERE guild_id = ?1 AND status IN ('open', 'in_progress') AND due_at <= ?4 AND assignee_id IS NOT NULL
     )
     GROUP BY assignee_id
     HAVING SUM(assigned) > 0 OR SUM(overdue) > 0
     ORDER BY assignee_id"
    )
}

/// Per member: tasks due in [from, to), how they went, and what is overdue now.
pub async fn stats(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<MemberStats>> {
    type StatsRow = (i64, i64, i64, i64, i64, f64, i64);
    let cut = Cut::of(ms(from), ms(to));
    let rows: Vec<StatsRow> = sqlx::query_as(AssertSqlSafe(stats_sql()))
        .bind(id_in(guild_id))
        .bind(cut.head.0)
        .bind(cut.head.1)
        .bind(ms(now))
        .bind(cut.days.0)
        .bind(cut.days.1)
        .bind(cut.tail.0)
        .bind(cut.tail.1)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(u, a, d, o, od, late_ms, late_n)| MemberStats {
            user_id: id_out(u),
            assigned: a,
            done: d,
            on_time: o,
            overdue_now: od,
            avg_late_minutes: (late_n > 0).then(|| late_ms / 60_000.0 / late_n as f64),
        })
        .collect())
}

/// A recurring task definition.
#[derive(Debug, Clone)]
pub struct Recurring {
    pub id: i64,
    /// The task each occurrence makes (its assigner: who set the definition up).
    pub template: TaskTemplate,
    /// The member each task goes to (None: offered to the template's position).
    pub user_id: Option<u64>,
    /// Schedule text (parsed by `domain::schedule`).
    pub schedule: String,
    /// Due this long after each occurrence.
    pub due_minutes: i64,
    pub next_at: Option<DateTime<Utc>>,
    pub end: End,
    /// Occurrences so far.
    pub made: i64,
}

fn decode_recurring(r: &SqliteRow) -> StoreResult<Recurring> {
    let priority: String = r.try_get("priority")?;
    let position: Option<String> = r.try_get("position")?;
    Ok(Recurring {
        id: r.try_get("id")?,
        template: TaskTemplate {
            guild_id: id_out(r.try_get("guild_id")?),
            title: r.try_get("title")?,
            note: r.try_get("note")?,
            priority: Priority::parse(&priority).unwrap_or(Priority::Normal),
            position: position.and_then(|p| p.parse().ok()),
            assigner_id: id_out(r.try_get("created_by")?),
            channel_id: id_out(r.try_get("channel_id")?),
        },
        user_id: r.try_get::<Option<i64>, _>("user_id")?.map(id_out),
        schedule: r.try_get("schedule")?,
        due_minutes: r.try_get("due_minutes")?,
        next_at: r.try_get::<Option<i64>, _>("next_at")?.map(from_ms),
        end: match (
            r.try_get::<Option<String>, _>("until_day")?,
            r.try_get::<Option<i64>, _>("times")?,
        ) {
            (Some(d), _) => End::Until(
                d.parse()
                    .map_err(|_| StoreError::Corrupt(format!("until_day {d}")))?,
            ),
            (None, Some(n)) => End::Times(n),
            (None, None) => End::Never,
        },
        made: r.try_get("made")?,
    })
}

const RECURRING_COLUMNS: &str = "id, guild_id, title, note, priority, position, user_id, schedule, due_minutes, channel_id, created_by, next_at, until_day, times, made";

/// Saves a recurring definition.
pub async fn add_recurring(
    conn: &mut SqliteConnection,
    r: &Recurring,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO task_recurring (guild_id, title, note, priority, position, user_id, schedule, due_minutes, channel_id, created_by, created_at, next_at, until_day, times)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
    )
    .bind(id_in(r.template.guild_id))
    .bind(&r.template.title)
    .bind(&r.template.note)
    .bind(r.template.priority.key())
    .bind(r.template.position.map(|p| p.key()))
    .bind(r.user_id.map(id_in))
    .bind(&r.schedule)
    .bind(r.due_minutes)
    .bind(id_in(r.template.channel_id))
    .bind(id_in(r.template.assigner_id))
    .bind(ms(now))
    .bind(r.next_at.map(ms))
    .bind(match r.end {
        End::Until(d) => Some(d.to_string()),
        _ => None,
    })
    .bind(match r.end {
        End::Times(n) => Some(n),
        _ => None,
    })
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The active recurring definitions of a guild.
pub async fn list_recurring(
    conn: &mut SqliteConnection,
    guild_id: u64,
) -> StoreResult<Vec<Recurring>> {
    let sql = format!(
        "SELECT {RECURRING_COLUMNS} FROM task_recurring WHERE guild_id = ?1 AND active = 1 ORDER BY id"
    );
    super::select(conn, sql, &[Arg::Int(id_in(guild_id))], decode_recurring).await
}

/// Stops a recurring definition; returns whether it existed.
pub async fn stop_recurring(
    conn: &mut SqliteConnection,
    guild_id: u64,
    id: i64,
) -> StoreResult<bool> {
    let sql = "UPDATE task_recurring SET active = 0, next_at = NULL WHERE guild_id = ?1 AND id = ?2 AND active = 1";
    Ok(super::execute(conn, sql, &[id_in(guild_id).into(), id.into()]).await? == 1)
}

/// Definitions whose next occurrence is due by `now` (all guilds).
pub async fn due_recurring(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Recurring>> {
    let sql = format!(
        "SELECT {RECURRING_COLUMNS} FROM task_recurring WHERE active = 1 AND next_at IS NOT NULL AND next_at <= ?1 ORDER BY next_at LIMIT 100"
    );
    super::select(conn, sql, &[Arg::Int(ms(now))], decode_recurring).await
}

/// Moves a definition to its next occurrence (only if it still stands at `expected`, so two
/// processes cannot both advance it).
pub async fn advance_recurring(
    conn: &mut SqliteConnection,
    id: i64,
    expected: DateTime<Utc>,
    next: Option<DateTime<Utc>>,
    occurred: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE task_recurring SET next_at = ?3, made = made + ?4 WHERE id = ?1 AND next_at = ?2",
    )
    .bind(id)
    .bind(ms(expected))
    .bind(next.map(ms))
    .bind(occurred)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The earliest next occurrence of any definition.
pub async fn next_recurring_at(conn: &mut SqliteConnection) -> StoreResult<Option<DateTime<Utc>>> {
    let (next,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(next_at) FROM task_recurring WHERE active = 1")
            .fetch_one(conn)
            .await?;
    Ok(next.map(from_ms))
}

/// The guild's tasks due in [from, to), by number (for exports).
pub async fn due_between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Task>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tasks WHERE guild_id = ?1 AND due_at >= ?2 AND due_at < ?3 ORDER BY id"
    );
    super::rows_between(conn, sql, guild_id, from, to, decode).await
}
