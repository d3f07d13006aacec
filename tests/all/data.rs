//! Daily data end to end: the formulas as `/data show` prints them (hand-computed fixtures),
//! every `/data` subcommand with its refusals, the morning summary against golden files, its
//! schedule through the outbox (once a day, weekly on Mondays, monthly on the 1st, restarts,
//! `/summary schedule`), the missing-data ping, the trend chart PNG, and the weekly and monthly
//! figures. Schedules move only with the manual clock.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use storeops::adapters::shell::{Shell, parse_positions, shell_id};
use storeops::app::{Actor, App, Reply};
use storeops::clock::ManualClock;
use storeops::config::Config;
use storeops::domain::chart;
use storeops::domain::metrics::DayFigures;
use storeops::domain::money::Money;
use storeops::store::data;

use crate::support::TestApp;

// ---------------------------------------------------------------- helpers

/// A core whose guild gets no default activities, so only this file's data is in the outbox
/// and the summaries.
async fn app() -> TestApp {
    let mut config = Config::defaults();
    config.activities.seed_defaults = false;
    TestApp::with_config(config).await
}

async fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).await.text
}

/// A shell typing as `name` on `app` (a restarted core) with the test's manual clock.
async fn shell_on(app: &App, clock: &ManualClock, name: &str, positions: &str) -> Shell {
    let mut actor = Actor::new(shell_id(name), name);
    actor.positions = parse_positions(positions);
    actor.locale = Some("en-US".parse().expect("locale"));
    Shell::new(app.clone(), actor, Some(clock.clone()))
        .await
        .expect("shell")
}

/// alice, a manager who also runs operations, in English; the guild speaks English and posts
/// its summaries to #daily.
async fn boss(t: &TestApp) -> Shell {
    let mut sh = t.shell("alice", "manager,operations", "en-US").await;
    let out = run(&mut sh, "/setup language:en-US summary-channel:#daily").await;
    assert!(
        out.contains("Settings saved") && out.contains("#daily"),
        "{out}"
    );
    sh
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The value printed after `name: ` on a line of its own (`Conversion: 3.00%` -> `3.00%`).
fn field(out: &str, name: &str) -> String {
    let prefix = format!("{name}: ");
    let found: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .collect();
    assert_eq!(found.len(), 1, "one line \"{name}: …\" expected in:\n{out}");
    found[0].to_string()
}

async fn shop_id(t: &TestApp, name: &str) -> i64 {
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::shops(&mut conn, 1)
        .await
        .expect("shops")
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no shop {name}"))
        .id
}

async fn stored(t: &TestApp, shop: &str, day: &str) -> Option<DayFigures> {
    let id = shop_id(t, shop).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::day(&mut conn, id, date(day)).await.expect("day")
}

type History = Vec<(
    u64,
    chrono::DateTime<chrono::Utc>,
    Option<DayFigures>,
    DayFigures,
)>;

async fn history(t: &TestApp, shop: &str, day: &str) -> History {
    let id = shop_id(t, shop).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    data::day_history(&mut conn, id, date(day))
        .await
        .expect("history")
}

/// A message the bot sent on its own, as the shell printed it.
#[derive(Debug, Clone)]
struct Sent {
    /// `#daily`.
    target: String,
    /// The ping line (`@operations`), empty when nobody is pinged.
    mentions: String,
    /// The headline.
    title: String,
    /// Everything printed for it.
    text: String,
}

fn all_sent(out: &str) -> Vec<Sent> {
    out.split("[bot → ")
        .skip(1)
        .map(|chunk| {
            let mut lines = chunk.lines();
            let target = lines.next().unwrap_or("").trim_end_matches(']').to_string();
            let rest: Vec<&str> = lines.collect();
            let (mentions, rest) = match rest.first() {
                Some(l) if !l.starts_with("== ") => (l.to_string(), &rest[1..]),
                _ => (String::new(), &rest[..]),
            };
            let title = rest
                .first()
                .map(|l| {
                    l.trim_start_matches("== ")
                        .trim_end_matches(" ==")
                        .to_string()
                })
                .unwrap_or_default();
            Sent {
                target,
                mentions,
                title,
                text: chunk.to_string(),
            }
        })
        .collect()
}

/// The titles of the messages sent whose title starts with `prefix`.
fn titles(out: &str, prefix: &str) -> Vec<String> {
    all_sent(out)
        .into_iter()
        .filter(|m| m.title.starts_with(prefix))
        .map(|m| m.title)
        .collect()
}

const MORNING: &str = "Morning summary — ";

/// Outbox rows whose dedupe key starts with `prefix`: (key, state, reply).
async fn outbox_rows(t: &TestApp, prefix: &str) -> Vec<(String, String, Reply)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT dedupe_key, state, payload FROM outbox WHERE substr(dedupe_key, 1, length(?1)) = ?1 ORDER BY id",
    )
    .bind(prefix)
    .fetch_all(&t.app.store.pool)
    .await
    .expect("outbox rows");
    rows.into_iter()
        .map(|(k, s, p)| (k, s, serde_json::from_str(&p).expect("payload is a reply")))
        .collect()
}

/// Two shops with eight days each (2026-11-15 … 2026-11-22; the 22nd has every figure), a
/// November target for Tmall. Hand-computed figures are in the tests that use it.
const FIXTURE: &[&str] = &[
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

async fn fixture(sh: &mut Shell) {
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
async fn summary_fixture(t: &TestApp) -> Shell {
    let mut sh = boss(t).await;
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

/// The attachment line's byte count varies with the PNG encoder; the chart is checked on
/// its own.
fn normalise_attachment(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("[attachment ") {
            Some(rest) => {
                let name = rest.split(" · ").next().unwrap_or("");
                format!("[attachment {name} · <png> bytes]")
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares `actual` with `tests/golden/<name>`; `UPDATE_GOLDEN=1` writes it instead.
fn golden(name: &str, actual: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let actual = format!("{}\n", actual.trim_end());
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("golden folder");
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to write it",
            path.display()
        )
    });
    if expected != actual {
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        let first = (0..e.len().max(a.len()))
            .find(|&i| e.get(i) != a.get(i))
            .unwrap_or(0);
        panic!(
            "{} differs from the output at line {}:\n  golden: {:?}\n  output: {:?}\n(if the change is intended, review it and rerun with UPDATE_GOLDEN=1)\n--- full output ---\n{actual}",
            path.display(),
            first + 1,
            e.get(first),
            a.get(first)
        );
    }
}

/// PNG width and height from the IHDR chunk, after checking the signature and chunk header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 33,
        "too short for a PNG: {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[8..12], &13u32.to_be_bytes(), "IHDR length");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().expect("4 bytes"));
    let h = u32::from_be_bytes(bytes[20..24].try_into().expect("4 bytes"));
    (w, h)
}

/// Fully decodes a PNG (checksums, compressed data) into RGB bytes.
fn decode_png(bytes: &[u8]) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!((info.width, info.height), (chart::WIDTH, chart::HEIGHT));
    buf.truncate(info.buffer_size());
    buf
}

/// Grey, darkish pixels (anti-aliased text) in the top `rows` rows: the legend strip.
fn text_pixels(rgb: &[u8], rows: u32) -> usize {
    rgb[..(rows * chart::WIDTH * 3) as usize]
        .chunks_exact(3)
        .filter(|p| p[0] == p[1] && p[1] == p[2] && p[0] < 160)
        .count()
}

// ---------------------------------------------------------------- formulas

/// One day with every figure; the rates by hand:
/// payment 50 / 80 = 62.50%; conversion 50 / 2,500 = 2.00%; AOV 12,345.67 / 50 = 246.9134;
/// per visitor 12,345.67 / 2,500 = 4.938268; refunds 1,234.57 / 12,345.67 = 10.00002%;
/// inquiries 45 / 120 = 37.50%; ROAS 4,950 / 1,500 = 3.30; ROI 12,345.67 / (1,500 + 300 + 700)
/// = 4.938268 -> good.
#[tokio::test]
async fn show_prints_every_rate_computed_by_hand() {
    let t = app().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Lab currency:CNY").await;
    let out = run(&mut sh, "/data enter shop:Lab date:2026-11-20 pv:9000 uv:2,500 ordering-buyers:80 order-amount:13000 paying-buyers:50 paid-amount:¥12,345.67 paid-orders:55 refund-amount:1234.57 refund-orders:3 inquiries:120 inquiries-paid:45 ad-spend:1500 ad-sales:4950 shipping-cost:300 discount-cost:700").await;
    assert!(out.contains("Lab, 2026-11-20: figures saved"), "{out}");
    let out = run(&mut sh, "/data show shop:Lab date:2026-11-20").await;
    assert!(out.contains("== Lab · 2026-11-20 =="), "{out}");
    for (name, value) in [
        ("Page views", "9,000"),
        ("Visitors", "2,500"),
        ("Amount paid", "12,345.67"),
        ("Refunds", "1,234.57"),
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let t = app().await;
    let mut sh = boss(&t).await;
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

// ---------------------------------------------------------------- /data shop, enter, show, target

#[tokio::test]
async fn shops_are_added_by_managers_with_a_unique_name_and_a_currency_code() {
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let t = app().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    let out = run(&mut sh, "/data shop name:tmall").await;
    assert!(out.contains("already a shop called"), "{out}");
}

#[tokio::test]
async fn entering_defaults_to_yesterday_and_reentering_replaces_only_the_given_figures() {
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let (by, at, old, new) = &h[0];
    assert_eq!(*by, shell_id("carol"));
    assert_eq!(*at, t.clock_now());
    assert_eq!(old.as_ref(), Some(&first));
    assert_eq!(new, &second);
    assert_eq!(
        (&h[1].2, &h[1].3),
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
            "paid-amount: \"abc\" is not an amount",
        ),
        (
            "/data enter paid-amount:1.234",
            "paid-amount: \"1.234\" is not an amount",
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    let mut carol = t.shell("carol", "customer-service", "en-US").await;

    // All shops, one day (the default: yesterday): 4,000 + 2,000 visitors, 30,000 + 8,000 paid.
    let out = run(&mut carol, "/data show").await;
    assert!(out.contains("== JD, Tmall · 2026-11-22 =="), "{out}");
    for (name, value) in [
        ("Visitors", "6,000"),
        ("Buyers who paid", "160"),
        ("Amount paid", "38,000.00"),
        ("Refunds", "2,000.00"),
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
        ("Amount paid", "17,000.00"),
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
    assert_eq!(field(&out, "Amount paid"), "254,670.00", "{out}");
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
    let t = app().await;
    let mut sh = boss(&t).await;
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
            "amount: \"abc\" is not an amount",
        ),
        (
            "/data target shop:Tmall amount:-100",
            "amount: \"-100\" is not an amount",
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
    let t = app().await;
    let mut sh = boss(&t).await;
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

// ---------------------------------------------------------------- the summary's content

/// The morning summary of the fixture, line for line, in both languages. Every figure was
/// checked by hand; the derivations are in the comments of `summary_numbers_by_hand`.
#[tokio::test]
async fn the_morning_summary_matches_the_golden_files() {
    let t = app().await;
    let mut sh = summary_fixture(&t).await;
    let en = run(&mut sh, "/summary now date:2026-11-22").await;
    assert!(
        en.contains("[attachment trend-2026-11-22.png · ") && !en.contains(" · 0 bytes]"),
        "{en}"
    );
    golden("summary-en-US.txt", &normalise_attachment(&en));
    let mut li = t.shell("li", "operations", "zh-CN").await;
    let zh = run(&mut li, "/summary now date:2026-11-22").await;
    golden("summary-zh-CN.txt", &normalise_attachment(&zh));
}

/// The key figures of the golden summary, so a regenerated golden file cannot quietly change
/// them.
#[tokio::test]
async fn summary_numbers_by_hand() {
    let t = app().await;
    let mut sh = summary_fixture(&t).await;
    let out = run(&mut sh, "/summary now date:2026-11-22").await;
    for expected in [
        "== Morning summary — 2026-11-22 (Sun) ==",
        // Tmall: 30,000 vs 28,500 (+5.3%) and 27,000 (+11.1%); conversion 120/4,000 = 3% vs
        // 114/3,600 = 3.17% (-5.3%) and 90/3,000 = 3% (=); AOV 250 vs 250 (=), 300 (-16.7%).
        "Amount paid: **30,000.00 CNY** · day ▲ 5.3% · week ▲ 11.1%",
        "Visitors: **4,000** · day ▲ 11.1% · week ▲ 33.3%",
        "Conversion: **3.00%** · day ▼ 5.3% · week = 0.0%",
        "Average order value: **250.00** · day = 0.0% · week ▼ 16.7%",
        "Payment rate: 80.00% · Value per visitor: 7.50 · Refund rate: 6.00%",
        "Ad ROAS: 4.00 · Store ROI: 1:4.00 (good)",
        // JD: 8,000 vs 9,000 (-11.1%), 9,600 (-16.7%); conversion 2% vs 2.5% (-20%), 3% (-33.3%).
        "Amount paid: **8,000.00 CNY** · day ▼ 11.1% · week ▼ 16.7%",
        "Conversion: **2.00%** · day ▼ 20.0% · week ▼ 33.3%",
        "Ad ROAS: 2.00 · Store ROI: 1:2.67 (failing)",
        // All shops: 38,000 vs 37,500 (+1.3%), 36,600 (+3.8%); 160/6,000 = 2.67%.
        "Visitors: **6,000** · day ▲ 7.1% · week ▲ 30.4%",
        "Conversion: **2.67%** · day ▼ 8.9% · week ▼ 11.1%",
        "Average order value: **237.50** · day ▲ 3.9% · week ▼ 10.5%",
        "Ad ROAS: 3.14 · Store ROI: 1:3.62 (pass)",
        // November: Tmall 222,850 of 900,000 = 24.8%; 677,150 over the 8 days left = 84,643.75.
        "Tmall: 222,850.00 CNY of 900,000.00 CNY (24.8%); 84,643.75 CNY a day needed for the 8 days left",
        "JD: 68,420.00 CNY (no target: /data target)",
        "⚠️ JD: conversion down 33.3% against the same day last week",
        "⚠️ JD: store ROI failing, 1:2.67 (failing)",
        "⚠️ Tmall: refund rate 6.0%",
        "Tasks due today: 2",
        "#1 Send the restock sheet · in 7 h · Operations",
        "Overdue tasks: 1",
        "#2 Reply to reviews · 1 h ago · @carol",
        "Complaints — logged yesterday 0, resolved 0, open 1, near the limit 0, past the limit 0",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("No figures for"), "{out}");
}

/// BUG (src/app/cmd/summary.rs `daily`, the total block passes currency ""): the total's
/// amount reads "**38,000.00 **" — a dangling space inside the bold, and no currency. Pass
/// the shops' common currency (and leave the space out when there is none).
#[tokio::test]
async fn the_total_amount_has_no_dangling_space() {
    let t = app().await;
    let mut sh = summary_fixture(&t).await;
    let out = run(&mut sh, "/summary now date:2026-11-22").await;
    // No bold closes after a space ("**38,000.00 **"), and the total carries the currency.
    assert!(!out.contains(" ** "), "{out}");
    assert!(out.contains("**38,000.00 CNY**"), "{out}");
}

/// A day on which a shop has no figures is named in the alerts; the others still show.
#[tokio::test]
async fn the_summary_names_shops_without_figures() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    run(
        &mut sh,
        "/data enter shop:Tmall date:2026-11-23 uv:100 paying-buyers:3 paid-amount:900",
    )
    .await;
    let out = run(&mut sh, "/summary now date:today").await;
    assert!(
        out.contains("== Morning summary — 2026-11-23 (Mon) =="),
        "{out}"
    );
    assert!(out.contains("⚠️ No figures for: JD"), "{out}");
    assert!(out.contains("Amount paid: **900.00 CNY**"), "{out}");
}

// ---------------------------------------------------------------- the schedule

/// 09:00 guild time, exactly once a day, also across a restart.
#[tokio::test]
async fn the_morning_summary_goes_out_once_a_day_at_nine_also_across_a_restart() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    // Monday 09:00 has just passed when the bot first sees the guild: the first one is Tuesday.
    let out = run(&mut sh, ":advance 23h59m").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await;
    let sent: Vec<Sent> = all_sent(&out)
        .into_iter()
        .filter(|m| m.title.starts_with(MORNING))
        .collect();
    assert_eq!(sent.len(), 1, "{out}");
    assert_eq!(sent[0].title, "Morning summary — 2026-11-23 (Mon)");
    assert_eq!(sent[0].target, "#daily");
    assert!(
        sent[0].text.contains("[attachment trend-2026-11-23.png"),
        "{out}"
    );
    let out = run(&mut sh, ":advance 1h").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");

    // A new process on the same database, the same day: nothing again.
    let app2 = t.restart().await;
    let mut sh2 = shell_on(&app2, &t.clock, "alice", "manager,operations").await;
    let out = run(&mut sh2, "/status").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");
    let out = run(&mut sh2, ":advance 22h59m").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");
    let out = run(&mut sh2, ":advance 1m").await;
    assert_eq!(
        titles(&out, MORNING),
        vec!["Morning summary — 2026-11-24 (Tue)".to_string()],
        "{out}"
    );
    let rows = outbox_rows(&t, "summary:").await;
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|(k, s, _)| (k.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("summary:1:2026-11-23", "sent"),
            ("summary:1:2026-11-24", "sent")
        ]
    );
}

/// On Mondays the weekly summary of the week before comes too; on the 1st the monthly one.
#[tokio::test]
async fn mondays_add_the_weekly_summary_and_the_first_the_monthly_one() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    // Tuesday 24th … Monday 30th.
    let out = run(&mut sh, ":advance 7d").await;
    let mornings = titles(&out, MORNING);
    assert_eq!(
        mornings,
        (23..=29)
            .map(|d| {
                let day = date(&format!("2026-11-{d}"));
                format!("Morning summary — {day} ({})", day.format("%a"))
            })
            .collect::<Vec<_>>(),
        "{out}"
    );
    assert_eq!(
        titles(&out, "Weekly summary"),
        vec!["Weekly summary — 2026-11-23 to 2026-11-29".to_string()],
        "{out}"
    );
    assert!(titles(&out, "Monthly summary").is_empty(), "{out}");
    // Tuesday 1 December.
    let out = run(&mut sh, ":advance 1d").await;
    assert_eq!(
        titles(&out, MORNING),
        vec!["Morning summary — 2026-11-30 (Mon)".to_string()],
        "{out}"
    );
    assert!(titles(&out, "Weekly summary").is_empty(), "{out}");
    let monthly: Vec<Sent> = all_sent(&out)
        .into_iter()
        .filter(|m| m.title.starts_with("Monthly summary"))
        .collect();
    assert_eq!(monthly.len(), 1, "{out}");
    assert_eq!(monthly[0].title, "Monthly summary — 2026-11");
    assert_eq!(monthly[0].target, "#daily");
    // November's figures: 222,850 + 68,420 paid.
    assert!(monthly[0].text.contains("Amount paid: 291,270.00"), "{out}");
    let weekly = outbox_rows(&t, "summary-weekly:").await;
    let monthly = outbox_rows(&t, "summary-monthly:").await;
    assert_eq!(weekly.len(), 1);
    assert_eq!(weekly[0].0, "summary-weekly:1:2026-11-23");
    assert_eq!(monthly.len(), 1);
    assert_eq!(monthly[0].0, "summary-monthly:1:2026-11-01");
}

#[tokio::test]
async fn summary_schedule_moves_the_summary() {
    let t = app().await;
    let mut sh = boss(&t).await;
    let mut ops = t.shell("olga", "operations", "en-US").await;
    let out = run(&mut ops, "/summary schedule time:10:30").await;
    assert!(out.contains("Only managers"), "{out}");
    let out = run(&mut sh, "/summary schedule time:25:00").await;
    assert!(out.contains("can't read the time \"25:00\""), "{out}");
    let out = run(&mut sh, "/summary schedule time:10:30").await;
    assert!(
        out.contains("The summary is posted at 10:30; missing figures are chased at 08:30")
            && out.contains("Next summary: 2026-11-23 10:30"),
        "{out}"
    );
    let out = run(&mut sh, ":advance 1h29m").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await;
    assert_eq!(
        titles(&out, MORNING),
        vec!["Morning summary — 2026-11-22 (Sun)".to_string()],
        "{out}"
    );
    // Not at 09:00 any more.
    let out = run(&mut sh, ":advance 23h59m").await;
    assert!(titles(&out, MORNING).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await;
    assert_eq!(
        titles(&out, MORNING),
        vec!["Morning summary — 2026-11-23 (Mon)".to_string()],
        "{out}"
    );
    // Moved to later the same day after it went out: today's is not sent twice; tomorrow's
    // comes at the new time.
    let out = run(&mut sh, "/summary schedule time:16:00").await;
    assert!(out.contains("Next summary: 2026-11-24 16:00"), "{out}");
    let out = run(&mut sh, ":advance 1d6h").await; // Wednesday 16:30
    assert_eq!(
        titles(&out, MORNING),
        vec!["Morning summary — 2026-11-24 (Tue)".to_string()],
        "{out}"
    );
    let rows = outbox_rows(&t, "summary:").await;
    assert_eq!(rows.len(), 3, "one per day");
}

/// At 08:30 one ping to the data owner (operations) names the shops without yesterday's
/// figures; none when every shop has them.
#[tokio::test]
async fn missing_figures_ping_the_data_owner_once() {
    let t = app().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall").await;
    run(&mut sh, "/data shop name:JD").await;
    run(&mut sh, "/data enter shop:Tmall date:today uv:100").await;
    const MISSING: &str = "Figures for ";
    let out = run(&mut sh, ":advance 23h29m").await;
    assert!(titles(&out, MISSING).is_empty(), "{out}");
    let out = run(&mut sh, ":advance 1m").await; // Tuesday 08:30
    let pings: Vec<Sent> = all_sent(&out)
        .into_iter()
        .filter(|m| m.title.starts_with(MISSING))
        .collect();
    assert_eq!(pings.len(), 1, "{out}");
    assert_eq!(pings[0].title, "Figures for 2026-11-23 are missing");
    assert_eq!(pings[0].mentions, "@operations");
    assert_eq!(pings[0].target, "#daily");
    assert!(
        pings[0].text.contains("No figures yet for: JD.") && !pings[0].text.contains("Tmall"),
        "{out}"
    );
    // Every shop has Tuesday's figures: no ping on Wednesday.
    run(&mut sh, "/data enter shop:Tmall date:today uv:100").await;
    run(&mut sh, "/data enter shop:JD date:today uv:100").await;
    let out = run(&mut sh, ":advance 1d").await;
    assert!(titles(&out, MISSING).is_empty(), "{out}");
    // Nothing for Wednesday: one ping naming both on Thursday.
    let out = run(&mut sh, ":advance 1d").await;
    let pings: Vec<Sent> = all_sent(&out)
        .into_iter()
        .filter(|m| m.title.starts_with(MISSING))
        .collect();
    assert_eq!(pings.len(), 1, "{out}");
    assert!(
        pings[0].text.contains("No figures yet for: JD, Tmall."),
        "{out}"
    );
    assert_eq!(outbox_rows(&t, "data-missing:").await.len(), 2);
}

// ---------------------------------------------------------------- the chart

/// The scheduled summary carries the trend chart: a PNG of WIDTH × HEIGHT with text on it.
#[tokio::test]
async fn the_summary_chart_is_a_png_of_the_expected_size() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    run(&mut sh, ":advance 1d").await;
    let rows = outbox_rows(&t, "summary:1:2026-11-23").await;
    assert_eq!(rows.len(), 1);
    let reply = &rows[0].2;
    assert_eq!(reply.attachments.len(), 1, "one chart");
    let a = &reply.attachments[0];
    assert_eq!(a.filename, "trend-2026-11-23.png");
    assert_eq!(png_size(&a.bytes), (chart::WIDTH, chart::HEIGHT));
    assert_eq!((chart::WIDTH, chart::HEIGHT), (1000, 500));
    let rgb = decode_png(&a.bytes);
    assert!(text_pixels(&rgb, 40) > 50, "the legend's words are drawn");

    // The same from the summary function itself.
    let guild = t.app.guild(1).await.expect("guild");
    let r = storeops::app::cmd::summary::daily(
        &t.app,
        &guild,
        date("2026-11-22"),
        t.clock_now(),
        guild.locale,
    )
    .await
    .expect("summary");
    assert_eq!(
        png_size(&r.attachments[0].bytes),
        (chart::WIDTH, chart::HEIGHT)
    );
}

/// The chart needs no installed font: no font-discovery crate is linked, and it renders
/// with its words in a process whose fontconfig and XDG folders hold no font.
#[test]
fn the_chart_renders_without_system_fonts() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    for c in [
        "font-kit",
        "fontconfig",
        "yeslogic-fontconfig-sys",
        "servo-fontconfig",
        "freetype",
        "freetype-sys",
        "fontdb",
    ] {
        assert!(!lock.contains(&format!("name = \"{c}\"")), "{c} is linked");
    }
    let empty = tempfile::tempdir().expect("dir");
    let conf = empty.path().join("fonts.conf");
    std::fs::write(&conf, "<?xml version=\"1.0\"?><fontconfig></fontconfig>\n").expect("conf");
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "data::chart_in_a_process_without_fonts",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env("FONTCONFIG_FILE", &conf)
        .env("FONTCONFIG_PATH", empty.path())
        .env("XDG_DATA_HOME", empty.path())
        .env("XDG_DATA_DIRS", empty.path())
        .env("HOME", empty.path())
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "run by the_chart_renders_without_system_fonts, in a process without fonts"]
fn chart_in_a_process_without_fonts() {
    let days: Vec<chart::ChartDay> = (0..30)
        .map(|i| chart::ChartDay {
            date: date("2026-10-24") + chrono::Duration::days(i),
            paid_cents: 2_000_000 + i * 50_000,
            conversion: Some(0.02 + (i % 5) as f64 * 0.002),
        })
        .collect();
    let png = chart::render_trend(&days, "CNY").expect("renders");
    assert_eq!(png_size(&png), (chart::WIDTH, chart::HEIGHT));
    let rgb = decode_png(&png);
    assert!(text_pixels(&rgb, 40) > 50, "the legend's words are drawn");
}

// ---------------------------------------------------------------- weekly and monthly

/// The week of the 16th: per-day totals 32,800 · 32,340 · 39,600 · 36,510 · 37,920 · 37,500 ·
/// 38,000 = 254,670; best the 18th, worst the 17th; 37,100 visitors, 1,059 paying.
#[tokio::test]
async fn weekly_summary_totals_average_best_and_worst_day() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary weekly").await;
    assert!(
        out.contains("== Weekly summary — 2026-11-16 to 2026-11-22 =="),
        "{out}"
    );
    for (name, value) in [
        ("Amount paid", "254,670.00"),
        ("Visitors", "37,100"),
        ("Buyers who paid", "1,059"),
        ("Refunds", "2,000.00"),
        ("Ad spend", "7,000.00"),
        ("Best day", "2026-11-18 · 39,600.00"),
        ("Worst day", "2026-11-17 · 32,340.00"),
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
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary weekly").await;
    assert_eq!(field(&out, "Daily average paid"), "36,381.43", "{out}");
}

/// November: per-day totals 36,600 (15th) … 38,000 (22nd), 291,270 in all.
#[tokio::test]
async fn monthly_summary_totals_best_and_worst_day() {
    let t = app().await;
    let mut sh = boss(&t).await;
    fixture(&mut sh).await;
    let out = run(&mut sh, "/summary monthly month:2026-11").await;
    assert!(out.contains("== Monthly summary — 2026-11 =="), "{out}");
    for (name, value) in [
        ("Amount paid", "291,270.00"),
        ("Visitors", "41,700"),       // 37,100 + 3,000 + 1,600
        ("Buyers who paid", "1,197"), // 1,059 + 90 + 48
        ("Best day", "2026-11-18 · 39,600.00"),
        ("Worst day", "2026-11-17 · 32,340.00"),
    ] {
        assert_eq!(field(&out, name), value, "{name}\n{out}");
    }
    let out = run(&mut sh, "/summary monthly month:2026-10").await;
    assert!(out.contains("No figures for this period"), "{out}");
    let out = run(&mut sh, "/summary monthly month:2026-13").await;
    assert!(out.contains("\"2026-13\" is not a month"), "{out}");
}

/// Shops in different currencies: the summary never adds yuan to dollars. Each currency with
/// two shops or more gets its own total; one alone is its own total.
#[tokio::test]
async fn the_summary_totals_each_currency_apart() {
    let t = app().await;
    let mut sh = boss(&t).await;
    run(&mut sh, "/data shop name:Tmall currency:CNY").await;
    run(&mut sh, "/data shop name:JD currency:CNY").await;
    run(&mut sh, "/data shop name:Amazon currency:USD").await;
    for (shop, paid) in [("Tmall", 30_000), ("JD", 8_000), ("Amazon", 1_500)] {
        let out = run(
            &mut sh,
            &format!("/data enter shop:{shop} date:2026-11-22 uv:1000 paying-buyers:20 paid-amount:{paid}"),
        )
        .await;
        assert!(out.contains("figures saved"), "{out}");
    }
    let out = run(&mut sh, "/summary now date:2026-11-22").await;
    assert!(out.contains("All shops in CNY"), "{out}");
    assert!(out.contains("38,000.00 CNY"), "{out}");
    assert!(
        !out.contains("All shops in USD"),
        "one USD shop is its own total: {out}"
    );
    assert!(
        !out.contains("39,500"),
        "yuan and dollars never added: {out}"
    );
    assert!(out.contains("1,500.00 USD"), "{out}");
}
