//! Deadlines as people type them (English and Chinese) turned into an instant.
//!
//! Why: the operations team sets due dates in chat (`fri 17:00`, `明早9点`,
//! `in 3h`, `12月1号 下午3点半`); the bot must understand them in the team's
//! time zone and explain, via a typed error the caller localizes, when it can't.
//!
//! Decisions:
//! - A bare time of day (`18:00`, `9am`, `18h`) means *today*. If that is no
//!   longer ahead of `now` the result is [`DeadlineError::Past`] with a
//!   suggestion (`tomorrow 18:00`); it is never silently moved to tomorrow.
//! - A bare weekday (`fri`, `周五`) means the next such day: today if the time
//!   is still ahead, otherwise the same weekday 7 days later.
//! - `this <day>` / `这周X` / `本周X` is that day in the current Monday-based
//!   week (may be `Past`); `next <day>` / `下周X` is that day in the following
//!   week; `下下周X` the week after.
//! - A date without a time of day means the end of work,
//!   [`WorkingHours::end`] (`[hours] end` in the configuration, 18:00 by
//!   default); the parser takes the working hours as a parameter.
//! - `midnight`, `24:00`, `午夜`, `晚上12点` mean the *end* of the named day,
//!   i.e. 00:00 of the following day (`fri midnight` = Saturday 00:00).
//! - `NNh` with exactly two digits and a value 00–23 (`18h`, `09h30`) is a
//!   clock time; any other `Nh` (`3h`, `24h`) is a duration from now.
//! - Chinese hours without a period word are 24-hour (`3点` = 03:00).
//! - Durations are exact elapsed time (`in 2 days` = 48 h, even across DST).
//! - Month/day without a year (`12/1`, `12月1日`) is this year, or the next
//!   year in which that date exists if it has already passed.
//! - Results more than 5 years after `now` are [`DeadlineError::TooFar`].
//! - Local times are mapped to instants by [`local_to_utc`].

mod cursor;
mod grammar;
#[cfg(test)]
mod tests;

use chrono::{
    DateTime, Datelike, Days, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

pub(crate) use cursor::Cursor;
pub(crate) use grammar::weekday_word;
use grammar::{
    DateSpec, Expr, WeekRef, full_duration, hhmm, is_chinese, parse_expr, resolve_time, time_spec,
};

/// The default end of work ([`WorkingHours::default`]): the time a deadline
/// without a time of day means unless `[hours] end` says otherwise.
pub const DEFAULT_TIME: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// The default start of work ([`WorkingHours::default`]).
pub const DEFAULT_START: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// The team's working day on the wall clock of the server's time zone
/// (`[hours]` in the configuration); working days are Monday to Friday.
///
/// Why a parameter rather than a global: "end of work" (`eod`, `下班前`) and a
/// day without a time (`fri`, `明天`) mean [`WorkingHours::end`], and the
/// parser stays a pure function of its inputs; other rules (times the bot
/// picks for people) can take the same struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    /// When work starts.
    pub start: NaiveTime,
    /// When work ends; after `start`.
    pub end: NaiveTime,
}

impl WorkingHours {
    /// Working hours from `start` to `end`, or `None` unless `start` is before `end`.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// Whether `date` is a working day (Monday to Friday).
    pub fn is_working_day(date: NaiveDate) -> bool {
        date.weekday().num_days_from_monday() < 5
    }

    /// Minutes after midnight at which work ends.
    fn end_minutes(self) -> u32 {
        self.end.num_seconds_from_midnight() / 60
    }
}

impl Default for WorkingHours {
    /// 09:00 to 18:00.
    fn default() -> Self {
        Self {
            start: DEFAULT_START,
            end: DEFAULT_TIME,
        }
    }
}

/// How far ahead a deadline may lie, in months; anything later is almost
/// certainly a typo (a wrong year) rather than a real due date.
pub const MAX_AHEAD_MONTHS: u32 = 60;

/// Longest duration [`parse_duration`] accepts, in days (5 years including
/// leap days), for the same reason as [`MAX_AHEAD_MONTHS`].
pub const MAX_DURATION_DAYS: i64 = 5 * 365 + 2;

const END_OF_DAY: u32 = 24 * 60;

/// Why a deadline or duration could not be used; the caller localizes the
/// message from the variant, so `Display` is only meant for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Nothing but whitespace was typed.
    #[error("empty deadline")]
    Empty,
    /// The text matches none of the accepted forms.
    #[error("unrecognized deadline {input:?}")]
    Unrecognized {
        /// The trimmed input as typed.
        input: String,
    },
    /// The text was understood but the instant is not after `now`.
    #[error("deadline {understood} is not in the future; try {suggestion:?}")]
    Past {
        /// The instant the input denotes.
        understood: DateTime<Utc>,
        /// An input (in the same language) that would be accepted instead.
        suggestion: String,
    },
    /// The shape is right but a field is out of range (`2026-02-30`, `25:00`).
    #[error("invalid date or time {input:?}")]
    InvalidDate {
        /// The trimmed input as typed.
        input: String,
    },
    /// The instant or duration lies more than 5 years ahead.
    #[error("deadline too far ahead {input:?}")]
    TooFar {
        /// The trimmed input as typed.
        input: String,
    },
}

/// Maps a wall-clock time in `tz` to an instant, so that deadlines and
/// schedules share one DST policy: a time inside a spring-forward gap maps to
/// the first valid instant after it (the end of the gap); a repeated
/// (fall-back) time maps to the earlier of its two instants.
pub fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => dt.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => first_valid_after(naive, tz).unwrap_or_else(|| naive.and_utc()),
    }
}

/// Earliest existing local time after a nonexistent one, as an instant.
fn first_valid_after(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    let exists = |n: NaiveDateTime| !matches!(tz.from_local_datetime(&n), LocalResult::None);
    let base = naive.with_second(0)?.with_nanosecond(0)?;
    // Gaps are at most a day long (e.g. Samoa 2011); step by minutes.
    let mut found = None;
    for k in 1..=(2 * 24 * 60) {
        let cand = base.checked_add_signed(Duration::try_minutes(k)?)?;
        if exists(cand) {
            found = Some(cand);
            break;
        }
    }
    let mut first = found?;
    // Refine to the second, for historical offsets that are not whole minutes.
    for s in (1..60).rev() {
        if let Some(cand) = first.checked_sub_signed(Duration::try_seconds(s)?)
            && cand > naive
            && exists(cand)
        {
            first = cand;
            break;
        }
    }
    match tz.from_local_datetime(&first) {
        LocalResult::Single(dt) => Some(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// Wall-clock time of `at` in `tz`, or `None` at the edges of chrono's range
/// (where `naive_local` would panic).
pub(crate) fn local_naive(at: DateTime<Utc>, tz: Tz) -> Option<NaiveDateTime> {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
    at.naive_utc().checked_add_offset(offset)
}

/// Lower-cases, trims and maps full-width ASCII (`１８：００`), the ideographic
/// space and a few traditional characters to the forms the parsers expect.
pub(crate) fn normalize(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '點' => '点',
            '時' => '时',
            '後' => '后',
            '週' => '周',
            '禮' => '礼',
            '鐘' => '钟',
            '號' => '号',
            '兩' => '两',
            '個' => '个',
            '〇' => '零',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Turns a typed deadline into an instant, evaluated in `tz` relative to
/// `now`, so reminders fire when the team expects. See the module docs for
/// the accepted forms and the decisions on ambiguous ones.
pub fn parse_deadline(
    input: &str,
    now: DateTime<Utc>,
    tz: Tz,
    hours: WorkingHours,
) -> Result<DateTime<Utc>, DeadlineError> {
    let norm = normalize(input);
    if norm.is_empty() {
        return Err(DeadlineError::Empty);
    }
    let original = input.trim();
    let zh = is_chinese(&norm);
    let unrecognized = || DeadlineError::Unrecognized {
        input: original.to_string(),
    };
    let too_far = || DeadlineError::TooFar {
        input: original.to_string(),
    };
    let invalid = || DeadlineError::InvalidDate {
        input: original.to_string(),
    };
    let limit = now.checked_add_months(Months::new(MAX_AHEAD_MONTHS));
    let check_far = |at: DateTime<Utc>| match limit {
        Some(limit) if at > limit => Err(too_far()),
        _ => Ok(at),
    };

    let spec = match parse_expr(&norm).ok_or_else(unrecognized)? {
        Expr::After(secs) => {
            let at = Duration::try_seconds(secs)
                .and_then(|d| now.checked_add_signed(d))
                .ok_or_else(too_far)?;
            if at <= now {
                let suggestion = if zh { "1小时后" } else { "in 1h" };
                return Err(DeadlineError::Past {
                    understood: at,
                    suggestion: suggestion.to_string(),
                });
            }
            return check_far(at);
        }
        Expr::Point(spec) => spec,
    };

    let minutes = match spec.time {
        Some(ts) => resolve_time(ts, spec.hint).ok_or_else(invalid)?,
        // `今晚` / `明早` alone name a part of a day, not a time.
        None if spec.hint.is_some() => return Err(unrecognized()),
        None => hours.end_minutes(),
    };
    let today = local_naive(now, tz).ok_or_else(invalid)?.date();
    let at_day = |d: NaiveDate| -> Option<DateTime<Utc>> {
        let naive = d
            .and_time(NaiveTime::MIN)
            .checked_add_signed(Duration::try_minutes(i64::from(minutes))?)?;
        Some(local_to_utc(naive, tz))
    };
    let add_days = |d: NaiveDate, n: u64| d.checked_add_days(Days::new(n));
    let time_text = hhmm(minutes);
    let tomorrow = format!("{} {time_text}", if zh { "明天" } else { "tomorrow" });

    let (at, suggestion) = match spec.date {
        None => (at_day(today), tomorrow),
        Some(DateSpec::RelDays(n)) => (add_days(today, u64::from(n)).and_then(at_day), tomorrow),
        Some(DateSpec::Weekday {
            day,
            week: WeekRef::Upcoming,
        }) => {
            let ahead =
                (day.num_days_from_monday() + 7 - today.weekday().num_days_from_monday()) % 7;
            let first = add_days(today, u64::from(ahead)).and_then(at_day);
            let at = match first {
                Some(t) if t <= now => add_days(today, u64::from(ahead) + 7).and_then(at_day),
                other => other,
            };
            (at, tomorrow)
        }
        Some(DateSpec::Weekday {
            day,
            week: WeekRef::Offset(k),
        }) => {
            let monday = today
                .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())));
            let offset = u64::from(k) * 7 + u64::from(day.num_days_from_monday());
            let at = monday.and_then(|m| add_days(m, offset)).and_then(at_day);
            let suggestion = if zh {
                format!("下{} {time_text}", weekday_word(day, true))
            } else {
                format!("next {} {time_text}", weekday_word(day, false))
            };
            (at, suggestion)
        }
        Some(DateSpec::Ymd {
            year: Some(year),
            month,
            day,
        }) => {
            let year = i32::try_from(year).map_err(|_| invalid())?;
            let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;
            let this_year = today.year();
            let suggestion = (this_year..=this_year + 5)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
                .find(|d| at_day(*d).is_some_and(|t| t > now))
                .map(|d| format!("{} {time_text}", d.format("%Y-%m-%d")))
                .unwrap_or(tomorrow);
            (at_day(date), suggestion)
        }
        Some(DateSpec::Ymd {
            year: None,
            month,
            day,
        }) => {
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                return Err(invalid());
            }
            let this_year = today.year();
            let date = (this_year..=this_year + 8)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
                .find(|d| *d >= today)
                .ok_or_else(invalid)?;
            (at_day(date), tomorrow)
        }
    };
    let at = at.ok_or_else(invalid)?;
    if at <= now {
        return Err(DeadlineError::Past {
            understood: at,
            suggestion,
        });
    }
    check_far(at)
}

/// Parses a lead time or snooze length (`30m`, `2h30m`, `1天`, `半小时`), so
/// reminders can be offset from a deadline; `0` is allowed, negatives are not.
pub fn parse_duration(input: &str) -> Result<Duration, DeadlineError> {
    let norm = normalize(input);
    if norm.is_empty() {
        return Err(DeadlineError::Empty);
    }
    let original = input.trim().to_string();
    if norm == "0" {
        return Ok(Duration::zero());
    }
    let mut c = Cursor::new(&norm);
    c.eat("+");
    c.skip_ws();
    let secs = full_duration(c.rest()).ok_or_else(|| DeadlineError::Unrecognized {
        input: original.clone(),
    })?;
    if secs > MAX_DURATION_DAYS * 86_400 {
        return Err(DeadlineError::TooFar { input: original });
    }
    Duration::try_seconds(secs).ok_or(DeadlineError::TooFar { input: original })
}

/// Parses just a time of day (`10:00`, `10am`, `下午3点`, `9点半`), so
/// recurring schedules accept exactly the times deadlines do. End-of-day
/// forms (`midnight`, `24:00`) are `InvalidDate` here: a recurring time must
/// lie within its day.
pub fn parse_time_of_day(input: &str) -> Result<NaiveTime, DeadlineError> {
    let norm = normalize(input);
    if norm.is_empty() {
        return Err(DeadlineError::Empty);
    }
    let original = input.trim().to_string();
    let mut c = Cursor::new(&norm);
    let ts = time_spec(&mut c);
    c.skip_ws();
    let ts = match ts {
        Some(ts) if c.at_end() => ts,
        _ => return Err(DeadlineError::Unrecognized { input: original }),
    };
    resolve_time(ts, None)
        .filter(|m| *m < END_OF_DAY)
        .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
        .ok_or(DeadlineError::InvalidDate { input: original })
}
