//! `/data export`: generated figures (shops in two currencies, missing days and missing
//! figures) are exported as xlsx and CSV, read back (calamine, csv) and every cell compared with
//! a plain reference computation written here; a shop and a product named like a formula come
//! out as text in both formats.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate};

use crate::support::TestApp;
use crate::support::shell::{act_as, boss, run};

const HYPERLINK: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// The figures entered, in the order of the export's columns (FIELDS): pv, uv, ordering
/// buyers, order amount, paying buyers, paid amount, paid orders, refund amount, refund
/// orders, inquiries, inquiries paid, ad spend, ad sales, shipping cost, discount cost.
const FIELDS: [&str; 15] = [
    "pv",
    "uv",
    "ordering-buyers",
    "order-amount",
    "paying-buyers",
    "paid-amount",
    "paid-orders",
    "refund-amount",
    "refund-orders",
    "inquiries",
    "inquiries-paid",
    "ad-spend",
    "ad-sales",
    "shipping-cost",
    "discount-cost",
];
/// Which of them are entered here, and whether each is money.
const ENTERED: [(&str, bool); 7] = [
    ("uv", false),
    ("ordering-buyers", false),
    ("paying-buyers", false),
    ("paid-amount", true),
    ("refund-amount", true),
    ("ad-spend", true),
    ("ad-sales", true),
];

type Day = BTreeMap<&'static str, i64>;

struct Shop {
    name: &'static str,
    typed: String,
    currency: &'static str,
    days: BTreeMap<NaiveDate, Day>,
}

/// A small deterministic generator (no dependency on the order tests run in).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn first() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn generate() -> Vec<Shop> {
    let mut g = Lcg(19);
    let shops = [
        ("Tmall", "Tmall".to_string(), "CNY"),
        ("JD", "JD".to_string(), "CNY"),
        ("Amazon US", "\"Amazon US\"".to_string(), "USD"),
        (HYPERLINK, format!("'{HYPERLINK}'"), "USD"),
    ];
    shops
        .into_iter()
        .map(|(name, typed, currency)| {
            let mut days = BTreeMap::new();
            for i in 0..10 {
                if g.next(10) < 3 {
                    continue; // a day without figures
                }
                let mut d = Day::new();
                for (f, money) in ENTERED {
                    if g.next(4) == 0 {
                        continue; // a figure not reported
                    }
                    let v = match (f, money) {
                        ("uv", _) => 100 + g.next(5_000),
                        (_, false) => g.next(90),
                        (_, true) => g.next(3_000_000),
                    };
                    d.insert(f, v as i64);
                }
                if !d.is_empty() {
                    days.insert(first() + Duration::days(i), d);
                }
            }
            Shop {
                name,
                typed,
                currency,
                days,
            }
        })
        .collect()
}

fn money(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// What a cell must hold: a number, a percentage (as a share), text, or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    Empty,
    Num(f64),
    Pct(f64),
}

/// A rate's numerator and denominator in a day.
type Parts = fn(&Day) -> (Option<i64>, Option<i64>);

/// Each rate over `days`: numerator and denominator summed over the days that report both;
/// nothing when none does or the denominator is 0. (numerator, denominator, is it a share,
/// is it money per unit.)
fn rates(days: &[&Day]) -> Vec<Want> {
    let parts: [(Parts, u8); 10] = [
        (
            |d| {
                (
                    d.get("paying-buyers").copied(),
                    d.get("ordering-buyers").copied(),
                )
            },
            0,
        ),
        (
            |d| (d.get("paying-buyers").copied(), d.get("uv").copied()),
            0,
        ),
        (|d| (d.get("paid-orders").copied(), d.get("uv").copied()), 0),
        (
            |d| {
                (
                    d.get("paid-amount").copied(),
                    d.get("paying-buyers").copied(),
                )
            },
            1,
        ),
        (
            |d| (d.get("paid-amount").copied(), d.get("paid-orders").copied()),
            1,
        ),
        (|d| (d.get("paid-amount").copied(), d.get("uv").copied()), 1),
        (
            |d| {
                (
                    d.get("refund-amount").copied(),
                    d.get("paid-amount").copied(),
                )
            },
            0,
        ),
        (
            |d| {
                (
                    d.get("inquiries-paid").copied(),
                    d.get("inquiries").copied(),
                )
            },
            0,
        ),
        (
            |d| (d.get("ad-sales").copied(), d.get("ad-spend").copied()),
            2,
        ),
        // Operating cost = ad spend here (no shipping or discount cost is entered).
        (
            |d| (d.get("paid-amount").copied(), d.get("ad-spend").copied()),
            2,
        ),
    ];
    parts
        .iter()
        .map(|(p, kind)| {
            let mut both = days.iter().filter_map(|d| match p(d) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            });
            let (mut n, mut den, mut any) = (0i64, 0i64, false);
            for (a, b) in both.by_ref() {
                n += a;
                den += b;
                any = true;
            }
            if !any || den == 0 {
                return Want::Empty;
            }
            let r = n as f64 / den as f64;
            match kind {
                0 => Want::Pct(r),
                1 => Want::Num(r / 100.0),
                _ => Want::Num(r),
            }
        })
        .collect()
}

/// The figure and rate cells of a row over `days` (one day, or a total).
fn figures(days: &[&Day]) -> Vec<Want> {
    FIELDS
        .iter()
        .map(|f| {
            let vals: Vec<i64> = days.iter().filter_map(|d| d.get(f).copied()).collect();
            if vals.is_empty() {
                return Want::Empty;
            }
            let s: i64 = vals.iter().sum();
            if ENTERED.iter().any(|(e, m)| e == f && *m) {
                Want::Num(s as f64 / 100.0)
            } else {
                Want::Num(s as f64)
            }
        })
        .chain(rates(days))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn xlsx_matches(got: &Data, want: &Want) -> bool {
    match (got, want) {
        (Data::Empty, Want::Empty) => true,
        (Data::Float(x), Want::Num(y) | Want::Pct(y)) => close(*x, *y),
        (Data::Int(x), Want::Num(y)) => close(*x as f64, *y),
        _ => false,
    }
}

fn csv_matches(got: &str, want: &Want) -> bool {
    match want {
        Want::Empty => got.is_empty(),
        Want::Num(y) => got
            .parse::<f64>()
            .is_ok_and(|x| (x - y).abs() <= 0.005 + 1e-9),
        Want::Pct(y) => got
            .strip_suffix('%')
            .and_then(|x| x.parse::<f64>().ok())
            .is_some_and(|x| (x - y * 100.0).abs() <= 0.005 + 1e-9),
    }
}

fn saved(out: &str) -> Vec<PathBuf> {
    out.lines()
        .filter_map(|l| l.strip_prefix("Saved: "))
        .map(PathBuf::from)
        .collect()
}

fn csv_rows(path: &PathBuf) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("read csv");
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("csv row").iter().map(String::from).collect())
        .collect()
}

/// Excel's serial number of a day.
fn serial(d: NaiveDate) -> f64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

#[tokio::test]
async fn data_export_matches_a_plain_computation_in_xlsx_and_csv() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    // Listed by name, as the bot lists shops.
    let mut shops = generate();
    shops.sort_by(|a, b| a.name.cmp(b.name));
    for s in &shops {
        let out = run(
            &mut sh,
            &format!(
                "/data shop name:{} platform:other currency:{}",
                s.typed, s.currency
            ),
        )
        .await;
        assert!(out.contains("added"), "{out}");
        for (day, d) in &s.days {
            let mut line = format!("/data enter shop:{} date:{day} confirm:true", s.typed);
            for (f, m) in ENTERED {
                if let Some(v) = d.get(f) {
                    let v = if m { money(*v) } else { v.to_string() };
                    line.push_str(&format!(" {f}:{v}"));
                }
            }
            let out = run(&mut sh, &line).await;
            assert!(out.contains("saved"), "{line}\n{out}");
        }
    }
    // A day outside the range is left out.
    run(
        &mut sh,
        "/data enter shop:Tmall date:2026-11-11 uv:1 paid-amount:999",
    )
    .await;

    // Members may not export; a wrong `what` says what to type.
    act_as(&mut sh, "bob", "operations").await;
    let out = run(&mut sh, "/data export").await;
    assert!(out.contains("managers"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/data export what:orders").await;
    assert!(out.contains("Choose one of: days, products"), "{out}");

    let range = "from:2026-11-01 to:2026-11-10";
    let out = run(&mut sh, &format!("/data export {range}")).await;
    let count: usize = shops.iter().map(|s| s.days.len()).sum();
    assert!(
        out.contains(&format!(
            "Daily figures of 4 shops, 2026-11-01 – 2026-11-10: {count} shop-days"
        )),
        "{out}"
    );
    let files = saved(&out);
    assert_eq!(files.len(), 1, "{out}");
    let bytes = std::fs::read(&files[0]).expect("xlsx");
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("calamine opens it");
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "=HYPERLINK(\"http___x\",\"y\")",
            "Amazon US",
            "JD",
            "Tmall",
            "Totals"
        ]
    );
    for (s, sheet) in shops.iter().zip(&names) {
        let rows: Vec<Vec<Data>> = book
            .worksheet_range(sheet)
            .expect("sheet")
            .rows()
            .map(<[Data]>::to_vec)
            .collect();
        assert_eq!(rows[0][0], Data::String("Shop".into()));
        assert_eq!(rows[0][22], Data::String("Average order value".into()));
        assert_eq!(rows.len(), s.days.len() + 1, "{sheet}");
        for (row, (day, d)) in rows[1..].iter().zip(&s.days) {
            // The shop's name is text, never a formula.
            assert_eq!(row[0], Data::String(s.name.into()));
            assert_eq!(row[1], Data::String("other".into()));
            assert_eq!(row[2], Data::String(s.currency.into()));
            let Data::DateTime(at) = &row[3] else {
                panic!("date cell: {:?}", row[3]);
            };
            assert_eq!(at.as_f64(), serial(*day));
            let want = figures(&[d]);
            for (i, w) in want.iter().enumerate() {
                assert!(
                    xlsx_matches(&row[4 + i], w),
                    "{sheet} {day} column {}: {:?}, want {w:?}",
                    4 + i,
                    row[4 + i]
                );
            }
        }
        let formulas = book.worksheet_formula(sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }

    // Totals: a row per shop, then one per currency (CNY and USD two shops each).
    let totals: Vec<Vec<Data>> = book
        .worksheet_range("Totals")
        .expect("totals")
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(totals[0][3], Data::String("Days with figures".into()));
    let mut want_rows: Vec<(String, &str, usize, Vec<Want>)> = shops
        .iter()
        .map(|s| {
            let days: Vec<&Day> = s.days.values().collect();
            (s.name.to_string(), s.currency, s.days.len(), figures(&days))
        })
        .collect();
    // Currencies with the most shops first; a tie in the order their first shop is listed.
    for currency in ["USD", "CNY"] {
        let group: Vec<&Shop> = shops.iter().filter(|s| s.currency == currency).collect();
        let days: Vec<&Day> = group.iter().flat_map(|s| s.days.values()).collect();
        let dates: std::collections::BTreeSet<&NaiveDate> =
            group.iter().flat_map(|s| s.days.keys()).collect();
        want_rows.push((
            "All 2 shops in this currency".into(),
            currency,
            dates.len(),
            figures(&days),
        ));
    }
    assert_eq!(totals.len(), want_rows.len() + 1);
    for (row, (name, currency, days, want)) in totals[1..].iter().zip(&want_rows) {
        assert_eq!(row[0], Data::String(name.clone()));
        assert_eq!(row[2], Data::String(currency.to_string()));
        assert!(xlsx_matches(&row[3], &Want::Num(*days as f64)), "{row:?}");
        for (i, w) in want.iter().enumerate() {
            assert!(
                xlsx_matches(&row[4 + i], w),
                "totals {name} {currency} column {}: {:?}, want {w:?}",
                4 + i,
                row[4 + i]
            );
        }
    }

    // The same as CSV: every shop's days in one file, the totals in another.
    let out = run(&mut sh, &format!("/data export {range} format:csv")).await;
    let files = saved(&out);
    assert_eq!(files.len(), 2, "{out}");
    let days = csv_rows(&files[0]);
    assert_eq!(days.len(), count + 1);
    let mut at = 1;
    for s in &shops {
        for (day, d) in &s.days {
            let row = &days[at];
            at += 1;
            let shown = if s.name.starts_with('=') {
                format!("'{}", s.name)
            } else {
                s.name.to_string()
            };
            assert_eq!(row[0], shown);
            assert_eq!(row[2], s.currency);
            assert_eq!(row[3], day.to_string());
            for (i, w) in figures(&[d]).iter().enumerate() {
                assert!(
                    csv_matches(&row[4 + i], w),
                    "{} {day} column {}: {:?}, want {w:?}",
                    s.name,
                    4 + i,
                    row[4 + i]
                );
            }
        }
    }
    let totals = csv_rows(&files[1]);
    for (row, (_, currency, days, want)) in totals[1..].iter().zip(&want_rows) {
        assert_eq!(row[2], *currency);
        assert_eq!(row[3], days.to_string());
        for (i, w) in want.iter().enumerate() {
            assert!(csv_matches(&row[4 + i], w), "{row:?} {i} {w:?}");
        }
    }
    // No field of either file would run in a spreadsheet.
    for f in &files {
        for row in csv_rows(f) {
            for field in row {
                assert!(
                    !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{f:?}: {field:?} would run"
                );
            }
        }
    }
}

#[tokio::test]
async fn product_export_writes_a_formula_named_product_as_text() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall platform:tmall currency:CNY").await;
    let file = t.dir.path().join("items.csv");
    std::fs::write(
        &file,
        "统计日期,商品ID,商品名称,商品访客数,支付件数,支付金额\n\
         2026-11-02,1001,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",30,2,59.80\n\
         2026-11-02,1002,杯子,10,1,20.00\n\
         2026-11-03,1001,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",12,,\n",
    )
    .expect("write");
    let out = run(
        &mut sh,
        &format!("/data import file:{} shop:Tmall", file.display()),
    )
    .await;
    let tok = out
        .split("/press imp:confirm:")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no confirm: {out}"))
        .to_string();
    let out = run(&mut sh, &format!("/press imp:confirm:{tok}")).await;
    assert!(out.contains("3"), "{out}");

    let range = "from:2026-11-01 to:2026-11-30 what:products";
    let out = run(&mut sh, &format!("/data export {range}")).await;
    assert!(out.contains("3 product-days"), "{out}");
    let bytes = std::fs::read(&saved(&out)[0]).expect("xlsx");
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("calamine opens it");
    let rows: Vec<Vec<Data>> = book
        .worksheet_range("Products")
        .expect("sheet")
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][3], Data::String("1001".into()));
    assert_eq!(rows[1][4], Data::String(HYPERLINK.into()));
    assert!(xlsx_matches(&rows[1][5], &Want::Num(30.0)));
    assert!(xlsx_matches(&rows[1][8], &Want::Num(2.0)));
    assert!(xlsx_matches(&rows[1][9], &Want::Num(59.8)));
    assert_eq!(rows[2][4], Data::String("杯子".into()));
    assert_eq!(rows[3][9], Data::Empty);
    let formulas = book.worksheet_formula("Products").expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    let out = run(&mut sh, &format!("/data export {range} format:csv")).await;
    let rows = csv_rows(&saved(&out)[0]);
    assert_eq!(rows[1][4], format!("'{HYPERLINK}"));
    assert_eq!(rows[1][9], "59.80");
}
