//! Complaints end to end: every `/complaint` subcommand through the shell (keys and Chinese
//! labels, permissions, amounts, lists and pages, history, stats over a fixed dataset), the
//! 24-hour limit through the outbox at the right manual-clock instants (warning, escalation,
//! serious alerts, cancelled and moved pings), the return visit, the buttons and forms, typed
//! mentions that must ping nobody, and one flow through the fake Discord. Schedules are driven
//! by the manual clock only; real time bounds network waits alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde_json::Value;
use storeops::adapters::shell::{SHELL_GUILD, Shell, shell_channel, shell_id};
use storeops::app::{Actor, Invocation, OptValue, Origin, Reply};
use storeops::config::Config;
use storeops::domain::position::Position;
use storeops::message::Mentions;
use storeops::store::{from_ms, id_out};

use crate::discord::{E2e, choice, embed_text};
use crate::fake_discord::*;
use crate::support::TestApp;

/// Real-time bound for network events in the fake-Discord flow (never a schedule).
const PATIENCE: StdDuration = StdDuration::from_secs(20);

// ---------------------------------------------------------------- helpers

/// A local Asia/Shanghai time ("2026-11-24 05:00") as an instant.
fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local time");
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// An instant as a local Asia/Shanghai time.
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

async fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).await.text
}

/// alice, a manager, in English; the guild speaks English too (its default is zh-CN) and
/// escalates to #esc.
async fn boss(t: &TestApp) -> Shell {
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = run(&mut sh, "/setup language:en-US escalation-channel:#esc").await;
    assert!(
        out.contains("Settings saved") && out.contains("#esc"),
        "{out}"
    );
    sh
}

/// bob of customer service, in English.
async fn bob(t: &TestApp) -> Shell {
    t.shell("bob", "customer-service", "en-US").await
}

/// Logs a complaint and checks it got the expected number.
async fn log(sh: &mut Shell, id: i64, args: &str) -> String {
    let out = run(sh, &format!("/complaint log {args}")).await;
    assert!(
        out.contains(&format!("Complaint #{id} logged")),
        "log #{id}: {out}"
    );
    out
}

/// A message the bot sent on its own, as the shell printed it.
#[derive(Debug, Clone)]
struct Sent {
    /// `#shell`, `#esc`.
    target: String,
    /// The ping line (`@bob @manager`), empty when nobody is pinged.
    mentions: String,
    /// The headline.
    title: String,
    /// Everything printed for it.
    text: String,
}

/// The messages the bot sent, in the order printed (the command's own reply is left out).
fn sent(out: &str) -> Vec<Sent> {
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

/// The messages about complaints (warnings, escalations, alerts) among those sent; other
/// features' messages (activity reminders, task pings) are left out.
fn complaint_pings(out: &str) -> Vec<Sent> {
    sent(out)
        .into_iter()
        .filter(|s| {
            s.title.starts_with("Complaint #") || s.title.starts_with("Serious complaint #")
        })
        .collect()
}

/// Exactly one message about a complaint was sent; returns it.
fn one(out: &str) -> Sent {
    let msgs = complaint_pings(out);
    assert_eq!(
        msgs.len(),
        1,
        "exactly one complaint message expected:\n{out}"
    );
    msgs[0].clone()
}

/// A complaint as stored.
#[derive(Debug)]
struct Row {
    status: String,
    owner: Option<u64>,
    platform: String,
    category: String,
    severity: String,
    customer: Option<String>,
    description: Option<String>,
    linked: Option<i64>,
    deadline: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    outcome: Option<String>,
    amount: Option<i64>,
}

type RowTuple = (
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

async fn complaint(t: &TestApp, id: i64) -> Row {
    let r: RowTuple = sqlx::query_as(
        "SELECT status, owner_id, platform, category, severity, customer, description, linked_to, deadline_at, resolved_at, outcome, amount_cents FROM complaints WHERE id = ?1",
    )
    .bind(id)
    .fetch_one(&t.app.store.pool)
    .await
    .expect("complaint row");
    Row {
        status: r.0,
        owner: r.1.map(id_out),
        platform: r.2,
        category: r.3,
        severity: r.4,
        customer: r.5,
        description: r.6,
        linked: r.7,
        deadline: from_ms(r.8),
        resolved: r.9.map(from_ms),
        outcome: r.10,
        amount: r.11,
    }
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&t.app.store.pool)
        .await
        .expect("count");
    n
}

/// One outbox row of a complaint.
#[derive(Debug, Clone)]
struct Ping {
    key: String,
    state: String,
    due: DateTime<Utc>,
    target: u64,
    reply: Reply,
}

/// Every outbox row of a complaint (its pings and its serious alert), by due time.
async fn pings(t: &TestApp, id: i64) -> Vec<Ping> {
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT dedupe_key, state, due_at, target_id, payload FROM outbox WHERE source = ?1 OR source = ?2 ORDER BY due_at, id",
    )
    .bind(format!("complaint:{id}"))
    .bind(format!("complaint-alert:{id}"))
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

/// (dedupe key, state, local due time) of rows, for comparing plans.
fn plan(rows: &[Ping]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|p| (p.key.clone(), p.state.clone(), shown(p.due)))
        .collect()
}

fn triple(key: &str, state: &str, due: &str) -> (String, String, String) {
    (key.to_string(), state.to_string(), due.to_string())
}

fn mentions(users: &[u64], roles: &[u64]) -> Mentions {
    Mentions {
        users: users.to_vec(),
        roles: roles.to_vec(),
    }
}

/// An actor for calling the core directly.
fn actor(name: &str, positions: &[Position], locale: &str) -> Actor {
    let mut a = Actor::new(uid(name), name);
    a.positions = positions.to_vec();
    a.locale = Some(locale.parse().expect("locale"));
    a
}

fn origin(a: Actor) -> Origin {
    Origin {
        guild_id: SHELL_GUILD,
        channel_id: shell_channel(),
        actor: a,
    }
}

fn text_opt(s: &str) -> OptValue {
    OptValue::Str(s.to_string())
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn button_ids(r: &Reply) -> Vec<String> {
    r.buttons.iter().map(|b| b.id.clone()).collect()
}

// ---------------------------------------------------------------- log

#[tokio::test]
async fn log_reads_keys_and_chinese_labels_and_links_the_same_order() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;

    let out = log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    assert!(out.contains("Complaint #1 logged (order A1)"), "{out}");
    assert!(
        out.contains("Platform: Tmall")
            && out.contains("Category: damaged")
            && out.contains("Severity: normal")
            && out.contains("Handled by: @bob"),
        "{out}"
    );
    assert!(
        out.contains("Handle by: 2026-11-24 09:00 (Tue)") && out.contains("— open"),
        "24 h limit: {out}"
    );
    assert!(
        !out.contains("Same order as complaint"),
        "the first one is linked to nothing: {out}"
    );
    let c = complaint(&t, 1).await;
    assert_eq!(
        (
            c.platform.as_str(),
            c.category.as_str(),
            c.severity.as_str()
        ),
        ("tmall", "damaged", "normal")
    );
    assert_eq!(c.status, "open");
    assert_eq!(
        c.owner,
        Some(uid("bob")),
        "customer service logging owns it"
    );
    assert_eq!(c.deadline, local("2026-11-24 09:00"));
    assert_eq!(c.linked, None);

    // Chinese labels, customer and description; the same order is linked to the first.
    let out = log(
        &mut sh,
        2,
        "order:A1 platform:天猫 category:破损 summary:\"Second cup\" customer:\"Mr Wang\" description:\"Both handles came off in transit\"",
    )
    .await;
    assert!(
        out.contains("Same order as complaint #1: see /complaint show id:1."),
        "{out}"
    );
    assert!(
        out.contains("Buyer: Mr Wang") && out.contains("Both handles came off in transit"),
        "{out}"
    );
    let c = complaint(&t, 2).await;
    assert_eq!(
        (c.platform.as_str(), c.category.as_str()),
        ("tmall", "damaged")
    );
    assert_eq!(c.customer.as_deref(), Some("Mr Wang"));
    assert_eq!(
        c.description.as_deref(),
        Some("Both handles came off in transit")
    );
    assert_eq!(c.linked, Some(1));

    // A third on the same order links to the first, not the second.
    log(
        &mut sh,
        3,
        "order:A1 platform:京东 category:质量问题 summary:Again",
    )
    .await;
    let c = complaint(&t, 3).await;
    assert_eq!(c.linked, Some(1));
    assert_eq!(
        (c.platform.as_str(), c.category.as_str()),
        ("jd", "quality")
    );

    // Labels in English work too, in any case; severity by key.
    log(
        &mut sh,
        4,
        "order:B2 platform:AliExpress category:\"wrong size\" summary:Small severity:serious",
    )
    .await;
    let c = complaint(&t, 4).await;
    assert_eq!(
        (
            c.platform.as_str(),
            c.category.as_str(),
            c.severity.as_str()
        ),
        ("aliexpress", "wrong-size", "serious")
    );
    assert_eq!(c.linked, None);

    // Someone outside customer service leaves it for the team (and pings the team).
    let mut carol = t.shell("carol", "operations", "en-US").await;
    let out = log(
        &mut carol,
        5,
        "order:C3 platform:jd category:logistics summary:Lost",
    )
    .await;
    assert!(out.contains("@customer-service (nobody yet)"), "{out}");
    assert!(
        out.lines().next() == Some("@customer-service"),
        "the team is pinged: {out}"
    );
    assert_eq!(complaint(&t, 5).await.owner, None);
}

#[tokio::test]
async fn log_rejects_unknown_platforms_and_categories_listing_the_choices() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut en = bob(&t).await;
    let out = run(
        &mut en,
        "/complaint log order:A1 platform:pdd category:damaged summary:x",
    )
    .await;
    assert!(
        out.contains("\"pdd\" is not a platform here. Choose one of: tmall, taobao, jd, aliexpress, amazon, ebay, shopify, other"),
        "{out}"
    );
    let out = run(
        &mut en,
        "/complaint log order:A1 platform:tmall category:smelly summary:x",
    )
    .await;
    assert!(
        out.contains("\"smelly\" is not a category. Choose one of: not-as-described, quality, wrong-size, colour, wrong-item, missing-items, damaged, late-shipment, logistics, service-attitude, refund-dispute, other"),
        "{out}"
    );
    let mut zh = t.shell("wang", "customer-service", "zh-CN").await;
    let out = run(
        &mut zh,
        "/complaint log order:A1 platform:拼多多 category:破损 summary:x",
    )
    .await;
    assert!(
        out.contains("“拼多多”不是这里的平台。可选：tmall, taobao"),
        "{out}"
    );
    let out = run(
        &mut zh,
        "/complaint log order:A1 platform:天猫 category:太臭 summary:x",
    )
    .await;
    assert!(
        out.contains("“太臭”不是投诉类别。可选：not-as-described"),
        "{out}"
    );
    assert_eq!(count(&t, "SELECT COUNT(*) FROM complaints").await, 0);
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM outbox WHERE source LIKE 'complaint%'"
        )
        .await,
        0
    );
}

// ---------------------------------------------------------------- list

#[tokio::test]
async fn list_scopes_and_filters() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    log(
        &mut sh,
        2,
        "order:A2 platform:jd category:quality summary:\"Thin fabric\"",
    )
    .await;
    log(
        &mut alice,
        3,
        "order:A3 platform:taobao category:damaged summary:\"Box crushed\"",
    )
    .await;
    log(
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
    let out = run(&mut sh, "/complaint resolve id:4 outcome:reship").await;
    assert!(
        out.contains("Complaint #4 resolved")
            && out.contains("Resolved after the limit had passed."),
        "bob is customer service and may resolve cathy's: {out}"
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
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    for id in 1..=23 {
        let platform = if id <= 13 { "tmall" } else { "jd" };
        log(
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
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:First",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    log(
        &mut sh,
        2,
        "order:A2 platform:tmall category:damaged summary:Second",
    )
    .await;
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
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    let out = run(&mut sh, ":advance 24h").await;
    let esc: Vec<Sent> = complaint_pings(&out)
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

// ---------------------------------------------------------------- show, claim, assign, note

#[tokio::test]
async fn show_lists_the_history() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log(
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
async fn the_history_names_the_new_handler_readably() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    log(
        &mut alice,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    run(&mut cathy, "/complaint claim id:1").await;
    run(&mut alice, "/complaint assign id:1 user:@bob").await;
    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(
        out.contains("@cathy claimed it: @cathy") && out.contains("@alice assigned it: @bob"),
        "the handler's name, not escaped markup: {out}"
    );
    assert!(!out.contains('‹'), "{out}");
}

#[tokio::test]
async fn claim_and_assign_permissions() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    let mut carol = t.shell("carol", "operations", "en-US").await;
    let out = log(
        &mut alice,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    assert!(
        out.contains("/press cmp:claim:1"),
        "unclaimed: a Claim button: {out}"
    );
    assert_eq!(complaint(&t, 1).await.owner, None);

    // Another position may not claim.
    let out = run(&mut carol, "/complaint claim id:1").await;
    assert!(
        out.contains("Only customer service, the complaint's handler, or a manager can do that."),
        "{out}"
    );
    assert_eq!(complaint(&t, 1).await.owner, None);

    // Customer service may.
    let out = run(&mut sh, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is handled by @bob"), "{out}");
    assert!(
        !out.contains("cmp:claim:1"),
        "no Claim button once claimed: {out}"
    );
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("bob")));

    // Someone else's: refused for customer service, allowed for a manager.
    let out = run(&mut cathy, "/complaint claim id:1").await;
    assert!(
        out.contains("Complaint #1 is already handled by @bob. A manager can reassign it with /complaint assign."),
        "{out}"
    );
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("bob")));
    let out = run(&mut alice, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is handled by @alice"), "{out}");
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("alice")));

    // Assign: managers only; the new handler is pinged, nobody else.
    let out = run(&mut sh, "/complaint assign id:1 user:@cathy").await;
    assert!(out.contains("Only managers can do that"), "{out}");
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("alice")));
    let out = run(&mut alice, "/complaint assign id:1 user:@dave").await;
    assert!(out.contains("Complaint #1 is handled by @dave"), "{out}");
    assert_eq!(out.lines().next(), Some("@dave"), "dave is pinged: {out}");
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("dave")));

    // The handler may resolve even outside customer service.
    let mut dave = t.shell("dave", "warehouse", "en-US").await;
    let out = run(&mut dave, "/complaint resolve id:1 outcome:reship").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    assert_eq!(complaint(&t, 1).await.status, "resolved");

    // Resolved or missing ones cannot be claimed.
    let out = run(&mut sh, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is already resolved"), "{out}");
    let out = run(&mut sh, "/complaint claim id:9").await;
    assert!(out.contains("There is no complaint #9"), "{out}");
    let out = run(&mut alice, "/complaint assign id:9 user:@bob").await;
    assert!(out.contains("There is no complaint #9"), "{out}");
}

// ---------------------------------------------------------------- resolve, reopen

#[tokio::test]
async fn resolve_needs_an_outcome_and_a_valid_amount_in_both_languages() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut en = bob(&t).await;
    let mut zh = t.shell("wang", "customer-service", "zh-CN").await;
    log(
        &mut en,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "outcome:refund",
            "A refund needs the amount paid, e.g. amount:25.00.",
            "“退款”需要填写金额",
        ),
        (
            "outcome:partial-refund",
            "A partial refund needs the amount paid",
            "“部分退款”需要填写金额",
        ),
        (
            "outcome:compensation",
            "A compensation needs the amount paid",
            "“赔偿”需要填写金额",
        ),
        (
            "outcome:refund amount:-5",
            "The amount can't be negative (-5).",
            "金额不能为负数（-5）",
        ),
        (
            "outcome:refund amount:abc",
            "\"abc\" is not an amount. Write it like 25 or 25.50 (no more than two decimals).",
            "“abc”不是金额。请写成 25 或 25.50（最多两位小数）。",
        ),
        (
            "outcome:refund amount:1.234",
            "\"1.234\" is not an amount.",
            "“1.234”不是金额",
        ),
        (
            "outcome:bogus",
            "\"bogus\" is not allowed for outcome",
            "“bogus”不是 outcome 的有效值",
        ),
        (
            "",
            "The option \"outcome\" is required",
            "缺少必填选项“outcome”",
        ),
    ];
    for (args, in_en, in_zh) in cases {
        let line = format!("/complaint resolve id:1 {args}");
        let out = run(&mut en, &line).await;
        assert!(out.contains(in_en), "en {line}: {out}");
        let out = run(&mut zh, &line).await;
        assert!(out.contains(in_zh), "zh {line}: {out}");
    }
    let c = complaint(&t, 1).await;
    assert_eq!(
        (c.status.as_str(), c.outcome, c.amount),
        ("open", None, None),
        "nothing changed"
    );

    // Someone outside customer service who does not handle it may not resolve it.
    let mut carol = t.shell("carol", "operations", "en-US").await;
    let out = run(&mut carol, "/complaint resolve id:1 outcome:explanation").await;
    assert!(out.contains("Only customer service"), "{out}");
    let mut li = t.shell("li", "design", "zh-CN").await;
    let out = run(&mut li, "/complaint resolve id:1 outcome:explanation").await;
    assert!(
        out.contains("只有客服、该投诉的处理人或经理可以这样做"),
        "{out}"
    );
    assert_eq!(complaint(&t, 1).await.status, "open");

    // Amounts as people write them.
    run(&mut en, ":advance 2h").await;
    let out = run(
        &mut en,
        "/complaint resolve id:1 outcome:partial-refund amount:¥1,299.5",
    )
    .await;
    assert!(
        out.contains("Complaint #1 resolved after 2 h")
            && out.contains("Outcome: partial refund · 1,299.50")
            && out.contains("Resolved within the limit."),
        "{out}"
    );
    let c = complaint(&t, 1).await;
    assert_eq!(c.status, "resolved");
    assert_eq!(c.outcome.as_deref(), Some("partial-refund"));
    assert_eq!(c.amount, Some(129_950));
    assert_eq!(c.resolved, Some(local("2026-11-23 11:00")));

    // No amount needed where nothing is paid.
    log(
        &mut en,
        2,
        "order:A2 platform:tmall category:damaged summary:y",
    )
    .await;
    let out = run(&mut zh, "/complaint resolve id:2 outcome:explanation").await;
    assert!(out.contains("投诉 #2 已结案"), "{out}");
    let c = complaint(&t, 2).await;
    assert_eq!(
        (c.outcome.as_deref(), c.amount),
        (Some("explanation"), None)
    );
}

#[tokio::test]
async fn resolve_and_reopen_plan_the_pings_again() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
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
    let rows = pings(&t, 1).await;
    let pending: Vec<Ping> = rows
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
    let msg = one(&out);
    assert_eq!(
        msg.title, "Complaint #1: 4 h left to handle it — x",
        "{out}"
    );
    assert_eq!(msg.mentions, "@bob");
}

// ---------------------------------------------------------------- stats

#[tokio::test]
async fn stats_over_a_fixed_dataset() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    // November (the period before December): two logged, one resolved with a refund.
    log(
        &mut sh,
        1,
        "order:N1 platform:tmall category:damaged summary:n1",
    )
    .await;
    log(
        &mut sh,
        2,
        "order:N2 platform:jd category:quality summary:n2",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    run(&mut sh, "/complaint resolve id:2 outcome:refund amount:99").await;
    // December 1st, 09:00.
    run(&mut sh, ":advance 7d23h").await;
    assert_eq!(t.clock_now(), local("2026-12-01 09:00"));
    for (id, args) in [
        (3, "order:D3 platform:tmall category:damaged summary:d3"),
        (4, "order:D4 platform:tmall category:quality summary:d4"),
        (
            5,
            "order:D5 platform:jd category:damaged summary:d5 severity:serious",
        ),
        (
            6,
            "order:D6 platform:taobao category:late-shipment summary:d6",
        ),
        (7, "order:D7 platform:tmall category:damaged summary:d7"),
        (8, "order:D8 platform:amazon category:wrong-item summary:d8"),
    ] {
        log(&mut sh, id, args).await;
    }
    // Resolved after 2 h, 5 h, 10 h, 12 h (in time) and 30 h (late); #8 stays open.
    for (step, line) in [
        ("2h", "/complaint resolve id:3 outcome:refund amount:10.50"),
        (
            "3h",
            "/complaint resolve id:4 outcome:partial-refund amount:4.5",
        ),
        (
            "5h",
            "/complaint resolve id:5 outcome:compensation amount:20",
        ),
        ("2h", "/complaint resolve id:7 outcome:exchange"),
        ("18h", "/complaint resolve id:6 outcome:explanation"),
    ] {
        run(&mut sh, &format!(":advance {step}")).await;
        let out = run(&mut sh, line).await;
        assert!(out.contains("resolved after"), "{line}: {out}");
    }
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM complaints WHERE status = 'resolved'"
        )
        .await,
        6
    );

    let out = run(&mut sh, "/complaint stats period:2026-12").await;
    for expected in [
        "Complaints, 2026-12-01 – 2026-12-31",
        "Logged: 6 (+200% vs the period before)",
        "Serious: 1",
        "Resolved: 5",
        "Within the limit: 80%",
        "Median time to resolve: 10 h",
        "90% resolved within: 1 d 6 h",
        "Refunds paid: 15.00",
        "Compensation paid: 20.00",
        "Category: damaged 3 · late shipment 1 · quality 1 · wrong item 1",
        "Platform: Tmall 3 · Amazon 1 · JD 1 · Taobao 1",
    ] {
        assert!(out.contains(expected), "{expected:?}: {out}");
    }

    let out = run(&mut sh, "/complaint stats period:2026-11").await;
    for expected in [
        "Logged: 2 (— vs the period before)",
        "Serious: 0",
        "Resolved: 1",
        "Within the limit: 100%",
        "Median time to resolve: 1 h",
        "Refunds paid: 99.00",
        "Compensation paid: 0.00",
        "Category: damaged 1 · quality 1",
        "Platform: JD 1 · Tmall 1",
    ] {
        assert!(out.contains(expected), "{expected:?}: {out}");
    }

    let mut zh = t.shell("wang", "customer-service", "zh-CN").await;
    let out = run(&mut zh, "/complaint stats period:2026-12").await;
    for expected in [
        "登记: 6 (+200% 对比上一周期)",
        "按时处理率: 80%",
        "处理时长中位数: 10 小时",
        "90% 在此时长内处理: 1 天 6 小时",
        "类别: 破损 3 · 延迟发货 1 · 质量问题 1 · 发错货 1",
        "平台: 天猫 3 · 亚马逊 1 · 京东 1 · 淘宝 1",
    ] {
        assert!(out.contains(expected), "{expected:?}: {out}");
    }

    let out = run(&mut sh, "/complaint stats period:someday").await;
    assert!(!out.contains("Logged:"), "a bad period is an error: {out}");
}

// ---------------------------------------------------------------- the limit through the outbox

#[tokio::test]
async fn an_unclaimed_complaint_warns_the_team_then_escalates_to_the_managers() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let out = log(
        &mut alice,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    assert!(
        complaint_pings(&out).is_empty(),
        "a normal complaint alerts nobody: {out}"
    );
    assert_eq!(
        plan(&pings(&t, 1).await),
        vec![
            triple("complaint:1:e1:warn", "pending", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "pending", "2026-11-24 09:00"),
        ]
    );

    let out = run(&mut alice, ":advance 19h").await;
    assert!(complaint_pings(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 59m").await;
    assert!(complaint_pings(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 1m").await;
    let warn = one(&out);
    assert_eq!(warn.target, "#shell", "{out}");
    assert_eq!(warn.mentions, "@customer-service", "{out}");
    assert_eq!(
        warn.title,
        "Complaint #1: 4 h left to handle it — Cup broken"
    );
    assert!(warn.text.contains("/press cmp:claim:1"), "{out}");

    let out = run(&mut alice, ":advance 3h59m").await;
    assert!(complaint_pings(&out).is_empty(), "{out}");
    let out = run(&mut alice, ":advance 1m").await;
    let breach = one(&out);
    assert_eq!(breach.target, "#esc", "{out}");
    assert_eq!(breach.mentions, "@manager", "{out}");
    assert_eq!(breach.title, "Complaint #1 is past its limit — Cup broken");
    assert!(breach.text.contains("past the limit"), "{out}");

    let rows = pings(&t, 1).await;
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
    assert!(complaint_pings(&out).is_empty(), "escalated once: {out}");
}

#[tokio::test]
async fn an_owned_complaint_warns_its_owner_and_escalates_with_them() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    let out = log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Cup broken\"",
    )
    .await;
    assert!(
        out.starts_with("== Complaint #1 logged"),
        "owned: the reply pings nobody: {out}"
    );
    let out = run(&mut sh, ":advance 19h59m").await;
    assert!(complaint_pings(&out).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await;
    let warn = one(&out);
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
    let breach = one(&out);
    assert_eq!(
        (breach.target.as_str(), breach.mentions.as_str()),
        ("#esc", "@bob @manager"),
        "{out}"
    );
    let rows = pings(&t, 1).await;
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
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    let out = run(&mut sh, ":advance 24h").await;
    let msgs = complaint_pings(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(msgs.iter().all(|m| m.target == "#shell"), "{out}");
}

#[tokio::test]
async fn a_serious_complaint_alerts_the_escalation_channel_at_once() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    let out = log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:\"Glass in the food\" severity:serious",
    )
    .await;
    let alert = one(&out);
    assert_eq!(alert.target, "#esc", "{out}");
    assert_eq!(alert.mentions, "@manager", "{out}");
    assert_eq!(alert.title, "Serious complaint #1 — Glass in the food");
    assert!(alert.text.contains("Severity: serious"), "{out}");
    let rows = pings(&t, 1).await;
    let serious: Vec<&Ping> = rows
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
    let msgs = complaint_pings(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(
        msgs[1].title.starts_with("Complaint #1 is past its limit"),
        "{out}"
    );

    // A normal one alerts nobody.
    let out = log(
        &mut sh,
        2,
        "order:A2 platform:tmall category:damaged summary:y severity:normal",
    )
    .await;
    assert!(complaint_pings(&out).is_empty(), "{out}");
}

#[tokio::test]
async fn resolving_cancels_the_pending_pings() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    log(
        &mut sh,
        2,
        "order:A2 platform:tmall category:damaged summary:y",
    )
    .await;
    run(&mut sh, ":advance 2h").await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:explanation").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    let rows = pings(&t, 1).await;
    assert_eq!(
        plan(&rows),
        vec![
            triple("complaint:1:e1:warn", "cancelled", "2026-11-24 05:00"),
            triple("complaint:1:e1:breach", "cancelled", "2026-11-24 09:00"),
        ]
    );
    let out = run(&mut sh, ":advance 2d").await;
    let about_1: Vec<Sent> = complaint_pings(&out)
        .into_iter()
        .filter(|s| s.title.contains("Complaint #1"))
        .collect();
    assert!(about_1.is_empty(), "{out}");
    // The other one still gets its pings.
    let about_2: Vec<Sent> = complaint_pings(&out)
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
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut alice,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    let out = run(&mut sh, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is handled by @bob"), "{out}");
    let rows = pings(&t, 1).await;
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
    let warn = one(&out);
    assert_eq!(warn.mentions, "@bob", "the new owner, not the team: {out}");

    // A manager reassigning moves the escalation to the new owner too.
    let out = run(&mut alice, "/complaint assign id:1 user:@cathy").await;
    assert!(out.contains("Complaint #1 is handled by @cathy"), "{out}");
    let rows = pings(&t, 1).await;
    let pending: Vec<Ping> = rows
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
    assert_eq!(one(&out).mentions, "@cathy @manager", "{out}");
}

// ---------------------------------------------------------------- return visit

#[tokio::test]
async fn resolving_schedules_a_return_visit_for_the_owner() {
    let t = TestApp::new().await;
    let mut alice = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
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
    let (title, note, assignee, due): (String, Option<String>, Option<i64>, i64) =
        sqlx::query_as("SELECT title, note, assignee_id, due_at FROM tasks WHERE id = 1")
            .fetch_one(&t.app.store.pool)
            .await
            .expect("task row");
    assert_eq!(title, "Return visit: order A1 (complaint #1)");
    assert_eq!(
        note.as_deref(),
        Some("Ask Mr Wang whether everything is fine now.")
    );
    assert_eq!(assignee.map(id_out), Some(uid("bob")));
    assert_eq!(from_ms(due), local("2026-11-26 11:00"));
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Return visit: order A1 (complaint #1)"),
        "{out}"
    );

    // Resolved by a manager on behalf of the owner: the visit is still the owner's.
    log(
        &mut sh,
        2,
        "order:A2 platform:tmall category:damaged summary:y",
    )
    .await;
    let out = run(&mut alice, "/complaint resolve id:2 outcome:explanation").await;
    assert!(out.contains("Return visit scheduled as task #2"), "{out}");
    let (assignee,): (Option<i64>,) = sqlx::query_as("SELECT assignee_id FROM tasks WHERE id = 2")
        .fetch_one(&t.app.store.pool)
        .await
        .expect("task row");
    assert_eq!(assignee.map(id_out), Some(uid("bob")));
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
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    log(
        &mut sh,
        1,
        "order:A1 platform:tmall category:damaged summary:x",
    )
    .await;
    let out = run(&mut sh, "/complaint resolve id:1 outcome:refund amount:10").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");
    assert!(!out.contains("Return visit"), "{out}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM tasks").await, 0);
}

// ---------------------------------------------------------------- buttons and forms

#[tokio::test]
async fn buttons_claim_and_forms_resolve_and_note() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let alice = origin(actor("alice", &[Position::Manager], "en-US"));
    let bob = origin(actor("bob", &[Position::CustomerService], "en-US"));
    let carol = origin(actor("carol", &[Position::Operations], "en-US"));
    let inv = Invocation::new("complaint log")
        .with("order", text_opt("A1"))
        .with("platform", text_opt("tmall"))
        .with("category", text_opt("damaged"))
        .with("summary", text_opt("Cup broken"));
    let r = t.app.handle(&alice, &inv).await;
    assert_eq!(
        button_ids(&r),
        vec!["cmp:claim:1", "cmp:resolve:1", "cmp:note:1"],
        "{r:?}"
    );

    // Claim: refused for another position, then the clicked message is updated.
    let r = t.app.press(&carol, "cmp:claim:1").await;
    assert!(!r.update_message && r.ephemeral, "{r:?}");
    assert!(
        r.lines.iter().any(|l| l.contains("Only customer service")),
        "{r:?}"
    );
    let r = t.app.press(&bob, "cmp:claim:1").await;
    assert!(r.update_message, "{r:?}");
    assert_eq!(
        r.title.as_deref(),
        Some(format!("Complaint #1 is handled by <@{}>", uid("bob")).as_str())
    );
    assert_eq!(button_ids(&r), vec!["cmp:resolve:1", "cmp:note:1"]);
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("bob")));

    // Resolve opens a form.
    let r = t.app.press(&bob, "cmp:resolve:1").await;
    let form = r.form.clone().expect("a form");
    assert_eq!(form.id, "cmp:resolve:1");
    assert_eq!(form.title, "Resolve complaint #1");
    let ids: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["outcome", "amount", "note"]);
    let required: Vec<bool> = form.fields.iter().map(|f| f.required).collect();
    assert_eq!(required, vec![true, false, false]);
    assert!(r.ephemeral);
    assert!(
        r.lines
            .iter()
            .any(|l| l.contains("/complaint resolve id:1 outcome:refund")),
        "platforms without forms say which command does it: {r:?}"
    );
    assert_eq!(
        complaint(&t, 1).await.status,
        "open",
        "a form changes nothing"
    );

    // Add note opens a form; submitting it adds the note.
    let r = t.app.press(&bob, "cmp:note:1").await;
    let form = r.form.clone().expect("a form");
    assert_eq!(form.id, "cmp:note:1");
    let ids: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["text"]);
    let r = t
        .app
        .submit(&bob, "cmp:note:1", &fields(&[("text", "Called the buyer")]))
        .await;
    assert_eq!(r.title.as_deref(), Some("Note added to complaint #1"));
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = 1 AND kind = 'note' AND detail = 'Called the buyer'"
        )
        .await,
        1
    );

    // Submitting the resolve form: the same checks as the command.
    let r = t
        .app
        .submit(&bob, "cmp:resolve:1", &fields(&[("outcome", "refund")]))
        .await;
    assert!(
        r.lines.iter().any(|l| l.contains("needs the amount paid")),
        "{r:?}"
    );
    let r = t
        .app
        .submit(
            &bob,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "abc")]),
        )
        .await;
    assert!(
        r.lines
            .iter()
            .any(|l| l.contains("\"abc\" is not an amount")),
        "{r:?}"
    );
    let r = t
        .app
        .submit(
            &carol,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "10")]),
        )
        .await;
    assert!(
        r.lines.iter().any(|l| l.contains("Only customer service")),
        "{r:?}"
    );
    assert_eq!(complaint(&t, 1).await.status, "open");
    let r = t
        .app
        .submit(
            &bob,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "10"), ("note", "")]),
        )
        .await;
    assert!(
        r.title
            .as_deref()
            .is_some_and(|s| s.starts_with("Complaint #1 resolved")),
        "{r:?}"
    );
    assert!(r.buttons.is_empty(), "{r:?}");
    let c = complaint(&t, 1).await;
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref(), c.amount),
        ("resolved", Some("refund"), Some(1000))
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM outbox WHERE source = 'complaint:1' AND state = 'pending'"
        )
        .await,
        0
    );

    // Pressing Claim on a resolved one is refused.
    let r = t.app.press(&bob, "cmp:claim:1").await;
    assert!(
        r.lines.iter().any(|l| l.contains("already resolved")),
        "{r:?}"
    );
}

// ---------------------------------------------------------------- concurrent writers

/// The dispatcher (and its jobs) write to the database while people click: a claim or a
/// resolve must wait for the write lock, never fail with "database is locked" because its
/// transaction read first and then found the database changed under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_and_resolves_survive_concurrent_writers() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
    let mut sh = bob(&t).await;
    const N: i64 = 15;
    for id in 1..=N {
        log(
            &mut sh,
            id,
            &format!("order:W{id} platform:tmall category:damaged summary:w{id}"),
        )
        .await;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let pool = t.app.store.pool.clone();
        tokio::spawn(async move {
            let mut n: i64 = 0;
            while !stop.load(Ordering::Relaxed) {
                sqlx::query(
                    "INSERT INTO names (guild_id, kind, id, name, updated_at) VALUES (999, 'user', ?1, 'writer', 0)",
                )
                .bind(n)
                .execute(&pool)
                .await
                .expect("the other writer waits for the lock");
                n += 1;
                tokio::task::yield_now().await;
            }
            n
        })
    };
    let alice = origin(actor("alice", &[Position::Manager], "en-US"));
    let mut failures = Vec::new();
    for id in 1..=N {
        let claim = Invocation::new("complaint claim").with("id", text_opt(&id.to_string()));
        let resolve = Invocation::new("complaint resolve")
            .with("id", text_opt(&id.to_string()))
            .with("outcome", text_opt("explanation"));
        for inv in [claim, resolve] {
            let r = t.app.handle(&alice, &inv).await;
            if r.lines.iter().any(|l| l.contains("Something went wrong")) {
                failures.push(format!("{} #{id}", inv.path_str()));
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let writes = writer.await.expect("writer");
    assert!(writes > 0);
    assert!(failures.is_empty(), "storage failures: {failures:?}");
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM complaints WHERE status = 'resolved'"
        )
        .await,
        N
    );
}

// ---------------------------------------------------------------- typed mentions

#[tokio::test]
async fn typed_mentions_ping_nobody() {
    let t = TestApp::new().await;
    let _boss = boss(&t).await;
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
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT dedupe_key, payload FROM outbox WHERE source LIKE 'complaint%'")
            .fetch_all(&t.app.store.pool)
            .await
            .expect("rows");
    assert!(rows.len() >= 7, "{rows:#?}");
    let allowed_users = [uid("bob")];
    let allowed_roles = [role("customer-service"), role("manager")];
    for (key, payload) in &rows {
        let reply: Reply = serde_json::from_str(payload).expect("reply");
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
    let serious: Vec<&(String, String)> = rows
        .iter()
        .filter(|(k, _)| k == "complaint:3:serious")
        .collect();
    assert_eq!(serious.len(), 1);
    let reply: Reply = serde_json::from_str(&serious[0].1).expect("reply");
    assert_eq!(reply.mentions, Mentions::role(role("manager")));
}

// ---------------------------------------------------------------- fake Discord

fn component_ids(m: &Value) -> Vec<String> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_discord_log_escalate_and_resolve_by_form() {
    let e = E2e::start().await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let fx = e.fake.fixture().clone();
    let (cs_role, manager_role) = (fx.role_id("customer-service"), fx.role_id("manager"));
    let (general, esc) = (e.channel("general"), e.channel("escalations"));
    for opts in [
        // `position` is a choice list: Discord sends the chosen choice's value.
        vec![
            choice(&["setup"], "position", "customer-service"),
            opt_role("role", cs_role),
        ],
        vec![
            choice(&["setup"], "position", "manager"),
            opt_role("role", manager_role),
        ],
        vec![opt_channel("escalation-channel", esc)],
    ] {
        let r = e
            .fake
            .user(alice)
            .locale("en-US")
            .slash("setup", None, opts)
            .await
            .response()
            .await;
        assert!(embed_text(&r).contains("Settings saved"), "{r:#}");
    }

    // bob, customer service, logs in Chinese with Chinese labels.
    let r = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .channel(general)
        .slash(
            "complaint",
            Some("log"),
            vec![
                opt_str("order", "A1"),
                opt_str("platform", "天猫"),
                opt_str("category", "破损"),
                opt_str("summary", "杯子碎了 @everyone"),
            ],
        )
        .await
        .response()
        .await;
    let text = embed_text(&r);
    assert!(text.contains("投诉 #1 已登记（订单 A1）"), "{r:#}");
    assert!(text.contains("天猫") && text.contains("破损"), "{r:#}");
    let row: (String, String, Option<i64>, String) =
        sqlx::query_as("SELECT platform, category, owner_id, status FROM complaints WHERE id = 1")
            .fetch_one(&e.t.app.store.pool)
            .await
            .expect("complaint");
    assert_eq!(
        (
            row.0.as_str(),
            row.1.as_str(),
            row.2.map(id_out),
            row.3.as_str()
        ),
        ("tmall", "damaged", Some(bob), "open")
    );

    // The warning 4 h before the limit, to bob in the channel it was logged in.
    e.t.clock.advance(Duration::hours(20));
    let warn = e
        .fake
        .wait_message(
            general,
            |m| embed_text(m).contains("投诉 #1：距处理期限还剩 4 小时"),
            PATIENCE,
        )
        .await
        .expect("the warning is posted");
    assert_eq!(
        warn["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{warn:#}"
    );

    // At the limit: the escalation channel, pinging the manager role (and bob).
    e.t.clock.advance(Duration::hours(4));
    let breach = e
        .fake
        .wait_message(
            esc,
            |m| embed_text(m).contains("投诉 #1 已超过处理期限"),
            PATIENCE,
        )
        .await
        .expect("the escalation is posted");
    assert_eq!(
        breach["allowed_mentions"]["roles"],
        serde_json::json!([manager_role.to_string()]),
        "{breach:#}"
    );
    assert_eq!(
        breach["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{breach:#}"
    );
    assert!(
        breach["allowed_mentions"]["parse"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "typed text pings nobody: {breach:#}"
    );
    let ids = component_ids(&breach);
    assert!(ids.contains(&"cmp:resolve:1".to_string()), "{breach:#}");
    let mid: u64 = breach["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("message id");

    // Resolve: a modal, then the form resolves it.
    let h = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .click(esc, mid, "cmp:resolve:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(9), "MODAL: {r:#}");
    assert_eq!(
        r["data"]["custom_id"].as_str(),
        Some("cmp:resolve:1"),
        "{r:#}"
    );
    let inputs = component_ids(&r["data"]);
    assert_eq!(inputs, vec!["outcome", "amount", "note"], "{r:#}");

    let h = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .channel(esc)
        .submit_modal(
            "cmp:resolve:1",
            vec![("outcome", "refund"), ("amount", "10")],
        )
        .await;
    let r = h.response().await;
    assert!(embed_text(&r).contains("投诉 #1 已结案"), "{r:#}");
    let row: (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT status, outcome, amount_cents FROM complaints WHERE id = 1")
            .fetch_one(&e.t.app.store.pool)
            .await
            .expect("complaint");
    assert_eq!(
        (row.0.as_str(), row.1.as_deref(), row.2),
        ("resolved", Some("refund"), Some(1000))
    );
    let (pending,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM outbox WHERE source = 'complaint:1' AND state = 'pending'",
    )
    .fetch_one(&e.t.app.store.pool)
    .await
    .expect("count");
    assert_eq!(pending, 0);
    let (visits,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tasks WHERE assignee_id = ?1")
        .bind(storeops::store::id_in(bob))
        .fetch_one(&e.t.app.store.pool)
        .await
        .expect("count");
    assert_eq!(visits, 1, "the return visit is bob's");
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}
