//! What people type, read into the core's types at the edge: texts of bounded length, days,
//! periods, positions, priorities, who a piece of work goes to. Every error says what was
//! wrong and what to type instead, in the reader's language; features share these instead of
//! reading options their own way.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Invocation, UserError};
use crate::domain::deadline::{self, DeadlineError, WorkingHours, parse_deadline};
use crate::domain::money::Money;
use crate::domain::number;
use crate::domain::position::Position;
use crate::domain::schedule::{Schedule, ScheduleError, parse_schedule};
use crate::domain::task::Priority;
use crate::message::{clean_text, escape_user_text};

/// Text of an option, cleaned ([`clean_text`]) and trimmed; refused when longer than `max`
/// characters or when nothing visible is left.
pub fn checked_text(text: &str, max: usize, option: &str) -> Result<String, UserError> {
    let t = clean_text(text);
    let t = t.trim();
    if t.chars().count() > max {
        return Err(UserError::new("task-err-too-long")
            .arg("option", option)
            .arg("max", max.to_string()));
    }
    if !t.chars().any(|c| !c.is_whitespace()) {
        return Err(UserError::new("err-text-invisible").arg("option", option));
    }
    Ok(t.to_string())
}

/// Characters a name (a shop's, a platform's) may not hold: chat markup, which would act
/// wherever the name is shown.
pub const NAME_MARKUP: &[char] = &['*', '~', '`', '|', '[', ']', '<', '>', '#', '@', '\\', '\n'];

/// A name typed once and then repeated in many messages and options (`shop:"Tmall flagship"`):
/// [`checked_text`], and none of [`NAME_MARKUP`].
pub fn plain_name(text: &str, max: usize, option: &str) -> Result<String, UserError> {
    let t = checked_text(text, max, option)?;
    if t.contains(NAME_MARKUP) {
        let shown: Vec<String> = NAME_MARKUP
            .iter()
            .filter(|c| **c != '\n')
            .map(char::to_string)
            .collect();
        return Err(UserError::new("err-name-markup")
            .arg("option", option)
            .arg("value", escape_user_text(&clip(&t, 40)))
            .arg("chars", shown.join(" ")));
    }
    Ok(t)
}

/// What kind of number an option takes: shapes the example in its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A whole number (`12,345`).
    Count,
    /// Money (`12,345.67`).
    Money,
}

/// A number error in the reader's language: what was wrong, the form expected, the range.
pub fn number_error(
    e: number::NumberError,
    option: &str,
    value: &str,
    kind: NumberKind,
    (min, max): (i64, i64),
) -> UserError {
    let example = match kind {
        NumberKind::Count => "12,345",
        NumberKind::Money => "12,345.67",
    };
    use number::NumberError as E;
    let key = match e {
        E::NotANumber | E::TooPrecise if kind == NumberKind::Count => "num-err-not-a-count",
        E::NotANumber => "num-err-not-a-number",
        E::Grouping => "num-err-grouping",
        E::DecimalMark => "num-err-decimal-mark",
        E::NegativeZero => "num-err-negative-zero",
        E::Negative => "num-err-negative",
        E::TooPrecise => "num-err-too-precise",
        E::OutOfRange => "num-err-range",
    };
    UserError::new(key)
        .arg("option", option)
        .arg("value", clip(value, 40))
        .arg("example", example)
        .arg(
            "precision",
            match kind {
                NumberKind::Count => "0",
                NumberKind::Money => "2",
            },
        )
        .arg("min", number::grouped(min))
        .arg("max", number::grouped(max))
}

/// A count typed in `option`: 0 to 10¹² ([`number::COUNT_MAX`]).
pub fn count(option: &str, raw: &str) -> Result<i64, UserError> {
    number::count(raw)
        .map_err(|e| number_error(e, option, raw, NumberKind::Count, (0, number::COUNT_MAX)))
}

/// An amount of money typed in `option`: 0 to 10¹³ units ([`number::MONEY_MAX_UNITS`]).
pub fn money(option: &str, raw: &str) -> Result<Money, UserError> {
    number::money_cents(raw).map(Money).map_err(|e| {
        number_error(
            e,
            option,
            raw,
            NumberKind::Money,
            (0, number::MONEY_MAX_UNITS),
        )
    })
}

/// The first `max` characters of `s`, with `…` when cut (for quoting what someone typed).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// An optional text option, checked like [`checked_text`].
pub fn optional_text(
    inv: &Invocation,
    option: &str,
    max: usize,
) -> Result<Option<String>, UserError> {
    inv.str(option)
        .map(|t| checked_text(t, max, option))
        .transpose()
}

/// A deadline error in the user's language, with examples of what works.
pub fn deadline_error(e: DeadlineError, tz: Tz) -> UserError {
    match e {
        DeadlineError::Past {
            understood,
            suggestion,
        } => UserError::new("task-err-due-past")
            .arg(
                "understood",
                understood
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            )
            .arg("suggestion", suggestion),
        DeadlineError::TooFar { input } => UserError::new("task-err-due-far").arg("value", input),
        DeadlineError::InvalidDate { input } => {
            UserError::new("task-err-due-invalid").arg("value", input)
        }
        DeadlineError::Empty => UserError::new("task-err-due-unknown").arg("value", ""),
        DeadlineError::Unrecognized {
            input,
            suggestion: None,
        } => UserError::new("task-err-due-unknown").arg("value", input),
        DeadlineError::Unrecognized {
            input,
            suggestion: Some(suggestion),
        } => UserError::new("task-err-due-nearest")
            .arg("value", input)
            .arg("suggestion", suggestion),
        DeadlineError::WeekdayMismatch { input, suggestion } => {
            UserError::new("task-err-due-weekday")
                .arg("value", input)
                .arg("suggestion", suggestion)
        }
    }
}

/// A schedule error in the user's language.
pub fn schedule_error(e: ScheduleError) -> UserError {
    let (key, input) = match e {
        ScheduleError::Unsupported {
            input,
            feature,
            instead,
            instead_zh,
        } => {
            return UserError::new("err-schedule-unsupported")
                .arg("value", input)
                .arg("feature", feature)
                .arg("instead", instead)
                .arg("instead_zh", instead_zh);
        }
        ScheduleError::TooFrequent { input } => ("err-schedule-frequent", input),
        ScheduleError::NeverFires { input } => ("err-schedule-never", input),
        ScheduleError::Empty => ("err-schedule-unknown", String::new()),
        ScheduleError::Unrecognized { input }
        | ScheduleError::BadCron { input, .. }
        | ScheduleError::BadTime { input } => ("err-schedule-unknown", input),
    };
    UserError::new(key).arg("value", input)
}

/// How far ahead a new schedule must fire at least once.
pub const SCHEDULE_HORIZON_YEARS: i32 = 5;

/// A schedule typed for a recurring task or an activity: it must read, and fire at least once
/// in the next [`SCHEDULE_HORIZON_YEARS`] years (a crontab line for 2020, or for 2099, is
/// refused rather than saved to never remind anyone).
pub fn schedule(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<Schedule, UserError> {
    let s = parse_schedule(text).map_err(schedule_error)?;
    let horizon = now + Duration::days(365 * i64::from(SCHEDULE_HORIZON_YEARS) + 1);
    match s.next_after(now, tz) {
        Some(next) if next <= horizon => Ok(s),
        _ => Err(UserError::new("err-schedule-not-soon")
            .arg("value", text.trim())
            .arg("years", SCHEDULE_HORIZON_YEARS.to_string())),
    }
}

/// A deadline typed as people say it, in the guild's time zone and working hours.
pub fn due(
    text: &str,
    now: DateTime<Utc>,
    tz: Tz,
    hours: WorkingHours,
) -> Result<DateTime<Utc>, UserError> {
    parse_deadline(text, now, tz, hours).map_err(|e| deadline_error(e, tz))
}

/// A position by its key or name (`customer-service`, `客服`).
pub fn position(text: &str) -> Result<Position, UserError> {
    text.parse()
        .map_err(|_| UserError::new("err-bad-position").arg("value", text))
}

/// The `priority` option, when given.
pub fn priority(inv: &Invocation) -> Result<Option<Priority>, UserError> {
    inv.str("priority")
        .map(|p| choice("priority", p, Priority::parse, &Priority::KEYS))
        .transpose()
}

/// `value` of the choice list `option` as `parse` reads it; anything else is refused with the
/// `choices` to pick from.
pub fn choice<T>(
    option: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    choices: &[&str],
) -> Result<T, UserError> {
    parse(value).ok_or_else(|| {
        UserError::new("err-bad-choice")
            .arg("option", option)
            .arg("value", value)
            .choices("choice", choices)
    })
}

/// Who a piece of work goes to: a member or a position (exactly one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    User(u64),
    Position(Position),
}

impl Assignee {
    /// From the `user` and `position` options; `required` refuses neither being given.
    pub fn parse(inv: &Invocation, required: bool) -> Result<Option<Assignee>, UserError> {
        match (inv.user("user"), inv.str("position")) {
            (Some(_), Some(_)) => Err(UserError::new("task-err-user-or-position")),
            (Some((id, _)), None) => Ok(Some(Assignee::User(id))),
            (None, Some(p)) => Ok(Some(Assignee::Position(position(p)?))),
            (None, None) if required => Err(UserError::new("task-err-user-or-position")),
            (None, None) => Ok(None),
        }
    }

    /// The required form of [`Assignee::parse`].
    pub fn required(inv: &Invocation) -> Result<Assignee, UserError> {
        Self::parse(inv, true)?.ok_or_else(|| UserError::new("task-err-user-or-position"))
    }

    /// As stored: (member, position).
    pub fn parts(self) -> (Option<u64>, Option<Position>) {
        match self {
            Assignee::User(u) => (Some(u), None),
            Assignee::Position(p) => (None, Some(p)),
        }
    }
}

/// The first and last years a day typed into a command may fall in.
pub const YEARS: (i32, i32) = (2000, 2100);

/// A day typed as `2026-12-01`, `12/1`, `today`, `明天` ..., as a local date, in [`YEARS`].
pub fn day(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<NaiveDate, UserError> {
    let d = any_day(text, now, tz)?;
    in_years(d, text)
}

/// Refuses a day outside [`YEARS`], naming the range.
pub fn in_years(d: NaiveDate, text: &str) -> Result<NaiveDate, UserError> {
    if (YEARS.0..=YEARS.1).contains(&d.year()) {
        Ok(d)
    } else {
        Err(UserError::new("err-date-range")
            .arg("value", clip(text.trim(), 40))
            .arg("min", format!("{}-01-01", YEARS.0))
            .arg("max", format!("{}-12-31", YEARS.1)))
    }
}

fn any_day(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<NaiveDate, UserError> {
    let t = text.trim();
    let today = now.with_timezone(&tz).date_naive();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Ok(d);
        }
    }
    for sep in ['/', '-'] {
        if let Some((m, d)) = t.split_once(sep)
            && let (Ok(m), Ok(d)) = (m.parse::<u32>(), d.parse::<u32>())
            && let Some(date) = NaiveDate::from_ymd_opt(today.year(), m, d)
        {
            return Ok(date);
        }
    }
    // Only the day is kept, and working hours never move a day.
    match parse_deadline(t, now, tz, WorkingHours::default()) {
        Ok(at) => Ok(at.with_timezone(&tz).date_naive()),
        Err(DeadlineError::Past { understood, .. }) => {
            Ok(understood.with_timezone(&tz).date_naive())
        }
        Err(_) => Err(UserError::new("task-err-day").arg("value", t)),
    }
}

/// A stretch of time for statistics: its bounds and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `2026-10-01 – 2026-10-31`.
    pub label: String,
}

/// A period: `last-month` (default), `this-month`, `last-7d`, `last-30d` (and their Chinese
/// words), or a month `2026-10`.
pub fn period(text: Option<&str>, now: DateTime<Utc>, tz: Tz) -> Result<Period, UserError> {
    let today = now.with_timezone(&tz).date_naive();
    let month_start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
    let local =
        |d: NaiveDate| deadline::local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz);
    let this_month = month_start(today.year(), today.month()).unwrap_or(today);
    let prev = this_month.pred_opt().unwrap_or(this_month);
    let last_month = month_start(prev.year(), prev.month()).unwrap_or(prev);
    let next_month = |d: NaiveDate| {
        if d.month() == 12 {
            month_start(d.year() + 1, 1)
        } else {
            month_start(d.year(), d.month() + 1)
        }
    };
    let text = text.unwrap_or("last-month").trim().to_lowercase();
    let (from, to) = match text.as_str() {
        "last-month" | "上月" | "上个月" => (last_month, this_month),
        "this-month" | "本月" | "这个月" => (this_month, today.succ_opt().unwrap_or(today)),
        "last-7d" | "7d" | "近7天" => (today - Duration::days(7), today),
        "last-30d" | "30d" | "近30天" => (today - Duration::days(30), today),
        other => {
            let d = NaiveDate::parse_from_str(&format!("{other}-01"), "%Y-%m-%d")
                .map_err(|_| UserError::new("task-err-period").arg("value", other))
                .and_then(|d| in_years(d, other))?;
            (d, next_month(d).unwrap_or(d))
        }
    };
    Ok(Period {
        from: local(from),
        to: local(to),
        label: format!("{} – {}", from, to.pred_opt().unwrap_or(to)),
    })
}
