//! The grammar of deadlines: times of day, dates, durations, as written.

use chrono::Weekday;

use super::Cursor;

/// Parts of the day that shift an hour (`下午3点`, `9pm`, `今晚8点`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Period {
    Am,
    Pm,
    Dawn,
    Morning,
    Noon,
    Afternoon,
    Evening,
}

pub(super) const CN_PERIODS: &[(&str, Period)] = &[
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
pub(super) struct TimeSpec {
    pub(super) hour: u32,
    pub(super) minute: u32,
    /// Only range-checked: deadlines have minute resolution.
    pub(super) second: u32,
    pub(super) period: Option<Period>,
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

pub(super) fn en_meridiem(c: &mut Cursor) -> Option<Period> {
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

pub(super) fn time_spec(c: &mut Cursor) -> Option<TimeSpec> {
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
pub(super) fn resolve_time(ts: TimeSpec, hint: Option<Period>) -> Option<u32> {
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
pub(super) enum WeekRef {
    /// The next such day (today if still ahead).
    Upcoming,
    /// Weeks after the current Monday-based week (0 = this week).
    Offset(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DateSpec {
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

pub(super) fn ordinal_suffix(c: &mut Cursor) {
    let _ = c.eat_word("st") || c.eat_word("nd") || c.eat_word("rd") || c.eat_word("th");
}

/// An optional 4-digit year after an English date (`dec 1 2026`).
pub(super) fn trailing_year(c: &mut Cursor) -> Option<u32> {
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

pub(super) fn date_spec(c: &mut Cursor) -> Option<(DateSpec, Option<Period>)> {
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

pub(super) fn skip_sep(c: &mut Cursor) {
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
pub(super) struct PointSpec {
    pub(super) date: Option<DateSpec>,
    pub(super) time: Option<TimeSpec>,
    pub(super) hint: Option<Period>,
}

pub(super) fn point(c: &mut Cursor) -> Option<PointSpec> {
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

pub(super) const UNITS_EN: &[(&str, i64)] = &[
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

pub(super) const UNITS_CN: &[(&str, i64)] = &[
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
pub(super) fn amount(c: &mut Cursor) -> Option<(i64, bool)> {
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
pub(super) fn duration(c: &mut Cursor) -> Option<i64> {
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

pub(super) fn full_duration(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    let d = duration(&mut c)?;
    c.skip_ws();
    c.at_end().then_some(d)
}

/// `in 3h`, `+2d`, `3天后`, `2 hours later`.
pub(super) fn marked_duration(s: &str) -> Option<i64> {
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

pub(super) enum Expr {
    After(i64),
    Point(PointSpec),
}

pub(super) fn parse_expr(s: &str) -> Option<Expr> {
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

pub(super) fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

pub(super) fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub(crate) fn weekday_word(day: Weekday, zh: bool) -> &'static str {
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
