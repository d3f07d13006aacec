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
//! - A date without a time of day means [`DEFAULT_TIME`] (18:00).
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

use chrono::{
    DateTime, Datelike, Days, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

/// Time of day used when only a day is given (`fri`, `明天`, `2026-12-01`):
/// the end of the working day, which is what a deadline without a time means.
pub const DEFAULT_TIME: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// How far ahead a deadline may lie, in months; anything later is almost
/// certainly a typo (a wrong year) rather than a real due date.
pub const MAX_AHEAD_MONTHS: u32 = 60;

/// Longest duration [`parse_duration`] accepts, in days (5 years including
/// leap days), for the same reason as [`MAX_AHEAD_MONTHS`].
pub const MAX_DURATION_DAYS: i64 = 5 * 365 + 2;

const DEFAULT_MINUTES: u32 = 18 * 60;
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

/// A tiny parsing cursor over normalized text, shared with the schedule
/// parser so both understand weekdays and numbers the same way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor<'a> {
    rest: &'a str,
}

const WEEKDAYS_EN: &[(&str, Weekday)] = &[
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("saturday", Weekday::Sat),
    ("tuesday", Weekday::Tue),
    ("monday", Weekday::Mon),
    ("friday", Weekday::Fri),
    ("sunday", Weekday::Sun),
    ("thurs", Weekday::Thu),
    ("tues", Weekday::Tue),
    ("thur", Weekday::Thu),
    ("weds", Weekday::Wed),
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

const MONTHS_EN: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("sept", 9),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

impl<'a> Cursor<'a> {
    /// Starts at the beginning of `s` (already normalized).
    pub(crate) fn new(s: &'a str) -> Self {
        Self { rest: s }
    }

    /// The unconsumed text.
    pub(crate) fn rest(&self) -> &'a str {
        self.rest
    }

    /// Whether everything was consumed.
    pub(crate) fn at_end(&self) -> bool {
        self.rest.is_empty()
    }

    /// Skips whitespace.
    pub(crate) fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start();
    }

    /// Consumes `lit` if the text starts with it.
    pub(crate) fn eat(&mut self, lit: &str) -> bool {
        match self.rest.strip_prefix(lit) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// Consumes `word` if it is not followed by another ASCII letter.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        match self.rest.strip_prefix(word) {
            Some(r) if !r.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                self.rest = r;
                true
            }
            _ => false,
        }
    }

    fn eat_table<T: Copy>(&mut self, table: &[(&str, T)]) -> Option<T> {
        table.iter().find(|(lit, _)| self.eat(lit)).map(|(_, v)| *v)
    }

    fn eat_word_table<T: Copy>(&mut self, table: &[(&str, T)]) -> Option<T> {
        table
            .iter()
            .find(|(w, _)| self.eat_word(w))
            .map(|(_, v)| *v)
    }

    /// ASCII digits: (saturated value, number of digits).
    pub(crate) fn digits(&mut self) -> Option<(u32, usize)> {
        let n = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let (d, r) = self.rest.split_at(n);
        let v = d.bytes().fold(0u32, |acc, b| {
            acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
        });
        self.rest = r;
        Some((v, n))
    }

    fn cn_digit(&mut self) -> Option<u32> {
        let c = self.rest.chars().next()?;
        let v = match c {
            '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        };
        self.rest = &self.rest[c.len_utf8()..];
        Some(v)
    }

    /// Chinese numerals 0–99 (`五`, `十五`, `二十`, `两`, `零五`).
    fn cn_number(&mut self) -> Option<u32> {
        let save = *self;
        let lead_zero = self.eat("零");
        let first = self.cn_digit();
        if self.eat("十") {
            let tens = first.unwrap_or(1);
            let units = self.cn_digit().unwrap_or(0);
            return Some(tens * 10 + units);
        }
        match (first, lead_zero) {
            (Some(d), _) => Some(d),
            (None, true) => Some(0),
            (None, false) => {
                *self = save;
                None
            }
        }
    }

    /// A number written with ASCII digits or Chinese numerals.
    pub(crate) fn number(&mut self) -> Option<u32> {
        self.digits().map(|(v, _)| v).or_else(|| self.cn_number())
    }

    /// An English weekday name (`fri`, `friday`).
    pub(crate) fn weekday_en(&mut self) -> Option<Weekday> {
        self.eat_word_table(WEEKDAYS_EN)
    }

    /// A Chinese weekday character after `周`: `一`…`六`, `日`/`天`/`七`.
    pub(crate) fn cn_weekday_char(&mut self) -> Option<Weekday> {
        self.eat_table(&[
            ("一", Weekday::Mon),
            ("二", Weekday::Tue),
            ("三", Weekday::Wed),
            ("四", Weekday::Thu),
            ("五", Weekday::Fri),
            ("六", Weekday::Sat),
            ("日", Weekday::Sun),
            ("天", Weekday::Sun),
            ("七", Weekday::Sun),
        ])
    }

    /// A Chinese weekday: `周五`, `星期五`, `礼拜五`, `周5`.
    pub(crate) fn weekday_cn(&mut self) -> Option<Weekday> {
        let save = *self;
        if self
            .eat_table(&[("星期", ()), ("礼拜", ()), ("周", ())])
            .is_some()
        {
            if let Some(w) = self.cn_weekday_char() {
                return Some(w);
            }
            let digit = self.eat_table(&[
                ("1", Weekday::Mon),
                ("2", Weekday::Tue),
                ("3", Weekday::Wed),
                ("4", Weekday::Thu),
                ("5", Weekday::Fri),
                ("6", Weekday::Sat),
                ("7", Weekday::Sun),
            ]);
            if digit.is_some() && !self.rest.starts_with(|c: char| c.is_ascii_digit()) {
                return digit;
            }
        }
        *self = save;
        None
    }

    fn month_en(&mut self) -> Option<u32> {
        self.eat_word_table(MONTHS_EN)
    }
}

/// Parts of the day that shift an hour (`下午3点`, `9pm`, `今晚8点`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Am,
    Pm,
    Dawn,
    Morning,
    Noon,
    Afternoon,
    Evening,
}

const CN_PERIODS: &[(&str, Period)] = &[
    ("凌晨", Period::Dawn),
    ("早上", Period::Morning),
    ("早晨", Period::Morning),
    ("清晨", Period::Morning),
    ("上午", Period::Morning),
    ("中午", Period::Noon),
    ("下午", Period::Afternoon),
    ("傍晚", Period::Afternoon),
    ("晚上", Period::Evening),
    ("夜里", Period::Evening),
    ("夜晚", Period::Evening),
    ("早", Period::Morning),
    ("晚", Period::Evening),
];

/// A time of day as written, before range checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TimeSpec {
    hour: u32,
    minute: u32,
    /// Only range-checked: deadlines have minute resolution.
    second: u32,
    period: Option<Period>,
}

impl TimeSpec {
    const fn at(hour: u32, minute: u32) -> Self {
        Self {
            hour,
            minute,
            second: 0,
            period: None,
        }
    }
}

fn en_meridiem(c: &mut Cursor) -> Option<Period> {
    let save = *c;
    c.skip_ws();
    let p = c.eat_word_table(&[
        ("a.m.", Period::Am),
        ("p.m.", Period::Pm),
        ("am", Period::Am),
        ("pm", Period::Pm),
    ]);
    if p.is_none() {
        *c = save;
    }
    p
}

fn time_spec(c: &mut Cursor) -> Option<TimeSpec> {
    let save = *c;
    if let Some(ts) = c.eat_word_table(&[
        ("noon", TimeSpec::at(12, 0)),
        ("midday", TimeSpec::at(12, 0)),
        ("midnight", TimeSpec::at(24, 0)),
    ]) {
        return Some(ts);
    }
    if c.eat("午夜") {
        return Some(TimeSpec::at(24, 0));
    }
    let period = c.eat_table(CN_PERIODS);
    c.skip_ws();
    let (hour, ndigits) = match c.digits() {
        Some(d) => d,
        None => match c.cn_number() {
            Some(v) => (v, 0),
            None if period == Some(Period::Noon) => return Some(TimeSpec::at(12, 0)),
            None => {
                *c = save;
                return None;
            }
        },
    };
    if c.eat(":") {
        let minute = match c.digits() {
            Some((m, 2)) => m,
            _ => {
                *c = save;
                return None;
            }
        };
        let second = if c.eat(":") {
            match c.digits() {
                Some((s, 2)) => s,
                _ => {
                    *c = save;
                    return None;
                }
            }
        } else {
            0
        };
        let en = en_meridiem(c);
        return Some(TimeSpec {
            hour,
            minute,
            second,
            period: en.or(period),
        });
    }
    if c.eat("点") || c.eat("时") {
        c.eat("钟");
        let minute = if c.eat("半") {
            30
        } else if c.eat("一刻") {
            15
        } else if c.eat("三刻") {
            45
        } else if c.eat("整") {
            0
        } else if let Some(m) = c.number() {
            c.eat("分");
            m
        } else {
            0
        };
        return Some(TimeSpec {
            hour,
            minute,
            second: 0,
            period,
        });
    }
    if period.is_none() {
        if let Some(p) = en_meridiem(c) {
            return Some(TimeSpec {
                hour,
                minute: 0,
                second: 0,
                period: Some(p),
            });
        }
        // European clock style: `18h`, `09h30` (two digits, 00-23 only).
        if ndigits == 2 && hour <= 23 && c.eat("h") {
            let minute = match c.digits() {
                Some((m, 2)) => Some(m),
                Some(_) => None,
                None => Some(0),
            };
            let boundary = c.rest().chars().next().is_none_or(char::is_whitespace);
            if let Some(minute) = minute
                && boundary
            {
                return Some(TimeSpec::at(hour, minute));
            }
        }
    }
    *c = save;
    None
}

/// Minutes after local midnight (0..=1440, 1440 = end of day), or `None`
/// when out of range for the period.
fn resolve_time(ts: TimeSpec, hint: Option<Period>) -> Option<u32> {
    let TimeSpec {
        hour: h,
        minute: m,
        second,
        period,
    } = ts;
    if m > 59 || second > 59 {
        return None;
    }
    let h24 = match period.or(hint) {
        None => match h {
            0..=24 => h,
            _ => return None,
        },
        Some(Period::Am) => match h {
            12 => 0,
            1..=11 => h,
            _ => return None,
        },
        Some(Period::Pm) => match h {
            12 => 12,
            1..=11 => h + 12,
            _ => return None,
        },
        Some(Period::Dawn) => match h {
            12 => 0,
            0..=6 => h,
            _ => return None,
        },
        Some(Period::Morning) => match h {
            0..=12 => h,
            _ => return None,
        },
        Some(Period::Noon) => match h {
            11 | 12 => h,
            1..=3 => h + 12,
            _ => return None,
        },
        Some(Period::Afternoon) => match h {
            1..=11 => h + 12,
            12..=23 => h,
            _ => return None,
        },
        Some(Period::Evening) => match h {
            5..=11 => h + 12,
            12 => 24,
            17..=23 => h,
            _ => return None,
        },
    };
    if h24 == 24 && m != 0 {
        return None;
    }
    Some(h24 * 60 + m)
}

/// Which week a weekday refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WeekRef {
    /// The next such day (today if still ahead).
    Upcoming,
    /// Weeks after the current Monday-based week (0 = this week).
    Offset(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateSpec {
    RelDays(u32),
    Weekday {
        day: Weekday,
        week: WeekRef,
    },
    Ymd {
        year: Option<u32>,
        month: u32,
        day: u32,
    },
}

fn ordinal_suffix(c: &mut Cursor) {
    let _ = c.eat_word("st") || c.eat_word("nd") || c.eat_word("rd") || c.eat_word("th");
}

/// An optional 4-digit year after an English date (`dec 1 2026`).
fn trailing_year(c: &mut Cursor) -> Option<u32> {
    let save = *c;
    c.eat(",");
    c.skip_ws();
    if let Some((y, 4)) = c.digits()
        && !c.rest().starts_with([':', '.'])
    {
        return Some(y);
    }
    *c = save;
    None
}

fn date_spec(c: &mut Cursor) -> Option<(DateSpec, Option<Period>)> {
    let save = *c;
    let rel_en: &[(&str, (u32, Option<Period>))] = &[
        ("the day after tomorrow", (2, None)),
        ("day after tomorrow", (2, None)),
        ("overmorrow", (2, None)),
        ("tomorrow", (1, None)),
        ("tmrw", (1, None)),
        ("tmr", (1, None)),
        ("today", (0, None)),
        ("tonight", (0, Some(Period::Evening))),
    ];
    let rel_cn: &[(&str, (u32, Option<Period>))] = &[
        ("大后天", (3, None)),
        ("后天", (2, None)),
        ("明天", (1, None)),
        ("明日", (1, None)),
        ("明早", (1, Some(Period::Morning))),
        ("明晚", (1, Some(Period::Evening))),
        ("今天", (0, None)),
        ("今日", (0, None)),
        ("今早", (0, Some(Period::Morning))),
        ("今晚", (0, Some(Period::Evening))),
        ("今夜", (0, Some(Period::Evening))),
    ];
    if let Some((n, hint)) = c.eat_word_table(rel_en).or_else(|| c.eat_table(rel_cn)) {
        return Some((DateSpec::RelDays(n), hint));
    }

    // Weekdays, English then Chinese.
    let week = if c.eat_word("next") {
        Some(WeekRef::Offset(1))
    } else if c.eat_word("this") {
        Some(WeekRef::Offset(0))
    } else {
        None
    };
    c.skip_ws();
    if let Some(day) = c.weekday_en() {
        let week = week.unwrap_or(WeekRef::Upcoming);
        return Some((DateSpec::Weekday { day, week }, None));
    }
    *c = save;
    let week = c.eat_table(&[
        ("下下个", WeekRef::Offset(2)),
        ("下下", WeekRef::Offset(2)),
        ("下个", WeekRef::Offset(1)),
        ("下", WeekRef::Offset(1)),
        ("这个", WeekRef::Offset(0)),
        ("这", WeekRef::Offset(0)),
        ("本", WeekRef::Offset(0)),
    ]);
    if let Some(day) = c.weekday_cn() {
        let week = week.unwrap_or(WeekRef::Upcoming);
        return Some((DateSpec::Weekday { day, week }, None));
    }
    *c = save;

    // Numeric dates.
    if let Some((a, na)) = c.digits() {
        let after_first = *c;
        if na == 4 {
            for sep in ["-", "/", "."] {
                *c = after_first;
                if c.eat(sep)
                    && let Some((month, _)) = c.digits()
                    && c.eat(sep)
                    && let Some((day, _)) = c.digits()
                {
                    let ymd = DateSpec::Ymd {
                        year: Some(a),
                        month,
                        day,
                    };
                    return Some((ymd, None));
                }
            }
            *c = after_first;
            if c.eat("年")
                && let Some(month) = c.number()
                && c.eat("月")
                && let Some(day) = c.number()
                && (c.eat("日") || c.eat("号"))
            {
                let ymd = DateSpec::Ymd {
                    year: Some(a),
                    month,
                    day,
                };
                return Some((ymd, None));
            }
        } else if na <= 2 {
            for sep in ["/", "-"] {
                *c = after_first;
                if c.eat(sep)
                    && let Some((day, nd)) = c.digits()
                    && nd <= 2
                {
                    let ymd = DateSpec::Ymd {
                        year: None,
                        month: a,
                        day,
                    };
                    return Some((ymd, None));
                }
            }
            // `1 dec`, `1st dec 2026`
            *c = after_first;
            ordinal_suffix(c);
            c.skip_ws();
            if let Some(month) = c.month_en() {
                let year = trailing_year(c);
                return Some((
                    DateSpec::Ymd {
                        year,
                        month,
                        day: a,
                    },
                    None,
                ));
            }
        }
        *c = save;
    }
    // `12月1日`, `十二月一号`
    if let Some(month) = c.number()
        && c.eat("月")
        && let Some(day) = c.number()
        && (c.eat("日") || c.eat("号"))
    {
        return Some((
            DateSpec::Ymd {
                year: None,
                month,
                day,
            },
            None,
        ));
    }
    *c = save;
    // `dec 1`, `december 1st, 2026`
    if let Some(month) = c.month_en() {
        c.skip_ws();
        if let Some((day, nd)) = c.digits()
            && nd <= 2
        {
            ordinal_suffix(c);
            let year = trailing_year(c);
            return Some((DateSpec::Ymd { year, month, day }, None));
        }
    }
    *c = save;
    None
}

fn skip_sep(c: &mut Cursor) {
    c.skip_ws();
    let _ = c.eat_word("at") || c.eat("@") || c.eat(",") || c.eat("的") || {
        let mut k = *c;
        let iso_t = k.eat("t") && k.rest().starts_with(|ch: char| ch.is_ascii_digit());
        if iso_t {
            *c = k;
        }
        iso_t
    };
    c.skip_ws();
}

/// A point in time as written: optional day, optional time, and a period
/// hint from words like `今晚`.
#[derive(Clone, Copy, Debug)]
struct PointSpec {
    date: Option<DateSpec>,
    time: Option<TimeSpec>,
    hint: Option<Period>,
}

fn point(c: &mut Cursor) -> Option<PointSpec> {
    let (mut date, mut hint) = match date_spec(c) {
        Some((d, h)) => (Some(d), h),
        None => (None, None),
    };
    skip_sep(c);
    let time = time_spec(c);
    if date.is_none() && time.is_some() {
        skip_sep(c);
        if let Some((d, h)) = date_spec(c) {
            date = Some(d);
            hint = h;
        }
    }
    c.skip_ws();
    if !c.at_end() || (date.is_none() && time.is_none()) {
        return None;
    }
    Some(PointSpec { date, time, hint })
}

const UNITS_EN: &[(&str, i64)] = &[
    ("minutes", 60),
    ("minute", 60),
    ("mins", 60),
    ("min", 60),
    ("m", 60),
    ("hours", 3600),
    ("hour", 3600),
    ("hrs", 3600),
    ("hr", 3600),
    ("h", 3600),
    ("days", 86_400),
    ("day", 86_400),
    ("d", 86_400),
    ("weeks", 604_800),
    ("week", 604_800),
    ("wks", 604_800),
    ("wk", 604_800),
    ("w", 604_800),
];

const UNITS_CN: &[(&str, i64)] = &[
    ("分钟", 60),
    ("分", 60),
    ("小时", 3600),
    ("钟头", 3600),
    ("天", 86_400),
    ("日", 86_400),
    ("星期", 604_800),
    ("礼拜", 604_800),
    ("周", 604_800),
];

/// An amount in thousandths, and whether it was a plain integer.
fn amount(c: &mut Cursor) -> Option<(i64, bool)> {
    if c.eat_word("an") || c.eat_word("a") {
        return Some((1000, false));
    }
    if c.eat_word("half") {
        c.skip_ws();
        let _ = c.eat_word("an") || c.eat_word("a");
        return Some((500, false));
    }
    if c.eat("半") {
        return Some((500, false));
    }
    let (mut milli, mut integer) = if let Some((int, _)) = c.digits() {
        let mut milli = i64::from(int) * 1000;
        let mut integer = true;
        let before_dot = *c;
        if c.eat(".") {
            match c.digits() {
                Some((frac, n)) if n <= 3 => {
                    milli += i64::from(frac) * 10i64.pow(3 - n as u32);
                    integer = false;
                }
                _ => *c = before_dot,
            }
        }
        (milli, integer)
    } else {
        (i64::from(c.cn_number()?) * 1000, false)
    };
    c.eat("个");
    if c.eat("半") {
        milli += 500;
        integer = false;
    }
    Some((milli, integer))
}

/// One or more `<amount><unit>` parts, in seconds (`2h30m`, `1天2小时`).
fn duration(c: &mut Cursor) -> Option<i64> {
    let mut total: i64 = 0;
    let mut parts = 0;
    let mut last_unit = 0;
    loop {
        let save = *c;
        if parts > 0 {
            c.skip_ws();
            if c.eat_word("and") || c.eat(",") {
                c.skip_ws();
            }
        }
        let Some((milli, integer)) = amount(c) else {
            *c = save;
            break;
        };
        c.skip_ws();
        let unit = match c.eat_word_table(UNITS_EN).or_else(|| c.eat_table(UNITS_CN)) {
            Some(u) => u,
            // `2h30` = 2 h 30 min
            None if last_unit == 3600 && integer => 60,
            None => {
                *c = save;
                break;
            }
        };
        total = total.saturating_add(milli.saturating_mul(unit) / 1000);
        parts += 1;
        last_unit = unit;
    }
    (parts > 0).then_some(total)
}

fn full_duration(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    let d = duration(&mut c)?;
    c.skip_ws();
    c.at_end().then_some(d)
}

/// `in 3h`, `+2d`, `3天后`, `2 hours later`.
fn marked_duration(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    if c.eat_word("in") || c.eat("+") {
        c.skip_ws();
        return full_duration(c.rest());
    }
    let d = duration(&mut c)?;
    c.skip_ws();
    let marked = c.eat("以后")
        || c.eat("之后")
        || c.eat("后")
        || c.eat_word("later")
        || c.eat_word("from now");
    c.skip_ws();
    (marked && c.at_end()).then_some(d)
}

enum Expr {
    After(i64),
    Point(PointSpec),
}

fn parse_expr(s: &str) -> Option<Expr> {
    let mut c = Cursor::new(s);
    let _ = c.eat_word("by")
        || c.eat_word("before")
        || c.eat_word("due")
        || c.eat("截止到")
        || c.eat("截止")
        || c.eat("截至")
        || c.eat("在");
    c.skip_ws();
    let mut core = c.rest();
    let mut by_suffix = false;
    for suffix in ["之前", "以前", "前"] {
        if let Some(r) = core.strip_suffix(suffix) {
            core = r.trim_end();
            by_suffix = true;
            break;
        }
    }
    if core.is_empty() {
        return None;
    }
    if !by_suffix && let Some(secs) = marked_duration(core) {
        return Some(Expr::After(secs));
    }
    let mut c = Cursor::new(core);
    if let Some(p) = point(&mut c) {
        return Some(Expr::Point(p));
    }
    // `3天前` is "3 days ago", not a deadline: no bare duration with `前`.
    if !by_suffix && let Some(secs) = full_duration(core) {
        return Some(Expr::After(secs));
    }
    None
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn weekday_word(day: Weekday, zh: bool) -> &'static str {
    match (day, zh) {
        (Weekday::Mon, false) => "mon",
        (Weekday::Tue, false) => "tue",
        (Weekday::Wed, false) => "wed",
        (Weekday::Thu, false) => "thu",
        (Weekday::Fri, false) => "fri",
        (Weekday::Sat, false) => "sat",
        (Weekday::Sun, false) => "sun",
        (Weekday::Mon, true) => "周一",
        (Weekday::Tue, true) => "周二",
        (Weekday::Wed, true) => "周三",
        (Weekday::Thu, true) => "周四",
        (Weekday::Fri, true) => "周五",
        (Weekday::Sat, true) => "周六",
        (Weekday::Sun, true) => "周日",
    }
}

/// Turns a typed deadline into an instant, evaluated in `tz` relative to
/// `now`, so reminders fire when the team expects. See the module docs for
/// the accepted forms and the decisions on ambiguous ones.
pub fn parse_deadline(
    input: &str,
    now: DateTime<Utc>,
    tz: Tz,
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
        None => DEFAULT_MINUTES,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Shanghai;
    use proptest::prelude::*;

    /// Wednesday 2026-11-25 14:00 in Asia/Shanghai.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0)
            .single()
            .unwrap()
    }

    fn sh(local: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        Shanghai
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[derive(Debug)]
    enum Exp {
        At(&'static str),
        Past(&'static str),
        Invalid,
        Unrec,
        Far,
        Empty,
    }
    use Exp::*;

    const TABLE: &[(&str, Exp)] = &[
        // plain times of day
        ("18:00", At("2026-11-25 18:00")),
        ("  18:00  ", At("2026-11-25 18:00")),
        ("１８：００", At("2026-11-25 18:00")),
        ("9am", Past("tomorrow 09:00")),
        ("9 AM", Past("tomorrow 09:00")),
        ("9:30pm", At("2026-11-25 21:30")),
        ("9:30 p.m.", At("2026-11-25 21:30")),
        ("18h", At("2026-11-25 18:00")),
        ("18h30", At("2026-11-25 18:30")),
        ("09h30", Past("tomorrow 09:30")),
        ("10:00", Past("tomorrow 10:00")),
        ("12am", Past("tomorrow 00:00")),
        ("midnight", At("2026-11-26 00:00")),
        ("24:00", At("2026-11-26 00:00")),
        ("noon", Past("tomorrow 12:00")),
        ("下午3点", At("2026-11-25 15:00")),
        ("下午3:30", At("2026-11-25 15:30")),
        ("上午10点", Past("明天 10:00")),
        ("中午12点", Past("明天 12:00")),
        ("晚上9点", At("2026-11-25 21:00")),
        ("傍晚6点", At("2026-11-25 18:00")),
        ("凌晨2点", Past("明天 02:00")),
        ("17点", At("2026-11-25 17:00")),
        ("17时30分", At("2026-11-25 17:30")),
        ("午夜", At("2026-11-26 00:00")),
        // weekdays
        ("fri 17:00", At("2026-11-27 17:00")),
        ("friday 5pm", At("2026-11-27 17:00")),
        ("FRI 5 PM", At("2026-11-27 17:00")),
        ("fri at 5pm", At("2026-11-27 17:00")),
        ("thursday 9:30 am", At("2026-11-26 09:30")),
        ("fri", At("2026-11-27 18:00")),
        ("wed", At("2026-11-25 18:00")),
        ("wed 9:00", At("2026-12-02 09:00")),
        ("sun", At("2026-11-29 18:00")),
        ("next mon 9:00", At("2026-11-30 09:00")),
        ("next fri", At("2026-12-04 18:00")),
        ("next sun", At("2026-12-06 18:00")),
        ("this fri", At("2026-11-27 18:00")),
        ("this mon 9:00", Past("next mon 09:00")),
        ("5pm fri", At("2026-11-27 17:00")),
        ("周五", At("2026-11-27 18:00")),
        ("周五 17:00", At("2026-11-27 17:00")),
        ("周5 17:00", At("2026-11-27 17:00")),
        ("星期五 17:00", At("2026-11-27 17:00")),
        ("礼拜五 17点", At("2026-11-27 17:00")),
        ("周五下午5点", At("2026-11-27 17:00")),
        ("周三 10点", At("2026-12-02 10:00")),
        ("周日", At("2026-11-29 18:00")),
        ("星期天", At("2026-11-29 18:00")),
        ("下周一 9点", At("2026-11-30 09:00")),
        ("下下周一 10:00", At("2026-12-07 10:00")),
        ("这周五 18:00", At("2026-11-27 18:00")),
        ("本周五", At("2026-11-27 18:00")),
        ("这周一", Past("下周一 18:00")),
        ("周五前", At("2026-11-27 18:00")),
        ("在周五之前", At("2026-11-27 18:00")),
        ("截止周五", At("2026-11-27 18:00")),
        ("by fri", At("2026-11-27 18:00")),
        // relative days
        ("today 18:00", At("2026-11-25 18:00")),
        ("today 9:00", Past("tomorrow 09:00")),
        ("tonight 8pm", At("2026-11-25 20:00")),
        ("tomorrow 9am", At("2026-11-26 09:00")),
        ("tomorrow 12pm", At("2026-11-26 12:00")),
        ("tomorrow noon", At("2026-11-26 12:00")),
        ("10:00 tomorrow", At("2026-11-26 10:00")),
        ("tmr 9:00", At("2026-11-26 09:00")),
        ("day after tomorrow", At("2026-11-27 18:00")),
        ("fri midnight", At("2026-11-28 00:00")),
        ("今天 18:00", At("2026-11-25 18:00")),
        ("今天 9点", Past("明天 09:00")),
        ("今晚8点", At("2026-11-25 20:00")),
        ("明天 18:00", At("2026-11-26 18:00")),
        ("明早9点", At("2026-11-26 09:00")),
        ("后天 10点", At("2026-11-27 10:00")),
        ("大后天", At("2026-11-28 18:00")),
        ("明天中午", At("2026-11-26 12:00")),
        ("明天中午1点", At("2026-11-26 13:00")),
        ("明天9点15", At("2026-11-26 09:15")),
        ("明天9点15分", At("2026-11-26 09:15")),
        ("明天9点一刻", At("2026-11-26 09:15")),
        ("明天9点三刻", At("2026-11-26 09:45")),
        ("明天九点半", At("2026-11-26 09:30")),
        ("明天 凌晨2点", At("2026-11-26 02:00")),
        ("明天18点前", At("2026-11-26 18:00")),
        // absolute dates
        ("2026-12-01 10:00", At("2026-12-01 10:00")),
        ("2026/12/01 10:00", At("2026-12-01 10:00")),
        ("2026-12-01T10:00", At("2026-12-01 10:00")),
        ("2026-12-01 10:00:00", At("2026-12-01 10:00")),
        ("2026-12-01 10:00:60", Invalid),
        ("2026-12-01", At("2026-12-01 18:00")),
        ("2026年12月1日", At("2026-12-01 18:00")),
        ("12/1 10:00", At("2026-12-01 10:00")),
        ("12-1 10:00", At("2026-12-01 10:00")),
        ("12月1日 10点", At("2026-12-01 10:00")),
        ("12月1号 下午3点半", At("2026-12-01 15:30")),
        ("十二月一号", At("2026-12-01 18:00")),
        ("1 dec 10:00", At("2026-12-01 10:00")),
        ("dec 1 10:00", At("2026-12-01 10:00")),
        ("dec 1st, 2026", At("2026-12-01 18:00")),
        ("11/1 10:00", At("2027-11-01 10:00")),
        ("jan 5", At("2027-01-05 18:00")),
        ("2/29", At("2028-02-29 18:00")),
        ("11/25 20:00", At("2026-11-25 20:00")),
        ("11/25 10:00", Past("tomorrow 10:00")),
        ("2025-12-01 10:00", Past("2026-12-01 10:00")),
        ("2031-11-25 14:00", At("2031-11-25 14:00")),
        // durations
        ("in 3h", At("2026-11-25 17:00")),
        ("in 30 min", At("2026-11-25 14:30")),
        ("in 2 days", At("2026-11-27 14:00")),
        ("in an hour", At("2026-11-25 15:00")),
        ("in 1.5h", At("2026-11-25 15:30")),
        ("+2d", At("2026-11-27 14:00")),
        ("+90m", At("2026-11-25 15:30")),
        ("+1w", At("2026-12-02 14:00")),
        ("3h", At("2026-11-25 17:00")),
        ("24h", At("2026-11-26 14:00")),
        ("2h30m", At("2026-11-25 16:30")),
        ("2 hours later", At("2026-11-25 16:00")),
        ("3天后", At("2026-11-28 14:00")),
        ("1天后", At("2026-11-26 14:00")),
        ("3小时后", At("2026-11-25 17:00")),
        ("30分钟后", At("2026-11-25 14:30")),
        ("两天后", At("2026-11-27 14:00")),
        ("一周后", At("2026-12-02 14:00")),
        ("十五分钟后", At("2026-11-25 14:15")),
        ("二十四小时后", At("2026-11-26 14:00")),
        ("九十九分钟后", At("2026-11-25 15:39")),
        ("半小时后", At("2026-11-25 14:30")),
        ("一个半小时后", At("2026-11-25 15:30")),
        ("2小时30分钟后", At("2026-11-25 16:30")),
        ("in 0 min", Past("in 1h")),
        // errors
        ("", Empty),
        ("   ", Empty),
        ("hello", Unrec),
        ("next week", Unrec),
        ("今晚", Unrec),
        ("3天前", Unrec),
        ("-1h", Unrec),
        ("fri 5", Unrec),
        ("2026-02-30", Invalid),
        ("2026-13-01 10:00", Invalid),
        ("25:00", Invalid),
        ("9:60", Invalid),
        ("13/45", Invalid),
        ("2/30", Invalid),
        ("13pm", Invalid),
        ("晚上3点", Invalid),
        ("2032-01-01", Far),
        ("+300w", Far),
        ("in 99999999 days", Far),
    ];

    fn check(input: &str, exp: &Exp, got: Result<DateTime<Utc>, DeadlineError>) {
        match (exp, &got) {
            (At(local), Ok(t)) => assert_eq!(*t, sh(local), "{input:?}"),
            (Past(s), Err(DeadlineError::Past { suggestion, .. })) => {
                assert_eq!(suggestion, s, "{input:?}");
                // The suggestion itself must be accepted.
                assert!(
                    parse_deadline(s, now(), Shanghai).is_ok(),
                    "{input:?} -> {s:?}"
                );
            }
            (Invalid, Err(DeadlineError::InvalidDate { input: i })) => assert_eq!(i, input.trim()),
            (Unrec, Err(DeadlineError::Unrecognized { input: i })) => assert_eq!(i, input.trim()),
            (Far, Err(DeadlineError::TooFar { .. })) | (Empty, Err(DeadlineError::Empty)) => {}
            _ => panic!("{input:?}: expected {exp:?}, got {got:?}"),
        }
    }

    #[test]
    fn deadline_table() {
        assert!(TABLE.len() >= 70);
        for (input, exp) in TABLE {
            check(input, exp, parse_deadline(input, now(), Shanghai));
        }
    }

    #[test]
    fn past_reports_the_understood_instant() {
        let err = parse_deadline("9am", now(), Shanghai).unwrap_err();
        assert_eq!(
            err,
            DeadlineError::Past {
                understood: sh("2026-11-25 09:00"),
                suggestion: "tomorrow 09:00".into(),
            }
        );
    }

    #[test]
    fn weekday_today_rolls_a_week_but_time_does_not() {
        // 14:00 on a Wednesday: `wed 13:00` is next week, `13:00` is Past.
        assert_eq!(
            parse_deadline("wed 13:00", now(), Shanghai),
            Ok(sh("2026-12-02 13:00"))
        );
        assert!(matches!(
            parse_deadline("13:00", now(), Shanghai),
            Err(DeadlineError::Past { .. })
        ));
    }

    #[test]
    fn default_time_is_end_of_working_day() {
        assert_eq!(DEFAULT_TIME, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
    }

    fn ny(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, mi, 0).single().unwrap()
    }

    #[test]
    fn dst_gap_maps_to_end_of_gap() {
        // 02:30 does not exist on 2026-03-08 in New York; 03:00 EDT = 07:00Z.
        assert_eq!(
            local_to_utc(ny(2026, 3, 8, 2, 30), New_York),
            utc(2026, 3, 8, 7, 0)
        );
        assert_eq!(
            local_to_utc(ny(2026, 3, 8, 2, 0), New_York),
            utc(2026, 3, 8, 7, 0)
        );
        assert_eq!(
            local_to_utc(ny(2026, 3, 8, 3, 0), New_York),
            utc(2026, 3, 8, 7, 0)
        );
        let now = utc(2026, 3, 1, 12, 0);
        assert_eq!(
            parse_deadline("2026-03-08 02:30", now, New_York),
            Ok(utc(2026, 3, 8, 7, 0))
        );
    }

    #[test]
    fn dst_overlap_maps_to_earlier_instant() {
        // 01:30 happens twice on 2026-11-01; EDT (-4) first = 05:30Z.
        assert_eq!(
            local_to_utc(ny(2026, 11, 1, 1, 30), New_York),
            utc(2026, 11, 1, 5, 30)
        );
        let now = utc(2026, 11, 1, 4, 0); // 00:00 EDT
        assert_eq!(
            parse_deadline("01:30", now, New_York),
            Ok(utc(2026, 11, 1, 5, 30))
        );
        // Durations are exact elapsed time across the change.
        assert_eq!(
            parse_deadline("in 2h", now, New_York),
            Ok(utc(2026, 11, 1, 6, 0))
        );
    }

    #[test]
    fn durations() {
        let ok: &[(&str, i64)] = &[
            ("0", 0),
            ("0m", 0),
            ("30m", 30),
            ("1h", 60),
            ("1d", 1440),
            ("2h30m", 150),
            ("2h 30m", 150),
            ("2h30", 150),
            ("1w", 10_080),
            ("90 min", 90),
            ("1 hour and 30 minutes", 90),
            ("1.5h", 90),
            ("1天", 1440),
            ("2小时", 120),
            ("30分钟", 30),
            ("半小时", 30),
            ("两个小时", 120),
            ("一个半小时", 90),
            ("1天2小时", 1560),
            ("３０ｍ", 30),
            ("+15m", 15),
        ];
        for (input, minutes) in ok {
            assert_eq!(
                parse_duration(input),
                Ok(Duration::minutes(*minutes)),
                "{input:?}"
            );
        }
        let bad = ["-1h", "30", "abc", "1 month", "h", "1h ago"];
        for input in bad {
            assert!(
                matches!(
                    parse_duration(input),
                    Err(DeadlineError::Unrecognized { .. })
                ),
                "{input:?}"
            );
        }
        assert_eq!(parse_duration(" "), Err(DeadlineError::Empty));
        assert!(matches!(
            parse_duration("300w"),
            Err(DeadlineError::TooFar { .. })
        ));
    }

    #[test]
    fn time_of_day() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_time_of_day("10am"), Ok(t(10, 0)));
        assert_eq!(parse_time_of_day("下午3点"), Ok(t(15, 0)));
        assert_eq!(parse_time_of_day("9点半"), Ok(t(9, 30)));
        assert_eq!(parse_time_of_day("09:30"), Ok(t(9, 30)));
        assert!(matches!(
            parse_time_of_day("24:00"),
            Err(DeadlineError::InvalidDate { .. })
        ));
        assert!(matches!(
            parse_time_of_day("x"),
            Err(DeadlineError::Unrecognized { .. })
        ));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in any::<String>(), secs in -8_000_000_000_000i64..8_000_000_000_000i64) {
            let now = DateTime::from_timestamp(secs, 0).unwrap_or_else(now);
            let _ = parse_deadline(&s, now, Shanghai);
            let _ = parse_deadline(&s, now, New_York);
            let _ = parse_duration(&s);
            let _ = parse_time_of_day(&s);
        }

        #[test]
        fn never_panics_on_near_misses(
            s in "[0-9０-９:：/+. \\-年月日号点时分半刻周星期礼拜一二三四五六七八九十两零天后前小时明今晚早上下午中凌个ampthdwminextsfrionecay]{0,24}"
        ) {
            let _ = parse_deadline(&s, now(), Shanghai);
            let _ = parse_deadline(&s, now(), New_York);
            let _ = parse_duration(&s);
            let _ = parse_time_of_day(&s);
        }
    }
}
