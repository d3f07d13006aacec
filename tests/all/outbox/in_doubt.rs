//! Rows in doubt (issue #20): a send whose outcome was lost may have been posted. Before it
//! goes out again the dispatcher reads what the platform shows since the attempt began — once
//! per target and batch — and matches it to the rows in doubt as a multiset of what they show,
//! leaving out messages that are other rows' recorded deliveries. Here the platform is the
//! recording sink with its history switched on and its nonce window made to pass
//! (`forget_nonces`), so only the read stands between a resend and a double; the same against
//! the fake Discord is in `discord/in_doubt.rs`.

use chrono::Duration;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::clock::Clock;
use storeops::outbox::reconcile::NONCE_TRUSTED;
use storeops::store::outbox::{NewMessage, Target};

use crate::support::outbox::{
    CH_A, dispatcher, enqueue, enqueue_all, message, permanent, run_due, setup_guild, transient,
};
use crate::support::store::outbox_row;
use crate::support::{RecordingSink, Script, TestApp};

/// `key`'s message with a body that does not say which row it is: two such rows look alike.
fn alike(key: &str, due: chrono::DateTime<chrono::Utc>) -> NewMessage {
    let mut m = message(SHELL_GUILD, key, "alike", Target::Channel(CH_A), due);
    m.reply = storeops::message::Reply::titled("Restock list").line("Thursday");
    m
}

/// Queues `key`'s message to channel A, due now.
async fn queue_doubt(t: &TestApp, key: &str) {
    let m = message(
        SHELL_GUILD,
        key,
        "doubt",
        Target::Channel(CH_A),
        t.clock.now(),
    );
    enqueue(&t.app, &m).await;
}

/// An attempt that reached the platform but whose answer was lost (a 5xx after posting, a
/// timeout): the row waits for a retry, in doubt.
fn posted_then_lost() -> Script {
    Script::DeliverThenFail
}

/// An attempt that never reached the platform but ended without a clear answer (a timeout).
fn lost_before_posting() -> Script {
    Script::Fail(transient("network: timed out", None))
}

#[tokio::test]
async fn two_rows_that_look_alike_are_not_both_taken_by_one_message() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    enqueue_all(&t.app, &[alike("alike:1", now), alike("alike:2", now)]).await;
    let sink = RecordingSink::new().with_history();
    sink.script(vec![posted_then_lost(), lost_before_posting()]);
    let d = dispatcher(&t.app, &sink, "p");
    let s = run_due(&d).await;
    assert_eq!(s.retried, 2, "{s:?}");
    assert_eq!(sink.messages().len(), 1, "the first reached the platform");
    assert_eq!(
        sink.history_reads(),
        0,
        "nothing was in doubt on the first attempt"
    );

    sink.forget_nonces();
    t.clock.advance(t.app.config.outbox.backoff_max);
    let s = run_due(&d).await;
    assert_eq!(s.sent, 2, "{s:?}");
    assert_eq!(
        sink.history_reads(),
        1,
        "one read for the target, not one per row"
    );
    // The message there is the first row's; the second is sent, once.
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(sink.calls().len(), 3);
    let first = outbox_row(&t.app, "alike:1").await;
    let second = outbox_row(&t.app, "alike:2").await;
    assert_eq!(first.platform_message_id.as_deref(), Some("m1"));
    assert_eq!(second.platform_message_id.as_deref(), Some("m2"));
}

#[tokio::test]
async fn a_message_that_is_another_rows_recorded_delivery_is_not_taken_for_a_row_in_doubt() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let sink = RecordingSink::new().with_history();
    let d = dispatcher(&t.app, &sink, "p");
    enqueue(&t.app, &alike("alike:sent", now)).await;
    assert_eq!(run_due(&d).await.sent, 1);

    // A row that shows the same never reaches the platform, and its outcome is lost.
    enqueue(&t.app, &alike("alike:doubt", now)).await;
    sink.script(vec![lost_before_posting()]);
    assert_eq!(run_due(&d).await.retried, 1);
    sink.forget_nonces();
    t.clock.advance(t.app.config.outbox.backoff_max);
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1, "{s:?}");
    assert_eq!(sink.history_reads(), 1);
    assert_eq!(
        sink.messages().len(),
        2,
        "the row in doubt was sent, not lost"
    );
    assert_eq!(
        outbox_row(&t.app, "alike:doubt")
            .await
            .platform_message_id
            .as_deref(),
        Some("m2")
    );
}

#[tokio::test]
async fn a_read_refused_for_good_sends_the_row_unchecked_and_status_says_why() {
    let t = TestApp::new().await;
    setup_guild(&t.app, SHELL_GUILD, None).await;
    let key = "doubt:refused";
    queue_doubt(&t, key).await;
    let sink = RecordingSink::new().with_history();
    sink.script(vec![posted_then_lost()]);
    let d = dispatcher(&t.app, &sink, "p");
    assert_eq!(run_due(&d).await.retried, 1);

    sink.forget_nonces();
    sink.fail_history(Some(permanent("HTTP 403 (code 50001): Missing Access")));
    t.clock.advance(t.app.config.outbox.backoff_max);
    let s = run_due(&d).await;
    // Waiting cannot make the read work: sent, a double accepted rather than a lost message.
    assert_eq!(s.sent, 1, "{s:?}");
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(outbox_row(&t.app, key).await.state, "sent");
    let mut boss = t.shell("boss", "manager", "en-US").await;
    let status = boss.execute("/status").await.text;
    assert!(
        status.contains("cannot read the recent messages"),
        "{status}"
    );
    assert!(status.contains("Missing Access"), "{status}");
    assert!(status.contains("Read Message History"), "{status}");

    // A read that works again clears it.
    queue_doubt(&t, "doubt:later").await;
    sink.script(vec![posted_then_lost()]);
    sink.fail_history(None);
    assert_eq!(run_due(&d).await.retried, 1);
    t.clock.advance(t.app.config.outbox.backoff_max);
    assert_eq!(run_due(&d).await.sent, 1);
    let status = boss.execute("/status").await.text;
    assert!(
        !status.contains("cannot read the recent messages"),
        "{status}"
    );
}

#[tokio::test]
async fn a_read_that_fails_for_now_keeps_an_old_row_waiting_and_a_recent_one_trusts_the_nonce() {
    let t = TestApp::new().await;
    queue_doubt(&t, "doubt:old").await;
    let sink = RecordingSink::new().with_history();
    sink.script(vec![posted_then_lost()]);
    let d = dispatcher(&t.app, &sink, "p");
    assert_eq!(run_due(&d).await.retried, 1);

    // Past the time the nonce is trusted and the read fails: the row waits, nothing is sent.
    sink.forget_nonces();
    sink.fail_history(Some(transient("HTTP 503 (code 0): unavailable", None)));
    t.clock.advance(NONCE_TRUSTED + Duration::seconds(1));
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.retried), (0, 1), "{s:?}");
    assert_eq!(sink.calls().len(), 1, "not sent while it cannot be checked");
    let r = outbox_row(&t.app, "doubt:old").await;
    assert_eq!(r.state, "pending");
    assert!(
        r.last_error
            .as_deref()
            .unwrap_or("")
            .contains("cannot check"),
        "{r:?}"
    );
    assert_eq!(t.app.health.history_troubles().len(), 1);

    // The read works again: found, recorded, not sent a second time.
    sink.fail_history(None);
    t.clock.advance(t.app.config.outbox.backoff_max);
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1, "{s:?}");
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.calls().len(), 1);
    assert!(t.app.health.history_troubles().is_empty());

    // A row whose attempt began moments ago is sent while the read fails: the platform's
    // nonce still returns its first message.
    queue_doubt(&t, "doubt:recent").await;
    sink.script(vec![posted_then_lost()]);
    assert_eq!(run_due(&d).await.retried, 1);
    sink.fail_history(Some(transient("HTTP 503 (code 0): unavailable", None)));
    t.clock.advance(t.app.config.outbox.backoff_base * 2);
    let s = run_due(&d).await;
    assert_eq!(s.sent, 1, "{s:?}");
    assert_eq!(
        sink.messages().len(),
        2,
        "one message each, the resend deduplicated"
    );
    assert_eq!(sink.calls().len(), 3);
}
