//! Typed read-backs: what the core stored, read straight from the database into structs with
//! named fields (ids as the front-ends see them, instants as instants, payloads parsed), so a
//! test asserts `row.state`, never `row.1`.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteRow;
use storeops::app::{App, Reply};
use storeops::store::{data, from_ms, id_in, id_out};

use super::TestApp;

/// Whatever a test holds that reaches the database: a [`TestApp`], an `App` (a restarted core,
/// one with a clock of its own) or an `E2e`.
pub trait Db {
    /// Its connection pool.
    fn pool(&self) -> &SqlitePool;
}

impl Db for App {
    fn pool(&self) -> &SqlitePool {
        &self.store.pool
    }
}

impl Db for TestApp {
    fn pool(&self) -> &SqlitePool {
        &self.app.store.pool
    }
}

/// The one number a query answers (`SELECT COUNT(*) ...`): for checking how much was stored.
pub async fn count(db: &impl Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db.pool())
        .await
        .expect("count");
    n
}

/// [`count`] for one id (a guild, an activity) bound as `?1`.
pub async fn count_for(db: &impl Db, sql: &str, id: u64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id_in(id))
        .fetch_one(db.pool())
        .await
        .expect("count");
    n
}

/// Turns a stored JSON payload into the reply it was written from.
fn reply_of(payload: &str) -> sqlx::Result<Reply> {
    serde_json::from_str(payload).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

// ---------------------------------------------------------------- tasks

/// A task as stored.
#[derive(Debug)]
pub struct TaskRow {
    pub title: String,
    pub note: Option<String>,
    pub status: String,
    pub assignee: Option<u64>,
    pub position: Option<String>,
    pub assigner: u64,
    pub due: DateTime<Utc>,
    pub revision: i64,
    pub started: Option<DateTime<Utc>>,
    pub done: Option<DateTime<Utc>>,
    pub recurring: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for TaskRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(TaskRow {
            title: row.try_get("title")?,
            note: row.try_get("note")?,
            status: row.try_get("status")?,
            assignee: row.try_get::<Option<i64>, _>("assignee_id")?.map(id_out),
            position: row.try_get("position")?,
            assigner: id_out(row.try_get("assigner_id")?),
            due: from_ms(row.try_get("due_at")?),
            revision: row.try_get("revision")?,
            started: row.try_get::<Option<i64>, _>("started_at")?.map(from_ms),
            done: row.try_get::<Option<i64>, _>("done_at")?.map(from_ms),
            recurring: row.try_get("recurring_id")?,
        })
    }
}

/// Task `id` as stored (it must exist).
pub async fn task(db: &impl Db, id: i64) -> TaskRow {
    sqlx::query_as("SELECT * FROM tasks WHERE id = ?1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("task row")
}

/// How many tasks were ever made (any state).
pub async fn task_count(db: &impl Db) -> i64 {
    count(db, "SELECT COUNT(*) FROM tasks").await
}

/// The number of the newest task (0 when there is none).
pub async fn last_task_id(db: &impl Db) -> i64 {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM tasks")
        .fetch_one(db.pool())
        .await
        .expect("max id");
    n.unwrap_or(0)
}

// ---------------------------------------------------------------- complaints

/// A complaint as stored.
#[derive(Debug)]
pub struct ComplaintRow {
    pub status: String,
    pub owner: Option<u64>,
    pub platform: String,
    pub category: String,
    pub severity: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub linked: Option<i64>,
    pub deadline: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub amount: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for ComplaintRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(ComplaintRow {
            status: row.try_get("status")?,
            owner: row.try_get::<Option<i64>, _>("owner_id")?.map(id_out),
            platform: row.try_get("platform")?,
            category: row.try_get("category")?,
            severity: row.try_get("severity")?,
            customer: row.try_get("customer")?,
            description: row.try_get("description")?,
            linked: row.try_get("linked_to")?,
            deadline: from_ms(row.try_get("deadline_at")?),
            resolved: row.try_get::<Option<i64>, _>("resolved_at")?.map(from_ms),
            outcome: row.try_get("outcome")?,
            amount: row.try_get("amount_cents")?,
        })
    }
}

/// Complaint `id` as stored (it must exist).
pub async fn complaint(db: &impl Db, id: i64) -> ComplaintRow {
    sqlx::query_as("SELECT * FROM complaints WHERE id = ?1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("complaint row")
}

// ---------------------------------------------------------------- the outbox

/// One outbox row: a message the bot sends on its own (a ping, a reminder, a summary), with
/// where it is in its life.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    /// The dedupe key (`task:1:e1:due`).
    pub key: String,
    /// What planned it (`task:1`), for cancelling all of it at once.
    pub source: String,
    pub state: String,
    /// The channel's or the user's id.
    pub target: u64,
    pub reply: Reply,
    pub due: DateTime<Utc>,
    /// When it may be tried (again): its due time, or a retry's.
    pub available_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub platform_message_id: Option<String>,
    pub late_ms: Option<i64>,
}

impl OutboxRow {
    /// The part of the key after `<source kind>:<id>:` (`r1:due`, `2026-11-26T01:00:00Z:lead-0`).
    pub fn kind(&self) -> String {
        self.key.splitn(3, ':').nth(2).unwrap_or("").to_string()
    }
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for OutboxRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(OutboxRow {
            id: row.try_get("id")?,
            key: row.try_get("dedupe_key")?,
            source: row.try_get("source")?,
            state: row.try_get("state")?,
            target: id_out(row.try_get("target_id")?),
            reply: reply_of(row.try_get("payload")?)?,
            due: from_ms(row.try_get("due_at")?),
            available_at: from_ms(row.try_get("available_at")?),
            sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(from_ms),
            attempts: row.try_get("attempts")?,
            lease_owner: row.try_get("lease_owner")?,
            lease_until: row.try_get::<Option<i64>, _>("lease_until")?.map(from_ms),
            last_error: row.try_get("last_error")?,
            platform_message_id: row.try_get("platform_message_id")?,
            late_ms: row.try_get("late_ms")?,
        })
    }
}

/// The outbox rows where `condition` holds (SQL with `?1`, `?2`... bound to `args`), by due
/// time.
pub async fn outbox_where(db: &impl Db, condition: &str, args: &[&str]) -> Vec<OutboxRow> {
    let sql = format!("SELECT * FROM outbox WHERE {condition} ORDER BY due_at, id");
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for arg in args {
        query = query.bind(*arg);
    }
    query.fetch_all(db.pool()).await.expect("outbox rows")
}

/// The outbox row with dedupe key `key` (it must exist).
pub async fn outbox_row(db: &impl Db, key: &str) -> OutboxRow {
    outbox_where(db, "dedupe_key = ?1", &[key])
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no outbox row {key}"))
}

/// The outbox rows whose dedupe key starts with `prefix` (`summary:`), by due time.
pub async fn outbox_keyed(db: &impl Db, prefix: &str) -> Vec<OutboxRow> {
    outbox_where(db, "substr(dedupe_key, 1, length(?1)) = ?1", &[prefix]).await
}

/// Every outbox row of task `id` (its pings), by due time.
pub async fn task_pings(db: &impl Db, id: i64) -> Vec<OutboxRow> {
    outbox_where(db, "source = ?1", &[&format!("task:{id}")]).await
}

/// Every outbox row of complaint `id` (its pings and its serious alert), by due time.
pub async fn complaint_pings(db: &impl Db, id: i64) -> Vec<OutboxRow> {
    let (pings, alert) = (format!("complaint:{id}"), format!("complaint:{id}:serious"));
    outbox_where(db, "source = ?1 OR dedupe_key = ?2", &[&pings, &alert]).await
}

/// Every outbox row of activity `id` (its reminders and follow-ups), by due time.
pub async fn activity_pings(db: &impl Db, id: i64) -> Vec<OutboxRow> {
    outbox_where(db, "source = ?1", &[&format!("activity:{id}")]).await
}

/// The rows in `state` (`pending`, `sent`, `cancelled`...).
pub fn in_state<'a>(rows: &'a [OutboxRow], state: &str) -> Vec<&'a OutboxRow> {
    rows.iter().filter(|p| p.state == state).collect()
}

/// (dedupe key, state) of each row: a plan at a glance, to compare or to show on failure.
pub fn key_states(rows: &[OutboxRow]) -> Vec<(&str, &str)> {
    rows.iter()
        .map(|p| (p.key.as_str(), p.state.as_str()))
        .collect()
}

/// The row with dedupe key `key` among `rows` (it must be there).
pub fn by_key<'a>(rows: &'a [OutboxRow], key: &str) -> &'a OutboxRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:#?}"))
}

// ---------------------------------------------------------------- daily data

/// The id of the shell guild's shop called `name` (it must exist).
pub async fn shop_id(db: &impl Db, name: &str) -> i64 {
    let mut conn = db.pool().acquire().await.expect("conn");
    data::shops(&mut conn, 1)
        .await
        .expect("shops")
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no shop {name}"))
        .id
}
