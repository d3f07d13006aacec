//! `/complaint stats` over a fixed dataset: counts, the share within the limit, resolve times,
//! money paid, and the breakdowns by category and platform, in both languages.

use crate::support::TestApp;
use crate::support::shell::{bob, boss_with_escalation, log_complaint, run};
use crate::support::store::count;
use crate::support::time::local;

#[tokio::test]
async fn stats_over_a_fixed_dataset() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let mut sh = bob(&t).await;
    // November (the period before December): two logged, one resolved with a refund.
    log_complaint(
        &mut sh,
        1,
        "order:N1 platform:tmall category:damaged summary:n1",
    )
    .await;
    log_complaint(
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
        log_complaint(&mut sh, id, args).await;
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
        "Refunds paid: 15.00 CNY",
        "Compensation paid: 20.00 CNY",
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
        "Refunds paid: 99.00 CNY",
        "Compensation paid: —",
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

/// Complaint money is in the currency of the shops on the complaint's platform (else the
/// server's default), never added across currencies; a reopened complaint keeps what was paid,
/// and a second payment after the reopen is added once.
#[tokio::test]
async fn complaint_money_is_per_currency_and_survives_a_reopen() {
    let t = TestApp::new().await;
    let mut boss = boss_with_escalation(&t).await;
    for line in [
        "/data shop name:Tmall platform:tmall currency:CNY",
        "/data shop name:Amazon platform:amazon currency:USD",
    ] {
        assert!(run(&mut boss, line).await.contains("added"), "{line}");
    }
    let mut sh = bob(&t).await;
    log_complaint(
        &mut sh,
        1,
        "order:T1 platform:tmall category:damaged summary:t1",
    )
    .await;
    log_complaint(
        &mut sh,
        2,
        "order:A2 platform:amazon category:damaged summary:a2",
    )
    .await;
    log_complaint(
        &mut sh,
        3,
        "order:J3 platform:jd category:damaged summary:j3",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    for line in [
        "/complaint resolve id:1 outcome:refund amount:30",
        "/complaint resolve id:2 outcome:refund amount:12.50",
        // No JD shop, and the shops disagree: the server's default currency (CNY).
        "/complaint resolve id:3 outcome:compensation amount:8",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("resolved after"), "{line}: {out}");
    }
    let out = run(&mut sh, "/complaint stats period:2026-11").await;
    assert!(out.contains("Refunds paid: 30.00 CNY · 12.50 USD"), "{out}");
    assert!(out.contains("Compensation paid: 8.00 CNY"), "{out}");

    // Reopened: the 30.00 already paid stays; a further 5.00 is added once.
    let out = run(&mut sh, "/complaint reopen id:1").await;
    assert!(out.contains("is open again"), "{out}");
    let out = run(&mut sh, "/complaint stats period:2026-11").await;
    assert!(out.contains("Refunds paid: 30.00 CNY · 12.50 USD"), "{out}");
    run(&mut sh, ":advance 1h").await;
    run(
        &mut sh,
        "/complaint resolve id:1 outcome:partial-refund amount:5",
    )
    .await;
    let out = run(&mut sh, "/complaint stats period:2026-11").await;
    assert!(out.contains("Refunds paid: 35.00 CNY · 12.50 USD"), "{out}");
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM complaint_payments").await,
        4
    );
}
