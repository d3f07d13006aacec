//! The morning summary's month to date (one line per currency: what the shops with a target
//! paid against their targets, the pace still needed, the month-end projection) and its
//! 30-day chart (the amount paid stacked by shop, the daily target pace, the conversion), both
//! from the eight weeks of amounts the summary read once (`store::morning::paid_series`).

use chrono::{Datelike, Duration, NaiveDate};
use sqlx::SqliteConnection;

use crate::app::cmd::data::{currencies, money_in};
use crate::domain::chart::{self, ShopSeries, Trend};
use crate::domain::metrics::total;
use crate::domain::money::Money;
use crate::domain::pace::{self, ShopMonth};
use crate::i18n::Locale;
use crate::message::{self, Attachment, Reply};
use crate::store::data::Shop;
use crate::store::{StoreError, morning};
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

/// One line per currency (most shops first).
pub async fn month_to_date(
    conn: &mut SqliteConnection,
    l: Locale,
    shops: &[Shop],
    series: &[morning::PaidDay],
    date: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<i64> = shops.iter().map(|s| s.id).collect();
    let month = month_key(date);
    let targets = morning::targets(conn, &ids, std::slice::from_ref(&month)).await?;
    let month_start = date.with_day(1).unwrap_or(date);
    let mut out = Vec::new();
    for currency in currencies(shops) {
        let of_currency: Vec<&Shop> = shops.iter().filter(|s| s.currency == currency).collect();
        let mut with_target = Vec::new();
        let mut without = Vec::new();
        for s in &of_currency {
            let done = Money(paid_in(series, s.id, month_start, date).unwrap_or(0));
            match targets.iter().find(|(id, _, t)| *id == s.id && t.0 > 0) {
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
    Ok(out)
}

/// What the 30-day chart shows: the shops in the most used currency, their amounts paid, the
/// daily target pace (the one statement read here) and the conversion.
pub async fn trend(
    conn: &mut SqliteConnection,
    l: Locale,
    shops: &[Shop],
    series: &[morning::PaidDay],
    date: NaiveDate,
) -> Result<Trend, StoreError> {
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
    let months = vec![month_key(from), month_key(date)];
    let targets = morning::targets(conn, &ids, &months).await?;
    let mut with_target = 0;
    let pace: Vec<Option<i64>> = days
        .iter()
        .map(|d| {
            let m = month_key(*d);
            let of_month: Vec<i64> = targets
                .iter()
                .filter(|(_, tm, t)| *tm == m && t.0 > 0)
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
    Ok(Trend {
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
    })
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
