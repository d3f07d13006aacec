//! What people type, read into the core's types at the edge: texts of bounded length, days,
//! periods, positions, priorities, who a piece of work goes to. Every error says what was
//! wrong and what to type instead, in the reader's language; features share these instead of
//! reading options their own way.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Invocation, UserError};
use crate::domain::deadline::{self, DeadlineError, WorkingHours, parse_deadline};
use crate::domain::position::Position;
use crate::domain::schedule::ScheduleError;
use crate::domain::task::Priority;

/// Text of an option, trimmed, refused when longer than `max` characters.
pub fn checked_text(text: &str, max: usize, option: &str) -> Result<String, UserError> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(UserError::new("task-err-too-long")
            .arg("option", option)
            .arg("max", max.to_string()));
    }
    Ok(t.to_string())
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
    match inv.str("priority") {
        None => Ok(None),
        Some(p) => Priority::parse(p).map(Some).ok_or_else(|| {
            UserError::new("err-bad-choice")
                .arg("option", "priority")
                .arg("value", p)
                .arg("choices", Priority::KEYS.join(", "))
        }),
    }
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

/// A day typed as `2026-12-01`, `12/1`, `today`, `明天` ..., as a local date.
pub fn day(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<NaiveDate, UserError> {
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
                .map_err(|_| UserError::new("task-err-period").arg("value", other))?;
            (d, next_month(d).unwrap_or(d))
        }
    };
    Ok(Period {
        from: local(from),
        to: local(to),
        label: format!("{} – {}", from, to.pred_opt().unwrap_or(to)),
    })
}
