//! A task's pings: before, at and after the deadline at the right manual-clock instants, to
//! exactly the right people and channel; cancelled when the task is done, kept when it is
//! started, planned again when it is reopened; and never pinging whom a title names.

use std::sync::Arc;

use chrono::Duration;
use storeops::adapters::shell::{Shell, shell_channel};
use storeops::app::Invocation;
use storeops::domain::position::Position;
use storeops::message::Mentions;
use storeops::outbox::Dispatcher;

use crate::support::core::{actor, mentions, origin, text_opt, user_opt};
use crate::support::sent::{one_task, sent_tasks};
use crate::support::shell::{act_as, boss, role, run, uid};
use crate::support::store::{in_state, key_states, task_pings};
use crate::support::time::shown;
use crate::support::{RecordingSink, TestApp};

/// A reminder says what has to be done, not only the task's number.
#[tokio::test]
async fn pings_say_what_the_task_is() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Restock the bestseller\" due:\"in 2h\" user:@bob",
    )
    .await;
    let m = one_task(&run(&mut sh, ":advance 1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");
    assert!(m.text.contains("Restock the bestseller"), "{}", m.text);
    act_as(&mut sh, "bob", "customer-service").await;
    run(&mut sh, "/press task:snooze1h:1").await;
    let out = run(&mut sh, ":advance 1h").await;
    let reminder = sent_tasks(&out)
        .into_iter()
        .find(|m| m.title == "Reminder: task #1")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        reminder.text.contains("Restock the bestseller"),
        "{}",
        reminder.text
    );
}

#[tokio::test]
async fn pings_come_at_the_right_instants_to_exactly_the_right_people() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    let out = run(&mut sh, "/setup escalation-channel:#esc").await;
    assert!(out.contains("#esc"), "{out}");
    run(
        &mut sh,
        "/task assign title:\"Restock the bestseller\" due:\"wed 10:00\" user:@bob",
    )
    .await;

    // The plan, with exactly who each ping may reach.
    let (bob, alice) = (uid("bob"), uid("alice"));
    let rows = task_pings(&t, 1).await;
    let expected: Vec<(&str, &str, u64, Mentions)> = vec![
        (
            "e1:before-1440m",
            "2026-11-24 10:00",
            shell_channel(),
            Mentions::user(bob),
        ),
        (
            "e1:before-60m",
            "2026-11-25 09:00",
            shell_channel(),
            Mentions::user(bob),
        ),
        (
            "e1:due",
            "2026-11-25 10:00",
            shell_channel(),
            Mentions::user(bob),
        ),
        (
            "e1:overdue-assigner",
            "2026-11-25 14:00",
            shell_channel(),
            mentions(&[bob, alice], &[]),
        ),
        (
            "e1:overdue-manager",
            "2026-11-26 10:00",
            uid("#esc"),
            Mentions::role(role("manager")),
        ),
    ];
    assert_eq!(rows.len(), expected.len(), "{rows:#?}");
    for (p, (kind, at, target, mentions)) in rows.iter().zip(&expected) {
        assert_eq!(p.kind(), *kind);
        assert_eq!(shown(p.due), *at, "{kind}");
        assert_eq!(p.target, *target, "{kind}");
        assert_eq!(p.reply.mentions, *mentions, "{kind}");
        assert_eq!(p.state, "pending", "{kind}");
        assert!(
            p.reply.buttons.iter().any(|b| b.id == "task:done:1"),
            "{kind}"
        );
    }

    // Step the clock to one minute before each instant (nothing), then onto it (one message).
    let steps: &[(&str, &str, &str, &str)] = &[
        ("24h59m", "#shell", "@bob", "Task #1 is due in 1 d"),
        ("22h59m", "#shell", "@bob", "Task #1 is due in 1 h"),
        ("59m", "#shell", "@bob", "Task #1 is due now"),
        (
            "3h59m",
            "#shell",
            "@bob @alice",
            "Task #1 is overdue by 4 h",
        ),
        (
            "19h59m",
            "#esc",
            "@manager",
            "Task #1 is overdue by 1 d — escalated to managers",
        ),
    ];
    for (wait, target, mentions, title) in steps {
        let out = run(&mut sh, &format!(":advance {wait}")).await;
        assert!(sent_tasks(&out).is_empty(), "before {title:?}: {out}");
        let m = one_task(&run(&mut sh, ":advance 1m").await);
        assert_eq!(m.target, *target, "{title}");
        assert_eq!(m.mentions, *mentions, "{title}");
        assert_eq!(m.title, *title);
        assert!(m.text.contains("/press task:done:1"), "{}", m.text);
    }
    let rows = task_pings(&t, 1).await;
    assert!(rows.iter().all(|p| p.state == "sent"), "{rows:#?}");
    let out = run(&mut sh, ":advance 7d").await;
    assert!(sent_tasks(&out).is_empty(), "nothing more: {out}");
}

#[tokio::test]
async fn done_cancels_every_pending_ping() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Send the invoice\" due:\"in 2h\" user:@bob",
    )
    .await;
    let m = one_task(&run(&mut sh, ":advance 1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task done id:1").await;
    assert!(out.contains("Task #1 done"), "{out}");
    let rows = task_pings(&t, 1).await;
    assert!(in_state(&rows, "pending").is_empty(), "{rows:#?}");
    assert_eq!(in_state(&rows, "sent").len(), 1);
    assert_eq!(in_state(&rows, "cancelled").len(), 3, "{rows:#?}");
    let out = run(&mut sh, ":advance 3d").await;
    assert!(sent_tasks(&out).is_empty(), "no further output: {out}");
}

/// Starting a task does not change its deadline or owner: the reminders must stay.
#[tokio::test]
async fn starting_a_task_keeps_its_reminders() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Send the invoice\" due:\"in 3h\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task start id:1").await;
    assert!(out.contains("Task #1 started"), "{out}");
    reminders_still_planned(&t, &mut sh, "the reminders are gone after /task start").await;
}

/// A reopened task is active again: it needs its reminders again.
#[tokio::test]
async fn reopening_a_task_plans_its_reminders_again() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Send the invoice\" due:\"in 3h\" user:@bob",
    )
    .await;
    run(&mut sh, "/task done id:1").await;
    let out = run(&mut sh, "/task reopen id:1").await;
    assert!(out.contains("Task #1 reopened"), "{out}");
    reminders_still_planned(&t, &mut sh, "a reopened task has no reminders").await;
}

/// Task #1 (bob's, due in 3 h) has its four reminders waiting, and two hours on the one an
/// hour before the deadline goes to bob; `lost` says what went wrong if they are not there.
async fn reminders_still_planned(t: &TestApp, sh: &mut Shell, lost: &str) {
    let rows = task_pings(t, 1).await;
    assert_eq!(
        in_state(&rows, "pending").len(),
        4,
        "{lost}: {:#?}",
        key_states(&rows)
    );
    let m = one_task(&run(sh, ":advance 2h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");
    assert_eq!(m.mentions, "@bob");
}

#[tokio::test]
async fn mentions_in_a_title_never_ping_anyone() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let alice = actor("alice", &[Position::Manager], "en-US");
    let o = origin(alice);
    let title = "Tell @everyone and <@&123> and <@456> about @here";
    let inv = Invocation::new("task assign")
        .with("title", text_opt(title))
        .with("due", text_opt("in 2h"))
        .with("user", user_opt("bob"));
    let reply = t.app.handle(&o, &inv).await;
    assert_eq!(reply.mentions, Mentions::user(uid("bob")), "{reply:?}");
    let shown_title = reply.title.clone().unwrap_or_default();
    assert!(shown_title.starts_with("New task #1"), "{reply:?}");
    assert!(
        !shown_title.contains("<@&123>")
            && !shown_title.contains("<@456>")
            && !shown_title.contains("@everyone")
            && !shown_title.contains("@here"),
        "{shown_title}"
    );

    // Assigned to oneself: nobody at all.
    let inv = Invocation::new("task assign")
        .with("title", text_opt(title))
        .with("due", text_opt("in 2h"))
        .with("user", user_opt("alice"));
    let reply = t.app.handle(&o, &inv).await;
    assert!(
        reply
            .title
            .as_deref()
            .is_some_and(|t| t.starts_with("New task #2")),
        "{reply:?}"
    );
    assert!(reply.mentions.is_empty(), "{reply:?}");

    // Every ping that goes out names only the assignee (and the assigner / manager role when
    // overdue), never what the title says.
    let sink = RecordingSink::new();
    let dispatcher = Dispatcher::new(&t.app, Arc::new(sink.clone()));
    for _ in 0..30 {
        t.clock.advance(Duration::hours(1));
        dispatcher.tick().await.expect("tick");
    }
    // Only the tasks' messages (other features share the outbox).
    let calls: Vec<_> = sink
        .calls()
        .into_iter()
        .filter(|c| c.dedupe_key.starts_with("task:"))
        .collect();
    let of_task_1: Vec<_> = calls
        .iter()
        .filter(|c| c.dedupe_key.starts_with("task:1:"))
        .collect();
    assert_eq!(of_task_1.len(), 4, "{calls:#?}");
    let allowed_users = [uid("bob"), uid("alice")];
    for c in &calls {
        let m = &c.reply.mentions;
        assert!(
            m.users.iter().all(|u| allowed_users.contains(u)),
            "{}: {m:?}",
            c.dedupe_key
        );
        assert!(
            m.roles.iter().all(|r| *r == role("manager")),
            "{}: {m:?}",
            c.dedupe_key
        );
        let title = c.reply.title.clone().unwrap_or_default();
        let all_text = format!(
            "{title}\n{}",
            serde_json::to_string(&c.reply).unwrap_or_default()
        );
        assert!(
            !all_text.contains("<@&123>") && !all_text.contains("<@456>"),
            "{all_text}"
        );
    }
    for c in of_task_1 {
        if c.dedupe_key.ends_with(":due") || c.dedupe_key.contains(":before-") {
            assert_eq!(
                c.reply.mentions,
                Mentions::user(uid("bob")),
                "{}",
                c.dedupe_key
            );
        }
    }
}

/// Pressing "Snooze 1 h" again moves the pending snooze ping instead of adding one (issue
/// #20): two presses 20 minutes apart give one reminder, an hour after the second press.
#[tokio::test]
async fn snoozing_again_moves_the_ping_instead_of_adding_one() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Restock the bestseller\" due:\"in 5h\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    run(&mut sh, "/press task:snooze1h:1").await;
    run(&mut sh, ":advance 20m").await;
    let second = t.clock_now();
    run(&mut sh, "/press task:snooze1h:1").await;
    let out = run(&mut sh, ":advance 40m").await;
    assert!(
        !sent_tasks(&out)
            .iter()
            .any(|m| m.title == "Reminder: task #1"),
        "the first snooze's ping was moved: {out}"
    );
    let out = run(&mut sh, ":advance 20m").await;
    let reminders: Vec<_> = sent_tasks(&out)
        .into_iter()
        .filter(|m| m.title == "Reminder: task #1")
        .collect();
    assert_eq!(reminders.len(), 1, "{out}");
    assert_eq!(t.clock_now(), second + Duration::hours(1));
    let out = run(&mut sh, ":advance 2h").await;
    assert!(
        !sent_tasks(&out)
            .iter()
            .any(|m| m.title == "Reminder: task #1"),
        "{out}"
    );
}
