//! Daily data: the formulas as `/data show` prints them (hand-computed fixtures), and every
//! `/data` subcommand (shop, enter, show, target) with its refusals. The summaries built from
//! the figures are in `summary/`; `/data import` through the fake Discord is in
//! `discord/import.rs`, reading files in `import.rs`.

use storeops::adapters::shell::shell_id;
use storeops::domain::metrics::DayFigures;
use storeops::domain::money::Money;
use storeops::store::data;

use crate::support::TestApp;
use crate::support::figures::{MORNING, field, fixture};
use crate::support::shell::{boss_with_summary_channel, run};
use crate::support::store::shop_id;
use crate::support::time::date;

/// A day's figures of `shop` as stored (`None`: nothing entered).
async fn stored(t: &TestApp, shop: &str, day: &str) -> Option<DayFigures> {
    let id = shop_id(t, shop).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::day(&mut conn, id, date(day)).await.expect("day")
}

/// Every change of a day's figures of `shop`, newest first.
async fn history(t: &TestApp, shop: &str, day: &str) -> Vec<data::Change> {
    let id = shop_id(t, shop).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::day_changes(&mut conn, id, date(day))
        .await
        .expect("history")
}

/// One day with every figure; the rates by hand:
/// payment 50 / 80 = 62.50%; conversion 50 / 2,500 = 2.00%; AOV 12,345.67 / 50 = 246.9134;
/// per visitor 12,345.67 / 2,500 = 4.938268; refunds 1,234.57 / 12,345.67 = 10.00002%;
/// inquiries 45 / 120 = 37.50%; ROAS 4,950 / 1,500 = 3.30; ROI 12,345.67 / (1,500 + 300 + 700)
/// = 4.938268 -> good.
#[tokio::test]
async fn show_prints_every_rate_computed_by_hand() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Lab currency:CNY").await;
    let out = run(&mut sh, "/data enter shop:Lab date:2026-11-20 pv:9000 uv:2,500 ordering-buyers:80 order-amount:13000 paying-buyers:50 paid-amount:¥12,345.67 paid-orders:55 refund-amount:1234.57 refund-orders:3 inquiries:120 inquiries-paid:45 ad-spend:1500 ad-sales:4950 shipping-cost:300 discount-cost:700").await;
    assert!(out.contains("Lab, 2026-11-20: figures saved"), "{out}");
    let out = run(&mut sh, "/data show shop:Lab date:2026-11-20").await;
    assert!(out.contains("== Lab · 2026-11-20 =="), "{out}");
    for (name, value) in [
        ("Page views", "9,000"),
        ("Visitors", "2,500"),
        ("Amount paid", "12,345.67 CNY"),
        ("Refunds", "1,234.57 CNY"),
        ("Payment rate", "62.50%"),
        ("Conversion", "2.00%"),
        ("Average order value", "246.91"),
        ("Value per visitor", "4.94"),
        ("Refund rate", "10.00%"),
        ("Inquiry conversion", "37.50%"),
        ("Ad ROAS", "3.30"),
        ("Store ROI", "1:4.94 (good)"),
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }
}

/// Zero (and missing) denominators show "—", never NaN or infinity.
#[tokio::test]
async fn zero_denominators_show_a_dash() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Lab currency:CNY").await;
    let out = run(&mut sh, "/data enter shop:Lab date:2026-11-20 uv:0 ordering-buyers:0 paying-buyers:0 paid-amount:0 refund-amount:0 inquiries:0 inquiries-paid:0 ad-spend:0 ad-sales:0 shipping-cost:0 discount-cost:0").await;
    assert!(out.contains("figures saved"), "{out}");
    // Money without a cost base: paid but nothing spent.
    run(&mut sh, "/data enter shop:Lab date:2026-11-21 uv:0 paying-buyers:0 paid-amount:500 ad-spend:0 ad-sales:80").await;
    for day in ["2026-11-20", "2026-11-21"] {
        let out = run(&mut sh, &format!("/data show shop:Lab date:{day}")).await;
        for name in [
            "Payment rate",
            "Conversion",
            "Value per visitor",
            "Inquiry conversion",
            "Ad ROAS",
            "Store ROI",
        ] {
            assert_eq!(field(&out, name), "—", "{name} on {day}\n{out}");
        }
        let lower = out.to_lowercase();
        assert!(!lower.contains("nan") && !lower.contains("inf"), "{out}");
    }
    let out = run(&mut sh, "/data show shop:Lab date:2026-11-20").await;
    assert_eq!(field(&out, "Average order value"), "—", "{out}");
    assert_eq!(field(&out, "Refund rate"), "—", "{out}");
    // The summary of such a day has no NaN either.
    let out = run(&mut sh, "/summary now date:2026-11-20").await;
    let lower = out.to_lowercase();
    assert!(
        out.contains(MORNING) && !lower.contains("nan") && !lower.contains("inf"),
        "{out}"
    );
}

/// Store ROI = paid ÷ (ad spend + free shipping + discounts), graded at 1:3, 1:4 and 1:5.
#[tokio::test]
async fn roi_grades_at_their_boundaries() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Lab currency:CNY").await;
    for (day, line, shown) in [
        (
            "2026-11-10",
            "paid-amount:299 ad-spend:100",
            "1:2.99 (failing)",
        ),
        (
            "2026-11-11",
            "paid-amount:300 ad-spend:100",
            "1:3.00 (pass)",
        ),
        (
            "2026-11-12",
            "paid-amount:399.99 ad-spend:100",
            // 3.9999 is graded pass, so it is shown rounded down: it must not read as 1:4.00.
            "1:3.99 (pass)",
        ),
        (
            "2026-11-13",
            "paid-amount:400 ad-spend:60 shipping-cost:25 discount-cost:15",
            "1:4.00 (good)",
        ),
        (
            "2026-11-14",
            "paid-amount:500 ad-spend:100",
            "1:5.00 (excellent)",
        ),
        (
            "2026-11-15",
            "paid-amount:750 discount-cost:100",
            "1:7.50 (excellent)",
        ),
    ] {
        let out = run(&mut sh, &format!("/data enter shop:Lab date:{day} {line}")).await;
        assert!(out.contains("figures saved"), "{out}");
        let out = run(&mut sh, &format!("/data show shop:Lab date:{day}")).await;
        assert_eq!(field(&out, "Store ROI"), shown, "{day}\n{out}");
    }
}

/// BUG (src/app/cmd/data.rs `roi_text`): the ratio is rounded for display but graded unrounded,
/// so 299.99 on a cost of 100 reads "1:3.00 (failing)". The figure shown and its grade must agree.
#[tokio::test]
async fn the_roi_shown_agrees_with_its_grade() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Lab currency:CNY").await;
    run(
        &mut sh,
        "/data enter shop:Lab date:2026-11-10 paid-amount:299.99 ad-spend:100",
    )
    .await;
    let out = run(&mut sh, "/data show shop:Lab date:2026-11-10").await;
    let roi = field(&out, "Store ROI");
    assert!(roi.ends_with("(failing)"), "{out}");
    assert_ne!(
        roi, "1:3.00 (failing)",
        "a failing ROI must not read 1:3.00"
    );
}

#[tokio::test]
async fn shops_are_added_by_managers_with_a_unique_name_and_a_currency_code() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    let out = run(&mut sh, "/data show").await;
    assert!(out.contains("No shops yet"), "{out}");
    let out = run(
        &mut sh,
        "/data shop name:\"Tmall flagship\" platform:Tmall currency:cny",
    )
    .await;
    assert!(
        out.contains("Shop Tmall flagship added (tmall, CNY)"),
        "{out}"
    );
    let out = run(&mut sh, "/data shop name:\"Tmall flagship\" currency:USD").await;
    assert!(
        out.contains("already a shop called Tmall flagship"),
        "{out}"
    );
    for bad in ["usd1", "dollars", "¥", "U$D"] {
        let out = run(&mut sh, &format!("/data shop name:Other currency:{bad}")).await;
        assert!(out.contains("is not a currency code"), "{bad}: {out}");
    }
    let mut ops = t.shell("olga", "operations", "en-US").await;
    let out = run(&mut ops, "/data shop name:Sneaky").await;
    assert!(out.contains("Only managers"), "{out}");
    // Listing is for everyone.
    let out = run(&mut ops, "/data shop").await;
    assert!(out.contains("**Tmall flagship** · tmall · CNY"), "{out}");
    assert!(!out.contains("Other") && !out.contains("Sneaky"), "{out}");
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    assert_eq!(data::shops(&mut conn, 1).await.expect("shops").len(), 1);
}

/// BUG (src/store/data.rs `add_shop` + migrations/20261123000005_daily_data.sql): shops are
/// looked up case-insensitively (`find_shop`) but the name is unique case-sensitively, so "tmall"
/// is added next to "Tmall" and can never be addressed (shop:tmall finds "Tmall").
#[tokio::test]
async fn shop_names_differing_only_in_case_are_duplicates() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    let out = run(&mut sh, "/data shop name:tmall").await;
    assert!(out.contains("already a shop called"), "{out}");
}

#[tokio::test]
async fn entering_defaults_to_yesterday_and_reentering_replaces_only_the_given_figures() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    let mut carol = t.shell("carol", "operations", "en-US").await;
    // The only shop needs no shop:, the default day is yesterday (2026-11-22 on Monday 23rd).
    let out = run(&mut carol, "/data enter uv:4000 paid-amount:30000").await;
    assert!(out.contains("Tmall, 2026-11-22: figures saved"), "{out}");
    let first = stored(&t, "Tmall", "2026-11-22").await.expect("stored");
    assert_eq!(
        (first.uv, first.paid_amount, first.pv),
        (Some(4000), Some(Money(3_000_000)), None)
    );

    let out = run(
        &mut carol,
        "/data enter shop:tmall date:2026-11-22 paid-amount:31,000.50 pv:9000",
    )
    .await;
    assert!(out.contains("figures replaced"), "{out}");
    let second = stored(&t, "Tmall", "2026-11-22").await.expect("stored");
    assert_eq!(
        (second.uv, second.paid_amount, second.pv),
        (Some(4000), Some(Money(3_100_050)), Some(9000)),
        "uv is kept, the rest replaced"
    );
    let h = history(&t, "Tmall", "2026-11-22").await;
    assert_eq!(h.len(), 2, "{h:?}");
    let change = &h[0];
    assert_eq!(change.by, shell_id("carol"));
    assert_eq!(change.at, t.clock_now());
    assert_eq!(change.old.as_ref(), Some(&first));
    assert_eq!(&change.new, &second);
    assert_eq!(
        (&h[1].old, &h[1].new),
        (&None, &first),
        "the first entry had no old figures"
    );

    // The same figures again (all, or a part of them) change nothing and add no history.
    for line in [
        "/data enter date:2026-11-22 paid-amount:31000.50 pv:9000 uv:4000",
        "/data enter date:yesterday uv:4,000",
    ] {
        let out = run(&mut carol, line).await;
        assert!(out.contains("nothing changed"), "{line}\n{out}");
    }
    assert_eq!(history(&t, "Tmall", "2026-11-22").await.len(), 2);

    // Days are read as people write them; today is allowed, tomorrow is not.
    let out = run(&mut carol, "/data enter date:11/20 uv:10").await;
    assert!(out.contains("Tmall, 2026-11-20: figures saved"), "{out}");
    let out = run(&mut carol, "/data enter date:today uv:10").await;
    assert!(out.contains("Tmall, 2026-11-23: figures saved"), "{out}");
    let out = run(&mut carol, "/data enter date:2026-11-24 uv:10").await;
    assert!(out.contains("2026-11-24 has not happened yet"), "{out}");
    assert_eq!(stored(&t, "Tmall", "2026-11-24").await, None);
    let out = run(&mut carol, "/data enter date:someday uv:10").await;
    assert!(out.contains("can't read the day \"someday\""), "{out}");
}

#[tokio::test]
async fn bad_figures_are_refused_and_nothing_is_saved() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    run(&mut sh, "/data enter uv:4000 paid-amount:30000").await;
    let before = stored(&t, "Tmall", "2026-11-22").await;
    for (line, says) in [
        ("/data enter uv:-1", "uv can't be negative (-1)"),
        (
            "/data enter paid-amount:-5",
            "paid-amount can't be negative (-5)",
        ),
        (
            "/data enter refund-amount:-0.01 uv:5",
            "refund-amount can't be negative",
        ),
        ("/data enter uv:abc", "uv: \"abc\" is not a whole number"),
        (
            "/data enter paying-buyers:1.5",
            "paying-buyers: \"1.5\" is not a whole number",
        ),
        (
            "/data enter paid-amount:abc",
            "paid-amount: \"abc\" is not a number",
        ),
        (
            "/data enter paid-amount:1.234",
            "paid-amount: \"1.234\" has too many decimals",
        ),
        ("/data enter", "Give at least one figure"),
        ("/data enter shop:Nope uv:1", "There is no shop \"Nope\""),
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains(says), "{line}\n{out}");
    }
    assert_eq!(stored(&t, "Tmall", "2026-11-22").await, before);
    assert_eq!(history(&t, "Tmall", "2026-11-22").await.len(), 1);

    // Warehouse does not enter figures; marketing does.
    let mut wendy = t.shell("wendy", "warehouse", "en-US").await;
    let out = run(&mut wendy, "/data enter date:2026-11-21 uv:1").await;
    assert!(
        out.contains("Only operations, marketing or managers"),
        "{out}"
    );
    assert_eq!(stored(&t, "Tmall", "2026-11-21").await, None);
    let mut mia = t.shell("mia", "marketing", "en-US").await;
    let out = run(&mut mia, "/data enter date:2026-11-21 ad-spend:100").await;
    assert!(out.contains("figures saved"), "{out}");
}

#[tokio::test]
async fn absurd_figures_need_confirmation_and_are_not_saved_before() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;

    // More buyers paid than visited.
    let line = "/data enter date:2026-11-20 uv:100 paying-buyers:150";
    let out = run(&mut sh, line).await;
    assert!(
        out.contains("These figures look wrong")
            && out.contains("More buyers paid than visited")
            && out.contains("confirm:true"),
        "{out}"
    );
    assert_eq!(stored(&t, "Tmall", "2026-11-20").await, None);
    assert!(history(&t, "Tmall", "2026-11-20").await.is_empty());
    let out = run(&mut sh, &format!("{line} confirm:true")).await;
    assert!(out.contains("figures saved"), "{out}");
    assert_eq!(
        stored(&t, "Tmall", "2026-11-20")
            .await
            .and_then(|d| d.paying_buyers),
        Some(150)
    );

    // Paid more than ten times what was ordered; exactly ten times is fine.
    let out = run(
        &mut sh,
        "/data enter date:2026-11-21 order-amount:100 paid-amount:1000",
    )
    .await;
    assert!(out.contains("figures saved"), "{out}");
    let out = run(&mut sh, "/data enter date:2026-11-21 paid-amount:1000.01").await;
    assert!(
        out.contains("more than ten times the amount ordered") && out.contains("Nothing was saved"),
        "{out}"
    );
    assert_eq!(
        stored(&t, "Tmall", "2026-11-21")
            .await
            .and_then(|d| d.paid_amount),
        Some(Money(100_000)),
        "the stored day is untouched"
    );
    assert_eq!(history(&t, "Tmall", "2026-11-21").await.len(), 1);
    let out = run(
        &mut sh,
        "/data enter date:2026-11-21 paid-amount:1000.01 confirm:true",
    )
    .await;
    assert!(out.contains("figures replaced"), "{out}");
    let out = run(
        &mut sh,
        "/data enter date:2026-11-22 uv:10 paying-buyers:11 confirm:false",
    )
    .await;
    assert!(out.contains("These figures look wrong"), "{out}");
    assert_eq!(stored(&t, "Tmall", "2026-11-22").await, None);
}

/// `/data show` of a day, a range, one shop and all shops summed (fixture figures).
#[tokio::test]
async fn show_a_day_a_range_one_shop_or_all_shops_summed() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    let mut carol = t.shell("carol", "customer-service", "en-US").await;

    // All shops, one day (the default: yesterday): 4,000 + 2,000 visitors, 30,000 + 8,000 paid.
    let out = run(&mut carol, "/data show").await;
    assert!(out.contains("== JD, Tmall · 2026-11-22 =="), "{out}");
    for (name, value) in [
        ("Visitors", "6,000"),
        ("Buyers who paid", "160"),
        ("Amount paid", "38,000.00 CNY"),
        ("Refunds", "2,000.00 CNY"),
        ("Conversion", "2.67%"),           // 160 / 6,000
        ("Average order value", "237.50"), // 38,000 / 160
        ("Refund rate", "5.26%"),          // 2,000 / 38,000
        ("Ad ROAS", "3.14"),               // 22,000 / 7,000
        ("Store ROI", "1:3.62 (pass)"),    // 38,000 / 10,500
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }

    // One shop, a range: JD 21st + 22nd = 4,000 visitors, 90 paying, 17,000 paid.
    let out = run(
        &mut carol,
        "/data show shop:jd from:2026-11-21 to:2026-11-22",
    )
    .await;
    assert!(out.contains("== JD · 2026-11-21 – 2026-11-22 =="), "{out}");
    for (name, value) in [
        ("Visitors", "4,000"),
        ("Buyers who ordered", "110"),
        ("Buyers who paid", "90"),
        ("Amount paid", "17,000.00 CNY"),
        ("Payment rate", "81.82%"),        // 90 / 110
        ("Conversion", "2.25%"),           // 90 / 4,000
        ("Average order value", "188.89"), // 17,000 / 90
        ("Value per visitor", "4.25"),     // 17,000 / 4,000
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }

    // All shops, the whole week of the 16th: 254,670.00 paid, 37,100 visitors.
    let out = run(&mut carol, "/data show from:2026-11-16 to:2026-11-22").await;
    assert!(
        out.contains("== JD, Tmall · 2026-11-16 – 2026-11-22 =="),
        "{out}"
    );
    assert_eq!(field(&out, "Amount paid"), "254,670.00 CNY", "{out}");
    assert_eq!(field(&out, "Visitors"), "37,100", "{out}");
    assert_eq!(field(&out, "Buyers who paid"), "1,059", "{out}");
    assert_eq!(field(&out, "Buyers who ordered"), "1,279", "{out}");

    let out = run(&mut carol, "/data show date:2026-11-01").await;
    assert!(out.contains("No figures for this period"), "{out}");
    let out = run(&mut carol, "/data show from:2026-11-22 to:2026-11-21").await;
    assert!(out.contains("before the first day"), "{out}");
    let out = run(&mut carol, "/data show from:2025-01-01 to:2026-11-22").await;
    assert!(out.contains("at most one year"), "{out}");
    let out = run(&mut carol, "/data show shop:Nope").await;
    assert!(
        out.contains("There is no shop \"Nope\"") && out.contains("JD, Tmall"),
        "{out}"
    );
}

/// BUG (src/app/cmd/data.rs `show`, src/app/cmd/summary.rs `period`): a range's rates divide
/// sums of different days. Costs, refunds and inquiries are only entered on the 22nd, so the
/// week's store ROI becomes 254,670 ÷ 10,500 = 1:24.25 (excellent) and its refund rate
/// 2,000 ÷ 254,670 = 0.79%. A rate must only pair days that have both of its figures:
/// ROI 38,000 ÷ 10,500 = 1:3.62 (pass), refund rate 2,000 ÷ 38,000 = 5.26%.
#[tokio::test]
async fn range_rates_only_pair_days_that_have_both_figures() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    fixture(&mut sh).await;
    for line in [
        "/data show from:2026-11-16 to:2026-11-22",
        "/summary weekly",
    ] {
        let out = run(&mut sh, line).await;
        assert_eq!(field(&out, "Store ROI"), "1:3.62 (pass)", "{line}\n{out}");
        assert_eq!(field(&out, "Refund rate"), "5.26%", "{line}\n{out}");
        assert_eq!(field(&out, "Payment rate"), "82.80%", "{line}\n{out}"); // 1,059 / 1,279
    }
}

#[tokio::test]
async fn targets_are_set_by_managers_for_a_month() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    run(&mut sh, "/data shop name:JD").await;
    let out = run(
        &mut sh,
        "/data target shop:Tmall amount:900,000 month:2026-12",
    )
    .await;
    assert!(
        out.contains("Target for Tmall in 2026-12: 900,000.00 CNY"),
        "{out}"
    );
    let out = run(&mut sh, "/data target shop:JD amount:50000").await;
    assert!(
        out.contains("Target for JD in 2026-11: 50,000.00 CNY"),
        "{out}"
    );
    for (line, says) in [
        (
            "/data target shop:Tmall amount:1 month:2026-13",
            "\"2026-13\" is not a month",
        ),
        (
            "/data target shop:Tmall amount:1 month:November",
            "\"November\" is not a month",
        ),
        (
            "/data target shop:Tmall amount:abc",
            "amount: \"abc\" is not a number",
        ),
        (
            "/data target shop:Tmall amount:-100",
            "amount can't be negative (-100)",
        ),
        ("/data target amount:100", "Which shop?"),
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains(says), "{line}\n{out}");
    }
    let mut ops = t.shell("olga", "operations", "en-US").await;
    let out = run(&mut ops, "/data target shop:Tmall amount:1 month:2026-12").await;
    assert!(out.contains("Only managers"), "{out}");
    let id = shop_id(&t, "Tmall").await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    assert_eq!(
        data::target(&mut conn, id, "2026-12")
            .await
            .expect("target"),
        Some(Money(90_000_000))
    );
}

/// BUG (src/app/cmd/data.rs `target`): "2026-1" is accepted but stored as typed, while the
/// summary looks the target up as "2026-01", so it never shows. Store the parsed month
/// (`format("%Y-%m")`).
#[tokio::test]
async fn a_target_month_is_stored_in_one_spelling() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    let out = run(&mut sh, "/data target shop:Tmall amount:1000 month:2027-1").await;
    assert!(out.contains("Target for Tmall in 2027-01"), "{out}");
    let id = shop_id(&t, "Tmall").await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    assert_eq!(
        data::target(&mut conn, id, "2027-01")
            .await
            .expect("target"),
        Some(Money(100_000))
    );
}
