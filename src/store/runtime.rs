//! What the running bot reports about itself (`runtime_status`): one row per concern, written
//! by the process that knows, read by `/status` in any front-end on the same database.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{StoreResult, from_ms, ms};

/// The state of the slash-command registration with the chat platform.
pub const COMMANDS: &str = "commands";

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
    sqlx::query(
        "INSERT INTO runtime_status (key, value, ok, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, ok = excluded.ok,
             updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(ok)
    .bind(ms(now))
    .execute(conn)
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
