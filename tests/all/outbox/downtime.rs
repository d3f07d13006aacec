//! Rows that came due while the bot was down: sent late with a note when within the grace
//! window, skipped and listed in one digest per channel beyond it; and late rows that are not
//! "missed" (a manager's retry, a long retry-after) are delivered, with their own note.

use std::time::Duration as StdDuration;

use chrono::Duration;
use storeops::adapters::shell::SHELL_GUILD;
use storeops::clock::Clock;
use storeops::outbox::dispatcher::PassStats;
use storeops::store::outbox::Target;

use crate::support::outbox::{
    CH_A, CH_B, GUILD, dispatcher, enqueue, enqueue_all, message, permanent, run_due, setup_guild,
    transient,
};
use crate::support::store::{outbox_row, outbox_where};
use crate::support::{RecordingSink, Script, TestApp};

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
        let r = outbox_row(&app, &c.dedupe_key).await;
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
    for r in outbox_where(&app, "source = ?1", &["stale"]).await {
        assert_eq!(r.state, "skipped", "{r:?}");
        assert!(r.late_ms.unwrap_or(0) > Duration::days(2).num_milliseconds() - 3_600_000);
    }
    assert_eq!(run_due(&d).await, PassStats::default());
    assert_eq!(sink.calls().len(), 2);
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
    let r = outbox_row(&t.app, key).await;
    assert_eq!(
        r.state, "sent",
        "a manager's retry must deliver, not skip: {out}"
    );
    assert!(!out.contains("Missed while the bot was offline"), "{out}");
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
    let r = outbox_row(&t.app, "slow:1").await;
    t.clock.set(r.available_at);
    let s = run_due(&d).await;
    assert_eq!((s.sent, s.skipped), (1, 0), "{s:?}");
    let calls = sink.calls();
    assert_eq!(calls.len(), 2);
    let footer = calls[1].reply.footer.clone().unwrap_or_default();
    assert!(footer.contains("did not go through"), "{footer}");
    assert!(!footer.contains("offline"), "{footer}");
    assert_eq!(outbox_row(&t.app, "slow:1").await.state, "sent");
    assert!(
        !sink
            .calls()
            .iter()
            .any(|c| c.dedupe_key.starts_with("outbox-missed")),
        "no digest"
    );
}
