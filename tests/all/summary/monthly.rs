//! The monthly summary and the morning summary's month to date, against a plain reference
//! computation written here, over generated servers of 2–5 shops in mixed currencies with gaps
//! (days and single figures missing at random), with and without monthly targets, on a random
//! day of the month.
//!
//! The rules the reference follows (README, "The morning summary"; DOMAIN.md): money is never
//! added across currencies; the month to date is what a shop paid from the 1st to the day; the
//! daily pace needed is what is left of the target over the days left, rounded up to the cent
//! (so that the pace, kept, reaches the target); the month-end projection is the month to date
//! plus, for each day left, the average amount paid on the same weekday over the eight weeks up
//! to the day (days without the figure left out, not counted as 0), or, for a weekday without
//! any, the average of every day with the figure in those weeks; no projection without any.
//! The reference computes the averages exactly (fractions), rounding half a cent up.

use chrono::{Datelike, Duration, NaiveDate};
use proptest::prelude::*;

use super::totals::{Day, Shop, by_currency, cases, check_period, day, enter_from, money};
use crate::support::TestApp;
use crate::support::shell::{boss_with_summary_channel, run};

/// Day index 0: eight weeks before October's last days, so every October day has its full
/// window of history, and September has a partial month of its own.
fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 5).expect("date")
}

/// 2026-09-05 to 2026-10-31.
const DAYS: i64 = 57;

fn date_of(i: i64) -> NaiveDate {
    start() + Duration::days(i)
}

fn index_of(d: NaiveDate) -> i64 {
    (d - start()).num_days()
}

/// A shop with its October target in cents (None: no target set).
fn shops() -> impl Strategy<Value = Vec<(Shop, Option<i64>)>> {
    proptest::collection::vec(
        (
            proptest::sample::select(vec!["CNY", "USD", "EUR"]),
            proptest::collection::vec(proptest::option::weighted(0.6, day()), DAYS as usize),
            proptest::option::weighted(0.7, 1i64..200_000_000),
        ),
        2..=5,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (currency, days, target))| {
                let shop = Shop {
                    name: format!("S{i}"),
                    currency,
                    days: days
                        .into_iter()
                        .enumerate()
                        .filter_map(|(d, f)| f.filter(|f| !f.is_empty()).map(|f| (d as i64, f)))
                        .collect(),
                };
                (shop, target)
            })
            .collect()
    })
}

/// `n / d` rounded half up (both non-negative, d > 0).
fn div_round(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// An exact fraction, added up without rounding.
#[derive(Clone, Copy)]
struct Frac(i128, i128);

impl Frac {
    fn add(self, o: Frac) -> Frac {
        let (n, d) = (self.0 * o.1 + o.0 * self.1, self.1 * o.1);
        let g = gcd(n, d).max(1);
        Frac(n / g, d / g)
    }
}

/// What the shop paid on day `i`, if it reported it.
fn paid(s: &Shop, i: i64) -> Option<i64> {
    s.days.get(&i).and_then(|f: &Day| f.paid)
}

/// The month-to-date line the morning summary of `date` must show for the shops of one
/// currency (`shops`, each with its target): the shops with a target against the sum of their
/// targets, the pace still needed, and the projection (each shop's days left at its own
/// weekday pattern, the fractions added exactly, rounded once).
fn expected_mtd(shops: &[&(Shop, Option<i64>)], date: NaiveDate) -> String {
    let c = shops[0].0.currency;
    let month_start = date.with_day(1).expect("1st");
    let month_end = {
        let next = if date.month() == 12 {
            NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
        };
        next.expect("next month") - Duration::days(1)
    };
    let done_of = |s: &Shop| -> i64 {
        (index_of(month_start)..=index_of(date))
            .filter_map(|i| paid(s, i))
            .sum()
    };
    let with: Vec<(&Shop, i64)> = shops
        .iter()
        .filter_map(|(s, t)| t.map(|t| (s, t)))
        .collect();
    if with.is_empty() {
        let done: i64 = shops.iter().map(|(s, _)| done_of(s)).sum();
        return format!("{c}: {} (no target: /data target)", money(done, c));
    }
    let done: i64 = with.iter().map(|(s, _)| done_of(s)).sum();
    let t: i64 = with.iter().map(|(_, t)| t).sum();
    let days_left = (month_end - date).num_days();
    let share = div_round(done as i128 * 1000, t as i128);
    let mut line = if days_left == 0 {
        format!(
            "{c}: the month closed at {} of {} ({}.{}%)",
            money(done, c),
            money(t, c),
            share / 10,
            share % 10
        )
    } else if done >= t {
        format!(
            "{c}: {} of {} ({}.{}%) · target reached",
            money(done, c),
            money(t, c),
            share / 10,
            share % 10
        )
    } else {
        let remaining = (t - done).max(0);
        let pace = (remaining + days_left - 1) / days_left;
        let left = if days_left == 1 {
            "the last day".to_string()
        } else {
            format!("the {days_left} days left")
        };
        format!(
            "{c}: {} of {} ({}.{}%) · {} a day needed for {left}",
            money(done, c),
            money(t, c),
            share / 10,
            share % 10,
            money(pace, c),
        )
    };
    // Each shop's days left at the average of the same weekday over the eight weeks up to
    // the day (only the days that report the amount), exactly.
    let mut rest: Option<Frac> = None;
    for (s, _) in &with {
        let window: Vec<(NaiveDate, i64)> = (index_of(date) - 55..=index_of(date))
            .filter_map(|i| paid(s, i).map(|p| (date_of(i), p)))
            .collect();
        if window.is_empty() || days_left == 0 {
            continue;
        }
        let avg = |days: Vec<i64>| {
            (!days.is_empty())
                .then(|| Frac(days.iter().map(|p| *p as i128).sum(), days.len() as i128))
        };
        let overall = avg(window.iter().map(|(_, p)| *p).collect()).expect("some day");
        let mut r = rest.unwrap_or(Frac(0, 1));
        let mut d = date + Duration::days(1);
        while d <= month_end {
            let same = window
                .iter()
                .filter(|(x, _)| x.weekday() == d.weekday())
                .map(|(_, p)| *p)
                .collect();
            r = r.add(avg(same).unwrap_or(overall));
            d += Duration::days(1);
        }
        rest = Some(r);
    }
    if let Some(r) = rest {
        let projected = done as i128 + div_round(r.0, r.1);
        line.push_str(&format!(
            " · on pace for {} of {} ({}%)",
            money(projected as i64, c),
            money(t, c),
            div_round(projected * 100, t as i128)
        ));
    }
    let without: Vec<&str> = shops
        .iter()
        .filter(|(_, t)| t.is_none())
        .map(|(s, _)| s.name.as_str())
        .collect();
    if !without.is_empty() {
        line.push_str(&format!(
            " (over {} of {} shops; no target: {})",
            with.len(),
            shops.len(),
            without.join(", ")
        ));
    }
    line
}

async fn check(shops: Vec<(Shop, Option<i64>)>, day_of_october: u32) {
    let t = TestApp::quiet().await;
    let mut sh = boss_with_summary_channel(&t).await;
    let plain: Vec<Shop> = shops.iter().map(|(s, _)| s.clone()).collect();
    enter_from(&mut sh, &plain, start()).await;
    for (s, target) in &shops {
        if let Some(cents) = target {
            let out = run(
                &mut sh,
                &format!(
                    "/data target shop:{} amount:{}.{:02} month:2026-10",
                    s.name,
                    cents / 100,
                    cents % 100
                ),
            )
            .await;
            assert!(out.contains(&s.name) && out.contains("2026-10"), "{out}");
        }
    }
    let groups = by_currency(&plain);

    // The monthly summaries of October (a whole month) and September (figures from the 5th).
    for (month, from, to) in [
        ("2026-10", date_of(26), date_of(DAYS - 1)),
        ("2026-09", start(), date_of(25)),
    ] {
        let out = run(&mut sh, &format!("/summary monthly month:{month}")).await;
        assert!(out.contains(&format!("Monthly summary — {month}")), "{out}");
        let days: Vec<i64> = (index_of(from)..=index_of(to)).collect();
        check_period(&out, &groups, &days, start(), &format!("monthly {month}"));
    }

    // The morning summary of a day in October: each shop's month to date, against its target
    // with the pace needed and the month-end projection.
    let date = NaiveDate::from_ymd_opt(2026, 10, day_of_october).expect("day");
    let out = run(&mut sh, &format!("/summary now date:{date}")).await;
    let mtd: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Month to date:"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with("  "))
        .map(|(_, l)| l.trim_start_matches("Month to date:").trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut currencies: Vec<&str> = shops.iter().map(|(s, _)| s.currency).collect();
    currencies.sort();
    currencies.dedup();
    assert_eq!(mtd.len(), currencies.len(), "one line per currency:\n{out}");
    for c in currencies {
        let of: Vec<&(Shop, Option<i64>)> = shops.iter().filter(|(s, _)| s.currency == c).collect();
        let want = expected_mtd(&of, date);
        assert!(
            mtd.contains(&want.as_str()),
            "{c} on {date}: expected {want:?} in:\n{out}"
        );
    }
    // The shop and total lines of the same morning.
    let days = index_of(date);
    super::totals::check_morning_lines(&out, &plain, &groups, days);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases().div_ceil(2), max_shrink_iters: 30, ..ProptestConfig::default() })]

    #[test]
    fn the_monthly_summary_and_the_month_end_projection_match_a_plain_computation(
        shops in shops(),
        day_of_october in 1u32..=31,
    ) {
        crate::support::block_on(check(shops, day_of_october));
    }
}
