//! The morning summary's month to date (one line per currency: what the shops with a target
//! paid against their targets, the pace still needed, the month-end projection) and its
//! 30-day chart (the amount paid stacked by shop, the daily target pace, the conversion), both
//! from the eight weeks of amounts the summary read once (`store::morning::paid_series`).

use chrono::{Datelike, Duration, NaiveDate};

use crate::app::cmd::data::{currencies, money_in};
use crate::domain::chart::{self, ShopSeries, Trend};
use crate::domain::metrics::total;
use crate::domain::money::Money;
use crate::domain::pace::{self, ShopMonth};
use crate::i18n::Locale;
use crate::message::{self, Attachment, Reply};
use crate::store::data::Shop;
use crate::store::morning;
use crate::tr;

fn month_key(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// The amount a shop paid in [from, to] (None when it reported none).
fn paid_in(series: &[morning::PaidDay], shop: i64, from: NaiveDate, to: NaiveDate) -> Option<i64> {
    let v: Vec<i64> = series
        .iter()
        .filter(|p| p.shop_id == shop && p.day >= from && p.day <= to)
        .filter_map(|p| p.paid.map(|m| m.0))
        .collect();
    (!v.is_empty()).then(|| total(v))
}

/// A share of a target: `{:.N}%`.
fn share(part: Money, of: Money, places: usize) -> String {
    format!("{:.places$}%", part.0 as f64 / of.0 as f64 * 100.0)
}

/// The months whose targets [`month_to_date`] and [`trend`] use for the summary of `date`:
/// read once for both ([`morning::targets`]).
pub fn target_months(date: NaiveDate) -> Vec<String> {
    let from = date - Duration::days(chart::MAX_DAYS as i64 - 1);
    let mut months = vec![month_key(from), month_key(date)];
    months.dedup();
    months
}

/// One line per currency (most shops first). `targets`: the shops' targets of at least the
/// month of `date` (see [`target_months`]).
pub fn month_to_date(
    l: Locale,
    shops: &[Shop],
    series: &[morning::PaidDay],
    targets: &[(i64, String, Money)],
    date: NaiveDate,
) -> Vec<String> {
    let month = month_key(date);
    let month_start = date.with_day(1).unwrap_or(date);
    let mut out = Vec::new();
    for currency in currencies(shops) {
        let of_currency: Vec<&Shop> = shops.iter().filter(|s| s.currency == currency).collect();
        let mut with_target = Vec::new();
        let mut without = Vec::new();
        for s in &of_currency {
            let done = Money(paid_in(series, s.id, month_start, date).unwrap_or(0));
            match targets
                .iter()
                .find(|(id, m, t)| *id == s.id && *m == month && t.0 > 0)
            {
                Some((_, _, t)) => with_target.push(ShopMonth {
                    done,
                    target: *t,
                    history: series
                        .iter()
                        .filter(|p| p.shop_id == s.id)
                        .filter_map(|p| p.paid.map(|m| (p.day, m)))
                        .collect(),
                }),
                None => without.push((s, done)),
            }
        }
        let cur = currency.as_str();
        let Some(p) = pace::month_pace(&with_target, date) else {
            let done = Money(total(without.iter().map(|(_, d)| d.0)));
            out.push(tr!(
                l,
                "summary-mtd-no-target",
                currency = cur,
                done = money_in(l, Some(done), cur)
            ));
            continue;
        };
        // The last day reads "closed at", a reached target "reached": no pace for either.
        let ended = match p.days_left {
            0 => Some("summary-mtd-closed"),
            _ if p.done.0 >= p.target.0 => Some("summary-mtd-reached"),
            _ => None,
        };
        let mut line = if let Some(key) = ended {
            tr!(
                l,
                key,
                currency = cur,
                done = money_in(l, Some(p.done), cur),
                target = money_in(l, Some(p.target), cur),
                share = share(p.done, p.target, 1)
            )
        } else {
            tr!(
                l,
                "summary-mtd-line",
                currency = cur,
                done = money_in(l, Some(p.done), cur),
                target = money_in(l, Some(p.target), cur),
                share = share(p.done, p.target, 1),
                pace = money_in(l, p.pace, cur),
                days = p.days_left
            )
        };
        if let Some(projected) = p.projected {
            line.push_str(&tr!(
                l,
                "summary-mtd-on-pace",
                projected = money_in(l, Some(projected), cur),
                target = money_in(l, Some(p.target), cur),
                share = share(projected, p.target, 0)
            ));
        }
        if !without.is_empty() {
            let names: Vec<String> = without
                .iter()
                .map(|(s, _)| message::escape_user_text(&s.name))
                .collect();
            line.push_str(&tr!(
                l,
                "summary-mtd-partial",
                n = with_target.len(),
                m = of_currency.len(),
                shops = names.join(", ")
            ));
        }
        out.push(line);
    }
    out
}

/// What the 30-day chart shows: the shops in the most used currency, their amounts paid, the
/// daily target pace (from `targets`, those of [`target_months`]) and the conversion.
pub fn trend(
    l: Locale,
    shops: &[Shop],
    series: &[morning::PaidDay],
    targets: &[(i64, String, Money)],
    date: NaiveDate,
) -> Trend {
    let from = date - Duration::days(chart::MAX_DAYS as i64 - 1);
    let days: Vec<NaiveDate> = (0..chart::MAX_DAYS as i64)
        .map(|i| from + Duration::days(i))
        .collect();
    let currency = currencies(shops).into_iter().next().unwrap_or_default();
    let charted: Vec<&Shop> = shops.iter().filter(|s| s.currency == currency).collect();
    let index = |d: NaiveDate| (d - from).num_days() as usize;
    let mut per_shop = Vec::new();
    let mut conv = vec![(0i128, 0i128, false); days.len()];
    for s in &charted {
        let mut paid = vec![0i64; days.len()];
        for p in series.iter().filter(|p| p.shop_id == s.id && p.day >= from) {
            if let Some(slot) = paid.get_mut(index(p.day)) {
                *slot = p.paid.map_or(0, |m| m.0);
            }
            if let (Some((n, d)), Some(c)) = (p.conversion, conv.get_mut(index(p.day))) {
                *c = (c.0 + i128::from(n), c.1 + i128::from(d), true);
            }
        }
        per_shop.push(ShopSeries {
            name: s.name.clone(),
            paid_cents: paid,
        });
    }
    // The daily target pace: each month's targets of the charted shops over its days.
    let ids: Vec<i64> = charted.iter().map(|s| s.id).collect();
    let mut with_target = 0;
    let pace: Vec<Option<i64>> = days
        .iter()
        .map(|d| {
            let m = month_key(*d);
            let of_month: Vec<i64> = targets
                .iter()
                .filter(|(id, tm, t)| *tm == m && t.0 > 0 && ids.contains(id))
                .map(|(_, _, t)| t.0)
                .collect();
            if m == month_key(date) {
                with_target = of_month.len();
            }
            let days_in = pace::month_end(*d).day() as i64;
            (!of_month.is_empty()).then(|| total(of_month) / days_in)
        })
        .collect();
    let pace_label = if with_target > 0 && with_target < charted.len() {
        tr!(
            l,
            "summary-chart-pace-partial",
            n = with_target,
            m = charted.len()
        )
    } else {
        l.t("summary-chart-pace")
    };
    Trend {
        title: tr!(l, "summary-chart-title", currency = currency.as_str()),
        days,
        shops: chart::group_shops(per_shop, |n| tr!(l, "summary-chart-others", count = n)),
        conversion: conv
            .iter()
            .map(|(n, d, any)| (*any && *d > 0).then(|| *n as f64 / *d as f64))
            .collect(),
        pace,
        conversion_label: l.t("summary-chart-conversion"),
        pace_label,
        no_data: l.t("summary-chart-no-data"),
    }
}

/// A chart being drawn: the PNG and its legend, once done.
pub type Drawing = tokio::task::JoinHandle<Result<(Vec<u8>, chart::Legend), chart::ChartError>>;

/// Starts drawing `trend` on a thread of its own (about half of the summary's time: drawing,
/// text and the PNG), so it runs while the summary's other figures are read.
pub fn draw(trend: Trend) -> Drawing {
    tokio::task::spawn_blocking(move || chart::render(&trend))
}

/// Adds the drawn chart to the summary of `date` (with the keys of the shops it could not
/// label in its footer); a chart that could not be drawn is logged and left out, and the
/// summary goes without it.
pub async fn attach(l: Locale, drawing: Drawing, date: NaiveDate, r: &mut Reply) {
    let drawn = match drawing.await {
        Ok(drawn) => drawn,
        Err(e) => {
            tracing::error!(error = %e, "drawing the summary chart stopped; sending the summary without it");
            return;
        }
    };
    match drawn {
        Ok((png, legend)) => {
            let undrawn = legend.undrawn();
            if !undrawn.is_empty() {
                let keys: Vec<String> = undrawn
                    .iter()
                    .map(|k| format!("{} ? = {}", k.emoji, message::escape_user_text(&k.label)))
                    .collect();
                r.footer = Some(tr!(l, "summary-chart-legend", keys = keys.join(" · ")));
            }
            r.attachments.push(Attachment {
                filename: format!("trend-{date}.png"),
                bytes: png,
            });
        }
        Err(e) => {
            tracing::error!(error = %e, "the summary chart could not be drawn; sending the summary without it")
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn shop(id: i64, currency: &str) -> Shop {
        Shop {
            id,
            name: format!("S{id}"),
            platform: "tmall".into(),
            currency: currency.into(),
        }
    }

    /// The chart and the month to date, from one read of the targets of both months, against a
    /// plain computation over shops in two currencies with gaps in their days: each day's bar of
    /// a shop is what it was paid that day; each day's pace is the sum of that month's targets
    /// (above zero) of the shops in the chart's currency over the month's days; the month to
    /// date sums what the shops with a target this month were paid since the 1st, against the
    /// sum of those targets (or what all were paid, when none has one).
    #[test]
    fn pace_and_month_to_date_read_their_own_months_of_one_target_list() {
        let mut rng = StdRng::seed_from_u64(0x7061_6365);
        for case in 0..300 {
            // Dates near and away from a month's turn, so the 30 days span one or two months.
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("day")
                + Duration::days(rng.gen_range(0..730));
            let n = rng.gen_range(1..7);
            let shops: Vec<Shop> = (1..=n)
                .map(|id| shop(id, if rng.gen_bool(0.3) { "USD" } else { "CNY" }))
                .collect();
            let months = target_months(date);
            assert!(months.contains(&month_key(date)) && months.len() <= 2);
            // Targets of the chart's months, some zero, some of a month the summary does
            // not read (which must change nothing).
            let mut targets: Vec<(i64, String, Money)> = Vec::new();
            for s in &shops {
                for m in months
                    .iter()
                    .cloned()
                    .chain([month_key(date + Duration::days(40))])
                {
                    if rng.gen_bool(0.6) {
                        let t = *[0, 1, 3_000_000, 12_345_678]
                            .get(rng.gen_range(0..4))
                            .expect("t");
                        targets.push((s.id, m, Money(t)));
                    }
                }
            }
            // Amounts paid over the last 60 days, with gaps: days not reported, and days
            // reported without an amount.
            let mut series: Vec<morning::PaidDay> = Vec::new();
            for s in &shops {
                for back in 0..60 {
                    if rng.gen_bool(0.2) {
                        continue;
                    }
                    series.push(morning::PaidDay {
                        shop_id: s.id,
                        day: date - Duration::days(back),
                        paid: rng
                            .gen_bool(0.9)
                            .then(|| Money(rng.gen_range(0..5_000_000))),
                        conversion: None,
                    });
                }
            }
            let paid = |shop: i64, from: NaiveDate, to: NaiveDate| -> i64 {
                series
                    .iter()
                    .filter(|p| p.shop_id == shop && p.day >= from && p.day <= to)
                    .filter_map(|p| p.paid.map(|m| m.0))
                    .sum()
            };
            let trend = trend(Locale::EnUs, &shops, &series, &targets, date);
            let currency = currencies(&shops)[0].clone();
            let charted: Vec<i64> = shops
                .iter()
                .filter(|s| s.currency == currency)
                .map(|s| s.id)
                .collect();
            assert_eq!(trend.days.len(), chart::MAX_DAYS, "case {case}");
            assert_eq!(trend.days.last(), Some(&date), "case {case}");
            // Each charted shop's bar of each day is what it was paid that day (0 for a gap).
            assert_eq!(trend.shops.len(), charted.len(), "case {case}");
            for id in &charted {
                let bars = trend
                    .shops
                    .iter()
                    .find(|b| b.name == format!("S{id}"))
                    .unwrap_or_else(|| panic!("case {case}: no bar for S{id}"));
                let expected: Vec<i64> = trend.days.iter().map(|d| paid(*id, *d, *d)).collect();
                assert_eq!(bars.paid_cents, expected, "case {case}: S{id}");
            }
            for (d, pace) in trend.days.iter().zip(&trend.pace) {
                let of_month: Vec<i64> = targets
                    .iter()
                    .filter(|(id, m, t)| charted.contains(id) && *m == month_key(*d) && t.0 > 0)
                    .map(|(_, _, t)| t.0)
                    .collect();
                let days_in = pace::month_end(*d).day() as i64;
                let expected =
                    (!of_month.is_empty()).then(|| of_month.iter().sum::<i64>() / days_in);
                assert_eq!(*pace, expected, "case {case}: {d}");
            }
            // The month to date: per currency, "over n of m shops" when some have no
            // target of this month.
            let lines = month_to_date(Locale::EnUs, &shops, &series, &targets, date);
            let month_start = date.with_day(1).expect("day");
            for currency in currencies(&shops) {
                let of: Vec<&Shop> = shops.iter().filter(|s| s.currency == currency).collect();
                // (target, paid this month) of the shops with a target this month.
                let with_targets: Vec<(i64, i64)> = of
                    .iter()
                    .filter_map(|s| {
                        targets
                            .iter()
                            .find(|(id, m, t)| *id == s.id && *m == month_key(date) && t.0 > 0)
                            .map(|(_, _, t)| (t.0, paid(s.id, month_start, date)))
                    })
                    .collect();
                let of_month: Vec<i64> = with_targets.iter().map(|(t, _)| *t).collect();
                let with = of_month.len();
                let line = lines
                    .iter()
                    .find(|l| l.starts_with(&format!("{currency}:")))
                    .unwrap_or_else(|| panic!("case {case}: no {currency} line in {lines:?}"));
                let money = |cents: i64| money_in(Locale::EnUs, Some(Money(cents)), &currency);
                if with == 0 {
                    let done: i64 = of.iter().map(|s| paid(s.id, month_start, date)).sum();
                    assert!(
                        line.starts_with(&format!(
                            "{currency}: {} (no target: /data target)",
                            money(done)
                        )),
                        "case {case}: {line}"
                    );
                    continue;
                }
                let sum = of_month.iter().sum();
                let done = with_targets.iter().map(|(_, p)| p).sum();
                assert!(
                    line.contains(&format!("{} of {} (", money(done), money(sum))),
                    "case {case}: {line} (paid {done}, targets {sum})"
                );
                assert_eq!(
                    line.contains(&format!("over {with} of {} shops", of.len())),
                    with < of.len(),
                    "case {case}: {line}"
                );
            }
        }
    }
}
