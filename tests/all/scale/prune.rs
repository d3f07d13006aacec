//! Bounded growth: the outbox messages the bot is done with are deleted `outbox.keep_days`
//! after they were due, in batches, at most once an hour, by the job the dispatcher runs; the
//! freed pages go back to the disk (incremental vacuum), also in a file made before that mode.

use std::str::FromStr;

use chrono::Duration;
use sqlx::ConnectOptions;
use storeops::app::jobs;
use storeops::store::outbox::Target;
use storeops::store::{Store, ms};

use crate::support::TestApp;
use crate::support::outbox::{CH_A, GUILD, enqueue_all, message};
use crate::support::store::{Db, count};

/// Queues `n` messages keyed `{prefix}-i` due now, and puts them in `state`.
async fn queue_in_state(t: &TestApp, prefix: &str, n: usize, state: &str) {
    let now = t.clock_now();
    let msgs: Vec<_> = (0..n)
        .map(|i| {
            let mut m = message(
                GUILD,
                &format!("{prefix}-{i}"),
                "test",
                Target::Channel(CH_A),
                now,
            );
            // The size of a morning summary with its chart, so pruning frees real pages.
            m.reply = m.reply.line("x".repeat(2_000));
            m
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;
    sqlx::query(
        "UPDATE outbox_state SET state = ?1, sent_at = CASE WHEN ?1 = 'sent' THEN ?2 END
         WHERE id IN (SELECT id FROM outbox_message WHERE dedupe_key LIKE ?3)",
    )
    .bind(state)
    .bind(ms(now))
    .bind(format!("{prefix}-%"))
    .execute(t.pool())
    .await
    .expect("set state");
}

async fn keys_left(t: &TestApp, prefix: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE ?1")
        .bind(format!("{prefix}-%"))
        .fetch_one(t.pool())
        .await
        .expect("count");
    n
}

#[tokio::test]
async fn finished_messages_go_after_keep_days_in_batches_and_the_file_shrinks() {
    let t = TestApp::quiet().await;
    assert_eq!(t.app.config.outbox.keep, Duration::days(90), "the default");
    queue_in_state(&t, "sent", 1_100, "sent").await;
    queue_in_state(&t, "failed", 30, "failed").await;
    queue_in_state(&t, "skipped", 30, "skipped").await;
    queue_in_state(&t, "cancelled", 30, "cancelled").await;
    // Still waiting (e.g. waiting for a retry) or being sent: never deleted, however old.
    queue_in_state(&t, "pending", 5, "pending").await;
    queue_in_state(&t, "sending", 5, "sending").await;
    t.clock.advance(Duration::days(60));
    queue_in_state(&t, "recent", 40, "sent").await;

    // Day 89 after the first ones: nothing is old enough.
    t.clock.advance(Duration::days(29));
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 0);
    let pages_before = count(&t, "SELECT page_count FROM pragma_page_count()").await;

    // Day 91 (the hour gate has passed): every finished old one goes, in batches of 500.
    t.clock.advance(Duration::days(2));
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 1_190);
    for (prefix, left) in [
        ("sent", 0),
        ("failed", 0),
        ("skipped", 0),
        ("cancelled", 0),
        ("pending", 5),
        ("sending", 5),
        ("recent", 40),
    ] {
        assert_eq!(keys_left(&t, prefix).await, left, "{prefix}");
    }
    // The state rows went with their messages.
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM outbox_state").await,
        count(&t, "SELECT COUNT(*) FROM outbox_message").await
    );
    // The freed pages went back to the disk.
    assert_eq!(
        count(&t, "SELECT freelist_count FROM pragma_freelist_count()").await,
        0
    );
    let pages_after = count(&t, "SELECT page_count FROM pragma_page_count()").await;
    assert!(
        pages_after * 3 < pages_before,
        "{pages_before} pages before, {pages_after} after"
    );

    // At most once an hour.
    queue_in_state(&t, "late", 1, "sent").await;
    sqlx::query("UPDATE outbox_state SET available_at = 0 WHERE id = (SELECT id FROM outbox_message WHERE dedupe_key = 'late-0')")
        .execute(t.pool())
        .await
        .expect("age it");
    t.clock.advance(Duration::minutes(59));
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 0);
    assert_eq!(keys_left(&t, "late").await, 1);
    t.clock.advance(Duration::minutes(2));
    // Through the jobs the dispatcher runs on each pass.
    jobs::run_due(&t.app).await.expect("jobs");
    assert_eq!(keys_left(&t, "late").await, 0);
    assert_eq!(keys_left(&t, "recent").await, 40);
}

#[tokio::test]
async fn a_long_backlog_continues_at_the_next_pass() {
    let t = TestApp::quiet().await;
    queue_in_state(&t, "old", 10_600, "sent").await;
    t.clock.advance(Duration::days(91));
    // 20 batches of 500 per pass; the rest at the very next pass, not an hour later.
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 10_000);
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 600);
    assert_eq!(jobs::prune_outbox(&t.app).await.expect("prune"), 0);
    assert_eq!(keys_left(&t, "old").await, 0);
}

#[tokio::test]
async fn a_file_made_without_incremental_vacuum_is_converted_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite:")
            .expect("options")
            .filename(&path)
            .create_if_missing(true)
            .connect()
            .await
            .expect("old file");
        sqlx::query("CREATE TABLE before_us (x INTEGER); INSERT INTO before_us VALUES (42);")
            .execute(&mut conn)
            .await
            .expect("old table");
        let (mode,): (i64,) = sqlx::query_as("PRAGMA auto_vacuum")
            .fetch_one(&mut conn)
            .await
            .expect("mode");
        assert_eq!(mode, 0, "SQLite's default: no auto vacuum");
    }
    let store = Store::open(&path, std::time::Duration::from_secs(5))
        .await
        .expect("open");
    let (mode,): (i64,) = sqlx::query_as("PRAGMA auto_vacuum")
        .fetch_one(&store.pool)
        .await
        .expect("mode");
    assert_eq!(mode, 2, "incremental");
    let (x,): (i64,) = sqlx::query_as("SELECT x FROM before_us")
        .fetch_one(&store.pool)
        .await
        .expect("kept");
    assert_eq!(x, 42);
    store.close().await;
}
