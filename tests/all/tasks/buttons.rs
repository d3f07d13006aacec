//! The buttons on a task's messages (Done, Start, Snooze, Take it): who may press them, and
//! what each does to the task and its pings.

use storeops::message::Mentions;

use crate::support::TestApp;
use crate::support::sent::{one_task, sent_tasks};
use crate::support::shell::{act_as, boss, role, run, uid};
use crate::support::store::{in_state, task, task_pings};
use crate::support::time::local;

#[tokio::test]
async fn buttons_done_start_and_snooze_for_the_right_people() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Pack the orders\" due:\"in 3h\" user:@bob",
    )
    .await;
    let pending_before = in_state(&task_pings(&t, 1).await, "pending").len();

    // Someone else: every button is refused and nothing changes.
    act_as(&mut sh, "carol", "operations").await;
    for button in ["done", "start", "snooze1h", "snoozetmr"] {
        let out = run(&mut sh, &format!("/press task:{button}:1")).await;
        assert!(
            out.contains("Only the assignee, the person who assigned task #1, or a manager"),
            "{button}: {out}"
        );
    }
    assert_eq!(task(&t, 1).await.status, "open");
    assert_eq!(task_pings(&t, 1).await.len(), pending_before);
    let out = run(&mut sh, "/press task:explode:1").await;
    assert!(out.contains("This button no longer does anything"), "{out}");

    // The assignee snoozes for an hour: one extra reminder at 10:00, then the plan goes on.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/press task:snooze1h:1").await;
    assert!(
        out.contains("Task #1: @bob will be reminded again at 2026-11-23 10:00"),
        "{out}"
    );
    let out = run(&mut sh, ":advance 59m").await;
    assert!(sent_tasks(&out).is_empty(), "{out}");
    let m = one_task(&run(&mut sh, ":advance 1m").await);
    assert_eq!(m.title, "Reminder: task #1");
    assert_eq!(m.mentions, "@bob");
    let out = run(&mut sh, ":advance 59m").await;
    assert!(sent_tasks(&out).is_empty(), "one reminder only: {out}");
    let m = one_task(&run(&mut sh, ":advance 1m").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");

    // Until tomorrow 9:00.
    let out = run(&mut sh, "/press task:snoozetmr:1").await;
    assert!(out.contains("2026-11-24 09:00"), "{out}");
    let rows = task_pings(&t, 1).await;
    let tomorrow = rows
        .iter()
        .find(|p| p.key.contains("snooze") && p.due == local("2026-11-24 09:00"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(tomorrow.state, "pending");
    assert_eq!(tomorrow.reply.mentions, Mentions::user(uid("bob")));

    // Start, then Done; Done takes every pending reminder with it.
    let out = run(&mut sh, "/press task:start:1").await;
    assert!(out.contains("Task #1 started"), "{out}");
    assert!(
        !out.contains("/press task:start:1"),
        "no Start once started: {out}"
    );
    assert_eq!(task(&t, 1).await.status, "in_progress");
    let out = run(&mut sh, "/press task:done:1").await;
    assert!(
        out.contains("Task #1 done") && out.contains("Finished on time"),
        "{out}"
    );
    assert_eq!(task(&t, 1).await.status, "done");
    assert!(in_state(&task_pings(&t, 1).await, "pending").is_empty());
    let out = run(&mut sh, ":advance 2d").await;
    assert!(sent_tasks(&out).is_empty(), "{out}");
    let out = run(&mut sh, "/press task:snooze1h:1").await;
    assert!(out.contains("already finished or cancelled"), "{out}");

    // A manager may press on anyone's task.
    act_as(&mut sh, "alice", "manager").await;
    run(
        &mut sh,
        "/task assign title:\"Label boxes\" due:\"in 3h\" user:@dave",
    )
    .await;
    act_as(&mut sh, "mia", "manager").await;
    let out = run(&mut sh, "/press task:done:2").await;
    assert!(out.contains("Task #2 done"), "{out}");
}

#[tokio::test]
async fn the_assigner_may_press_the_buttons_too() {
    let mut config = storeops::config::Config::defaults();
    config.tasks.members_assign_others = true;
    let t = TestApp::with_config(config).await;
    let _boss = boss(&t).await;
    let mut sh = t.shell("carol", "operations", "en-US").await;
    let out = run(
        &mut sh,
        "/task assign title:\"Check labels\" due:\"in 3h\" user:@dave",
    )
    .await;
    assert!(out.contains("New task #1"), "{out}");
    act_as(&mut sh, "erin", "design").await;
    let out = run(&mut sh, "/press task:done:1").await;
    assert!(out.contains("Only the assignee"), "{out}");
    act_as(&mut sh, "carol", "operations").await;
    let out = run(&mut sh, "/press task:done:1").await;
    assert!(out.contains("Task #1 done"), "{out}");
}

#[tokio::test]
async fn take_it_goes_to_the_first_clicker_of_the_position() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Answer the chats\" due:\"in 3h\" position:customer-service",
    )
    .await;
    run(
        &mut sh,
        "/task assign title:\"Refund\" due:\"in 3h\" position:customer-service",
    )
    .await;
    let first = task_pings(&t, 1).await;
    assert!(
        first
            .iter()
            .filter(|p| p.kind() == "e1:due")
            .all(|p| p.reply.mentions == Mentions::role(role("customer-service"))),
        "{first:#?}"
    );

    // Not of the position: refused.
    act_as(&mut sh, "carol", "operations").await;
    let out = run(&mut sh, "/press task:take:1").await;
    assert!(out.contains("Only the assignee"), "{out}");
    assert_eq!(task(&t, 1).await.assignee, None);

    // The first of customer service to click owns it.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/press task:take:1").await;
    assert!(out.contains("Task #1 taken by @bob"), "{out}");
    let r = task(&t, 1).await;
    assert_eq!(r.assignee, Some(uid("bob")));
    assert_eq!(r.revision, 2);

    // The second is told who has it.
    act_as(&mut sh, "lily", "customer-service").await;
    let out = run(&mut sh, "/press task:take:1").await;
    assert!(out.contains("Task #1 is already taken by @bob"), "{out}");
    assert_eq!(task(&t, 1).await.assignee, Some(uid("bob")));

    // From now on the pings go to bob alone.
    let rows = task_pings(&t, 1).await;
    let pending = in_state(&rows, "pending");
    assert!(!pending.is_empty());
    for p in &pending {
        assert!(p.key.contains(":e1:"), "{}", p.key);
        if p.kind() != "e1:overdue-manager" && p.kind() != "e1:overdue-assigner" {
            assert_eq!(p.reply.mentions, Mentions::user(uid("bob")), "{}", p.key);
        }
    }

    // A holder of the position may finish an untaken task directly and then owns it.
    let out = run(&mut sh, "/press task:done:2").await;
    assert!(out.contains("Task #2 done"), "{out}");
    assert_eq!(task(&t, 2).await.assignee, Some(uid("lily")));
}
