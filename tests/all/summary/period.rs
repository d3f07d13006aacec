//! `/summary weekly` and `/summary monthly` over the fixture: totals, averages (rounded to the
//! cent), best and worst day.

use crate::support::TestApp;
use crate::support::figures::{field, fixture};
use crate::support::shell::{boss_with_summary_channel, run};

/// The week of the 16th: per-day totals 32,800 · 32,340 · 39,600 · 36,510 · 37,920 · 37,500 ·
/// 38,000 = 254,670; best the 18th, worst the 17th; 37,100 visitors, 1,059 paying.
#[tokio::test]
async fn weekly_summary_totals_average_best_and_worst_day() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary weekly").await;
    assert!(
        out.contains("== Weekly summary — 2026-11-16 to 2026-11-22 =="),
        "{out}"
    );
    for (name, value) in [
        ("Amount paid", "254,670.00 CNY"),
        ("Visitors", "37,100"),
        ("Buyers who paid", "1,059"),
        ("Refunds", "2,000.00 CNY"),
        ("Ad spend", "7,000.00 CNY"),
        ("Best day", "2026-11-18 · 39,600.00 CNY"),
        ("Worst day", "2026-11-17 · 32,340.00 CNY"),
        ("Conversion", "2.85%"),           // 1,059 / 37,100
        ("Average order value", "240.48"), // 254,670 / 1,059
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }
    // 254,670 / 7 = 36,381.43 (see the rounding test for the last cent).
    assert!(
        field(&out, "Daily average paid").starts_with("36,381.4"),
        "{out}"
    );
    let same = run(&mut sh, "/summary weekly date:2026-11-19").await;
    assert_eq!(same, out);
}

/// BUG (src/app/cmd/summary.rs `period`): the daily average truncates (`m.0 / days`):
/// 254,670.00 / 7 = 36,381.428… shows 36,381.42. Round to the nearest cent.
#[tokio::test]
async fn the_daily_average_is_rounded_to_the_cent() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary weekly").await;
    assert_eq!(
        field(&out, "Daily average paid"),
        "36,381.43 CNY (over 7 days with figures)",
        "{out}"
    );
}

/// November: per-day totals 36,600 (15th) … 38,000 (22nd), 291,270 in all.
#[tokio::test]
async fn monthly_summary_totals_best_and_worst_day() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary monthly month:2026-11").await;
    assert!(out.contains("== Monthly summary — 2026-11 =="), "{out}");
    for (name, value) in [
        ("Amount paid", "291,270.00 CNY"),
        ("Visitors", "41,700"),       // 37,100 + 3,000 + 1,600
        ("Buyers who paid", "1,197"), // 1,059 + 90 + 48
        ("Best day", "2026-11-18 · 39,600.00 CNY"),
        ("Worst day", "2026-11-17 · 32,340.00 CNY"),
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }
    let out = run(&mut sh, "/summary monthly month:2026-10").await;
    assert!(out.contains("No figures for this period"), "{out}");
    let out = run(&mut sh, "/summary monthly month:2026-13").await;
    assert!(out.contains("\"2026-13\" is not a month"), "{out}");
}
