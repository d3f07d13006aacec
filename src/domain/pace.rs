//! Month to date against a target: what was paid, the daily pace still needed to reach the
//! target, and the month-end projection (what was paid so far plus, for each day left, the
//! average of the same weekday over the last eight weeks). The morning summary gives one line
//! per currency over the shops that have a target, so the projections of several shops are
//! added as exact fractions and rounded once.

use chrono::{Datelike, Duration, NaiveDate};

use super::metrics::{OUT_OF_RANGE, total};
use super::money::Money;

/// How far the eight-week window reaches back from the day reported on (inclusive).
pub const WINDOW_DAYS: i64 = 56;

/// One shop's month so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopMonth {
    /// Paid from the 1st to the day reported on.
    pub done: Money,
    pub target: Money,
    /// The days with an amount paid in the eight weeks up to the day (others are gaps).
    pub history: Vec<(NaiveDate, Money)>,
}

/// The month to date of a group of shops (one currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPace {
    pub done: Money,
    pub target: Money,
    /// Days of the month after the day reported on (0 on its last day: the month is over).
    pub days_left: i64,
    /// What is left of the target over the days left, rounded up to the cent so that the
    /// pace, kept, reaches the target; None when no day is left.
    pub pace: Option<Money>,
    /// Where the month ends at the weekday pattern; None when no day is left or no shop has
    /// any amount in the eight weeks.
    pub projected: Option<Money>,
}

/// An exact non-negative fraction (numerator, denominator > 0).
type Frac = (i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

fn add(a: Frac, b: Frac) -> Option<Frac> {
    let g = gcd(a.1, b.1).max(1);
    let den = (a.1 / g).checked_mul(b.1)?;
    let num =
        a.0.checked_mul(b.1 / g)?
            .checked_add(b.0.checked_mul(a.1 / g)?)?;
    let r = gcd(num, den).max(1);
    Some((num / r, den / r))
}

/// What the days left after `date` until `month_end` add up to at the weekday pattern of
/// `history` (only days in the eight weeks up to `date` count; a weekday without any takes
/// the average of all of them), exactly; None without any history, Some(None) when a sum
/// leaves the range of what can be counted.
fn rest(
    history: &[(NaiveDate, Money)],
    date: NaiveDate,
    month_end: NaiveDate,
) -> Option<Option<Frac>> {
    let from = date - Duration::days(WINDOW_DAYS - 1);
    let window: Vec<&(NaiveDate, Money)> = history
        .iter()
        .filter(|(d, _)| *d >= from && *d <= date)
        .collect();
    if window.is_empty() {
        return None;
    }
    if window
        .iter()
        .any(|(_, m)| m.0 == OUT_OF_RANGE || m.0 == i64::MIN)
    {
        return Some(None);
    }
    // (sum, days) of the whole window and of each weekday (Monday first).
    let mut overall = (0i128, 0i128);
    let mut weekday = [(0i128, 0i128); 7];
    for (d, m) in &window {
        let w = &mut weekday[d.weekday().num_days_from_monday() as usize];
        w.0 += i128::from(m.0);
        w.1 += 1;
        overall.0 += i128::from(m.0);
        overall.1 += 1;
    }
    let mut sum: Frac = (0, 1);
    let mut d = date + Duration::days(1);
    while d <= month_end {
        let w = weekday[d.weekday().num_days_from_monday() as usize];
        let avg = if w.1 > 0 { w } else { overall };
        match add(sum, avg) {
            Some(s) => sum = s,
            None => return Some(None),
        }
        d += Duration::days(1);
    }
    Some(Some(sum))
}

/// `n / d` rounded half up (d > 0).
fn round_half_up((n, d): Frac) -> Option<i64> {
    i64::try_from((2 * n + d).div_euclid(2 * d)).ok()
}

/// The month-end projection of one shop: `done` plus the days left at the weekday pattern of
/// `history`, rounded once, half a cent up. None without any history in the eight weeks.
pub fn month_end_projection(
    done: Money,
    history: &[(NaiveDate, Money)],
    date: NaiveDate,
    month_end: NaiveDate,
) -> Option<Money> {
    let r = rest(history, date, month_end)?;
    let r = r.and_then(round_half_up).unwrap_or(OUT_OF_RANGE);
    Some(Money(total([done.0, r])))
}

/// The last day of `date`'s month.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(date)
}

/// The month to date of the shops (each with a target) on `date`: the sums of what they paid
/// and of their targets, the pace still needed, and the projection (each shop's days left at
/// its own weekday pattern, the fractions added exactly and the sum rounded once). None for
/// no shops.
pub fn month_pace(shops: &[ShopMonth], date: NaiveDate) -> Option<MonthPace> {
    if shops.is_empty() {
        return None;
    }
    let end = month_end(date);
    let days_left = (end - date).num_days();
    let done = Money(total(shops.iter().map(|s| s.done.0)));
    let target = Money(total(shops.iter().map(|s| s.target.0)));
    let pace = (days_left > 0).then(|| {
        if done.0 == OUT_OF_RANGE || target.0 == OUT_OF_RANGE {
            return Money(OUT_OF_RANGE);
        }
        let remaining = (target.0 - done.0).max(0);
        Money(remaining / days_left + i64::from(remaining % days_left != 0))
    });
    let projected = if days_left > 0 {
        let mut sum: Option<Option<Frac>> = None;
        for s in shops {
            if let Some(r) = rest(&s.history, date, end) {
                let prev = sum.unwrap_or(Some((0, 1)));
                sum = Some(match (prev, r) {
                    (Some(a), Some(b)) => add(a, b),
                    _ => None,
                });
            }
        }
        sum.map(|r| {
            let r = r.and_then(round_half_up).unwrap_or(OUT_OF_RANGE);
            Money(total([done.0, r]))
        })
    } else {
        None
    };
    Some(MonthPace {
        done,
        target,
        days_left,
        pace,
        projected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_follows_the_weekday_pattern_and_skips_gaps() {
        let d = |day: u32| NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
        // Mondays 100, other days 10 (the 10th, a Tuesday, has no figures).
        let history: Vec<_> = (2..=25)
            .filter(|day| *day != 10)
            .map(|day| {
                let m = if day % 7 == 2 { 10_000 } else { 1_000 };
                (d(day), Money(m))
            })
            .collect();
        // Left after the 25th (Wed): 26..30 = Thu, Fri, Sat, Sun, Mon.
        let p = month_end_projection(Money(50_000), &history, d(25), d(30));
        assert_eq!(p, Some(Money(50_000 + 4 * 1_000 + 10_000)));
        assert_eq!(month_end_projection(Money(5), &[], d(25), d(30)), None);
        assert_eq!(
            month_end_projection(Money(7), &history, d(30), d(30)),
            Some(Money(7))
        );
    }

    #[test]
    fn projection_adds_the_averages_exactly_and_rounds_half_a_cent_up() {
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        // Left after Saturday the 28th: Sunday 29 (Sundays 1, 0, 0: a third of a cent) and
        // Monday 30 (Mondays 1, 0, 0, 0, 0, 0: a sixth): exactly half a cent, rounded up.
        let mut history = vec![
            (d(11, 1), Money(1)),
            (d(11, 8), Money(0)),
            (d(11, 15), Money(0)),
        ];
        history.push((d(10, 19), Money(1)));
        for day in [26, 2, 9, 16, 23] {
            let month = if day == 26 { 10 } else { 11 };
            history.push((d(month, day), Money(0)));
        }
        assert_eq!(
            month_end_projection(Money(100), &history, d(11, 28), d(11, 30)),
            Some(Money(101))
        );
    }

    #[test]
    fn shops_are_projected_together_and_rounded_once() {
        let d = |day: u32| NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
        // Each shop: one day left (Monday the 30th), its Mondays 1, 0 (half a cent each):
        // apart each rounds up to 1 cent (2 in all); together exactly 1 cent.
        let shop = |done: i64| ShopMonth {
            done: Money(done),
            target: Money(1_000),
            history: vec![(d(16), Money(1)), (d(23), Money(0))],
        };
        let p = month_pace(&[shop(100), shop(200)], d(29)).expect("pace");
        assert_eq!(p.done, Money(300));
        assert_eq!(p.target, Money(2_000));
        assert_eq!(p.days_left, 1);
        assert_eq!(p.pace, Some(Money(1_700)));
        assert_eq!(p.projected, Some(Money(301)));
        // On the last day the month is over: no pace, no projection.
        let p = month_pace(&[shop(100)], d(30)).expect("pace");
        assert_eq!((p.days_left, p.pace, p.projected), (0, None, None));
        // Pace rounds up: 1,000 - 100 = 900 cents over 7 days = 128.57… -> 129 cents a day.
        let p = month_pace(&[shop(100)], d(23)).expect("pace");
        assert_eq!(p.pace, Some(Money(129)));
        assert_eq!(month_pace(&[], d(23)), None);
        assert_eq!(month_end(d(2)), d(30));
        assert_eq!(
            month_end(NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")),
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")
        );
    }
}
