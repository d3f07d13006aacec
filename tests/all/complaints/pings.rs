//! A complaint's pings through the outbox at the right manual-clock instants: the warning 4 h
//! before the 24-hour limit and the escalation at it (to the team or the owner, the managers,
//! the escalation channel), the serious alert at once, pings cancelled or moved when the
//! complaint is resolved, reopened or claimed; the return visit after resolving; and typed
//! mentions that ping nobody.

use storeops::adapters::shell::{shell_channel, shell_id};
use storeops::app::{Invocation, Origin};
use storeops::config::Config;
use storeops::domain::position::Position;
use storeops::message::Mentions;

use crate::support::TestApp;
use crate::support::core::{actor, fields, mentions, origin, text_opt};
use crate::support::sent::{Sent, one_complaint, sent_complaints};
use crate::support::shell::{
    bob, boss_with_escalation, log_complaint, log_damaged, role, run, uid,
};
use crate::support::store::{OutboxRow, complaint, complaint_pings, count, outbox_where, task};
use crate::support::time::{local, shown};

/// (dedupe key, state, local due time) of rows, for comparing plans.
fn plan(rows: &[OutboxRow]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|p| (p.key.clone(), p.state.clone(), shown(p.due)))
        .collect()
}

/// One expected row of a plan: (dedupe key, state, local due time).
fn triple(key: &str, state: &str, due: &str) -> (String, String, String) {
    (key.to_string(), state.to_string(), due.to_string())
}

#[tokio::test]
async fn resolve_and_reopen_plan_the_pings_again() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "x").await;
    let out = run(&mut sh, "/complaint reopen id:1").await;
    assert!(out.contains("Complaint #1 is still open."), "{out}");
    run(&mut sh, ":advance 26h").await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:exchange").await;
    assert!(
        out.contains("Complaint #1 resolved after 1 d 2 h")
            && out.contains("Resolved after the limit had passed."),
        "{out}"
    );
    let out = run(&mut sh, "/complaint resolve id:1 outcome:exchange").await;
    assert!(
        out.contains("Complaint #1 is already resolved. Reopen it first with /complaint reopen."),
        "{out}"
    );

    let mut carol = t.shell("carol", "operations", "en-US").await;
    let out = run(&mut carol, "/complaint reopen id:1").await;
    assert!(out.contains("Only customer service"), "{out}");
    assert_eq!(complaint(&t, 1).await.status, "resolved");

    run(&mut sh, ":advance 1h").await;
    let out = run(&mut sh, "/complaint reopen id:1 note:\"Buyer wrote again\"").await;
    assert!(out.contains("Complaint #1 is open again"), "{out}");
    let c = complaint(&t, 1).await;
    assert_eq!(
        (c.status.as_str(), c.outcome, c.amount, c.resolved),
        ("open", None, None, None)
    );
    // A new limit from now (Tue 12:00), and its pings.
    assert_eq!(c.deadline, local("2026-11-25 12:00"));
    let rows = complaint_pings(&t, 1).await;
    let pending: Vec<OutboxRow> = rows
        .iter()
        .filter(|p| p.state == "pending")
        .cloned()
        .collect();
    assert_eq!(
        plan(&pending),
        vec![
            triple("complaint:1:e2:warn", "pending", "2026-11-25 08:00"),
            triple("complaint:1:e2:breach", "pending", "2026-11-25 12:00"),
        ],
        "{rows:#?}"
    );
    let out = run(&mut sh, ":advance 20h").await;
    let msg = one_complaint(&out);
    assert_eq!(
        msg.title, "Complaint #1: 4 h left to handle it — x",
        "{out}"
    );
    assert_eq!(msg.mentions, "@bob");
}

#[tokio::test]
async fn an_unclaimed_complaint_warns_the_team_then_escalates_to_the_managers() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let out = log_damaged(&mut alice, 1, "A1", "Cup broken").await;
    assert!(
        sent_complaints(&out).is_empty(),
        "a normal complaint alerts nobody: {out}"
    );
    assert_eq!(
        plan(&complaint_pings(&t, 1).await),
        vec![
            triple("complaint:1:e1:warn", "pending", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "pending", "2026-11-24 09:00"),
        ]
    );

    let out = run(&mut alice, ":advance 19h").await;
    assert!(sent_complaints(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 59m").await;
    assert!(sent_complaints(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 1m").await;
    let warn = one_complaint(&out);
    assert_eq!(warn.target, "#shell", "{out}");
    assert_eq!(warn.mentions, "@customer-service", "{out}");
    assert_eq!(
        warn.title,
        "Complaint #1: 4 h left to handle it — Cup broken"
    );
    assert!(warn.text.contains("/press cmp:claim:1"), "{out}");

    let out = run(&mut alice, ":advance 3h59m").await;
    assert!(sent_complaints(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 1m").await;
    let breach = one_complaint(&out);
    assert_eq!(breach.target, "#esc", "{out}");
    assert_eq!(breach.mentions, "@manager", "{out}");
    assert_eq!(breach.title, "Complaint #1 is past its limit — Cup broken");
    assert!(breach.text.contains("past the limit"), "{out}");

    let rows = complaint_pings(&t, 1).await;
    assert_eq!(
        plan(&rows),
        vec![
            triple("complaint:1:e1:warn", "sent", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "sent", "2026-11-24 09:00"),
        ]
    );
    assert_eq!(
        rows[0].reply.mentions,
        Mentions::role(role("customer-service"))
    );
    assert_eq!(rows[0].target, shell_channel());
    assert_eq!(rows[1].reply.mentions, Mentions::role(role("manager")));
    assert_eq!(rows[1].target, shell_id("#esc"));

    let out = run(&mut alice, ":advance 2d").await;
    assert!(sent_complaints(&out).is_empty(), "escalated once: {out}");
}

#[tokio::test]
async fn an_owned_complaint_warns_its_owner_and_escalates_with_them() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let out = log_damaged(&mut sh, 1, "A1", "Cup broken").await;
    assert!(
        out.starts_with("== Complaint #1 logged"),
        "owned: the reply pings nobody: {out}"
    );
    let out = run(&mut sh, ":advance 19h59m").await;
    assert!(sent_complaints(&out).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await;
    let warn = one_complaint(&out);
    assert_eq!(
        (warn.target.as_str(), warn.mentions.as_str()),
        ("#shell", "@bob"),
        "{out}"
    );
    assert!(
        !warn.text.contains("cmp:claim:1"),
        "owned: no Claim button: {out}"
    );
    let out = run(&mut sh, ":advance 4h").await;
    let breach = one_complaint(&out);
    assert_eq!(
        (breach.target.as_str(), breach.mentions.as_str()),
        ("#esc", "@bob @manager"),
        "{out}"
    );
    let rows = complaint_pings(&t, 1).await;
    assert_eq!(rows[0].reply.mentions, Mentions::user(uid("bob")));
    assert_eq!(
        rows[1].reply.mentions,
        mentions(&[uid("bob")], &[role("manager")])
    );
    assert_eq!(rows[1].due, local("2026-11-24 09:00"));
}

#[tokio::test]
async fn without_an_escalation_channel_the_breach_goes_to_the_complaints_channel() {
    let t = TestApp::new().await;
    let mut alice = t.shell("alice", "manager", "en-US").await;
    run(&mut alice, "/setup language:en-US").await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "x").await;
    let out = run(&mut sh, ":advance 24h").await;
    let msgs = sent_complaints(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(msgs.iter().all(|m| m.target == "#shell"), "{out}");
}

/// `complaints.serious_alert_cooldown` (10 min): bob's second and third serious complaints
/// within it ping nobody when logged; they go out together in one alert when the cooldown ends,
/// named with their numbers; carol's first one alerts at once (the cooldown is per member);
/// after a restart a complaint still joins the alert waiting, and the next one after the
/// cooldown alerts at once again.
#[tokio::test]
async fn serious_alerts_wait_out_a_cooldown_per_member_and_sum_up_the_rest() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let serious = |order: &str, summary: &str| {
        format!(
            "order:{order} platform:tmall category:damaged summary:\"{summary}\" severity:serious"
        )
    };
    let alerts = |out: &str| -> Vec<Sent> {
        sent_complaints(out)
            .into_iter()
            .filter(|m| m.title.starts_with("Serious complaint"))
            .collect()
    };
    let out = log_complaint(&mut sh, 1, &serious("S1", "Glass in the food")).await;
    assert_eq!(alerts(&out).len(), 1, "the first alerts at once: {out}");
    let first_at = t.clock_now();
    run(&mut sh, ":advance 3m").await;
    let out = log_complaint(&mut sh, 2, &serious("S2", "**Mould** @everyone")).await;
    assert!(alerts(&out).is_empty(), "within the cooldown: {out}");
    run(&mut sh, ":advance 2m").await;
    let out = log_complaint(&mut sh, 3, &serious("S3", "Burnt")).await;
    assert!(alerts(&out).is_empty(), "{out}");
    // Another member: their own cooldown.
    let mut carol = t.shell("carol", "customer-service", "en-US").await;
    let out = log_complaint(&mut carol, 4, &serious("S4", "Broken seal")).await;
    assert_eq!(alerts(&out).len(), 1, "carol's first alerts at once: {out}");
    // One alert waits for bob, due when the cooldown of the first ends.
    let rows = outbox_where(&t, "dedupe_key LIKE '%:serious'", &[]).await;
    let waiting: Vec<&OutboxRow> = rows.iter().filter(|r| r.state == "pending").collect();
    assert_eq!(waiting.len(), 1, "{rows:#?}");
    assert_eq!(waiting[0].key, "complaint:2:serious");
    assert_eq!(waiting[0].due, first_at + chrono::Duration::minutes(10));
    // A restart does not lose it, and a complaint logged after it joins the same alert.
    let app = t.restart().await;
    let mut sh = crate::support::shell::shell_on(&app, &t.clock, "bob", "customer-service").await;
    run(&mut sh, ":advance 1m").await;
    let out = log_complaint(&mut sh, 5, &serious("S5", "Smells")).await;
    assert!(alerts(&out).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 3m").await;
    assert!(
        alerts(&out).is_empty(),
        "not before the cooldown ends: {out}"
    );
    let out = run(&mut sh, ":advance 2m").await;
    let sent = alerts(&out);
    assert_eq!(sent.len(), 1, "{out}");
    let a = &sent[0];
    assert!(a.title.starts_with("Serious complaint #2 — "), "{out}");
    assert!(a.title.contains("Mould"), "{out}");
    assert_eq!(a.mentions, "@manager", "{out}");
    assert!(
        a.text
            .contains("And 2 more serious complaints logged by @bob since"),
        "{out}"
    );
    assert!(a.text.contains("#3") && a.text.contains("#5"), "{out}");
    assert!(
        a.text.contains("Burnt") && a.text.contains("Smells"),
        "{out}"
    );
    assert!(
        !a.text.contains("Broken seal"),
        "carol's is not bob's: {out}"
    );
    // Within ten minutes of that alert, the next one waits again; after it, at once.
    let out = log_complaint(&mut sh, 6, &serious("S6", "Again")).await;
    assert!(alerts(&out).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 10m").await;
    let sent = alerts(&out);
    assert_eq!(sent.len(), 1, "{out}");
    assert!(sent[0].title.starts_with("Serious complaint #6 "), "{out}");
    assert!(!sent[0].text.contains("more serious"), "{out}");
    let out = run(&mut sh, ":advance 11m").await;
    assert!(alerts(&out).is_empty(), "{out}");
    let out = log_complaint(&mut sh, 7, &serious("S7", "Later")).await;
    assert_eq!(alerts(&out).len(), 1, "after the cooldown, at once: {out}");
    // Every serious complaint is in exactly one alert that went out.
    let rows = outbox_where(&t, "dedupe_key LIKE '%:serious'", &[]).await;
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.key.as_str(), r.state.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("complaint:1:serious", "sent"),
            ("complaint:4:serious", "sent"),
            ("complaint:2:serious", "sent"),
            ("complaint:6:serious", "sent"),
            ("complaint:7:serious", "sent"),
        ]
    );
}

#[tokio::test]
async fn a_serious_complaint_alerts_the_escalation_channel_at_once() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let out = log_complaint(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Glass in the food\" severity:serious",
    )
    .await;
    let alert = one_complaint(&out);
    assert_eq!(alert.target, "#esc", "{out}");
    assert_eq!(alert.mentions, "@manager", "{out}");
    assert_eq!(alert.title, "Serious complaint #1 — Glass in the food");
    assert!(alert.text.contains("Severity: serious"), "{out}");
    let rows = complaint_pings(&t, 1).await;
    let serious: Vec<&OutboxRow> = rows
        .iter()
        .filter(|p| p.key == "complaint:1:serious")
        .collect();
    assert_eq!(serious.len(), 1, "{rows:#?}");
    assert_eq!(serious[0].state, "sent");
    assert_eq!(serious[0].due, t.clock_now());
    assert_eq!(serious[0].reply.mentions, Mentions::role(role("manager")));
    assert_eq!(serious[0].target, shell_id("#esc"));

    // The limit still applies, with its warning and escalation.
    assert_eq!(complaint(&t, 1).await.severity, "serious");
    let out = run(&mut sh, ":advance 24h").await;
    let msgs = sent_complaints(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(
        msgs[1].title.starts_with("Complaint #1 is past its limit"),
        "{out}"
    );

    // A normal one alerts nobody.
    let out = log_complaint(
        &mut sh,
        2,
        "order:A2 platform:tmall category:damaged summary:y severity:normal",
    )
    .await;
    assert!(sent_complaints(&out).is_empty(), "{out}");
}

#[tokio::test]
async fn resolving_cancels_the_pending_pings() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "x").await;
    log_damaged(&mut sh, 2, "A2", "y").await;
    run(&mut sh, ":advance 2h").await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:explanation").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    let rows = complaint_pings(&t, 1).await;
    assert_eq!(
        plan(&rows),
        vec![
            triple("complaint:1:e1:warn", "cancelled", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "cancelled", "2026-11-24 09:00"),
        ]
    );
    let out = run(&mut sh, ":advance 2d").await;
    let about_1: Vec<Sent> = sent_complaints(&out)
        .into_iter()
        .filter(|s| s.title.contains("Complaint #1"))
        .collect();
    assert!(about_1.is_empty(), "{out}");
    // The other one still gets its pings.
    let about_2: Vec<Sent> = sent_complaints(&out)
        .into_iter()
        .filter(|s| s.title.contains("Complaint #2"))
        .collect();
    assert_eq!(about_2.len(), 2, "{out}");
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM outbox WHERE source = 'complaint:1' AND state <> 'cancelled'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn claiming_moves_the_warning_to_the_new_owner() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut alice, 1, "A1", "x").await;
    run(&mut sh, ":advance 1h").await;
    let out = run(&mut sh, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is handled by @bob"), "{out}");
    let rows = complaint_pings(&t, 1).await;
    assert_eq!(
        plan(&rows),
        vec![
            triple("complaint:1:e1:warn", "pending", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "pending", "2026-11-24 09:00"),
        ],
        "the same keys, replanned for the new owner"
    );
    let r2_warn = rows
        .iter()
        .find(|p| p.key == "complaint:1:e1:warn")
        .expect("warn");
    assert_eq!(r2_warn.reply.mentions, Mentions::user(uid("bob")));
    let out = run(&mut sh, ":advance 19h").await;
    let warn = one_complaint(&out);
    assert_eq!(warn.mentions, "@bob", "the new owner, not the team: {out}");

    // A manager reassigning moves the escalation to the new owner too.
    let out = run(&mut alice, "/complaint assign id:1 user:@cathy").await;
    assert!(out.contains("Complaint #1 is handled by @cathy"), "{out}");
    let rows = complaint_pings(&t, 1).await;
    let pending: Vec<OutboxRow> = rows
        .iter()
        .filter(|p| p.state == "pending")
        .cloned()
        .collect();
    assert_eq!(
        plan(&pending),
        vec![triple(
            "complaint:1:e1:breach",
            "pending",
            "2026-11-24 09:00"
        )],
        "the warning is past; only the escalation is replanned: {rows:#?}"
    );
    assert_eq!(
        pending[0].reply.mentions,
        mentions(&[uid("cathy")], &[role("manager")])
    );
    let out = run(&mut sh, ":advance 4h").await;
    assert_eq!(one_complaint(&out).mentions, "@cathy @manager", "{out}");
}

#[tokio::test]
async fn resolving_schedules_a_return_visit_for_the_owner() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_complaint(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:x customer:\"Mr Wang\"",
    )
    .await;
    run(&mut sh, ":advance 2h").await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:refund amount:10").await;
    assert!(
        out.contains("Return visit scheduled as task #1, due 2026-11-26 11:00 (Thu)."),
        "{out}"
    );
    let visit = task(&t, 1).await;
    assert_eq!(visit.title, "Return visit: order A1 (complaint #1)");
    assert_eq!(
        visit.note.as_deref(),
        Some("Ask Mr Wang whether everything is fine now.")
    );
    assert_eq!(visit.assignee, Some(uid("bob")));
    assert_eq!(visit.due, local("2026-11-26 11:00"));
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Return visit: order A1 (complaint #1)"),
        "{out}"
    );

    // Resolved by a manager on behalf of the owner: the visit is still the owner's.
    log_damaged(&mut sh, 2, "A2", "y").await;
    let out = run(&mut alice, "/complaint resolve id:2 outcome:explanation").await;
    assert!(out.contains("Return visit scheduled as task #2"), "{out}");
    assert_eq!(task(&t, 2).await.assignee, Some(uid("bob")));
    let out = run(&mut alice, "/task list").await;
    assert!(
        !out.contains("Return visit: order A2"),
        "not in the manager's own list: {out}"
    );
}

#[tokio::test]
async fn no_return_visit_when_disabled() {
    let mut config = Config::defaults();
    config.complaints.return_visit_days = 0;
    let t = TestApp::with_config(config).await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    log_damaged(&mut sh, 1, "A1", "x").await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:refund amount:10").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    assert!(!out.contains("Return visit"), "{out}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM tasks").await, 0);
}

#[tokio::test]
async fn typed_mentions_ping_nobody() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let alice = origin(actor("alice", &[Position::Manager], "en-US"));
    let bob = origin(actor("bob", &[Position::CustomerService], "en-US"));
    let nasty = "Tell @everyone and <@&123> and <@456> about @here";
    let log_as = |o: &Origin, order: &str, severity: &str| {
        let inv = Invocation::new("complaint log")
            .with("order", text_opt(order))
            .with("platform", text_opt("tmall"))
            .with("category", text_opt("damaged"))
            .with("summary", text_opt(nasty))
            .with("customer", text_opt("@everyone"))
            .with("description", text_opt("<@&123> <@456> @here"))
            .with("severity", text_opt(severity));
        let app = t.app.clone();
        let o = o.clone();
        async move { app.handle(&o, &inv).await }
    };

    // Unclaimed: only the customer-service role.
    let r = log_as(&alice, "A1", "normal").await;
    assert_eq!(
        r.mentions,
        Mentions::role(role("customer-service")),
        "{r:?}"
    );
    // Owned: nobody.
    let r = log_as(&bob, "A2", "normal").await;
    assert!(r.mentions.is_empty(), "{r:?}");
    // Serious: the alert pings the manager role only.
    let r = log_as(&bob, "A3", "serious").await;
    assert!(r.mentions.is_empty(), "{r:?}");
    let all = serde_json::to_string(&r).expect("json");
    assert!(
        !all.contains("<@&123>") && !all.contains("<@456>") && !all.contains("@everyone"),
        "the typed text is shown defused: {all}"
    );

    // Claim through a note and the pings on the way: never anyone the text names.
    let r = t.app.press(&bob, "cmp:claim:1").await;
    assert!(
        r.mentions.is_empty(),
        "claiming for oneself pings nobody: {r:?}"
    );
    let r = t
        .app
        .submit(&bob, "cmp:note:1", &fields(&[("text", nasty)]))
        .await;
    assert!(r.mentions.is_empty(), "{r:?}");
    assert!(
        !r.lines
            .iter()
            .any(|l| l.contains("<@&123>") || l.contains("@everyone")),
        "{r:?}"
    );
    let mut sh = t.shell("bob", "customer-service", "en-US").await;
    run(&mut sh, ":advance 2d").await;
    let rows = outbox_where(
        &t,
        "source LIKE 'complaint%' OR source LIKE 'serious-alerts:%'",
        &[],
    )
    .await;
    assert!(rows.len() >= 7, "{rows:#?}");
    let allowed_users = [uid("bob")];
    let allowed_roles = [role("customer-service"), role("manager")];
    for row in &rows {
        let (key, reply) = (&row.key, &row.reply);
        assert!(
            reply
                .mentions
                .users
                .iter()
                .all(|u| allowed_users.contains(u)),
            "{key}: {:?}",
            reply.mentions
        );
        assert!(
            reply
                .mentions
                .roles
                .iter()
                .all(|r| allowed_roles.contains(r)),
            "{key}: {:?}",
            reply.mentions
        );
        let text = serde_json::to_string(&reply).expect("json");
        assert!(
            !text.contains("<@&123>") && !text.contains("<@456>") && !text.contains("@everyone"),
            "{key}: {text}"
        );
    }
    let serious: Vec<&OutboxRow> = rows
        .iter()
        .filter(|r| r.key == "complaint:3:serious")
        .collect();
    assert_eq!(serious.len(), 1);
    assert_eq!(serious[0].reply.mentions, Mentions::role(role("manager")));
}
