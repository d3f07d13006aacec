//! The daily-data fixture the data and summary tests share: two shops with a week of figures
//! (hand-computed results are in the tests that use it), and reading one figure back out of
//! what `/data show` or a summary printed.

use storeops::adapters::shell::Shell;

use super::TestApp;
use super::shell::{boss_with_summary_channel, run};

/// The title every morning summary starts with.
pub const MORNING: &str = "Morning summary — ";

/// The value printed after `name: ` on a line of its own (`Conversion: 3.00%` -> `3.00%`).
pub fn field(out: &str, name: &str) -> String {
    let prefix = format!("{name}: ");
    let found: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .collect();
    assert_eq!(found.len(), 1, "one line \"{name}: …\" expected in:\n{out}");
    found[0].to_string()
}

/// Two shops with eight days each (2026-11-15 … 2026-11-22; the 22nd has every figure), a
/// November target for Tmall. Hand-computed figures are in the tests that use it.
pub const FIXTURE: &[&str] = &[
    "/data shop name:Tmall platform:tmall currency:CNY",
    "/data shop name:JD platform:jd currency:CNY",
    "/data target shop:Tmall amount:900000 month:2026-11",
    "/data enter shop:Tmall date:2026-11-15 uv:3000 ordering-buyers:110 paying-buyers:90 paid-amount:27000",
    "/data enter shop:Tmall date:2026-11-16 uv:3200 ordering-buyers:116 paying-buyers:96 paid-amount:25600",
    "/data enter shop:Tmall date:2026-11-17 uv:3100 ordering-buyers:113 paying-buyers:93 paid-amount:24180",
    "/data enter shop:Tmall date:2026-11-18 uv:3300 ordering-buyers:119 paying-buyers:99 paid-amount:29700",
    "/data enter shop:Tmall date:2026-11-19 uv:3500 ordering-buyers:125 paying-buyers:105 paid-amount:26250",
    "/data enter shop:Tmall date:2026-11-20 uv:3400 ordering-buyers:122 paying-buyers:102 paid-amount:31620",
    "/data enter shop:Tmall date:2026-11-21 uv:3600 ordering-buyers:134 paying-buyers:114 paid-amount:28500",
    "/data enter shop:Tmall date:2026-11-22 pv:12000 uv:4000 ordering-buyers:150 order-amount:33000 paying-buyers:120 paid-amount:30000 paid-orders:130 refund-amount:1800 refund-orders:6 inquiries:80 inquiries-paid:20 ad-spend:4000 ad-sales:16000 shipping-cost:1000 discount-cost:2500",
    "/data enter shop:JD date:2026-11-15 uv:1600 ordering-buyers:58 paying-buyers:48 paid-amount:9600",
    "/data enter shop:JD date:2026-11-16 uv:1500 ordering-buyers:55 paying-buyers:45 paid-amount:7200",
    "/data enter shop:JD date:2026-11-17 uv:1700 ordering-buyers:61 paying-buyers:51 paid-amount:8160",
    "/data enter shop:JD date:2026-11-18 uv:1800 ordering-buyers:55 paying-buyers:45 paid-amount:9900",
    "/data enter shop:JD date:2026-11-19 uv:1900 ordering-buyers:67 paying-buyers:57 paid-amount:10260",
    "/data enter shop:JD date:2026-11-20 uv:2100 ordering-buyers:52 paying-buyers:42 paid-amount:6300",
    "/data enter shop:JD date:2026-11-21 uv:2000 ordering-buyers:60 paying-buyers:50 paid-amount:9000",
    "/data enter shop:JD date:2026-11-22 pv:5000 uv:2000 ordering-buyers:50 order-amount:9000 paying-buyers:40 paid-amount:8000 refund-amount:200 ad-spend:3000 ad-sales:6000",
];

/// Types [`FIXTURE`] (as alice, who may do all of it) and checks every line was taken.
pub async fn fixture(sh: &mut Shell) {
    for line in FIXTURE {
        let out = run(sh, line).await;
        assert!(
            out.contains("added") || out.contains("saved") || out.contains("Target for"),
            "{line}\n{out}"
        );
    }
}

/// The fixture, a task due today at 18:00, a task that became overdue at 10:00, an open
/// complaint; the clock then stands at Monday 2026-11-23 11:00.
pub async fn summary_fixture(t: &TestApp) -> Shell {
    let mut sh = boss_with_summary_channel(t).await;
    fixture(&mut sh).await;
    for line in [
        "/task assign title:\"Send the restock sheet\" due:\"today 18:00\" position:operations",
        "/task assign title:\"Reply to reviews\" due:\"in 1h\" user:@carol",
        "/complaint log order:2026112212345 platform:tmall category:damaged summary:\"Cup arrived broken\" severity:normal",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("#1") || out.contains("#2"), "{line}\n{out}");
    }
    run(&mut sh, ":advance 2h").await;
    sh
}
