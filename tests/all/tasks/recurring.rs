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

/// `tasks::create` adds the task and its "created" entry in one call: the entry goes to the
/// task just made (not to the one made before it), and an occurrence that already has its task
/// makes neither a second task nor a second entry.
#[tokio::test]
async fn a_created_task_gets_one_history_entry_and_a_repeated_occurrence_none() {
    use storeops::domain::recurrence::End;
    use storeops::domain::task::Priority;
    use storeops::store::events::{self, Log};
    use storeops::store::tasks::{self, NewTask, Recurring, TaskTemplate};
    let t = TestApp::new().await;
    let now = t.clock_now();
    let template = TaskTemplate {
        guild_id: 1,
        title: "Check the chat records".into(),
        note: None,
        priority: Priority::Normal,
        position: None,
        assigner_id: 7,
        channel_id: 3,
    };
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let def = Recurring {
        id: 0,
        template: template.clone(),
        user_id: Some(8),
        schedule: "daily 18:00".into(),
        due_minutes: 60,
        next_at: Some(now),
        end: End::Never,
        made: 0,
    };
    let rid = tasks::add_recurring(&mut conn, &def, now)
        .await
        .expect("definition");
    let one_off = NewTask {
        template: template.clone(),
        assignee_id: Some(8),
        due_at: now + Duration::hours(2),
        recurring: None,
    };
    let occurrence = NewTask {
        recurring: Some((rid, now)),
        ..one_off.clone()
    };
    let first = tasks::create(&mut conn, &one_off, now, 7)
        .await
        .expect("create")
        .expect("new");
    let second = tasks::create(&mut conn, &occurrence, now, 9)
        .await
        .expect("create")
        .expect("new");
    assert_ne!(first.id, second.id);
    assert_eq!(second.due_at, occurrence.due_at);
    assert_eq!(second.assignee_id, Some(8));
    let again = tasks::create(&mut conn, &occurrence, now, 9)
        .await
        .expect("create");
    assert!(again.is_none(), "the occurrence has its task already");
    let history = async |conn: &mut sqlx::SqliteConnection, id: i64| {
        events::page(conn, Log::Task, id, (0, 50))
            .await
            .expect("history")
            .into_iter()
            .map(|e| (e.kind, e.actor_id))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        history(&mut conn, first.id).await,
        [("created".to_string(), 7)]
    );
    assert_eq!(
        history(&mut conn, second.id).await,
        [("created".to_string(), 9)]
    );
    let (tasks_n, events_n): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM task_events)")
            .fetch_one(&mut *conn)
            .await
            .expect("counts");
    assert_eq!((tasks_n, events_n), (2, 2));
}
