//! Schedules against an independent evaluation: random five-field cron lines in New York,
//! Berlin, Sydney and Shanghai, from instants around their daylight-saving changes, compared
//! occurrence by occurrence with a plain minute-by-minute walk written here.
//!
//! The walk knows nothing of the bot's code: it steps through UTC minutes, reads each one's
//! wall-clock time with chrono-tz and applies the rules the README documents:
//! - Vixie cron's day rule: a day field starting with `*` is unrestricted; when day-of-month
//!   and day-of-week are both restricted either may match, otherwise both must;
//! - a day-of-week step runs to Saturday (`5/2` = Friday only);
//! - `L` (last day of the month), `5L` (last Friday), `1#1` (first Monday);
//! - a local time that does not exist fires at the first instant after the jump;
//! - a local time that happens twice fires once, on the first pass.
//!
//! `cargo test schedules -- --nocapture` prints how many occurrences were compared.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use storeops::domain::schedule::parse_schedule;

/// How many occurrences are compared per line.
const OCCURRENCES: usize = 5;

/// How far the walk looks for them.
const HORIZON_DAYS: i64 = 400;

/// One cron field as a set of allowed values (index = value).
#[derive(Clone, Debug)]
struct Set(Vec<bool>);

impl Set {
    fn has(&self, v: u32) -> bool {
        self.0.get(v as usize).copied().unwrap_or(false)
    }
}

fn value(s: &str, names: &[&str]) -> Option<u32> {
    s.parse()
        .ok()
        .or_else(|| names.iter().position(|n| *n == s).map(|i| i as u32))
}

/// `*`, `n`, `a-b`, `*/k`, `a-b/k`, `a/k` (from `a` to `max`), comma lists.
fn parse_set(field: &str, min: u32, max: u32, names: &[&str]) -> Option<Set> {
    let mut set = vec![false; max as usize + 2];
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, k)) => (b, k.parse::<u32>().ok().filter(|k| *k > 0)?),
            None => (item, 1),
        };
        let (lo, hi) = if base == "*" {
            (min, max)
        } else if let Some((a, b)) = base.split_once('-') {
            (value(a, names)?, value(b, names)?)
        } else {
            let v = value(base, names)?;
            (v, if item.contains('/') { max.max(v) } else { v })
        };
        let mut v = lo;
        while v <= hi {
            *set.get_mut(v as usize)? = true;
            v += step;
        }
    }
    Some(Set(set))
}

#[derive(Clone, Debug)]
enum Dom {
    Days(Set),
    Last,
}

#[derive(Clone, Debug)]
enum Dow {
    /// Bit 0 = Sunday … 6 = Saturday (7 folded into 0).
    Days(Set),
    Last(u32),
    Nth(u32, u32),
}

/// A five-field line as the README describes it.
#[derive(Clone, Debug)]
struct Line {
    minutes: Set,
    hours: Set,
    dom: Dom,
    months: Set,
    dow: Dow,
    dom_star: bool,
    dow_star: bool,
}

const DOW_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Line {
    fn parse(line: &str) -> Line {
        let f: Vec<&str> = line.split(' ').collect();
        let dom = if f[2] == "l" {
            Dom::Last
        } else {
            Dom::Days(parse_set(f[2], 1, 31, &[]).expect("dom"))
        };
        let dow = if let Some(d) = f[4].strip_suffix('l') {
            Dow::Last(value(d, &DOW_NAMES).expect("dow") % 7)
        } else if let Some((d, n)) = f[4].split_once('#') {
            Dow::Nth(
                value(d, &DOW_NAMES).expect("dow") % 7,
                n.parse().expect("#"),
            )
        } else {
            // The step stops at Saturday: `*/k` and `a/k` run to 6, not 7.
            let mut set = parse_set(f[4], 0, 6, &DOW_NAMES).expect("dow").0;
            if set.get(7).copied().unwrap_or(false) {
                set[0] = true;
            }
            Dow::Days(Set(set))
        };
        Line {
            minutes: parse_set(f[0], 0, 59, &[]).expect("minutes"),
            hours: parse_set(f[1], 0, 23, &[]).expect("hours"),
            dom,
            months: parse_set(f[3], 1, 12, &[]).expect("months"),
            dow,
            dom_star: f[2].starts_with('*'),
            dow_star: f[4].starts_with('*'),
        }
    }

    fn day(&self, d: NaiveDate) -> bool {
        let days_in_month = (28..=31)
            .rev()
            .find(|n| NaiveDate::from_ymd_opt(d.year(), d.month(), *n).is_some())
            .unwrap_or(28);
        let dom = match &self.dom {
            Dom::Days(s) => s.has(d.day()),
            Dom::Last => d.day() == days_in_month,
        };
        let wd = d.weekday().num_days_from_sunday();
        let dow = match &self.dow {
            Dow::Days(s) => s.has(wd),
            Dow::Last(w) => wd == *w && d.day() + 7 > days_in_month,
            Dow::Nth(w, n) => wd == *w && (d.day() - 1) / 7 + 1 == *n,
        };
        let either = !self.dom_star && !self.dow_star;
        self.months.has(d.month()) && if either { dom || dow } else { dom && dow }
    }

    fn at(&self, t: NaiveDateTime) -> bool {
        self.day(t.date()) && self.hours.has(t.hour()) && self.minutes.has(t.minute())
    }
}

fn wall(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// Whether the wall-clock time `local`, read at `t`, already happened earlier (the second
/// pass through a repeated hour).
fn second_pass(tz: Tz, local: NaiveDateTime, t: DateTime<Utc>) -> bool {
    match tz.from_local_datetime(&local) {
        LocalResult::Ambiguous(a, b) => t != a.min(b).with_timezone(&Utc),
        _ => false,
    }
}

/// The first instant after `after` at which the line fires, walking UTC minute by minute.
fn walk(line: &Line, tz: Tz, after: DateTime<Utc>, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let minute = Duration::minutes(1);
    let floor = after.with_second(0)?.with_nanosecond(0)?;
    let mut t = floor + minute;
    let mut prev = wall(tz, t - minute);
    while t <= until {
        let local = wall(tz, t);
        let jumped = local - prev > minute;
        if !jumped {
            // Nothing can fire for the rest of a day that does not match, or of an hour
            // that does not match when no clock change falls inside it: skip ahead.
            let left_in_hour = i64::from(60 - local.minute());
            let left_in_day = i64::from(24 * 60 - local.hour() * 60 - local.minute());
            let skip = if !line.day(local.date()) && left_in_day > 180 {
                left_in_day - 120
            } else if !line.hours.has(local.hour())
                && offset(tz, t) == offset(tz, t + Duration::minutes(left_in_hour))
            {
                left_in_hour
            } else {
                0
            };
            if skip > 0 {
                t += Duration::minutes(skip);
                prev = wall(tz, t - minute);
                continue;
            }
        }
        let mut fires = line.at(local) && !second_pass(tz, local, t);
        // Wall-clock minutes the clock jumped over fire at the first instant after the jump.
        let mut skipped = prev + minute;
        while jumped && skipped < local {
            fires |= line.at(skipped);
            skipped += minute;
        }
        if fires {
            return Some(t);
        }
        prev = local;
        t += minute;
    }
    None
}

fn pick(options: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    prop::sample::select(options.to_vec()).prop_map(str::to_string)
}

fn minute_field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0..60u32).prop_map(|m| m.to_string()),
        1 => pick(&["*/5", "*/10", "*/15", "*/20", "*/30"]),
        1 => (0..30u32, prop::sample::select(vec![10u32, 15, 20, 30])).prop_map(|(a, k)| format!("{a}/{k}")),
        1 => (0..30u32, 5..30u32).prop_map(|(a, d)| format!("{a},{}", a + d)),
        1 => (0..20u32, 30..60u32, prop::sample::select(vec![5u32, 10, 15])).prop_map(|(a, b, k)| format!("{a}-{b}/{k}")),
    ]
}

fn hour_field() -> impl Strategy<Value = String> {
    prop_oneof![
        // The hours clocks change in (01:00-03:59 local) most often.
        4 => (0..5u32).prop_map(|h| h.to_string()),
        2 => (0..24u32).prop_map(|h| h.to_string()),
        1 => Just("*".to_string()),
        1 => (2..8u32).prop_map(|k| format!("*/{k}")),
        1 => (0..4u32, 1..6u32).prop_map(|(a, d)| format!("{a}-{}", a + d)),
        1 => (0..12u32, 12..24u32, 2..5u32).prop_map(|(a, b, k)| format!("{a}-{b}/{k}")),
        1 => (0..3u32, 2..12u32).prop_map(|(a, k)| format!("{a}/{k}")),
        1 => (0..8u32, 1..8u32, 1..8u32).prop_map(|(a, d, e)| format!("{a},{},{}", a + d, a + d + e)),
    ]
}

fn dom_field() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just("*".to_string()),
        2 => (1..32u32).prop_map(|d| d.to_string()),
        1 => (1..20u32, 1..12u32).prop_map(|(a, d)| format!("{a}-{}", a + d)),
        1 => (2..5u32).prop_map(|k| format!("*/{k}")),
        1 => (1..10u32, 2..8u32).prop_map(|(a, k)| format!("{a}/{k}")),
        1 => (1..15u32, 1..16u32).prop_map(|(a, d)| format!("{a},{}", a + d)),
        1 => Just("l".to_string()),
    ]
}

fn month_field() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => Just("*".to_string()),
        1 => (1..13u32).prop_map(|m| m.to_string()),
        1 => (1..8u32, 1..5u32).prop_map(|(a, d)| format!("{a}-{}", a + d)),
        1 => (1..7u32, 1..6u32).prop_map(|(a, d)| format!("{a},{}", a + d)),
        1 => (2..4u32).prop_map(|k| format!("*/{k}")),
    ]
}

fn dow_field() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("*".to_string()),
        2 => (0..8u32).prop_map(|d| d.to_string()),
        1 => (0..5u32, 1..3u32).prop_map(|(a, d)| format!("{a}-{}", a + d)),
        1 => (3..8u32).prop_map(|b| format!("5-{b}")),
        2 => (0..7u32, 2..4u32).prop_map(|(a, k)| format!("{a}/{k}")),
        1 => (2..4u32).prop_map(|k| format!("*/{k}")),
        1 => pick(&["mon-fri", "sat,sun", "mon,thu", "fri"]),
        1 => (0..8u32).prop_map(|d| format!("{d}l")),
        1 => (0..8u32, 1..5u32).prop_map(|(d, n)| format!("{d}#{n}")),
    ]
}

fn line() -> impl Strategy<Value = String> {
    (
        minute_field(),
        hour_field(),
        dom_field(),
        month_field(),
        dow_field(),
    )
        .prop_map(|(a, b, c, d, e)| format!("{a} {b} {c} {d} {e}"))
}

/// The zones, each with instants around its clock changes in 2026 and 2027.
fn zones() -> Vec<(Tz, Vec<DateTime<Utc>>)> {
    let at = |s: &str| s.parse::<DateTime<Utc>>().expect("instant");
    vec![
        (
            chrono_tz::America::New_York,
            vec![
                at("2026-03-08T07:00:00Z"),
                at("2026-11-01T06:00:00Z"),
                at("2027-03-14T07:00:00Z"),
                at("2027-11-07T06:00:00Z"),
            ],
        ),
        (
            chrono_tz::Europe::Berlin,
            vec![
                at("2026-03-29T01:00:00Z"),
                at("2026-10-25T01:00:00Z"),
                at("2027-03-28T01:00:00Z"),
                at("2027-10-31T01:00:00Z"),
            ],
        ),
        (
            chrono_tz::Australia::Sydney,
            vec![
                at("2026-04-04T16:00:00Z"),
                at("2026-10-03T16:00:00Z"),
                at("2027-04-03T16:00:00Z"),
                at("2027-10-02T16:00:00Z"),
            ],
        ),
        (
            chrono_tz::Asia::Shanghai,
            vec![
                at("2026-01-31T16:00:00Z"),
                at("2026-11-10T16:00:00Z"),
                at("2027-02-28T16:00:00Z"),
            ],
        ),
    ]
}

/// Compares the bot's next occurrences with the walk's; returns how many were compared.
fn compare(text: &str, tz: Tz, start: DateTime<Utc>) -> Result<usize, TestCaseError> {
    let schedule = match parse_schedule(text) {
        Ok(s) => s,
        // Lines that fire more than every 5 minutes or never are refused; not compared.
        Err(_) => return Ok(0),
    };
    let line = Line::parse(text);
    let until = start + Duration::days(HORIZON_DAYS);
    let (mut bot, mut walker) = (start, start);
    for n in 0..OCCURRENCES {
        let expected = walk(&line, tz, walker, until);
        let got = schedule.next_after(bot, tz).filter(|t| *t <= until);
        prop_assert_eq!(
            got,
            expected,
            "{:?} in {} from {} (occurrence {}): bot {:?}, walk {:?}",
            text,
            tz,
            start,
            n + 1,
            got.map(|t| t.with_timezone(&tz).to_string()),
            expected.map(|t| t.with_timezone(&tz).to_string())
        );
        match expected {
            Some(t) => (bot, walker) = (t, t),
            None => return Ok(n + 1),
        }
    }
    Ok(OCCURRENCES)
}

#[test]
fn schedules_agree_with_a_minute_by_minute_walk_around_clock_changes() {
    let zones = zones();
    let compared = AtomicUsize::new(0);
    let lines = AtomicUsize::new(0);
    let strategy = (
        line(),
        0..zones.len(),
        any::<prop::sample::Index>(),
        -3 * 24 * 60..2 * 24 * 60i64,
        0..60i64,
    );
    let mut runner = TestRunner::new(Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |(text, zone, change, minutes, seconds)| {
        let (tz, changes) = &zones[zone];
        let start = *change.get(changes) + Duration::minutes(minutes) + Duration::seconds(seconds);
        let n = compare(&text, *tz, start)?;
        compared.fetch_add(n, Ordering::Relaxed);
        lines.fetch_add(usize::from(n > 0), Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (compared, lines) = (compared.into_inner(), lines.into_inner());
    println!("schedules: {lines} random lines read, {compared} occurrences compared with the walk");
    assert!(lines >= 700, "too few lines were read: {lines}");
}

#[test]
fn the_walk_and_the_bot_agree_on_the_documented_examples() {
    let ny = chrono_tz::America::New_York;
    let at = |s: &str| s.parse::<DateTime<Utc>>().expect("instant");
    let cases = [
        // A Friday step never reaches Sunday.
        ("0 9 * * 5/2", ny, at("2026-03-01T00:00:00Z")),
        ("0 9 * * 1/2", ny, at("2026-03-01T00:00:00Z")),
        // Vixie: either day matches; `*/2` counts as unrestricted.
        ("0 9 13 * 5", ny, at("2026-03-01T00:00:00Z")),
        ("0 9 */2 * 5", ny, at("2026-03-01T00:00:00Z")),
        // 02:30 does not exist on 8 March: fires at 03:00 EDT.
        ("30 2 * * *", ny, at("2026-03-07T00:00:00Z")),
        // 01:30 happens twice on 1 November: fires once, on the first pass; created inside the
        // second pass (01:15 EST = 06:15Z), it fires next on the next day.
        ("30 1 * * *", ny, at("2026-10-31T12:00:00Z")),
        ("30 1 * * *", ny, at("2026-11-01T06:15:00Z")),
        ("*/30 1 * * *", ny, at("2026-11-01T05:10:00Z")),
        ("0 18 l * *", ny, at("2026-02-01T00:00:00Z")),
        ("0 19 * * 5l", ny, at("2026-02-01T00:00:00Z")),
        ("0 10 * * 1#1", ny, at("2026-02-01T00:00:00Z")),
    ];
    for (text, tz, start) in cases {
        let n = compare(text, tz, start).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, OCCURRENCES, "{text:?}");
    }
    // And the walk itself says what the README says for the repeated hour.
    let line = Line::parse("30 1 * * *");
    let until = at("2026-12-01T00:00:00Z");
    assert_eq!(
        walk(&line, ny, at("2026-11-01T06:15:00Z"), until),
        Some(at("2026-11-02T06:30:00Z"))
    );
    assert_eq!(
        walk(&line, ny, at("2026-11-01T05:00:00Z"), until),
        Some(at("2026-11-01T05:30:00Z"))
    );
    assert_eq!(
        walk(
            &Line::parse("30 2 * * *"),
            ny,
            at("2026-03-08T06:00:00Z"),
            until
        ),
        Some(at("2026-03-08T07:00:00Z"))
    );
    assert_eq!(
        walk(
            &Line::parse("0 9 * * 5/2"),
            ny,
            at("2026-03-07T00:00:00Z"),
            until
        ),
        Some(at("2026-03-13T13:00:00Z")),
        "Friday 13 March 09:00 EDT, not Sunday 8 March"
    );
}
