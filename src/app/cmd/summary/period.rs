//! The weekly and monthly summaries: totals, the daily average, the best and worst day, and
//! the task and complaint figures of the period.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use crate::app::App;
use crate::app::cmd::data::{
    CurrencyTotals, add_group, by_currency_totals, money_in, rate_pairs, total_pairs,
};
use crate::domain::deadline::local_to_utc;
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::Reply;
use crate::store::settings::GuildSettings;
use crate::store::{StoreError, data, tasks};
use crate::tr;

/// Totals, averages, best and worst day, and the task and complaint figures of a period.
pub async fn period(
    app: &App,
    conn: &mut sqlx::SqliteConnection,
    guild: &GuildSettings,
    from: NaiveDate,
    to: NaiveDate,
    title: String,
    l: Locale,
) -> Result<Reply, StoreError> {
    let shops = data::shops(conn, guild.guild_id).await?;
    let mut r = Reply::titled(title);
    let groups: Vec<CurrencyTotals> = by_currency_totals(conn, &shops, from, to, true)
        .await?
        .into_iter()
        .filter(|g| g.has_days())
        .collect();
    if groups.is_empty() {
        r.lines.push(l.t("data-show-empty"));
    }
    let one = groups.len() == 1;
    for g in &groups {
        r = add_group(r, l, one, g, period_pairs(l, g));
    }
    let tz = guild.timezone;
    let start = local_to_utc(from.and_time(NaiveTime::MIN), tz);
    let end = local_to_utc((to + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let stats = tasks::stats(conn, guild.guild_id, start, end, app.clock.now()).await?;
    let (assigned, done, on_time) = stats.iter().fold((0, 0, 0), |a, s| {
        (a.0 + s.assigned, a.1 + s.done, a.2 + s.on_time)
    });
    r = r.field(
        l.t("summary-period-tasks"),
        tr!(
            l,
            "summary-period-tasks-line",
            assigned = assigned,
            done = done,
            on_time = on_time
        ),
        false,
    );
    let f = crate::app::cmd::complaint::figures(
        conn,
        guild.guild_id,
        start,
        end,
        &app.config.defaults.currency,
    )
    .await?;
    r = r.field(
        l.t("summary-period-complaints"),
        tr!(
            l,
            "summary-period-complaints-line",
            logged = f.logged,
            resolved = f.resolved,
            within = f.within_limit,
            refunds = crate::app::cmd::complaint::per_currency(&f.refunds)
        ),
        false,
    );
    Ok(r)
}

/// One currency's figures of a period: totals, the daily average over the days that have
/// figures (saying how many), the best and worst day, and the rates over the shops that report
/// both parts of each.
fn period_pairs(l: Locale, g: &CurrencyTotals) -> Vec<(String, String)> {
    let total = g.total();
    let mut out = total_pairs(
        l,
        &total,
        &g.currency,
        &[
            "paid-amount",
            "uv",
            "paying-buyers",
            "refund-amount",
            "ad-spend",
        ],
    );
    let per_day = g.paid_per_day();
    let avg = average(&per_day);
    out.push((
        l.t("summary-daily-average"),
        match avg {
            Some(m) => tr!(
                l,
                "summary-average-over",
                amount = money_in(l, Some(m), &g.currency),
                days = per_day.len()
            ),
            None => "—".into(),
        },
    ));
    if let (Some(best), Some(worst)) = (
        per_day.iter().max_by_key(|(_, m)| m.0),
        per_day.iter().min_by_key(|(_, m)| m.0),
    ) {
        out.push((
            l.t("summary-best-day"),
            format!("{} · {}", best.0, money_in(l, Some(best.1), &g.currency)),
        ));
        out.push((
            l.t("summary-worst-day"),
            format!("{} · {}", worst.0, money_in(l, Some(worst.1), &g.currency)),
        ));
    }
    out.extend(rate_pairs(l, &g.rates(), Some(&g.coverage())));
    out
}

/// The average of the days that have an amount (gaps are not zeros), rounded to the cent.
pub fn average(per_day: &[(NaiveDate, Money)]) -> Option<Money> {
    if per_day.is_empty() {
        return None;
    }
    let sum = crate::domain::metrics::total(per_day.iter().map(|(_, m)| m.0));
    if sum == crate::domain::metrics::OUT_OF_RANGE {
        return Some(Money(sum));
    }
    Some(Money((sum as f64 / per_day.len() as f64).round() as i64))
}

pub fn week_bounds(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    (monday, monday + Duration::days(6))
}

pub fn month_bounds(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date);
    let next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    }
    .unwrap_or(date);
    (first, next - Duration::days(1))
}
