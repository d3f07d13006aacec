//! Tasks: `/task assign` to a member, a position or oneself; start, done, reopen and cancel;
//! edit and reassign (and what that does to the pending pings); comments; deadlines as people
//! type them in English and Chinese; refusals in both languages. The other files: `view`
//! (lists, history, stats), `pings` (the reminders at the right instants, to the right people),
//! `covers`, `buttons`, `recurring`, and `discord` (one flow through the fake Discord).
//! Schedules are driven by the manual clock only.

mod buttons;
mod covers;
mod discord;
mod pings;
mod recurring;
mod view;

use storeops::adapters::shell::SHELL_GUILD;
use storeops::app::Invocation;
use storeops::domain::position::Position;
use storeops::message::Mentions;
use storeops::store::id_in;

use crate::support::TestApp;
use crate::support::core::{actor, mentions, origin_in, text_opt};
use crate::support::sent::{one_task, sent_tasks};
use crate::support::shell::{act_as, boss, role, run, uid};
use crate::support::store::{
    OutboxRow, in_state, key_states, last_task_id, task, task_count, task_pings,
};
use crate::support::time::{local, shown};

/// (kind, local due time) of rows, for comparing a task's plan of pings.
fn plan(rows: &[&OutboxRow]) -> Vec<(String, String)> {
    rows.iter().map(|p| (p.kind(), shown(p.due))).collect()
}

#[tokio::test]
async fn assign_to_a_member_a_position_or_oneself_with_permissions() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;

    // A manager assigns to a member: the reply pings that member and offers the buttons.
    let out = run(
        &mut sh,
        "/task assign title:\"Update the banner\" due:\"fri 18:00\" user:@bob priority:high note:\"use the new photos\"",
    )
    .await;
    assert!(out.starts_with("@bob\n"), "{out}");
    assert!(
        out.contains("== New task #1: Update the banner ==")
            && out.contains("2026-11-27 18:00 (Fri)")
            && out.contains("Assignee: @bob")
            && out.contains("Priority: high")
            && out.contains("Note: use the new photos")
            && out.contains("/press task:done:1")
            && out.contains("/press task:start:1")
            && out.contains("/press task:snooze1h:1")
            && out.contains("/press task:snoozetmr:1"),
        "{out}"
    );
    let r = task(&t, 1).await;
    assert_eq!(r.status, "open");
    assert_eq!(r.assignee, Some(uid("bob")));
    assert_eq!(r.assigner, uid("alice"));
    assert_eq!(r.position, None);
    assert_eq!(r.due, local("2026-11-27 18:00"));

    // To a position: nobody owns it yet, the position's role is pinged, anyone of it can take it.
    let out = run(
        &mut sh,
        "/task assign title:\"Answer the chats\" due:\"in 3h\" position:customer-service",
    )
    .await;
    assert!(out.starts_with("@customer-service\n"), "{out}");
    assert!(
        out.contains("New task #2")
            && out.contains("Whoever clicks \"Take it\" owns this task.")
            && out.contains("/press task:take:2"),
        "{out}"
    );
    let r = task(&t, 2).await;
    assert_eq!(r.assignee, None);
    assert_eq!(r.position.as_deref(), Some("customer-service"));
    assert_eq!(r.due, local("2026-11-23 12:00"));

    // Both a member and a position: refused.
    let out = run(
        &mut sh,
        "/task assign title:x due:\"fri 18:00\" user:@bob position:design",
    )
    .await;
    assert!(out.contains("either user:@name or position:"), "{out}");

    // A member (not a manager) may assign to themselves...
    act_as(&mut sh, "carol", "operations").await;
    let out = run(
        &mut sh,
        "/task assign title:\"Check stock\" due:\"tomorrow 9am\" user:@carol",
    )
    .await;
    assert!(out.contains("New task #3: Check stock"), "{out}");
    // ...and is not pinged by her own reply.
    assert!(out.starts_with("== "), "{out}");
    let r = task(&t, 3).await;
    assert_eq!(r.assignee, Some(uid("carol")));
    assert_eq!(r.assigner, uid("carol"));

    // ...but not to someone else, nor to a position; nothing is created.
    let out = run(
        &mut sh,
        "/task assign title:\"Do my work\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    assert!(
        out.contains("You can assign tasks only to yourself"),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task assign title:\"Do my work\" due:\"fri 18:00\" position:design",
    )
    .await;
    assert!(
        out.contains("You can assign tasks only to yourself"),
        "{out}"
    );
    assert_eq!(task_count(&t).await, 3);
}

/// `/task assign` without user or position means "for me" (`user` is optional in the command
/// table, and the code falls back to the actor), for a member as for a manager.
#[tokio::test]
async fn assign_without_user_or_position_goes_to_oneself() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = t.shell("carol", "operations", "en-US").await;
    let out = run(
        &mut sh,
        "/task assign title:\"Check stock\" due:\"tomorrow 9am\"",
    )
    .await;
    assert!(out.contains("New task #1: Check stock"), "{out}");
    assert_eq!(task_count(&t).await, 1, "{out}");
    let r = task(&t, 1).await;
    assert_eq!(r.assignee, Some(uid("carol")));
}

#[tokio::test]
async fn a_position_without_a_role_is_a_clear_error() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    // The shell maps every position; take warehouse's mapping away.
    sqlx::query("DELETE FROM guild_positions WHERE guild_id = ?1 AND position = 'warehouse'")
        .bind(id_in(SHELL_GUILD))
        .execute(&t.app.store.pool)
        .await
        .expect("unmap");
    let out = run(
        &mut sh,
        "/task assign title:\"Count boxes\" due:\"fri 18:00\" position:warehouse",
    )
    .await;
    assert!(
        out.contains("The position \"Warehouse\" has no server role yet")
            && out.contains("/setup position:"),
        "{out}"
    );
    assert_eq!(task_count(&t).await, 0);

    // The same for reassigning and for recurring tasks.
    run(
        &mut sh,
        "/task assign title:\"Count boxes\" due:\"fri 18:00\" user:@dave",
    )
    .await;
    let out = run(&mut sh, "/task reassign id:1 position:warehouse").await;
    assert!(out.contains("has no server role yet"), "{out}");
    assert_eq!(task(&t, 1).await.assignee, Some(uid("dave")));
    let out = run(
        &mut sh,
        "/task recurring title:\"Count boxes\" schedule:\"weekdays 10:00\" position:warehouse",
    )
    .await;
    assert!(out.contains("has no server role yet"), "{out}");

    // In Chinese.
    run(&mut sh, ":locale zh-CN").await;
    let out = run(
        &mut sh,
        "/task assign title:\"Count boxes\" due:\"fri 18:00\" position:warehouse",
    )
    .await;
    assert!(out.contains("还没有对应的服务器身份组"), "{out}");

    // A guild nobody set up has no position mapped at all.
    let o = origin_in(2, actor("alice", &[Position::Manager], "en-US"));
    let inv = Invocation::new("task assign")
        .with("title", text_opt("Answer the chats"))
        .with("due", text_opt("in 2h"))
        .with("position", text_opt("customer-service"));
    let reply = t.app.handle(&o, &inv).await;
    let text = reply.lines.join("\n");
    assert!(
        text.contains("The position \"Customer service\" has no server role yet"),
        "{reply:?}"
    );
    assert!(reply.ephemeral);
    assert_eq!(task_count(&t).await, 1);
}

#[tokio::test]
async fn start_done_on_time_or_late_and_reopen() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Reply to reviews\" due:\"in 2h\" user:@bob",
    )
    .await;
    run(
        &mut sh,
        "/task assign title:\"Fix the price\" due:\"in 1h\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;

    let out = run(&mut sh, "/task start id:1").await;
    assert!(
        out.contains("Task #1 started: Reply to reviews") && out.contains("Status: in progress"),
        "{out}"
    );
    let r = task(&t, 1).await;
    assert_eq!(r.status, "in_progress");
    assert_eq!(r.started, Some(local("2026-11-23 09:00")));
    let out = run(&mut sh, "/task start id:1").await;
    assert!(
        out.contains("Task #1 is in progress, so that does not apply"),
        "{out}"
    );

    run(&mut sh, ":advance 30m").await;
    let out = run(&mut sh, "/task done id:1 note:\"all answered\"").await;
    assert!(
        out.contains("Task #1 done: Reply to reviews")
            && out.contains("Finished on time. Its reminders are cancelled."),
        "{out}"
    );
    let r = task(&t, 1).await;
    assert_eq!(r.status, "done");
    assert_eq!(r.done, Some(local("2026-11-23 09:30")));
    let out = run(&mut sh, "/task done id:1").await;
    assert!(
        out.contains("Task #1 is done, so that does not apply"),
        "{out}"
    );

    // #2 was due at 10:00; finished at 12:30.
    run(&mut sh, ":advance 3h").await;
    let out = run(&mut sh, "/task done id:2").await;
    assert!(
        out.contains("Task #2 done") && out.contains("Finished 2 h 30 min after the deadline."),
        "{out}"
    );
    assert!(!out.contains("on time"), "{out}");

    let out = run(
        &mut sh,
        "/task reopen id:2 note:\"price still wrong on mobile\"",
    )
    .await;
    assert!(out.contains("Task #2 reopened: Fix the price"), "{out}");
    let r = task(&t, 2).await;
    assert_eq!(r.status, "open");
    assert_eq!(r.done, None);
    let out = run(&mut sh, "/task reopen id:2").await;
    assert!(
        out.contains("Task #2 is open, so that does not apply"),
        "{out}"
    );

    // Someone with nothing to do with a task may not move it.
    act_as(&mut sh, "dave", "warehouse").await;
    for line in ["/task start id:2", "/task done id:2", "/task reopen id:1"] {
        let out = run(&mut sh, line).await;
        assert!(
            out.contains("Only the assignee, the person who assigned task"),
            "{line}: {out}"
        );
    }
    assert_eq!(task(&t, 2).await.status, "open");
    assert_eq!(task(&t, 1).await.status, "done");
}

#[tokio::test]
async fn only_the_assigner_or_a_manager_may_cancel() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Plan the sale\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task cancel id:1").await;
    assert!(out.contains("task #1"), "{out}");
    assert!(!out.contains("cancelled: Plan the sale"), "{out}");
    assert_eq!(task(&t, 1).await.status, "open");
    assert_eq!(in_state(&task_pings(&t, 1).await, "pending").len(), 5);

    // A member may cancel what they assigned themselves.
    act_as(&mut sh, "carol", "operations").await;
    run(
        &mut sh,
        "/task assign title:\"Own thing\" due:\"fri 18:00\" user:@carol",
    )
    .await;
    let out = run(&mut sh, "/task cancel id:2 note:\"not needed\"").await;
    assert!(out.contains("Task #2 cancelled: Own thing"), "{out}");
    assert_eq!(task(&t, 2).await.status, "cancelled");

    // The manager (and assigner) may; every pending ping goes with it.
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task cancel id:1 note:\"campaign dropped\"").await;
    assert!(out.contains("Task #1 cancelled: Plan the sale"), "{out}");
    assert_eq!(task(&t, 1).await.status, "cancelled");
    let rows = task_pings(&t, 1).await;
    assert_eq!(rows.len(), 5);
    assert!(in_state(&rows, "pending").is_empty(), "{rows:#?}");
    let out = run(&mut sh, ":advance 6d").await;
    assert!(sent_tasks(&out).is_empty(), "{out}");
    let out = run(&mut sh, "/task cancel id:1").await;
    assert!(
        out.contains("is cancelled, so that does not apply"),
        "{out}"
    );
}

/// The assignee who may not cancel is told who may; telling them "only the assignee ... can do
/// that" contradicts the refusal.
#[tokio::test]
async fn the_cancel_refusal_does_not_say_the_assignee_may_cancel() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Plan the sale\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task cancel id:1").await;
    assert!(
        out.contains("Only the person who assigned task #1 or a manager"),
        "{out}"
    );
    assert!(!out.contains("Only the assignee"), "{out}");
}

#[tokio::test]
async fn moving_the_deadline_moves_the_pending_pings() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"New banner\" due:\"wed 10:00\" user:@bob",
    )
    .await;
    let before = task_pings(&t, 1).await;
    assert_eq!(
        plan(&in_state(&before, "pending")),
        vec![
            ("e1:before-1440m".into(), "2026-11-24 10:00".into()),
            ("e1:before-60m".into(), "2026-11-25 09:00".into()),
            ("e1:due".into(), "2026-11-25 10:00".into()),
            ("e1:overdue-assigner".into(), "2026-11-25 14:00".into()),
            ("e1:overdue-manager".into(), "2026-11-26 10:00".into()),
        ]
    );

    // bob owns it but did not assign it: he may not move it.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task edit id:1 due:\"thu 15:00\"").await;
    assert!(
        out.contains("Only the person who assigned task #1 or a manager"),
        "{out}"
    );
    assert_eq!(task(&t, 1).await.due, local("2026-11-25 10:00"));

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task edit id:1").await;
    assert!(out.contains("Say what to change"), "{out}");
    let out = run(&mut sh, "/task edit id:1 due:\"thu 15:00\"").await;
    assert!(
        out.contains("Task #1 changed: New banner") && out.contains("2026-11-26 15:00 (Thu)"),
        "{out}"
    );
    let r = task(&t, 1).await;
    assert_eq!(r.due, local("2026-11-26 15:00"));
    assert_eq!(r.revision, 2);

    let after = task_pings(&t, 1).await;
    let cancelled = in_state(&after, "cancelled");
    assert_eq!(cancelled.len(), 5, "{after:#?}");
    assert!(
        cancelled.iter().all(|p| p.key.contains(":e1:")),
        "{after:#?}"
    );
    assert_eq!(
        plan(&in_state(&after, "pending")),
        vec![
            ("e2:before-1440m".into(), "2026-11-25 15:00".into()),
            ("e2:before-60m".into(), "2026-11-26 14:00".into()),
            ("e2:due".into(), "2026-11-26 15:00".into()),
            ("e2:overdue-assigner".into(), "2026-11-26 19:00".into()),
            ("e2:overdue-manager".into(), "2026-11-27 15:00".into()),
        ]
    );

    // The old instants pass in silence; the new ones ping.
    let out = run(&mut sh, ":advance 1d1h").await;
    assert!(sent_tasks(&out).is_empty(), "Tue 10:00: {out}");
    let out = run(&mut sh, ":advance 1d4h59m").await;
    assert!(sent_tasks(&out).is_empty(), "until Wed 14:59: {out}");
    let m = one_task(&run(&mut sh, ":advance 1m").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert_eq!(m.mentions, "@bob");
    assert!(m.text.contains("2026-11-26 15:00 (Thu)"), "{}", m.text);

    // An invalid new deadline changes nothing.
    let out = run(&mut sh, "/task edit id:1 due:\"2026-02-30\"").await;
    assert!(out.contains("is not a real date or time"), "{out}");
    assert_eq!(task(&t, 1).await.due, local("2026-11-26 15:00"));
}

/// Changing only the title, priority or note keeps the deadline and the owner, so the pending
/// pings must still be there afterwards.
#[tokio::test]
async fn editing_only_the_title_keeps_the_reminders() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"New banner\" due:\"wed 10:00\" user:@bob",
    )
    .await;
    let out = run(
        &mut sh,
        "/task edit id:1 title:\"New banner (mobile too)\" priority:urgent",
    )
    .await;
    assert!(
        out.contains("Task #1 changed: New banner (mobile too)"),
        "{out}"
    );
    let rows = task_pings(&t, 1).await;
    assert_eq!(
        in_state(&rows, "pending").len(),
        5,
        "the reminders are gone after a title change: {:#?}",
        key_states(&rows)
    );
    let m = one_task(&run(&mut sh, ":advance 1d1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert!(m.text.contains("Priority: urgent"), "{}", m.text);
}

#[tokio::test]
async fn reassigning_moves_the_pings_to_the_new_assignee() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Pack orders\" due:\"wed 10:00\" user:@bob",
    )
    .await;

    // bob may not hand it on (he did not assign it).
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task reassign id:1 user:@dave").await;
    assert!(
        out.contains("Only the person who assigned task #1"),
        "{out}"
    );
    assert_eq!(task(&t, 1).await.assignee, Some(uid("bob")));

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task reassign id:1 user:@carol").await;
    assert!(out.starts_with("@carol\n"), "{out}");
    assert!(out.contains("Task #1 now belongs to @carol"), "{out}");
    let r = task(&t, 1).await;
    assert_eq!(r.assignee, Some(uid("carol")));
    assert_eq!(r.revision, 2);

    // The same episode: the waiting pings are replanned under their own keys, now for carol.
    let rows = task_pings(&t, 1).await;
    assert!(in_state(&rows, "cancelled").is_empty(), "{rows:#?}");
    let pending = in_state(&rows, "pending");
    assert_eq!(pending.len(), 5, "{rows:#?}");
    let (carol, alice) = (uid("carol"), uid("alice"));
    for p in &pending {
        assert!(p.key.contains(":e1:"), "{}", p.key);
        let expected = match p.kind().as_str() {
            "e1:overdue-assigner" => mentions(&[carol, alice], &[]),
            "e1:overdue-manager" => Mentions::role(role("manager")),
            _ => Mentions::user(carol),
        };
        assert_eq!(p.reply.mentions, expected, "{}", p.key);
        assert!(!p.reply.mentions.users.contains(&uid("bob")), "{}", p.key);
    }
    let m = one_task(&run(&mut sh, ":advance 1d1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert_eq!(m.mentions, "@carol");

    // To a position: nobody owns it, the role is pinged.
    let out = run(&mut sh, "/task reassign id:1 position:customer-service").await;
    assert!(
        out.starts_with("@customer-service\n")
            && out.contains("Task #1 now belongs to @customer-service"),
        "{out}"
    );
    let r = task(&t, 1).await;
    assert_eq!(r.assignee, None);
    assert_eq!(r.position.as_deref(), Some("customer-service"));
    let rows = task_pings(&t, 1).await;
    let due = rows
        .iter()
        .find(|p| p.kind() == "e1:due")
        .expect("the due ping");
    assert_eq!(due.reply.mentions, Mentions::role(role("customer-service")));

    // A finished task is not reassigned.
    run(&mut sh, "/task done id:1").await;
    let out = run(&mut sh, "/task reassign id:1 user:@bob").await;
    assert!(out.contains("already finished or cancelled"), "{out}");
}

#[tokio::test]
async fn comments_come_from_people_involved_in_the_task() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Call the supplier\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    let out = run(
        &mut sh,
        "/task comment id:1 text:\"ask about <@&123> @everyone\"",
    )
    .await;
    assert!(out.contains("Comment added to task #1"), "{out}");
    // User text is shown, never turned into a ping.
    assert!(!out.contains("<@&123>") && !out.starts_with('@'), "{out}");

    act_as(&mut sh, "dave", "warehouse").await;
    let out = run(&mut sh, "/task comment id:1 text:\"me too\"").await;
    assert!(out.contains("Only the assignee"), "{out}");
    let out = run(&mut sh, "/task comment id:7 text:\"hello\"").await;
    assert!(out.contains("There is no task #7"), "{out}");

    act_as(&mut sh, "bob", "customer-service").await;
    run(&mut sh, "/task comment id:1 text:\"they call back at 3\"").await;
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM task_events WHERE task_id = 1 AND kind = 'comment'")
            .fetch_one(&t.app.store.pool)
            .await
            .expect("count");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn deadlines_typed_in_english_and_chinese_are_stored_right() {
    // Now: Monday 2026-11-23 09:00 Asia/Shanghai.
    const TABLE: &[(&str, &str)] = &[
        ("18:00", "2026-11-23 18:00"),
        ("fri 17:00", "2026-11-27 17:00"),
        ("tomorrow 9am", "2026-11-24 09:00"),
        ("in 3h", "2026-11-23 12:00"),
        ("+2d", "2026-11-25 09:00"),
        ("2026-12-01 10:00", "2026-12-01 10:00"),
        ("12/1 10:00", "2026-12-01 10:00"),
        ("2026-12-01", "2026-12-01 18:00"),
        ("next mon 9:00", "2026-11-30 09:00"),
        // Monday 09:00 is not ahead any more: the next Monday.
        ("mon 9:00", "2026-11-30 09:00"),
        ("midnight", "2026-11-24 00:00"),
        ("明天 18:00", "2026-11-24 18:00"),
        ("周五下午5点", "2026-11-27 17:00"),
        ("下周一 9点", "2026-11-30 09:00"),
        ("3天后", "2026-11-26 09:00"),
        ("今晚8点", "2026-11-23 20:00"),
        ("12月1号 下午3点半", "2026-12-01 15:30"),
        ("明早9点", "2026-11-24 09:00"),
        ("半小时后", "2026-11-23 09:30"),
    ];
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    for locale in ["en-US", "zh-CN"] {
        let mut sh = t.shell("alice", "manager", locale).await;
        for (input, expected) in TABLE {
            let before = last_task_id(&t).await;
            let out = run(
                &mut sh,
                &format!("/task assign title:\"due {input}\" due:\"{input}\" user:@bob"),
            )
            .await;
            let id = last_task_id(&t).await;
            assert_eq!(id, before + 1, "{locale} {input:?}: no task made:\n{out}");
            let r = task(&t, id).await;
            assert_eq!(shown(r.due), *expected, "{locale} {input:?}");
            assert!(out.contains(expected), "{locale} {input:?}: {out}");
        }
    }
}

#[tokio::test]
async fn bad_deadlines_are_explained_in_the_actors_language() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut en = t.shell("alice", "manager", "en-US").await;
    let mut zh = t.shell("li", "manager", "zh-CN").await;

    // A time already past today: an error suggesting tomorrow, never silently moved.
    let out = run(&mut en, "/task assign title:x due:\"08:00\" user:@bob").await;
    assert!(
        out.contains("2026-11-23 08:00 has already passed. Did you mean \"tomorrow 08:00\"?"),
        "{out}"
    );
    let out = run(&mut zh, "/task assign title:x due:\"08:00\" user:@bob").await;
    assert!(
        out.contains("2026-11-23 08:00 已经过去了") && out.contains("tomorrow 08:00"),
        "{out}"
    );
    let out = run(&mut zh, "/task assign title:x due:\"今天 8点\" user:@bob").await;
    assert!(
        out.contains("2026-11-23 08:00 已经过去了。你是指“明天 08:00”吗？"),
        "{out}"
    );

    // Garbage.
    let out = run(&mut en, "/task assign title:x due:\"whenever\" user:@bob").await;
    assert!(
        out.contains("I can't read the deadline \"whenever\". Try: 18:00"),
        "{out}"
    );
    let out = run(&mut zh, "/task assign title:x due:\"whenever\" user:@bob").await;
    assert!(out.contains("无法识别截止时间“whenever”"), "{out}");

    // A date that does not exist.
    let out = run(&mut en, "/task assign title:x due:\"2026-02-30\" user:@bob").await;
    assert!(
        out.contains("\"2026-02-30\" is not a real date or time"),
        "{out}"
    );
    let out = run(&mut zh, "/task assign title:x due:\"2026-02-30\" user:@bob").await;
    assert!(out.contains("“2026-02-30”不是有效的日期或时间"), "{out}");

    assert_eq!(
        task_count(&t).await,
        0,
        "nothing is created on a bad deadline"
    );

    // The suggestion itself works.
    let out = run(
        &mut en,
        "/task assign title:x due:\"tomorrow 08:00\" user:@bob",
    )
    .await;
    assert!(out.contains("New task #1"), "{out}");
    assert_eq!(task(&t, 1).await.due, local("2026-11-24 08:00"));
}

#[tokio::test]
async fn refusals_come_in_both_languages() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Pack\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "/task assign title:x due:\"fri 18:00\" user:@bob",
            "You can assign tasks only to yourself",
            "你只能给自己分配任务",
        ),
        (
            "/task list scope:all",
            "You can list your own tasks",
            "你可以查看自己和所在岗位的任务",
        ),
        (
            "/task cover user:@bob cover:@dave from:2026-11-24 to:2026-11-25",
            "Only managers can do that",
            "只有经理可以执行此操作",
        ),
        (
            "/task stats user:@bob",
            "You can see your own record",
            "你可以查看自己的记录",
        ),
        (
            "/press task:done:1",
            "Only the assignee, the person who assigned task #1, or a manager",
            "只有负责人、任务 #1 的分配人或经理可以这样做",
        ),
        (
            "/task edit id:1 due:\"sat 18:00\"",
            "Only the person who assigned task #1 or a manager",
            "只有任务 #1 的分配人或经理可以修改或转派",
        ),
        (
            "/task recurring title:x schedule:\"weekdays 10:00\" position:design",
            "Only managers can do that",
            "只有经理可以执行此操作",
        ),
    ];
    let mut en = t.shell("carol", "operations", "en-US").await;
    let mut zh = t.shell("wang", "operations", "zh-CN").await;
    for (line, in_en, in_zh) in cases {
        let out = run(&mut en, line).await;
        assert!(out.contains(in_en), "en {line}: {out}");
        let out = run(&mut zh, line).await;
        assert!(out.contains(in_zh), "zh {line}: {out}");
    }
    let r = task(&t, 1).await;
    assert_eq!(
        (r.status.as_str(), r.due),
        ("open", local("2026-11-27 18:00"))
    );
    assert_eq!(task_count(&t).await, 1);
}
