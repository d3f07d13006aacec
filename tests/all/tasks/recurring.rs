//! `/task recurring`: tasks made on a schedule, once per occurrence even when two processes
//! tick at the same instant, listed, and stopped.

use std::sync::Arc;

use chrono::Duration;
use storeops::app::cmd::task::materialise_recurring;
use storeops::outbox::Dispatcher;

use crate::support::sent::{Sent, sent_tasks};
use crate::support::shell::{act_as, boss, run, uid};
use crate::support::store::{task, task_count};
use crate::support::time::local;
use crate::support::{RecordingSink, TestApp};

#[tokio::test]
async fn recurring_tasks_are_created_once_per_occurrence_listed_and_stopped() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/task recurring title:\"Check 10 chat records\" schedule:\"weekdays 10:00\" position:customer-service",
    )
    .await;
    assert!(out.contains("Only managers"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(
        &mut sh,
        "/task recurring title:x schedule:\"sometimes\" position:customer-service",
    )
    .await;
    assert!(
        out.contains("I can't read the schedule \"sometimes\""),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task recurring title:x schedule:\"weekdays 10:00\" position:customer-service due-in:soon",
    )
    .await;
    assert!(
        out.contains("I can't read \"soon\" as a time span"),
        "{out}"
    );

    let out = run(
        &mut sh,
        "/task recurring title:\"Check 10 chat records\" schedule:\"weekdays 10:00\" position:customer-service",
    )
    .await;
    assert!(
        out.contains("Recurring task 1 saved: Check 10 chat records")
            && out.contains("next: 2026-11-23 10:00 (Mon)")
            && out.contains("Each one is due 8 h after it starts."),
        "{out}"
    );
    let out = run(&mut sh, "/task recurring").await;
    assert!(
        out.contains("Recurring tasks")
            && out.contains("Check 10 chat records")
            && out.contains("weekdays 10:00")
            && out.contains("Customer service")
            && out.contains("2026-11-23 10:00"),
        "{out}"
    );

    let out = run(&mut sh, ":advance 59m").await;
    assert!(sent_tasks(&out).is_empty(), "{out}");
    assert_eq!(task_count(&t).await, 0);

    // 10:00: two processes tick at the same instant; one task is made.
    t.clock.advance(Duration::minutes(1));
    let other = t.restart().await;
    let (a, b) = tokio::join!(materialise_recurring(&t.app), materialise_recurring(&other));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a + b, 1, "exactly one of them creates the task");
    assert_eq!(materialise_recurring(&t.app).await.expect("again"), 0);
    assert_eq!(materialise_recurring(&other).await.expect("again"), 0);
    assert_eq!(task_count(&t).await, 1);
    let r = task(&t, 1).await;
    assert_eq!(r.recurring, Some(1));
    assert_eq!(r.assignee, None);
    assert_eq!(r.position.as_deref(), Some("customer-service"));
    assert_eq!(r.assigner, uid("alice"));
    assert_eq!(r.due, local("2026-11-23 18:00"));

    // The announcement goes out once, pinging the position.
    let out = run(&mut sh, ":advance 1m").await;
    let news: Vec<Sent> = sent_tasks(&out)
        .into_iter()
        .filter(|m| m.title.starts_with("New task #1"))
        .collect();
    assert_eq!(news.len(), 1, "{out}");
    assert_eq!(news[0].mentions, "@customer-service");
    assert!(news[0].text.contains("/press task:take:1"), "{out}");

    // A restarted process with its own dispatcher finds nothing left to do.
    let sink = RecordingSink::new();
    let restarted = Dispatcher::new(&other, Arc::new(sink.clone()));
    restarted.tick().await.expect("tick");
    restarted.tick().await.expect("tick again");
    let task_calls: Vec<_> = sink
        .calls()
        .into_iter()
        .filter(|c| c.dedupe_key.starts_with("task:"))
        .collect();
    assert!(task_calls.is_empty(), "{task_calls:?}");
    assert_eq!(task_count(&t).await, 1);

    // Tuesday 10:00: the next weekday makes one more.
    let out = run(&mut sh, ":advance 1d").await;
    assert_eq!(task_count(&t).await, 2);
    let r = task(&t, 2).await;
    assert_eq!(r.recurring, Some(1));
    assert_eq!(r.due, local("2026-11-24 18:00"));
    assert_eq!(
        sent_tasks(&out)
            .iter()
            .filter(|m| m.title.starts_with("New task #2"))
            .count(),
        1,
        "{out}"
    );

    // Stopped: no more tasks; the ones made stay.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task recurring stop:1").await;
    assert!(out.contains("Only managers"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task recurring stop:1").await;
    assert!(
        out.contains("Recurring task 1 stopped. Tasks it already created stay."),
        "{out}"
    );
    run(&mut sh, ":advance 3d").await;
    assert_eq!(task_count(&t).await, 2);
    let out = run(&mut sh, "/task recurring").await;
    assert!(out.contains("None yet"), "{out}");
    let out = run(&mut sh, "/task recurring stop:1").await;
    assert!(out.contains("There is no recurring task 1"), "{out}");
}
