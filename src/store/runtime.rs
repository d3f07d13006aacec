//! What the running bot reports about itself (`runtime_status`): one row per concern, written
//! by the process that knows, read by `/status` in any front-end on the same database.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{StoreResult, from_ms, ms};

/// The state of the slash-command registration with the chat platform.
pub const COMMANDS: &str = "commands";

/// The last daily backup: its file and size, or why it failed.
pub const BACKUP: &str = "backup";

/// One reported state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What it says (a count, or the platform's reason for refusing).
    pub value: String,
    /// Whether all is well.
    pub ok: bool,
    /// When it was written.
    pub updated_at: DateTime<Utc>,
}

/// Whether the database has room for `bytes` more: writes that much in a transaction that is
/// rolled back, so nothing stays. Fails with the database's error (`SQLITE_FULL`) when not.
pub async fn probe_room(conn: &mut SqliteConnection, bytes: i64) -> StoreResult<()> {
    let mut tx = super::write_tx(conn).await?;
    sqlx::query(
        "INSERT INTO runtime_status (key, value, ok, updated_at) VALUES ('room-probe', hex(randomblob(?1)), 1, 0)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(bytes / 2)
    .execute(&mut *tx)
    .await?;
    tx.rollback().await?;
    Ok(())
}

/// Records the state of `key`.
pub async fn set(
    conn: &mut SqliteConnection,
    key: &str,
    value: &str,
    ok: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = "INSERT INTO runtime_status (key, value, ok, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, ok = excluded.ok,
             updated_at = excluded.updated_at";
    super::execute(
        conn,
        sql,
        &[key.into(), value.into(), ok.into(), ms(now).into()],
    )
    .await?;
    Ok(())
}

/// The state of `key`, if any process reported one.
pub async fn get(conn: &mut SqliteConnection, key: &str) -> StoreResult<Option<Status>> {
    let row: Option<(String, bool, i64)> =
        sqlx::query_as("SELECT value, ok, updated_at FROM runtime_status WHERE key = ?")
            .bind(key)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(value, ok, at)| Status {
        value,
        ok,
        updated_at: from_ms(at),
    }))
}

/// Marks that a process delivered on the real clock on this database (when it last did): a
/// manual clock (`shell --now`) is then refused on it, so it cannot mark real reminders
/// skipped or sent.
pub const REAL_CLOCK: &str = "real-clock";

/// The process holding the run lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub owner: String,
    /// `bot` or `shell`.
    pub kind: String,
    pub pid: i64,
    pub heartbeat_at: DateTime<Utc>,
}

/// Takes the run lock for `owner` unless a live process holds it (a heartbeat at or after
/// `stale_before`); returns that process when it does.
pub async fn try_lock(
    conn: &mut SqliteConnection,
    owner: &str,
    kind: &str,
    pid: i64,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> StoreResult<Result<(), LockHolder>> {
    let took: Option<String> = sqlx::query_scalar(
        "INSERT INTO run_lock (id, owner, kind, pid, started_at, heartbeat_at) VALUES (1, ?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, kind = excluded.kind, pid = excluded.pid,
             started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
         WHERE run_lock.heartbeat_at < ?5 OR run_lock.owner = excluded.owner
         RETURNING owner",
    )
    .bind(owner)
    .bind(kind)
    .bind(pid)
    .bind(ms(now))
    .bind(ms(stale_before))
    .fetch_optional(&mut *conn)
    .await?;
    if took.is_some() {
        return Ok(Ok(()));
    }
    Ok(lock_holder(conn, stale_before).await?.map_or(Ok(()), Err))
}

/// The live holder of the run lock (heartbeat at or after `stale_before`), if any.
pub async fn lock_holder(
    conn: &mut SqliteConnection,
    stale_before: DateTime<Utc>,
) -> StoreResult<Option<LockHolder>> {
    let row: Option<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT owner, kind, pid, heartbeat_at FROM run_lock WHERE id = 1 AND heartbeat_at >= ?1",
    )
    .bind(ms(stale_before))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(owner, kind, pid, at)| LockHolder {
        owner,
        kind,
        pid,
        heartbeat_at: from_ms(at),
    }))
}

/// Renews `owner`'s heartbeat; false when it no longer holds the lock.
pub async fn heartbeat(
    conn: &mut SqliteConnection,
    owner: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let sql = "UPDATE run_lock SET heartbeat_at = ?1 WHERE id = 1 AND owner = ?2";
    Ok(super::execute(conn, sql, &[ms(now).into(), owner.into()]).await? == 1)
}

/// Gives the lock up (on a clean stop), so the next process need not wait for it to go stale.
pub async fn unlock(conn: &mut SqliteConnection, owner: &str) -> StoreResult<()> {
    let sql = "DELETE FROM run_lock WHERE id = 1 AND owner = ?1";
    super::execute(conn, sql, &[owner.into()]).await?;
    Ok(())
}
