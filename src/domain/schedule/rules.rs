//! The shorthands (`mon 10:00`, `weekdays 09:30`, `每周四 18:00`, `last fri 19:00`,
//! `1st mon 10:00`): which local dates they fire on, and at what time.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::Kind;
use crate::domain::deadline::{self, Cursor};

/// Which local dates a shorthand fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DayRule {
    /// Bit `n` set = fires on the weekday `n` days from Monday.
    Weekly(u8),
    MonthDay(u32),
    LastDay,
    NthWeekday(u32, Weekday),
    LastWeekday(Weekday),
}

impl DayRule {
    pub(super) fn matches(self, date: NaiveDate) -> bool {
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

impl DayRule {
    /// The shorthand that says this rule (read back by [`parse_rule`] once a time is added), in
    /// English or Chinese: for refusals that name what to write instead.
    pub(super) fn shorthand(self, zh: bool) -> String {
        let day = |wd: Weekday| deadline::weekday_word(wd, zh);
        match self {
            DayRule::Weekly(mask) => {
                let days: Vec<&str> = (0..7u8)
                    .filter(|i| mask & (1 << i) != 0)
                    .filter_map(|i| Weekday::try_from(i).ok())
                    .map(day)
                    .collect();
                days.join(if zh { "、" } else { "," })
            }
            DayRule::MonthDay(d) if zh => format!("每月{d}日"),
            DayRule::MonthDay(d) => format!("monthly {d}"),
            DayRule::LastDay if zh => "每月最后一天".to_string(),
            DayRule::LastDay => "last day".to_string(),
            DayRule::NthWeekday(n, wd) if zh => format!("每月第{n}个{}", day(wd)),
            DayRule::NthWeekday(n, wd) => {
                let suffix = match n {
                    1 => "st",
                    2 => "nd",
                    3 => "rd",
                    _ => "th",
                };
                format!("{n}{suffix} {}", day(wd))
            }
            DayRule::LastWeekday(wd) if zh => format!("每月最后一个{}", day(wd)),
            DayRule::LastWeekday(wd) => format!("last {}", day(wd)),
        }
    }
}

pub(super) fn weekday_bit(wd: Weekday) -> u8 {
    1 << wd.num_days_from_monday()
}

const ALL_DAYS: u8 = 0b111_1111;
const MON_TO_FRI: u8 = 0b001_1111;
const SAT_SUN: u8 = 0b110_0000;

pub(super) enum RuleError {
    Days,
    Time,
    Never,
}

pub(super) fn parse_rule(norm: &str) -> Result<Kind, RuleError> {
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
        let sep = c.eat_any(&[",", "、", "&", "/", "和", "及", "与"]) || c.eat_word("and");
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
