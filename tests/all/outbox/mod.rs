//! The outbox and the dispatcher: exactly-once delivery across crashes and concurrent
//! processes (claims and leases, the same nonce on a resend), and retries and permanent
//! failures. The other files: `downtime` (late sends and digests), `queue` (enqueueing,
//! cancelling, nonces, the migration of old rows), `wake` (sleeping until the next row),
//! `schedules` (rows materialised from schedules across DST) and `slow_sends` (sends that
//! outlast their lease or get a late 429). Every schedule is driven by the manual clock; real
//! time only bounds the wait on a background task.

mod ctrl_c;
mod disk_full;
mod downtime;
mod faults;
mod in_doubt;
mod kill;
mod put_many;
mod queue;
mod schedules;
mod second_process;
mod slow_sends;
mod wake;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::clock::Clock;
use storeops::outbox::dispatcher::PassStats;
use storeops::store::outbox::{self, NewMessage, Target, nonce_for};

use crate::support::outbox::{
    CH_A, ESCALATION, GUILD, dispatcher, enqueue, enqueue_all, message, permanent, run_due,
    setup_guild, state_counts, transient,
};
use crate::support::store::outbox_row;
use crate::support::{PATIENCE, RecordingSink, Script, TestApp, eventually};

#[tokio::test]
async fn crash_between_send_and_record_is_resent_with_the_same_nonce_and_shows_once() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let key = "task:1:due";
    enqueue(
        &t.app,
        &message(GUILD, key, "task:1", Target::Channel(CH_A), now),
    )
    .await;

    // The platform outlives the process: the same sink serves before and after the restart.
    let sink = RecordingSink::new();
    sink.script(vec![Script::DeliverThenHang]);
    let first = Arc::new(dispatcher(&t.app, &sink, "process-1"));
    let task = tokio::spawn({
        let first = first.clone();
        async move { first.run_due().await }
    });
    assert!(
        eventually(PATIENCE, || sink.messages().len() == 1).await,
        "the sink never received the message"
    );
    // The process dies after the platform accepted the message, before it was recorded.
    task.abort();
    assert!(task.await.expect_err("aborted").is_cancelled());
    drop(first);

    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.state, "sending");
    assert_eq!(r.lease_owner.as_deref(), Some("process-1"));
    let lease = t.app.config.outbox.lease;
    assert_eq!(r.lease_until, Some(now + lease));

    // Restart: a new App on the same file, a new dispatcher.
    let app2 = t.restart().await;
    let second = dispatcher(&app2, &sink, "process-2");
    // While the dead process's lease runs, nobody takes the row.
    assert_eq!(run_due(&second).await, PassStats::default());
    t.clock.advance(lease - Duration::seconds(1));
    assert_eq!(run_due(&second).await, PassStats::default());
    assert_eq!(sink.calls().len(), 1);

    t.clock.advance(Duration::seconds(1));
    let stats = run_due(&second).await;
    assert_eq!(stats.sent, 1, "{stats:?}");

    let calls = sink.calls();
    assert_eq!(calls.len(), 2, "sent again after the lease ran out");
    assert_eq!(
        calls[0].nonce, calls[1].nonce,
        "the same nonce on both attempts"
    );
    assert_eq!(calls[0].nonce, nonce_for(key));
    assert_eq!(sink.messages().len(), 1, "the platform shows one message");
    let r = outbox_row(&app2, key).await;
    assert_eq!(r.state, "sent");
    assert_eq!(r.attempts, 2);
    assert_eq!(r.platform_message_id.as_deref(), Some("m1"));
    assert_eq!(r.lease_owner, None);
    assert_eq!(run_due(&second).await, PassStats::default());
    assert_eq!(sink.calls().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_send_each_of_1000_rows_exactly_once() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let msgs: Vec<NewMessage> = (0..1000)
        .map(|i| {
            message(
                GUILD,
                &format!("bulk:{i}"),
                "bulk",
                Target::Channel(2000 + i % 37),
                now - Duration::seconds((i % 50) as i64),
            )
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;

    // Two processes: two pools on the same file, each with its own dispatcher.
    let app_b = t.restart().await;
    let sink = RecordingSink::new();
    let a = dispatcher(&t.app, &sink, "process-a");
    let b = dispatcher(&app_b, &sink, "process-b");
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    let (ra, rb) = (ra.expect("pass a"), rb.expect("pass b"));
    assert_eq!(ra.sent + rb.sent, 1000, "a: {ra:?}, b: {rb:?}");

    let per_key = sink.calls_per_key();
    assert_eq!(per_key.len(), 1000);
    let twice: Vec<_> = per_key.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(sink.messages().len(), 1000);
    assert_eq!(state_counts(&t.app).await.get("sent"), Some(&1000));
    let sent_by: Vec<(Option<String>, i64)> = sqlx::query_as(
        "SELECT lease_owner, COUNT(*) FROM outbox WHERE attempts <> 1 OR platform_message_id IS NULL GROUP BY 1",
    )
    .fetch_all(&t.app.store.pool)
    .await
    .expect("query");
    assert!(sent_by.is_empty(), "every row claimed once: {sent_by:?}");
}

/// The dedupe keys of claimed rows, in their order.
fn keys(claimed: &[outbox::Claimed]) -> Vec<&str> {
    claimed.iter().map(|c| c.dedupe_key.as_str()).collect()
}

/// A claim reads back only the rows it took itself (by its token), never rows another claim of
/// the same owner name holds with the same lease end: a process restarted under the same name
/// in the same millisecond must not send the dead one's rows before their lease runs out.
#[tokio::test]
async fn a_claim_reads_back_only_its_own_rows_even_with_the_same_owner_and_lease_end() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    for (i, key) in ["own:1", "own:2", "own:3"].iter().enumerate() {
        enqueue(
            &t.app,
            &message(
                GUILD,
                key,
                "own",
                Target::Channel(CH_A),
                now - Duration::seconds(3 - i as i64),
            ),
        )
        .await;
    }
    let lease_until = now + t.app.config.outbox.lease;
    // The "dead" process: it claimed the oldest row and never recorded it.
    let mut conn = t.app.store.pool.acquire().await.expect("connection");
    let first = outbox::claim(&mut conn, "same-name", now, lease_until, 1)
        .await
        .expect("first claim")
        .rows;
    assert_eq!(keys(&first), ["own:1"]);
    assert_eq!(first[0].attempts, 1);
    // Its successor, same name, same instant, same lease end.
    let second = outbox::claim(&mut conn, "same-name", now, lease_until, 10)
        .await
        .expect("second claim")
        .rows;
    assert_eq!(
        keys(&second),
        ["own:2", "own:3"],
        "only the rows this claim took, in due order"
    );
    assert!(second.iter().all(|c| c.attempts == 1));
    let third = outbox::claim(&mut conn, "same-name", now, lease_until, 10)
        .await
        .expect("third claim")
        .rows;
    assert!(third.is_empty(), "nothing left to take: {third:?}");
    drop(conn);

    // Once the lease has run out, the dead process's row is taken (and sent) once more.
    let sink = RecordingSink::new();
    let d = dispatcher(&t.app, &sink, "same-name");
    t.clock.advance(t.app.config.outbox.lease);
    let stats = run_due(&d).await;
    assert_eq!(stats.sent, 3, "{stats:?}");
    let r = outbox_row(&t.app, "own:1").await;
    assert_eq!((r.state.as_str(), r.attempts), ("sent", 2));
}

#[tokio::test]
async fn server_error_then_rate_limit_then_success_is_delivered_once_after_retry_after() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let key = "retry:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "retry", Target::Channel(CH_A), now),
    )
    .await;
    let sink = RecordingSink::new();
    sink.script(vec![
        Script::Fail(transient("HTTP 500", None)),
        Script::Fail(transient("HTTP 429", Some(StdDuration::from_secs(30)))),
        Script::Ok,
    ]);
    let d = dispatcher(&t.app, &sink, "p");

    // 500: retried after the first backoff step (base 1 s, jittered to 0.5-1 s).
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.retried, s.failed), (0, 1, 0));
    let r = outbox_row(&t.app, key).await;
    assert_eq!((r.state.as_str(), r.attempts), ("pending", 1));
    assert_eq!(r.last_error.as_deref(), Some("HTTP 500"));
    let wait = (r.available_at - now).num_milliseconds();
    assert!((500..=1000).contains(&wait), "first backoff {wait} ms");
    assert_eq!(
        run_due(&d).await,
        PassStats::default(),
        "not before the backoff"
    );

    // 429 with retry_after 30 s.
    t.clock.set(r.available_at);
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.retried), (0, 1));
    let after_429 = t.clock.now();
    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.attempts, 2);
    assert!(r.available_at >= after_429 + Duration::seconds(30));
    t.clock.advance(Duration::seconds(29));
    assert_eq!(
        run_due(&d).await,
        PassStats::default(),
        "nothing before retry_after"
    );
    assert_eq!(sink.calls().len(), 2);

    t.clock.set(r.available_at);
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1);
    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.state, "sent");
    assert_eq!(r.attempts, 3);
    assert_eq!(r.last_error, None);
    let calls = sink.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.nonce == nonce_for(key)));
    assert_eq!(sink.messages().len(), 1, "delivered once");
}

#[tokio::test]
async fn forbidden_fails_at_once_is_reported_once_listed_in_status_and_retryable_by_a_manager() {
    let t = TestApp::new().await;
    setup_guild(&t.app, SHELL_GUILD, Some(ESCALATION)).await;
    let now = t.clock.now();
    let key = "notice:1";
    enqueue(
        &t.app,
        &message(SHELL_GUILD, key, "notice", Target::Channel(CH_A), now),
    )
    .await;
    let sink = RecordingSink::new();
    sink.script(vec![Script::Fail(permanent("403 Missing Access"))]);
    let d = dispatcher(&t.app, &sink, "p");

    let s = run_due(&d).await;
    assert_eq!(s.failed, 1, "{s:?}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.state, "failed");
    assert_eq!(r.attempts, 1, "no retry of a permanent error");
    assert!(r.last_error.as_deref().unwrap_or("").contains("403"));

    // Reported once to the escalation channel, in the same pass.
    let reports = sink.calls_to(Target::Channel(ESCALATION));
    assert_eq!(reports.len(), 1);
    let body = reports[0].reply.lines.join("\n");
    assert!(body.contains(&format!("#{}", r.id)), "{body}");
    assert!(body.contains("403"), "{body}");
    assert_eq!(run_due(&d).await, PassStats::default());
    t.clock.advance(Duration::hours(1));
    assert_eq!(run_due(&d).await, PassStats::default());
    assert_eq!(sink.calls_to(Target::Channel(ESCALATION)).len(), 1);
    assert_eq!(sink.calls().len(), 2);

    // /status lists it.
    let mut boss = t.shell("boss", "manager", "en-US").await;
    let status = boss.execute("/status").await.text;
    assert!(status.contains(&format!("#{}", r.id)), "{status}");
    assert!(status.contains(&format!("title of {key}")), "{status}");
    assert!(status.contains("403"), "{status}");

    // A member may not retry.
    let mut member = t.shell("bob", "", "en-US").await;
    let refused = member.execute("/outbox retry").await.text;
    assert!(refused.contains("Only managers"), "{refused}");
    assert_eq!(outbox_row(&t.app, key).await.state, "failed");

    // A manager may; the shell's own dispatcher then delivers it.
    let out = boss
        .execute(&format!("/outbox retry id:{}", r.id))
        .await
        .text;
    assert!(out.contains(&format!("title of {key}")), "delivered: {out}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.state, "sent");
    assert_eq!(r.attempts, 1);
    assert_eq!(sink.calls().len(), 2, "not failed again");
}

#[tokio::test]
async fn transient_errors_beyond_max_attempts_fail_the_row_and_report_it() {
    let t = TestApp::new().await;
    setup_guild(&t.app, GUILD, Some(ESCALATION)).await;
    let key = "flaky:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "flaky", Target::Channel(CH_A), t.clock.now()),
    )
    .await;
    let mut cfg = t.app.config.outbox.clone();
    cfg.max_attempts = 3;
    let sink = RecordingSink::new();
    sink.script(
        (0..3)
            .map(|_| Script::Fail(transient("HTTP 502", None)))
            .collect(),
    );
    let d = dispatcher(&t.app, &sink, "p").with_config(cfg.clone());

    for attempt in 1..=2 {
        let s = run_due(&d).await;
        assert_eq!((s.retried, s.failed), (1, 0), "attempt {attempt}");
        t.clock.advance(cfg.backoff_max);
    }
    let s = run_due(&d).await;
    assert_eq!(s.failed, 1, "{s:?}");
    let r = outbox_row(&t.app, key).await;
    assert_eq!(r.state, "failed");
    assert_eq!(r.attempts, 3);
    assert!(r.last_error.as_deref().unwrap_or("").contains("502"));
    assert_eq!(sink.calls_per_key().get(key), Some(&3));
    let reports = sink.calls_to(Target::Channel(ESCALATION));
    assert_eq!(reports.len(), 1, "reported once");

    t.clock.advance(Duration::hours(1));
    assert_eq!(run_due(&d).await, PassStats::default());
    assert_eq!(sink.calls().len(), 4);
}
