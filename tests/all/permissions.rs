//! The permission matrix (#21): every command and button of the permission table, run through
//! the core as a manager, a member of each position, a member with no position, and the item's
//! handler (assignee) where the rule is about parties. Each line names the rule it expects; the
//! test fails when a row of the table changes (the row is compared) or when a command's check
//! changes (the reply is compared): allowed means no access refusal, refused means that rule's
//! own refusal, never a parse error.

use storeops::app::access::{Rule, TABLE, rule};
use storeops::domain::position::Position;

use crate::support::TestApp;
use crate::support::shell::{boss, run};

/// Who runs the lines: (name, positions typed to the shell).
fn actors() -> Vec<(String, String)> {
    let mut all = vec![("alice".to_string(), "manager".to_string())];
    for p in Position::ALL.iter().filter(|p| **p != Position::Manager) {
        all.push((
            format!("m{}", p.key().replace('-', "")),
            p.key().to_string(),
        ));
    }
    all.push(("zed".into(), String::new()));
    // The handler of the complaints and the assignee of the tasks, of no position.
    all.push(("hana".into(), String::new()));
    all
}

/// Whether the rule lets `who` (with `positions`) act on the items of [`setup`] (assigned by
/// alice to hana), written out here, not read from the code.
fn allowed(key: &str, rule: Rule, who: &str, positions: &str) -> bool {
    let manager = positions == "manager";
    let service = positions == "customer-service";
    // Task #11 (Take it) is the warehouse's while nobody has taken it.
    let handler = if key == "task:take" {
        positions == "warehouse"
    } else {
        who == "hana"
    };
    match rule {
        Rule::Everyone => true,
        Rule::Managers | Rule::TaskAssigner => manager,
        // `summary.data_owner` is operations by default.
        Rule::DataTeam => manager || positions == "operations" || positions == "marketing",
        Rule::Service => manager || service,
        // The lines below act for someone else (or change a list).
        Rule::OwnOrManagers | Rule::ListOrManagers => manager,
        Rule::TaskParty | Rule::Handler => manager || handler,
        Rule::ServiceOrHandler | Rule::ComplaintViewer => manager || service || handler,
    }
}

/// The refusals of a rule as the reader sees them (en-US): the table's, the command's own
/// wording of it (a task names its number and its assigner), and, for a complaint the member may
/// not see, the visibility refusal that comes first.
fn refusals(rule: Rule) -> Vec<&'static str> {
    let mut all = vec![match rule.refusal() {
        "err-manager-only" => "Only managers can do that.",
        "err-access-data-team" => "Only operations, marketing or managers may do this.",
        "err-access-service" => "Only customer service or managers may do this.",
        "err-access-task-party" => "Only the task's assignee, its position (while nobody",
        "err-access-task-assigner" => "Only the task's assigner or a manager may do this.",
        "err-access-handler" => "Only customer service (while nobody handles the complaint)",
        "err-access-service-handler" => "Only customer service, the complaint's handler or a",
        "err-access-complaint-viewer" => "is not one you logged or handle",
        other => panic!("no text for {other}"),
    }];
    all.extend(match rule {
        Rule::OwnOrManagers => &[
            "You can assign tasks only to yourself. A manager can assign to others.",
            "You can list your own tasks and your position's. A manager can list anyone's.",
        ][..],
        Rule::TaskParty => &["Only the assignee, the person who assigned task #"][..],
        Rule::TaskAssigner => &["Only the person who assigned task #"][..],
        Rule::Handler | Rule::ServiceOrHandler => &["is not one you logged or handle"][..],
        _ => &[][..],
    });
    all
}

/// Complaints 1..=6 logged by alice; 1, 3, 4, 5 handled by hana, 5 resolved, 2 and 6 nobody's.
/// Tasks 1..=13 assigned by alice to hana (11 to the warehouse), 4 done (then the return visit of 5, #14).
async fn setup(t: &TestApp) {
    let mut alice = boss(t).await;
    for i in 1..=6 {
        let out = run(
            &mut alice,
            &format!("/complaint log order:A{i} platform:tmall category:damaged summary:c{i}"),
        )
        .await;
        assert!(out.contains(&format!("Complaint #{i} logged")), "{out}");
    }
    for i in [1, 3, 4, 5] {
        let out = run(&mut alice, &format!("/complaint assign id:{i} user:@hana")).await;
        assert!(out.contains("handled by @hana"), "{out}");
    }
    for i in 1..=13 {
        // #11 is the warehouse's, for Take it.
        let to = if i == 11 {
            "position:warehouse"
        } else {
            "user:@hana"
        };
        let out = run(
            &mut alice,
            &format!("/task assign title:T{i} due:\"in 3h\" {to}"),
        )
        .await;
        assert!(out.contains(&format!("#{i}")), "{out}");
    }
    let out = run(&mut alice, "/complaint resolve id:5 outcome:explanation").await;
    assert!(out.contains("resolved"), "{out}");
    let out = run(&mut alice, "/task done id:4").await;
    assert!(!out.contains("Only"), "{out}");
}

/// (table key, the rule this test expects of it, the line typed).
const LINES: &[(&str, Rule, &str)] = &[
    ("help", Rule::Everyone, "/help"),
    ("status", Rule::Everyone, "/status"),
    ("setup", Rule::Managers, "/setup timezone:Asia/Shanghai"),
    (
        "task assign",
        Rule::OwnOrManagers,
        "/task assign title:x due:\"in 3h\" user:@pat",
    ),
    ("task list", Rule::OwnOrManagers, "/task list user:@pat"),
    ("task show", Rule::TaskParty, "/task show id:1"),
    ("task start", Rule::TaskParty, "/task start id:2"),
    ("task done", Rule::TaskParty, "/task done id:3"),
    ("task reopen", Rule::TaskParty, "/task reopen id:4"),
    ("task cancel", Rule::TaskAssigner, "/task cancel id:5"),
    (
        "task edit",
        Rule::TaskAssigner,
        "/task edit id:6 priority:high",
    ),
    (
        "task reassign",
        Rule::TaskAssigner,
        "/task reassign id:7 user:@pat",
    ),
    (
        "task comment",
        Rule::TaskParty,
        "/task comment id:8 text:hi",
    ),
    (
        "task cover",
        Rule::Managers,
        "/task cover position:customer-service cover:@pat from:2026-12-01 to:2026-12-05",
    ),
    ("task stats", Rule::Everyone, "/task stats"),
    (
        "task export",
        Rule::Managers,
        "/task export from:2026-11-01 to:2026-11-30 format:xlsx",
    ),
    (
        "task recurring",
        Rule::ListOrManagers,
        "/task recurring title:\"Check\" schedule:\"weekdays 10:00\" position:customer-service due-in:8h",
    ),
    (
        "complaint log",
        Rule::Everyone,
        "/complaint log order:Z1 platform:tmall category:damaged summary:z",
    ),
    (
        "complaint list",
        Rule::ComplaintViewer,
        "/complaint list scope:all",
    ),
    (
        "complaint show",
        Rule::ComplaintViewer,
        "/complaint show id:1",
    ),
    ("complaint claim", Rule::Service, "/complaint claim id:2"),
    (
        "complaint assign",
        Rule::Handler,
        "/complaint assign id:3 user:@hana",
    ),
    (
        "complaint note",
        Rule::ServiceOrHandler,
        "/complaint note id:1 text:called",
    ),
    (
        "complaint resolve",
        Rule::Handler,
        "/complaint resolve id:4 outcome:explanation",
    ),
    ("complaint reopen", Rule::Handler, "/complaint reopen id:5"),
    ("complaint stats", Rule::Everyone, "/complaint stats"),
    (
        "complaint export",
        Rule::Managers,
        "/complaint export from:2026-11-01 to:2026-11-30 format:csv",
    ),
    (
        "data shop",
        Rule::ListOrManagers,
        "/data shop name:\"Tmall flagship\" platform:tmall currency:CNY",
    ),
    (
        "data enter",
        Rule::DataTeam,
        "/data enter shop:\"Tmall flagship\" date:2026-11-22 uv:4000",
    ),
    ("data show", Rule::Everyone, "/data show"),
    (
        "data target",
        Rule::Managers,
        "/data target shop:\"Tmall flagship\" amount:900000 month:2026-12",
    ),
    (
        "data import",
        Rule::DataTeam,
        "/data import file:Cargo.toml",
    ),
    (
        "data export",
        Rule::Managers,
        "/data export from:2026-11-01 to:2026-11-30 format:xlsx",
    ),
    ("data history", Rule::Everyone, "/data history"),
    ("summary now", Rule::Everyone, "/summary now"),
    ("summary weekly", Rule::Everyone, "/summary weekly"),
    ("summary monthly", Rule::Everyone, "/summary monthly"),
    (
        "summary schedule",
        Rule::Managers,
        "/summary schedule time:09:00",
    ),
    ("review", Rule::Managers, "/review month:2026-11"),
    (
        "activity add",
        Rule::Managers,
        "/activity add name:\"Meeting\" schedule:\"mon 10:00\"",
    ),
    ("activity list", Rule::Everyone, "/activity list"),
    (
        "activity edit",
        Rule::Managers,
        "/activity edit id:1 schedule:\"tue 10:00\"",
    ),
    ("activity remove", Rule::Managers, "/activity remove id:1"),
    ("activity pause", Rule::Managers, "/activity pause id:1"),
    ("activity resume", Rule::Managers, "/activity resume id:1"),
    (
        "activity skip",
        Rule::Managers,
        "/activity skip id:1 day:2026-12-03",
    ),
    ("activity calendar", Rule::Everyone, "/activity calendar"),
    (
        "holiday add",
        Rule::Managers,
        "/holiday add name:双12 from:2026-12-12",
    ),
    ("holiday list", Rule::Everyone, "/holiday list"),
    ("holiday remove", Rule::Managers, "/holiday remove id:1"),
    ("outbox list", Rule::Managers, "/outbox list"),
    ("outbox retry", Rule::Managers, "/outbox retry id:1"),
    ("task:done", Rule::TaskParty, "/press task:done:9"),
    ("task:start", Rule::TaskParty, "/press task:start:10"),
    ("task:take", Rule::TaskParty, "/press task:take:11"),
    ("task:snooze1h", Rule::TaskParty, "/press task:snooze1h:12"),
    (
        "task:snoozetmr",
        Rule::TaskParty,
        "/press task:snoozetmr:13",
    ),
    ("task:page", Rule::Everyone, "/press task:page:all::1"),
    ("cmp:claim", Rule::Service, "/press cmp:claim:6"),
    ("cmp:resolve", Rule::Handler, "/press cmp:resolve:1"),
    ("cmp:note", Rule::ServiceOrHandler, "/press cmp:note:1"),
    ("cmp:page", Rule::ComplaintViewer, "/press cmp:page:all:::1"),
    ("act:ack", Rule::Everyone, "/press act:ack:1"),
    ("act:tick", Rule::Everyone, "/press act:tick:1:0"),
    ("imp:confirm", Rule::DataTeam, "/press imp:confirm:1:x"),
    ("imp:cancel", Rule::DataTeam, "/press imp:cancel:1:x"),
];

#[tokio::test]
async fn every_command_and_button_as_every_kind_of_member() {
    // The lines cover the table, row for row, each with the rule the table gives it.
    for (key, _) in TABLE {
        let n = LINES.iter().filter(|(k, _, _)| k == key).count();
        assert_eq!(n, 1, "{key}: {n} lines");
    }
    for (key, want, _) in LINES {
        assert_eq!(rule(key), Some(*want), "the table's row of {key} changed");
    }
    let mut wrong = vec![];
    for (who, positions) in actors() {
        // One database per member: what one does never meets another.
        let t = TestApp::quiet().await;
        setup(&t).await;
        let mut sh = t.shell(&who, &positions, "en-US").await;
        for (key, rule, line) in LINES {
            let out = run(&mut sh, line).await;
            let refused = match rule {
                // A list shows the complaint or leaves it out.
                Rule::ComplaintViewer if line.contains("list") || line.contains("page") => {
                    !out.contains("**#1**")
                }
                _ => refusals(*rule).iter().any(|r| out.contains(r)),
            };
            let want = allowed(key, *rule, &who, &positions);
            if refused == want {
                wrong.push(format!("{key} as {who} ({positions}): {out}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagree:\n{}",
        wrong.len(),
        wrong.join("\n---\n")
    );
}
