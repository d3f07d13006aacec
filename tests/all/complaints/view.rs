//! How complaints are shown: `/complaint list` (scopes, filters by key or Chinese label, pages
//! and their buttons, open before resolved, past the limit) and `/complaint show` with its
//! history.

use storeops::domain::position::Position;

use crate::support::TestApp;
use crate::support::core::{actor, origin};
use crate::support::sent::{Sent, sent_complaints};
use crate::support::shell::{bob, boss_with_escalation, log_complaint, log_damaged, run};
use crate::support::store::complaint;

#[tokio::test]
async fn list_scopes_and_filters() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log_complaint(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    log_complaint(
        &mut sh,
        2,
        "order:A2 platform:jd category:quality summary:\"Thin fabric\"",
    )
    .await;
    log_complaint(
        &mut alice,
        3,
        "order:A3 platform:taobao category:damaged summary:\"Box crushed\"",
    )
    .await;
    log_complaint(
        &mut cathy,
        4,
        "order:A4 platform:tmall category:late-shipment summary:\"Still waiting\"",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    let out = run(&mut sh, "/complaint resolve id:2 outcome:explanation").await;
    assert!(out.contains("Complaint #2 resolved"), "{out}");

    let has = |out: &str, ids: &[i64]| {
        for id in 1..=4 {
            let shown = out.contains(&format!("**#{id}**"));
            assert_eq!(shown, ids.contains(&id), "#{id} expected {ids:?}: {out}");
        }
    };
    let out = run(&mut sh, "/complaint list").await;
    assert!(
        out.contains("Complaints: open — page 1/1 (3)"),
        "open is the default: {out}"
    );
    has(&out, &[1, 3, 4]);
    assert!(
        out.contains("**#1** `A1` Cup broken · damaged · @bob · in 23 h"),
        "{out}"
    );
    assert!(
        out.contains("**#3** `A3` Box crushed · damaged · @customer-service (nobody yet)"),
        "{out}"
    );

    let out = run(&mut sh, "/complaint list scope:mine").await;
    assert!(out.contains("Complaints: mine — page 1/1 (1)"), "{out}");
    has(&out, &[1]);

    let out = run(&mut sh, "/complaint list scope:all").await;
    assert!(out.contains("Complaints: all — page 1/1 (4)"), "{out}");
    has(&out, &[1, 2, 3, 4]);
    assert!(
        out.contains("Thin fabric · quality · @bob · resolved"),
        "{out}"
    );

    let out = run(&mut sh, "/complaint list scope:breached").await;
    assert!(
        out.contains("(0)") && out.contains("No complaints here."),
        "{out}"
    );

    for line in [
        "/complaint list platform:tmall",
        "/complaint list platform:天猫",
    ] {
        let out = run(&mut sh, line).await;
        has(&out, &[1, 4]);
    }
    for line in [
        "/complaint list category:damaged",
        "/complaint list category:破损",
    ] {
        let out = run(&mut sh, line).await;
        has(&out, &[1, 3]);
    }
    let out = run(&mut sh, "/complaint list platform:tmall category:damaged").await;
    has(&out, &[1]);
    let out = run(&mut sh, "/complaint list scope:all platform:jd").await;
    has(&out, &[2]);
    let out = run(&mut sh, "/complaint list platform:pdd").await;
    assert!(out.contains("\"pdd\" is not a platform here"), "{out}");

    // Past the limit: the open ones, and one resolved late; not the one resolved in time.
    run(&mut sh, ":advance 25h").await;
    // Customer service may not resolve a complaint a colleague handles (#21): its handler may.
    let out = run(&mut sh, "/complaint resolve id:4 outcome:reship").await;
    assert!(
        out.contains("the complaint's handler or a manager"),
        "bob may not resolve cathy's: {out}"
    );
    let out = run(&mut cathy, "/complaint resolve id:4 outcome:reship").await;
    assert!(
        out.contains("Complaint #4 resolved")
            && out.contains("Resolved after the limit had passed."),
        "cathy handles it: {out}"
    );
    let out = run(&mut sh, "/complaint list scope:breached").await;
    assert!(
        out.contains("Complaints: past the limit — page 1/1 (3)"),
        "{out}"
    );
    has(&out, &[1, 3, 4]);
    assert!(out.contains("⚠️"), "{out}");
}

#[tokio::test]
async fn list_pages_through_23_complaints_with_buttons() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    for id in 1..=23 {
        let platform = if id <= 13 { "tmall" } else { "jd" };
        log_complaint(
            &mut sh,
            id,
            &format!("order:P{id} platform:{platform} category:quality summary:\"Item {id}\""),
        )
        .await;
    }
    let on_page = |out: &str| -> Vec<i64> {
        (1..=23)
            .filter(|id| out.contains(&format!("**#{id}**")))
            .collect()
    };
    let out = run(&mut sh, "/complaint list").await;
    assert!(out.contains("Complaints: open — page 1/3 (23)"), "{out}");
    assert_eq!(on_page(&out), (1..=10).collect::<Vec<_>>(), "{out}");
    assert!(out.contains("/press cmp:page:open:::2"), "{out}");
    assert!(!out.contains("Previous"), "no way back from page 1: {out}");

    let out = run(&mut sh, "/press cmp:page:open:::2").await;
    assert!(out.contains("Complaints: open — page 2/3 (23)"), "{out}");
    assert_eq!(on_page(&out), (11..=20).collect::<Vec<_>>(), "{out}");
    assert!(
        out.contains("/press cmp:page:open:::1") && out.contains("/press cmp:page:open:::3"),
        "{out}"
    );

    let out = run(&mut sh, "/press cmp:page:open:::3").await;
    assert!(out.contains("Complaints: open — page 3/3 (23)"), "{out}");
    assert_eq!(on_page(&out), vec![21, 22, 23], "{out}");
    assert!(!out.contains("Next"), "{out}");

    let out = run(&mut sh, "/complaint list page:3").await;
    assert_eq!(on_page(&out), vec![21, 22, 23], "{out}");

    // The filter is kept across pages.
    let out = run(&mut sh, "/complaint list platform:天猫").await;
    assert!(out.contains("Complaints: open — page 1/2 (13)"), "{out}");
    assert!(out.contains("/press cmp:page:open:tmall::2"), "{out}");
    let out = run(&mut sh, "/press cmp:page:open:tmall::2").await;
    assert!(out.contains("Complaints: open — page 2/2 (13)"), "{out}");
    assert_eq!(on_page(&out), vec![11, 12, 13], "{out}");

    // Pages through the core directly: the page replaces the message it was clicked on.
    let o = origin(actor("bob", &[Position::CustomerService], "en-US"));
    let r = t.app.press(&o, "cmp:page:all::quality:2").await;
    assert!(r.update_message, "{r:?}");
    assert!(
        r.title
            .as_deref()
            .is_some_and(|s| s.contains("page 2/3 (23)")),
        "{r:?}"
    );
}

#[tokio::test]
async fn list_all_shows_open_complaints_before_resolved_ones() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "First").await;
    run(&mut sh, ":advance 1h").await;
    log_damaged(&mut sh, 2, "A2", "Second").await;
    run(&mut sh, "/complaint resolve id:1 outcome:explanation").await;
    assert_eq!(complaint(&t, 1).await.status, "resolved");
    let out = run(&mut sh, "/complaint list scope:all").await;
    let open_at = out.find("**#2**").expect("#2 listed");
    let resolved_at = out.find("**#1**").expect("#1 listed");
    assert!(
        open_at < resolved_at,
        "the open complaint (by deadline) comes before the resolved one: {out}"
    );
}

#[tokio::test]
async fn at_the_limit_the_complaint_is_listed_as_breached() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "Cup broken").await;
    let out = run(&mut sh, ":advance 24h").await;
    let esc: Vec<Sent> = sent_complaints(&out)
        .into_iter()
        .filter(|s| s.target == "#esc")
        .collect();
    assert_eq!(esc.len(), 1, "escalated at the limit: {out}");
    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(out.contains("past the limit"), "{out}");
    let out = run(&mut sh, "/complaint list scope:breached").await;
    assert!(
        out.contains("**#1**"),
        "escalated as past its limit, so listed as past the limit: {out}"
    );
}

#[tokio::test]
async fn show_lists_the_history() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log_complaint(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\" customer:\"Mr Wang\"",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    let out = run(&mut sh, "/complaint note id:1 text:\"Buyer sent photos\"").await;
    assert!(
        out.contains("Note added to complaint #1") && out.contains("Buyer sent photos"),
        "{out}"
    );
    let out = run(&mut alice, "/complaint assign id:1 user:@cathy").await;
    assert!(out.contains("Complaint #1 is handled by @cathy"), "{out}");
    run(&mut sh, ":advance 1h").await;
    let out = run(
        &mut cathy,
        "/complaint resolve id:1 outcome:refund amount:10 note:paid",
    )
    .await;
    assert!(
        out.contains("Complaint #1 resolved after 2 h")
            && out.contains("Resolved within the limit."),
        "{out}"
    );
    let out = run(
        &mut cathy,
        "/complaint reopen id:1 note:\"Buyer wrote again\"",
    )
    .await;
    assert!(out.contains("Complaint #1 is open again"), "{out}");

    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(out.contains("Complaint #1 · order A1: Cup broken"), "{out}");
    assert!(
        out.contains("Buyer: Mr Wang") && out.contains("Handled by: @cathy"),
        "{out}"
    );
    assert!(out.contains("History:"), "{out}");
    for (n, expected) in [
        "2026-11-23 09:00 (Mon) @bob logged it",
        "2026-11-23 10:00 (Mon) @bob noted: Buyer sent photos",
        "2026-11-23 10:00 (Mon) @alice assigned it",
        "2026-11-23 11:00 (Mon) @cathy resolved it: refund 10.00 — paid",
        "2026-11-23 11:00 (Mon) @cathy reopened it: Buyer wrote again",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            out.contains(expected),
            "history line {n} {expected:?}: {out}"
        );
    }
    let order: Vec<usize> = [
        "logged it",
        "noted",
        "assigned it",
        "resolved it",
        "reopened it",
    ]
    .iter()
    .map(|k| out.find(k).expect("in history"))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "oldest first: {out}");

    let out = run(&mut sh, "/complaint show id:42").await;
    assert!(out.contains("There is no complaint #42"), "{out}");
}

#[tokio::test]
async fn the_history_names_both_handlers_readably() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log_damaged(&mut alice, 1, "A1", "x").await;
    run(&mut cathy, "/complaint claim id:1").await;
    run(&mut alice, "/complaint assign id:1 user:@bob").await;
    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(
        out.contains("@cathy claimed it: nobody → @cathy")
            && out.contains("@alice assigned it: @cathy → @bob"),
        "the handler's name, not escaped markup: {out}"
    );
    assert!(!out.contains('‹'), "{out}");
}
