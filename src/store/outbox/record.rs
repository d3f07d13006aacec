//! Recording what happened to claimed rows: sent, put back for a retry, failed, skipped —
//! each only while the recording dispatcher still holds the row's lease.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::store::{StoreResult, ms};

/// A delivered row.
#[derive(Debug, Clone)]
pub struct SentRecord {
    pub id: i64,
    pub message_id: String,
    /// How late it went out, in milliseconds (0 when on time).
    pub late_ms: i64,
}

/// Records deliveries in one statement, each only while `owner` still holds its row (like
/// retry and fail): a row whose lease ran out and that another dispatcher took since is that
/// one's to record. Returns how many were recorded.
pub async fn record_sent(
    conn: &mut SqliteConnection,
    owner: &str,
    sent: &[SentRecord],
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    if sent.is_empty() {
        return Ok(0);
    }
    let json = serde_json::Value::Array(
        sent.iter()
            .map(|s| serde_json::json!([s.id, s.message_id, s.late_ms]))
            .collect(),
    )
    .to_string();
    crate::store::execute(
        conn,
        RECORD_SENT_SQL,
        &[ms(now).into(), json.into(), owner.into()],
    )
    .await
}

/// Extends the lease of `owner`'s rows `ids` still being sent to `until`, so a batch whose
/// sends take longer than the lease is not claimed again meanwhile. Returns how many.
pub async fn renew_lease(
    conn: &mut SqliteConnection,
    owner: &str,
    ids: &[i64],
    until: DateTime<Utc>,
) -> StoreResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let json = crate::store::json(ids)?;
    let sql = "UPDATE outbox_state SET lease_until = ?1
         WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'sending' AND lease_owner = ?3";
    crate::store::execute(conn, sql, &[ms(until).into(), json.into(), owner.into()]).await
}

/// The record of deliveries: `?2` is a JSON array of `[id, message id, late ms]`, `?3` the
/// lease owner recording them.
pub const RECORD_SENT_SQL: &str = "UPDATE outbox_state SET state = 'sent', sent_at = ?1, lease_owner = NULL, lease_until = NULL, last_error = NULL,
            platform_message_id = j.value ->> 1, late_ms = j.value ->> 2,
            send_started_at = NULL, in_doubt_since = NULL
     FROM json_each(?2) AS j
     WHERE outbox_state.id = j.value ->> 0 AND outbox_state.state = 'sending' AND outbox_state.lease_owner = ?3";

/// Puts a row back to wait for a retry at `retry_at`, unless another dispatcher has taken it
/// since (its lease ran out): that one's outcome stands. `maybe_posted`: the attempt ended
/// without a clear answer (a timeout, a network error, a 5xx), so the message may be there and
/// the next attempt asks the platform first; a clear "not now" (a 429) leaves nothing in doubt.
pub async fn record_retry(
    conn: &mut SqliteConnection,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: DateTime<Utc>,
    maybe_posted: bool,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox_state SET state = 'pending', available_at = ?2, last_error = ?3, lease_owner = NULL, lease_until = NULL,
                send_started_at = CASE WHEN ?5 THEN send_started_at END
         WHERE id = ?1 AND state = 'sending' AND lease_owner = ?4",
    )
    .bind(id)
    .bind(ms(retry_at))
    .bind(error)
    .bind(owner)
    .bind(maybe_posted)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a row failed for good (unless another dispatcher has taken it since). Returns
/// whether it was this dispatcher's to fail.
pub async fn record_failed(
    conn: &mut SqliteConnection,
    id: i64,
    owner: &str,
    error: &str,
) -> StoreResult<bool> {
    let sql = "UPDATE outbox_state SET state = 'failed', last_error = ?2, lease_owner = NULL, lease_until = NULL,
                send_started_at = NULL
         WHERE id = ?1 AND state = 'sending' AND lease_owner = ?3";
    Ok(crate::store::execute(conn, sql, &[id.into(), error.into(), owner.into()]).await? == 1)
}

/// Marks rows skipped (too late after downtime).
pub async fn record_skipped(
    conn: &mut SqliteConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let json = crate::store::json(ids)?;
    let sql = "UPDATE outbox_state SET state = 'skipped', lease_owner = NULL, lease_until = NULL, late_ms = ?2 - m.due_at
         FROM outbox_message AS m
         WHERE m.id = outbox_state.id AND outbox_state.id IN (SELECT value FROM json_each(?1))
           AND outbox_state.state = 'sending'";
    crate::store::execute(conn, sql, &[json.into(), ms(now).into()]).await?;
    Ok(())
}

/// Which of the platform's message ids `ids` are recorded as the delivery of some row: a
/// message found on the platform that is already another row's is not a lost delivery. Only
/// read when a row is in doubt (after a crash or a timeout), never on the usual path.
pub async fn known_message_ids(
    conn: &mut SqliteConnection,
    ids: &[String],
) -> StoreResult<std::collections::HashSet<String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let json = crate::store::json(ids)?;
    let known: Vec<String> = sqlx::query_scalar(KNOWN_MESSAGE_IDS_SQL)
        .bind(json)
        .fetch_all(conn)
        .await?;
    Ok(known.into_iter().collect())
}

/// The statement of [`known_message_ids`]: through `outbox_state_platform_message` (migration
/// `20261209200001`), one index probe per id.
pub const KNOWN_MESSAGE_IDS_SQL: &str = "SELECT platform_message_id FROM outbox_state
     WHERE platform_message_id IN (SELECT value FROM json_each(?1))";
