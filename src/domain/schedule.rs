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
//!   1 = Monday; when both day-of-month and day-of-week are restricted either
//!   may match, as in crontab). 6 or 7 fields (and `@daily` etc.) are the
//!   `cron` crate's syntax unchanged (seconds first, optional year, its
//!   numeric weekdays are 1 = Sunday … 7 = Saturday).
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

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use cron::TimeUnitSpec;

use super::deadline::{self, Cursor};

/// Minimum spacing between two firings, in minutes: these are reminders for
/// humans, and anything denser is almost certainly a typo (`* * * * *`).
pub const MIN_INTERVAL_MINUTES: u32 = 5;

/// How many candidate firings `next_after` skips (DST duplicates) before
/// giving up, so a pathological schedule can never loop forever.
const MAX_CRON_STEPS: usize = 1_000;

/// How many days ahead a shorthand rule is searched.
const MAX_RULE_DAYS: usize = 1_000;

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
    /// and day-of-week are both restricted (crontab ORs them).
    Cron {
        primary: Box<cron::Schedule>,
        alternate: Option<Box<cron::Schedule>>,
    },
    Rule {
        days: DayRule,
        time: NaiveTime,
    },
}

/// Which local dates a shorthand fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DayRule {
    /// Bit `n` set = fires on the weekday `n` days from Monday.
    Weekly(u8),
    MonthDay(u32),
    LastDay,
    NthWeekday(u32, Weekday),
    LastWeekday(Weekday),
}

impl DayRule {
    fn matches(self, date: NaiveDate) -> bool {
        match self {
            DayRule::Weekly(mask) => mask & weekday_bit(date.weekday()) != 0,
            DayRule::MonthDay(d) => date.day() == d,
            DayRule::LastDay => date.succ_opt().is_none_or(|n| n.month() != date.month()),
            DayRule::NthWeekday(n, wd) => date.weekday() == wd && (date.day() - 1) / 7 + 1 == n,
            DayRule::LastWeekday(wd) => {
                date.weekday() == wd
                    && date
                        .checked_add_days(Days::new(7))
                        .is_none_or(|n| n.month() != date.month())
            }
        }
    }
}

fn weekday_bit(wd: Weekday) -> u8 {
    1 << wd.num_days_from_monday()
}

const ALL_DAYS: u8 = 0b111_1111;
const MON_TO_FRI: u8 = 0b001_1111;
const SAT_SUN: u8 = 0b110_0000;

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
    let (primary, alternate) = match tokens {
        [min, hour, dom, month, dow] => {
            let dow_names = crontab_dow(dow).map_err(bad)?;
            let unrestricted = |f: &str| f.starts_with('*') || f == "?";
            if !unrestricted(dom) && !unrestricted(dow) {
                (
                    format!("0 {min} {hour} {dom} {month} *"),
                    Some(format!("0 {min} {hour} * {month} {dow_names}")),
                )
            } else {
                (format!("0 {min} {hour} {dom} {month} {dow_names}"), None)
            }
        }
        _ => (tokens.join(" "), None),
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
        .and_then(|s| cron_next(&primary, alternate.as_deref(), s))
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
    Ok(Kind::Cron { primary, alternate })
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
            let v = value(base)?;
            (v, if step.is_some() { 7 } else { v })
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
/// crate with the naive time dressed as UTC.
fn cron_next(
    primary: &cron::Schedule,
    alternate: Option<&cron::Schedule>,
    cursor: NaiveDateTime,
) -> Option<NaiveDateTime> {
    // The cron crate only knows years up to 2100 (and adds a second inside).
    if cursor.year() > 2100 {
        return None;
    }
    let next = |s: &cron::Schedule| s.after(&cursor.and_utc()).next().map(|d| d.naive_utc());
    match (next(primary), alternate.and_then(next)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

enum RuleError {
    Days,
    Time,
    Never,
}

fn parse_rule(norm: &str) -> Result<Kind, RuleError> {
    let mut c = Cursor::new(norm);
    let days = day_rule(&mut c).ok_or(RuleError::Days)?;
    let fires = match days {
        DayRule::Weekly(mask) => mask != 0,
        DayRule::MonthDay(d) => (1..=31).contains(&d),
        DayRule::NthWeekday(n, _) => (1..=5).contains(&n),
        DayRule::LastDay | DayRule::LastWeekday(_) => true,
    };
    if !fires {
        return Err(RuleError::Never);
    }
    c.skip_ws();
    let _ = c.eat_word("at") || c.eat("@") || c.eat(",") || c.eat("的");
    c.skip_ws();
    if c.at_end() {
        return Err(RuleError::Time);
    }
    let time = deadline::parse_time_of_day(c.rest()).map_err(|_| RuleError::Time)?;
    Ok(Kind::Rule { days, time })
}

fn day_rule(c: &mut Cursor) -> Option<DayRule> {
    let en = |c: &mut Cursor, words: &[&str]| words.iter().any(|w| c.eat_word(w));
    let cn = |c: &mut Cursor, words: &[&str]| words.iter().any(|w| c.eat(w));
    if en(c, &["every day", "everyday", "daily"]) || cn(c, &["每天", "每日", "天天"]) {
        return Some(DayRule::Weekly(ALL_DAYS));
    }
    if en(c, &["every weekday", "weekdays", "weekday"])
        || cn(c, &["每个工作日", "每工作日", "工作日"])
    {
        return Some(DayRule::Weekly(MON_TO_FRI));
    }
    if en(c, &["every weekend", "weekends", "weekend"]) || cn(c, &["每个周末", "每周末", "周末"])
    {
        return Some(DayRule::Weekly(SAT_SUN));
    }
    let save = *c;
    let monthly = en(c, &["monthly", "every month"]) || cn(c, &["每个月", "每月"]);
    c.skip_ws();
    if monthly {
        let _ = c.eat_word("on");
        c.skip_ws();
        let _ = c.eat_word("the");
        c.skip_ws();
    }
    if let Some(rule) = month_rule(c, monthly) {
        return Some(rule);
    }
    *c = save;
    if monthly {
        return None;
    }
    weekday_list(c).map(DayRule::Weekly)
}

fn month_rule(c: &mut Cursor, monthly: bool) -> Option<DayRule> {
    let save = *c;
    if c.eat_word("last day") {
        c.skip_ws();
        let _ = c.eat_word("of the month") || c.eat_word("of month");
        return Some(DayRule::LastDay);
    }
    if c.eat("最后一天") || c.eat("月底") || c.eat("月末") {
        return Some(DayRule::LastDay);
    }
    if c.eat_word("last") {
        c.skip_ws();
        if let Some(wd) = c.weekday_en() {
            return Some(DayRule::LastWeekday(wd));
        }
    }
    *c = save;
    if (c.eat("最后一个") || c.eat("最后1个") || c.eat("最后"))
        && let Some(wd) = c.weekday_cn()
    {
        return Some(DayRule::LastWeekday(wd));
    }
    *c = save;
    let ordinals: &[(&str, u32)] = &[
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
    ];
    if let Some(n) = ordinals
        .iter()
        .find(|(w, _)| c.eat_word(w))
        .map(|(_, n)| *n)
    {
        c.skip_ws();
        if let Some(wd) = c.weekday_en() {
            return Some(DayRule::NthWeekday(n, wd));
        }
    }
    *c = save;
    if c.eat("第")
        && let Some(n) = c.number()
    {
        c.eat("个");
        if let Some(wd) = c.weekday_cn() {
            return Some(DayRule::NthWeekday(n, wd));
        }
    }
    *c = save;
    // `1st mon`, and with a monthly prefix `1`, `1st`, `1日`, `1号`.
    if let Some((n, _)) = c.digits() {
        let _ = c.eat_word("st") || c.eat_word("nd") || c.eat_word("rd") || c.eat_word("th");
        let after_number = *c;
        c.skip_ws();
        if let Some(wd) = c.weekday_en() {
            return Some(DayRule::NthWeekday(n, wd));
        }
        *c = after_number;
        if monthly && (c.eat("日") || c.eat("号") || c.at_end() || c.rest().starts_with(' ')) {
            return Some(DayRule::MonthDay(n));
        }
    }
    *c = save;
    if monthly
        && let Some(n) = c.number()
        && (c.eat("日") || c.eat("号"))
    {
        return Some(DayRule::MonthDay(n));
    }
    *c = save;
    None
}

/// `mon`, `mon,thu`, `mon-fri`, `every monday`, `每周一`, `周一、四`, `周一至周五`.
fn weekday_list(c: &mut Cursor) -> Option<u8> {
    let save = *c;
    let _ = c.eat_word("every") || c.eat_word("on");
    c.skip_ws();
    let _ = c.eat("每个") || c.eat("每");
    let mut mask = 0u8;
    let Some(first) = weekday_item(c, false) else {
        *c = save;
        return None;
    };
    mask |= first;
    loop {
        let before = *c;
        c.skip_ws();
        let sep = [",", "、", "&", "/", "和", "及", "与"]
            .iter()
            .any(|s| c.eat(s))
            || c.eat_word("and");
        c.skip_ws();
        match sep.then(|| weekday_item(c, true)).flatten() {
            Some(m) => mask |= m,
            None => {
                *c = before;
                break;
            }
        }
    }
    Some(mask)
}

/// One weekday or a range of them, as a bit mask. After a list separator a
/// bare Chinese weekday character (`四` in `周一、四`) is accepted.
fn weekday_item(c: &mut Cursor, in_list: bool) -> Option<u8> {
    let one = |c: &mut Cursor| {
        c.weekday_en()
            .or_else(|| c.weekday_cn())
            .or_else(|| if in_list { c.cn_weekday_char() } else { None })
    };
    let start = one(c)?;
    let before = *c;
    if ["-", "至", "到", "~"].iter().any(|s| c.eat(s))
        && let Some(end) = c
            .weekday_en()
            .or_else(|| c.weekday_cn())
            .or_else(|| c.cn_weekday_char())
    {
        let mut mask = 0u8;
        let mut d = start;
        loop {
            mask |= weekday_bit(d);
            if d == end {
                break;
            }
            d = d.succ();
        }
        return Some(mask);
    }
    *c = before;
    Some(weekday_bit(start))
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
            Kind::Cron { primary, alternate } => {
                let mut cursor = local;
                for _ in 0..MAX_CRON_STEPS {
                    let next = cron_next(primary, alternate.as_deref(), cursor)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Shanghai;
    use chrono_tz::Europe::Berlin;
    use proptest::prelude::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, mi, 0).single().unwrap()
    }

    /// Wednesday 2026-11-25 14:00 in Asia/Shanghai.
    fn now() -> DateTime<Utc> {
        utc(2026, 11, 25, 6, 0)
    }

    fn sh(local: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        Shanghai
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn next(input: &str) -> DateTime<Utc> {
        let s = parse_schedule(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
        s.next_after(now(), Shanghai)
            .unwrap_or_else(|| panic!("{input:?} never fires"))
    }

    #[test]
    fn shorthands_next_occurrence_in_shanghai() {
        let table: &[(&str, &str)] = &[
            ("mon 10:00", "2026-11-30 10:00"),
            ("monday 10:00", "2026-11-30 10:00"),
            ("MON 10am", "2026-11-30 10:00"),
            ("every monday at 10:00", "2026-11-30 10:00"),
            ("mon,thu 10:00", "2026-11-26 10:00"),
            ("mon, thu 10:00", "2026-11-26 10:00"),
            ("mon-fri 9:00", "2026-11-26 09:00"),
            ("weekdays 09:30", "2026-11-26 09:30"),
            ("weekends 10:00", "2026-11-28 10:00"),
            ("daily 09:00", "2026-11-26 09:00"),
            ("daily 15:00", "2026-11-25 15:00"),
            ("every day 9:00", "2026-11-26 09:00"),
            ("每天 9:00", "2026-11-26 09:00"),
            ("每天下午3点", "2026-11-25 15:00"),
            ("每天9点半", "2026-11-26 09:30"),
            ("每日 09:00", "2026-11-26 09:00"),
            ("每日 ０９：００", "2026-11-26 09:00"),
            ("工作日 09:30", "2026-11-26 09:30"),
            ("每周一 10:00", "2026-11-30 10:00"),
            ("每周四 18:00", "2026-11-26 18:00"),
            ("每周一、四 10:00", "2026-11-26 10:00"),
            ("周一 10:00", "2026-11-30 10:00"),
            ("周一至周五 9点", "2026-11-26 09:00"),
            ("周末 10点", "2026-11-28 10:00"),
            ("每月1日 09:00", "2026-12-01 09:00"),
            ("每月1号 9点", "2026-12-01 09:00"),
            ("每月一号 9点", "2026-12-01 09:00"),
            ("monthly 1 09:00", "2026-12-01 09:00"),
            ("monthly 1st 09:00", "2026-12-01 09:00"),
            ("monthly 25 15:00", "2026-11-25 15:00"),
            ("last fri 19:00", "2026-11-27 19:00"),
            ("每月最后一个周五 19:00", "2026-11-27 19:00"),
            ("每月最后一天 18:00", "2026-11-30 18:00"),
            ("last day 18:00", "2026-11-30 18:00"),
            ("1st mon 10:00", "2026-12-07 10:00"),
            ("first monday 10:00", "2026-12-07 10:00"),
            ("2nd tue 10:00", "2026-12-08 10:00"),
            ("每月第一个周一 10:00", "2026-12-07 10:00"),
            ("每月第2个周二 10:00", "2026-12-08 10:00"),
            // crontab (5 fields): dow 1 = Monday, 0 and 7 = Sunday
            ("0 10 * * 1", "2026-11-30 10:00"),
            ("0 10 * * 0", "2026-11-29 10:00"),
            ("0 10 * * 7", "2026-11-29 10:00"),
            ("0 10 * * mon-fri", "2026-11-26 10:00"),
            ("0 10 * * 1-5", "2026-11-26 10:00"),
            ("0 10 * * 5-7", "2026-11-27 10:00"),
            ("0 9 1 * 1", "2026-11-30 09:00"),
            ("*/5 * * * *", "2026-11-25 14:05"),
            ("@daily", "2026-11-26 00:00"),
            // cron crate (6/7 fields): its numeric dow 1 = Sunday, 2 = Monday
            ("0 0 10 * * Mon", "2026-11-30 10:00"),
            ("0 0 10 * * 2", "2026-11-30 10:00"),
            ("0 0 10 * * 1", "2026-11-29 10:00"),
            ("0 0 10 * * * 2027", "2027-01-01 10:00"),
        ];
        for (input, local) in table {
            assert_eq!(next(input), sh(local), "{input:?}");
        }
    }

    #[test]
    fn crontab_and_cron_crate_weekdays_agree_by_name() {
        let from = utc(2026, 1, 1, 0, 0);
        let to = utc(2026, 12, 31, 0, 0);
        let weekdays = |input: &str| -> Vec<Weekday> {
            let s = parse_schedule(input).unwrap();
            s.occurrences(from, to, Shanghai, 20)
                .iter()
                .map(|t| t.with_timezone(&Shanghai).weekday())
                .collect()
        };
        assert!(weekdays("0 10 * * 1").iter().all(|d| *d == Weekday::Mon));
        assert!(weekdays("0 10 * * 0").iter().all(|d| *d == Weekday::Sun));
        assert!(weekdays("0 10 * * 7").iter().all(|d| *d == Weekday::Sun));
        assert!(weekdays("0 0 10 * * 1").iter().all(|d| *d == Weekday::Sun));
        assert!(weekdays("0 0 10 * * 2").iter().all(|d| *d == Weekday::Mon));
        assert_eq!(weekdays("0 10 * * 1"), weekdays("0 0 10 * * Mon"));
        assert_eq!(weekdays("0 10 * * 1").len(), 20);
    }

    #[test]
    fn crontab_day_of_month_or_day_of_week() {
        // Crontab fires when either the 13th or a Friday matches.
        let s = parse_schedule("0 9 13 * 5").unwrap();
        let got = s.occurrences(sh("2026-11-01 00:00"), sh("2026-12-01 00:00"), Shanghai, 10);
        let days: Vec<u32> = got
            .iter()
            .map(|t| t.with_timezone(&Shanghai).day())
            .collect();
        assert_eq!(days, vec![6, 13, 20, 27]);
    }

    fn assert_weekly_at_ten(tz: Tz) {
        let s = parse_schedule("mon 10:00").unwrap();
        let got = s.occurrences(utc(2026, 2, 20, 0, 0), utc(2026, 12, 1, 0, 0), tz, 100);
        assert_eq!(got.len(), 41); // Mondays 2026-02-23 ..= 2026-11-30
        for t in &got {
            let local = t.with_timezone(&tz);
            assert_eq!(local.weekday(), Weekday::Mon, "{local}");
            assert_eq!((local.hour(), local.minute()), (10, 0), "{local}");
        }
    }

    #[test]
    fn weekly_stays_at_ten_local_across_dst() {
        assert_weekly_at_ten(New_York);
        assert_weekly_at_ten(Berlin);
        // Around the changes the UTC hour moves, the local one does not.
        let s = parse_schedule("mon 10:00").unwrap();
        assert_eq!(
            s.next_after(utc(2026, 3, 3, 0, 0), New_York),
            Some(utc(2026, 3, 9, 14, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 2, 24, 0, 0), New_York),
            Some(utc(2026, 3, 2, 15, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 3, 24, 0, 0), Berlin),
            Some(utc(2026, 3, 30, 8, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 10, 20, 0, 0), Berlin),
            Some(utc(2026, 10, 26, 9, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 10, 27, 0, 0), New_York),
            Some(utc(2026, 11, 2, 15, 0))
        );
    }

    #[test]
    fn nonexistent_local_time_fires_at_end_of_gap() {
        for input in ["daily 02:30", "30 2 * * *", "0 30 2 * * *"] {
            let s = parse_schedule(input).unwrap();
            let got = s.occurrences(utc(2026, 3, 7, 0, 0), utc(2026, 3, 10, 0, 0), New_York, 10);
            assert_eq!(
                got,
                vec![
                    utc(2026, 3, 7, 7, 30),
                    utc(2026, 3, 8, 7, 0),
                    utc(2026, 3, 9, 6, 30)
                ],
                "{input:?}"
            );
        }
    }

    #[test]
    fn repeated_local_time_fires_once() {
        for input in ["daily 01:30", "30 1 * * *"] {
            let s = parse_schedule(input).unwrap();
            let got = s.occurrences(
                utc(2026, 10, 31, 12, 0),
                utc(2026, 11, 2, 12, 0),
                New_York,
                10,
            );
            assert_eq!(
                got,
                vec![utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
                "{input:?}"
            );
            // From inside the repeated hour, the second 01:30 is skipped.
            assert_eq!(
                s.next_after(utc(2026, 11, 1, 5, 45), New_York),
                Some(utc(2026, 11, 2, 6, 30))
            );
        }
        let s = parse_schedule("*/30 * * * *").unwrap();
        let got = s.occurrences(
            utc(2026, 11, 1, 4, 40),
            utc(2026, 11, 1, 7, 0),
            New_York,
            10,
        );
        assert_eq!(
            got,
            vec![
                utc(2026, 11, 1, 5, 0),
                utc(2026, 11, 1, 5, 30),
                utc(2026, 11, 1, 7, 0)
            ]
        );
    }

    #[test]
    fn skipped_calendar_day_fires_once_at_end_of_gap() {
        // Samoa skipped 2011-12-30 entirely (UTC-10 -> UTC+14).
        let apia = chrono_tz::Pacific::Apia;
        for input in ["daily 10:00", "0 10 * * *"] {
            let s = parse_schedule(input).unwrap();
            let got = s.occurrences(utc(2011, 12, 29, 0, 0), utc(2011, 12, 31, 0, 0), apia, 10);
            assert_eq!(
                got,
                vec![
                    utc(2011, 12, 29, 20, 0), // 29th 10:00 -10
                    utc(2011, 12, 30, 10, 0), // 30th 10:00 missing -> 31st 00:00 +14
                    utc(2011, 12, 30, 20, 0), // 31st 10:00 +14
                ],
                "{input:?}"
            );
        }
    }

    #[test]
    fn occurrences_respect_bounds_and_limit() {
        let s = parse_schedule("daily 09:00").unwrap();
        let from = sh("2026-11-25 09:00");
        let all = s.occurrences(from, sh("2026-11-28 09:00"), Shanghai, 10);
        assert_eq!(
            all,
            vec![
                sh("2026-11-26 09:00"),
                sh("2026-11-27 09:00"),
                sh("2026-11-28 09:00")
            ]
        );
        assert_eq!(
            s.occurrences(from, sh("2026-12-28 09:00"), Shanghai, 2)
                .len(),
            2
        );
        assert!(
            s.occurrences(from, sh("2026-12-28 09:00"), Shanghai, 0)
                .is_empty()
        );
    }

    #[test]
    fn source_display_and_from_str() {
        let s: Schedule = "  每周一 10:00 ".parse().unwrap();
        assert_eq!(s.source(), "每周一 10:00");
        assert_eq!(s.to_string(), "每周一 10:00");
    }

    #[test]
    fn month_ends_and_fifth_weekdays() {
        let s = parse_schedule("last day 18:00").unwrap();
        let got = s.occurrences(sh("2027-01-01 00:00"), sh("2027-04-01 00:00"), Shanghai, 10);
        assert_eq!(
            got,
            vec![
                sh("2027-01-31 18:00"),
                sh("2027-02-28 18:00"),
                sh("2027-03-31 18:00")
            ]
        );
        let s = parse_schedule("monthly 31 09:00").unwrap();
        let got = s.occurrences(sh("2027-01-01 00:00"), sh("2027-06-01 00:00"), Shanghai, 10);
        assert_eq!(
            got,
            vec![
                sh("2027-01-31 09:00"),
                sh("2027-03-31 09:00"),
                sh("2027-05-31 09:00")
            ]
        );
        let s = parse_schedule("5th fri 10:00").unwrap();
        assert_eq!(s.next_after(now(), Shanghai), Some(sh("2027-01-29 10:00")));
    }

    #[test]
    fn bad_inputs() {
        use ScheduleError as E;
        let kind = |input: &str| match parse_schedule(input) {
            Ok(_) => "ok",
            Err(E::Empty) => "empty",
            Err(E::Unrecognized { .. }) => "unrecognized",
            Err(E::BadCron { .. }) => "badcron",
            Err(E::BadTime { .. }) => "badtime",
            Err(E::NeverFires { .. }) => "never",
            Err(E::TooFrequent { .. }) => "toofrequent",
        };
        let table = [
            ("", "empty"),
            ("   ", "empty"),
            ("blah", "unrecognized"),
            ("every blue moon 10:00", "unrecognized"),
            ("in 1 day 2 hours", "unrecognized"),
            ("1st dec", "unrecognized"),
            ("0 0 30 2 *", "never"),
            ("0 0 0 31 4 *", "never"),
            ("每月32日 9点", "never"),
            ("6th mon 10:00", "never"),
            ("* * * * *", "toofrequent"),
            ("*/2 * * * *", "toofrequent"),
            ("0,2 10 * * *", "toofrequent"),
            ("0,58 0,23 * * *", "toofrequent"),
            ("* * * * * *", "toofrequent"),
            ("0 10 * *", "badcron"),
            ("61 10 * * *", "badcron"),
            ("0 24 * * *", "badcron"),
            ("0 10 * * 8", "badcron"),
            ("0 10 * * 5-1", "badcron"),
            ("0 10 * * */0", "badcron"),
            ("mon 25:00", "badtime"),
            ("mon", "badtime"),
            ("每天", "badtime"),
            ("mon midnight", "badtime"),
            ("daily banana", "badtime"),
            ("0 10 * * 1", "ok"),
            ("*/5 * * * *", "ok"),
        ];
        for (input, expected) in table {
            assert_eq!(kind(input), expected, "{input:?}");
        }
        assert_eq!(
            parse_schedule(" 0 0 30 2 * ").err(),
            Some(E::NeverFires {
                input: "0 0 30 2 *".into()
            })
        );
    }

    const ZONES: &[Tz] = &[
        New_York,
        Berlin,
        Shanghai,
        chrono_tz::UTC,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Apia,
        chrono_tz::America::Sao_Paulo,
    ];

    fn schedule_text() -> impl Strategy<Value = String> {
        let field = "[0-9*/,\\-]{1,4}";
        prop_oneof![
            (0..60u32, 0..24u32, 0..8u32).prop_map(|(m, h, d)| format!("{m} {h} * * {d}")),
            (field, field, field, field, field)
                .prop_map(|(a, b, c, d, e)| format!("{a} {b} {c} {d} {e}")),
            (0..60u32, field, field, field, field, field)
                .prop_map(|(s, a, b, c, d, e)| format!("{s} {a} {b} {c} {d} {e}")),
            (
                prop::sample::select(vec![
                    "mon",
                    "fri,sat",
                    "weekdays",
                    "weekends",
                    "daily",
                    "每天",
                    "工作日",
                    "每周三",
                    "每月1日",
                    "每月31号",
                    "monthly 29",
                    "last sun",
                    "last day",
                    "每月最后一个周五",
                    "1st mon",
                    "每月第五个周日",
                    "周一至周五",
                ]),
                0..24u32,
                0..60u32
            )
                .prop_map(|(d, h, m)| format!("{d} {h:02}:{m:02}")),
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse_schedule(&s);
        }

        #[test]
        fn next_after_is_strictly_increasing(
            text in schedule_text(),
            zone in 0..ZONES.len(),
            start in 0i64..4_000_000_000i64,
        ) {
            if let Ok(s) = parse_schedule(&text) {
                let tz = ZONES[zone];
                let mut cursor = DateTime::from_timestamp(start, 0).unwrap();
                for _ in 0..20 {
                    match s.next_after(cursor, tz) {
                        Some(next) => {
                            prop_assert!(next > cursor, "{text:?} {next} <= {cursor}");
                            cursor = next;
                        }
                        None => break,
                    }
                }
            }
        }
    }
}
