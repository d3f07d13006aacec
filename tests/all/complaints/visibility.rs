//! Who sees which complaint (#21): customer service and managers see every complaint; any other
//! member only those they logged or handle — in `/complaint list` (every scope and its pages),
//! `/complaint show` (with its history), the id suggestions while typing, and the buttons on a
//! complaint's message. A refusal says what to do instead, in the reader's language.

use storeops::app::Invocation;
use storeops::domain::position::Position;

use crate::support::TestApp;
use crate::support::core::{actor, origin, text_opt};
use crate::support::shell::{bob, boss_with_escalation, log_damaged, run};

/// The complaint numbers a list shows (`**#7**`), in order.
fn listed(out: &str) -> Vec<i64> {
    out.lines()
        .filter_map(|l| l.split("**#").nth(1))
        .filter_map(|rest| rest.split("**").next()?.parse().ok())
        .collect()
}

/// #1 logged by bob (customer service, so his), #2 by dora (design: nobody handles it), #3 by
/// the manager and assigned to hana (warehouse), #4 by the manager and nobody's.
async fn four_complaints(t: &TestApp) {
    let mut alice = boss_with_escalation(t).await;
    let mut bob = bob(t).await;
    let mut dora = t.shell("dora", "design", "en-US").await;
    log_damaged(&mut bob, 1, "A1", "bob's").await;
    log_damaged(&mut dora, 2, "A2", "dora's").await;
    log_damaged(&mut alice, 3, "A3", "hana's").await;
    run(&mut alice, "/complaint assign id:3 user:@hana").await;
    log_damaged(&mut alice, 4, "A4", "nobody's").await;
}

#[tokio::test]
async fn lists_keep_to_what_each_member_may_see() {
    let t = TestApp::new().await;
    four_complaints(&t).await;
    let mut dora = t.shell("dora", "design", "en-US").await;
    let mut hana = t.shell("hana", "warehouse", "en-US").await;
    let mut zed = t.shell("zed", "", "en-US").await;
    let mut bob = bob(&t).await;
    let mut alice = t.shell("alice", "manager", "en-US").await;
    let yours = "You see the complaints you logged or handle";

    for scope in ["open", "all", "mine", "breached"] {
        let line = format!("/complaint list scope:{scope}");
        let out = run(&mut dora, &line).await;
        let want: &[i64] = match scope {
            "open" | "all" => &[2],
            _ => &[],
        };
        assert_eq!(listed(&out), want, "dora {scope}: {out}");
        assert!(out.contains(yours), "{out}");
        let out = run(&mut hana, &line).await;
        let want: &[i64] = if scope == "breached" { &[] } else { &[3] };
        assert_eq!(listed(&out), want, "hana {scope}: {out}");
        let out = run(&mut zed, &line).await;
        assert_eq!(listed(&out), Vec::<i64>::new(), "zed {scope}: {out}");
        assert!(out.contains(yours), "{out}");
        for (who, sh) in [("bob", &mut bob), ("alice", &mut alice)] {
            let out = run(sh, &line).await;
            assert!(!out.contains(yours), "{who} sees all: {out}");
            let want: &[i64] = match scope {
                "open" | "all" => &[1, 2, 3, 4],
                "mine" if who == "bob" => &[1],
                _ => &[],
            };
            assert_eq!(listed(&out), want, "{who} {scope}: {out}");
        }
    }
    // Past the limit: the breached scope keeps to the same rule.
    run(&mut dora, ":advance 25h").await;
    let out = run(&mut dora, "/complaint list scope:breached").await;
    assert_eq!(listed(&out), [2], "{out}");
    let out = run(&mut bob, "/complaint list scope:breached").await;
    assert_eq!(listed(&out), [1, 2, 3, 4], "{out}");
    // The page buttons too (the list's pages are pressed, not typed).
    let out = run(&mut dora, "/press cmp:page:all:::1").await;
    assert_eq!(listed(&out), [2], "{out}");
    let out = run(&mut alice, "/press cmp:page:all:::1").await;
    assert_eq!(listed(&out), [1, 2, 3, 4], "{out}");
    // In Chinese, the same line in the reader's language.
    let mut li = t.shell("dora", "design", "zh-CN").await;
    let out = run(&mut li, "/complaint list scope:all").await;
    assert_eq!(listed(&out), [2], "{out}");
    assert!(out.contains("您看到的是您登记或处理的投诉"), "{out}");
}

#[tokio::test]
async fn show_and_buttons_refuse_what_a_member_may_not_see_in_both_languages() {
    let t = TestApp::new().await;
    four_complaints(&t).await;
    let mut dora = t.shell("dora", "design", "en-US").await;
    let mut hana = t.shell("hana", "warehouse", "en-US").await;
    let mut li = t.shell("li", "operations", "zh-CN").await;
    let mut bob = bob(&t).await;
    let mut alice = t.shell("alice", "manager", "en-US").await;
    run(&mut alice, "/complaint note id:1 text:\"secret note\"").await;
    let en = "Complaint #1 is not one you logged or handle: only customer service and managers see every complaint. Type /complaint list to see yours";
    let zh =
        "投诉 #1 不是您登记或处理的：只有客服和经理能查看所有投诉。输入 /投诉 列表 查看您的投诉";

    // Someone else's: refused, the history (and its note) not shown.
    for sh in [&mut dora, &mut hana] {
        for line in [
            "/complaint show id:1",
            "/complaint show id:1 page:2",
            "/press cmp:resolve:1",
            "/press cmp:note:1",
        ] {
            let out = run(sh, line).await;
            assert!(out.contains(en), "{line}: {out}");
            assert!(
                !out.contains("secret note") && !out.contains("bob's"),
                "{out}"
            );
        }
    }
    let out = run(&mut li, "/complaint show id:1").await;
    assert!(out.contains(zh), "{out}");
    let out = run(&mut li, "/press cmp:note:1").await;
    assert!(out.contains(zh), "{out}");

    // Their own: shown with the history.
    let out = run(&mut dora, "/complaint show id:2").await;
    assert!(out.contains("dora's") && out.contains("logged it"), "{out}");
    let out = run(&mut hana, "/complaint show id:3").await;
    assert!(out.contains("hana's") && out.contains("@hana"), "{out}");
    // The handler opens the forms on hers; the one who logged it sees it but does not handle it.
    let out = run(&mut hana, "/press cmp:resolve:3").await;
    assert!(out.contains("/complaint resolve id:3"), "{out}");
    let out = run(&mut dora, "/press cmp:resolve:2").await;
    assert!(
        out.contains("the complaint's handler or a manager"),
        "{out}"
    );
    // Customer service and managers see every one.
    for sh in [&mut bob, &mut alice] {
        for id in 1..=4 {
            let out = run(sh, &format!("/complaint show id:{id}")).await;
            assert!(out.contains(&format!("Complaint #{id}")), "{out}");
            assert!(!out.contains("is not one you logged"), "{out}");
        }
        let out = run(sh, "/complaint show id:1").await;
        assert!(out.contains("secret note"), "{out}");
    }
    // A number that does not exist is still "no such complaint", for everyone.
    let out = run(&mut dora, "/complaint show id:9").await;
    assert!(out.contains("There is no complaint #9"), "{out}");
}

#[tokio::test]
async fn id_suggestions_offer_only_what_the_member_may_see() {
    let t = TestApp::new().await;
    four_complaints(&t).await;
    let ids = async |name: &str, positions: &[Position], sub: &str, typed: &str| -> Vec<String> {
        let who = origin(actor(name, positions, "en-US"));
        let inv = Invocation::new(&format!("complaint {sub}")).with("id", text_opt(typed));
        let mut got: Vec<String> = t
            .app
            .autocomplete(&who, &inv, "id")
            .await
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        got.sort();
        got
    };
    let all = ["1", "2", "3", "4"];
    assert_eq!(ids("dora", &[Position::Design], "show", "").await, ["2"]);
    assert_eq!(ids("hana", &[Position::Warehouse], "show", "").await, ["3"]);
    assert_eq!(
        ids("hana", &[Position::Warehouse], "show", "A1").await,
        Vec::<String>::new()
    );
    assert_eq!(ids("zed", &[], "show", "").await, Vec::<String>::new());
    assert_eq!(
        ids("bob", &[Position::CustomerService], "show", "").await,
        all
    );
    assert_eq!(ids("alice", &[Position::Manager], "resolve", "").await, all);
    assert_eq!(
        ids("bob", &[Position::CustomerService], "show", "A1").await,
        ["1"]
    );
}
