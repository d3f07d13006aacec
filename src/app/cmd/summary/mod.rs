//! The morning summary (and the weekly and monthly ones): yesterday per shop and in total with
//! changes against the day before and the same weekday a week before, month to date against
//! target, the day's top sellers (when a product export was imported), alerts, the team's day
//! (tasks, complaints), and a 30-day trend chart. Sent through the outbox once per guild and
//! day (dedupe key `summary:<guild>:<date>`), built at send time so figures entered until then
//! are in it.
//!
//! Files: `daily` builds the morning summary (with `month`: month to date and the chart;
//! `team`: complaints, tasks and activities), `period` the weekly and monthly ones, `job` the
//! schedule that queues them.

mod daily;
mod job;
mod month;
mod period;
mod team;

use chrono::{Duration, NaiveDate, NaiveTime};

pub use daily::{arrow, daily};
pub use job::run_due;
pub use period::{month_bounds, period, week_bounds};

use self::job::fresh_schedule;
use crate::app::{AppResult, Ctx, Invocation, UserError};
use crate::domain::deadline::parse_time_of_day;
use crate::message::{self, Reply, Severity};
use crate::store::data;
use crate::tr;

/// A `/summary` command, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryCmd {
    /// The morning summary of `date`.
    Now { date: NaiveDate },
    /// The week (Monday to Sunday) holding `date`.
    Weekly { date: NaiveDate },
    /// The month holding `date`.
    Monthly { date: NaiveDate },
    /// New times (None keeps the current one).
    Schedule {
        time: Option<NaiveTime>,
        check: Option<NaiveTime>,
    },
}

impl SummaryCmd {
    /// Reads `/summary <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<SummaryCmd, UserError> {
        let today = ctx.now.with_timezone(&ctx.guild.timezone).date_naive();
        let time = |key: &str| {
            inv.str(key)
                .map(|t| {
                    parse_time_of_day(t)
                        .map_err(|_| UserError::new("summary-err-time").arg("value", t))
                })
                .transpose()
        };
        Ok(match sub {
            "now" => SummaryCmd::Now {
                date: super::data::parse_date(ctx, inv.str("date"))?,
            },
            "weekly" => SummaryCmd::Weekly {
                date: match inv.str("date") {
                    Some(_) => super::data::parse_date(ctx, inv.str("date"))?,
                    None => today - Duration::days(7),
                },
            },
            "monthly" => SummaryCmd::Monthly {
                date: match inv.str("month") {
                    Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                        .map_err(|_| UserError::new("data-err-month").arg("value", m))?,
                    None => month_bounds(today).0 - Duration::days(1),
                },
            },
            "schedule" => SummaryCmd::Schedule {
                time: time("time")?,
                check: time("check")?,
            },
            _ => return Err(inv.unknown()),
        })
    }
}

/// Routes `/summary <sub>`: parse, then apply.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let (from, to, title) = match SummaryCmd::parse(ctx, sub, inv)? {
        SummaryCmd::Now { date } => {
            let mut conn = ctx.conn().await?;
            return Ok(daily(ctx.app, &mut conn, &ctx.guild, date, ctx.now, l).await?);
        }
        SummaryCmd::Schedule { time, check } => return schedule(ctx, time, check).await,
        SummaryCmd::Weekly { date } => {
            let (from, to) = week_bounds(date);
            let title = tr!(
                l,
                "summary-weekly-title",
                from = from.to_string(),
                to = to.to_string()
            );
            (from, to, title)
        }
        SummaryCmd::Monthly { date } => {
            let (from, to) = month_bounds(date);
            let title = tr!(
                l,
                "summary-monthly-title",
                month = from.format("%Y-%m").to_string()
            );
            (from, to, title)
        }
    };
    let mut conn = ctx.conn().await?;
    Ok(period(ctx.app, &mut conn, &ctx.guild, from, to, title, l).await?)
}

/// `/summary schedule` (managers): when the summary is posted and missing figures chased.
async fn schedule(
    ctx: &Ctx<'_>,
    time: Option<NaiveTime>,
    check: Option<NaiveTime>,
) -> AppResult<Reply> {
    ctx.require_manager()?;
    let cfg = &ctx.app.config.summary;
    let s = ctx
        .write(async |conn| {
            let current = data::schedules(conn)
                .await?
                .into_iter()
                .find(|s| s.guild_id == ctx.guild.guild_id);
            let stored =
                |t: Option<&String>| t.and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok());
            let time = time
                .or_else(|| stored(current.as_ref().map(|s| &s.summary_time)))
                .unwrap_or(cfg.time);
            let check = check
                .or_else(|| stored(current.as_ref().map(|s| &s.check_time)))
                .unwrap_or(cfg.missing_check);
            let s = fresh_schedule(&ctx.guild, time, check, ctx.now);
            data::put_schedule(conn, &s).await?;
            Ok(s)
        })
        .await?;
    let l = ctx.locale;
    let next = s
        .next_summary_at
        .map(|t| message::ts(t, 'F'))
        .unwrap_or_default();
    Ok(Reply::titled(tr!(
        l,
        "summary-schedule-set",
        time = s.summary_time.as_str(),
        check = s.check_time.as_str()
    ))
    .line(tr!(l, "summary-next", next = next))
    .severity(Severity::Success))
}
