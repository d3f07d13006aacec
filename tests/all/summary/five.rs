//! The morning summary of five shops (four in yuan, one in dollars that reports orders but not
//! buyers), two weeks of deterministic figures, targets, an overdue task, a task due today and
//! a complaint past its limit: line for line against golden files in both languages, and it
//! fits one phone screen (at most 25 lines besides the chart).

use super::{golden, normalise_attachment};
use crate::support::TestApp;
use crate::support::shell::{boss_with_summary_channel, run};

/// (name, platform, currency, target in major units) of the five shops.
const SHOPS: [(&str, &str, &str, Option<u32>); 5] = [
    ("Tmall", "tmall", "CNY", Some(900_000)),
    ("JD", "jd", "CNY", Some(300_000)),
    ("Pinduoduo", "pdd", "CNY", None),
    ("Douyin", "douyin", "CNY", Some(150_000)),
    ("Amazon", "amazon", "USD", Some(90_000)),
];

/// The figures typed for shop `k` on day `i` (0 = 2026-11-10, 13 = 2026-11-23, a Monday).
fn figures(k: usize, i: u32) -> String {
    let base = [30_000u32, 9_000, 6_000, 4_000, 1_200][k];
    let wave = [0u32, 900, 300, 1_500, 600, 2_100, 1_200][(i % 7) as usize];
    let mut paid = base + wave * (k as u32 + 1) / 2 + i * 37;
    let uv = paid / 8 + 500;
    let buyers = paid / 250;
    if k == 1 && i == 13 {
        paid = paid * 64 / 100; // JD: down 36 % on the week
    }
    match k {
        // Amazon: orders, no buyers.
        4 => format!("uv:{uv} paid-orders:{} paid-amount:{paid}", paid / 40),
        // Douyin: refunds and ad spend high (refund rate and ROI alerts).
        3 => format!(
            "uv:{uv} paying-buyers:{buyers} paid-amount:{paid} refund-amount:{} ad-spend:{}",
            paid / 12,
            paid / 2
        ),
        _ => format!(
            "uv:{uv} paying-buyers:{buyers} paid-amount:{paid} ad-spend:{}",
            paid / 6
        ),
    }
}

#[tokio::test]
async fn the_five_shop_morning_summary_matches_the_golden_files_and_fits_a_phone() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    for (k, (name, platform, currency, target)) in SHOPS.iter().enumerate() {
        let out = run(
            &mut sh,
            &format!("/data shop name:{name} platform:{platform} currency:{currency}"),
        )
        .await;
        assert!(out.contains("added"), "{out}");
        if let Some(t) = target {
            let out = run(
                &mut sh,
                &format!("/data target shop:{name} amount:{t} month:2026-11"),
            )
            .await;
            assert!(out.contains("Target for"), "{out}");
        }
        for i in 0..14u32 {
            // Pinduoduo has not reported the 23rd.
            if k == 2 && i == 13 {
                continue;
            }
            let line = format!(
                "/data enter shop:{name} date:2026-11-{:02} {} confirm:true",
                10 + i,
                figures(k, i)
            );
            let out = run(&mut sh, &line).await;
            assert!(out.contains("saved"), "{line}\n{out}");
        }
    }
    // Logged on Monday 09:00, handled by bob: past its 24 h limit by Tuesday.
    for line in [
        "/complaint log order:2026112312345 platform:tmall category:damaged summary:\"Cup arrived broken\" severity:normal",
        "/complaint assign id:1 user:@bob",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("#1"), "{line}\n{out}");
    }
    run(&mut sh, ":advance 26h").await;
    // Tuesday 11:00: a task due at 18:00 and one due at 12:00, overdue by 13:00.
    for line in [
        "/task assign title:\"Send the restock sheet\" due:\"today 18:00\" position:warehouse",
        "/task assign title:\"Reply to reviews\" due:\"in 1h\" user:@carol",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("#1") || out.contains("#2"), "{line}\n{out}");
    }
    run(&mut sh, ":advance 2h").await;
    let en = run(&mut sh, "/summary now date:2026-11-23").await;
    let lines = en.lines().filter(|l| !l.starts_with("[attachment")).count();
    assert!(lines <= 25, "{lines} lines:\n{en}");
    golden("summary-five-en-US.txt", &normalise_attachment(&en));
    let chart = t
        .dir
        .path()
        .join("attachments")
        .join("trend-2026-11-23.png");
    let keep = |lang: &str| {
        // STOREOPS_CHART_OUT=DIR keeps the charts to look at.
        if let Some(dir) = std::env::var_os("STOREOPS_CHART_OUT") {
            let to = std::path::Path::new(&dir).join(format!("five-{lang}.png"));
            std::fs::copy(&chart, to).expect("copy the chart");
        }
    };
    keep("en-US");
    let mut li = t.shell("li", "operations", "zh-CN").await;
    let zh = run(&mut li, "/summary now date:2026-11-23").await;
    golden("summary-five-zh-CN.txt", &normalise_attachment(&zh));
    keep("zh-CN");
}
