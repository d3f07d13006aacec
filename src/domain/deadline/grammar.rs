//! The grammar of deadlines as typed: times of day, dates, parts of the day, the end of work,
//! the ends of periods and durations. It only records what was written; `resolve` turns it
//! into an instant and decides what is refused.

use chrono::Weekday;

use super::cursor::Cursor;
use super::duration::{Length, full_duration, marked_duration};
use super::words::{
    CN_PARTS, DayPart, EN_PARTS, END_OF_WORK_CN, END_OF_WORK_EN, PERIOD_ENDS_CN, PERIOD_ENDS_EN,
    REL_DAYS_CN, REL_DAYS_EN, Span,
};

/// A time of day as written, before range checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TimeSpec {
    pub(super) hour: u32,
    pub(super) minute: u32,
    /// Only range-checked: deadlines have minute resolution.
    pub(super) second: u32,
    pub(super) period: Option<DayPart>,
    /// A bare hour (`tonight at 8`, `fri 5`): it needs a part of the day to mean anything.
    pub(super) bare: bool,
}

impl TimeSpec {
    pub(super) const fn at(hour: u32, minute: u32) -> Self {
        Self {
            hour,
            minute,
            second: 0,
            period: None,
            bare: false,
        }
    }
}

fn en_meridiem(c: &mut Cursor) -> Option<DayPart> {
    let save = *c;
    c.skip_ws();
    let p = c.eat_word_table(&[
        ("a.m.", DayPart::Am),
        ("p.m.", DayPart::Pm),
        ("am", DayPart::Am),
        ("pm", DayPart::Pm),
    ]);
    if p.is_none() {
        *c = save;
    }
    p
}

/// Two-digit minutes or seconds after a `:`.
fn two_digits(c: &mut Cursor) -> Option<u32> {
    match c.digits() {
        Some((v, 2)) => Some(v),
        _ => None,
    }
}

/// A time of day: `18:00`, `9am`, `9:30 p.m.`, `18h30`, `下午3点半`, `17时30分`, `noon`,
/// `10 o'clock`, and a bare hour (`8`, flagged) for `tonight at 8`.
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
    let period = c.eat_table(CN_PARTS);
    c.skip_ws();
    let (hour, ndigits) = match c.digits() {
        Some(d) => d,
        None => match c.cn_number() {
            Some(v) => (v, 0),
            None if period == Some(DayPart::Noon) => return Some(TimeSpec::at(12, 0)),
            None => {
                *c = save;
                return None;
            }
        },
    };
    let spec = |minute, second, period| TimeSpec {
        hour,
        minute,
        second,
        period,
        bare: false,
    };
    if c.eat(":") {
        let Some(minute) = two_digits(c) else {
            *c = save;
            return None;
        };
        let mut second = 0;
        if c.eat(":") {
            match two_digits(c) {
                Some(s) => second = s,
                None => {
                    *c = save;
                    return None;
                }
            }
        }
        return Some(spec(minute, second, en_meridiem(c).or(period)));
    }
    if c.eat("点") || c.eat("时") {
        c.eat("钟");
        let mut second = 0;
        let minute = if c.eat("半") {
            30
        } else if c.eat("一刻") {
            15
        } else if c.eat("三刻") {
            45
        } else if c.eat("整") || c.eat("正") {
            0
        } else if let Some(m) = c.number() {
            if c.eat("分") {
                let before = *c;
                match c.number() {
                    Some(s) if c.eat("秒") => second = s,
                    _ => *c = before,
                }
            }
            m
        } else {
            0
        };
        return Some(spec(minute, second, en_meridiem(c).or(period)));
    }
    if period.is_none() {
        if let Some(p) = en_meridiem(c) {
            return Some(spec(0, 0, Some(p)));
        }
        // European clock style: `18h`, `09h30` (two digits, 00-23 only).
        let before_h = *c;
        if ndigits == 2 && hour <= 23 && c.eat("h") {
            let minute = match c.digits() {
                Some((m, 2)) => Some(m),
                Some(_) => None,
                None => Some(0),
            };
            if let Some(minute) = minute
                && c.rest().chars().next().is_none_or(char::is_whitespace)
            {
                return Some(TimeSpec::at(hour, minute));
            }
            *c = before_h;
        }
        if (1..=2).contains(&ndigits) {
            let k = *c;
            c.skip_ws();
            if c.eat_word("o'clock") || c.eat_word("oclock") || c.eat_word("o clock") {
                return Some(TimeSpec::at(hour, 0));
            }
            *c = k;
        }
    }
    // A bare hour: `8` in `tonight at 8`, `3` in `下午3`.
    if (ndigits == 1 || ndigits == 2) && hour <= 24 && c.at_boundary() {
        return Some(TimeSpec {
            bare: true,
            ..spec(0, 0, period)
        });
    }
    *c = save;
    None
}

/// `H.MM` right after `at` (`at 12.30`), where `12.30` alone would be a date.
fn dotted_time(c: &mut Cursor) -> Option<TimeSpec> {
    let save = *c;
    if let Some((hour, 1..=2)) = c.digits()
        && c.eat(".")
        && let Some(minute) = two_digits(c)
        && c.at_boundary()
    {
        return Some(TimeSpec::at(hour, minute));
    }
    *c = save;
    None
}

/// Which week a weekday refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WeekRef {
    /// The next such day (today if still ahead).
    Upcoming,
    /// Weeks after the current Monday-based week (0 = this week).
    Offset(u32),
}

/// A day as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DateSpec {
    /// Days after today.
    RelDays(u32),
    /// A weekday.
    Weekday { day: Weekday, week: WeekRef },
    /// A calendar date; without a year, the next time it comes.
    Ymd {
        year: Option<u32>,
        month: u32,
        day: u32,
    },
    /// A day of the month alone (`15号`, `the 15th`): the next time it comes.
    MonthDay(u32),
    /// A day of this month or a later one (`本月15号`, `下个月5号`).
    InMonth { offset: u32, day: u32 },
}

/// `st`/`nd`/`rd`/`th` after a day number; whether there was one.
fn ordinal_suffix(c: &mut Cursor) -> bool {
    c.eat_word("st") || c.eat_word("nd") || c.eat_word("rd") || c.eat_word("th")
}

/// A year after a date: 4 digits (`dec 1 2026`, `dec 1st, 2026`), not an hour (`dec 1 10:00`).
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

/// A year after a separator inside a numeric date: `/2026`, `-16` (two digits = 20xx).
fn sep_year(c: &mut Cursor, sep: &str) -> Option<u32> {
    let save = *c;
    if c.eat(sep)
        && let Some((y, n)) = c.digits()
        && (n == 2 || n == 4)
        && !c.rest().starts_with([':', '.'])
        && !c.rest().starts_with(|ch: char| ch.is_ascii_alphanumeric())
    {
        return Some(if n == 2 { 2000 + y } else { y });
    }
    *c = save;
    None
}

fn ymd(year: Option<u32>, month: u32, day: u32) -> DateSpec {
    DateSpec::Ymd { year, month, day }
}

/// Dates that start with ASCII digits.
fn numeric_date(c: &mut Cursor) -> Option<DateSpec> {
    let save = *c;
    let (a, na) = c.digits()?;
    let after_first = *c;
    if na == 4 {
        for sep in ["-", "/", "."] {
            *c = after_first;
            if c.eat(sep)
                && let Some((month, 1..=2)) = c.digits()
                && c.eat(sep)
                && let Some((day, 1..=2)) = c.digits()
            {
                return Some(ymd(Some(a), month, day));
            }
        }
        *c = after_first;
        if c.eat("年") {
            c.eat(",");
            c.skip_ws();
            if let Some(month) = c.number()
                && c.eat("月")
                && let Some(day) = c.number()
                && (c.eat("日") || c.eat("号"))
            {
                return Some(ymd(Some(a), month, day));
            }
        }
        *c = save;
        return None;
    }
    if na > 2 {
        *c = save;
        return None;
    }
    for sep in ["/", "-"] {
        *c = after_first;
        if c.eat(sep)
            && let Some((b, 1..=2)) = c.digits()
        {
            let year = sep_year(c, sep);
            // Month first (`12/1`), unless the first number cannot be a month (`25/12`).
            let (month, day) = if a > 12 && (1..=12).contains(&b) {
                (b, a)
            } else {
                (a, b)
            };
            return Some(ymd(year, month, day));
        }
        // `10-August-2012`, `09/JAN/2017`, `21-apr-16`
        *c = after_first;
        if c.eat(sep)
            && let Some(month) = c.month_en()
        {
            let year = sep_year(c, sep).or_else(|| trailing_year(c));
            return Some(ymd(year, month, a));
        }
    }
    // `3.10`, `6.18`, `11.11`: month.day, as sale days are written.
    *c = after_first;
    if c.eat(".")
        && let Some((b, 1..=2)) = c.digits()
        && (1..=12).contains(&a)
        && c.at_boundary()
    {
        return Some(ymd(None, a, b));
    }
    // `1 dec`, `1st dec 2026`, `12th of july`, `15sep`
    *c = after_first;
    let ordinal = ordinal_suffix(c);
    let after_ordinal = *c;
    c.skip_ws();
    let _ = c.eat_word("of");
    c.skip_ws();
    if let Some(month) = c.month_en() {
        let year = trailing_year(c);
        return Some(ymd(year, month, a));
    }
    // `15th`: a day of the month.
    if ordinal {
        *c = after_ordinal;
        return Some(DateSpec::MonthDay(a));
    }
    *c = after_first;
    if !c.rest().starts_with("月") && (c.eat("号") || c.eat("日")) {
        return Some(DateSpec::MonthDay(a));
    }
    *c = save;
    None
}

/// Chinese dates: `12月1日`, `十二月一号`, `二零一六年九月三号`, `十五号`, `下个月5号`.
fn chinese_date(c: &mut Cursor) -> Option<DateSpec> {
    let save = *c;
    if let Some(offset) = c.eat_table(&[
        ("下个月", 1),
        ("下月", 1),
        ("这个月", 0),
        ("本月", 0),
        ("这月", 0),
    ]) {
        if let Some(day) = c.number()
            && (c.eat("号") || c.eat("日"))
        {
            return Some(DateSpec::InMonth { offset, day });
        }
        *c = save;
        return None;
    }
    let year = c.cn_year().filter(|_| c.eat("年"));
    if year.is_some() {
        c.eat(",");
        c.skip_ws();
    }
    let before_month = *c;
    if let Some(month) = c.number()
        && c.eat("月")
        && let Some(day) = c.number()
        && (c.eat("日") || c.eat("号"))
    {
        return Some(ymd(year, month, day));
    }
    *c = before_month;
    if year.is_none()
        && let Some(day) = c.cn_number()
        && (c.eat("号") || c.eat("日"))
    {
        return Some(DateSpec::MonthDay(day));
    }
    *c = save;
    None
}

/// English dates that start with the month: `dec 1`, `December 1st, 2026`, `Dec. 21`.
fn month_first_date(c: &mut Cursor) -> Option<DateSpec> {
    let save = *c;
    let month = c.month_en()?;
    c.eat(",");
    c.skip_ws();
    c.eat("-");
    if let Some((day, 1..=2)) = c.digits() {
        ordinal_suffix(c);
        let year = trailing_year(c);
        return Some(ymd(year, month, day));
    }
    *c = save;
    None
}

/// A day: relative (`tomorrow`, `明早`), a weekday (`fri`, `下周五`) or a date. Returns the
/// part of the day the word carries (`tonight`, `今晚`).
pub(super) fn date_spec(c: &mut Cursor) -> Option<(DateSpec, Option<DayPart>)> {
    let save = *c;
    if let Some((n, part)) = c
        .eat_word_table(REL_DAYS_EN)
        .or_else(|| c.eat_table(REL_DAYS_CN))
    {
        return Some((DateSpec::RelDays(n), part));
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
    if c.eat_word("the") {
        c.skip_ws();
        if let Some((day, 1..=2)) = c.digits()
            && ordinal_suffix(c)
        {
            return Some((DateSpec::MonthDay(day), None));
        }
        *c = save;
        return None;
    }
    numeric_date(c)
        .or_else(|| chinese_date(c))
        .or_else(|| month_first_date(c))
        .map(|d| (d, None))
}

/// Words between the parts of a point in time (`fri at 5pm`, `tomorrow, 9am`, `明天的`).
/// Returns whether `at` was among them.
fn skip_sep(c: &mut Cursor) -> bool {
    let mut at = false;
    loop {
        c.skip_ws();
        let eaten = if (!c.rest().starts_with("at night") && c.eat_word("at")) || c.eat("@") {
            at = true;
            true
        } else {
            c.eat_any(&[",", "的"]) || c.eat_any_word(&["on", "by", "before"]) || {
                // ISO `2026-12-01T10:00`
                let mut k = *c;
                let iso_t = k.eat("t") && k.rest().starts_with(|ch: char| ch.is_ascii_digit());
                if iso_t {
                    *c = k;
                }
                iso_t
            }
        };
        if !eaten {
            return at;
        }
    }
}

/// A point in time as written: a day, a time of day, a part of the day and/or the end of
/// work, in any order (`明天下午3点`, `3pm tomorrow`, `fri eod`, `tuesday of next week at 9am`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct PointSpec {
    pub(super) date: Option<DateSpec>,
    /// A weekday named beside a calendar date (`Tue, 10 January`), to be checked.
    pub(super) weekday: Option<Weekday>,
    pub(super) time: Option<TimeSpec>,
    pub(super) part: Option<DayPart>,
    pub(super) end_of_work: bool,
}

impl PointSpec {
    fn set_part(&mut self, part: Option<DayPart>) -> Option<()> {
        match (self.part, part) {
            (_, None) => Some(()),
            (None, p) => {
                self.part = p;
                Some(())
            }
            (Some(a), Some(b)) => (a == b).then_some(()),
        }
    }

    fn set_date(&mut self, date: DateSpec) -> Option<()> {
        let named = |d: Option<DateSpec>| match d {
            Some(DateSpec::Weekday {
                day,
                week: WeekRef::Upcoming,
            }) => Some(day),
            _ => None,
        };
        match (self.date, date) {
            (None, d) => self.date = Some(d),
            (Some(DateSpec::Ymd { .. }), d)
                if self.weekday.is_none() && named(Some(d)).is_some() =>
            {
                self.weekday = named(Some(d));
            }
            (old, d @ DateSpec::Ymd { .. }) if self.weekday.is_none() && named(old).is_some() => {
                self.weekday = named(old);
                self.date = Some(d);
            }
            _ => return None,
        }
        Some(())
    }
}

/// `next week` after a weekday: `friday next week`, `tuesday of next week`.
fn week_qualifier(c: &mut Cursor) -> Option<WeekRef> {
    let save = *c;
    let _ = c.eat_word("of");
    c.skip_ws();
    let _ = c.eat_word("the");
    c.skip_ws();
    let week = c.eat_word_table(&[
        ("week after next", WeekRef::Offset(2)),
        ("next week", WeekRef::Offset(1)),
        ("this week", WeekRef::Offset(0)),
    ]);
    if week.is_none() {
        *c = save;
    }
    week
}

fn part_word(c: &mut Cursor) -> Option<DayPart> {
    c.eat_word_table(EN_PARTS).or_else(|| c.eat_table(CN_PARTS))
}

fn end_of_work(c: &mut Cursor) -> bool {
    END_OF_WORK_EN.iter().any(|w| c.eat_word(w)) || END_OF_WORK_CN.iter().any(|w| c.eat(w))
}

/// Reads the whole of `c` as a point in time, or `None`.
pub(super) fn point(c: &mut Cursor) -> Option<PointSpec> {
    let mut p = PointSpec::default();
    loop {
        let at = skip_sep(c);
        if c.at_end() {
            break;
        }
        if at
            && p.time.is_none()
            && let Some(ts) = dotted_time(c)
        {
            p.time = Some(ts);
            continue;
        }
        if let Some((date, part)) = date_spec(c) {
            p.set_date(date)?;
            p.set_part(part)?;
            continue;
        }
        if let Some(DateSpec::Weekday {
            week: WeekRef::Upcoming,
            day,
        }) = p.date
            && let Some(week) = week_qualifier(c)
        {
            p.date = Some(DateSpec::Weekday { day, week });
            continue;
        }
        if p.time.is_none()
            && let Some(ts) = time_spec(c)
        {
            p.time = Some(ts);
            continue;
        }
        if let Some(part) = part_word(c) {
            p.set_part(Some(part))?;
            continue;
        }
        if !p.end_of_work && end_of_work(c) {
            p.end_of_work = true;
            continue;
        }
        return None;
    }
    let something = p.date.is_some() || p.time.is_some() || p.part.is_some() || p.end_of_work;
    let clash = p.end_of_work && (p.time.is_some() || p.part.is_some());
    (something && !clash).then_some(p)
}

/// The end of a calendar period, with an optional time (`end of month`, `下周`, `月底 15:00`,
/// `9月底`, `end of september`). `by` says the text ended in `前`: only then is `周末`
/// ("the weekend") read, as "before the weekend".
pub(super) fn period_end(s: &str, by: bool) -> Option<(Span, u32, PointSpec)> {
    let mut c = Cursor::new(s);
    if c.eat_word("the") {
        c.skip_ws();
    }
    let found = c
        .eat_word_table(PERIOD_ENDS_EN)
        .or_else(|| c.eat_table(PERIOD_ENDS_CN))
        .or_else(|| (by && c.eat("周末")).then_some((Span::Week, 0)))
        .or_else(|| {
            let k = c;
            if c.eat_word("end of") {
                c.skip_ws();
                if let Some(m) = c.month_en() {
                    return Some((Span::Month(Some(m)), 0));
                }
            }
            c = k;
            if let Some(m) = c.number()
                && (1..=12).contains(&m)
                && (c.eat("月底") || c.eat("月末"))
            {
                return Some((Span::Month(Some(m)), 0));
            }
            c = k;
            None
        })?;
    let tail = if c.at_end() {
        PointSpec::default()
    } else {
        let t = point(&mut c)?;
        if t.date.is_some() {
            return None;
        }
        t
    };
    Some((found.0, found.1, tail))
}

/// What a deadline says, before it is placed in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expr {
    /// Due this long after now.
    After(Length),
    /// A day and/or a time.
    Point(PointSpec),
    /// The end of a period (`span`, `offset` periods ahead), with an optional time.
    PeriodEnd {
        span: Span,
        offset: u32,
        tail: PointSpec,
    },
}

/// Reads a whole normalized deadline.
pub(super) fn parse_expr(s: &str) -> Option<Expr> {
    let mut c = Cursor::new(s);
    let _ = c.eat_any_word(&["due by", "by", "before", "due", "until", "no later than"])
        || c.eat_any(&["截止到", "截止", "截至", "最晚", "最迟", "在"]);
    c.skip_ws();
    let mut core = c.rest();
    let mut by_suffix = false;
    let mut within_suffix = false;
    for suffix in ["之前", "以前", "为止", "前"] {
        if let Some(r) = core.strip_suffix(suffix) {
            core = r.trim_end();
            by_suffix = true;
            break;
        }
    }
    if !by_suffix {
        for suffix in ["之内", "以内", "内"] {
            if let Some(r) = core.strip_suffix(suffix) {
                core = r.trim_end();
                within_suffix = true;
                break;
            }
        }
    }
    if core.is_empty() {
        return None;
    }
    if within_suffix && let Some(len) = full_duration(core) {
        return Some(Expr::After(len));
    }
    if !by_suffix
        && !within_suffix
        && let Some(len) = marked_duration(core)
    {
        return Some(Expr::After(len));
    }
    if let Some((span, offset, tail)) = period_end(core, by_suffix) {
        return Some(Expr::PeriodEnd { span, offset, tail });
    }
    let mut c = Cursor::new(core);
    if let Some(p) = point(&mut c) {
        return Some(Expr::Point(p));
    }
    // `3天前` is "3 days ago", not a deadline: no bare duration with `前`.
    if !by_suffix && let Some(len) = full_duration(core) {
        return Some(Expr::After(len));
    }
    None
}
