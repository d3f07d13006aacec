//! Importing the platforms' exports: sample files generated here (CSV with BOM, GBK CSV,
//! description rows above the header, separators, `-`, percentages, xlsx) and committed real
//! binary .xls fixtures (tests/fixtures, from make_xls.py), every unreadable cell reported with
//! its row and column and nothing written, idempotent re-import, product exports kept per
//! product and shown as the summary's top sellers, the command line's table and progress,
//! files that are no table refused with what to do, .xlsx files crafted to exhaust memory
//! refused with what they claim (nothing stored), arbitrary or damaged bytes never panic the
//! reader, and the shell flow preview → Confirm → stored.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use storeops::app::cmd::import::{CliImport, NoProgress, Progress, Step, run_cli};
use storeops::domain::import::{self, DateOrder, Mappings, Status, Use, Warning, Why};
use storeops::domain::metrics::DayFigures;
use storeops::domain::money::Money;
use storeops::domain::product::ProductFigures;
use storeops::i18n::Locale;
use storeops::store::{data, products};

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
    assert_eq!(
        p.skipped.totals,
        vec![9],
        "the total line is skipped and counted"
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
    // An Amazon day is a Pacific-time day: the preview says so.
    assert!(
        p.warnings
            .contains(&Warning::PlatformDays("America/Los_Angeles".into())),
        "{:?}",
        p.warnings
    );
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
    // Gross sales + Discounts + Shipping: what buyers paid for goods after discounts,
    // postage included (not Total sales, which adds taxes and takes the returns off).
    assert_eq!(d.paid_amount, Some(Money(98_000)));

    let sessions = "Day,Online store visitors,Sessions,Pageviews\n2026-11-22,800,950,3000\n";
    let p = parse(sessions.as_bytes());
    assert_eq!(p.platform, "shopify-sessions");
    assert_eq!(p.days[&date("2026-11-22")].uv, Some(800));

    let ali = "日期,商品页浏览量,商品页访客数,下单买家数,支付买家数,支付金额,退款金额\n2026-11-22,500,200,9,7,\"US $300.00\",0\n";
    let p = parse(ali.as_bytes());
    assert_eq!(p.platform, "aliexpress");
    let d = &p.days[&date("2026-11-22")];
    assert_eq!(
        (d.uv, d.paying_buyers, d.paid_amount),
        (Some(200), Some(7), Some(Money(30_000)))
    );
    assert!(
        p.warnings
            .contains(&Warning::PlatformDays("America/Los_Angeles".into()))
    );
    let bad = "platform = \"x\"\nname = \"X\"\ndate = [\"Day\"]\nday-zone = \"Mars/Olympus\"\n[columns]\n\"UV\" = \"uv\"\n";
    let err =
        storeops::domain::import::mapping::Mapping::parse("x.toml", bad).expect_err("bad zone");
    assert!(err.contains("day-zone"), "{err}");

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
    assert_eq!(from_dir.all.len(), 8);
    // A product mapping needs its id column and maps only to product figures.
    let products = |extra: &str| {
        import::Mapping::parse(
            "x.toml",
            &format!(
                "platform = \"x\"\nname = \"x\"\nkind = \"products\"\ndate = [\"日期\"]\n{extra}\n[columns]\n\"件数\" = \"units\"\n"
            ),
        )
    };
    assert!(products("product-id = [\"ID\"]").is_ok());
    assert!(products("").unwrap_err().contains("needs product-id"));
    assert!(
        import::Mapping::parse(
            "y.toml",
            "platform = \"y\"\nname = \"y\"\ndate = [\"日期\"]\n[columns]\n\"件数\" = \"units\"\n"
        )
        .unwrap_err()
        .contains("unknown figure \"units\""),
        "units is a product figure, not a shop figure"
    );
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
    let preview = import::preview(p, &BTreeMap::new(), &BTreeMap::new());
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
        "shop:tmall",
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
    let preview = import::preview(p.clone(), &stored, &BTreeMap::new());
    assert!(matches!(&preview.status[0].1, Status::Changes(f) if f.contains(&"uv".to_string())));
    assert_eq!(preview.status[1].1, Status::New);
    let n = data::import_days(&mut conn, shop, &p.days, "shop:tmall", 7, t.clock_now())
        .await
        .expect("import");
    assert_eq!(n, 3);
    let d = data::day(&mut conn, shop, date("2026-11-20"))
        .await
        .expect("day")
        .expect("some");
    assert_eq!((d.inquiries, d.uv), (Some(80), Some(4_000)), "merged");
    let again = data::import_days(&mut conn, shop, &p.days, "shop:tmall", 7, t.clock_now())
        .await
        .expect("import");
    assert_eq!(again, 0, "the same file twice changes nothing");
    let stored: BTreeMap<_, _> =
        data::range(&mut conn, shop, date("2026-11-01"), date("2026-11-30"))
            .await
            .expect("range")
            .into_iter()
            .collect();
    let preview = import::preview(p, &stored, &BTreeMap::new());
    assert!(preview.status.iter().all(|(_, s)| *s == Status::Unchanged));
    let (source,): (String,) = sqlx::query_as(
        "SELECT source FROM daily_figures WHERE shop_id = ?1 AND day = '2026-11-22'",
    )
    .bind(shop)
    .fetch_one(&mut *conn)
    .await
    .expect("source");
    assert_eq!(source, "shop:tmall");
}

/// The cells of the table line that starts with `first` (cells hold no spaces here).
fn table_row<'a>(out: &'a str, first: &str) -> Vec<&'a str> {
    out.lines()
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no row {first} in {out}"))
        .split_whitespace()
        .collect()
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
    // The days as a table: date, key figures, status.
    assert_eq!(
        table_row(&out, "2026-11-22"),
        ["2026-11-22", "25,000.00", "5,000", "100", "new"],
        "{out}"
    );
    assert_eq!(
        table_row(&out, "Date"),
        ["Date", "paid-amount", "uv", "paying-buyers", "Status"],
        "{out}"
    );
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

// ------------------------------------------------------------------ legacy .xls, products

/// 生意参谋's shop-daily download as the real binary .xls (BIFF8 in an OLE compound file),
/// written by tests/fixtures/make_xls.py: four description rows, the header on row 5, text
/// cells with thousands separators, number cells, `-` cells.
const SHOP_XLS: &[u8] = include_bytes!("../fixtures/sycm-shop-daily.xls");
/// The same sheet in a compound file shaped like Excel's and Apache POI's: summary streams
/// beside the workbook, and a workbook short enough to live in the mini stream.
const SHOP_XLS_MINISTREAM: &[u8] = include_bytes!("../fixtures/sycm-shop-daily-ministream.xls");
/// 生意参谋's 商品_全部 download (.xls): 4 products × 3 days, same script.
const ITEMS_XLS: &[u8] = include_bytes!("../fixtures/sycm-items.xls");

fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn parse_named(bytes: &[u8], name: Option<&str>) -> Result<import::Parsed, import::ImportError> {
    import::parse_with(
        bytes,
        name,
        &Mappings::defaults(),
        None,
        DateOrder::Mdy,
        &mut |_, _| {},
    )
}

/// Every figure of the .xls fixture, as make_xls.py writes it.
fn shop_xls_days() -> BTreeMap<NaiveDate, DayFigures> {
    let m = |c: i64| Some(Money(c));
    BTreeMap::from([
        (
            date("2026-11-18"),
            DayFigures {
                pv: Some(12_345),
                uv: Some(4_100),
                ordering_buyers: Some(150),
                order_amount: m(330_000),
                paying_buyers: Some(123),
                paid_amount: m(3_075_000),
                paid_orders: Some(130),
                refund_amount: None,  // `-`
                ad_spend: m(150_000), // 1,000.00 + 500.00
                ..DayFigures::default()
            },
        ),
        (
            date("2026-11-19"),
            DayFigures {
                pv: Some(9_876),
                uv: Some(3_000),
                ordering_buyers: Some(100),
                order_amount: m(200_050), // number cell 2000.5
                paying_buyers: Some(90),
                paid_amount: m(1_800_000),
                paid_orders: Some(95),
                refund_amount: m(150_025),
                ad_spend: m(30_050), // `-` + 300.5
                ..DayFigures::default()
            },
        ),
        (
            date("2026-11-20"),
            DayFigures {
                pv: Some(1_234_567),
                uv: Some(50_000),
                ordering_buyers: None,
                order_amount: None,
                paying_buyers: Some(4_321),
                paid_amount: m(123_456_789),
                paid_orders: Some(4_500),
                refund_amount: m(0),
                ad_spend: None, // `-` + `-`
                ..DayFigures::default()
            },
        ),
        (
            date("2026-11-21"),
            DayFigures {
                pv: Some(8_000),
                uv: Some(2_500),
                ordering_buyers: Some(90),
                order_amount: m(180_000),
                paying_buyers: Some(75),
                paid_amount: m(1_500_000),
                paid_orders: Some(80),
                refund_amount: m(20_000),
                ad_spend: m(80_000),
                ..DayFigures::default()
            },
        ),
    ])
}

#[test]
fn legacy_xls_is_told_by_its_bytes_whatever_its_name() {
    assert!(
        SHOP_XLS.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        "the fixture is a real OLE/BIFF file"
    );
    for name in [
        None,
        Some("【生意参谋平台】店铺整体_2026-11-18_2026-11-21.xls"),
        Some("renamed.csv"),
        Some("renamed.xlsx"),
        Some("no-extension"),
    ] {
        let p = parse_named(SHOP_XLS, name).unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(p.format, "xls", "{name:?}");
        assert_eq!(p.platform, "tmall");
        assert_eq!(p.kind, import::Kind::Shop);
        assert_eq!(p.header_row, 5, "four description rows above the header");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        // Every rate in the file agrees with its counts; every column is known.
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.days, shop_xls_days(), "{name:?}");
        assert!(p.products.is_empty());
    }
    let p = parse_named(SHOP_XLS_MINISTREAM, Some("export.xls")).expect("mini stream layout");
    assert_eq!((p.format.as_str(), p.header_row), ("xls", 5));
    assert_eq!(p.days, shop_xls_days());
}

#[test]
fn item_export_is_recognised_and_read_per_product() {
    let p = parse_named(ITEMS_XLS, Some("【生意参谋平台】商品_全部.xls")).expect("items");
    assert_eq!(
        (p.platform.as_str(), p.kind),
        ("tmall-items", import::Kind::Products)
    );
    assert_eq!((p.format.as_str(), p.header_row), ("xls", 5));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert!(p.days.is_empty(), "nothing goes to the shop's days");
    assert_eq!(
        (p.product_count(), p.products.len(), p.product_rows()),
        (4, 3, 12)
    );
    assert_eq!(p.range(), Some((date("2026-11-20"), date("2026-11-22"))));
    let row = |d: &str, id: &str| p.products[&date(d)][id].clone();
    let cup = row("2026-11-20", "652384729301");
    assert_eq!(cup.name, "加厚保温杯 500ml 316不锈钢");
    assert_eq!(
        cup.figures,
        ProductFigures {
            uv: Some(1_200),
            pv: Some(3_456),
            paying_buyers: Some(50),
            units: Some(58),
            paid_amount: Some(Money(574_200)),
            refund_amount: Some(Money(9_900)),
        }
    );
    // `-` everywhere but the traffic: sold nothing.
    assert_eq!(
        row("2026-11-20", "652384729303").figures,
        ProductFigures {
            uv: Some(300),
            pv: Some(640),
            ..ProductFigures::default()
        }
    );
    // Number cells.
    assert_eq!(
        row("2026-11-21", "652384729302").figures,
        ProductFigures {
            uv: Some(700),
            pv: Some(1_500),
            paying_buyers: Some(18),
            units: Some(19),
            paid_amount: Some(Money(112_100)),
            refund_amount: Some(Money(0)),
        }
    );
    assert_eq!(row("2026-11-22", "652384729304").figures.units, Some(104));
    assert!(
        p.columns
            .contains(&("商品访客数".to_string(), Use::Field("uv".into())))
    );
    assert!(p.columns.contains(&("商品ID".to_string(), Use::ProductId)));
}

#[test]
fn a_product_file_is_never_read_as_shop_days() {
    // Only the columns a shop export also has: still a product export, by its 商品ID.
    let csv = "统计日期,商品ID,商品名称,支付买家数,支付金额\n2026-11-22,1001,杯子,3,90.00\n2026-11-22,1002,碗,1,20.00\n";
    let p = parse(csv.as_bytes());
    assert_eq!(p.platform, "tmall-items");
    assert!(p.days.is_empty());
    assert_eq!(p.product_rows(), 2);
    // The same product twice on a day, or a row without an id: reported, not guessed.
    let bad = "统计日期,商品ID,商品名称,支付金额\n2026-11-22,1001,杯子,90.00\n2026-11-22,1001,杯子,90.00\n2026-11-22,-,碗,20.00\n";
    let p = parse(bad.as_bytes());
    let got: Vec<(usize, &str, Why)> = p
        .problems
        .iter()
        .map(|x| (x.row, x.column.as_str(), x.why))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "商品ID", Why::DuplicateProduct),
            (4, "商品ID", Why::NoProduct)
        ]
    );
    assert!(!import::preview(p, &BTreeMap::new(), &BTreeMap::new()).can_apply());
    // An item export forced through the shop mapping is refused with the one to use.
    assert!(matches!(
        import::parse(csv.as_bytes(), &Mappings::defaults(), Some("tmall"), DateOrder::Mdy),
        Err(import::ImportError::ProductExport(p)) if p == "tmall-items"
    ));
    // A shop export named as a product export is refused with the platform's name.
    assert!(matches!(
        import::parse(
            tmall_csv().as_bytes(),
            &Mappings::defaults(),
            Some("tmall-items"),
            DateOrder::Mdy
        ),
        Err(import::ImportError::NotThisPlatform(p)) if p == "tmall-items"
    ));
}

/// The shop's id in the shell's guild.
async fn shop_id(t: &TestApp, name: &str) -> i64 {
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::shops_named(&mut conn, name).await.expect("named")[0]
        .1
        .id
}

/// Every stored product row with its bookkeeping, to compare before and after.
async fn product_table(t: &TestApp) -> Vec<(i64, String, String, String, Option<i64>, i64)> {
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    sqlx::query_as(
        "SELECT shop_id, day, product_id, name, paid_cents, entered_at FROM product_figures ORDER BY 1, 2, 3",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("rows")
}

#[tokio::test]
async fn items_are_confirmed_into_their_own_table_once() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    sh.execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await;
    // The shop's own figures of a day the item file also covers.
    let out = sh
        .execute(
            "/data enter shop:Tmall date:2026-11-20 uv:4000 paying-buyers:120 paid-amount:30000",
        )
        .await
        .text;
    assert!(out.contains("2026-11-20"), "{out}");
    let id = shop_id(&t, "Tmall").await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop_days_before = data::range(&mut conn, id, date("2026-11-01"), date("2026-11-30"))
        .await
        .expect("range");
    drop(conn);

    let line = format!(
        "/data import file:{} shop:Tmall",
        fixture_path("sycm-items.xls")
    );
    let out = sh.execute(&line).await.text;
    assert!(
        out.contains("Platform recognised from the headers: tmall-items"),
        "{out}"
    );
    assert!(out.contains("Products: 4 × 3 days (12 rows)"), "{out}");
    assert_eq!(
        table_row(&out, "Date"),
        [
            "Date",
            "Products",
            "New",
            "Changed",
            "Unchanged",
            "units",
            "paid-amount"
        ],
        "{out}"
    );
    assert_eq!(
        table_row(&out, "2026-11-20"),
        ["2026-11-20", "4", "4", "0", "0", "151", "11,229.00"],
        "{out}"
    );
    assert!(
        out.contains("Product rows: 12 new, 0 would change, 0 unchanged"),
        "{out}"
    );
    assert!(product_table(&t).await.is_empty(), "nothing before Confirm");
    let forced = sh.execute(&format!("{line} platform:tmall")).await.text;
    assert!(
        forced.contains(
            "This is a per-product export: import it with platform:tmall-items, or leave platform: out."
        ),
        "{forced}"
    );
    let out = sh
        .execute(&format!("/press imp:confirm:{}", token(&out)))
        .await
        .text;
    assert!(
        out.contains("Imported 12 product rows (4 products × 3 days) into Tmall: 12 changed."),
        "{out}"
    );

    // Stored exactly as read, and the shop's days untouched: not summed into its visitors.
    let parsed = parse(ITEMS_XLS);
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let stored = products::range(&mut conn, id, date("2026-11-01"), date("2026-11-30"))
        .await
        .expect("products");
    assert_eq!(stored, parsed.products);
    assert_eq!(
        data::range(&mut conn, id, date("2026-11-01"), date("2026-11-30"))
            .await
            .expect("range"),
        shop_days_before
    );
    drop(conn);

    // The same file again changes nothing, not even who entered it when.
    let before = product_table(&t).await;
    assert_eq!(before.len(), 12);
    t.clock.advance(chrono::Duration::hours(2));
    let out = sh.execute(&line).await.text;
    assert!(out.contains("nothing to import"), "{out}");
    assert_eq!(
        table_row(&out, "2026-11-22"),
        ["2026-11-22", "4", "0", "0", "4", "215", "15,685.00"],
        "{out}"
    );
    assert!(!out.contains("/press imp:confirm"), "{out}");
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let n = products::import(&mut conn, id, &parsed.products, 1, t.clock_now(), &|_| {})
        .await
        .expect("again");
    assert_eq!(n, 0);
    drop(conn);
    assert_eq!(product_table(&t).await, before);
}

#[tokio::test]
async fn a_failed_product_write_leaves_nothing_half_written() {
    let t = TestApp::new().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop = data::add_shop(&mut conn, 1, "Tmall", "tmall", "CNY", t.clock_now())
        .await
        .expect("add")
        .expect("new");
    // The last product of the last day cannot be written (a full disk, say).
    sqlx::query(
        "CREATE TRIGGER fail_last BEFORE INSERT ON product_figures
         WHEN NEW.product_id = '652384729304' AND NEW.day = '2026-11-22'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&mut *conn)
    .await
    .expect("trigger");
    let parsed = parse(ITEMS_XLS);
    let r = products::import(&mut conn, shop, &parsed.products, 1, t.clock_now(), &|_| {}).await;
    assert!(r.is_err(), "{r:?}");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM product_figures")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(n, 0, "the 11 rows before the failure were rolled back");
}

#[tokio::test]
async fn cli_imports_the_xls_with_a_full_table_and_exact_figures() {
    let t = TestApp::new().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let shop = data::add_shop(&mut conn, 1, "Tmall", "tmall", "CNY", t.clock_now())
        .await
        .expect("add")
        .expect("new");
    drop(conn);
    let args = |dry_run| CliImport {
        file: fixture_path("sycm-shop-daily.xls").into(),
        shop: "tmall".into(),
        guild: None,
        platform: None,
        dry_run,
        order: DateOrder::Mdy,
        all: false,
    };
    let l = Locale::EnUs;
    let out = run_cli(&t.app, &args(true), l, t.clock_now(), &NoProgress)
        .await
        .expect("dry run");
    assert!(out.contains("File: xls, header on row 5"), "{out}");
    // Every figure of the file is a column of the terminal's table.
    assert_eq!(
        table_row(&out, "Date"),
        [
            "Date",
            "pv",
            "uv",
            "ordering-buyers",
            "order-amount",
            "paying-buyers",
            "paid-amount",
            "paid-orders",
            "refund-amount",
            "ad-spend",
            "Status"
        ],
        "{out}"
    );
    assert_eq!(
        table_row(&out, "2026-11-20"),
        [
            "2026-11-20",
            "1,234,567",
            "50,000",
            "—",
            "—",
            "4,321",
            "1,234,567.89",
            "4,500",
            "0.00",
            "—",
            "new"
        ],
        "{out}"
    );
    assert!(!out.contains("```"), "no chat markup on a terminal: {out}");
    assert!(out.ends_with("Dry run: nothing was written."), "{out}");
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let (from, to) = (date("2026-11-01"), date("2026-11-30"));
    assert!(
        data::range(&mut conn, shop, from, to)
            .await
            .expect("range")
            .is_empty()
    );

    let out = run_cli(&t.app, &args(false), l, t.clock_now(), &NoProgress)
        .await
        .expect("import");
    assert!(
        out.ends_with("Imported 4 days into Tmall: 4 changed."),
        "{out}"
    );
    let got: BTreeMap<_, _> = data::range(&mut conn, shop, from, to)
        .await
        .expect("range")
        .into_iter()
        .collect();
    assert_eq!(got, shop_xls_days());
    let out = run_cli(&t.app, &args(false), l, t.clock_now(), &NoProgress)
        .await
        .expect("again");
    assert!(
        out.ends_with("Imported 4 days into Tmall: 0 changed."),
        "{out}"
    );
    let (history,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures_history")
        .fetch_one(&mut *conn)
        .await
        .expect("history");
    assert_eq!(history, 4, "the second run wrote no history");
}

/// Records what `storeops import` reports, as the terminal's bar would show it.
#[derive(Default)]
struct Recorded(
    std::sync::Mutex<Vec<(Step, u64, Vec<u64>)>>,
    std::sync::atomic::AtomicUsize,
);

impl Progress for Recorded {
    fn start(&self, step: Step, total: u64) {
        self.0.lock().unwrap().push((step, total, vec![]));
    }
    fn set(&self, done: u64) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.2.push(done);
        }
    }
    fn finish(&self) {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A product export of `products` × `days` rows (CSV, as large as a real month's).
fn big_items_csv(products: usize, days: u32) -> String {
    let mut s = String::from("统计日期,商品ID,商品名称,商品访客数,支付件数,支付金额\n");
    for d in 1..=days {
        for p in 0..products {
            s.push_str(&format!(
                "2026-11-{d:02},{},商品{p},\"1,{:03}\",{},\"{}.50\"\n",
                700_000_000_000u64 + p as u64,
                p % 1000,
                p % 7,
                p * 10
            ));
        }
    }
    s
}

#[tokio::test]
async fn cli_reports_progress_through_every_step_of_a_large_file() {
    let t = TestApp::new().await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::add_shop(&mut conn, 1, "Tmall", "tmall", "CNY", t.clock_now())
        .await
        .expect("add");
    drop(conn);
    let file = t.dir.path().join("商品_全部.csv");
    std::fs::write(&file, big_items_csv(1_000, 3)).expect("write");
    let args = CliImport {
        file,
        shop: "Tmall".into(),
        guild: None,
        platform: None,
        dry_run: false,
        order: DateOrder::Mdy,
        all: false,
    };
    let rec = Recorded::default();
    let out = run_cli(&t.app, &args, Locale::ZhCn, t.clock_now(), &rec)
        .await
        .expect("import");
    assert!(out.contains("商品：1000 个 × 3 天（3000 行）"), "{out}");
    assert!(
        out.ends_with("已向 Tmall 导入 3000 行商品数据（1000 个商品 × 3 天）：3000 行有变化。"),
        "{out}"
    );
    let steps = rec.0.lock().unwrap().clone();
    let kinds: Vec<Step> = steps.iter().map(|s| s.0).collect();
    assert_eq!(kinds, [Step::Open, Step::Rows, Step::Compare, Step::Write]);
    let (_, rows_total, rows_done) = &steps[1];
    assert_eq!(*rows_total, 3_000);
    assert!(rows_done.len() > 2, "reported along the way: {rows_done:?}");
    assert!(rows_done.windows(2).all(|w| w[0] <= w[1]), "{rows_done:?}");
    assert_eq!(rows_done.last(), Some(&3_000));
    let (_, write_total, write_done) = &steps[3];
    assert_eq!(*write_total, 3_000);
    assert!(write_done.len() > 2, "{write_done:?}");
    assert_eq!(write_done.last(), Some(&3_000));
    assert_eq!(
        rec.1.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "bar cleared"
    );

    // A refusal still clears the bar, and is said in the user's language with what to type.
    let rec = Recorded::default();
    let wrong = CliImport {
        shop: "天猫旗舰店".into(),
        ..args.clone()
    };
    let err = run_cli(&t.app, &wrong, Locale::ZhCn, t.clock_now(), &rec)
        .await
        .expect_err("no such shop")
        .reason;
    assert_eq!(
        err,
        "没有名为“天猫旗舰店”的店铺。请先添加（在 Discord 或 storeops shell 中）：/数据 店铺 名称:\"天猫旗舰店\""
    );
    assert_eq!(rec.1.load(std::sync::atomic::Ordering::SeqCst), 1);
    let missing = CliImport {
        file: t.dir.path().join("nope.xls"),
        ..args
    };
    let err = run_cli(&t.app, &missing, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect_err("no file")
        .reason;
    assert!(
        err.starts_with("Cannot read ") && err.contains("nope.xls"),
        "{err}"
    );
}

#[tokio::test]
async fn files_that_are_no_table_are_refused_with_what_to_do() {
    let t = TestApp::new().await;
    let mut en = t.shell("alice", "manager", "en-US").await;
    let mut zh = t.shell("li", "operations", "zh-CN").await;
    en.execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await;
    let dir = t.dir.path();
    let mut ole_junk = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole_junk.extend((0..2_000u32).map(|i| (i * 37 % 251) as u8));
    // A password-protected xlsx: an OLE file holding an "EncryptedPackage" stream.
    let mut encrypted = ole_junk.clone();
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let binary: Vec<u8> = (0..3_000u32).map(|i| (i * 7 % 256) as u8).collect();
    for (name, bytes, en_says, zh_says) in [
        (
            "binary.xls",
            binary.clone(),
            "This .xls file is neither an Excel workbook (xls, xlsx) nor CSV text. Download the export again, or open it in Excel and save it as .xlsx or .csv.",
            "这个 .xls 文件既不是 Excel 工作簿",
        ),
        (
            "binary",
            binary,
            "This file is neither an Excel workbook",
            "这个文件既不是 Excel 工作簿",
        ),
        (
            "page.xls",
            b"<html><body><table><tr><td>\xe7\xbb\x9f\xe8\xae\xa1\xe6\x97\xa5\xe6\x9c\x9f</td></tr></table></body></html>".to_vec(),
            "This file is a web page, not an export",
            "这个文件是网页",
        ),
        (
            "broken.xls",
            ole_junk,
            "The file could not be read (",
            "无法读取文件（",
        ),
        (
            "locked.xlsx",
            encrypted,
            "The workbook is password-protected. Open it in Excel, remove the password",
            "这个工作簿设置了打开密码",
        ),
        (
            "empty.csv",
            b"\r\n \n".to_vec(),
            "The file is empty.",
            "文件是空的",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write");
        let line = format!("/data import file:{} shop:Tmall", path.display());
        let out = en.execute(&line).await.text;
        assert!(out.contains(en_says), "{name}: {out}");
        assert!(!out.contains("/press imp:"), "{name}: {out}");
        let out = zh.execute(&line).await.text;
        assert!(out.contains(zh_says), "{name}: {out}");
    }
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pending_imports")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(pending, 0);
}

// ------------------------------------------------------------------ crafted .xlsx

/// The 生意参谋 shop export of [`tmall_csv`] as an .xlsx (its text in a shared strings table).
fn tmall_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in import::table::parse_csv(&tmall_csv()).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_blank() {
                ws.write_string(r as u32, c as u16, cell.text()).expect("w");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// A zip's entries, unpacked.
fn zip_parts(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = vec![];
            f.read_to_end(&mut data).expect("read");
            (f.name().expect("name").into_owned(), data)
        })
        .collect()
}

/// A zip of these entries; `large` ones with zip64 sizes.
fn zip_of(parts: &[(String, Vec<u8>)], large: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(large.contains(&name.as_str()));
        w.start_file(name.as_str(), options).expect("start");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// A change to one part's XML.
type Edit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

/// An .xlsx with each named part's XML edited.
fn rewritten(xlsx: &[u8], edits: &[Edit<'_>]) -> Vec<u8> {
    let mut parts = zip_parts(xlsx);
    for (name, edit) in edits {
        let part = parts.iter_mut().find(|(n, _)| n == name).expect(name);
        part.1 = edit(std::str::from_utf8(&part.1).expect("utf-8")).into_bytes();
    }
    zip_of(&parts, &[])
}

/// Sets the size a zip64 entry's local and central headers say it unpacks to.
fn declare_zip64_size(zip: &mut [u8], name: &str, size: u64) {
    let u16_at = |z: &[u8], at: usize| usize::from(u16::from_le_bytes([z[at], z[at + 1]]));
    // (signature, name length, extra length, name) offsets.
    for (sig, n_at, x_at, name_at) in [(b"PK\x03\x04", 26, 28, 30), (b"PK\x01\x02", 28, 30, 46)] {
        let mut at = 0;
        while let Some(p) = zip[at..].windows(4).position(|w| w == sig) {
            let h = at + p;
            at = h + 4;
            let (n, x) = (u16_at(zip, h + n_at), u16_at(zip, h + x_at));
            if zip.get(h + name_at..h + name_at + n) != Some(name.as_bytes()) {
                continue;
            }
            let mut e = h + name_at + n;
            while e + 4 <= h + name_at + n + x {
                if u16_at(zip, e) == 1 {
                    zip[e + 4..e + 12].copy_from_slice(&size.to_le_bytes());
                }
                e += 4 + u16_at(zip, e + 2);
            }
        }
    }
}

/// A sheet's XML with `rows` added at its end.
fn in_sheet(rows: String) -> impl Fn(&str) -> String {
    move |s: &str| s.replace("</sheetData>", &format!("{rows}</sheetData>"))
}

#[tokio::test]
async fn crafted_xlsx_that_would_exhaust_memory_are_refused_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let mut en = t.shell("alice", "manager", "en-US").await;
    let mut zh = t.shell("li", "operations", "zh-CN").await;
    en.execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await;
    let export = tmall_xlsx();
    let p = parse(&export);
    check_tmall(&p);
    assert_eq!(p.format, "xlsx");

    const SST: &str = "xl/sharedStrings.xml";
    const SHEET: &str = "xl/worksheets/sheet1.xml";
    let unique = rewritten(
        &export,
        &[(SST, &|s: &str| {
            let at = s.find("uniqueCount=\"").expect("uniqueCount") + 13;
            let end = at + s[at..].find('"').expect("quote");
            format!("{}4000000000{}", &s[..at], &s[end..])
        })],
    );
    let dimension = rewritten(
        &export,
        &[(SHEET, &|s: &str| {
            let at = s.find("<dimension ref=\"").expect("dimension") + 16;
            let end = at + s[at..].find('"').expect("quote");
            format!("{}A1:XFD1048576{}", &s[..at], &s[end..])
        })],
    );
    let far = rewritten(
        &export,
        &[(
            SHEET,
            &in_sheet("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>".into()),
        )],
    );
    // A 5 MB shared string in 25 cells: 125 MB of copies.
    let sst = zip_parts(&export)
        .into_iter()
        .find(|(n, _)| n == SST)
        .expect("sst");
    let big = std::str::from_utf8(&sst.1)
        .expect("utf-8")
        .matches("<si>")
        .count();
    let rows: String = (100..105)
        .map(|r| {
            let cells: String = ["A", "B", "C", "D", "E"]
                .iter()
                .map(|c| format!("<c r=\"{c}{r}\" t=\"s\"><v>{big}</v></c>"))
                .collect();
            format!("<row r=\"{r}\">{cells}</row>")
        })
        .collect();
    let copies = rewritten(
        &export,
        &[
            (SST, &|s: &str| {
                let text = "杯".repeat((5 << 20) / 3);
                s.replace("</sst>", &format!("<si><t>{text}</t></si></sst>"))
            }),
            (SHEET, &in_sheet(rows)),
        ],
    );
    // 200 cell formats, each copying a 1 MB font name.
    let formats = rewritten(
        &export,
        &[("xl/styles.xml", &|s: &str| {
            let xfs = "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>".repeat(200);
            let name = format!("<name val=\"{}\"/>", "F".repeat(1 << 20));
            let at = s.find("<cellXfs").expect("cellXfs");
            let at = at + s[at..].find('>').expect(">") + 1;
            let s = format!("{}{xfs}{}", &s[..at], &s[at..]);
            let at = s.find("<name val=").expect("font name");
            let end = at + s[at..].find("/>").expect("/>") + 2;
            format!("{}{name}{}", &s[..at], &s[end..])
        })],
    );
    // A zip entry that says it unpacks to 10 GB.
    let mut parts = zip_parts(&export);
    parts.push(("xl/media/image1.png".into(), vec![0; 4096]));
    let mut bomb = zip_of(&parts, &["xl/media/image1.png"]);
    declare_zip64_size(&mut bomb, "xl/media/image1.png", 10 << 30);
    let declared: u64 = parts[..parts.len() - 1]
        .iter()
        .map(|(_, d)| d.len() as u64)
        .sum::<u64>()
        + (10 << 30);
    let bomb_mb = format!("{}", declared.div_ceil(1 << 20));
    assert_eq!(bomb_mb, "10241");

    let again_en =
        "Export it again from the platform, or open it in Excel, save it as .csv and upload that.";
    let again_zh = "请从平台重新导出，或用 Excel 打开后另存为 .csv 再上传。";
    for (name, bytes, en_says, zh_says) in [
        (
            "unique.xlsx",
            &unique,
            "This workbook says it holds 4,000,000,000 different texts, more than an export can (at most 2,000,000, and no more than its size can hold).".to_string(),
            "这个工作簿声称有 4,000,000,000 条不同的文本".to_string(),
        ),
        (
            "dimension.xlsx",
            &dimension,
            "This workbook's first sheet spans 17,179,869,184 cells, more than an export can (at most 2,000,000).".into(),
            "这个工作簿的第一个工作表跨越 17,179,869,184 个单元格".into(),
        ),
        (
            "far.xlsx",
            &far,
            "This workbook's first sheet spans 17,179,869,184 cells".into(),
            "第一个工作表跨越 17,179,869,184 个单元格".into(),
        ),
        (
            "copies.xlsx",
            &copies,
            "MB of text, more than an export can (at most 100 MB).".into(),
            "MB 文本，超出导出文件可能的大小（最多 100 MB）".into(),
        ),
        (
            "formats.xlsx",
            &formats,
            "MB, more than an export's can (at most 128 MB).".into(),
            "MB，超出导出文件可能的大小（最多 128 MB）".into(),
        ),
        (
            "bomb.xlsx",
            &bomb,
            "This workbook unpacks to 10,241 MB, more than an export can (at most 200 MB): it is damaged, or made to exhaust the bot's memory.".into(),
            "这个工作簿解压后有 10,241 MB".into(),
        ),
    ] {
        let path = t.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let line = format!("/data import file:{} shop:Tmall", path.display());
        let out = en.execute(&line).await.text;
        assert!(out.contains(&en_says) && out.contains(again_en), "{name}: {out}");
        assert!(!out.contains("/press imp:"), "{name}: {out}");
        let out = zh.execute(&line).await.text;
        assert!(out.contains(&zh_says) && out.contains(again_zh), "{name}: {out}");
    }

    // The command line says the same, and exits with it.
    let path = t.dir.path().join("far.xlsx");
    let args = CliImport {
        file: path,
        shop: "Tmall".into(),
        guild: None,
        platform: None,
        dry_run: false,
        order: DateOrder::Mdy,
        all: false,
    };
    let err = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect_err("refused")
        .reason;
    assert!(
        err.starts_with("This workbook's first sheet spans 17,179,869,184 cells"),
        "{err}"
    );

    // Nothing waits for a Confirm, nothing is stored; the export itself still imports.
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    for table in ["pending_imports", "daily_figures", "product_figures"] {
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await
                .expect("count");
        assert_eq!(n, 0, "{table}");
    }
    drop(conn);
    let path = t.dir.path().join("export.xlsx");
    std::fs::write(&path, &export).expect("write");
    import_confirmed(&mut en, &path.display().to_string(), "Tmall").await;
}

/// An .ods (a zip, as an .xlsx is) whose one row repeats a cell across every column, 20,000
/// times: calamine's .ods reader would lay out 300 million cells. It is not read as an .ods.
#[test]
fn a_zip_that_is_no_xlsx_is_not_read() {
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        row.repeat(20_000)
    );
    let ods = zip_of(
        &[
            (
                "mimetype".into(),
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            ("content.xml".into(), content.into_bytes()),
        ],
        &[],
    );
    let err = parse_named(&ods, Some("export.xlsx")).expect_err("not read");
    assert!(
        matches!(
            &err,
            import::ImportError::Table(import::TableError::Spreadsheet(_))
        ),
        "{err:?}"
    );
}

/// Imports a file through the shell and confirms it.
async fn import_confirmed(sh: &mut storeops::adapters::shell::Shell, path: &str, shop: &str) {
    let out = sh
        .execute(&format!("/data import file:{path} shop:{shop}"))
        .await
        .text;
    let out = sh
        .execute(&format!("/press imp:confirm:{}", token(&out)))
        .await
        .text;
    assert!(out.contains("Imported"), "{out}");
}

#[tokio::test]
async fn the_morning_summary_lists_the_top_sellers_of_days_with_product_figures() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    sh.execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await;
    import_confirmed(&mut sh, &fixture_path("sycm-shop-daily.xls"), "Tmall").await;
    let out = sh.execute("/summary now date:2026-11-21").await.text;
    assert!(
        !out.contains("Top sellers"),
        "no product figures yet: {out}"
    );
    import_confirmed(&mut sh, &fixture_path("sycm-items.xls"), "Tmall").await;

    // 2026-11-22: 7,425 / 6,136 / 2,124 paid; the glass (nothing sold) is not listed.
    let out = sh.execute("/summary now date:2026-11-22").await.text;
    let top = "Top sellers:\n  1. 加厚保温杯 500ml 316不锈钢 — 75 units · 7,425.00 CNY\n  2. 儿童吸管杯 — 104 units · 6,136.00 CNY\n  3. 陶瓷马克杯 北欧风 — 36 units · 2,124.00 CNY\nMonth to date:";
    assert!(out.contains(top), "{out}");
    assert!(!out.contains("玻璃水杯"), "{out}");
    let mut li = t.shell("li", "operations", "zh-CN").await;
    let out = li.execute("/summary now date:2026-11-21").await.text;
    assert!(
        out.contains("热销商品:\n  1. 加厚保温杯 500ml 316不锈钢 — 52 件 · 5,148.00 CNY\n  2. 儿童吸管杯 — 42 件 · 2,478.00 CNY\n  3. 陶瓷马克杯 北欧风 — 19 件 · 1,121.00 CNY\n"),
        "{out}"
    );
    // The shop's days are the shop export's, not the products' sums.
    assert!(out.contains("**Tmall**：15,000.00 CNY ·"), "{out}");
    let out = sh.execute("/summary now date:2026-11-19").await.text;
    assert!(
        !out.contains("Top sellers"),
        "no product figures that day: {out}"
    );

    // A second shop: each shop's own list under its name; a long title is cut, its markup
    // neutralised; a day with products but no sale says so.
    sh.execute("/data shop name:JD platform:jd currency:CNY")
        .await;
    let jd = t.dir.path().join("jd-items.csv");
    std::fs::write(
        &jd,
        "统计日期,商品ID,商品名称,支付件数,支付金额\n\
         2026-11-22,9001,【爆款】*超大容量* 运动水杯 2000ml 带吸管 刻度 提手,1,99.00\n\
         2026-11-22,9002,杯刷,0,0.00\n\
         2026-11-21,9002,杯刷,0,0.00\n",
    )
    .expect("write");
    import_confirmed(&mut sh, &jd.display().to_string(), "JD").await;
    let out = sh.execute("/summary now date:2026-11-22").await.text;
    assert!(
        out.contains("Top sellers:\n  **JD**\n  1. 【爆款】*超大容量* 运动水杯 2000ml… — 1 units · 99.00 CNY\n  **Tmall**\n  1. 加厚保温杯"),
        "{out}"
    );
    let out = sh.execute("/summary now date:2026-11-21").await.text;
    assert!(
        out.contains("Top sellers:\n  **JD**\n  No product sold.\n  **Tmall**\n  1. 加厚保温杯"),
        "{out}"
    );
}

// ------------------------------------------------------------------ never panics

/// A 0-based column as its letters: 0 → A, 16383 → XFD.
fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = vec![];
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn xlsx_bytes() -> &'static [u8] {
    static XLSX: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    XLSX.get_or_init(|| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in ["统计日期", "商品ID", "商品名称", "支付金额"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, c as u16, *h).expect("w");
        }
        ws.write_string(3, 0, "2026-11-22").expect("w");
        ws.write_number(3, 1, 652_384_729_301.0).expect("w");
        ws.write_string(3, 2, "杯子").expect("w");
        ws.write_string(3, 3, "1,299.00").expect("w");
        book.save_to_buffer().expect("xlsx")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Arbitrary bytes, and real .xls/.xlsx files with bytes flipped or cut short, named like
    /// spreadsheets: the reader answers with a value every time (a parsed file or an error
    /// the user is told), never a panic — nor an allocation so large it aborts the process
    /// (without the .xls guard, one or two damaged .xls files in a thousand did). An .xlsx is
    /// also damaged inside: bytes of its sheet, shared strings and styles XML flipped, and a
    /// cell put anywhere on the sheet, zipped again.
    #[test]
    fn arbitrary_bytes_named_xls_or_xlsx_never_panic(
        base in 0usize..6,
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..24),
        cut in proptest::option::of(any::<proptest::sample::Index>()),
        noise in proptest::collection::vec(any::<u8>(), 0..512),
        far in proptest::option::of((1u32..=1_048_576, 0u32..16_384)),
        name in proptest::sample::select(vec!["export.xls", "export.xlsx", "商品_全部.XLS", "export.csv", "export"]),
    ) {
        let mut bytes = match base {
            0 => SHOP_XLS.to_vec(),
            1 => ITEMS_XLS.to_vec(),
            2 => SHOP_XLS_MINISTREAM.to_vec(),
            3 => xlsx_bytes().to_vec(),
            4 => noise,
            _ => {
                let mut parts = zip_parts(xlsx_bytes());
                if let Some((row, col)) = far {
                    let sheet = parts.iter_mut().find(|(n, _)| n.ends_with("sheet1.xml")).expect("sheet");
                    let cell = format!("<row r=\"{row}\"><c r=\"{}{row}\"><v>1</v></c></row>", column_letters(col));
                    let xml = String::from_utf8(sheet.1.clone()).expect("utf-8");
                    sheet.1 = in_sheet(cell)(&xml).into_bytes();
                }
                let xml: Vec<usize> = (0..parts.len())
                    .filter(|i| ["sheet1.xml", "sharedStrings.xml", "styles.xml"].iter().any(|n| parts[*i].0.ends_with(n)))
                    .collect();
                // (Printable ASCII: the XML stays UTF-8, and reaches the XML readers.)
                for (k, (at, b)) in flips.iter().enumerate() {
                    let data = &mut parts[xml[k % xml.len()]].1;
                    let i = at.index(data.len());
                    data[i] = b' ' + b % 95;
                }
                zip_of(&parts, &[])
            }
        };
        if base < 5 {
            for (at, b) in &flips {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = *b;
                }
            }
        }
        if let Some(cut) = cut.filter(|_| base < 5) {
            let keep = cut.index(bytes.len() + 1);
            bytes.truncate(keep);
        }
        match parse_named(&bytes, Some(name)) {
            Ok(p) => prop_assert!(!p.platform.is_empty()),
            Err(e) => {
                // Whatever went wrong has a message in both languages.
                let choices = storeops::app::cmd::import::mappings();
                let user = import::parse_with(&bytes, Some(name), &choices, None, DateOrder::Mdy, &mut |_, _| {})
                    .map_err(|e| storeops::app::cmd::import::user_error(e, &choices))
                    .expect_err(&format!("{e}"));
                for l in Locale::ALL {
                    let text = user.render(l);
                    prop_assert!(!text.is_empty() && !text.starts_with("imp-"), "{text}");
                }
            }
        }
    }
}

/// A Confirm whose write fails (a full disk, say) stores nothing and keeps the preview: the
/// same Confirm works once the cause is gone, and then only once.
#[tokio::test]
async fn a_confirm_whose_write_fails_keeps_the_preview_to_confirm_again() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    sh.execute("/data shop name:Tmall platform:tmall currency:CNY")
        .await;
    let file = t.dir.path().join("tmall.csv");
    std::fs::write(&file, tmall_csv()).expect("write");
    let out = sh
        .execute(&format!("/data import file:{} shop:Tmall", file.display()))
        .await
        .text;
    let tok = token(&out);
    sqlx::query(
        "CREATE TRIGGER fail_last BEFORE INSERT ON daily_figures
         WHEN NEW.day = '2026-11-22'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&t.app.store.pool)
    .await
    .expect("trigger");
    let out = sh.execute(&format!("/press imp:confirm:{tok}")).await.text;
    assert!(!out.contains("Imported"), "{out}");
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures")
            .fetch_one(&t.app.store.pool)
            .await
            .expect("count");
        n
    };
    assert_eq!(count().await, 0, "nothing half-written");
    sqlx::query("DROP TRIGGER fail_last")
        .execute(&t.app.store.pool)
        .await
        .expect("drop trigger");
    let out = sh.execute(&format!("/press imp:confirm:{tok}")).await.text;
    assert!(out.contains("Imported 3 days into Tmall"), "{out}");
    assert_eq!(count().await, 3);
    let out = sh.execute(&format!("/press imp:confirm:{tok}")).await.text;
    assert!(out.contains("expired"), "{out}");
}
