//! Bounded growth: messages the outbox is done with (sent, skipped, failed, cancelled) are
//! deleted `outbox.keep_days` after they were due, a small batch at a time, and the file gives
//! the freed pages back to the disk (incremental vacuum).
//!
//! Kept apart from `outbox.rs` (claiming and recording deliveries): pruning only ever touches
//! rows no claim will take again.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{StoreResult, ms};

/// The `runtime_status` key of the last pruning pass (its value: rows deleted then).
pub const PRUNED: &str = "outbox_pruned";

/// The rows of one batch: the oldest finished messages due before ?1. A range of the primary
/// key of `outbox_state` (clustered by `available_at`), so a batch reads a few pages however
/// long the history; the message's state row goes with it (`ON DELETE CASCADE`). Also read by
/// the query-plan test.
pub const PRUNE_SQL: &str = "DELETE FROM outbox_message WHERE id IN (
    SELECT id FROM outbox_state
    WHERE available_at < ?1 AND state IN ('sent', 'skipped', 'failed', 'cancelled')
    ORDER BY available_at LIMIT ?2)";

/// Deletes at most `batch` finished messages due before `before`, in one short transaction;
/// returns how many went.
pub async fn prune_batch(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
    batch: i64,
) -> StoreResult<u64> {
    let mut tx = super::write_tx(conn).await?;
    let done = sqlx::query(PRUNE_SQL)
        .bind(ms(before))
        .bind(batch)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Gives up to `pages` (0: all) free pages back to the file system (with `auto_vacuum = INCREMENTAL`;
/// a no-op on a database in another mode); returns the free pages left.
pub async fn vacuum_some(conn: &mut SqliteConnection, pages: i64) -> StoreResult<i64> {
    // `incremental_vacuum` frees one page per step of its result set: fetch them all.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA incremental_vacuum({})",
        pages.max(0)
    )))
    .fetch_all(&mut *conn)
    .await?;
    let (free,): (i64,) = sqlx::query_as("PRAGMA freelist_count")
        .fetch_one(conn)
        .await?;
    Ok(free)
}
