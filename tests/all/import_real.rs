//! Importing exports as sellers actually download them (issue #22): files under
//! tests/fixtures/real/ that reproduce the structure of real exports found in public
//! repositories (tests/fixtures/real/SOURCES.md says which, and what each carries; the
//! figures are made up). Each test names the gap it closes; each failed before its fix.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use storeops::app::cmd::import::{CliImport, NoProgress, run_cli};
use storeops::domain::import::{self, DateOrder, ImportError, Mappings, Parsed, Use, Warning, Why};
use storeops::domain::money::Money;
use storeops::i18n::Locale;
use storeops::store::data;

use crate::support::TestApp;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn real(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(real(name)).expect(name)
}

fn parse_as(name: &str, platform: Option<&str>, order: DateOrder) -> Result<Parsed, ImportError> {
    import::parse_with(
        &bytes(name),
        Some(name),
        &Mappings::defaults(),
        platform,
        order,
        &mut |_, _| {},
    )
}

fn parse(name: &str) -> Parsed {
    parse_as(name, None, DateOrder::Auto).expect(name)
}

fn unknown_columns(p: &Parsed) -> Vec<String> {
    p.warnings
        .iter()
        .filter_map(|w| match w {
            Warning::UnknownColumns(c) => Some(c.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn use_of<'a>(p: &'a Parsed, header: &str) -> Option<&'a Use> {
    p.columns.iter().find(|(h, _)| h == header).map(|(_, u)| u)
}

/// A shop of this currency on a fresh database.
async fn shop(t: &TestApp, name: &str, currency: &str) -> i64 {
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::add_shop(&mut conn, 1, name, "amazon", currency, t.clock_now())
        .await
        .expect("add")
        .expect("new")
}

fn cli(file: PathBuf, shop: &str) -> CliImport {
    CliImport {
        file,
        shop: shop.into(),
        guild: None,
        platform: None,
        dry_run: false,
        order: DateOrder::Auto,
        all: false,
    }
}

async fn stored(
    t: &TestApp,
    shop: i64,
) -> BTreeMap<NaiveDate, storeops::domain::metrics::DayFigures> {
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::range(&mut conn, shop, date("2000-01-01"), date("2100-01-01"))
        .await
        .expect("range")
        .into_iter()
        .collect()
}

// ------------------------------------------------------------ header matching by meaning

/// Amazon's current header style (en dashes, sentence case: `Sessions – Total`, `Page views –
/// Total`, `Total order items`) is the same columns: every figure imports, nothing is "not
/// imported". Before: only `Ordered Product Sales` imported, the rest were unknown columns.
#[test]
fn amazon_current_header_style_imports_every_figure() {
    let p = parse("amazon-uk-by-date.csv");
    assert_eq!(p.platform, "amazon");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(
        use_of(&p, "Sessions – Total"),
        Some(&Use::Field("uv".into()))
    );
    assert_eq!(
        use_of(&p, "Page views – Total"),
        Some(&Use::Field("pv".into()))
    );
    assert_eq!(
        use_of(&p, "Total order items"),
        Some(&Use::Field("paid-orders".into()))
    );
    assert_eq!(use_of(&p, "Units ordered"), Some(&Use::Ignored));
    assert_eq!(
        unknown_columns(&p),
        Vec::<String>::new(),
        "every column known"
    );
    let d = &p.days[&date("2025-09-13")];
    assert_eq!(d.paid_amount, Some(Money(1_000 * 100 + 13 * 3_700 + 50)));
    assert_eq!(d.paid_orders, Some(53));
    assert_eq!(d.uv, Some(1_643));
    assert_eq!(d.pv, Some(2_269));
}

/// Headers compare by meaning: case, every dash, no-break and full-width spaces, full-width
/// forms; and a listed spelling (a renamed column) is its column. B2B stays another column.
#[test]
fn headers_compare_by_meaning_and_mappings_list_their_spellings() {
    let maps = Mappings::defaults();
    let amazon = maps.get("amazon").expect("amazon");
    for h in [
        "Sessions – Total",
        "SESSIONS\u{a0}—\u{a0}TOTAL",
        "sessions-total",
        "Ｓｅｓｓｉｏｎｓ － Ｔｏｔａｌ",
    ] {
        assert_eq!(amazon.canonical(h), Some("Sessions - Total"), "{h:?}");
    }
    assert_eq!(
        amazon.canonical("Sessions – Total – B2B"),
        Some("Sessions - Total - B2B")
    );
    let shopify = maps.get("shopify-sales").expect("shopify");
    assert_eq!(shopify.canonical("Sales reversals"), Some("Returns"));
    assert_eq!(shopify.canonical("Shipping charges"), Some("Shipping"));
    // Every spelling a shipped mapping lists names the year it was seen.
    for m in &maps.all {
        for (column, spellings) in &m.spellings {
            assert!(m.canonical(column).is_some(), "{}: {column}", m.platform);
            for s in spellings {
                assert!((2015..=2030).contains(&s.seen), "{}: {:?}", m.platform, s);
                assert_eq!(m.canonical(&s.name), Some(column.as_str()));
            }
        }
    }
    // A mapping whose two columns are one by meaning is refused.
    let clash = "platform = \"x\"\nname = \"X\"\ndate = [\"Day\"]\nignore = [\"Units ordered\"]\n[columns]\n\"Units Ordered\" = \"paid-orders\"\n";
    let err = import::Mapping::parse("x.toml", clash).expect_err("clash");
    assert!(err.contains("one column"), "{err}");
}

/// The ignore lists follow the platforms: Shopify's `Shipping charges`, `Duties`,
/// `Additional fees`, 生意参谋's `结构化详情引导转化率` no longer warn on every import.
#[test]
fn columns_the_platforms_added_are_known() {
    let p = parse("shopify-sales-compare.csv");
    assert_eq!(unknown_columns(&p), Vec::<String>::new());
    for h in ["Duties", "Additional fees"] {
        assert_eq!(use_of(&p, h), Some(&Use::Ignored), "{h}");
    }
    // Shipping charged to buyers is part of what they paid (支付金额 includes postage).
    assert_eq!(
        use_of(&p, "Shipping charges"),
        Some(&Use::Part("paid-amount".into()))
    );
    let p = parse("sycm-items-2026.csv");
    assert_eq!(p.platform, "tmall-items");
    assert!(
        p.format.contains("gb18030") || p.format.contains("GB"),
        "{}",
        p.format
    );
    assert_eq!(unknown_columns(&p), Vec::<String>::new());
    assert_eq!(use_of(&p, "结构化详情引导转化率"), Some(&Use::Ignored));
    assert_eq!(p.product_rows(), 2);
    let cup = &p.products[&date("2026-08-11")]["700000000001"];
    assert_eq!(cup.figures.paid_amount, Some(Money(198_000)));
}

// ------------------------------------------------------------ rows that are not data

/// A "compare to previous year" export ends with a line whose own day is empty (zeros) and
/// whose previous-year day is full: skipped and counted, the previous year's columns not
/// imported. Before: "row 30, Day: no date", and nothing imported.
#[test]
fn comparison_rows_whose_own_period_is_empty_are_skipped() {
    let p = parse("shopify-sales-compare.csv");
    assert_eq!(p.platform, "shopify-sales");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.days.len(), 28);
    assert_eq!(p.skipped.comparison, vec![30]);
    assert_eq!(use_of(&p, "Day (previous_year)"), Some(&Use::Comparison));
    assert_eq!(use_of(&p, "Orders (previous_year)"), Some(&Use::Comparison));
    assert!(!p.days.contains_key(&date("2024-02-29")));
    let d = &p.days[&date("2025-02-04")];
    assert_eq!(d.paid_orders, Some(34));
    assert_eq!(
        d.refund_amount,
        Some(Money(1_200)),
        "-12.00 is 12.00 refunded"
    );
    assert_eq!(d.discount_cost, Some(Money(5_100)));

    let p = parse("shopify-sessions-compare.csv");
    assert_eq!(p.platform, "shopify-sessions");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.days.len(), 28);
    assert_eq!(p.skipped.comparison, vec![30]);
    assert_eq!(p.days[&date("2025-02-28")].uv, Some(428));
}

/// A positive Shopify `Returns` is a reversal (a return undone), not a refund: the day's
/// refund is 0 and the preview says so. Before: stored as 12.00 of refunds.
#[test]
fn a_positive_return_is_a_reversal_not_a_refund() {
    let p = parse("shopify-sales-compare.csv");
    assert_eq!(p.days[&date("2025-02-05")].refund_amount, Some(Money(0)));
    assert!(
        p.warnings.contains(&Warning::Reversal {
            row: 6,
            column: "Returns".into(),
            value: "12".into()
        }),
        "{:?}",
        p.warnings
    );
    // A renamed column (Shopify's `Sales reversals`) reads the same way.
    let csv = "Day,Orders,Gross sales,Discounts,Sales reversals,Total sales\n2026-03-01,3,90.00,-5.00,-10.00,75.00\n";
    let p = import::parse(csv.as_bytes(), &Mappings::defaults(), None, DateOrder::Auto)
        .expect("parsed");
    assert_eq!(
        p.days[&date("2026-03-01")].refund_amount,
        Some(Money(1_000))
    );
}

/// Daily downloads pasted one under another repeat their description and header lines:
/// skipped and counted (with the blank line and the operator's total). Before: each repeated
/// header gave its cells as errors ("统计日期": not a date) and nothing imported.
#[tokio::test]
async fn pasted_daily_downloads_skip_their_repeated_headers() {
    let p = parse("sycm-pasted-month.xlsx");
    assert_eq!(p.platform, "tmall");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(
        p.days.keys().copied().collect::<Vec<_>>(),
        vec![date("2026-11-01"), date("2026-11-02"), date("2026-11-03")]
    );
    assert_eq!(p.skipped.headers, vec![9, 11]);
    assert_eq!(p.skipped.notes, vec![7, 8]);
    assert_eq!(p.skipped.blank, 1);
    assert_eq!(p.skipped.totals, vec![13]);
    let d = &p.days[&date("2026-11-02")];
    assert_eq!((d.uv, d.paid_amount), (Some(4_200), Some(Money(2_520_000))));

    // The preview counts them, with their rows, in both languages.
    let t = TestApp::new().await;
    shop(&t, "Tmall", "CNY").await;
    let mut args = cli(real("sycm-pasted-month.xlsx"), "Tmall");
    args.dry_run = true;
    let out = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect("preview");
    assert!(
        out.contains("Not data, skipped: the header line again: 2 (rows 9, 11); description lines: 2 (rows 7, 8); total lines: 1 (row 13); blank lines: 1\n"),
        "{out}"
    );
    let out = run_cli(&t.app, &args, Locale::ZhCn, t.clock_now(), &NoProgress)
        .await
        .expect("preview");
    assert!(
        out.contains("已跳过的非数据行：重复的表头行 2 行（第 9, 11 行）；说明行 2 行（第 7, 8 行）；合计行 1 行（第 13 行）；空行 1 行\n"),
        "{out}"
    );
}

// ------------------------------------------------------------ every sheet of a workbook

/// The workbook's second sheet (a 阿里妈妈 plan report) is read when its platform is chosen,
/// and named; without a platform the preview says the sheet is another platform's. Before:
/// `--platform alimama` said there was no alimama header.
#[tokio::test]
async fn every_sheet_is_considered_and_the_preview_names_it() {
    let p = parse("sycm-pasted-month.xlsx");
    assert_eq!(p.sheet_count, 2);
    assert_eq!(p.sheets.len(), 1);
    assert_eq!(p.sheets[0].name.as_deref(), Some("11月"));
    assert!(
        p.warnings.contains(&Warning::OtherSheet {
            sheet: "计划报表".into(),
            platform: "alimama".into()
        }),
        "{:?}",
        p.warnings
    );
    let p = parse_as("sycm-pasted-month.xlsx", Some("alimama"), DateOrder::Auto).expect("alimama");
    assert_eq!(p.platform, "alimama");
    assert_eq!(p.sheets[0].name.as_deref(), Some("计划报表"));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let d = &p.days[&date("2026-11-02")];
    assert_eq!(
        d.ad_spend,
        Some(Money(30_000 + 12_050)),
        "two plans added up"
    );
    assert_eq!(d.ad_sales, Some(Money(120_000 + 30_000)));

    let t = TestApp::new().await;
    let id = shop(&t, "Tmall", "CNY").await;
    let mut args = cli(real("sycm-pasted-month.xlsx"), "Tmall");
    args.platform = Some("alimama".into());
    let out = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect("imported");
    assert!(out.contains("2 sheets"), "{out}");
    assert!(out.contains("sheet “计划报表”, header on row 1"), "{out}");
    assert!(
        out.contains("Sheet “11月” is another platform's export (tmall)"),
        "{out}"
    );
    assert_eq!(stored(&t, id).await.len(), 3);
}

/// Two sheets of the same platform import together when they are different days; the same
/// day on two sheets is refused, naming the sheet.
#[test]
fn sheets_of_one_platform_import_together_when_their_days_differ() {
    let day = |d: u32| {
        format!("统计日期,访客数,支付金额,支付买家数\n2026-11-{d:02},100,\"1,000.00\",5\n")
    };
    let book = workbook(&[("1日", &day(1)), ("2日", &day(2))]);
    let p = import::parse(&book, &Mappings::defaults(), None, DateOrder::Auto).expect("two");
    assert_eq!(p.days.len(), 2);
    assert_eq!(p.sheets.len(), 2);
    let book = workbook(&[("1日", &day(1)), ("又1日", &day(1))]);
    let p = import::parse(&book, &Mappings::defaults(), None, DateOrder::Auto).expect("same");
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].why, Why::DuplicateDay);
    assert_eq!(p.problems[0].sheet.as_deref(), Some("又1日"));
}

/// A later sheet is checked before it is read, as the first is: one crafted to span the
/// whole grid (calamine would lay out 17 billion cells, and the allocation would abort the
/// bot) is left out, said, and the first sheet still imports.
#[test]
fn a_later_sheet_beyond_an_exports_size_is_left_out() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("日报").expect("name");
    for (c, v) in ["统计日期", "访客数", "支付金额", "支付买家数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *v).expect("w");
    }
    for (c, v) in ["2026-11-01", "100", "1000.00", "5"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).expect("w");
    }
    let big = book.add_worksheet();
    big.set_name("huge").expect("name");
    big.write_string(0, 0, "日期").expect("w");
    big.write_string(1_048_575, 16_383, "far").expect("w");
    let bytes = book.save_to_buffer().expect("xlsx");
    assert!(
        import::xlsx_guard::check(&bytes).is_ok(),
        "the first sheet is fine"
    );
    assert!(
        import::xlsx_guard::check_sheet(&bytes, 1).is_err(),
        "the second is refused before calamine lays it out"
    );
    let p = import::parse(&bytes, &Mappings::defaults(), None, DateOrder::Auto).expect("read");
    assert_eq!(p.days.len(), 1);
    assert_eq!(p.sheet_count, 2);
    assert!(
        p.warnings.contains(&Warning::SheetNotRead("huge".into())),
        "{:?}",
        p.warnings
    );
}

// ------------------------------------------------------------ currencies

/// `AED 4,426.00` (a no-break space after the code) reads, and the currency is checked
/// against the shop's: a USD shop refuses the file naming both, before anything is written;
/// an AED shop imports it. Before: every amount was "not an amount".
#[tokio::test]
async fn money_with_a_currency_code_reads_and_must_be_the_shops() {
    let p = parse("amazon-ae-by-date.csv");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.currencies, vec!["AED".to_string()]);
    assert_eq!(
        p.days[&date("2022-10-01")].paid_amount,
        Some(Money(314_200))
    );
    assert_eq!(p.currency_conflict("USD"), Some("AED"));
    assert_eq!(p.currency_conflict("aed"), None);

    let t = TestApp::new().await;
    let usd = shop(&t, "US store", "USD").await;
    let aed = shop(&t, "UAE store", "AED").await;
    let err = run_cli(
        &t.app,
        &cli(real("amazon-ae-by-date.csv"), "US store"),
        Locale::EnUs,
        t.clock_now(),
        &NoProgress,
    )
    .await
    .expect_err("refused");
    assert!(
        err.reason.contains("AED") && err.reason.contains("USD") && err.reason.contains("US store"),
        "{}",
        err.reason
    );
    assert!(stored(&t, usd).await.is_empty(), "nothing written");
    let zh = run_cli(
        &t.app,
        &cli(real("amazon-ae-by-date.csv"), "US store"),
        Locale::ZhCn,
        t.clock_now(),
        &NoProgress,
    )
    .await
    .expect_err("refused");
    assert!(zh.reason.contains("没有导入任何数据"), "{}", zh.reason);
    run_cli(
        &t.app,
        &cli(real("amazon-ae-by-date.csv"), "UAE store"),
        Locale::EnUs,
        t.clock_now(),
        &NoProgress,
    )
    .await
    .expect("imported");
    assert_eq!(stored(&t, aed).await.len(), 10);
}

/// The chat's /data import checks the currency too, and reads dates in the order the file
/// tells when date-order is left out.
#[tokio::test]
async fn the_chat_import_checks_the_currency_and_decides_the_date_order() {
    let t = TestApp::new().await;
    let mut sh = t.shell("alice", "manager", "en-US").await;
    sh.execute("/data shop name:US platform:amazon currency:USD")
        .await;
    sh.execute("/data shop name:UK platform:amazon currency:GBP")
        .await;
    let ae = real("amazon-ae-by-date.csv");
    let out = sh
        .execute(&format!("/data import file:{} shop:US", ae.display()))
        .await
        .text;
    assert!(out.contains("AED") && out.contains("USD"), "{out}");
    assert!(
        !out.contains("/press imp:confirm:"),
        "nothing to confirm: {out}"
    );
    let uk = real("amazon-uk-by-date.csv");
    let out = sh
        .execute(&format!("/data import file:{} shop:UK", uk.display()))
        .await
        .text;
    assert!(
        out.contains("Dates are day/month/year (row 14: 13/09/2025)"),
        "{out}"
    );
    assert!(
        out.contains("Days: 2025-09-01 – 2025-09-30 (30 days)"),
        "{out}"
    );
    assert!(out.contains("/press imp:confirm:"), "{out}");
}

/// Symbols and codes as the platforms write them; `$` fits any dollar shop, `¥` yuan or yen;
/// two currencies in one file are refused.
#[test]
fn currency_marks_as_written() {
    use import::Cell;
    use import::value::{currency_fits, money_in};
    let m = |s: &str| money_in(&Cell::Text(s.into())).expect(s).expect(s);
    assert_eq!(m("AED\u{a0}4,426.00"), (442_600, Some("AED")));
    assert_eq!(m("4,426.00 AED"), (442_600, Some("AED")));
    assert_eq!(m("-AED 12.50"), (-1_250, Some("AED")));
    assert_eq!(m("£1,644.64"), (164_464, Some("GBP")));
    assert_eq!(m("US $300.00"), (30_000, Some("USD")));
    assert_eq!(m("₹1,08,218.36"), (10_821_836, Some("INR")));
    assert_eq!(m("¥3,300.00"), (330_000, Some("¥")));
    assert_eq!(m("1,200元"), (120_000, Some("CNY")));
    assert_eq!(m("1,200.00"), (120_000, None));
    assert!(currency_fits("$", "CAD") && currency_fits("$", "USD"));
    assert!(!currency_fits("$", "CNY"));
    assert!(currency_fits("¥", "CNY") && !currency_fits("GBP", "EUR"));
    let mixed = "Date,Ordered Product Sales,Total Order Items\n2026-11-01,\"AED 10.00\",1\n2026-11-02,\"$10.00\",1\n";
    assert_eq!(
        import::parse(
            mixed.as_bytes(),
            &Mappings::defaults(),
            None,
            DateOrder::Auto
        ),
        Err(ImportError::MixedCurrencies("AED".into(), "$".into()))
    );
}

// ------------------------------------------------------------ date order

/// Day-first dates are decided from the whole column: the first twelve days of the month are
/// the month's, not twelve months' (before: 01/09/2025 imported silently as 9 January).
#[test]
fn date_order_is_decided_from_the_whole_column() {
    let p = parse("amazon-uk-by-date.csv");
    assert_eq!(p.days.len(), 30);
    assert!(
        p.days
            .keys()
            .all(|d| d.format("%Y-%m").to_string() == "2025-09")
    );
    let decided = p.dates.as_ref().expect("decided");
    assert_eq!(decided.order, DateOrder::Dmy);
    assert_eq!(
        (decided.by.row, decided.by.value.as_str()),
        (14, "13/09/2025")
    );
    assert!(
        !p.warnings
            .iter()
            .any(|w| matches!(w, Warning::DatesAssumed { .. }))
    );

    // Nothing tells (days 1–10), but the amounts are in AED: day first, and the warning says
    // so and how to choose the other.
    let p = parse("amazon-ae-by-date.csv");
    assert!(
        p.days.contains_key(&date("2022-10-05")),
        "5 October, not 10 May"
    );
    assert_eq!(
        p.warnings[0],
        Warning::DatesAssumed {
            order: DateOrder::Dmy,
            currency: Some("AED".into())
        }
    );

    // A column that says both is refused, naming a row of each.
    let mixed =
        "Date,Ordered Product Sales,Total Order Items\n13/01/2026,10.00,1\n01/14/2026,10.00,1\n";
    match import::parse(
        mixed.as_bytes(),
        &Mappings::defaults(),
        None,
        DateOrder::Auto,
    ) {
        Err(ImportError::MixedDates {
            day_first,
            month_first,
        }) => {
            assert_eq!((day_first.row, day_first.value.as_str()), (2, "13/01/2026"));
            assert_eq!(
                (month_first.row, month_first.value.as_str()),
                (3, "01/14/2026")
            );
        }
        other => panic!("{other:?}"),
    }

    // Month first chosen for a day-first file: the cells say why they do not read.
    let p = parse_as("amazon-uk-by-date.csv", None, DateOrder::Mdy).expect("mdy");
    assert_eq!(p.problems.len(), 18, "days 13 to 30");
    assert!(p.problems.iter().all(|pr| pr.why == Why::DayFirst));
}

/// The preview says how the dates were read, and, when nothing told, what was assumed and
/// how to choose the other, in both languages.
#[tokio::test]
async fn the_preview_says_how_dates_were_read() {
    let t = TestApp::new().await;
    shop(&t, "UK", "GBP").await;
    shop(&t, "AE", "AED").await;
    let mut args = cli(real("amazon-uk-by-date.csv"), "UK");
    args.dry_run = true;
    let out = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect("preview");
    assert!(
        out.contains("Dates are day/month/year (row 14: 13/09/2025)"),
        "{out}"
    );
    assert!(out.contains("Amounts in GBP"), "{out}");
    let mut args = cli(real("amazon-ae-by-date.csv"), "AE");
    args.dry_run = true;
    let out = run_cli(&t.app, &args, Locale::ZhCn, t.clock_now(), &NoProgress)
        .await
        .expect("preview");
    assert!(out.contains("已按“日/月/年”读取"), "{out}");
    assert!(out.contains("日期顺序:月/日/年"), "{out}");
}

// ------------------------------------------------------------ files that are not daily exports

/// Amazon's report by ASIN has no days: the answer says to download Sales and Traffic by
/// Date. Before: "no amazon header row".
#[tokio::test]
async fn files_that_are_not_daily_exports_say_what_to_download() {
    assert_eq!(
        parse_as("amazon-uk-by-asin.csv", None, DateOrder::Auto),
        Err(ImportError::NotDaily {
            platform: "amazon".into(),
            report: "Detail Page Sales and Traffic by ASIN".into(),
            hint: Some("amazon-by-asin".into())
        })
    );
    assert!(matches!(
        parse_as("amazon-uk-by-asin.csv", Some("amazon"), DateOrder::Auto),
        Err(ImportError::NotDaily { .. })
    ));
    assert!(matches!(
        parse_as("sycm-selection.csv", None, DateOrder::Auto),
        Err(ImportError::NotDaily { hint: Some(h), .. }) if h == "sycm-selection"
    ));
    // A custom report with each day once per sales channel.
    assert_eq!(
        parse_as("shopify-sales-by-channel.csv", None, DateOrder::Auto),
        Err(ImportError::Grouped {
            column: "Sales channel".into(),
            rows: (2, 3)
        })
    );

    let t = TestApp::new().await;
    shop(&t, "UK", "GBP").await;
    let reason = |name: &'static str, l: Locale| {
        let args = cli(real(name), "UK");
        let app = t.app.clone();
        let now = t.clock_now();
        async move {
            run_cli(&app, &args, l, now, &NoProgress)
                .await
                .expect_err(name)
                .reason
        }
    };
    let en = reason("amazon-uk-by-asin.csv", Locale::EnUs).await;
    assert!(en.contains("Sales and Traffic by Date"), "{en}");
    let zh = reason("amazon-uk-by-asin.csv", Locale::ZhCn).await;
    assert!(zh.contains("按日期查看销售量与访问量"), "{zh}");
    let zh = reason("sycm-selection.csv", Locale::ZhCn).await;
    assert!(zh.contains("店铺整体"), "{zh}");
    let en = reason("shopify-sales-by-channel.csv", Locale::EnUs).await;
    assert!(en.contains("once per “Sales channel”"), "{en}");
}

// ------------------------------------------------------------ the command line

/// A month and a half of days: 45 lines.
fn long_csv(bad_row: Option<u32>) -> String {
    let mut s = String::from("Day,Orders,Gross sales,Discounts,Total sales\n");
    for i in 0..45u32 {
        let day = date("2026-01-01") + chrono::Duration::days(i.into());
        let orders = if bad_row == Some(i) {
            "many".to_string()
        } else {
            (10 + i).to_string()
        };
        s.push_str(&format!("{day},{orders},100.00,-10.00,90.00\n"));
    }
    s
}

/// `--all` prints every day; the default stays a short table that counts the rest and says
/// how to see them. Before: the command line said it printed every figure but stopped after
/// 31 days without a word on how to see the rest.
#[tokio::test]
async fn the_command_line_prints_every_day_with_all() {
    let t = TestApp::new().await;
    shop(&t, "Shop", "USD").await;
    let file = t.dir.path().join("sales.csv");
    std::fs::write(&file, long_csv(None)).expect("write");
    let mut args = cli(file, "Shop");
    args.dry_run = true;
    let out = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect("short");
    let day_lines = |out: &str| out.lines().filter(|l| l.starts_with("2026-")).count();
    assert_eq!(day_lines(&out), 31, "{out}");
    assert!(
        out.contains("… and 14 more (--all prints every day)"),
        "{out}"
    );
    args.all = true;
    let out = run_cli(&t.app, &args, Locale::EnUs, t.clock_now(), &NoProgress)
        .await
        .expect("all");
    assert_eq!(day_lines(&out), 45, "{out}");
    assert!(!out.contains("more"), "{out}");
}

/// A file that cannot be imported: the preview (with its problems) goes to stdout, only the
/// reason to stderr, exit code 1. Before: the whole preview went to stderr.
#[tokio::test]
async fn on_failure_the_preview_goes_to_stdout_and_the_reason_to_stderr() {
    let t = TestApp::new().await;
    shop(&t, "Shop", "USD").await;
    let file = t.dir.path().join("bad.csv");
    std::fs::write(&file, long_csv(Some(3))).expect("write");
    let failure = run_cli(
        &t.app,
        &cli(file.clone(), "Shop"),
        Locale::EnUs,
        t.clock_now(),
        &NoProgress,
    )
    .await
    .expect_err("bad cell");
    assert!(
        failure.preview.contains("Row 5, column Orders: \"many\""),
        "{}",
        failure.preview
    );
    assert_eq!(
        failure.reason,
        "The file has rows that could not be read; fix them and upload again."
    );
    assert!(!failure.preview.contains(&failure.reason));

    // The binary itself: stdout and stderr apart.
    let db = t.app.config.database.path.clone();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_storeops"))
        .args(["import", file.to_str().expect("path"), "--shop", "Shop"])
        .env("STOREOPS_DATABASE_PATH", &db)
        .env("STOREOPS_DEFAULTS_LOCALE", "en-US")
        .env("STOREOPS_LOG", "off")
        .output()
        .expect("run storeops");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("Row 5, column Orders"), "{stdout}");
    assert!(stdout.contains("2026-01-01"), "the table: {stdout}");
    assert_eq!(
        stderr.trim(),
        "The file has rows that could not be read; fix them and upload again."
    );
}

// ------------------------------------------------------------ the workbook fixture

/// An .xlsx of these sheets (name, CSV text), every cell as text.
fn workbook(sheets: &[(&str, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, csv) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).expect("name");
        for (r, row) in import::table::parse_csv(csv).iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_blank() {
                    ws.write_string(r as u32, c as u16, cell.text()).expect("w");
                }
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// Writes tests/fixtures/real/sycm-pasted-month.xlsx: a month's 生意参谋 shop-daily downloads
/// pasted one under another on sheet "11月" (the first download whole, description lines
/// and all; the next ones from a blank line, with their own description and header lines, or
/// from the header line; numbers and dates as Excel makes them on paste; a total line typed
/// below), and a 阿里妈妈 plan report on sheet "计划报表" (one line per plan and day, dates
/// as text). Run with `cargo test -- --ignored write_the_workbook_fixture` after changing it.
#[test]
#[ignore]
fn write_the_workbook_fixture() {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2026, 12, 1).expect("date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0.00%");
    let header = [
        "统计日期",
        "浏览量",
        "访客数",
        "支付金额",
        "支付买家数",
        "支付子订单数",
        "支付转化率",
        "客单价",
        "成功退款金额",
    ];
    let ws = book.add_worksheet();
    ws.set_name("11月").expect("name");
    let text = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, values: &[&str]| {
        for (c, v) in values.iter().enumerate() {
            ws.write_string(r, c as u16, *v).expect("w");
        }
    };
    let day =
        |ws: &mut rust_xlsxwriter::Worksheet, r: u32, d: u8, uv: u32, paid: f64, buyers: u32| {
            let when = ExcelDateTime::from_ymd(2026, 11, d).expect("date");
            ws.write_datetime_with_format(r, 0, &when, &date_format)
                .expect("w");
            ws.write_number(r, 1, f64::from(uv * 3)).expect("w");
            ws.write_number(r, 2, f64::from(uv)).expect("w");
            ws.write_number(r, 3, paid).expect("w");
            ws.write_number(r, 4, f64::from(buyers)).expect("w");
            ws.write_number(r, 5, f64::from(buyers + 2)).expect("w");
            ws.write_number_with_format(r, 6, f64::from(buyers) / f64::from(uv), &pct)
                .expect("w");
            ws.write_number(r, 7, (paid / f64::from(buyers) * 100.0).round() / 100.0)
                .expect("w");
            ws.write_string(r, 8, "-").expect("w");
        };
    // Rows are 0-based here: row 0 is the spreadsheet's row 1.
    text(ws, 0, &["生意参谋-店铺整体"]);
    text(ws, 1, &["统计日期：2026-11-01~2026-11-01"]);
    text(ws, 3, &header);
    day(ws, 4, 1, 4_000, 20_000.0, 100);
    text(ws, 6, &["生意参谋-店铺整体"]);
    text(ws, 7, &["统计日期：2026-11-02~2026-11-02"]);
    text(ws, 8, &header);
    day(ws, 9, 2, 4_200, 25_200.0, 120);
    text(ws, 10, &header);
    day(ws, 11, 3, 3_900, 19_500.0, 95);
    text(ws, 12, &["合计"]);
    ws.write_formula(12, 2, "=C5+C10+C12").expect("w");
    let ws = book.add_worksheet();
    ws.set_name("计划报表").expect("name");
    text(
        ws,
        0,
        &["日期", "计划名称", "展现量", "点击量", "花费", "总成交金额"],
    );
    let plans = [
        (
            "2026-11-01",
            "全站推广",
            "52000",
            "1300",
            "280.00",
            "1100.00",
        ),
        (
            "2026-11-01",
            "关键词推广",
            "8000",
            "260",
            "110.00",
            "260.00",
        ),
        (
            "2026-11-02",
            "全站推广",
            "55000",
            "1400",
            "300.00",
            "1200.00",
        ),
        (
            "2026-11-02",
            "关键词推广",
            "8200",
            "270",
            "120.50",
            "300.00",
        ),
        (
            "2026-11-03",
            "全站推广",
            "50000",
            "1250",
            "260.00",
            "980.00",
        ),
    ];
    for (i, (d, plan, shows, clicks, spend, sales)) in plans.iter().enumerate() {
        text(ws, i as u32 + 1, &[d, plan, shows, clicks, spend, sales]);
    }
    book.save(real("sycm-pasted-month.xlsx")).expect("save");
}
