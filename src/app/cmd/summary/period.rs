//! The weekly and monthly summaries: totals, the daily average, the best and worst day, and
//! the task and complaint figures of the period.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use crate::app::App;
use crate::app::cmd::data::{derived_fields, field_text};
use crate::domain::deadline::local_to_utc;
use crate::domain::metrics::{DayFigures, Derived};
use crate::domain::money::Money;
use crate::i18n::Locale;
use crate::message::Reply;
use crate::store::settings::GuildSettings;
use crate::store::{StoreError, data, tasks};
use crate::tr;

/// Totals, averages, best and worst day, and the task and complaint figures of a period.
pub async fn period(
    app: &App,
    guild: &GuildSettings,
    from: NaiveDate,
    to: NaiveDate,
    title: String,
    l: Locale,
) -> Result<Reply, StoreError> {
    let mut conn = app.conn().await?;
    let shops = data::shops(&mut conn, guild.guild_id).await?;
    let mut r = Reply::titled(title);
    let days = (to - from).num_days() + 1;
    let mut total = DayFigures::default();
    let mut per_day: Vec<(NaiveDate, Money)> = Vec::new();
    let mut rows: Vec<DayFigures> = Vec::new();
    for s in &shops {
        for (d, f) in data::range(&mut conn, s.id, from, to).await? {
            total.add(&f);
            rows.push(f.clone());
            let paid = f.paid_amount.unwrap_or_default();
            match per_day.iter_mut().find(|(x, _)| *x == d) {
                Some((_, m)) => m.0 += paid.0,
                None => per_day.push((d, paid)),
            }
        }
    }
    if total.is_empty() {
        r.lines.push(l.t("data-show-empty"));
    } else {
        for f in [
            "paid-amount",
            "uv",
            "paying-buyers",
            "refund-amount",
            "ad-spend",
        ] {
            r = r.field(l.t(&format!("data-field-{f}")), field_text(&total, f), true);
        }
        let avg = total
            .paid_amount
            .map(|m| Money((m.0 as f64 / days.max(1) as f64).round() as i64));
        r = r.field(
            l.t("summary-daily-average"),
            avg.map(|m| m.to_string()).unwrap_or_else(|| "—".into()),
            true,
        );
        if let (Some(best), Some(worst)) = (
            per_day.iter().max_by_key(|(_, m)| m.0),
            per_day.iter().min_by_key(|(_, m)| m.0),
        ) {
            r = r.field(
                l.t("summary-best-day"),
                format!("{} · {}", best.0, best.1),
                true,
            );
            r = r.field(
                l.t("summary-worst-day"),
                format!("{} · {}", worst.0, worst.1),
                true,
            );
        }
        r = derived_fields(l, &Derived::of_days(&rows), r);
    }
    let tz = guild.timezone;
    let start = local_to_utc(from.and_time(NaiveTime::MIN), tz);
    let end = local_to_utc((to + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let stats = tasks::stats(&mut conn, guild.guild_id, start, end, app.clock.now()).await?;
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
    let f = crate::app::cmd::complaint::figures(&mut conn, guild.guild_id, start, end).await?;
    r = r.field(
        l.t("summary-period-complaints"),
        tr!(
            l,
            "summary-period-complaints-line",
            logged = f.logged,
            resolved = f.resolved,
            within = f.within_limit,
            refunds = f.refunds.to_string()
        ),
        false,
    );
    Ok(r)
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
