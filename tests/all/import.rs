//! Importing the platforms' exports: sample files generated here (CSV with BOM, GBK CSV,
//! description rows above the header, separators, `-`, percentages, xlsx), every unreadable
//! cell reported with its row and column and nothing written, idempotent re-import, arbitrary
//! bytes never panic the reader, and the shell flow preview → Confirm → stored.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use storeops::domain::import::{self, DateOrder, Mappings, Status, Use, Warning, Why};
use storeops::domain::metrics::DayFigures;
use storeops::domain::money::Money;
use storeops::store::data;

use crate::support::TestApp;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A 生意参谋 shop-daily export: four description rows, then the header, three days.
fn tmall_csv() -> String {
    [
        "生意参谋-店铺整体,,,",
        "统计日期：2026-11-20~2026-11-22,,,",
        "店铺名称：旗舰店,,,",
        ",,,",
        "统计日期,浏览量,访客数,下单买家数,下单金额,支付买家数,支付金额,支付子订单数,支付转化率,客单价,UV价值,成功退款金额,全站推广花费,关键词推广花费",
        "2026-11-20,\"12,000\",\"4,000\",150,\"¥3,300.00\",120,\"30,000.00\",130,3.00%,250.00,7.50,-,\"1,000.00\",500",
        "2026/11/21,\"9,000\",\"3,000\",100,\"2,000.00\",90,\"18,000.00\",95,3.00%,200.00,6.00,\"1,500.00\",-,300.50",
        "20261122,\"10,000\",\"5,000\",160,\"3,000.00\",100,\"25,000.00\",110,2.51%,250.00,5.00,0,-,-",
        "合计,\"31,000\",\"12,000\",410,,310,,,,,,,,",
    ]
    .join("\r\n")
}

fn parse(bytes: &[u8]) -> import::Parsed {
    import::parse(bytes, &Mappings::defaults(), None, DateOrder::Mdy).expect("parsed")
}

fn check_tmall(p: &import::Parsed) {
    assert_eq!(p.platform, "tmall");
    assert!(p.recognised);
    assert_eq!(p.header_row, 5);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.days.len(), 3);
    let d = &p.days[&date("2026-11-20")];
    assert_eq!(d.pv, Some(12_000));
    assert_eq!(d.uv, Some(4_000));
    assert_eq!(d.order_amount, Some(Money(330_000)));
    assert_eq!(d.paid_amount, Some(Money(3_000_000)));
    assert_eq!(d.paid_orders, Some(130));
    assert_eq!(d.refund_amount, None, "- is no figure");
    assert_eq!(d.ad_spend, Some(Money(150_000)), "1,000.00 + 500");
    let d = &p.days[&date("2026-11-21")];
    assert_eq!(d.ad_spend, Some(Money(30_050)));
    assert_eq!(d.refund_amount, Some(Money(150_000)));
    let d = &p.days[&date("2026-11-22")];
    assert_eq!(d.ad_spend, None);
    assert_eq!(d.refund_amount, Some(Money(0)));
    assert!(
        p.columns
            .contains(&("访客数".to_string(), Use::Field("uv".into())))
    );
    assert!(
        p.columns
            .contains(&("支付转化率".to_string(), Use::Check("conversion".into())))
    );
    // 100 / 5000 = 2.00 %, the file says 2.51 %: a warning; 3.00 % rows match.
    let mismatches: Vec<_> = p
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::RateMismatch { .. }))
        .collect();
    assert_eq!(mismatches.len(), 1, "{:?}", p.warnings);
    assert!(
        matches!(mismatches[0], Warning::RateMismatch { row: 8, column, .. } if column == "支付转化率")
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| matches!(w, Warning::SkippedRow { row: 9, .. }))
    );
}

#[test]
fn tmall_csv_with_bom_and_description_rows() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(tmall_csv().as_bytes());
    let p = parse(&bytes);
    check_tmall(&p);
    assert!(p.format.contains("UTF-8"), "{}", p.format);
    check_tmall(&parse(tmall_csv().as_bytes()));
}

#[test]
fn gbk_csv_reads_like_utf8() {
    let text = tmall_csv().replace('¥', "");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK");
    let p = parse(&gbk);
    check_tmall(&p);
    assert!(
        p.format.contains("gb18030") || p.format.contains("GB"),
        "{}",
        p.format
    );
}

#[test]
fn platforms_are_recognised_from_their_headers() {
    let jd = "时间,店铺浏览量,店铺访客数,下单客户数,下单金额,成交客户数,成交金额,成交单量,退款金额\n2026-11-22,900,300,20,\"1,000.00\",15,800.00,16,0.00\n";
    let p = parse(jd.as_bytes());
    assert_eq!(p.platform, "jd");
    assert_eq!(p.days[&date("2026-11-22")].paying_buyers, Some(15));

    let amazon = "Date,Ordered Product Sales,Units Ordered,Total Order Items,Sessions - Total,Page Views - Total\n11/02/26,\"$1,234.56\",40,38,\"1,200\",\"2,500\"\n";
    let p = parse(amazon.as_bytes());
    assert_eq!(p.platform, "amazon");
    assert_eq!(
        p.days[&date("2026-11-02")].paid_amount,
        Some(Money(123_456))
    );
    assert_eq!(p.warnings[0], Warning::DatesReadAs(DateOrder::Mdy));
    // The same file read day/month/year.
    let p = import::parse(
        amazon.as_bytes(),
        &Mappings::defaults(),
        None,
        DateOrder::Dmy,
    )
    .expect("dmy");
    assert!(p.days.contains_key(&date("2026-02-11")));

    let sales = "Day,Orders,Gross sales,Discounts,Returns,Net sales,Shipping,Total sales\n2026-11-22,12,\"1,000.00\",-50.00,-20.00,930.00,30.00,960.00\n";
    let p = parse(sales.as_bytes());
    assert_eq!(p.platform, "shopify-sales");
    let d = &p.days[&date("2026-11-22")];
    assert_eq!(d.discount_cost, Some(Money(5_000)), "stored positive");
    assert_eq!(d.refund_amount, Some(Money(2_000)));
    assert_eq!(d.paid_amount, Some(Money(96_000)));

    let sessions = "Day,Online store visitors,Sessions,Pageviews\n2026-11-22,800,950,3000\n";
    let p = parse(sessions.as_bytes());
    assert_eq!(p.platform, "shopify-sessions");
    assert_eq!(p.days[&date("2026-11-22")].uv, Some(800));

    let ali = "日期,商品页浏览量,商品页访客数,下单买家数,支付买家数,支付金额,退款金额\n2026-11-22,500,200,9,7,\"US $300.00\",0\n";
    let p = parse(ali.as_bytes());
    assert_eq!(p.platform, "aliexpress");

    // 阿里妈妈: one row per plan, added up per day.
    let ads =
        "日期,计划名称,花费,总成交金额\n2026-11-22,A,100.00,400.00\n2026-11-22,B,50.50,100.00\n";
    let p = parse(ads.as_bytes());
    assert_eq!(p.platform, "alimama");
    let d = &p.days[&date("2026-11-22")];
    assert_eq!(
        (d.ad_spend, d.ad_sales),
        (Some(Money(15_050)), Some(Money(50_000)))
    );

    assert!(matches!(
        import::parse(b"a,b\n1,2\n", &Mappings::defaults(), None, DateOrder::Mdy),
        Err(import::ImportError::NoHeader)
    ));
    assert!(matches!(
        import::parse(
            jd.as_bytes(),
            &Mappings::defaults(),
            Some("amazon"),
            DateOrder::Mdy
        ),
        Err(import::ImportError::NotThisPlatform(_))
    ));
}

#[test]
fn shipped_mappings_are_files_and_a_new_platform_needs_no_code() {
    for (name, text) in import::mapping::DEFAULTS {
        import::Mapping::parse(name, text).expect("shipped mapping reads");
    }
    let from_dir = Mappings::with_dir(std::path::Path::new("config/importers")).expect("dir");
    assert_eq!(from_dir, Mappings::defaults());
    assert_eq!(from_dir.all.len(), 7);
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("pdd.toml"),
        "platform = \"pdd\"\nname = \"拼多多\"\ndate = [\"日期\"]\n[columns]\n\"成交金额\" = \"paid-amount\"\n\"成交买家数\" = \"paying-buyers\"\n",
    )
    .expect("write");
    let maps = Mappings::with_dir(dir.path()).expect("maps");
    let p = import::parse(
        "日期,成交金额,成交买家数\n2026-11-22,99.00,3\n".as_bytes(),
        &maps,
        None,
        DateOrder::Mdy,
    )
    .expect("pdd");
    assert_eq!(p.platform, "pdd");
}

#[test]
fn xlsx_reads_with_description_rows() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "统计日期：2026-11-21~2026-11-22")
        .expect("w");
    let head = ["统计日期", "访客数", "支付买家数", "支付金额", "支付转化率"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(3, c as u16, *h).expect("w");
    }
    ws.write_string(4, 0, "2026-11-21").expect("w");
    ws.write_number(4, 1, 4000.0).expect("w");
    ws.write_number(4, 2, 120.0).expect("w");
    ws.write_number(4, 3, 30000.5).expect("w");
    ws.write_number(4, 4, 0.03).expect("w");
    ws.write_number(5, 0, 20261122.0).expect("w");
    ws.write_string(5, 1, "5,000").expect("w");
    ws.write_string(5, 2, "-").expect("w");
    ws.write_string(5, 3, "¥1,299.00").expect("w");
    let bytes = book.save_to_buffer().expect("xlsx");
    let p = parse(&bytes);
    assert_eq!(p.format, "xlsx");
    assert_eq!(p.header_row, 4);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let d = &p.days[&date("2026-11-21")];
    assert_eq!((d.uv, d.paid_amount), (Some(4000), Some(Money(3_000_050))));
    let d = &p.days[&date("2026-11-22")];
    assert_eq!(
        (d.uv, d.paying_buyers, d.paid_amount),
        (Some(5000), None, Some(Money(129_900)))
    );
}

/// Every kind of unreadable cell, one per row.
fn bad_csv() -> String {
    [
        "统计日期,浏览量,访客数,支付买家数,支付金额,支付转化率",
        "2026-11-01,100,abc,1,10.00,1%",  // row 2: 访客数 not a count
        "2026-11-02,100,50,1,x元,2%",     // row 3: 支付金额 not an amount
        "2026-11-03,100,50,1,1.234,2%",   // row 4: too precise
        "2026-11-04,-5,50,1,10.00,2%",    // row 5: negative 浏览量
        "2026-13-45,100,50,1,10.00,2%",   // row 6: not a date
        ",100,50,1,10.00,2%",             // row 7: no date
        "2026-11-08,100,50,1,10.00,2%",   // row 8: fine
        "2026-11-08,100,50,1,10.00,2%",   // row 9: the same day again
        "2026-11-10,100,50,1,10.00,abc%", // row 10: not a rate
    ]
    .join("\n")
}

#[test]
fn every_bad_cell_is_reported_with_row_and_column() {
    let p = parse(bad_csv().as_bytes());
    let got: Vec<(usize, &str, Why)> = p
        .problems
        .iter()
        .map(|x| (x.row, x.column.as_str(), x.why))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "访客数", Why::NotACount),
            (3, "支付金额", Why::NotAnAmount),
            (4, "支付金额", Why::TooPrecise),
            (5, "浏览量", Why::Negative),
            (6, "统计日期", Why::NotADate),
            (7, "统计日期", Why::NoDate),
            (9, "统计日期", Why::DuplicateDay),
            (10, "支付转化率", Why::NotARate),
        ]
    );
    assert_eq!(p.problems[0].value, "abc");
    let preview = import::preview(p, &BTreeMap::new());
    assert!(!preview.can_apply());
}

#[tokio::test]
async fn reimport_changes_nothing_and_keeps_other_figures() {
    let t = TestApp::new().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop = data::add_shop(&mut conn, 1, "Tmall", "tmall", "CNY", t.clock_now())
        .await
        .expect("add")
        .expect("new");
    let kept = DayFigures {
        inquiries: Some(80),
        uv: Some(1),
        ..DayFigures::default()
    };
    data::put_day(
        &mut conn,
        shop,
        date("2026-11-20"),
        &kept,
        7,
        "manual",
        t.clock_now(),
    )
    .await
    .expect("put");
    let p = parse(tmall_csv().as_bytes());
    let stored: BTreeMap<_, _> =
        data::range(&mut conn, shop, date("2026-11-01"), date("2026-11-30"))
            .await
            .expect("range")
            .into_iter()
            .collect();
    let preview = import::preview(p.clone(), &stored);
    assert!(matches!(&preview.status[0].1, Status::Changes(f) if f.contains(&"uv".to_string())));
    assert_eq!(preview.status[1].1, Status::New);
    let n = data::import_days(&mut conn, shop, &p.days, 7, t.clock_now())
        .await
        .expect("import");
    assert_eq!(n, 3);
    let d = data::day(&mut conn, shop, date("2026-11-20"))
        .await
        .expect("day")
        .expect("some");
    assert_eq!((d.inquiries, d.uv), (Some(80), Some(4_000)), "merged");
    let again = data::import_days(&mut conn, shop, &p.days, 7, t.clock_now())
        .await
        .expect("import");
    assert_eq!(again, 0, "the same file twice changes nothing");
    let stored: BTreeMap<_, _> =
        data::range(&mut conn, shop, date("2026-11-01"), date("2026-11-30"))
            .await
            .expect("range")
            .into_iter()
            .collect();
    let preview = import::preview(p, &stored);
    assert!(preview.status.iter().all(|(_, s)| *s == Status::Unchanged));
    let (source,): (String,) = sqlx::query_as(
        "SELECT source FROM daily_figures WHERE shop_id = ?1 AND day = '2026-11-22'",
    )
    .bind(shop)
    .fetch_one(&mut *conn)
    .await
    .expect("source");
    assert_eq!(source, "import");
}

fn token(out: &str) -> String {
    let at = out
        .find("/press imp:confirm:")
        .unwrap_or_else(|| panic!("no confirm in {out}"));
    out[at + "/press imp:confirm:".len()..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_string()
}

#[tokio::test]
async fn shell_flow_preview_confirm_after_restart() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    let out = sh
        .execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await
        .text;
    assert!(out.contains("Tmall"), "{out}");
    let file = t.dir.path().join("tmall.csv");
    std::fs::write(&file, tmall_csv()).expect("write");
    let bad = t.dir.path().join("bad.csv");
    std::fs::write(&bad, bad_csv()).expect("write");

    // Not everyone may import.
    let mut cs = t.shell("carol", "customer-service", "en-US").await;
    let out = cs
        .execute(&format!("/data import file:{} shop:Tmall", file.display()))
        .await
        .text;
    assert!(out.contains("Only operations"), "{out}");

    // A file with unreadable rows: the rows are listed, no buttons, nothing written.
    let out = sh
        .execute(&format!("/data import file:{} shop:Tmall", bad.display()))
        .await
        .text;
    assert!(out.contains("Row 2, column 访客数"), "{out}");
    assert!(!out.contains("/press imp:"), "{out}");

    let out = sh
        .execute(&format!("/data import file:{} shop:Tmall", file.display()))
        .await
        .text;
    assert!(
        out.contains("Platform recognised from the headers: tmall"),
        "{out}"
    );
    assert!(out.contains("2026-11-20 – 2026-11-22"), "{out}");
    assert!(out.contains("访客数 → uv"), "{out}");
    assert!(out.contains("2026-11-22  new"), "{out}");
    let tok = token(&out);
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop = data::shops(&mut conn, 1).await.expect("shops");
    let id = shop.iter().find(|s| s.name == "Tmall").map(|s| s.id);
    let id = match id {
        Some(id) => id,
        None => {
            // The shell's guild may not be 1: find the shop by name in any guild.
            data::shops_named(&mut conn, "Tmall").await.expect("named")[0]
                .1
                .id
        }
    };
    assert_eq!(
        data::day(&mut conn, id, date("2026-11-20"))
            .await
            .expect("day"),
        None
    );
    drop(conn);

    // Confirm after a restart.
    let app = t.restart().await;
    let mut actor =
        storeops::app::Actor::new(storeops::adapters::shell::shell_id("alice"), "alice");
    actor.positions = storeops::adapters::shell::parse_positions("manager");
    actor.locale = Some("en-US".parse().expect("locale"));
    let mut sh2 = storeops::adapters::shell::Shell::new(app.clone(), actor, Some(t.clock.clone()))
        .await
        .expect("shell");
    let out = sh2.execute(&format!("/press imp:confirm:{tok}")).await.text;
    assert!(out.contains("Imported 3 days into Tmall"), "{out}");
    let mut conn = app.store.pool.acquire().await.expect("conn");
    let d = data::day(&mut conn, id, date("2026-11-22"))
        .await
        .expect("day")
        .expect("stored");
    assert_eq!(d.paid_amount, Some(Money(2_500_000)));
    drop(conn);
    // The token is spent; the same file again has nothing to do.
    let out = sh2.execute(&format!("/press imp:confirm:{tok}")).await.text;
    assert!(out.contains("expired"), "{out}");
    let out = sh2
        .execute(&format!("/data import file:{} shop:Tmall", file.display()))
        .await
        .text;
    assert!(out.contains("nothing to import"), "{out}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), prefix in 0u8..3) {
        let mut input = match prefix {
            0 => vec![],
            1 => b"PK\x03\x04".to_vec(),
            _ => vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        };
        input.extend(bytes);
        let _ = import::parse(&input, &Mappings::defaults(), None, DateOrder::Mdy);
    }

    #[test]
    fn arbitrary_text_under_a_header_never_panics(rows in proptest::collection::vec("[-0-9,.%/¥ a-z\"]{0,40}", 0..20)) {
        let text = format!("统计日期,浏览量,访客数,支付金额,支付转化率\n{}", rows.join("\n"));
        let _ = import::parse(text.as_bytes(), &Mappings::defaults(), None, DateOrder::Mdy);
    }
}
