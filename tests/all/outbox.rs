//! The outbox and the dispatcher: exactly-once delivery across crashes and concurrent
//! processes, retries and permanent failures, downtime (late sends and digests), cancelling,
//! waking up, and schedules materialised as rows across DST. Every schedule is driven by the
//! manual clock; real time is only used as a bound when waiting on a background task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Datelike, Duration, SecondsFormat, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::Connection;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::app::{App, Reply};
use storeops::clock::{Clock, ManualClock};
use storeops::domain::schedule::{Schedule, parse_schedule};
use storeops::i18n::Locale;
use storeops::outbox::dispatcher::PassStats;
use storeops::outbox::{Dispatcher, SendError};
use storeops::store::outbox::{self, NewMessage, Target, nonce_for};
use storeops::store::settings::{self, SettingsChange};
use storeops::store::{from_ms, ms};

use crate::support::{RecordingSink, Script, TestApp, eventually};

/// Real-time bound for background work (never a schedule).
const PATIENCE: StdDuration = StdDuration::from_secs(20);

const GUILD: u64 = 7;
const CH_A: u64 = 1001;
const CH_B: u64 = 1002;
const ESCALATION: u64 = 9999;

fn message(guild: u64, key: &str, source: &str, target: Target, due: DateTime<Utc>) -> NewMessage {
    NewMessage {
        guild_id: guild,
        dedupe_key: key.to_string(),
        source: source.to_string(),
        target,
        reply: Reply::titled(format!("title of {key}")).line("body"),
        due_at: due,
    }
}

async fn enqueue(app: &App, msg: &NewMessage) -> bool {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    outbox::enqueue(&mut conn, msg, app.clock.now())
        .await
        .expect("enqueue")
}

/// Enqueues many rows in one transaction.
async fn enqueue_all(app: &App, msgs: &[NewMessage]) {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    for m in msgs {
        assert!(
            outbox::enqueue(&mut tx, m, app.clock.now())
                .await
                .expect("enqueue")
        );
    }
    tx.commit().await.expect("commit");
}

/// A guild's settings in English, with an escalation channel when given.
async fn setup_guild(app: &App, guild: u64, escalation: Option<u64>) {
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let now = ms(app.clock.now());
    settings::get_or_init(&mut conn, guild, &app.config, now)
        .await
        .expect("init settings");
    let change = SettingsChange {
        locale: Some(Locale::EnUs),
        escalation_channel: escalation,
        ..SettingsChange::default()
    };
    settings::update(&mut conn, guild, &change, 0, now)
        .await
        .expect("update settings");
}

/// One outbox row as stored.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    state: String,
    attempts: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    available_at: i64,
    due_at: i64,
    last_error: Option<String>,
    platform_message_id: Option<String>,
    late_ms: Option<i64>,
    source: String,
}

async fn row(app: &App, key: &str) -> Row {
    rows_where(app, "dedupe_key = ?1", key)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no outbox row {key}"))
}

async fn rows_where(app: &App, condition: &str, arg: &str) -> Vec<Row> {
    type Tuple = (
        i64,
        String,
        i64,
        Option<String>,
        Option<i64>,
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<i64>,
        String,
    );
    let sql = format!(
        "SELECT id, state, attempts, lease_owner, lease_until, available_at, due_at, last_error,
                platform_message_id, late_ms, source
         FROM outbox WHERE {condition} ORDER BY due_at, id"
    );
    let rows: Vec<Tuple> = sqlx::query_as(&sql)
        .bind(arg)
        .fetch_all(&app.store.pool)
        .await
        .expect("select rows");
    rows.into_iter()
        .map(|r| Row {
            id: r.0,
            state: r.1,
            attempts: r.2,
            lease_owner: r.3,
            lease_until: r.4,
            available_at: r.5,
            due_at: r.6,
            last_error: r.7,
            platform_message_id: r.8,
            late_ms: r.9,
            source: r.10,
        })
        .collect()
}

async fn state_counts(app: &App) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
            .fetch_all(&app.store.pool)
            .await
            .expect("counts");
    rows.into_iter().collect()
}

fn dispatcher(app: &App, sink: &RecordingSink, owner: &str) -> Dispatcher {
    Dispatcher::new(app, Arc::new(sink.clone())).with_owner(owner)
}

async fn run_due(d: &Dispatcher) -> PassStats {
    d.run_due().await.expect("delivery pass")
}

fn transient(reason: &str, retry_after: Option<StdDuration>) -> SendError {
    SendError::Transient {
        reason: reason.into(),
        retry_after,
    }
}

fn permanent(reason: &str) -> SendError {
    SendError::Permanent {
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Exactly once
// ---------------------------------------------------------------------------------------------

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

    let r = row(&t.app, key).await;
    assert_eq!(r.state, "sending");
    assert_eq!(r.lease_owner.as_deref(), Some("process-1"));
    let lease = t.app.config.outbox.lease;
    assert_eq!(r.lease_until, Some(ms(now + lease)));

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
    let r = row(&app2, key).await;
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
        .expect("first claim");
    assert_eq!(keys(&first), ["own:1"]);
    assert_eq!(first[0].attempts, 1);
    // Its successor, same name, same instant, same lease end.
    let second = outbox::claim(&mut conn, "same-name", now, lease_until, 10)
        .await
        .expect("second claim");
    assert_eq!(
        keys(&second),
        ["own:2", "own:3"],
        "only the rows this claim took, in due order"
    );
    assert!(second.iter().all(|c| c.attempts == 1));
    let third = outbox::claim(&mut conn, "same-name", now, lease_until, 10)
        .await
        .expect("third claim");
    assert!(third.is_empty(), "nothing left to take: {third:?}");
    drop(conn);

    // Once the lease has run out, the dead process's row is taken (and sent) once more.
    let sink = RecordingSink::new();
    let d = dispatcher(&t.app, &sink, "same-name");
    t.clock.advance(t.app.config.outbox.lease);
    let stats = run_due(&d).await;
    assert_eq!(stats.sent, 3, "{stats:?}");
    let r = row(&t.app, "own:1").await;
    assert_eq!((r.state.as_str(), r.attempts), ("sent", 2));
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

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
    let r = row(&t.app, key).await;
    assert_eq!((r.state.as_str(), r.attempts), ("pending", 1));
    assert_eq!(r.last_error.as_deref(), Some("HTTP 500"));
    let wait = r.available_at - ms(now);
    assert!((500..=1000).contains(&wait), "first backoff {wait} ms");
    assert_eq!(
        run_due(&d).await,
        PassStats::default(),
        "not before the backoff"
    );

    // 429 with retry_after 30 s.
    t.clock.set(from_ms(r.available_at));
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.retried), (0, 1));
    let after_429 = t.clock.now();
    let r = row(&t.app, key).await;
    assert_eq!(r.attempts, 2);
    assert!(r.available_at >= ms(after_429 + Duration::seconds(30)));
    t.clock.advance(Duration::seconds(29));
    assert_eq!(
        run_due(&d).await,
        PassStats::default(),
        "nothing before retry_after"
    );
    assert_eq!(sink.calls().len(), 2);

    t.clock.set(from_ms(r.available_at));
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1);
    let r = row(&t.app, key).await;
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
    let r = row(&t.app, key).await;
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
    assert_eq!(row(&t.app, key).await.state, "failed");

    // A manager may; the shell's own dispatcher then delivers it.
    let out = boss
        .execute(&format!("/outbox retry id:{}", r.id))
        .await
        .text;
    assert!(out.contains(&format!("title of {key}")), "delivered: {out}");
    let r = row(&t.app, key).await;
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
    let r = row(&t.app, key).await;
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

// ---------------------------------------------------------------------------------------------
// Downtime
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rows_due_two_hours_ago_are_sent_late_with_a_footer_saying_so() {
    let t = TestApp::new().await;
    assert_eq!(t.app.config.outbox.grace, Duration::hours(6));
    setup_guild(&t.app, GUILD, None).await;
    let due = t.clock.now() + Duration::minutes(10);
    for i in 0..3 {
        let key = format!("late:{i}");
        enqueue(
            &t.app,
            &message(GUILD, &key, "late", Target::Channel(CH_A), due),
        )
        .await;
    }
    // The bot is down from before the rows came due until 2 h after.
    let back = due + Duration::hours(2);
    t.clock.set(back);
    enqueue(
        &t.app,
        &message(GUILD, "ontime", "ontime", Target::Channel(CH_A), back),
    )
    .await;
    let app = t.restart().await;
    let sink = RecordingSink::new();
    let d = dispatcher(&app, &sink, "p");
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.skipped), (4, 0), "{s:?}");

    for c in sink.calls() {
        if c.dedupe_key == "ontime" {
            assert_eq!(c.reply.footer, None, "on time: no note");
            continue;
        }
        let footer = c.reply.footer.clone().unwrap_or_default();
        assert!(footer.contains("late by 2 h"), "{footer}");
        assert!(footer.contains("offline"), "{footer}");
        let r = row(&app, &c.dedupe_key).await;
        assert_eq!(r.state, "sent");
        assert_eq!(r.late_ms, Some(2 * 3_600_000));
    }
    assert_eq!(sink.calls().len(), 4);
}

#[tokio::test]
async fn rows_due_two_days_ago_are_skipped_and_listed_in_one_digest_per_channel() {
    let t = TestApp::new().await;
    setup_guild(&t.app, GUILD, None).await;
    let start = t.clock.now();
    let mut msgs = Vec::new();
    for i in 0..30 {
        let channel = if i < 20 { CH_A } else { CH_B };
        msgs.push(message(
            GUILD,
            &format!("stale:{i}"),
            "stale",
            Target::Channel(channel),
            start + Duration::minutes(10 + i),
        ));
    }
    enqueue_all(&t.app, &msgs).await;
    t.clock
        .set(start + Duration::minutes(40) + Duration::days(2));
    let app = t.restart().await;
    let sink = RecordingSink::new();
    let d = dispatcher(&app, &sink, "p");
    let s = run_due(&d).await;
    assert_eq!(s.skipped, 30, "{s:?}");
    assert_eq!(s.sent, 2, "two digests: {s:?}");

    let calls = sink.calls();
    assert_eq!(calls.len(), 2, "one digest per channel, not 30 messages");
    let a = sink.calls_to(Target::Channel(CH_A));
    let b = sink.calls_to(Target::Channel(CH_B));
    assert_eq!((a.len(), b.len()), (1, 1));
    for digest in [&a[0], &b[0]] {
        assert_eq!(
            digest.reply.title.as_deref(),
            Some("Missed while the bot was offline")
        );
    }
    let text_a = a[0].reply.lines.join("\n");
    let text_b = b[0].reply.lines.join("\n");
    // Every one listed by name (up to 50 a digest; a long digest continues in a second message).
    for i in 0..20 {
        assert!(text_a.contains(&format!("title of stale:{i}")), "{text_a}");
    }
    assert!(!text_a.contains("more."), "{text_a}");
    for i in 20..30 {
        assert!(text_b.contains(&format!("title of stale:{i}")), "{text_b}");
        assert!(!text_a.contains(&format!("title of stale:{i}")));
    }
    for r in rows_where(&app, "source = ?1", "stale").await {
        assert_eq!(r.state, "skipped", "{r:?}");
        assert!(r.late_ms.unwrap_or(0) > Duration::days(2).num_milliseconds() - 3_600_000);
    }
    assert_eq!(run_due(&d).await, PassStats::default());
    assert_eq!(sink.calls().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Enqueue, cancel
// ---------------------------------------------------------------------------------------------

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
    let rows = rows_where(&t.app, "dedupe_key = ?1", "task:5:due-1h").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].due_at, ms(due), "the first one is kept");
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
        assert_eq!(row(&t.app, "task:9:due-1h").await.state, "pending");
        let mut tx = conn.begin().await.expect("begin");
        assert_eq!(
            outbox::cancel_source(&mut tx, "task:9")
                .await
                .expect("cancel"),
            2
        );
        tx.commit().await.expect("commit");
    }
    assert_eq!(row(&t.app, "task:9:created").await.state, "sent");
    assert_eq!(row(&t.app, "task:9:due-24h").await.state, "cancelled");
    assert_eq!(row(&t.app, "task:9:due-1h").await.state, "cancelled");
    assert_eq!(row(&t.app, "task:10:due-1h").await.state, "pending");

    t.clock.advance(Duration::hours(3));
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1);
    let keys: Vec<String> = sink.calls().into_iter().map(|c| c.dedupe_key).collect();
    assert_eq!(keys, vec!["task:9:created", "task:10:due-1h"]);
    assert_eq!(row(&t.app, "task:9:due-1h").await.state, "cancelled");

    // Cancelling again changes nothing (the sent row stays sent).
    let mut conn = t.app.store.pool.acquire().await.expect("connection");
    assert_eq!(
        outbox::cancel_source(&mut conn, "task:9")
            .await
            .expect("cancel"),
        0
    );
    assert_eq!(row(&t.app, "task:9:created").await.state, "sent");
}

// ---------------------------------------------------------------------------------------------
// Waking up
// ---------------------------------------------------------------------------------------------

/// The manual clock, remembering every instant the dispatcher goes to sleep until.
#[derive(Clone)]
struct SpyClock {
    inner: ManualClock,
    sleeps: Arc<Mutex<Vec<DateTime<Utc>>>>,
}

impl Clock for SpyClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> futures::future::BoxFuture<'static, ()> {
        self.sleeps.lock().unwrap().push(at);
        self.inner.sleep_until(at)
    }
}

impl SpyClock {
    fn sleeps(&self) -> Vec<DateTime<Utc>> {
        self.sleeps.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn running_dispatcher_sleeps_until_the_earliest_row_and_wakes_for_a_new_one() {
    let t = TestApp::new().await;
    let spy = SpyClock {
        inner: t.clock.clone(),
        sleeps: Arc::default(),
    };
    let app = App::new(
        t.app.store.clone(),
        Arc::new(spy.clone()),
        t.app.config.clone(),
    );
    let sink = RecordingSink::new();
    let d = Arc::new(dispatcher(&app, &sink, "p"));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(d.clone().run(stop_rx));

    let now = t.clock.now();
    let later = now + Duration::hours(1);
    enqueue(
        &app,
        &message(GUILD, "later", "w", Target::Channel(CH_A), later),
    )
    .await;
    app.outbox_wake.notify_one();
    assert!(
        eventually(PATIENCE, || spy.sleeps().contains(&later)).await,
        "sleeps until the row due in 1 h: {:?}",
        spy.sleeps()
    );

    // A new row due sooner wakes it, and it sleeps until that one instead.
    let soon = now + Duration::minutes(10);
    enqueue(
        &app,
        &message(GUILD, "soon", "w", Target::Channel(CH_B), soon),
    )
    .await;
    app.outbox_wake.notify_one();
    assert!(
        eventually(PATIENCE, || spy.sleeps().last() == Some(&soon)).await,
        "sleeps until the row due in 10 min: {:?}",
        spy.sleeps()
    );
    assert!(sink.calls().is_empty(), "nothing sent before it is due");

    t.clock.advance(Duration::minutes(10));
    assert!(
        eventually(PATIENCE, || sink.calls().len() == 1).await,
        "the row due in 10 min was not sent"
    );
    assert_eq!(sink.calls()[0].dedupe_key, "soon");
    assert!(
        eventually(PATIENCE, || spy.sleeps().last() == Some(&later)).await,
        "back to sleep until the next row: {:?}",
        spy.sleeps()
    );
    // Every sleep is until a row's instant: no polling tick.
    assert!(spy.sleeps().iter().all(|s| *s == soon || *s == later));

    t.clock.set(later);
    assert!(eventually(PATIENCE, || sink.calls().len() == 2).await);

    stop.send(true).expect("dispatcher listening");
    tokio::time::timeout(PATIENCE, task)
        .await
        .expect("stops on shutdown")
        .expect("no panic");
    assert_eq!(row(&app, "soon").await.state, "sent");
    assert_eq!(row(&app, "later").await.state, "sent");
}

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

fn schedule_key(name: &str, at: DateTime<Utc>) -> String {
    format!(
        "sched:{name}:{}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// Materialises the next occurrence of a schedule after `after` as one outbox row.
async fn materialise(
    app: &App,
    name: &str,
    schedule: &Schedule,
    tz: Tz,
    after: DateTime<Utc>,
) -> (DateTime<Utc>, String, bool) {
    let at = schedule.next_after(after, tz).expect("a next occurrence");
    let key = schedule_key(name, at);
    let m = message(
        GUILD,
        &key,
        &format!("sched:{name}"),
        Target::Channel(CH_A),
        at,
    );
    let added = enqueue(app, &m).await;
    (at, key, added)
}

async fn pending_of(app: &App, source: &str) -> usize {
    rows_where(app, "source = ?1 AND state = 'pending'", source)
        .await
        .len()
}

/// An app on the test's database whose clock starts at `start`.
fn app_at(t: &TestApp, start: DateTime<Utc>) -> (App, ManualClock) {
    let clock = ManualClock::new(start);
    let app = App::new(
        t.app.store.clone(),
        Arc::new(clock.clone()),
        t.app.config.clone(),
    );
    (app, clock)
}

#[tokio::test]
async fn weekly_schedule_rows_stay_at_ten_local_across_the_2026_dst_changes() {
    let t = TestApp::new().await;
    let weekly = parse_schedule("mon 10:00").expect("schedule");
    let expected: &[(Tz, &str, &[&str])] = &[
        (
            chrono_tz::America::New_York,
            "weekly-ny",
            &[
                "2026-03-02T15:00:00Z",
                "2026-03-09T14:00:00Z",
                "2026-10-26T14:00:00Z",
                "2026-11-02T15:00:00Z",
            ],
        ),
        (
            chrono_tz::Europe::Berlin,
            "weekly-berlin",
            &[
                "2026-03-23T09:00:00Z",
                "2026-03-30T08:00:00Z",
                "2026-10-19T08:00:00Z",
                "2026-10-26T09:00:00Z",
            ],
        ),
    ];
    for (tz, name, instants) in expected {
        let source = format!("sched:{name}");
        let begin = utc("2026-02-20T00:00:00Z");
        let (mut app, clock) = app_at(&t, begin);
        let sink = RecordingSink::new();
        let mut d = dispatcher(&app, &sink, "p");
        let mut cursor = begin;
        let mut dues = Vec::new();
        let mut restarted = false;
        while cursor < utc("2026-11-10T00:00:00Z") {
            let (at, key, added) = materialise(&app, name, &weekly, *tz, cursor).await;
            assert!(added, "{key}");
            assert_eq!(
                pending_of(&app, &source).await,
                1,
                "only the next occurrence"
            );
            // Materialising again (a second look, or after a restart) adds nothing.
            let (again, _, added) = materialise(&app, name, &weekly, *tz, cursor).await;
            assert_eq!((again, added), (at, false));
            if !restarted && at > utc("2026-06-01T00:00:00Z") {
                let fresh = t.restart().await;
                app = App::new(
                    fresh.store.clone(),
                    Arc::new(clock.clone()),
                    fresh.config.clone(),
                );
                d = dispatcher(&app, &sink, "p2");
                let (again, _, added) = materialise(&app, name, &weekly, *tz, cursor).await;
                assert_eq!((again, added), (at, false), "after a restart");
                restarted = true;
            }
            assert_eq!(pending_of(&app, &source).await, 1);
            clock.set(at);
            assert_eq!(run_due(&d).await.sent, 1, "{key}");
            dues.push(at);
            cursor = at;
        }
        assert_eq!(dues.len(), 39, "Mondays 2026-02-23 ..= 2026-11-16 in {tz}");
        for (i, at) in dues.iter().enumerate() {
            let local = at.with_timezone(tz);
            assert_eq!(local.weekday(), Weekday::Mon, "{local}");
            assert_eq!((local.hour(), local.minute()), (10, 0), "{local}");
            if i > 0 {
                let prev = dues[i - 1].with_timezone(tz);
                assert_eq!((local.date_naive() - prev.date_naive()).num_days(), 7);
            }
            let r = row(&app, &schedule_key(name, *at)).await;
            assert_eq!((r.state.as_str(), r.due_at), ("sent", ms(*at)));
        }
        for s in *instants {
            let at = utc(s);
            assert!(dues.contains(&at), "{name} {s}");
            assert!(
                !rows_where(&app, "dedupe_key = ?1", &format!("sched:{name}:{s}"))
                    .await
                    .is_empty()
            );
        }
        let calls = sink.calls();
        assert_eq!(calls.len(), 39);
        assert!(
            calls.iter().all(|c| c.reply.footer.is_none()),
            "sent on time"
        );
    }
}

#[tokio::test]
async fn nonexistent_local_time_fires_at_the_end_of_the_gap_and_repeated_time_once() {
    let t = TestApp::new().await;
    let ny = chrono_tz::America::New_York;

    // 02:30 does not exist on 2026-03-08 in New York: it fires at 03:00 EDT.
    let daily = parse_schedule("daily 02:30").expect("schedule");
    let mut cursor = utc("2026-03-07T00:00:00Z");
    let mut got = Vec::new();
    for _ in 0..3 {
        let (at, key, added) = materialise(&t.app, "gap", &daily, ny, cursor).await;
        assert!(added);
        got.push(key);
        cursor = at;
    }
    assert_eq!(
        got,
        vec![
            "sched:gap:2026-03-07T07:30:00Z",
            "sched:gap:2026-03-08T07:00:00Z",
            "sched:gap:2026-03-09T06:30:00Z",
        ]
    );
    let at = utc("2026-03-08T07:00:00Z").with_timezone(&ny);
    assert_eq!((at.hour(), at.minute()), (3, 0));
    assert_eq!(at.offset().to_string(), "EDT");

    // 01:30 happens twice on 2026-11-01 in New York: one row, at the first.
    let daily = parse_schedule("daily 01:30").expect("schedule");
    let mut cursor = utc("2026-10-31T12:00:00Z");
    let mut got = Vec::new();
    for _ in 0..2 {
        let (at, key, added) = materialise(&t.app, "fold", &daily, ny, cursor).await;
        assert!(added);
        got.push(key);
        cursor = at;
    }
    assert_eq!(
        got,
        vec![
            "sched:fold:2026-11-01T05:30:00Z",
            "sched:fold:2026-11-02T06:30:00Z"
        ]
    );
    let on_first: Vec<Row> = rows_where(&t.app, "source = ?1", "sched:fold")
        .await
        .into_iter()
        .filter(|r| from_ms(r.due_at).with_timezone(&ny).day() == 1)
        .collect();
    assert_eq!(on_first.len(), 1, "{on_first:?}");
    assert!(on_first.iter().all(|r| r.source == "sched:fold"));

    // Delivered at those instants with the manual clock.
    let (app, clock) = app_at(&t, utc("2026-03-07T00:00:00Z"));
    let sink = RecordingSink::new();
    let d = dispatcher(&app, &sink, "p");
    clock.set(utc("2026-03-08T06:59:59Z"));
    // 03-07 07:30 is > 6 h late by now: skipped; 03-08 not yet due.
    let s = run_due(&d).await;
    assert_eq!((s.skipped, s.sent), (1, 1), "{s:?}");
    assert_eq!(
        row(&app, "sched:gap:2026-03-08T07:00:00Z").await.state,
        "pending"
    );
    clock.set(utc("2026-03-08T07:00:00Z"));
    assert_eq!(run_due(&d).await.sent, 1);
    assert_eq!(
        row(&app, "sched:gap:2026-03-08T07:00:00Z").await.state,
        "sent"
    );
}

// ---------------------------------------------------------------------------------------------
// Nonces
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Regressions: bugs these tests found in src/ (lease owner on retry/fail, retry_after from
// the answer, manual retry of an old row, shutdown sender dropped)
// ---------------------------------------------------------------------------------------------

/// A sink whose every call waits for the test to say how it ends.
#[derive(Default)]
struct GateSink {
    calls: Mutex<Vec<storeops::outbox::Outbound>>,
    gates: Mutex<
        std::collections::VecDeque<
            tokio::sync::oneshot::Receiver<Result<storeops::outbox::Delivered, SendError>>,
        >,
    >,
}

impl GateSink {
    fn gate(&self) -> tokio::sync::oneshot::Sender<Result<storeops::outbox::Delivered, SendError>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.gates.lock().unwrap().push_back(rx);
        tx
    }

    fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl storeops::outbox::Sink for GateSink {
    async fn send(
        &self,
        msg: &storeops::outbox::Outbound,
    ) -> Result<storeops::outbox::Delivered, SendError> {
        self.calls.lock().unwrap().push(msg.clone());
        let gate = self.gates.lock().unwrap().pop_front();
        match gate {
            Some(rx) => rx
                .await
                .unwrap_or_else(|_| Err(transient("gate dropped", None))),
            None => Ok(storeops::outbox::Delivered {
                message_id: format!("gate-{}", msg.id),
            }),
        }
    }
}

/// Process A's lease runs out in the middle of a slow send; process B takes the row and
/// delivers it. A's late failure must not overwrite B's claim: the row ends `sent`, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_lease_ran_out_does_not_undo_the_new_owners_delivery() {
    let t = TestApp::new().await;
    let key = "slow:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "slow", Target::Channel(CH_A), t.clock.now()),
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
    assert_eq!(
        row(&t.app, key).await.lease_owner.as_deref(),
        Some("process-b")
    );

    // A's send times out after all; then B's succeeds.
    gate_a
        .send(Err(transient("timed out", None)))
        .expect("a waiting");
    task_a.await.expect("a joins").expect("a's pass");
    gate_b
        .send(Ok(storeops::outbox::Delivered {
            message_id: "m-b".into(),
        }))
        .expect("b waiting");
    task_b.await.expect("b joins").expect("b's pass");

    assert_eq!(sink.calls(), 2, "not sent a third time");
    let r = row(&t.app, key).await;
    assert_eq!(
        (r.state.as_str(), r.platform_message_id.as_deref()),
        ("sent", Some("m-b")),
        "B delivered it; A's stale lease must not put it back in the queue: {r:?}"
    );
    t.clock.advance(Duration::hours(1));
    run_due(&b).await;
    assert_eq!(sink.calls(), 2, "not sent a third time");
}

/// A manager retries a message that failed more than the grace window ago: it is delivered
/// (late), not skipped as if the bot had been offline.
#[tokio::test]
async fn retrying_a_message_that_failed_long_ago_delivers_it() {
    let t = TestApp::new().await;
    setup_guild(&t.app, SHELL_GUILD, None).await;
    let key = "old:1";
    enqueue(
        &t.app,
        &message(
            SHELL_GUILD,
            key,
            "old",
            Target::Channel(CH_A),
            t.clock.now(),
        ),
    )
    .await;
    let sink = RecordingSink::new();
    sink.script(vec![Script::Fail(permanent("403 Missing Access"))]);
    let d = dispatcher(&t.app, &sink, "p");
    assert_eq!(run_due(&d).await.failed, 1);

    // The manager notices the next day, fixes the channel permissions and retries.
    t.clock.advance(Duration::hours(20));
    let mut boss = t.shell("boss", "manager", "en-US").await;
    let out = boss.execute("/outbox retry").await.text;
    let r = row(&t.app, key).await;
    assert_eq!(
        r.state, "sent",
        "a manager's retry must deliver, not skip: {out}"
    );
    assert!(!out.contains("Missed while the bot was offline"), "{out}");
}

/// Dropping the shutdown sender (the owner went away) stops the dispatcher instead of making
/// it spin on `changed()` errors.
#[tokio::test]
async fn dispatcher_stops_when_the_shutdown_sender_is_dropped() {
    let t = TestApp::new().await;
    let sink = RecordingSink::new();
    let d = Arc::new(dispatcher(&t.app, &sink, "p"));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(d.run(stop_rx));
    drop(stop);
    let ended = tokio::time::timeout(StdDuration::from_secs(5), task).await;
    assert!(
        ended.is_ok(),
        "the dispatcher kept looping with no shutdown sender"
    );
}

/// A 429 that arrives well after the batch was claimed (a slow send, or pacing) is honoured
/// from when it arrived, not from the claim.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_counts_from_the_answer_not_from_the_claim() {
    let t = TestApp::new().await;
    let key = "paced:1";
    enqueue(
        &t.app,
        &message(GUILD, key, "paced", Target::Channel(CH_A), t.clock.now()),
    )
    .await;
    let sink = Arc::new(GateSink::default());
    let gate = sink.gate();
    let d = Arc::new(Dispatcher::new(&t.app, sink.clone()).with_owner("p"));
    let task = tokio::spawn({
        let d = d.clone();
        async move { d.run_due().await }
    });
    assert!(eventually(PATIENCE, || sink.calls() == 1).await);
    t.clock.advance(Duration::seconds(20));
    let answered = t.clock.now();
    gate.send(Err(transient("HTTP 429", Some(StdDuration::from_secs(30)))))
        .expect("waiting");
    task.await.expect("joins").expect("pass");
    let r = row(&t.app, key).await;
    assert!(
        r.available_at >= ms(answered + Duration::seconds(30)),
        "retry at {} but the 429 came at {answered} asking for 30 s",
        from_ms(r.available_at)
    );
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
    let kept: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT dedupe_key, state, platform_message_id, last_error FROM outbox WHERE source = 'old' ORDER BY id",
    )
    .fetch_all(&app.store.pool)
    .await
    .expect("kept rows");
    let kept: Vec<(&str, &str, Option<&str>, Option<&str>)> = kept
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_deref(), r.3.as_deref()))
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
    assert_eq!(row(app, "old:waiting").await.state, "sent");
}

/// A row late only because Discord kept it waiting (a 429 asking for 2 h, beyond a 1 h grace)
/// is delivered when its retry comes, not skipped as "missed while offline", and its note says
/// why it is late: earlier attempts failed, not that the bot was offline.
#[tokio::test]
async fn a_row_late_because_of_retries_is_sent_with_its_own_note_not_skipped() {
    let mut config = storeops::config::Config::defaults();
    config.outbox.grace = Duration::hours(1);
    config.activities.seed_defaults = false;
    let t = TestApp::with_config(config).await;
    setup_guild(&t.app, GUILD, None).await;
    let now = t.clock.now();
    enqueue(
        &t.app,
        &message(GUILD, "slow:1", "slow", Target::Channel(CH_A), now),
    )
    .await;
    let sink = RecordingSink::new();
    sink.script(vec![
        Script::Fail(transient(
            "HTTP 429",
            Some(StdDuration::from_secs(2 * 3600)),
        )),
        Script::Ok,
    ]);
    let d = dispatcher(&t.app, &sink, "p");
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.retried), (0, 1), "{s:?}");
    let r = row(&t.app, "slow:1").await;
    t.clock.set(from_ms(r.available_at));
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.skipped), (1, 0), "{s:?}");
    let calls = sink.calls();
    assert_eq!(calls.len(), 2);
    let footer = calls[1].reply.footer.clone().unwrap_or_default();
    assert!(footer.contains("did not go through"), "{footer}");
    assert!(!footer.contains("offline"), "{footer}");
    assert_eq!(row(&t.app, "slow:1").await.state, "sent");
    assert!(
        !sink
            .calls()
            .iter()
            .any(|c| c.dedupe_key.starts_with("outbox-missed")),
        "no digest"
    );
}
