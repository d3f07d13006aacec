//! The history of tasks and complaints: one table each (`task_events`, `complaint_events`), the
//! same columns and the same reads, so one set of functions serves both.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row as _, SqliteConnection};

use super::{StoreResult, from_ms, id_in, id_out, ms};

/// Whose history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Task,
    Complaint,
}

impl Log {
    /// (events table, its column naming the item, the items' table, the items' time column the
    /// exports select by).
    fn tables(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Log::Task => ("task_events", "task_id", "tasks", "due_at"),
            Log::Complaint => (
                "complaint_events",
                "complaint_id",
                "complaints",
                "created_at",
            ),
        }
    }

    /// `task` or `complaint`: the family of the commands and catalog keys.
    pub fn key(self) -> &'static str {
        match self {
            Log::Task => "task",
            Log::Complaint => "complaint",
        }
    }

    /// The page statement of [`page`]; also read by the query-plan test.
    pub fn page_sql(self) -> String {
        let (events, item, _, _) = self.tables();
        format!(
            "SELECT at, actor_id, kind, detail FROM (SELECT id, at, actor_id, kind, detail FROM {events} \
             WHERE {item} = ?1 ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3) ORDER BY at, id"
        )
    }
}

/// A history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: u64,
    /// What (`created`, `done`, `comment`, `logged`, `resolved` ...).
    pub kind: String,
    /// Text (a comment, the old and new deadline, an encoded change ...).
    pub detail: Option<String>,
}

type Row = (i64, i64, String, Option<String>);

fn decode((at, actor, kind, detail): Row) -> Event {
    Event {
        at: from_ms(at),
        actor_id: id_out(actor),
        kind,
        detail,
    }
}

/// What happened to an item: when, by whom, what and its detail.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub at: DateTime<Utc>,
    pub actor: u64,
    pub kind: &'a str,
    pub detail: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub fn new(at: DateTime<Utc>, actor: u64, kind: &'a str, detail: Option<&'a str>) -> Self {
        Entry {
            at,
            actor,
            kind,
            detail,
        }
    }
}

/// Records something that happened to item `id`.
pub async fn add(conn: &mut SqliteConnection, log: Log, id: i64, e: Entry<'_>) -> StoreResult<()> {
    let (events, item, _, _) = log.tables();
    let sql = format!(
        "INSERT INTO {events} ({item}, at, actor_id, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(ms(e.at))
        .bind(id_in(e.actor))
        .bind(e.kind)
        .bind(e.detail)
        .execute(conn)
        .await?;
    Ok(())
}

/// Item `id`'s history, oldest first: `limit` entries, skipping the `newer` most recent.
pub async fn page(
    conn: &mut SqliteConnection,
    log: Log,
    id: i64,
    (newer, limit): (i64, i64),
) -> StoreResult<Vec<Event>> {
    let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(log.page_sql()))
        .bind(id)
        .bind(limit)
        .bind(newer)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// How many entries the history of one task or complaint has.
pub async fn count(conn: &mut SqliteConnection, log: Log, id: i64) -> StoreResult<i64> {
    let (events, item, _, _) = log.tables();
    let count = format!("SELECT COUNT(*) FROM {events} WHERE {item} = ?1");
    let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(count))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(total)
}

/// The whole history of the guild's items whose time (a task's deadline, a complaint's logging)
/// falls in [from, to), as (item, entry), by item then time (for exports).
pub async fn between(
    conn: &mut SqliteConnection,
    log: Log,
    guild_id: u64,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<Vec<(i64, Event)>> {
    let (events, item, items, time) = log.tables();
    let sql = format!(
        "SELECT e.{item}, e.at, e.actor_id, e.kind, e.detail FROM {events} e
         JOIN {items} i ON i.id = e.{item}
         WHERE i.guild_id = ?1 AND i.{time} >= ?2 AND i.{time} < ?3 ORDER BY e.{item}, e.at, e.id"
    );
    super::rows_between(conn, sql, guild_id, from, to, |r| {
        let row = (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?);
        Ok((r.try_get(0)?, decode(row)))
    })
    .await
}
