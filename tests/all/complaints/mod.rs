//! Complaints: `/complaint log` (keys and Chinese labels, the same order linked, unknown
//! choices listed), claim and assign with their permissions, resolve and its amounts in both
//! languages, and claims and resolves that survive another writer. The other files: `view`
//! (lists, pages, history), `pings` (the 24-hour limit through the outbox, the return visit,
//! typed mentions), `stats`, `buttons` (and forms), and `discord` (one flow through the fake
//! Discord). Schedules are driven by the manual clock only.

mod buttons;
mod discord;
mod pings;
mod stats;
mod view;
mod visibility;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use storeops::app::Invocation;
use storeops::domain::position::Position;

use crate::support::TestApp;
use crate::support::core::{actor, origin, text_opt};
use crate::support::shell::{bob, boss_with_escalation, log_complaint, log_damaged, run, uid};
use crate::support::store::{complaint, count};
use crate::support::time::local;

#[tokio::test]
async fn log_reads_keys_and_chinese_labels_and_links_the_same_order() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;

    let out = log_complaint(
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
    let out = log_complaint(
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
    log_complaint(
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
    log_complaint(
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
    let out = log_complaint(
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
    let _boss = boss_with_escalation(&t).await;
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
        out.contains("“拼多多”不是这里的平台。可选：天猫、淘宝"),
        "{out}"
    );
    let out = run(
        &mut zh,
        "/complaint log order:A1 platform:天猫 category:太臭 summary:x",
    )
    .await;
    assert!(
        out.contains("“太臭”不是投诉类别。可选：描述不符、质量问题"),
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

#[tokio::test]
async fn claim_and_assign_permissions() {
    let t = TestApp::new().await;
    let mut alice = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    let mut cathy = t.shell("cathy", "customer-service", "en-US").await;
    let mut carol = t.shell("carol", "operations", "en-US").await;
    let out = log_damaged(&mut alice, 1, "A1", "x").await;
    assert!(
        out.contains("/press cmp:claim:1"),
        "unclaimed: a Claim button: {out}"
    );
    assert_eq!(complaint(&t, 1).await.owner, None);

    // Another position may not claim.
    let out = run(&mut carol, "/complaint claim id:1").await;
    assert!(
        out.contains("Only customer service or managers may do this."),
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

    // Assign: the handler or a manager (#21); the new handler is pinged, nobody else.
    let out = run(&mut sh, "/complaint assign id:1 user:@cathy").await;
    assert!(
        out.contains("the complaint's handler or a manager may do this"),
        "{out}"
    );
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
    // ... and hand it on, once reopened; then the new handler has it, the old one no more.
    let out = run(&mut dave, "/complaint reopen id:1").await;
    assert!(out.contains("#1"), "{out}");
    let out = run(&mut dave, "/complaint assign id:1 user:@cathy").await;
    assert!(out.contains("Complaint #1 is handled by @cathy"), "{out}");
    let out = run(&mut dave, "/complaint resolve id:1 outcome:reship").await;
    assert!(
        out.contains("the complaint's handler or a manager"),
        "{out}"
    );
    let out = run(&mut cathy, "/complaint resolve id:1 outcome:reship").await;
    assert!(out.contains("Complaint #1 resolved"), "{out}");

    // Resolved or missing ones cannot be claimed.
    let out = run(&mut sh, "/complaint claim id:1").await;
    assert!(out.contains("Complaint #1 is already resolved"), "{out}");
    let out = run(&mut sh, "/complaint claim id:9").await;
    assert!(out.contains("There is no complaint #9"), "{out}");
    let out = run(&mut alice, "/complaint assign id:9 user:@bob").await;
    assert!(out.contains("There is no complaint #9"), "{out}");
}

#[tokio::test]
async fn resolve_needs_an_outcome_and_a_valid_amount_in_both_languages() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut en = bob(&t).await;
    let mut zh = t.shell("wang", "customer-service", "zh-CN").await;
    log_damaged(&mut en, 1, "A1", "x").await;
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
            "amount can't be negative (-5).",
            "金额 不能为负数（-5）",
        ),
        (
            "outcome:refund amount:abc",
            "amount: \"abc\" is not a number. Write it like 12,345.67.",
            "金额：“abc”不是数字。请写成 12,345.67 这样。",
        ),
        (
            "outcome:refund amount:1.234",
            "\"1.234\" has too many decimals (at most 2)",
            "“1.234”小数位太多（最多 2 位）",
        ),
        (
            "outcome:bogus",
            "\"bogus\" is not allowed for outcome",
            "“bogus”不是 结果 的有效值",
        ),
        (
            "",
            "The option \"outcome\" is required",
            "缺少必填选项“结果”",
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
        out.contains("只有客服（投诉尚无人处理时）、投诉的处理人或经理可以这样做"),
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
    log_damaged(&mut en, 2, "A2", "y").await;
    // The one who logged it handles it; handed to wang, wang resolves it.
    run(&mut en, "/complaint assign id:2 user:@wang").await;
    let out = run(&mut zh, "/complaint resolve id:2 outcome:explanation").await;
    assert!(out.contains("投诉 #2 已结案"), "{out}");
    let c = complaint(&t, 2).await;
    assert_eq!(
        (c.outcome.as_deref(), c.amount),
        (Some("explanation"), None)
    );
}

/// The dispatcher (and its jobs) write to the database while people click: a claim or a
/// resolve must wait for the write lock, never fail with "database is locked" because its
/// transaction read first and then found the database changed under it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_and_resolves_survive_concurrent_writers() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    const N: i64 = 15;
    for id in 1..=N {
        log_complaint(
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
