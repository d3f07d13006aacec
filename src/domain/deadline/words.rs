//! The words of both languages the deadline grammar reads: weekdays, months, number words,
//! parts of the day, days relative to today, the ends of periods and units of time.
//!
//! Why a table module: a word added here is understood everywhere it fits, and the
//! suggestions for unreadable input (`suggest.rs`) draw their vocabulary from the same lists,
//! so they never propose a word the parser would refuse. Tables that are matched by prefix list
//! longer entries first (`下下周` before `下周`).

use chrono::Weekday;

/// Parts of the day: they shift an hour (`下午3点`, `9pm`, `tonight at 8`) and, alone, stand
/// for one default time ([`DayPart::default_minutes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DayPart {
    /// `am`, `a.m.`
    Am,
    /// `pm`, `p.m.`
    Pm,
    /// 凌晨: the small hours (no default: nobody means "some time before dawn").
    Dawn,
    /// morning, 早上, 上午
    Morning,
    /// noon, 中午
    Noon,
    /// afternoon, 下午
    Afternoon,
    /// 傍晚 (dusk): hours like the afternoon (`傍晚6点` = 18:00), alone 18:00.
    Dusk,
    /// evening, tonight, 晚上, 今晚
    Evening,
    /// English `at night`: `1 at night` = 01:00, `11 at night` = 23:00.
    Night,
}

impl DayPart {
    /// Minutes after midnight that the part of the day alone stands for (`今晚` = 20:00), or
    /// `None` when it has no single sensible time.
    pub(super) fn default_minutes(self) -> Option<u32> {
        match self {
            DayPart::Morning => Some(9 * 60),
            DayPart::Noon => Some(12 * 60),
            DayPart::Afternoon => Some(15 * 60),
            DayPart::Dusk => Some(18 * 60),
            DayPart::Evening | DayPart::Night => Some(20 * 60),
            DayPart::Am | DayPart::Pm | DayPart::Dawn => None,
        }
    }

    /// How the same part of the day is written tomorrow, for a suggestion that parses.
    pub(super) fn tomorrow(self, zh: bool) -> Option<&'static str> {
        Some(match (self, zh) {
            (DayPart::Morning, false) => "tomorrow morning",
            (DayPart::Noon, false) => "tomorrow noon",
            (DayPart::Afternoon, false) => "tomorrow afternoon",
            (DayPart::Dusk | DayPart::Evening | DayPart::Night, false) => "tomorrow evening",
            (DayPart::Morning, true) => "明天上午",
            (DayPart::Noon, true) => "明天中午",
            (DayPart::Afternoon, true) => "明天下午",
            (DayPart::Dusk, true) => "明天傍晚",
            (DayPart::Evening | DayPart::Night, true) => "明天晚上",
            (DayPart::Am | DayPart::Pm | DayPart::Dawn, _) => return None,
        })
    }
}

/// Chinese parts of the day, written before an hour (`下午3点`) or alone (`下午`).
pub(super) const CN_PARTS: &[(&str, DayPart)] = &[
    ("凌晨", DayPart::Dawn),
    ("早上", DayPart::Morning),
    ("早晨", DayPart::Morning),
    ("清晨", DayPart::Morning),
    ("上午", DayPart::Morning),
    ("朝早", DayPart::Morning),
    ("中午", DayPart::Noon),
    ("下午", DayPart::Afternoon),
    ("下晝", DayPart::Afternoon),
    ("下昼", DayPart::Afternoon),
    ("晏晝", DayPart::Afternoon),
    ("晏昼", DayPart::Afternoon),
    ("傍晚", DayPart::Dusk),
    ("晚上", DayPart::Evening),
    ("夜里", DayPart::Evening),
    ("夜晚", DayPart::Evening),
    ("早", DayPart::Morning),
    ("晚", DayPart::Evening),
];

/// English parts of the day, written alone or after an hour (`6 in the morning`).
pub(super) const EN_PARTS: &[(&str, DayPart)] = &[
    ("in the morning", DayPart::Morning),
    ("in the afternoon", DayPart::Afternoon),
    ("in the evening", DayPart::Evening),
    ("at night", DayPart::Night),
    ("morning", DayPart::Morning),
    ("afternoon", DayPart::Afternoon),
    ("evening", DayPart::Evening),
    ("night", DayPart::Evening),
];

/// Days counted from today, with the part of the day some of them carry (`今晚`).
pub(super) const REL_DAYS_EN: &[(&str, (u32, Option<DayPart>))] = &[
    ("the day after tomorrow", (2, None)),
    ("day after tomorrow", (2, None)),
    ("this afternoon", (0, Some(DayPart::Afternoon))),
    ("this morning", (0, Some(DayPart::Morning))),
    ("this evening", (0, Some(DayPart::Evening))),
    ("the next day", (1, None)),
    ("next day", (1, None)),
    ("overmorrow", (2, None)),
    ("tomorrow", (1, None)),
    ("tonight", (0, Some(DayPart::Evening))),
    ("today", (0, None)),
    ("tmrw", (1, None)),
    ("tmr", (1, None)),
];

/// Chinese (and Cantonese: 聽日, 聽朝, 後日) days counted from today.
pub(super) const REL_DAYS_CN: &[(&str, (u32, Option<DayPart>))] = &[
    ("大后天", (3, None)),
    ("大后日", (3, None)),
    ("后天", (2, None)),
    ("后日", (2, None)),
    ("明天", (1, None)),
    ("明日", (1, None)),
    ("明儿", (1, None)),
    ("聽日", (1, None)),
    ("听日", (1, None)),
    ("明早", (1, Some(DayPart::Morning))),
    ("聽朝", (1, Some(DayPart::Morning))),
    ("明晚", (1, Some(DayPart::Evening))),
    ("聽晚", (1, Some(DayPart::Evening))),
    ("今天", (0, None)),
    ("今日", (0, None)),
    ("今儿", (0, None)),
    ("今早", (0, Some(DayPart::Morning))),
    ("今朝", (0, Some(DayPart::Morning))),
    ("今晚", (0, Some(DayPart::Evening))),
    ("今夜", (0, Some(DayPart::Evening))),
];

/// "The end of work" ([`super::WorkingHours::end`]).
pub(super) const END_OF_WORK_EN: &[&str] = &[
    "end of the working day",
    "end of the workday",
    "end of the day",
    "end of business",
    "close of business",
    "end of day",
    "end of work",
    "eod",
    "cob",
];

/// "The end of work", in Chinese (`下班前` arrives here as `下班`: `前` is read first).
pub(super) const END_OF_WORK_CN: &[&str] = &["下班时间", "下班时", "下班", "收工"];

/// Calendar periods whose end a deadline can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Span {
    /// Monday-based week; it ends on Friday (the last working day).
    Week,
    /// A month; `Some(m)` names it (`end of september`, `9月底`).
    Month(Option<u32>),
    /// Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec.
    Quarter,
    /// A calendar year.
    Year,
}

/// English names of period ends: (period, how many periods ahead).
pub(super) const PERIOD_ENDS_EN: &[(&str, (Span, u32))] = &[
    ("end of the week after next", (Span::Week, 2)),
    ("the week after next", (Span::Week, 2)),
    ("end of the week", (Span::Week, 0)),
    ("end of this week", (Span::Week, 0)),
    ("end of next week", (Span::Week, 1)),
    ("end of week", (Span::Week, 0)),
    ("this week", (Span::Week, 0)),
    ("next week", (Span::Week, 1)),
    ("eow", (Span::Week, 0)),
    ("end of the month", (Span::Month(None), 0)),
    ("end of this month", (Span::Month(None), 0)),
    ("end of next month", (Span::Month(None), 1)),
    ("end of month", (Span::Month(None), 0)),
    ("month-end", (Span::Month(None), 0)),
    ("month end", (Span::Month(None), 0)),
    ("this month", (Span::Month(None), 0)),
    ("next month", (Span::Month(None), 1)),
    ("eom", (Span::Month(None), 0)),
    ("end of the quarter", (Span::Quarter, 0)),
    ("end of this quarter", (Span::Quarter, 0)),
    ("end of next quarter", (Span::Quarter, 1)),
    ("end of quarter", (Span::Quarter, 0)),
    ("quarter end", (Span::Quarter, 0)),
    ("this quarter", (Span::Quarter, 0)),
    ("next quarter", (Span::Quarter, 1)),
    ("this qtr", (Span::Quarter, 0)),
    ("next qtr", (Span::Quarter, 1)),
    ("eoq", (Span::Quarter, 0)),
    ("end of the year", (Span::Year, 0)),
    ("end of this year", (Span::Year, 0)),
    ("end of next year", (Span::Year, 1)),
    ("end of year", (Span::Year, 0)),
    ("year-end", (Span::Year, 0)),
    ("year end", (Span::Year, 0)),
    ("this year", (Span::Year, 0)),
    ("next year", (Span::Year, 1)),
    ("eoy", (Span::Year, 0)),
];

/// Chinese names of period ends (`周末` only with `前`: see `grammar::period_end`).
pub(super) const PERIOD_ENDS_CN: &[(&str, (Span, u32))] = &[
    ("下下个星期", (Span::Week, 2)),
    ("下下个礼拜", (Span::Week, 2)),
    ("下下周", (Span::Week, 2)),
    ("下个星期", (Span::Week, 1)),
    ("下个礼拜", (Span::Week, 1)),
    ("下星期", (Span::Week, 1)),
    ("下礼拜", (Span::Week, 1)),
    ("下周", (Span::Week, 1)),
    ("这个星期", (Span::Week, 0)),
    ("这个礼拜", (Span::Week, 0)),
    ("这星期", (Span::Week, 0)),
    ("本星期", (Span::Week, 0)),
    ("这礼拜", (Span::Week, 0)),
    ("本周", (Span::Week, 0)),
    ("这周", (Span::Week, 0)),
    ("下个月底", (Span::Month(None), 1)),
    ("下个月末", (Span::Month(None), 1)),
    ("下月底", (Span::Month(None), 1)),
    ("下月末", (Span::Month(None), 1)),
    ("下个月", (Span::Month(None), 1)),
    ("下月", (Span::Month(None), 1)),
    ("这个月底", (Span::Month(None), 0)),
    ("这个月末", (Span::Month(None), 0)),
    ("本月底", (Span::Month(None), 0)),
    ("本月末", (Span::Month(None), 0)),
    ("这月底", (Span::Month(None), 0)),
    ("这个月", (Span::Month(None), 0)),
    ("本月", (Span::Month(None), 0)),
    ("这月", (Span::Month(None), 0)),
    ("月底", (Span::Month(None), 0)),
    ("月末", (Span::Month(None), 0)),
    ("下个季度末", (Span::Quarter, 1)),
    ("下个季度", (Span::Quarter, 1)),
    ("下季度末", (Span::Quarter, 1)),
    ("下季度", (Span::Quarter, 1)),
    ("这个季度", (Span::Quarter, 0)),
    ("本季度末", (Span::Quarter, 0)),
    ("本季度", (Span::Quarter, 0)),
    ("季度末", (Span::Quarter, 0)),
    ("季度底", (Span::Quarter, 0)),
    ("季末", (Span::Quarter, 0)),
    ("明年年底", (Span::Year, 1)),
    ("明年底", (Span::Year, 1)),
    ("明年", (Span::Year, 1)),
    ("今年年底", (Span::Year, 0)),
    ("今年底", (Span::Year, 0)),
    ("今年", (Span::Year, 0)),
    ("年底", (Span::Year, 0)),
    ("年末", (Span::Year, 0)),
];

/// English weekday names (longest first).
pub(super) const WEEKDAYS_EN: &[(&str, Weekday)] = &[
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

/// English month names and abbreviations.
pub(super) const MONTHS_EN: &[(&str, u32)] = &[
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

/// English number words up to nineteen; tens are [`TENS_EN`].
pub(super) const NUMBERS_EN: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];

/// English tens (`twenty-four` = 20 + 4).
pub(super) const TENS_EN: &[(&str, u32)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// A unit of a duration: exact seconds, or calendar months (kept apart because a month is
/// not a fixed number of seconds: `in 1 month` from 31 January is the end of February).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    /// This many seconds.
    Secs(i64),
    /// This many calendar months.
    Months(u32),
}

const MINUTE: Unit = Unit::Secs(60);
const HOUR: Unit = Unit::Secs(3600);
const DAY: Unit = Unit::Secs(86_400);
const WEEK: Unit = Unit::Secs(604_800);

/// English units (whole words only, so `m` never eats the `mo` of `mo`nths).
pub(super) const UNITS_EN: &[(&str, Unit)] = &[
    ("seconds", Unit::Secs(1)),
    ("second", Unit::Secs(1)),
    ("secs", Unit::Secs(1)),
    ("sec", Unit::Secs(1)),
    ("s", Unit::Secs(1)),
    ("minutes", MINUTE),
    ("minute", MINUTE),
    ("mins", MINUTE),
    ("min", MINUTE),
    ("m", MINUTE),
    ("hours", HOUR),
    ("hour", HOUR),
    ("hrs", HOUR),
    ("hr", HOUR),
    ("h", HOUR),
    ("days", DAY),
    ("day", DAY),
    ("d", DAY),
    ("weeks", WEEK),
    ("week", WEEK),
    ("wks", WEEK),
    ("wk", WEEK),
    ("w", WEEK),
    ("months", Unit::Months(1)),
    ("month", Unit::Months(1)),
    ("mths", Unit::Months(1)),
    ("mth", Unit::Months(1)),
    ("mons", Unit::Months(1)),
    ("mon", Unit::Months(1)),
    ("mos", Unit::Months(1)),
    ("mo", Unit::Months(1)),
    ("years", Unit::Months(12)),
    ("year", Unit::Months(12)),
    ("yrs", Unit::Months(12)),
    ("yr", Unit::Months(12)),
];

/// Chinese units. `月` counts only after `个` (`1个月`), since `3月` is March; `钟` likewise
/// (`一个钟` = an hour, `5点钟` is a time).
pub(super) const UNITS_CN: &[(&str, Unit)] = &[
    ("秒钟", Unit::Secs(1)),
    ("秒", Unit::Secs(1)),
    ("分钟", MINUTE),
    ("分", MINUTE),
    ("小时", HOUR),
    ("钟头", HOUR),
    ("天", DAY),
    ("日", DAY),
    ("星期", WEEK),
    ("礼拜", WEEK),
    ("周", WEEK),
    ("年", Unit::Months(12)),
];

/// Units that need the classifier `个` before them.
pub(super) const UNITS_CN_COUNTED: &[(&str, Unit)] = &[("月", Unit::Months(1)), ("钟", HOUR)];

/// How a weekday is written in a suggestion (parsed back by [`WEEKDAYS_EN`] or `周X`).
pub(crate) fn weekday_word(day: Weekday, zh: bool) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    if zh {
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i]
    } else {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i]
    }
}

/// Every English word the grammar reads, for correcting typos (`tomorow` → `tomorrow`).
pub(super) fn english_vocabulary() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = vec![
        "in", "within", "later", "from", "now", "next", "this", "by", "before", "due", "at", "on",
        "of", "the", "and", "end", "week", "month", "quarter", "year", "noon", "midday",
        "midnight", "am", "pm", "half", "an", "a", "couple", "until", "after", "st", "nd", "rd",
        "th", "o'clock", "oclock", "o", "clock", "about", "around", "no", "than", "due",
    ];
    let phrases = REL_DAYS_EN
        .iter()
        .map(|(w, _)| *w)
        .chain(EN_PARTS.iter().map(|(w, _)| *w))
        .chain(END_OF_WORK_EN.iter().copied())
        .chain(PERIOD_ENDS_EN.iter().map(|(w, _)| *w))
        .chain(WEEKDAYS_EN.iter().map(|(w, _)| *w))
        .chain(MONTHS_EN.iter().map(|(w, _)| *w))
        .chain(NUMBERS_EN.iter().map(|(w, _)| *w))
        .chain(TENS_EN.iter().map(|(w, _)| *w))
        .chain(UNITS_EN.iter().map(|(w, _)| *w));
    for phrase in phrases {
        words.extend(phrase.split(' '));
    }
    words.sort_unstable();
    words.dedup();
    words
}
