//! Recurring reminder schedules, evaluated on the wall clock of a named IANA
//! zone.
//!
//! Why: a "every Monday 10:00" reminder must stay at 10:00 local time across
//! DST changes, which the `cron` crate's own time-zone handling does not
//! guarantee. Every schedule is therefore evaluated on naive local date-times
//! and mapped to instants with [`deadline::local_to_utc`]: a local time that
//! does not exist fires at the first valid instant after it, and a repeated
//! local time fires once (at the earlier instant).
//!
//! Decisions:
//! - 5 fields are crontab (`min hour dom month dow`, dow 0 or 7 = Sunday,
//!   1 = Monday). Day-of-month and day-of-week follow Vixie cron: a field
//!   that starts with `*` (`*`, `*/2`) is unrestricted; when both are
//!   restricted either may match, otherwise both must. A day-of-week step
//!   runs to Saturday (`5/2` = Friday only, `1/2` = Mon, Wed, Fri), never
//!   round to Sunday. 6 or 7 fields (and `@daily` etc.) are the `cron`
//!   crate's syntax unchanged (seconds first, optional year, its numeric
//!   weekdays are 1 = Sunday … 7 = Saturday, days ANDed).
//! - Quartz day forms are read where a shorthand says the same thing: `L` in
//!   day-of-month (`last day`), `5L` (`last fri`), `1#1` (`1st mon`), each
//!   in its syntax's weekday numbering; `15W`, `LW`, `L-3` and `L` as a
//!   weekday are refused (`Unsupported`) naming the nearest schedule read.
//! - Shorthands need a time of day; `midnight`/`24:00` are rejected
//!   (`BadTime`) because "Monday midnight" is ambiguous; use `00:00`.
//! - `每月31日` / `monthly 31` skip months without that day (like cron); use
//!   `last day` / `每月最后一天` for month ends.
//! - A schedule may not fire twice within 5 minutes (`TooFrequent`); for cron
//!   this is checked on its hour/minute/second sets, conservatively treating
//!   23:5x and 00:0x as adjacent.
//! - `NeverFires` means no occurrence between 1970 and 2100 (the `cron`
//!   crate's range); a 7-field year list wholly in the past is accepted and
//!   simply yields no further occurrences.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use cron::TimeUnitSpec;

use super::deadline;

mod rules;
mod special;
#[cfg(test)]
mod tests;

use rules::{DayRule, RuleError, parse_rule};
use special::{Numbering, Special};

/// Minimum spacing between two firings, in minutes: these are reminders for
/// humans, and anything denser is almost certainly a typo (`* * * * *`).
pub const MIN_INTERVAL_MINUTES: u32 = 5;

/// How many candidate firings `next_after` skips (DST duplicates) before
/// giving up, so a pathological schedule can never loop forever.
const MAX_CRON_STEPS: usize = 1_000;

/// How many days ahead a shorthand rule is searched.
const MAX_RULE_DAYS: usize = 1_000;

/// How many days a cron line's `L` / `#` day rule may reject in a row before the search
/// gives up (a whole 1970–2100 scan of a rule that never matches is under 50,000 days).
const MAX_DAY_SKIPS: usize = 60_000;

/// Why a schedule text was rejected; the caller localizes from the variant,
/// so `Display` is only meant for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// Nothing but whitespace was typed.
    #[error("empty schedule")]
    Empty,
    /// Neither a cron expression nor a known shorthand.
    #[error("unrecognized schedule {input:?}")]
    Unrecognized {
        /// The trimmed input as typed.
        input: String,
    },
    /// Looks like a cron expression but does not parse.
    #[error("bad cron expression {input:?}: {reason}")]
    BadCron {
        /// The trimmed input as typed.
        input: String,
        /// What the cron parser complained about (for logs).
        reason: String,
    },
    /// The days were understood but the time of day is missing or invalid.
    #[error("bad time of day in schedule {input:?}")]
    BadTime {
        /// The trimmed input as typed.
        input: String,
    },
    /// Syntactically fine but matches no date (`0 0 30 2 *`, `每月32日`).
    #[error("schedule never fires {input:?}")]
    NeverFires {
        /// The trimmed input as typed.
        input: String,
    },
    /// Would fire more often than every [`MIN_INTERVAL_MINUTES`] minutes.
    #[error("schedule fires too often {input:?}")]
    TooFrequent {
        /// The trimmed input as typed.
        input: String,
    },
    /// A cron day form the bot does not read (`15W`, `LW`, `L-3`, `L` as a weekday), with
    /// the nearest schedule it does read.
    #[error("cron form {feature:?} in {input:?} is not supported; write {instead:?}")]
    Unsupported {
        /// The trimmed input as typed.
        input: String,
        /// The field as typed (`15W`).
        feature: String,
        /// What to write instead, as an English shorthand or a cron line.
        instead: String,
        /// The same in Chinese.
        instead_zh: String,
    },
}

/// A parsed recurring schedule that remembers the text it came from, so it can
/// be stored and shown back to users exactly as they typed it.
#[derive(Clone, Debug)]
pub struct Schedule {
    source: String,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    /// `alternate` holds the day-of-week half of a crontab whose day-of-month
    /// and day-of-week are both restricted (crontab ORs them). `days` holds the
    /// day rules the cron crate cannot express (`L`, `5L`, `1#1`), checked on
    /// top of `primary` and `alternate` respectively.
    Cron {
        primary: Box<cron::Schedule>,
        alternate: Option<Box<cron::Schedule>>,
        days: [Vec<DayRule>; 2],
    },
    Rule {
        days: DayRule,
        time: NaiveTime,
    },
}

/// Parses a recurring schedule (crontab, `cron` crate syntax, or an English /
/// Chinese shorthand such as `mon 10:00` or `每月最后一个周五 19:00`), so users
/// can set reminders in whatever form they know.
pub fn parse_schedule(input: &str) -> Result<Schedule, ScheduleError> {
    let source = input.trim().to_string();
    let norm = deadline::normalize(input);
    if norm.is_empty() {
        return Err(ScheduleError::Empty);
    }
    let tokens: Vec<&str> = norm.split_whitespace().collect();
    let cronish = tokens.iter().all(|t| {
        t.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "*?/,-#".contains(ch))
    });
    let field_start =
        |t: &&str| t.starts_with(|c: char| c.is_ascii_digit() || c == '*' || c == '?');
    let cron_like = cronish && tokens.iter().take(2).all(field_start);
    let kind = if norm.starts_with('@') || (cron_like && (5..=7).contains(&tokens.len())) {
        parse_cron(&tokens, &source)?
    } else {
        match parse_rule(&norm) {
            Ok(kind) => kind,
            Err(RuleError::Days) => {
                let numeric_fields = tokens.len() > 1
                    && tokens.iter().all(|t| {
                        t.chars()
                            .all(|ch| ch.is_ascii_digit() || "*?/,-".contains(ch))
                    });
                return Err(if numeric_fields {
                    ScheduleError::BadCron {
                        input: source,
                        reason: format!("expected 5, 6 or 7 fields, found {}", tokens.len()),
                    }
                } else {
                    ScheduleError::Unrecognized { input: source }
                });
            }
            Err(RuleError::Time) => return Err(ScheduleError::BadTime { input: source }),
            Err(RuleError::Never) => return Err(ScheduleError::NeverFires { input: source }),
        }
    };
    Ok(Schedule { source, kind })
}

fn parse_cron(tokens: &[&str], source: &str) -> Result<Kind, ScheduleError> {
    let bad = |reason: String| ScheduleError::BadCron {
        input: source.to_string(),
        reason,
    };
    let special = quartz_days(tokens, source)?;
    let tokens: Vec<&str> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| if special.fields.contains(&i) { "*" } else { t })
        .collect();
    let (primary, alternate, days) = match (tokens.as_slice(), special.rules) {
        ([min, hour, dom, month, dow], [dom_rule, dow_rule]) => {
            let dow_names = crontab_dow(dow).map_err(bad)?;
            let original = |i: usize| special.original.get(i).copied().unwrap_or("*");
            let unrestricted = |f: &str| f.starts_with('*') || f == "?";
            if !unrestricted(original(2)) && !unrestricted(original(4)) {
                (
                    format!("0 {min} {hour} {dom} {month} *"),
                    Some(format!("0 {min} {hour} * {month} {dow_names}")),
                    [Vec::from_iter(dom_rule), Vec::from_iter(dow_rule)],
                )
            } else {
                let both = dom_rule.into_iter().chain(dow_rule).collect();
                (
                    format!("0 {min} {hour} {dom} {month} {dow_names}"),
                    None,
                    [both, Vec::new()],
                )
            }
        }
        (_, [dom_rule, dow_rule]) => {
            let both = dom_rule.into_iter().chain(dow_rule).collect();
            (tokens.join(" "), None, [both, Vec::new()])
        }
    };
    let compile = |expr: &str| {
        cron::Schedule::from_str(expr)
            .map(Box::new)
            .map_err(|e| bad(e.to_string()))
    };
    let primary = compile(&primary)?;
    let alternate = alternate.as_deref().map(compile).transpose()?;
    let start = NaiveDate::from_ymd_opt(1970, 1, 1).map(|d| d.and_time(NaiveTime::MIN));
    if start
        .and_then(|s| cron_next(&primary, alternate.as_deref(), &days, s))
        .is_none()
    {
        return Err(ScheduleError::NeverFires {
            input: source.to_string(),
        });
    }
    if too_frequent(&primary) || alternate.as_deref().is_some_and(too_frequent) {
        return Err(ScheduleError::TooFrequent {
            input: source.to_string(),
        });
    }
    Ok(Kind::Cron {
        primary,
        alternate,
        days,
    })
}

/// The Quartz day forms of a cron line, read or refused (see [`special`]).
struct QuartzDays<'a> {
    /// Indices of the fields that become `*` for the cron crate.
    fields: Vec<usize>,
    /// The day-of-month and day-of-week rules.
    rules: [Option<DayRule>; 2],
    /// The fields as typed (for the crontab rule on restricted fields).
    original: Vec<&'a str>,
}

fn quartz_days<'a>(tokens: &[&'a str], source: &str) -> Result<QuartzDays<'a>, ScheduleError> {
    let mut out = QuartzDays {
        fields: Vec::new(),
        rules: [None, None],
        original: tokens.to_vec(),
    };
    let (dom_at, dow_at, numbering, time_at) = match tokens.len() {
        5 => (2, 4, Numbering::Crontab, (0, 1)),
        6 | 7 => (3, 5, Numbering::CronCrate, (1, 2)),
        _ => return Ok(out),
    };
    let read = [
        special::day_of_month(tokens[dom_at]),
        special::day_of_week(tokens[dow_at], numbering),
    ];
    for (k, (at, found)) in [dom_at, dow_at].into_iter().zip(read).enumerate() {
        match found {
            Special::None => {}
            Special::Rule(rule) => {
                out.fields.push(at);
                out.rules[k] = Some(rule);
            }
            Special::Bad(reason) => {
                return Err(ScheduleError::BadCron {
                    input: source.to_string(),
                    reason,
                });
            }
            Special::Refused(refused) => {
                // A plain time gives a shorthand; otherwise the line with the field rewritten.
                let (min, hour) = (tokens[time_at.0], tokens[time_at.1]);
                let plain = |f: &str| f.parse::<u32>().ok();
                let written = |zh: bool| match (plain(min), plain(hour)) {
                    (Some(m), Some(h)) if m < 60 && h < 24 && tokens.len() == 5 => {
                        format!("{} {h:02}:{m:02}", refused.instead.shorthand(zh))
                    }
                    _ => {
                        let mut line = tokens.to_vec();
                        line[at] = &refused.field_instead;
                        line.join(" ")
                    }
                };
                return Err(ScheduleError::Unsupported {
                    input: source.to_string(),
                    feature: refused.feature.to_uppercase(),
                    instead: written(false),
                    instead_zh: written(true),
                });
            }
        }
    }
    Ok(out)
}

/// Converts a crontab day-of-week field to the `cron` crate's (by name, so
/// the two numbering schemes cannot be confused).
fn crontab_dow(field: &str) -> Result<String, String> {
    if field == "*" || field == "?" {
        return Ok("*".to_string());
    }
    let value = |s: &str| -> Result<u32, String> {
        const NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        if let Ok(n) = s.parse::<u32>() {
            return if n <= 7 {
                Ok(n)
            } else {
                Err(format!("day of week {n} out of range 0-7"))
            };
        }
        const FULL: [&str; 7] = [
            "sunday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
        ];
        (0..7)
            .find(|&i| s == NAMES[i] || s == FULL[i])
            .map(|i| i as u32)
            .ok_or_else(|| format!("unknown day of week {s:?}"))
    };
    let mut mask = 0u8; // bit n = crontab day n (0 = Sunday)
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => match s.parse::<u32>() {
                Ok(step) if step >= 1 => (b, Some(step)),
                _ => return Err(format!("bad step {s:?}")),
            },
            None => (item, None),
        };
        let (lo, hi) = if base == "*" {
            (0, 6)
        } else if let Some((a, b)) = base.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            // `5/2` runs to Saturday (6): a step never wraps round to Sunday.
            let v = value(base)?;
            (v, if step.is_some() { 6.max(v) } else { v })
        };
        if lo > hi {
            return Err(format!("bad range {base:?}"));
        }
        for v in (lo..=hi).step_by(step.unwrap_or(1) as usize) {
            mask |= 1 << (v % 7);
        }
    }
    const CRON_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let names: Vec<&str> = (0..7)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| CRON_NAMES[i])
        .collect();
    Ok(names.join(","))
}

/// Whether two firings can be closer than [`MIN_INTERVAL_MINUTES`].
fn too_frequent(s: &cron::Schedule) -> bool {
    if s.seconds().iter().count() > 1 {
        return true;
    }
    let times: Vec<u32> = s
        .hours()
        .iter()
        .flat_map(|h| s.minutes().iter().map(move |m| h * 60 + m))
        .collect();
    let dense = times.windows(2).any(|w| w[1] - w[0] < MIN_INTERVAL_MINUTES);
    let wraps = match (times.first(), times.last()) {
        (Some(first), Some(last)) if times.len() > 1 => {
            first + 24 * 60 - last < MIN_INTERVAL_MINUTES
        }
        _ => false,
    };
    dense || wraps
}

/// Next matching naive local time strictly after `cursor`, asking the cron
/// crate with the naive time dressed as UTC; a candidate on a day its rules
/// reject moves the search to the end of that day.
fn cron_next(
    primary: &cron::Schedule,
    alternate: Option<&cron::Schedule>,
    days: &[Vec<DayRule>; 2],
    cursor: NaiveDateTime,
) -> Option<NaiveDateTime> {
    let next = |s: &cron::Schedule, rules: &[DayRule]| {
        let mut cursor = cursor;
        for _ in 0..MAX_DAY_SKIPS {
            // The cron crate only knows years up to 2100 (and adds a second inside).
            if cursor.year() > 2100 {
                return None;
            }
            let found = s.after(&cursor.and_utc()).next().map(|d| d.naive_utc())?;
            if rules.iter().all(|r| r.matches(found.date())) {
                return Some(found);
            }
            cursor = found.date().and_hms_opt(23, 59, 59)?.max(found);
        }
        None
    };
    match (
        next(primary, &days[0]),
        alternate.and_then(|a| next(a, &days[1])),
    ) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Schedule {
    /// The text the schedule was parsed from, for storage and display.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first occurrence strictly after `after`, evaluated in `tz` on the wall clock.
    ///
    /// Why: the reminder loop asks for the next firing after the last one, so
    /// results are strictly increasing even across DST changes; `None` when
    /// the schedule has no further occurrence (cron years end at 2100).
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = deadline::local_naive(after, tz)?;
        match &self.kind {
            Kind::Rule { days, time } => {
                let mut date = local.date();
                for _ in 0..MAX_RULE_DAYS {
                    if days.matches(date) {
                        let at = deadline::local_to_utc(date.and_time(*time), tz);
                        if at > after {
                            return Some(at);
                        }
                    }
                    date = date.succ_opt()?;
                }
                None
            }
            Kind::Cron {
                primary,
                alternate,
                days,
            } => {
                let mut cursor = local;
                for _ in 0..MAX_CRON_STEPS {
                    let next = cron_next(primary, alternate.as_deref(), days, cursor)?;
                    let at = deadline::local_to_utc(next, tz);
                    if at > after {
                        return Some(at);
                    }
                    cursor = next;
                }
                None
            }
        }
    }

    /// The schedule as an RFC 5545 recurrence rule (§3.3.10) and its local time of day, when
    /// one says exactly the same thing: the shorthands (`FREQ=WEEKLY;BYDAY=MO,TH`,
    /// `FREQ=MONTHLY;BYMONTHDAY=-1`, `FREQ=MONTHLY;BYDAY=-1FR`, …). Cron lines give None (the
    /// calendar file lists their occurrences instead). Like the bot, a rule skips months
    /// without the day (`BYMONTHDAY=31`, `BYDAY=5MO`).
    pub fn rrule(&self) -> Option<(String, NaiveTime)> {
        let Kind::Rule { days, time } = &self.kind else {
            return None;
        };
        const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
        let code = |wd: chrono::Weekday| CODES[wd.num_days_from_monday() as usize];
        let rule = match *days {
            DayRule::Weekly(mask) => {
                let by: Vec<&str> = (0..7)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| CODES[i])
                    .collect();
                if by.len() == 7 {
                    "FREQ=DAILY".to_string()
                } else {
                    format!("FREQ=WEEKLY;BYDAY={}", by.join(","))
                }
            }
            DayRule::MonthDay(d) => format!("FREQ=MONTHLY;BYMONTHDAY={d}"),
            DayRule::LastDay => "FREQ=MONTHLY;BYMONTHDAY=-1".to_string(),
            DayRule::NthWeekday(n, wd) => format!("FREQ=MONTHLY;BYDAY={n}{}", code(wd)),
            DayRule::LastWeekday(wd) => format!("FREQ=MONTHLY;BYDAY=-1{}", code(wd)),
        };
        Some((rule, *time))
    }

    /// Occurrences in (from, to], at most `limit`.
    ///
    /// Why: previews ("next 5 firings") and catching up after downtime, with
    /// a cap so a dense schedule cannot produce an unbounded list.
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        tz: Tz,
        limit: usize,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut cursor = from;
        while out.len() < limit {
            match self.next_after(cursor, tz) {
                Some(next) if next <= to => {
                    out.push(next);
                    cursor = next;
                }
                _ => break,
            }
        }
        out
    }
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// Same as [`parse_schedule`], so schedules can be `.parse()`d.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_schedule(s)
    }
}

impl fmt::Display for Schedule {
    /// Prints the source text, which is what users recognise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}
