//! Faults production brings to the outbox (issue #20): a stored message that does not decode
//! is failed on its own and reported while its batch mates go out; each send is recorded as
//! soon as it returns, so a crash re-sends at most what was in flight; a send that returns
//! after another dispatcher took its row over does not record it.

use std::sync::Arc;

use chrono::Duration;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::clock::Clock;
use storeops::outbox::{Delivered, Dispatcher};
use storeops::store::outbox::{NewMessage, Target};

use super::slow_sends::GateSink;
use crate::support::outbox::{
    CH_A, CH_B, ESCALATION, enqueue_all, message, setup_guild, transient,
};
use crate::support::store::{count, outbox_row};
use crate::support::{PATIENCE, RecordingSink, TestApp, eventually};

/// Replaces the stored message of `key` with `payload` (what a bug, another version or a
/// hand edit can leave behind).
async fn corrupt(t: &TestApp, key: &str, payload: &str) {
    let done = sqlx::query("UPDATE outbox_message SET payload = ?1 WHERE dedupe_key = ?2")
        .bind(payload)
        .bind(key)
        .execute(&t.app.store.pool)
        .await
        .expect("corrupt");
    assert_eq!(done.rows_affected(), 1);
}

/// The id, state and last error of the row of `key`, whatever its payload.
async fn state_of(t: &TestApp, key: &str) -> (i64, String, String) {
    sqlx::query_as("SELECT id, state, coalesce(last_error, '') FROM outbox WHERE dedupe_key = ?1")
        .bind(key)
        .fetch_one(&t.app.store.pool)
        .await
        .expect("row")
}

/// 100 rows over two channels, two of them poisoned (one a payload of the wrong shape, one not
/// JSON at all): the 98 others are delivered in the first pass; each poisoned row is failed
/// with the reason, reported once to the escalation channel, and listed by `/status` and
/// `/outbox list state:failed`. Nothing stays `sending`.
#[tokio::test]
async fn poison_rows_among_100_are_failed_and_reported_while_the_others_go_out() {
    let t = TestApp::quiet().await;
    setup_guild(&t.app, SHELL_GUILD, Some(ESCALATION)).await;
    let now = t.clock.now();
    let msgs: Vec<NewMessage> = (0..100)
        .map(|i| {
            let ch = if i % 2 == 0 { CH_A } else { CH_B };
            message(
                SHELL_GUILD,
                &format!("bulk:{i}"),
                "bulk",
                Target::Channel(ch),
                now - Duration::seconds(100 - i),
            )
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;
    corrupt(&t, "bulk:17", r#"{"title": 5}"#).await;
    corrupt(&t, "bulk:60", r#"{"title": "cut off"#).await;
    let poisoned = ["bulk:17", "bulk:60"];

    let sink = RecordingSink::new();
    let d = Dispatcher::new(&t.app, Arc::new(sink.clone())).with_owner("p");
    let stats = d
        .run_due()
        .await
        .expect("a poisoned row does not fail the pass");
    assert_eq!((stats.sent, stats.failed), (98 + 2, 2), "{stats:?}");

    // Model: every row but the poisoned ones delivered exactly once, plus one report each.
    let per_key = sink.calls_per_key();
    for m in &msgs {
        let expected = usize::from(!poisoned.contains(&m.dedupe_key.as_str()));
        assert_eq!(
            per_key.get(&m.dedupe_key).copied().unwrap_or(0),
            expected,
            "{}",
            m.dedupe_key
        );
    }
    let reports = sink.calls_to(Target::Channel(ESCALATION));
    assert_eq!(reports.len(), 2, "one report per poisoned row");
    for key in poisoned {
        let (id, state, err) = state_of(&t, key).await;
        assert_eq!(state, "failed", "{key}");
        assert!(err.contains("does not decode"), "{key}: {err}");
        assert!(
            reports
                .iter()
                .any(|m| m.reply.lines.join("\n").contains(&format!("#{id}"))),
            "{key} reported"
        );
    }
    assert_eq!(
        count(
            &t.app,
            "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"
        )
        .await,
        0
    );

    // Reported once: later passes neither resend nor report again.
    t.clock.advance(Duration::hours(2));
    let again = d.run_due().await.expect("pass");
    assert_eq!((again.sent, again.failed), (0, 0), "{again:?}");
    assert_eq!(sink.calls_to(Target::Channel(ESCALATION)).len(), 2);

    let mut boss = t.shell("boss", "manager", "en-US").await;
    let status = boss.execute("/status").await.text;
    assert!(status.contains("Failed messages: 2"), "{status}");
    let listed = boss.execute("/outbox list state:failed").await.text;
    for key in poisoned {
        let id = state_of(&t, key).await.0;
        assert!(listed.contains(&format!("#{id}")), "{key} listed: {listed}");
    }
}

/// Each send is recorded when it returns, not when the whole batch has: with the second of
/// three sends still waiting on the platform, the first is already `sent`. A crash then
/// re-sends only what was in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_send_is_recorded_as_it_returns_so_a_crash_resends_only_what_was_in_flight() {
    let t = TestApp::quiet().await;
    let now = t.clock.now();
    let msgs: Vec<NewMessage> = (0..3)
        .map(|i| {
            message(
                SHELL_GUILD,
                &format!("seq:{i}"),
                "seq",
                Target::Channel(CH_A),
                now - Duration::seconds(3 - i),
            )
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;
    let sink = Arc::new(GateSink::default());
    let first = sink.gate();
    let _second = sink.gate(); // never answered: the process dies while it is in flight
    let d = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("dies"));
    let task = tokio::spawn({
        let d = d.clone();
        async move { d.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    first
        .send(Ok(Delivered {
            message_id: "m-0".into(),
        }))
        .expect("waiting");
    assert!(eventually(PATIENCE, || sink.calls() == 2).await);
    let recorded = tokio::time::timeout(PATIENCE, async {
        while outbox_row(&t.app, "seq:0").await.state != "sent" {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    })
    .await
    .is_ok();
    assert!(
        recorded,
        "the first send is recorded while the second is in flight"
    );
    task.abort();
    let _ = task.await;

    // Restart after the lease: only the row in flight and the one never tried go out.
    t.clock.advance(t.app.config.outbox.lease);
    let app2 = t.restart().await;
    let sink2 = RecordingSink::new();
    let d2 = Dispatcher::new(&app2, Arc::new(sink2.clone())).with_owner("restarted");
    let stats = d2.run_due().await.expect("pass");
    assert_eq!(stats.sent, 2, "{stats:?}");
    let mut keys: Vec<String> = sink2.calls().iter().map(|m| m.dedupe_key.clone()).collect();
    keys.sort();
    assert_eq!(keys, ["seq:1", "seq:2"]);
    assert_eq!(
        outbox_row(&t.app, "seq:0")
            .await
            .platform_message_id
            .as_deref(),
        Some("m-0")
    );
}

/// A send that returns after its lease ran out and another dispatcher took the row is not
/// recorded by the first: the row is the new owner's, and it records it with its own message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_success_after_the_row_was_taken_over_is_not_recorded_by_the_old_owner() {
    let t = TestApp::quiet().await;
    let key = "late:1";
    enqueue_all(
        &t.app,
        &[message(
            SHELL_GUILD,
            key,
            "late",
            Target::Channel(CH_A),
            t.clock.now(),
        )],
    )
    .await;
    let sink = Arc::new(GateSink::default());
    let gate_a = sink.gate();
    let gate_b = sink.gate();
    let a = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("process-a"));
    let app_b = t.restart().await;
    let b = Arc::new(Dispatcher::new(&app_b, sink.clone()).with_owner("process-b"));
    let task_a = tokio::spawn({
        let a = a.clone();
        async move { a.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    t.clock.advance(t.app.config.outbox.lease);
    let task_b = tokio::spawn({
        let b = b.clone();
        async move { b.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 2).await);

    gate_a
        .send(Ok(Delivered {
            message_id: "m-a".into(),
        }))
        .expect("a waiting");
    let a_stats = task_a.await.expect("joins").expect("a's pass");
    assert_eq!(a_stats.sent, 0, "A no longer holds the row: {a_stats:?}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(
        (r.state.as_str(), r.lease_owner.as_deref()),
        ("sending", Some("process-b"))
    );
    gate_b
        .send(Err(transient("HTTP 502", None)))
        .expect("b waiting");
    let b_stats = task_b.await.expect("joins").expect("b's pass");
    assert_eq!(b_stats.retried, 1, "{b_stats:?}");
    assert_eq!(outbox_row(&t.app, key).await.state, "pending");
}

/// `:advance` on the manual clock does not wait real time for the per-channel pacing (issue
/// #20): 40 messages to one channel with 10 s between them would take 400 s of real time;
/// they all come out within the test's patience.
#[tokio::test]
async fn advance_on_the_manual_clock_does_not_wait_real_time_for_pacing() {
    let t = TestApp::quiet().await;
    let mut config = (*t.app.config).clone();
    config.outbox.per_channel_interval = Duration::seconds(10);
    let app = storeops::app::App::new(
        t.app.store.clone(),
        Arc::new(t.clock.clone()),
        Arc::new(config),
    );
    let mut sh = crate::support::shell::shell_on(&app, &t.clock, "alice", "manager").await;
    let now = t.clock.now();
    let msgs: Vec<NewMessage> = (0..40)
        .map(|i| {
            message(
                SHELL_GUILD,
                &format!("paced:{i}"),
                "paced",
                Target::Channel(CH_A),
                now + Duration::minutes(1),
            )
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;
    let out = tokio::time::timeout(PATIENCE, sh.execute(":advance 2m"))
        .await
        .expect(":advance waited real time for pacing")
        .text;
    assert_eq!(
        crate::support::sent::sent_titled(&out, "title of paced:").len(),
        40,
        "{out}"
    );
}

/// A burst of 1,000 rows over 10 channels, the dispatcher aborted at a random point (the task
/// dropped mid-pass, like a process killed: every commit is on disk, nothing else is) and
/// restarted after the lease, until all is delivered; 20 rounds. Checked against the model:
/// every row sent exactly once in the outbox, none lost at the platform, and each crash
/// re-sends (same nonce) at most one batch: what was in flight or not yet recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashes_at_random_points_of_a_1000_row_burst_lose_nothing() {
    use rand::Rng;
    let mut resent_total = 0;
    let mut crashes_total = 0;
    for round in 0..20 {
        let t = TestApp::quiet().await;
        let now = t.clock.now();
        let msgs: Vec<NewMessage> = (0..1000)
            .map(|i| {
                message(
                    SHELL_GUILD,
                    &format!("burst:{round}:{i}"),
                    "burst",
                    Target::Channel(CH_A + (i % 10) as u64),
                    now - Duration::milliseconds(1000 - i),
                )
            })
            .collect();
        enqueue_all(&t.app, &msgs).await;
        let sink = RecordingSink::new();
        let mut app = t.app.clone();
        let mut crashes = 0;
        for life in 0.. {
            let d = Arc::new(
                Dispatcher::new(&app, Arc::new(sink.clone())).with_owner(format!("life-{life}")),
            );
            let before = sink.calls().len();
            let kill_after = before + rand::thread_rng().gen_range(1..400);
            let task = tokio::spawn({
                let d = d.clone();
                async move { d.run_due().await }
            });
            let _ = eventually(PATIENCE, || {
                sink.calls().len() >= kill_after || task.is_finished()
            })
            .await;
            if task.is_finished() {
                task.await.expect("joins").expect("pass");
                break;
            }
            task.abort();
            let _ = task.await;
            crashes += 1;
            assert!(life < 50, "never finished");
            t.clock.advance(t.app.config.outbox.lease);
            app = t.restart().await;
        }
        // The model: every row sent once in the outbox, every message on the platform once.
        let sent = crate::support::store::count(
            &t.app,
            "SELECT COUNT(*) FROM outbox WHERE state = 'sent'",
        )
        .await;
        assert_eq!(sent, 1000, "round {round}");
        let per_key = sink.calls_per_key();
        assert_eq!(sink.messages().len(), 1000, "none lost, one per nonce");
        let resent: usize = per_key.values().map(|n| n - 1).sum();
        assert!(
            resent <= crashes * t.app.config.outbox.batch_size,
            "round {round}: {resent} re-sends after {crashes} crashes"
        );
        resent_total += resent;
        crashes_total += crashes;
    }
    println!(
        "20 rounds of 1000 rows: {crashes_total} crashes, {resent_total} re-sends (same nonce), 0 lost"
    );
}
