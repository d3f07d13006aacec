//! Every stored figure remembers its source, and one precedence decides (issue #16): typed
//! by hand always wins; for ad spend and ad sales an ad platform's own report (阿里妈妈) wins
//! over the shop overview's ad columns (生意参谋), whichever file comes last; a source of the
//! same rank replaces. The import preview says what stays and what it replaces; `/data
//! history` says who or what set each figure and the value before. Checked through the shell
//! and the command-line import, and against a plain model over random writes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use storeops::app::cmd::import::{CliImport, NoProgress, run_cli};
use storeops::domain::import::DateOrder;
use storeops::domain::metrics::DayFigures;
use storeops::i18n::Locale;
use storeops::store::data;

use crate::support::TestApp;
use crate::support::shell::{boss_with_summary_channel, run};
use crate::support::store::shop_id;
use crate::support::time::date;

/// 生意参谋 店铺整体 with its ad columns (ad spend = 全站 + 关键词).
fn sycm(uv: [u32; 2], ad: [&str; 2]) -> String {
    format!(
        "统计日期,访客数,支付买家数,支付金额,全站推广花费,关键词推广花费\n\
         2026-11-20,{},90,\"18,000.00\",\"{}\",0\n\
         2026-11-21,{},80,\"16,000.00\",\"{}\",0\n",
        uv[0], ad[0], uv[1], ad[1]
    )
}

/// 阿里妈妈 plan report: two plans a day.
fn alimama(spend: [&str; 2]) -> String {
    format!(
        "日期,计划名称,花费,总成交金额\n\
         2026-11-20,A,\"{}\",500.00\n2026-11-20,B,0,0\n\
         2026-11-21,A,\"{}\",400.00\n2026-11-21,B,0,0\n",
        spend[0], spend[1]
    )
}

async fn import(t: &TestApp, name: &str, text: &str, locale: Locale) -> String {
    let file: PathBuf = t.dir.path().join(name);
    std::fs::write(&file, text).expect("write");
    let args = CliImport {
        file,
        shop: "Tmall".into(),
        guild: None,
        platform: None,
        dry_run: false,
        order: DateOrder::Auto,
        all: false,
    };
    run_cli(&t.app, &args, locale, t.clock_now(), &NoProgress)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

async fn stored(t: &TestApp, day: &str) -> (DayFigures, BTreeMap<String, String>) {
    let id = shop_id(t, "Tmall").await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::day_sourced(&mut conn, id, date(day))
        .await
        .expect("day")
        .expect("stored")
}

#[tokio::test]
async fn the_ad_report_outranks_the_shop_overview_and_hand_entry_outranks_both() {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    run(&mut sh, "/data shop name:Tmall platform:tmall currency:CNY").await;

    import(
        &t,
        "sycm.csv",
        &sycm([3000, 2800], ["1,000.00", "900.00"]),
        Locale::EnUs,
    )
    .await;
    let (d, s) = stored(&t, "2026-11-20").await;
    assert_eq!(d.ad_spend.map(|m| m.0), Some(100_000));
    assert_eq!(s["ad-spend"], "shop:tmall");
    assert_eq!(s["uv"], "shop:tmall");

    // The ad platform's report replaces the overview's ad spend, and says so.
    let out = import(
        &t,
        "ads.csv",
        &alimama(["1,200.00", "900.00"]),
        Locale::EnUs,
    )
    .await;
    assert!(
        out.contains("2026-11-20 Ad spend: the file's 1,200.00 replaces 1,000.00 (shop overview import, tmall)."),
        "{out}"
    );
    assert!(
        !out.contains("2026-11-21 Ad spend"),
        "same value, no clash: {out}"
    );
    let (d, s) = stored(&t, "2026-11-20").await;
    assert_eq!(d.ad_spend.map(|m| m.0), Some(120_000));
    assert_eq!(s["ad-spend"], "ads:alimama");
    assert_eq!(s["ad-sales"], "ads:alimama");
    assert_eq!(
        s["uv"], "shop:tmall",
        "the ad report sets only its own figures"
    );

    // A newer overview download: its visitors replace, its ad columns do not.
    let out = import(
        &t,
        "sycm2.csv",
        &sycm([3100, 2800], ["1,000.00", "950.00"]),
        Locale::EnUs,
    )
    .await;
    assert!(
        out.contains("2026-11-20 Ad spend: 1,200.00 stays (ad platform report import, alimama); the file's 1,000.00 is not imported."),
        "{out}"
    );
    let (d, _) = stored(&t, "2026-11-20").await;
    assert_eq!((d.uv, d.ad_spend.map(|m| m.0)), (Some(3100), Some(120_000)));
    let (d, _) = stored(&t, "2026-11-21").await;
    assert_eq!(d.ad_spend.map(|m| m.0), Some(90_000));

    // Typed by hand wins over every import, in both languages.
    let out = run(
        &mut sh,
        "/data enter shop:Tmall date:2026-11-21 ad-spend:1300",
    )
    .await;
    assert!(
        out.contains("figures replaced") || out.contains("saved"),
        "{out}"
    );
    let out = import(
        &t,
        "ads2.csv",
        &alimama(["1,200.00", "1,250.00"]),
        Locale::ZhCn,
    )
    .await;
    assert!(
        out.contains("2026-11-21 推广花费：保留 1,300.00（手动录入）；文件中的 1,250.00 不导入。"),
        "{out}"
    );
    let (d, s) = stored(&t, "2026-11-21").await;
    assert_eq!(d.ad_spend.map(|m| m.0), Some(130_000));
    assert_eq!(s["ad-spend"], "manual");

    // The history: each figure with its source, then each change with its source and the
    // value before.
    let out = run(&mut sh, "/data history shop:Tmall date:2026-11-21").await;
    assert!(out.contains("History of Tmall on 2026-11-21"), "{out}");
    assert!(out.contains("Ad spend: 1,300.00 (typed by hand)"), "{out}");
    assert!(
        out.contains("Visitors: 2,800 (shop overview import, tmall)"),
        "{out}"
    );
    assert!(
        out.contains("typed by hand\n  Ad spend: 900.00 → 1,300.00"),
        "{out}"
    );
    assert!(out.contains("ad platform report import, alimama"), "{out}");
    assert!(out.contains("the command line"), "{out}");
    let out = run(&mut sh, "/data history shop:Tmall date:2026-11-01").await;
    assert!(
        out.contains("No figures were ever stored for this day."),
        "{out}"
    );
}

/// Random writes of three sources to two figures against a plain model: a figure holds the
/// value (and source) of the last write whose rank is at least the rank of the source that
/// set it.
#[tokio::test]
async fn precedence_matches_a_plain_model_over_random_writes() {
    let t = TestApp::new().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop = data::add_shop(&mut conn, 1, "S", "tmall", "CNY", t.clock_now())
        .await
        .expect("add")
        .expect("new");
    let day = date("2026-11-20");
    // The model: figure -> (value, source).
    let mut model: BTreeMap<&str, (i64, &str)> = BTreeMap::new();
    let rank = |source: &str, figure: &str| match source {
        "manual" => 3,
        "ads:alimama" if figure == "ad-spend" => 2,
        "ads:alimama" => 0,
        _ => 1,
    };
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for step in 0..300 {
        let source = ["manual", "shop:tmall", "ads:alimama"][next(3) as usize];
        let figure = if source == "ads:alimama" || next(2) == 0 {
            "ad-spend"
        } else {
            "uv"
        };
        let value = 1 + next(5) as i64;
        let mut f = DayFigures::default();
        f.set(figure, Some(value));
        if source == "manual" {
            // /data enter: the day as stored with the typed figure over it.
            let mut d = data::day(&mut conn, shop, day)
                .await
                .expect("day")
                .unwrap_or_default();
            d.merge(&f);
            data::put_day(&mut conn, shop, day, &d, 7, "manual", t.clock_now())
                .await
                .expect("put");
        } else {
            data::import_days(
                &mut conn,
                shop,
                &BTreeMap::from([(day, f)]),
                source,
                7,
                t.clock_now(),
            )
            .await
            .expect("import");
        }
        let wins = match model.get(figure) {
            None => true,
            Some((_, by)) => rank(source, figure) >= rank(by, figure),
        };
        if wins {
            model.insert(figure, (value, source));
        }
        let (d, s) = data::day_sourced(&mut conn, shop, day)
            .await
            .expect("day")
            .expect("stored");
        for (fig, (v, by)) in &model {
            assert_eq!(d.get(fig), Some(*v), "step {step}: {fig}");
            assert_eq!(
                s.get(*fig).map(String::as_str),
                Some(*by),
                "step {step}: {fig}"
            );
        }
    }
}
