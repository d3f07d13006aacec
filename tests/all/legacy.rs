//! Values stored before the limits existed (#21): figures far beyond the documented ranges and
//! markup in names and titles, written straight into the database as an old version could have
//! stored them. Sums over them never wrap or panic (a total beyond what can be counted says
//! "out of range"), and stored text is shown as typed and pings nobody.

use crate::support::TestApp;
use crate::support::shell::{boss_with_summary_channel, run};
use crate::support::store::{Db, shop_id};

const MAX: i64 = i64::MAX;

/// Writes a shop's day as an old version could have stored it (no range check).
async fn put_day(t: &TestApp, shop: i64, day: &str, figures: &str, paid: Option<i64>) {
    sqlx::query(
        "INSERT OR REPLACE INTO daily_figures (shop_id, day, figures, paid_cents, entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, 1, 0)",
    )
    .bind(shop)
    .bind(day)
    .bind(figures)
    .bind(paid)
    .execute(t.pool())
    .await
    .expect("insert figures");
}

/// Three days of `uv:9223372036854775807` in each of two shops (the report's input, stored
/// before the range), money at the limit of an i64, a target: /data show, the morning, weekly
/// and monthly summaries answer (no panic, no wrapped or negative figure) and say "out of
/// range" where a total cannot be counted; a sum that still fits is exact.
#[tokio::test]
async fn sums_over_figures_stored_before_the_limits_never_wrap() {
    let t = TestApp::new().await;
    let mut sh = boss_with_summary_channel(&t).await;
    for line in [
        "/data shop name:Tmall platform:tmall currency:CNY",
        "/data shop name:JD platform:jd currency:CNY",
        "/data target shop:Tmall amount:900000 month:2026-11",
    ] {
        let out = run(&mut sh, line).await;
        assert!(out.contains("added") || out.contains("Target"), "{out}");
    }
    let (tmall, jd) = (shop_id(&t, "Tmall").await, shop_id(&t, "JD").await);
    let huge = format!(
        r#"{{"pv":{MAX},"uv":{MAX},"ordering_buyers":{MAX},"paying_buyers":{MAX},"paid_amount":{MAX},"order_amount":{MAX},"ad_spend":{MAX},"shipping_cost":{MAX},"discount_cost":{MAX},"refund_amount":{MAX},"inquiries":{MAX},"inquiries_paid":1}}"#
    );
    for day in ["2026-11-20", "2026-11-21", "2026-11-22"] {
        put_day(&t, tmall, day, &huge, Some(MAX)).await;
        put_day(&t, jd, day, &huge, Some(MAX)).await;
    }
    // Two halves of a sum that still fits: 4e18 + 4e18 visitors, exact.
    let half = 4_000_000_000_000_000_000i64;
    for (shop, uv) in [(tmall, half), (jd, half)] {
        put_day(
            &t,
            shop,
            "2026-11-19",
            &format!(r#"{{"uv":{uv},"paying_buyers":10,"paid_amount":100}}"#),
            Some(100),
        )
        .await;
    }
    // No figure shows i64::MAX's digits or a minus sign (a total that wrapped).
    let check = |what: &str, out: &str| {
        assert!(!out.contains("went wrong"), "{what}: {out}");
        assert!(!out.contains("9,223,372,036,854,775"), "{what}: {out}");
        let chars: Vec<char> = out.chars().collect();
        for w in chars.windows(3) {
            assert!(
                !(matches!(w[0], ' ' | '(' | '*') && w[1] == '-' && w[2].is_ascii_digit()),
                "{what} shows a negative figure: {out}"
            );
        }
    };
    let out = run(&mut sh, "/data show from:2026-11-20 to:2026-11-22").await;
    check("/data show", &out);
    assert!(out.contains("out of range"), "{out}");
    let out = run(&mut sh, "/data show date:2026-11-19").await;
    check("/data show 19th", &out);
    assert!(out.contains("8,000,000,000,000,000,000"), "{out}");
    let out = run(&mut sh, "/summary now date:2026-11-22").await;
    check("morning", &out);
    assert!(out.contains("out of range"), "{out}");
    let out = run(&mut sh, "/summary weekly date:2026-11-20").await;
    check("weekly", &out);
    assert!(out.contains("out of range"), "{out}");
    let out = run(&mut sh, "/summary monthly month:2026-11").await;
    check("monthly", &out);
    // The same in Chinese: the words are in both catalogs.
    let mut zh = t.shell("wang", "manager", "zh-CN").await;
    let out = run(&mut zh, "/data show from:2026-11-20 to:2026-11-22").await;
    assert!(out.contains("超出范围"), "{out}");
}

/// A shop name, a task title and a member's name holding markup and mentions, stored straight
/// into the database as before names were checked: the morning summary (and /data show) show
/// them as typed — no bold, spoiler, mention or @everyone survives as markup — and ping nobody
/// they name.
#[tokio::test]
async fn stored_names_and_titles_render_literally_and_ping_nobody() {
    use storeops::app::Invocation;
    use storeops::domain::position::Position;

    use crate::support::core::{actor, origin, text_opt};

    let t = TestApp::new().await;
    let mut sh = boss_with_summary_channel(&t).await;
    let out = run(&mut sh, "/data shop name:Tmall platform:tmall currency:CNY").await;
    assert!(out.contains("added"), "{out}");
    let nasty = "**x** @everyone <@123> ||y|| [link](https://evil.example)";
    sqlx::query("UPDATE shops SET name = ?1")
        .bind(nasty)
        .execute(t.pool())
        .await
        .expect("rename");
    let out = run(
        &mut sh,
        "/task assign title:\"Restock\" due:\"2026-11-23 18:00\" user:@bob",
    )
    .await;
    assert!(out.contains("#1"), "{out}");
    sqlx::query("UPDATE tasks SET title = ?1")
        .bind(nasty)
        .execute(t.pool())
        .await
        .expect("retitle");
    let shop = shop_id(&t, nasty).await;
    put_day(
        &t,
        shop,
        "2026-11-22",
        r#"{"uv":100,"paying_buyers":2,"paid_amount":5000}"#,
        Some(5000),
    )
    .await;
    let boss = actor("alice", &[Position::Manager], "en-US");
    for inv in [
        Invocation::new("summary now").with("date", text_opt("2026-11-22")),
        Invocation::new("data show").with("date", text_opt("2026-11-22")),
        Invocation::new("summary weekly").with("date", text_opt("2026-11-22")),
    ] {
        let r = t.app.handle(&origin(boss.clone()), &inv).await;
        let text = r.text();
        for raw in ["**x**", "<@123>", "||y||", "[link](", "@everyone"] {
            assert!(
                !text.contains(raw),
                "{:?}: {raw} survives in {text}",
                inv.path
            );
        }
        if inv.path[1] != "weekly" {
            assert!(text.contains("‹@\u{200b}123›"), "the name is shown: {text}");
        }
        assert!(
            !r.mentions.users.contains(&123) && !r.mentions.roles.contains(&123),
            "{:?}: {:?}",
            inv.path,
            r.mentions
        );
    }
}
