//! Deadlines as people type them (English and Chinese) turned into an instant.
//!
//! Why: the operations team sets due dates in chat (`fri 17:00`, `明早9点`,
//! `in 3h`, `3天内`, `今晚`, `eod`, `月底`); the bot must understand them in the
//! team's time zone and explain, via a typed error the caller localizes, when it
//! can't, naming the nearest form it would accept.
//!
//! Layout: `words` (the vocabulary of both languages), `cursor` (reading words
//! and numbers), `grammar` (what was written), `resolve` (placing it in time),
//! `suggest` (the nearest working form of unreadable input), `tests`.
//!
//! Decisions:
//! - A bare time of day (`18:00`, `9am`, `18h`) means *today*. If that is no
//!   longer ahead of `now` the result is [`DeadlineError::Past`] with a
//!   suggestion (`tomorrow 18:00`); it is never silently moved to tomorrow.
//! - A part of the day alone stands for one time: morning (`明早`, `tomorrow
//!   morning`) 09:00, noon 12:00, afternoon (`下午`) 15:00, dusk (`傍晚`) 18:00,
//!   evening (`今晚`, `tonight`) 20:00; `凌晨` alone has none and is refused.
//!   A part already past today is `Past`, suggesting the same part tomorrow.
//! - The end of work (`eod`, `end of day`, `cob`, `下班前`) is
//!   [`WorkingHours::end`], and so is a day without a time of day (`fri`,
//!   `明天`, `2026-12-01`).
//! - The end of a period: `end of week`, `this week`, `本周`, `周末前` = Friday
//!   at the end of work; `next week` / `下周` the Friday after; `end of month`,
//!   `this month`, `月底` = the last working day (Monday–Friday) of the month
//!   at the end of work, `next month` / `下月底` the next one's; quarters and
//!   years alike (`next quarter`, `年底`); `end of september` / `9月底` the next
//!   such month end. An end already past is `Past` (suggesting the next one).
//! - "Within N" (`within 3 days`, `3天内`, `24小时之内`) means due N from now,
//!   like `in N` / `N后`. Durations are exact elapsed time (`in 2 days` = 48 h,
//!   even across DST); months and years are calendar months on the wall clock
//!   (`in 1 month` from 31 January is the end of February), half a month 15 days.
//! - A bare weekday (`fri`, `周五`) means the next such day: today if the time
//!   is still ahead, otherwise the same weekday 7 days later.
//! - `this <day>` / `这周X` / `本周X` / `<day> of this week` is that day in the
//!   current Monday-based week (may be `Past`); `next <day>` / `下周X` /
//!   `<day> next week` is that day in the following week; `下下周X` the week after.
//! - A weekday written beside a date (`Tue, 10 January`) must match it, else
//!   [`DeadlineError::WeekdayMismatch`] names the date with its real weekday.
//! - `midnight`, `24:00`, `午夜`, `晚上12点` mean the *end* of the named day,
//!   i.e. 00:00 of the following day (`fri midnight` = Saturday 00:00).
//! - `NNh` with exactly two digits and a value 00–23 (`18h`, `09h30`) is a
//!   clock time; any other `Nh` (`3h`, `24h`) is a duration from now.
//! - Chinese hours without a period word are 24-hour (`3点` = 03:00); a bare
//!   number is an hour only with a part of the day (`tonight at 8`, `下午3`).
//! - Numeric dates are month first (`12/1`, `3/10/2026`, `3.10` = 10 March, as
//!   sale days `6.18` and `11.11` are written), unless the first number cannot
//!   be a month (`25/12`). A day of the month alone (`15号`, `the 15th`) is the
//!   next such day. Two-digit years are 20xx.
//! - Month/day without a year (`12/1`, `12月1日`) is this year, or the next
//!   year in which that date exists if it has already passed.
//! - Results more than 5 years after `now` are [`DeadlineError::TooFar`].
//! - Local times are mapped to instants by [`local_to_utc`].

mod cursor;
mod duration;
mod grammar;
mod resolve;
mod suggest;
#[cfg(test)]
mod tests;
mod words;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

pub(crate) use cursor::Cursor;
use duration::full_duration;
use grammar::{parse_expr, time_spec};
use resolve::{Env, Refusal, resolve, resolve_time};
pub(crate) use words::weekday_word;

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

    /// A time the bot picks for people (a return visit, "until tomorrow"), moved into working
    /// hours: `at` itself when it falls inside them on a working day, else the start of the
    /// next working time (the same day's start when `at` is before it, the next working day's
    /// start when it is after the end or on a weekend). On the wall clock of `tz`.
    pub fn within(self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&tz);
        let mut day = local.date_naive();
        let time = local.time();
        if Self::is_working_day(day) && time >= self.start && time < self.end {
            return at;
        }
        if !(Self::is_working_day(day) && time < self.start) {
            day = day.succ_opt().unwrap_or(day);
        }
        while !Self::is_working_day(day) {
            day = day.succ_opt().unwrap_or(day);
        }
        local_to_utc(day.and_time(self.start), tz)
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

/// Why a deadline or duration could not be used; the caller localizes the
/// message from the variant, so `Display` is only meant for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Nothing but whitespace was typed.
    #[error("empty deadline")]
    Empty,
    /// The text matches none of the accepted forms.
    #[error("unrecognized deadline {input:?}; nearest: {suggestion:?}")]
    Unrecognized {
        /// The trimmed input as typed.
        input: String,
        /// The nearest input (in the same language) that would be accepted, when one is close.
        suggestion: Option<String>,
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
    /// A weekday was written beside a date it does not fall on (`Tue, 10 January 2013`).
    #[error("weekday does not match the date in {input:?}; try {suggestion:?}")]
    WeekdayMismatch {
        /// The trimmed input as typed.
        input: String,
        /// The date with its real weekday (in the same language).
        suggestion: String,
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
            '內' => '内',
            '這' => '这',
            '過' => '过',
            '頭' => '头',
            '裡' => '里',
            '幾' => '几',
            '’' => '\'',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Whether the text has Chinese in it (suggestions are then written in Chinese).
fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// Reads and places normalized text, without suggestions for unreadable input.
fn resolve_text(norm: &str, env: &Env) -> Result<DateTime<Utc>, Refusal> {
    resolve(parse_expr(norm).ok_or(Refusal::Unrecognized)?, env)
}

/// Turns a typed deadline into an instant, evaluated in `tz` relative to
/// `now`, so reminders fire when the team expects; `hours` says when "end of
/// work" is. See the module docs for the accepted forms and the decisions on
/// ambiguous ones.
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
    let input = input.trim().to_string();
    let env = Env {
        now,
        tz,
        hours,
        zh: is_chinese(&norm),
    };
    resolve_text(&norm, &env).map_err(|refusal| match refusal {
        Refusal::Past {
            understood,
            suggestion,
        } => DeadlineError::Past {
            understood,
            suggestion,
        },
        Refusal::Invalid => DeadlineError::InvalidDate { input },
        Refusal::Far => DeadlineError::TooFar { input },
        Refusal::WeekdayMismatch { suggestion } => {
            DeadlineError::WeekdayMismatch { input, suggestion }
        }
        Refusal::Unrecognized => DeadlineError::Unrecognized {
            suggestion: suggest::nearest(&norm, &env),
            input,
        },
    })
}

/// Parses a lead time or snooze length (`30m`, `2h30m`, `1天`, `半小时`), so
/// reminders can be offset from a deadline; `0` is allowed, negatives are not,
/// and calendar months (`1 month`) are not a length.
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
    let length = full_duration(c.rest())
        .filter(|l| l.months == 0)
        .ok_or_else(|| DeadlineError::Unrecognized {
            input: original.clone(),
            suggestion: None,
        })?;
    if length.secs > MAX_DURATION_DAYS * 86_400 {
        return Err(DeadlineError::TooFar { input: original });
    }
    Duration::try_seconds(length.secs).ok_or(DeadlineError::TooFar { input: original })
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
        Some(ts) if c.at_end() && !(ts.bare && ts.period.is_none()) => ts,
        _ => {
            return Err(DeadlineError::Unrecognized {
                input: original,
                suggestion: None,
            });
        }
    };
    resolve_time(ts, None)
        .filter(|m| *m < 24 * 60)
        .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
        .ok_or(DeadlineError::InvalidDate { input: original })
}

#[cfg(test)]
mod working_hours_tests {
    use super::*;

    #[test]
    fn times_picked_for_people_fall_in_working_hours() {
        let tz: Tz = "Asia/Shanghai".parse().expect("zone");
        let hours = WorkingHours::default();
        let at = |s: &str| crate::domain::testing::local(tz, s);
        let cases = [
            // Wednesday 2026-11-25: inside the hours, before, at the end, late at night.
            ("2026-11-25 10:30", "2026-11-25 10:30"),
            ("2026-11-25 06:00", "2026-11-25 09:00"),
            ("2026-11-25 18:00", "2026-11-26 09:00"),
            ("2026-11-25 23:59", "2026-11-26 09:00"),
            // Friday evening and the weekend: Monday morning.
            ("2026-11-27 19:00", "2026-11-30 09:00"),
            ("2026-11-28 11:00", "2026-11-30 09:00"),
            ("2026-11-29 08:00", "2026-11-30 09:00"),
        ];
        for (from, want) in cases {
            assert_eq!(hours.within(at(from), tz), at(want), "from {from}");
        }
    }
}
