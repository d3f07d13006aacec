//! Placing a parsed deadline in time: the day, the time of day and the checks (already past,
//! too far, a weekday that does not match the date), with the suggestion a refusal carries.

use chrono::{
    DateTime, Datelike, Days, Duration, Months, NaiveDate, NaiveTime, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

use super::duration::Length;
use super::grammar::{DateSpec, Expr, PointSpec, TimeSpec, WeekRef};
use super::words::{DayPart, Span, weekday_word};
use super::{MAX_AHEAD_MONTHS, WorkingHours, local_naive, local_to_utc};

/// What a deadline is read against.
#[derive(Clone, Copy, Debug)]
pub(super) struct Env {
    pub(super) now: DateTime<Utc>,
    pub(super) tz: Tz,
    pub(super) hours: WorkingHours,
    /// Suggestions are written in Chinese (the input had Chinese in it).
    pub(super) zh: bool,
}

/// Why a deadline is refused; `parse_deadline` adds the input and localizable details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    Past {
        understood: DateTime<Utc>,
        suggestion: String,
    },
    Invalid,
    Far,
    /// Read, but meaningless alone (`fri 5`: 05:00 or 17:00? `凌晨` with no hour).
    Unrecognized,
    WeekdayMismatch {
        suggestion: String,
    },
}

const END_OF_DAY: u32 = 24 * 60;

/// `HH:MM` of minutes after midnight.
pub(super) fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Minutes after local midnight (0..=1440, 1440 = end of day), or `None`
/// when out of range for the part of the day.
pub(super) fn resolve_time(ts: TimeSpec, hint: Option<DayPart>) -> Option<u32> {
    let TimeSpec {
        hour: h,
        minute: m,
        second,
        period,
        ..
    } = ts;
    if m > 59 || second > 59 {
        return None;
    }
    // The hour as typed after a part of the day, as a 24-hour hour (24 = end of day).
    use DayPart::*;
    let h24 = match (period.or(hint), h) {
        (None, 0..=24) => h,
        (Some(Am | Dawn), 12) => 0,
        (Some(Am), 1..=11) => h,
        (Some(Pm), 12) => 12,
        (Some(Pm), 1..=11) => h + 12,
        (Some(Dawn), 0..=6) => h,
        (Some(Morning), 0..=12) => h,
        (Some(Noon), 11 | 12) => h,
        (Some(Noon), 1..=3) => h + 12,
        (Some(Afternoon | Dusk), 1..=11) => h + 12,
        (Some(Afternoon | Dusk), 12..=23) => h,
        (Some(Evening | Night), 5..=11) => h + 12,
        (Some(Evening | Night), 12) => 24,
        (Some(Evening | Night), 17..=23) => h,
        (Some(Night), 0..=4) => h,
        _ => return None,
    };
    if h24 == 24 && m != 0 {
        return None;
    }
    Some(h24 * 60 + m)
}

/// The time of day a point names, or `None` when it names only a day.
fn minutes_of(p: &PointSpec, hours: WorkingHours) -> Result<Option<u32>, Refusal> {
    if let Some(ts) = p.time {
        if ts.bare && ts.period.is_none() && p.part.is_none() {
            return Err(Refusal::Unrecognized);
        }
        return resolve_time(ts, p.part).map(Some).ok_or(Refusal::Invalid);
    }
    if p.end_of_work {
        return Ok(Some(hours.end.num_seconds_from_midnight() / 60));
    }
    match p.part {
        Some(part) => part
            .default_minutes()
            .map(Some)
            .ok_or(Refusal::Unrecognized),
        None => Ok(None),
    }
}

/// The last working day (Monday–Friday) of a month.
fn last_working_day(year: i32, month: u32) -> Option<NaiveDate> {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let mut day = next.pred_opt()?;
    while !WorkingHours::is_working_day(day) {
        day = day.pred_opt()?;
    }
    Some(day)
}

struct Day<'a> {
    env: &'a Env,
    minutes: u32,
}

impl Day<'_> {
    fn at(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        let naive = d
            .and_time(NaiveTime::MIN)
            .checked_add_signed(Duration::try_minutes(i64::from(self.minutes))?)?;
        Some(local_to_utc(naive, self.env.tz))
    }
}

fn check_far(at: DateTime<Utc>, env: &Env) -> Result<DateTime<Utc>, Refusal> {
    match env.now.checked_add_months(Months::new(MAX_AHEAD_MONTHS)) {
        Some(limit) if at > limit => Err(Refusal::Far),
        _ => Ok(at),
    }
}

fn checked(at: DateTime<Utc>, env: &Env, suggestion: String) -> Result<DateTime<Utc>, Refusal> {
    if at <= env.now {
        return Err(Refusal::Past {
            understood: at,
            suggestion,
        });
    }
    check_far(at, env)
}

/// Places a parsed deadline in time.
pub(super) fn resolve(expr: Expr, env: &Env) -> Result<DateTime<Utc>, Refusal> {
    match expr {
        Expr::After(len) => after(len, env),
        Expr::Point(p) => point(p, env),
        Expr::PeriodEnd { span, offset, tail } => period_end(span, offset, tail, env),
    }
}

fn after(len: Length, env: &Env) -> Result<DateTime<Utc>, Refusal> {
    let mut at = env.now;
    if len.months > 0 {
        let local = local_naive(env.now, env.tz).ok_or(Refusal::Far)?;
        let shifted = local
            .checked_add_months(Months::new(len.months))
            .ok_or(Refusal::Far)?;
        at = local_to_utc(shifted, env.tz);
    }
    let at = Duration::try_seconds(len.secs)
        .and_then(|d| at.checked_add_signed(d))
        .ok_or(Refusal::Far)?;
    let suggestion = if env.zh { "1小时后" } else { "in 1h" };
    checked(at, env, suggestion.to_string())
}

fn point(p: PointSpec, env: &Env) -> Result<DateTime<Utc>, Refusal> {
    let explicit = minutes_of(&p, env.hours)?;
    let minutes = explicit.unwrap_or(env.hours.end.num_seconds_from_midnight() / 60);
    let day = Day { env, minutes };
    let zh = env.zh;
    let today = local_naive(env.now, env.tz).ok_or(Refusal::Invalid)?.date();
    let add_days = |d: NaiveDate, n: u64| d.checked_add_days(Days::new(n));
    let time_text = hhmm(minutes);
    let tomorrow_word = if zh { "明天" } else { "tomorrow" };
    // The same time tomorrow, said the way it was said (`tomorrow morning`, `明天下班前`).
    let tomorrow = match (p.time, p.part, p.end_of_work) {
        (None, Some(part), _) if part.tomorrow(zh).is_some() => {
            part.tomorrow(zh).unwrap_or_default().to_string()
        }
        (None, None, true) if zh => "明天下班前".to_string(),
        (None, None, true) => "tomorrow eod".to_string(),
        _ => format!("{tomorrow_word} {time_text}"),
    };

    let (date, suggestion) = match p.date {
        None => (Some(today), tomorrow),
        Some(DateSpec::RelDays(n)) => (add_days(today, u64::from(n)), tomorrow),
        Some(DateSpec::Weekday {
            day: wd,
            week: WeekRef::Upcoming,
        }) => {
            let ahead =
                (wd.num_days_from_monday() + 7 - today.weekday().num_days_from_monday()) % 7;
            let first = add_days(today, u64::from(ahead));
            let date = match first.and_then(|d| day.at(d)) {
                Some(t) if t <= env.now => add_days(today, u64::from(ahead) + 7),
                _ => first,
            };
            (date, tomorrow)
        }
        Some(DateSpec::Weekday {
            day: wd,
            week: WeekRef::Offset(k),
        }) => {
            let monday = today
                .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())));
            let offset = u64::from(k) * 7 + u64::from(wd.num_days_from_monday());
            let suggestion = if zh {
                format!("下{} {time_text}", weekday_word(wd, true))
            } else {
                format!("next {} {time_text}", weekday_word(wd, false))
            };
            (monday.and_then(|m| add_days(m, offset)), suggestion)
        }
        Some(DateSpec::Ymd {
            year: Some(year),
            month,
            day: d,
        }) => {
            let year = i32::try_from(year).map_err(|_| Refusal::Invalid)?;
            let date = NaiveDate::from_ymd_opt(year, month, d).ok_or(Refusal::Invalid)?;
            let this_year = today.year();
            let suggestion = (this_year..=this_year + 5)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, d))
                .find(|c| day.at(*c).is_some_and(|t| t > env.now))
                .map(|c| format!("{} {time_text}", c.format("%Y-%m-%d")))
                .unwrap_or(tomorrow);
            (Some(date), suggestion)
        }
        Some(DateSpec::Ymd {
            year: None,
            month,
            day: d,
        }) => {
            if !(1..=12).contains(&month) || !(1..=31).contains(&d) {
                return Err(Refusal::Invalid);
            }
            let this_year = today.year();
            let date = (this_year..=this_year + 8)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, d))
                .find(|c| *c >= today)
                .ok_or(Refusal::Invalid)?;
            (Some(date), tomorrow)
        }
        Some(DateSpec::MonthDay(d)) => {
            if !(1..=31).contains(&d) {
                return Err(Refusal::Invalid);
            }
            // This month's, or the next month that has that day.
            let mut dates = (0..14u32).filter_map(|k| {
                let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?
                    .checked_add_months(Months::new(k))?;
                NaiveDate::from_ymd_opt(first.year(), first.month(), d)
            });
            let date = dates.find(|c| *c >= today).ok_or(Refusal::Invalid)?;
            let next = dates.next();
            let suggestion = match next {
                Some(n) if zh => format!("{}月{}日 {time_text}", n.month(), n.day()),
                Some(n) => format!(
                    "{} {time_text}",
                    n.format("%b %-d").to_string().to_lowercase()
                ),
                None => tomorrow,
            };
            (Some(date), suggestion)
        }
        Some(DateSpec::InMonth { offset, day: d }) => {
            let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
                .and_then(|f| f.checked_add_months(Months::new(offset)))
                .ok_or(Refusal::Invalid)?;
            let date =
                NaiveDate::from_ymd_opt(first.year(), first.month(), d).ok_or(Refusal::Invalid)?;
            let suggestion = if zh {
                format!("下个月{d}号 {time_text}")
            } else {
                tomorrow
            };
            (Some(date), suggestion)
        }
    };
    let date = date.ok_or(Refusal::Invalid)?;
    let at = checked(day.at(date).ok_or(Refusal::Invalid)?, env, suggestion)?;
    // Checked after the past and the far: the corrected date is then one that is accepted.
    if let Some(named) = p.weekday
        && named != date.weekday()
    {
        return Err(Refusal::WeekdayMismatch {
            suggestion: weekday_fix(date, explicit, zh),
        });
    }
    Ok(at)
}

/// The date with the weekday it really falls on (`thu 2013-01-10`, `2013年1月10日周四`).
fn weekday_fix(date: NaiveDate, minutes: Option<u32>, zh: bool) -> String {
    let wd: Weekday = date.weekday();
    let time = minutes.map(|m| format!(" {}", hhmm(m))).unwrap_or_default();
    if zh {
        format!(
            "{}年{}月{}日{}{time}",
            date.year(),
            date.month(),
            date.day(),
            weekday_word(wd, true)
        )
    } else {
        format!(
            "{} {}{time}",
            weekday_word(wd, false),
            date.format("%Y-%m-%d")
        )
    }
}

fn period_end(
    span: Span,
    offset: u32,
    tail: PointSpec,
    env: &Env,
) -> Result<DateTime<Utc>, Refusal> {
    let minutes =
        minutes_of(&tail, env.hours)?.unwrap_or(env.hours.end.num_seconds_from_midnight() / 60);
    if minutes >= END_OF_DAY {
        return Err(Refusal::Invalid);
    }
    let day = Day { env, minutes };
    let today = local_naive(env.now, env.tz).ok_or(Refusal::Invalid)?.date();
    let (year, month) = (today.year(), today.month());
    let months_ahead = |k: u32| {
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.checked_add_months(Months::new(k)))
            .ok_or(Refusal::Far)
    };
    let date = match span {
        Span::Week => today
            .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())))
            .and_then(|monday| monday.checked_add_days(Days::new(u64::from(offset) * 7 + 4))),
        Span::Month(None) => {
            let m = months_ahead(offset)?;
            last_working_day(m.year(), m.month())
        }
        Span::Month(Some(m)) => {
            let this = last_working_day(year, m);
            match this.and_then(|d| day.at(d)) {
                Some(t) if t > env.now => this,
                _ => last_working_day(year + 1, m),
            }
        }
        Span::Quarter => {
            let first_of_quarter = (month - 1) / 3 * 3;
            let m = months_ahead(offset * 3 + first_of_quarter + 2 - (month - 1))?;
            last_working_day(m.year(), m.month())
        }
        Span::Year => last_working_day(year + i32::try_from(offset).map_err(|_| Refusal::Far)?, 12),
    };
    let at = date.and_then(|d| day.at(d)).ok_or(Refusal::Invalid)?;
    let suggestion = match (span, env.zh) {
        (Span::Week, false) => "end of next week",
        (Span::Month(_), false) => "end of next month",
        (Span::Quarter, false) => "end of next quarter",
        (Span::Year, false) => "end of next year",
        (Span::Week, true) => "下周五下班前",
        (Span::Month(_), true) => "下月底",
        (Span::Quarter, true) => "下季度末",
        (Span::Year, true) => "明年底",
    };
    checked(at, env, suggestion.to_string())
}
