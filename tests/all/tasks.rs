//! Tasks end to end: every `/task` subcommand through the shell, deadlines as people type them,
//! the pings before, at and after the deadline at the right manual-clock instants (and to whom),
//! the buttons on them, covers, stats, recurring tasks, and one flow through the fake Discord.
//! Schedules are driven by the manual clock only; real time bounds network waits alone.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde_json::Value;
use storeops::adapters::shell::{SHELL_GUILD, Shell, shell_channel, shell_id};
use storeops::app::cmd::task::materialise_recurring;
use storeops::app::{Actor, Invocation, OptValue, Origin, Reply};
use storeops::domain::position::Position;
use storeops::message::Mentions;
use storeops::outbox::Dispatcher;
use storeops::store::{from_ms, id_in, id_out};

use crate::discord::{E2e, embed_text};
use crate::fake_discord::*;
use crate::support::{RecordingSink, TestApp};

/// Real-time bound for network events in the fake-Discord flow (never a schedule).
const PATIENCE: StdDuration = StdDuration::from_secs(20);

// ---------------------------------------------------------------- helpers

/// A local Asia/Shanghai time ("2026-11-25 10:00") as an instant.
fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local time");
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// An instant as a local Asia/Shanghai time, the way the shell prints it.
fn shown(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn uid(name: &str) -> u64 {
    shell_id(name)
}

/// The pretend role the shell maps a position to.
fn role(position: &str) -> u64 {
    shell_id(&format!("@&{position}"))
}

/// alice, a manager, in English; the guild speaks English too (its default is zh-CN).
async fn boss(t: &TestApp) -> Shell {
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = run(&mut sh, "/setup language:en-US").await;
    assert!(out.contains("Settings saved"), "{out}");
    sh
}

async fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).await.text
}

/// Switches the shell's pretend user (keeps the shell's language).
async fn act_as(sh: &mut Shell, name: &str, positions: &str) {
    let out = run(sh, &format!(":as {name} {positions}")).await;
    assert!(out.contains(name), "{out}");
}

/// A message the bot sent on its own, as the shell printed it.
#[derive(Debug, Clone)]
struct Sent {
    /// `#shell`, `#esc`.
    target: String,
    /// The ping line (`@bob @alice`), empty when nobody is pinged.
    mentions: String,
    /// The headline.
    title: String,
    /// Everything printed for it.
    text: String,
}

/// The task messages the bot sent, in the order printed (the command's own reply is left out,
/// and so are messages of other features, e.g. scheduled activities, that share the outbox).
fn sent(out: &str) -> Vec<Sent> {
    all_sent(out)
        .into_iter()
        .filter(|m| m.text.contains("/press task:") || m.title.to_lowercase().contains("task #"))
        .collect()
}

/// Every message the bot sent, in the order printed.
fn all_sent(out: &str) -> Vec<Sent> {
    out.split("[bot → ")
        .skip(1)
        .map(|chunk| {
            let mut lines = chunk.lines();
            let target = lines.next().unwrap_or("").trim_end_matches(']').to_string();
            let rest: Vec<&str> = lines.collect();
            let (mentions, rest) = match rest.first() {
                Some(l) if !l.starts_with("== ") => (l.to_string(), &rest[1..]),
                _ => (String::new(), &rest[..]),
            };
            let title = rest
                .first()
                .map(|l| {
                    l.trim_start_matches("== ")
                        .trim_end_matches(" ==")
                        .to_string()
                })
                .unwrap_or_default();
            Sent {
                target,
                mentions,
                title,
                text: chunk.to_string(),
            }
        })
        .collect()
}

/// Exactly one message was sent; returns it.
fn one(out: &str) -> Sent {
    let msgs = sent(out);
    assert_eq!(msgs.len(), 1, "exactly one message expected:\n{out}");
    msgs[0].clone()
}

/// A task as stored.
#[derive(Debug)]
struct TaskRow {
    status: String,
    assignee: Option<u64>,
    position: Option<String>,
    assigner: u64,
    due: DateTime<Utc>,
    revision: i64,
    started: Option<DateTime<Utc>>,
    done: Option<DateTime<Utc>>,
    recurring: Option<i64>,
}

type TaskTuple = (
    String,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

async fn task(t: &TestApp, id: i64) -> TaskRow {
    let r: TaskTuple = sqlx::query_as(
        "SELECT status, assignee_id, position, assigner_id, due_at, revision, started_at, done_at, recurring_id FROM tasks WHERE id = ?1",
    )
    .bind(id)
    .fetch_one(&t.app.store.pool)
    .await
    .expect("task row");
    TaskRow {
        status: r.0,
        assignee: r.1.map(id_out),
        position: r.2,
        assigner: id_out(r.3),
        due: from_ms(r.4),
        revision: r.5,
        started: r.6.map(from_ms),
        done: r.7.map(from_ms),
        recurring: r.8,
    }
}

async fn task_count(t: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tasks")
        .fetch_one(&t.app.store.pool)
        .await
        .expect("count");
    n
}

async fn last_task_id(t: &TestApp) -> i64 {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM tasks")
        .fetch_one(&t.app.store.pool)
        .await
        .expect("max id");
    n.unwrap_or(0)
}

/// One outbox row of a task.
#[derive(Debug, Clone)]
struct Ping {
    key: String,
    state: String,
    due: DateTime<Utc>,
    target: u64,
    reply: Reply,
}

impl Ping {
    /// The part of the dedupe key after `task:<id>:` (`r1:due`).
    fn kind(&self) -> String {
        self.key.splitn(3, ':').nth(2).unwrap_or("").to_string()
    }
}

/// Every outbox row of a task, by due time.
async fn pings(t: &TestApp, task_id: i64) -> Vec<Ping> {
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT dedupe_key, state, due_at, target_id, payload FROM outbox WHERE source = ?1 ORDER BY due_at, id",
    )
    .bind(format!("task:{task_id}"))
    .fetch_all(&t.app.store.pool)
    .await
    .expect("outbox rows");
    rows.into_iter()
        .map(|(key, state, due, target, payload)| Ping {
            key,
            state,
            due: from_ms(due),
            target: id_out(target),
            reply: serde_json::from_str(&payload).expect("payload is a reply"),
        })
        .collect()
}

fn in_state<'a>(rows: &'a [Ping], state: &str) -> Vec<&'a Ping> {
    rows.iter().filter(|p| p.state == state).collect()
}

/// (kind, local due time) of rows, for comparing plans.
fn plan(rows: &[&Ping]) -> Vec<(String, String)> {
    rows.iter().map(|p| (p.kind(), shown(p.due))).collect()
}

fn users(ids: &[u64]) -> Mentions {
    Mentions {
        users: ids.to_vec(),
        roles: vec![],
    }
}

/// An actor for calling the core directly.
fn actor(name: &str, positions: &[Position], locale: &str) -> Actor {
    let mut a = Actor::new(uid(name), name);
    a.positions = positions.to_vec();
    a.locale = Some(locale.parse().expect("locale"));
    a
}

fn origin(guild: u64, a: Actor) -> Origin {
    Origin {
        guild_id: guild,
        channel_id: shell_channel(),
        actor: a,
    }
}

fn user_opt(name: &str) -> OptValue {
    OptValue::User {
        id: uid(name),
        name: name.to_string(),
    }
}

fn text_opt(s: &str) -> OptValue {
    OptValue::Str(s.to_string())
}

// ---------------------------------------------------------------- assign

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
    let o = origin(2, actor("alice", &[Position::Manager], "en-US"));
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

// ---------------------------------------------------------------- list

#[tokio::test]
async fn list_mine_overdue_all_and_whose_may_be_listed() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for line in [
        "/task assign title:b-soon due:\"in 1h\" user:@bob",
        "/task assign title:b-later due:\"fri 18:00\" user:@bob",
        "/task assign title:c-task due:\"fri 18:00\" user:@carol",
        "/task assign title:a-own due:\"fri 18:00\" user:@alice",
        "/task assign title:cs-open due:\"fri 18:00\" position:customer-service",
    ] {
        assert!(run(&mut sh, line).await.contains("New task"), "{line}");
    }
    run(&mut sh, ":advance 2h").await;

    let out = run(&mut sh, "/task list scope:all").await;
    assert!(
        out.contains("All open tasks — page 1/1 (5 open)")
            && ["b-soon", "b-later", "c-task", "a-own", "cs-open"]
                .iter()
                .all(|s| out.contains(s)),
        "{out}"
    );
    let out = run(&mut sh, "/task list scope:overdue").await;
    assert!(
        out.contains("Overdue tasks — page 1/1 (1 open)")
            && out.contains("b-soon")
            && out.contains("⚠️")
            && !out.contains("b-later"),
        "{out}"
    );
    let out = run(&mut sh, "/task list user:@bob").await;
    assert!(
        out.contains("Tasks of @bob — page 1/1 (2 open)")
            && out.contains("b-soon")
            && !out.contains("c-task"),
        "{out}"
    );
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Your tasks — page 1/1 (1 open)") && out.contains("a-own"),
        "{out}"
    );

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Your tasks — page 1/1 (2 open)")
            && out.contains("b-soon")
            && out.contains("b-later")
            && !out.contains("c-task")
            && !out.contains("a-own"),
        "{out}"
    );
    let out = run(&mut sh, "/task list scope:mine").await;
    assert!(out.contains("Your tasks — page 1/1 (2 open)"), "{out}");
    let out = run(&mut sh, "/task list scope:overdue").await;
    assert!(
        out.contains("Overdue tasks — page 1/1 (1 open)") && out.contains("b-soon"),
        "{out}"
    );
    let out = run(&mut sh, "/task list position:customer-service").await;
    assert!(out.contains("cs-open"), "{out}");

    for refused in [
        "/task list scope:all",
        "/task list user:@carol",
        "/task list position:warehouse",
    ] {
        let out = run(&mut sh, refused).await;
        assert!(
            out.contains("You can list your own tasks and your position's"),
            "{refused}: {out}"
        );
        assert!(!out.contains("c-task"), "{refused}: {out}");
    }
}

#[tokio::test]
async fn list_pages_through_23_tasks_with_buttons() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for i in 1..=23 {
        let out = run(
            &mut sh,
            &format!("/task assign title:p{i} due:\"fri 18:00\" user:@alice"),
        )
        .await;
        assert!(out.contains(&format!("New task #{i}")), "{out}");
    }
    let me = uid("alice");
    let out = run(&mut sh, "/task list").await;
    assert!(out.contains("Your tasks — page 1/3 (23 open)"), "{out}");
    assert!(
        out.contains(&format!("[Next ▶] /press task:page:u{me}:2")),
        "{out}"
    );
    assert!(!out.contains("Previous"), "{out}");
    assert!(
        out.contains("**#1** p1") && out.contains("**#10** p10"),
        "{out}"
    );
    assert!(!out.contains("**#11**"), "{out}");

    let out = run(&mut sh, &format!("/press task:page:u{me}:2")).await;
    assert!(out.contains("Your tasks — page 2/3 (23 open)"), "{out}");
    for i in 11..=20 {
        assert!(out.contains(&format!("**#{i}** p{i}")), "#{i}: {out}");
    }
    assert!(
        !out.contains("**#10**") && !out.contains("**#21**"),
        "{out}"
    );
    assert!(
        out.contains(&format!("/press task:page:u{me}:1"))
            && out.contains(&format!("/press task:page:u{me}:3")),
        "{out}"
    );

    let out = run(&mut sh, &format!("/press task:page:u{me}:3")).await;
    assert!(
        out.contains("page 3/3")
            && out.contains("**#23** p23")
            && !out.contains("**#20**")
            && !out.contains("Next"),
        "{out}"
    );

    // Another member cannot page through alice's list with her button.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, &format!("/press task:page:u{me}:2")).await;
    assert!(
        out.contains("You can list your own tasks") && !out.contains("p11"),
        "{out}"
    );
}

// ---------------------------------------------------------------- show, start, done, reopen, cancel

#[tokio::test]
async fn show_lists_the_history() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Shoot photos\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/task comment id:1 text:\"waiting for the samples\"",
    )
    .await;
    assert!(
        out.contains("Comment added to task #1") && out.contains("waiting for the samples"),
        "{out}"
    );
    run(&mut sh, ":advance 30m").await;
    let out = run(&mut sh, "/task done id:1").await;
    assert!(out.contains("Task #1 done"), "{out}");

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task show id:1").await;
    assert!(
        out.contains("Task #1: Shoot photos") && out.contains("Status: done"),
        "{out}"
    );
    let created = out.find("@alice created it").expect(&out);
    let commented = out
        .find("@bob commented: waiting for the samples")
        .expect(&out);
    let finished = out.find("@bob finished it").expect(&out);
    assert!(created < commented && commented < finished, "{out}");
    // A finished task offers no buttons.
    assert!(!out.contains("/press"), "{out}");

    let out = run(&mut sh, "/task show id:99").await;
    assert!(out.contains("There is no task #99"), "{out}");
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
    assert_eq!(in_state(&pings(&t, 1).await, "pending").len(), 5);

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
    let rows = pings(&t, 1).await;
    assert_eq!(rows.len(), 5);
    assert!(in_state(&rows, "pending").is_empty(), "{rows:#?}");
    let out = run(&mut sh, ":advance 6d").await;
    assert!(sent(&out).is_empty(), "{out}");
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

// ---------------------------------------------------------------- edit, reassign, comment

#[tokio::test]
async fn moving_the_deadline_moves_the_pending_pings() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"New banner\" due:\"wed 10:00\" user:@bob",
    )
    .await;
    let before = pings(&t, 1).await;
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

    let after = pings(&t, 1).await;
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
    assert!(sent(&out).is_empty(), "Tue 10:00: {out}");
    let out = run(&mut sh, ":advance 1d4h59m").await;
    assert!(sent(&out).is_empty(), "until Wed 14:59: {out}");
    let m = one(&run(&mut sh, ":advance 1m").await);
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
    let rows = pings(&t, 1).await;
    assert_eq!(
        in_state(&rows, "pending").len(),
        5,
        "the reminders are gone after a title change: {:#?}",
        rows.iter()
            .map(|p| (p.key.as_str(), p.state.as_str()))
            .collect::<Vec<_>>()
    );
    let m = one(&run(&mut sh, ":advance 1d1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert!(m.text.contains("Priority: urgent"), "{}", m.text);
}

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
    let m = one(&run(&mut sh, ":advance 1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");
    assert!(m.text.contains("Restock the bestseller"), "{}", m.text);
    act_as(&mut sh, "bob", "customer-service").await;
    run(&mut sh, "/press task:snooze1h:1").await;
    let out = run(&mut sh, ":advance 1h").await;
    let reminder = sent(&out)
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
    let rows = pings(&t, 1).await;
    assert!(in_state(&rows, "cancelled").is_empty(), "{rows:#?}");
    let pending = in_state(&rows, "pending");
    assert_eq!(pending.len(), 5, "{rows:#?}");
    let (carol, alice) = (uid("carol"), uid("alice"));
    for p in &pending {
        assert!(p.key.contains(":e1:"), "{}", p.key);
        let expected = match p.kind().as_str() {
            "e1:overdue-assigner" => users(&[carol, alice]),
            "e1:overdue-manager" => Mentions::role(role("manager")),
            _ => Mentions::user(carol),
        };
        assert_eq!(p.reply.mentions, expected, "{}", p.key);
        assert!(!p.reply.mentions.users.contains(&uid("bob")), "{}", p.key);
    }
    let m = one(&run(&mut sh, ":advance 1d1h").await);
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
    let rows = pings(&t, 1).await;
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

// ---------------------------------------------------------------- cover

#[tokio::test]
async fn a_cover_takes_new_work_and_pings_only_inside_its_window() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.contains("Only managers"), "{out}");

    act_as(&mut sh, "alice", "manager").await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@bob from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.contains("can't cover for themselves"), "{out}");
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-25 to:2026-11-24",
    )
    .await;
    assert!(
        out.contains("The last day is before the first day"),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:soon to:2026-11-24",
    )
    .await;
    assert!(out.contains("I can't read the day \"soon\""), "{out}");

    // bob is away Tuesday and Wednesday (carol covers); customer service on Tuesday (dave).
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.starts_with("@carol\n"), "{out}");
    assert!(
        out.contains("@carol covers @bob from 2026-11-24 to 2026-11-25"),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task cover position:customer-service cover:@dave from:tomorrow to:tomorrow",
    )
    .await;
    assert!(
        out.contains("@dave covers Customer service from 2026-11-24 to 2026-11-24"),
        "{out}"
    );

    // Monday, before the window: work for bob stays bob's; only its pings inside the window go
    // to carol.
    let out = run(
        &mut sh,
        "/task assign title:\"Restock\" due:\"thu 10:00\" user:@bob",
    )
    .await;
    assert!(
        out.starts_with("@bob\n") && !out.contains("covered"),
        "{out}"
    );
    assert_eq!(task(&t, 1).await.assignee, Some(uid("bob")));
    let rows = pings(&t, 1).await;
    let of = |kind: &str| {
        rows.iter()
            .find(|p| p.kind() == kind)
            .unwrap_or_else(|| panic!("{kind}: {rows:#?}"))
            .reply
            .clone()
    };
    assert_eq!(of("e1:before-1440m").mentions, Mentions::user(uid("carol")));
    assert!(
        of("e1:before-1440m")
            .lines
            .iter()
            .any(|l| l.contains("is covering for")),
        "{rows:#?}"
    );
    assert_eq!(of("e1:before-60m").mentions, Mentions::user(uid("bob")));
    assert_eq!(of("e1:due").mentions, Mentions::user(uid("bob")));
    let out = run(
        &mut sh,
        "/task assign title:\"Chats Monday\" due:\"in 2h\" position:customer-service",
    )
    .await;
    assert!(out.starts_with("@customer-service\n"), "{out}");
    assert_eq!(task(&t, 2).await.assignee, None);

    // Tuesday 09:00, inside both windows: new work goes to the covers, and so do its pings.
    let out = run(&mut sh, ":advance 1d").await;
    assert!(!out.contains("Task #1"), "{out}");
    let out = run(
        &mut sh,
        "/task assign title:\"Answer the complaint\" due:\"in 2h\" user:@bob",
    )
    .await;
    assert!(out.starts_with("@carol\n"), "{out}");
    assert!(
        out.contains("@bob is covered right now, so this goes to @carol."),
        "{out}"
    );
    assert_eq!(task(&t, 3).await.assignee, Some(uid("carol")));
    let rows = pings(&t, 3).await;
    let due = rows.iter().find(|p| p.kind() == "e1:due").expect("due");
    assert_eq!(due.reply.mentions, Mentions::user(uid("carol")));
    assert!(
        rows.iter()
            .all(|p| !p.reply.mentions.users.contains(&uid("bob"))),
        "{rows:#?}"
    );

    let out = run(
        &mut sh,
        "/task assign title:\"Chats Tuesday\" due:\"in 3h\" position:customer-service",
    )
    .await;
    assert!(
        out.contains("Customer service is covered right now, so this goes to @dave."),
        "{out}"
    );
    let r = task(&t, 4).await;
    assert_eq!(r.assignee, Some(uid("dave")));
    assert_eq!(r.position.as_deref(), Some("customer-service"));

    // Tuesday 11:00: #3's deadline ping goes to carol, not bob.
    let out = run(&mut sh, ":advance 2h").await;
    let due3 = sent(&out)
        .into_iter()
        .find(|m| m.title == "Task #3 is due now")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(due3.mentions, "@carol");

    // Wednesday 10:00: #1's day-before ping goes to carol, saying whom she covers.
    let out = run(&mut sh, ":advance 23h").await;
    let m = sent(&out)
        .into_iter()
        .find(|m| m.title == "Task #1 is due in 1 d")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(m.mentions, "@carol");
    assert!(
        m.text.contains("@carol is covering for @bob."),
        "{}",
        m.text
    );

    // Thursday 09:00, after the window: bob again.
    let out = run(&mut sh, ":advance 23h").await;
    let m = sent(&out)
        .into_iter()
        .find(|m| m.title == "Task #1 is due in 1 h")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(m.mentions, "@bob");
    assert!(!m.text.contains("covering"), "{}", m.text);
    let out = run(
        &mut sh,
        "/task assign title:\"Thursday work\" due:\"in 2h\" user:@bob",
    )
    .await;
    assert!(
        out.starts_with("@bob\n") && !out.contains("covered"),
        "{out}"
    );
    assert_eq!(task(&t, 5).await.assignee, Some(uid("bob")));
    let out = run(
        &mut sh,
        "/task assign title:\"Chats Thursday\" due:\"in 2h\" position:customer-service",
    )
    .await;
    assert!(!out.contains("covered"), "{out}");
    assert_eq!(task(&t, 6).await.assignee, None);
}

/// A cover set after the work was assigned: the pings inside the window must go to the cover
/// (the reply says so), the others still to the owner.
#[tokio::test]
async fn a_cover_set_later_moves_the_existing_pings_to_the_cover() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Restock\" due:\"thu 10:00\" user:@bob",
    )
    .await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(
        out.contains("1 open task now pings the cover while the cover lasts."),
        "{out}"
    );
    let rows = pings(&t, 1).await;
    let pending = in_state(&rows, "pending");
    assert_eq!(
        pending.len(),
        5,
        "the task has no pending reminders left after the cover: {:#?}",
        rows.iter()
            .map(|p| (p.key.as_str(), p.state.as_str()))
            .collect::<Vec<_>>()
    );
    let m = one(&run(&mut sh, ":advance 2d1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert_eq!(m.mentions, "@carol");
}

// ---------------------------------------------------------------- stats

#[tokio::test]
async fn stats_count_assigned_done_on_time_overdue_and_lateness() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for line in [
        "/task assign title:s1 due:\"in 1h\" user:@bob",
        "/task assign title:s2 due:\"in 2h\" user:@bob",
        "/task assign title:s3 due:\"in 3h\" user:@bob",
        "/task assign title:s4 due:\"in 4h\" user:@bob",
        "/task assign title:s5 due:\"in 5h\" user:@bob",
        "/task assign title:s6 due:\"in 1h\" user:@carol",
        "/task assign title:s7 due:\"2026-12-10 10:00\" user:@carol",
    ] {
        assert!(run(&mut sh, line).await.contains("New task"), "{line}");
    }
    run(&mut sh, "/task cancel id:5").await;
    run(&mut sh, ":advance 30m").await;
    act_as(&mut sh, "bob", "customer-service").await;
    assert!(run(&mut sh, "/task done id:1").await.contains("on time"));
    act_as(&mut sh, "carol", "operations").await;
    assert!(run(&mut sh, "/task done id:6").await.contains("on time"));
    run(&mut sh, ":advance 2h30m").await; // 12:00
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task done id:2").await;
    assert!(out.contains("Finished 1 h after the deadline"), "{out}");
    run(&mut sh, ":advance 3h").await; // 15:00
    let out = run(&mut sh, "/task done id:3").await;
    assert!(out.contains("Finished 3 h after the deadline"), "{out}");
    // #4 (due 13:00) is still open: overdue now. #5 was cancelled: not counted.

    let bob_line = "assigned 4 · done 3 · on time 1 (25%) · overdue now 1 · average lateness 2 h";
    let carol_line = "assigned 1 · done 1 · on time 1 (100%) · overdue now 0 · average lateness —";

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task stats period:2026-11").await;
    assert!(
        out.contains("Task record, 2026-11-01 – 2026-11-30"),
        "{out}"
    );
    assert!(out.contains(bob_line) && out.contains(carol_line), "{out}");
    assert!(
        out.find("@bob").expect("bob") < out.find(bob_line).expect("line"),
        "{out}"
    );

    let out = run(&mut sh, "/task stats period:this-month").await;
    assert!(
        out.contains("Task record, 2026-11-01 – 2026-11-23")
            && out.contains(bob_line)
            && out.contains(carol_line),
        "{out}"
    );
    let out = run(&mut sh, "/task stats period:本月").await;
    assert!(out.contains(bob_line), "{out}");

    // December: carol's s7 is due then (not done yet); bob only has his overdue task.
    let out = run(&mut sh, "/task stats period:2026-12").await;
    assert!(
        out.contains("Task record, 2026-12-01 – 2026-12-31")
            && out.contains(
                "assigned 1 · done 0 · on time 0 (0%) · overdue now 0 · average lateness —"
            )
            && out.contains(
                "assigned 0 · done 0 · on time 0 (—) · overdue now 1 · average lateness —"
            ),
        "{out}"
    );

    let out = run(&mut sh, "/task stats user:@bob period:2026-11").await;
    assert!(out.contains(bob_line) && !out.contains(carol_line), "{out}");

    for bad in ["2026-13", "someday", "2026-1-"] {
        let out = run(&mut sh, &format!("/task stats period:{bad}")).await;
        assert!(
            out.contains(&format!("I can't read the period \"{bad}\""))
                && out.contains("last-month"),
            "{bad}: {out}"
        );
    }
    run(&mut sh, ":locale zh-CN").await;
    let out = run(&mut sh, "/task stats period:2026-13").await;
    assert!(out.contains("无法识别时间段“2026-13”"), "{out}");
    run(&mut sh, ":locale en-US").await;

    // A member sees only their own record, and may not ask for someone else's.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task stats period:2026-11").await;
    assert!(
        out.contains(bob_line) && !out.contains(carol_line) && !out.contains("@carol"),
        "{out}"
    );
    let out = run(&mut sh, "/task stats period:2026-11 user:@carol").await;
    assert!(out.contains("You can see your own record"), "{out}");
    assert!(!out.contains(carol_line), "{out}");
}

// ---------------------------------------------------------------- recurring

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
    assert!(sent(&out).is_empty(), "{out}");
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
    let news: Vec<Sent> = sent(&out)
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
        sent(&out)
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

// ---------------------------------------------------------------- deadlines

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

// ---------------------------------------------------------------- pings

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
    let rows = pings(&t, 1).await;
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
            users(&[bob, alice]),
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
        assert!(sent(&out).is_empty(), "before {title:?}: {out}");
        let m = one(&run(&mut sh, ":advance 1m").await);
        assert_eq!(m.target, *target, "{title}");
        assert_eq!(m.mentions, *mentions, "{title}");
        assert_eq!(m.title, *title);
        assert!(m.text.contains("/press task:done:1"), "{}", m.text);
    }
    let rows = pings(&t, 1).await;
    assert!(rows.iter().all(|p| p.state == "sent"), "{rows:#?}");
    let out = run(&mut sh, ":advance 7d").await;
    assert!(sent(&out).is_empty(), "nothing more: {out}");
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
    let m = one(&run(&mut sh, ":advance 1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task done id:1").await;
    assert!(out.contains("Task #1 done"), "{out}");
    let rows = pings(&t, 1).await;
    assert!(in_state(&rows, "pending").is_empty(), "{rows:#?}");
    assert_eq!(in_state(&rows, "sent").len(), 1);
    assert_eq!(in_state(&rows, "cancelled").len(), 3, "{rows:#?}");
    let out = run(&mut sh, ":advance 3d").await;
    assert!(sent(&out).is_empty(), "no further output: {out}");
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
    let rows = pings(&t, 1).await;
    assert_eq!(
        in_state(&rows, "pending").len(),
        4,
        "the reminders are gone after /task start: {:#?}",
        rows.iter()
            .map(|p| (p.key.as_str(), p.state.as_str()))
            .collect::<Vec<_>>()
    );
    let m = one(&run(&mut sh, ":advance 2h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");
    assert_eq!(m.mentions, "@bob");
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
    let rows = pings(&t, 1).await;
    assert_eq!(
        in_state(&rows, "pending").len(),
        4,
        "a reopened task has no reminders: {:#?}",
        rows.iter()
            .map(|p| (p.key.as_str(), p.state.as_str()))
            .collect::<Vec<_>>()
    );
    let m = one(&run(&mut sh, ":advance 2h").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");
    assert_eq!(m.mentions, "@bob");
}

// ---------------------------------------------------------------- buttons

#[tokio::test]
async fn buttons_done_start_and_snooze_for_the_right_people() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Pack the orders\" due:\"in 3h\" user:@bob",
    )
    .await;
    let pending_before = in_state(&pings(&t, 1).await, "pending").len();

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
    assert_eq!(pings(&t, 1).await.len(), pending_before);
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
    assert!(sent(&out).is_empty(), "{out}");
    let m = one(&run(&mut sh, ":advance 1m").await);
    assert_eq!(m.title, "Reminder: task #1");
    assert_eq!(m.mentions, "@bob");
    let out = run(&mut sh, ":advance 59m").await;
    assert!(sent(&out).is_empty(), "one reminder only: {out}");
    let m = one(&run(&mut sh, ":advance 1m").await);
    assert_eq!(m.title, "Task #1 is due in 1 h");

    // Until tomorrow 9:00.
    let out = run(&mut sh, "/press task:snoozetmr:1").await;
    assert!(out.contains("2026-11-24 09:00"), "{out}");
    let rows = pings(&t, 1).await;
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
    assert!(in_state(&pings(&t, 1).await, "pending").is_empty());
    let out = run(&mut sh, ":advance 2d").await;
    assert!(sent(&out).is_empty(), "{out}");
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
    let first = pings(&t, 1).await;
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
    let rows = pings(&t, 1).await;
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

// ---------------------------------------------------------------- languages, mentions

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

#[tokio::test]
async fn mentions_in_a_title_never_ping_anyone() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let alice = actor("alice", &[Position::Manager], "en-US");
    let o = origin(SHELL_GUILD, alice);
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

// ---------------------------------------------------------------- fake Discord

fn button_ids(m: &Value) -> Vec<String> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_discord_assign_remind_and_done_by_button() {
    let e = E2e::start().await;
    let (alice, bob, carol) = (e.user("alice"), e.user("bob"), e.user("carol"));
    let ops = e.channel("ops");

    let r = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Restock @everyone <@&3001>"),
                opt_str("due", "in 2h"),
                opt_user("user", bob),
            ],
        )
        .await
        .response()
        .await;
    let text = embed_text(&r);
    assert!(text.contains("New task #1"), "{r:#}");
    assert!(!text.contains("<@&3001>"), "{r:#}");
    let t1 = {
        let mut conn = e.t.app.store.pool.acquire().await.expect("conn");
        let (assignee, status): (i64, String) =
            sqlx::query_as("SELECT assignee_id, status FROM tasks WHERE id = 1")
                .fetch_one(&mut *conn)
                .await
                .expect("task");
        (id_out(assignee), status)
    };
    assert_eq!(t1, (bob, "open".to_string()));

    // One hour before, then at the deadline (the guild speaks its default, Chinese).
    e.t.clock.advance(Duration::hours(1));
    e.fake
        .wait_message(
            ops,
            |m| embed_text(m).contains("任务 #1 将在 1 小时 后截止"),
            PATIENCE,
        )
        .await
        .expect("the 1 h reminder is posted");
    e.t.clock.advance(Duration::hours(1));
    let due = e
        .fake
        .wait_message(
            ops,
            |m| embed_text(m).contains("任务 #1 现在到期"),
            PATIENCE,
        )
        .await
        .expect("the deadline reminder is posted");
    assert_eq!(
        due["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{due:#}"
    );
    assert!(
        due["allowed_mentions"]["roles"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{due:#}"
    );
    let ids = button_ids(&due);
    assert!(ids.contains(&"task:done:1".to_string()), "{due:#}");
    let mid: u64 = due["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("message id");

    // carol has nothing to do with it: a private refusal, nothing changes.
    let h = e
        .fake
        .user(carol)
        .locale("en-US")
        .click(ops, mid, "task:done:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert!(h.is_ephemeral().await, "{r:#}");
    assert!(embed_text(&r).contains("Only the assignee"), "{r:#}");

    // bob clicks Done: the message is updated in place and the task is done.
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .click(ops, mid, "task:done:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(7), "UPDATE_MESSAGE: {r:#}");
    assert!(embed_text(&r).contains("Task #1 done"), "{r:#}");
    let mut conn = e.t.app.store.pool.acquire().await.expect("conn");
    let (status,): (String,) = sqlx::query_as("SELECT status FROM tasks WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .expect("task");
    assert_eq!(status, "done");
    let (pending,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE source = 'task:1' AND state = 'pending'")
            .fetch_one(&mut *conn)
            .await
            .expect("count");
    assert_eq!(pending, 0);
    drop(conn);
    e.stop().await;
}
