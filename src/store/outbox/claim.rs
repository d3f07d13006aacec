//! Claiming due rows: one UPDATE takes them with a lease, and they are read back with their
//! messages in the same round trip; a row whose message does not decode is set apart.

use chrono::{DateTime, Utc};
use sqlx::{Row, SqliteConnection};

use super::{Target, target_from_parts};
use crate::message::Reply;
use crate::store::{StoreResult, from_ms, id_out, ms};

/// A claimed row, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub guild_id: u64,
    pub dedupe_key: String,
    /// Platform nonce derived from the dedupe key.
    pub nonce: String,
    pub source: String,
    pub target: Target,
    pub reply: Reply,
    pub due_at: DateTime<Utc>,
    /// Since when it could have been sent: its due time, or when its last retry was set for.
    /// A row claimable since long before now was missed while the bot was offline.
    pub available_at: DateTime<Utc>,
    /// Attempts including this one.
    pub attempts: u32,
    /// When an earlier attempt whose outcome is unknown started (the process died during it,
    /// or it timed out or got a 5xx): it may have been posted, so the platform is asked first.
    /// `None` when no attempt is in doubt (never tried, or every try ended with a clear answer).
    pub in_doubt_since: Option<DateTime<Utc>>,
}
/// The head of a batch read back, one row: a JSON array (NULL when no row) whose elements are
/// `[[row facts], payload]`, the payload as stored (written by `serde_json`, so embedded as it
/// is, not parsed again by SQLite). The rows are `s` (`outbox_state`) joined with `m`.
macro_rules! batch_select {
    () => {
        "SELECT '[' || group_concat('[' || json_array(s.id, s.attempts, s.available_at, s.in_doubt_since, m.guild_id, m.dedupe_key, m.nonce, m.source, m.target_kind, m.target_id, m.due_at) || ',' || m.payload || ']', ',') || ']'"
    };
}

/// Claims up to `limit` rows that are due by `now` (or whose lease ran out) for `owner` until
/// `lease_until`, in one UPDATE, so two dispatchers never hold the same row; then reads them
/// back with their messages.
pub async fn claim(
    conn: &mut SqliteConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> StoreResult<Batch> {
    // A token of this claim's own: the rows it takes are read back by it below, whatever else
    // this owner (or a dead process of the same name) holds with the same lease end.
    let token: i64 = rand::random();
    // One round trip to sqlx's worker thread (each costs two thread wake-ups, ~60 us here) for
    // the claim and the read back of what it took, as one row. The claim commits first.
    let batch: Option<String> = sqlx::query_scalar(CLAIM_SQL)
        .bind(owner)
        .bind(ms(lease_until))
        .bind(ms(now))
        .bind(limit as i64)
        .bind(token)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
    match decode_batch(batch) {
        Some(b) => Ok(b),
        // A payload that is not JSON at all breaks the array it was embedded in: read the rows
        // one by one, so only that row is poisoned.
        None => {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM outbox_state WHERE state = 'sending' AND lease_until = ?1 AND claim_token = ?2",
            )
            .bind(ms(lease_until))
            .bind(token)
            .fetch_all(&mut *conn)
            .await?;
            rows_one_by_one(conn, &ids).await
        }
    }
}

/// The claim: the `limit` (`?4`) rows claimable longest at `?3`, leased to `?1` until `?2` and
/// marked with the claim's token `?5`; then those rows read back with their messages as one
/// JSON array in one row (NULL when none), like `ROWS_OF_SQL`.
///
/// Each branch of the claim reads at most `limit` entries of its partial index in order; the
/// rows taken sit together in `outbox_state`, which is clustered by `available_at`. No
/// RETURNING: sqlx hands every returned row from its worker thread over on its own, a thread
/// wake-up each, which cost more than the claim itself. The read back finds the rows by their
/// lease end in `outbox_state_leased`.
pub const CLAIM_SQL: &str = concat!(
    "UPDATE outbox_state SET state = 'sending', lease_owner = ?1, lease_until = ?2, attempts = attempts + 1, claim_token = ?5,
            in_doubt_since = send_started_at, send_started_at = COALESCE(send_started_at, ?3)
     WHERE (available_at, id) IN (
         SELECT available_at, id FROM (
             SELECT available_at, id, t FROM (
                 SELECT available_at, id, available_at AS t FROM outbox_state
                 WHERE state = 'pending' AND available_at <= ?3 ORDER BY available_at LIMIT ?4)
             UNION ALL
             SELECT available_at, id, t FROM (
                 SELECT available_at, id, lease_until AS t FROM outbox_state
                 WHERE state = 'sending' AND lease_until <= ?3 ORDER BY lease_until LIMIT ?4)
         ) ORDER BY t LIMIT ?4
     );
     ",
    batch_select!(),
    "
     FROM outbox_state AS s JOIN outbox_message AS m ON m.id = s.id
     WHERE s.state = 'sending' AND s.lease_until = ?2 AND s.claim_token = ?5"
);

/// The rows of the ids in the JSON array `?1`, with their messages, as one JSON array in one
/// row (NULL when none).
pub const ROWS_OF_SQL: &str = concat!(
    batch_select!(),
    "
     FROM json_each(?1) AS j JOIN outbox_state AS s ON s.id = j.value JOIN outbox_message AS m ON m.id = s.id"
);

/// The messages of rows just changed (their ids), read back in one row.
async fn messages_of(conn: &mut SqliteConnection, ids: &[i64]) -> StoreResult<Batch> {
    if ids.is_empty() {
        return Ok(Batch::default());
    }
    let json = crate::store::json(ids)?;
    let batch: Option<String> = sqlx::query_scalar(ROWS_OF_SQL)
        .bind(json)
        .fetch_one(&mut *conn)
        .await?;
    match decode_batch(batch) {
        Some(b) => Ok(b),
        None => rows_one_by_one(conn, ids).await,
    }
}

/// A claimed row whose stored message does not decode (a bug, a hand-edited database, a
/// payload written by another version): it is failed on its own with the reason, never
/// holding up the rows claimed with it.
#[derive(Debug, Clone)]
pub struct Poisoned {
    pub id: i64,
    pub guild_id: u64,
    pub dedupe_key: String,
    pub source: String,
    /// Target, when it reads.
    pub target: Option<Target>,
    /// Why it does not decode.
    pub reason: String,
}

/// What one claim took: the rows to send, and those that do not decode.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Ready to send, in due order.
    pub rows: Vec<Claimed>,
    /// Rows whose stored message does not decode.
    pub poisoned: Vec<Poisoned>,
}

impl Batch {
    /// Nothing was claimed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.poisoned.is_empty()
    }
}

/// The facts of a row read back with its message, in the order of `batch_select!`.
type RowFacts = (
    i64,
    i64,
    i64,
    Option<i64>,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
);

/// Decodes a batch read back as one JSON array, in due order, each row on its own; `None` when
/// the array itself does not parse (a payload that is not JSON broke it).
fn decode_batch(batch: Option<String>) -> Option<Batch> {
    let Some(batch) = batch else {
        return Some(Batch::default());
    };
    let rows: Vec<(RowFacts, serde_json::Value)> = serde_json::from_str(&batch).ok()?;
    let mut out = Batch::default();
    for (facts, payload) in rows {
        decode_row(&mut out, facts, serde_json::from_value(payload));
    }
    out.rows.sort_by_key(|c| (c.due_at, c.id));
    Some(out)
}

/// Adds one row read back to `out`: ready to send, or poisoned with the reason.
fn decode_row(out: &mut Batch, facts: RowFacts, reply: Result<Reply, serde_json::Error>) {
    let (
        id,
        attempts,
        available_at,
        in_doubt_since,
        guild_id,
        dedupe_key,
        nonce,
        source,
        kind,
        target_id,
        due_at,
    ) = facts;
    let target = target_from_parts(&kind, target_id);
    match (reply, target) {
        (Ok(reply), Ok(target)) => out.rows.push(Claimed {
            id,
            guild_id: id_out(guild_id),
            dedupe_key,
            nonce,
            source,
            target,
            reply,
            due_at: from_ms(due_at),
            available_at: from_ms(available_at),
            attempts: attempts as u32,
            in_doubt_since: in_doubt_since.map(from_ms),
        }),
        (reply, target) => {
            let reason = match (&reply, &target) {
                (Err(e), _) => format!("stored message does not decode: {e}"),
                (_, Err(e)) => e.to_string(),
                _ => unreachable!("one of them failed"),
            };
            out.poisoned.push(Poisoned {
                id,
                guild_id: id_out(guild_id),
                dedupe_key,
                source,
                target: target.ok(),
                reason,
            })
        }
    }
}

/// The rows of `ids` read one by one, their payloads as plain text, so a payload that is not
/// JSON poisons only its own row.
async fn rows_one_by_one(conn: &mut SqliteConnection, ids: &[i64]) -> StoreResult<Batch> {
    let mut out = Batch::default();
    for id in ids {
        let row = sqlx::query(
            "SELECT s.id, s.attempts, s.available_at, s.in_doubt_since, m.guild_id, m.dedupe_key,
                    m.nonce, m.source, m.target_kind, m.target_id, m.due_at, m.payload
             FROM outbox_state AS s JOIN outbox_message AS m ON m.id = s.id WHERE s.id = ?1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(r) = row else { continue };
        let facts: RowFacts = (
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
            r.try_get(9)?,
            r.try_get(10)?,
        );
        let payload: String = r.try_get(11)?;
        decode_row(&mut out, facts, serde_json::from_str(&payload));
    }
    out.rows.sort_by_key(|c| (c.due_at, c.id));
    Ok(out)
}

/// Marks every pending row that could have been sent since before `cutoff` as skipped (except
/// the rows of `keep_source`) and returns them, so one digest per channel can list them. A row
/// waiting for a retry counts from its retry time, not its due time: it was not missed while
/// offline, it is being retried.
pub async fn skip_stale(
    conn: &mut SqliteConnection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    keep_source: &str,
) -> StoreResult<Batch> {
    let taken: Vec<i64> = sqlx::query_scalar(
        "UPDATE outbox_state SET state = 'skipped', late_ms = ?2 - m.due_at, lease_owner = NULL, lease_until = NULL
         FROM outbox_message AS m
         WHERE m.id = outbox_state.id AND outbox_state.state = 'pending' AND outbox_state.available_at < ?1
           AND m.source <> ?3
         RETURNING id",
    )
    .bind(ms(cutoff))
    .bind(ms(now))
    .bind(keep_source)
    .fetch_all(&mut *conn)
    .await?;
    messages_of(conn, &taken).await
}
