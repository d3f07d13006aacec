//! The outbox: one row per message the bot sends on its own. Rows are written in the same
//! transaction as the change that causes them, claimed with a lease by a dispatcher, and
//! recorded once sent. The unique dedupe key makes enqueueing idempotent.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::{StoreError, StoreResult, from_ms, id_in, id_out, ms};
use crate::message::Reply;
pub use crate::message::Target;

mod claim;
mod record;

pub use claim::{Batch, CLAIM_SQL, Claimed, Poisoned, ROWS_OF_SQL, claim, skip_stale};
pub use record::{
    KNOWN_MESSAGE_IDS_SQL, RECORD_SENT_SQL, SentRecord, known_message_ids, record_failed,
    record_retry, record_sent, record_skipped, renew_lease,
};

/// How a target is stored: its kind and its id.
fn target_kind(t: Target) -> &'static str {
    match t {
        Target::Channel(_) => "channel",
        Target::User(_) => "user",
    }
}

pub(crate) fn target_from_parts(kind: &str, id: i64) -> StoreResult<Target> {
    match kind {
        "channel" => Ok(Target::Channel(id_out(id))),
        "user" => Ok(Target::User(id_out(id))),
        other => Err(StoreError::Corrupt(format!("outbox target kind {other}"))),
    }
}

/// A message to enqueue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The guild it belongs to.
    pub guild_id: u64,
    /// Unique per message ever: `task:42:due-1h`, `activity:7:2026-11-30T02:00Z`.
    pub dedupe_key: String,
    /// What it belongs to (`task:42`), for cancelling and moving.
    pub source: String,
    pub target: Target,
    pub reply: Reply,
    /// When it is due.
    pub due_at: DateTime<Utc>,
}

/// The state of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting for its time.
    Pending,
    /// Claimed by a dispatcher.
    Sending,
    /// Delivered.
    Sent,
    /// Given up (permanent error or too many attempts).
    Failed,
    /// Too late after downtime; listed in a digest.
    Skipped,
    /// The thing behind it was cancelled.
    Cancelled,
}

impl OutboxState {
    /// Every state.
    pub const ALL: [OutboxState; 6] = [
        OutboxState::Pending,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Failed,
        OutboxState::Skipped,
        OutboxState::Cancelled,
    ];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Skipped => "skipped",
            OutboxState::Cancelled => "cancelled",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => OutboxState::Pending,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            "skipped" => OutboxState::Skipped,
            "cancelled" => OutboxState::Cancelled,
            _ => return None,
        })
    }
}

/// A row as listed by `/outbox list` and `/status`.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub dedupe_key: String,
    pub target: Target,
    pub state: OutboxState,
    pub due_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Headline of the message.
    pub title: Option<String>,
}

/// Discord accepts nonces of at most 25 characters: 24 hex digits of the key's SHA-256 are
/// unique enough and the same on every retry of the same message.
pub fn nonce_for(dedupe_key: &str) -> String {
    let digest = Sha256::digest(dedupe_key.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Enqueues a message; a message with the same dedupe key already there is left untouched.
/// Returns whether a row was added.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    msg: &NewMessage,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    put(conn, msg, now, &[]).await
}

/// Enqueues a message, or revives it when a row with the same key was cancelled (a replan that
/// keeps the same keys, e.g. a task started or its title edited): the row is pending again with
/// the new content and time. Rows already sent, failed or pending are left as they are.
pub async fn enqueue_or_revive(
    conn: &mut SqliteConnection,
    msg: &NewMessage,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    put(conn, msg, now, &[OutboxState::Cancelled]).await
}

/// Enqueues a message; when its key is already there in one of the `replace` states, the row
/// gets the new content, target and time and waits again (attempts and errors reset). Returns
/// whether a row was added or changed. Atomic: in a transaction of its own, or part of the
/// caller's (whose failure rolls it all back).
pub async fn put(
    conn: &mut SqliteConnection,
    msg: &NewMessage,
    now: DateTime<Utc>,
    replace: &[OutboxState],
) -> StoreResult<bool> {
    let changed = put_many(conn, std::slice::from_ref(msg), now, replace).await?;
    Ok(changed.first().copied().unwrap_or(false))
}

/// [`put`] for several messages at once, in four statements whatever their number (a task's
/// five pings were twenty: a savepoint, two inserts and a release each, every one a round trip
/// to the database's thread). Returns, for each message, whether its row was added or changed.
/// A key given twice is handled as if the messages were put one after the other.
pub async fn put_many(
    conn: &mut SqliteConnection,
    msgs: &[NewMessage],
    now: DateTime<Utc>,
    replace: &[OutboxState],
) -> StoreResult<Vec<bool>> {
    put_many_with(conn, msgs, now, replace, true).await
}

/// Revives messages replanned under the same keys whose rows were cancelled (they had not gone
/// out yet), with the new content and time; adds nothing for a key with no such row. For a
/// reminder whose time has just passed while its item was replanned: it goes out once, late,
/// instead of being lost; one that never existed is not made up.
pub async fn revive_many(
    conn: &mut SqliteConnection,
    msgs: &[NewMessage],
    now: DateTime<Utc>,
) -> StoreResult<Vec<bool>> {
    put_many_with(conn, msgs, now, &[OutboxState::Cancelled], false).await
}

/// Adds the messages of `[[guild, key, nonce, source, target kind, target id, payload, due],
/// …]` whose keys are new; returns their ids and keys (a key already there is for the revive).
macro_rules! put_insert_sql {
    () => {
        "INSERT INTO outbox_message (guild_id, dedupe_key, nonce, source, target_kind, target_id, payload, due_at, created_at)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
            j.value ->> 6, j.value ->> 7, ?2
     FROM json_each(?1) AS j WHERE true
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id, dedupe_key"
    };
}
/// [`put_insert_sql`] alone, for the query-plan test.
pub const PUT_INSERT_SQL: &str = put_insert_sql!();
/// [`put_insert_sql`], then the state rows of the messages it added (pending from their due
/// time), in one call: the rows one statement inserts get consecutive ids ending at
/// `last_insert_rowid()` (a table without AUTOINCREMENT gives each new row the largest id + 1),
/// and `changes()` says how many. Each state row returns its id, and [`put_rows`] checks that
/// they are the ids added.
const PUT_INSERT_WITH_STATE_SQL: &str = concat!(
    put_insert_sql!(),
    ";
     INSERT INTO outbox_state (available_at, id)
     SELECT m.due_at, m.id FROM outbox_message AS m
     WHERE m.id > last_insert_rowid() - changes() AND m.id <= last_insert_rowid()
     RETURNING id"
);
/// Revives the rows of `[[key, available_at], …]` that are in one of the states `?2`.
pub const PUT_REVIVE_SQL: &str = "UPDATE outbox_state SET state = 'pending', available_at = r.at, attempts = 0, last_error = NULL,
            lease_owner = NULL, lease_until = NULL
     FROM (SELECT m.id AS id, j.value ->> 1 AS at
           FROM json_each(?1) AS j JOIN outbox_message AS m ON m.dedupe_key = j.value ->> 0) AS r
     WHERE outbox_state.id = r.id AND outbox_state.state IN (SELECT value FROM json_each(?2))
     RETURNING id, (SELECT k.dedupe_key FROM outbox_message AS k WHERE k.id = outbox_state.id)";
/// The new content of revived rows: `[[id, target_kind, target_id, payload, due_at], …]`.
pub const PUT_CONTENT_SQL: &str = "UPDATE outbox_message
     SET target_kind = j.value ->> 1, target_id = j.value ->> 2, payload = j.value ->> 3, due_at = j.value ->> 4
     FROM json_each(?1) AS j WHERE outbox_message.id = j.value ->> 0";

async fn put_many_with(
    conn: &mut SqliteConnection,
    msgs: &[NewMessage],
    now: DateTime<Utc>,
    replace: &[OutboxState],
    insert: bool,
) -> StoreResult<Vec<bool>> {
    use sqlx::Connection;
    use std::collections::HashSet;
    if msgs.is_empty() {
        return Ok(Vec::new());
    }
    // A key given twice: the later message sees what the earlier one did, as one after the
    // other would.
    let mut seen = HashSet::new();
    if let Some(split) = msgs
        .iter()
        .position(|m| !seen.insert(m.dedupe_key.as_str()))
    {
        let mut changed =
            Box::pin(put_many_with(conn, &msgs[..split], now, replace, insert)).await?;
        changed.extend(Box::pin(put_many_with(conn, &msgs[split..], now, replace, insert)).await?);
        return Ok(changed);
    }
    // Inside a caller's transaction the statements run in it, without a savepoint of their own
    // (two round trips fewer): a failure is the caller's to roll back, as every caller does by
    // returning the error.
    if conn.is_in_transaction() {
        return put_rows(conn, msgs, now, replace, insert).await;
    }
    let mut tx = conn.begin().await?;
    let changed = put_rows(&mut tx, msgs, now, replace, insert).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The statements of [`put_many_with`], for messages of distinct keys.
async fn put_rows(
    conn: &mut SqliteConnection,
    msgs: &[NewMessage],
    now: DateTime<Utc>,
    replace: &[OutboxState],
    insert: bool,
) -> StoreResult<Vec<bool>> {
    use std::collections::HashMap;
    let payloads = msgs
        .iter()
        .map(|m| super::json(&m.reply))
        .collect::<StoreResult<Vec<_>>>()?;
    let mut changed: HashMap<&str, bool> = HashMap::new();
    if insert {
        let rows: Vec<serde_json::Value> = msgs
            .iter()
            .zip(&payloads)
            .map(|(m, payload)| {
                serde_json::json!([
                    id_in(m.guild_id),
                    m.dedupe_key,
                    nonce_for(&m.dedupe_key),
                    m.source,
                    target_kind(m.target),
                    id_in(m.target.id()),
                    payload,
                    ms(m.due_at),
                ])
            })
            .collect();
        // All rows of both statements: (id, key) of each message added, then (id) of each
        // state row.
        let rows: Vec<sqlx::sqlite::SqliteRow> = sqlx::query(PUT_INSERT_WITH_STATE_SQL)
            .bind(super::json(&rows)?)
            .bind(ms(now))
            .fetch_all(&mut *conn)
            .await?;
        let mut added: Vec<(i64, String)> = Vec::new();
        let mut states: Vec<i64> = Vec::new();
        for r in &rows {
            use sqlx::Row;
            if r.len() == 2 {
                added.push((r.try_get(0)?, r.try_get(1)?));
            } else {
                states.push(r.try_get(0)?);
            }
        }
        let mut ids: Vec<i64> = added.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        states.sort_unstable();
        if ids != states {
            return Err(StoreError::Corrupt(format!(
                "outbox: messages {ids:?} added with state rows {states:?}"
            )));
        }
        for m in msgs {
            if added.iter().any(|(_, key)| *key == m.dedupe_key) {
                changed.insert(m.dedupe_key.as_str(), true);
            }
        }
    }
    let rest: Vec<(usize, &NewMessage)> = msgs
        .iter()
        .enumerate()
        .filter(|(_, m)| !changed.contains_key(m.dedupe_key.as_str()))
        .collect();
    if !replace.is_empty() && !rest.is_empty() {
        let wanted: Vec<(&str, i64)> = rest
            .iter()
            .map(|(_, m)| (m.dedupe_key.as_str(), ms(m.due_at)))
            .collect();
        let states = super::json(&replace.iter().map(|s| s.as_str()).collect::<Vec<_>>())?;
        let revived: HashMap<String, i64> = sqlx::query_as(PUT_REVIVE_SQL)
            .bind(super::json(&wanted)?)
            .bind(states)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(id, key): (i64, String)| (key, id))
            .collect();
        if !revived.is_empty() {
            let mut content = Vec::with_capacity(revived.len());
            for (i, m) in &rest {
                if let Some(id) = revived.get(&m.dedupe_key) {
                    content.push(serde_json::json!([
                        id,
                        target_kind(m.target),
                        id_in(m.target.id()),
                        payloads[*i],
                        ms(m.due_at),
                    ]));
                    changed.insert(m.dedupe_key.as_str(), true);
                }
            }
            sqlx::query(PUT_CONTENT_SQL)
                .bind(super::json(&content)?)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(msgs
        .iter()
        .map(|m| changed.get(m.dedupe_key.as_str()).copied().unwrap_or(false))
        .collect())
}

/// Cancels every pending row of `source`. Returns how many.
pub async fn cancel_source(conn: &mut SqliteConnection, source: &str) -> StoreResult<u64> {
    let sql = "UPDATE outbox_state SET state = 'cancelled', lease_owner = NULL
         WHERE state = 'pending' AND id IN (SELECT id FROM outbox_message WHERE source = ?1)";
    crate::store::execute(conn, sql, &[source.into()]).await
}

/// Cancels the pending rows of `source` whose dedupe key starts with `prefix`.
pub async fn cancel_prefix(
    conn: &mut SqliteConnection,
    source: &str,
    prefix: &str,
) -> StoreResult<u64> {
    let sql = "UPDATE outbox_state SET state = 'cancelled'
         WHERE state = 'pending'
           AND id IN (SELECT id FROM outbox_message
                      WHERE source = ?1 AND substr(dedupe_key, 1, length(?2)) = ?2)";
    crate::store::execute(conn, sql, &[source.into(), prefix.into()]).await
}

/// Cancels the pending rows of `source` due after `after` whose keys are not in `keep`.
pub async fn cancel_unplanned(
    conn: &mut SqliteConnection,
    source: &str,
    after: DateTime<Utc>,
    keep: &[String],
) -> StoreResult<u64> {
    let keep = super::json(keep)?;
    let sql = "UPDATE outbox_state SET state = 'cancelled', lease_owner = NULL
         WHERE state = 'pending'
           AND id IN (SELECT id FROM outbox_message
                      WHERE source = ?1 AND due_at > ?2
                        AND dedupe_key NOT IN (SELECT value FROM json_each(?3)))";
    crate::store::execute(conn, sql, &[source.into(), ms(after).into(), keep.into()]).await
}

/// The newest message of a source, as far as a caller planning the next one needs it.
#[derive(Debug, Clone)]
pub struct Latest {
    pub dedupe_key: String,
    pub due_at: DateTime<Utc>,
    pub state: OutboxState,
    /// Send attempts so far (a pending row with attempts is waiting for a retry).
    pub attempts: u32,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The message of `source` queued last (read through `outbox_message_source`, newest id first).
pub async fn latest_of_source(
    conn: &mut SqliteConnection,
    source: &str,
) -> StoreResult<Option<Latest>> {
    let row = sqlx::query(
        "SELECT m.dedupe_key, m.due_at, s.state, s.attempts, s.sent_at
         FROM outbox_message m JOIN outbox_state s ON s.id = m.id
         WHERE m.source = ?1 ORDER BY m.id DESC LIMIT 1",
    )
    .bind(source)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let state: String = r.try_get("state")?;
    Ok(Some(Latest {
        dedupe_key: r.try_get("dedupe_key")?,
        due_at: from_ms(r.try_get("due_at")?),
        state: OutboxState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state}")))?,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        sent_at: r.try_get::<Option<i64>, _>("sent_at")?.map(from_ms),
    }))
}

/// Whether the message with this key has been delivered.
pub async fn was_sent(conn: &mut SqliteConnection, dedupe_key: &str) -> StoreResult<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM outbox_message m JOIN outbox_state s ON s.id = m.id
         WHERE m.dedupe_key = ?1 AND s.state = 'sent'",
    )
    .bind(dedupe_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Marks a failed row as reported; true only the first time, so a failure is reported once.
pub async fn mark_reported(conn: &mut SqliteConnection, id: i64) -> StoreResult<bool> {
    let sql = "UPDATE outbox_state SET reported = 1 WHERE id = ?1 AND reported = 0";
    Ok(crate::store::execute(conn, sql, &[id.into()]).await? == 1)
}

/// The earliest instant at which some row becomes claimable.
pub async fn next_wake(conn: &mut SqliteConnection) -> StoreResult<Option<DateTime<Utc>>> {
    let row: (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT MIN(available_at) FROM outbox_state WHERE state = 'pending'),
                (SELECT MIN(lease_until) FROM outbox_state WHERE state = 'sending')",
    )
    .fetch_one(conn)
    .await?;
    Ok(match row {
        (Some(a), Some(b)) => Some(from_ms(a.min(b))),
        (a, b) => a.or(b).map(from_ms),
    })
}

/// Row counts by state for one guild (or all when `guild_id` is None), from `outbox_counts`
/// (kept by triggers with every change of a row's state, migration 20261208180001).
pub async fn counts(
    conn: &mut SqliteConnection,
    guild_id: Option<u64>,
) -> StoreResult<Vec<(OutboxState, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(COUNTS_SQL)
        .bind(guild_id.map(id_in))
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| OutboxState::parse(&s).map(|s| (s, n)))
        .collect())
}

/// The statement of [`counts`]; also read by the query-plan test.
pub const COUNTS_SQL: &str =
    "SELECT state, SUM(n) FROM outbox_counts WHERE ?1 IS NULL OR guild_id = ?1
     GROUP BY state HAVING SUM(n) > 0 ORDER BY state";

const LISTED_COLUMNS: &str = "m.id, m.dedupe_key, m.target_kind, m.target_id, s.state, m.due_at, s.attempts, s.last_error, CASE WHEN json_valid(m.payload) THEN CASE WHEN json_type(m.payload, '$.title') = 'text' THEN m.payload ->> '$.title' END END AS title";

/// The statements of [`list`]: the guild's messages walked newest first, keeping those in the
/// state (for a state most rows are in), and the rows of a state other than sent read through
/// `outbox_state_unsent`, then sorted (for a rare one). Also read by the query-plan test.
pub fn list_sql() -> (String, String) {
    (
        format!(
            "SELECT {LISTED_COLUMNS} FROM outbox_message m INDEXED BY outbox_message_guild_due
             CROSS JOIN outbox_state s ON s.id = m.id
             WHERE m.guild_id = ?1 AND s.state = ?2 ORDER BY m.due_at DESC, m.id DESC LIMIT ?3"
        ),
        format!(
            "SELECT {LISTED_COLUMNS} FROM outbox_state s INDEXED BY outbox_state_unsent
             CROSS JOIN outbox_message m ON m.id = s.id
             WHERE s.state = ?2 AND s.state <> 'sent' AND m.guild_id = ?1
             ORDER BY m.due_at DESC, m.id DESC LIMIT ?3"
        ),
    )
}

/// The most recent rows in `state` for a guild. A state holding at least an eighth of the
/// guild's rows is found walking the guild's messages newest first (about eight rows read per
/// row listed); a rarer one (never `sent`) through the index of its state.
pub async fn list(
    conn: &mut SqliteConnection,
    guild_id: u64,
    state: OutboxState,
    limit: i64,
) -> StoreResult<Vec<Listed>> {
    let counts = counts(&mut *conn, Some(guild_id)).await?;
    let total: i64 = counts.iter().map(|c| c.1).sum();
    let n = counts
        .iter()
        .find(|c| c.0 == state)
        .map(|c| c.1)
        .unwrap_or(0);
    if n == 0 {
        return Ok(Vec::new());
    }
    let (by_time, by_state) = list_sql();
    let sql = if state != OutboxState::Sent && n * 8 < total {
        by_state
    } else {
        by_time
    };
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(id_in(guild_id))
        .bind(state.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let kind: String = r.try_get("target_kind")?;
            let state: String = r.try_get("state")?;
            Ok(Listed {
                id: r.try_get("id")?,
                dedupe_key: r.try_get("dedupe_key")?,
                target: target_from_parts(&kind, r.try_get("target_id")?)?,
                state: OutboxState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(state.clone()))?,
                due_at: from_ms(r.try_get("due_at")?),
                attempts: r.try_get::<i64, _>("attempts")? as u32,
                last_error: r.try_get("last_error")?,
                title: r.try_get("title")?,
            })
        })
        .collect()
}

/// Puts failed rows of a guild (one, or all) back in the queue, due now. Returns how many.
pub async fn retry_failed(
    conn: &mut SqliteConnection,
    guild_id: u64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    // Due now, so it is neither "late" nor skipped as stale when it goes out.
    sqlx::query(
        "UPDATE outbox_message SET due_at = ?3
         WHERE guild_id = ?1 AND (?2 IS NULL OR id = ?2)
           AND id IN (SELECT id FROM outbox_state WHERE state = 'failed')",
    )
    .bind(id_in(guild_id))
    .bind(id)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query(
        "UPDATE outbox_state SET state = 'pending', available_at = ?3, attempts = 0, reported = 0
         WHERE state = 'failed' AND (?2 IS NULL OR id = ?2)
           AND id IN (SELECT id FROM outbox_message WHERE guild_id = ?1)",
    )
    .bind(id_in(guild_id))
    .bind(id)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
