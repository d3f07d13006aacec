//! Queueing and cancelling: one row per dedupe key, cancelling a source in the change's own
//! transaction, nonces short and stable per key, and rows queued before the outbox was split
//! in two that survive the migration.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use sqlx::Connection;
use storeops::app::{App, Reply};
use storeops::clock::{Clock, ManualClock};
use storeops::store::ms;
use storeops::store::outbox::{self, Target, nonce_for};

use crate::support::outbox::{CH_A, GUILD, dispatcher, enqueue, message, run_due, state_counts};
use crate::support::store::{outbox_row, outbox_where};
use crate::support::{RecordingSink, TestApp};

#[tokio::test]
async fn enqueue_is_idempotent_on_the_dedupe_key() {
    let t = TestApp::new().await;
    let due = t.clock.now() + Duration::hours(1);
    let first = message(GUILD, "task:5:due-1h", "task:5", Target::User(42), due);
    let mut second = first.clone();
    second.reply = Reply::titled("another text");
    second.due_at = due + Duration::hours(1);
    assert!(enqueue(&t.app, &first).await);
    assert!(!enqueue(&t.app, &second).await);
    let app2 = t.restart().await;
    assert!(!enqueue(&app2, &first).await);
    let rows = outbox_where(&t.app, "dedupe_key = ?1", &["task:5:due-1h"]).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].due, due, "the first one is kept");
    assert_eq!(state_counts(&t.app).await.values().sum::<i64>(), 1);

    let sink = RecordingSink::new();
    let d = dispatcher(&t.app, &sink, "p");
    t.clock.set(due);
    assert_eq!(run_due(&d).await.sent, 1);
    assert_eq!(
        sink.calls()[0].reply.title.as_deref(),
        Some("title of task:5:due-1h")
    );
}

#[tokio::test]
async fn cancelling_a_source_cancels_its_pending_rows_only_and_they_are_never_sent() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let sink = RecordingSink::new();
    let d = dispatcher(&t.app, &sink, "p");
    enqueue(
        &t.app,
        &message(
            GUILD,
            "task:9:created",
            "task:9",
            Target::Channel(CH_A),
            now,
        ),
    )
    .await;
    assert_eq!(run_due(&d).await.sent, 1);
    for (key, hours) in [("task:9:due-24h", 1), ("task:9:due-1h", 2)] {
        let m = message(
            GUILD,
            key,
            "task:9",
            Target::User(42),
            now + Duration::hours(hours),
        );
        enqueue(&t.app, &m).await;
    }
    enqueue(
        &t.app,
        &message(
            GUILD,
            "task:10:due-1h",
            "task:10",
            Target::User(42),
            now + Duration::hours(2),
        ),
    )
    .await;

    // Cancelled in the same transaction as the change behind it; a rollback cancels nothing.
    {
        let mut conn = t.app.store.pool.acquire().await.expect("connection");
        let mut tx = conn.begin().await.expect("begin");
        assert_eq!(
            outbox::cancel_source(&mut tx, "task:9")
                .await
                .expect("cancel"),
            2
        );
        tx.rollback().await.expect("rollback");
        assert_eq!(outbox_row(&t.app, "task:9:due-1h").await.state, "pending");
        let mut tx = conn.begin().await.expect("begin");
        assert_eq!(
            outbox::cancel_source(&mut tx, "task:9")
                .await
                .expect("cancel"),
            2
        );
        tx.commit().await.expect("commit");
    }
    assert_eq!(outbox_row(&t.app, "task:9:created").await.state, "sent");
    assert_eq!(
        outbox_row(&t.app, "task:9:due-24h").await.state,
        "cancelled"
    );
    assert_eq!(outbox_row(&t.app, "task:9:due-1h").await.state, "cancelled");
    assert_eq!(outbox_row(&t.app, "task:10:due-1h").await.state, "pending");

    t.clock.advance(Duration::hours(3));
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1);
    let keys: Vec<String> = sink.calls().into_iter().map(|c| c.dedupe_key).collect();
    assert_eq!(keys, vec!["task:9:created", "task:10:due-1h"]);
    assert_eq!(outbox_row(&t.app, "task:9:due-1h").await.state, "cancelled");

    // Cancelling again changes nothing (the sent row stays sent).
    let mut conn = t.app.store.pool.acquire().await.expect("connection");
    assert_eq!(
        outbox::cancel_source(&mut conn, "task:9")
            .await
            .expect("cancel"),
        0
    );
    assert_eq!(outbox_row(&t.app, "task:9:created").await.state, "sent");
}

#[tokio::test]
async fn nonce_is_short_stable_and_distinct_per_key() {
    let keys = [
        "task:42:due-1h",
        "task:42:due-24h",
        "activity:7:2026-11-30T02:00Z",
        "sched:weekly-ny:2026-03-09T14:00:00Z",
        "",
        "一个很长很长的去重键——with unicode and a length well beyond twenty-five characters",
    ];
    let nonces: Vec<String> = keys.iter().map(|k| nonce_for(k)).collect();
    for (k, n) in keys.iter().zip(&nonces) {
        assert!(n.len() <= 25, "{k:?} -> {n:?}");
        assert!(!n.is_empty());
        assert!(n.is_ascii());
        assert_eq!(&nonce_for(k), n, "stable");
    }
    let mut distinct = nonces.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len(), "{nonces:?}");

    // The stored row and what the sink sees carry the same nonce.
    let t = TestApp::new().await;
    enqueue(
        &t.app,
        &message(GUILD, keys[0], "task:42", Target::User(5), t.clock.now()),
    )
    .await;
    let sink = RecordingSink::new();
    run_due(&dispatcher(&t.app, &sink, "p")).await;
    assert_eq!(sink.calls()[0].nonce, nonces[0]);
}

/// A database written before the outbox was split in two (migration 9) keeps every row, its
/// state and its history, and the split outbox goes on from there: the waiting row is sent once,
/// the sent one is not sent again, and enqueueing a known key is still a no-op.
#[tokio::test]
async fn rows_queued_before_the_outbox_split_survive_the_migration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        let old = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                storeops::store::MIGRATOR
                    .iter()
                    .filter(|m| m.version <= 20261123000007)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&opts)
            .await
            .expect("open");
        old.run(&mut conn).await.expect("old migrations");
        let payload =
            serde_json::to_string(&Reply::titled("kept title").line("kept body")).expect("payload");
        let due = ms(crate::support::start_instant());
        for (key, state, sent_at, message_id) in [
            ("old:waiting", "pending", None, None),
            ("old:sent", "sent", Some(due), Some("555")),
            ("old:failed", "failed", None, None),
        ] {
            sqlx::query(
                "INSERT INTO outbox (guild_id, dedupe_key, nonce, source, target_kind, target_id, payload, due_at,
                                     available_at, state, attempts, last_error, sent_at, platform_message_id, created_at)
                 VALUES (?1, ?2, ?3, 'old', 'channel', ?4, ?5, ?6, ?6, ?7, 1, 'boom', ?8, ?9, ?6)",
            )
            .bind(GUILD as i64)
            .bind(key)
            .bind(nonce_for(key))
            .bind(CH_A as i64)
            .bind(&payload)
            .bind(due)
            .bind(state)
            .bind(sent_at)
            .bind(message_id)
            .execute(&mut conn)
            .await
            .expect("old row");
        }
        conn.close().await.expect("close");
    }

    let mut config = storeops::config::Config::defaults();
    config.database.path = path.clone();
    config.activities.seed_defaults = false;
    let store = storeops::store::Store::open(&path, StdDuration::from_secs(5))
        .await
        .expect("migrates to the split outbox");
    let clock = ManualClock::new(crate::support::start_instant());
    let app = &App::new(store, Arc::new(clock.clone()), Arc::new(config));
    let kept = outbox_where(app, "source = ?1", &["old"]).await;
    let kept: Vec<(&str, &str, Option<&str>, Option<&str>)> = kept
        .iter()
        .map(|r| {
            (
                r.key.as_str(),
                r.state.as_str(),
                r.platform_message_id.as_deref(),
                r.last_error.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            ("old:waiting", "pending", None, Some("boom")),
            ("old:sent", "sent", Some("555"), Some("boom")),
            ("old:failed", "failed", None, Some("boom")),
        ]
    );

    let again = message(
        GUILD,
        "old:waiting",
        "old",
        Target::Channel(CH_A),
        clock.now(),
    );
    assert!(
        !enqueue(app, &again).await,
        "a known key is not queued twice"
    );
    let sink = RecordingSink::new();
    let d = dispatcher(app, &sink, "after-split");
    let stats = run_due(&d).await;
    assert_eq!(stats.sent, 1, "{stats:?}");
    let calls = sink.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].dedupe_key, "old:waiting");
    assert_eq!(calls[0].reply.title.as_deref(), Some("kept title"));
    assert_eq!(outbox_row(app, "old:waiting").await.state, "sent");
}
