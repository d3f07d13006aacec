//! The Quartz day forms in cron lines: `L` (last day of the month), `5L` (last Friday),
//! `1#1` (first Monday) and `15W` (weekday nearest the 15th).
//!
//! Why: the `cron` crate reads none of them, but people paste them from other tools. The
//! ones a shorthand already expresses (`last day`, `last fri`, `1st mon`) are read as that
//! shorthand's day rule, checked on top of the cron crate's answer; the others (`W`, `L-3`,
//! `L` alone in day-of-week) are refused with the nearest schedule that is read.

use chrono::Weekday;

use super::rules::DayRule;

/// Which numbering a day-of-week field uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Numbering {
    /// Crontab: 0 or 7 = Sunday, 1 = Monday … 6 = Saturday.
    Crontab,
    /// The `cron` crate (6/7 fields): 1 = Sunday … 7 = Saturday.
    CronCrate,
}

/// A day form that is not read, and the day rule to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Refused {
    /// The field item as typed (`15w`).
    pub(super) feature: String,
    /// What says the nearest thing.
    pub(super) instead: DayRule,
    /// The field rewritten to a form that is read (`15`, `l`, `6`).
    pub(super) field_instead: String,
}

/// What a day field holds beyond plain cron.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Special {
    /// Plain cron: the field goes to the cron crate as it is.
    None,
    /// Read as this rule; the field becomes `*` for the cron crate.
    Rule(DayRule),
    /// Not read.
    Refused(Refused),
    /// Malformed (`1#9`, `9L`, `L` in a list).
    Bad(String),
}

/// Whether a day-of-week field uses `L` or `#` (no day name ends in `l`).
fn has_quartz(field: &str) -> bool {
    field.contains('#') || field.split(',').any(|item| item.ends_with('l'))
}

fn weekday_of(s: &str, numbering: Numbering) -> Option<Weekday> {
    const NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let sunday_based = match s.parse::<u32>() {
        Ok(n) => match numbering {
            Numbering::Crontab if n <= 7 => n % 7,
            Numbering::CronCrate if (1..=7).contains(&n) => n - 1,
            _ => return None,
        },
        Err(_) => NAMES.iter().position(|n| *n == s)? as u32,
    };
    Weekday::try_from(((sunday_based + 6) % 7) as u8).ok()
}

/// Reads `L`, `L-3`, `LW` and `15W` in a (normalized, lower-case) day-of-month field.
pub(super) fn day_of_month(field: &str) -> Special {
    if !field.contains(['l', 'w']) {
        return Special::None;
    }
    if field.contains(',') {
        return Special::Bad(format!(
            "{field:?}: L and W cannot be combined with other days"
        ));
    }
    if field == "l" {
        return Special::Rule(DayRule::LastDay);
    }
    let refuse = |instead: DayRule, field_instead: &str| {
        Special::Refused(Refused {
            feature: field.to_string(),
            instead,
            field_instead: field_instead.to_string(),
        })
    };
    if field == "lw" || field.starts_with("l-") {
        return refuse(DayRule::LastDay, "l");
    }
    match field.strip_suffix('w').map(str::parse::<u32>) {
        Some(Ok(day)) if (1..=31).contains(&day) => {
            refuse(DayRule::MonthDay(day), &day.to_string())
        }
        _ => Special::Bad(format!("{field:?} is not a day of the month")),
    }
}

/// Reads `5L`, `1#1` and `L` in a (normalized, lower-case) day-of-week field.
pub(super) fn day_of_week(field: &str, numbering: Numbering) -> Special {
    if !has_quartz(field) {
        return Special::None;
    }
    if field.contains(',') {
        return Special::Bad(format!(
            "{field:?}: L and # cannot be combined with other days"
        ));
    }
    if field == "l" {
        let saturday = match numbering {
            Numbering::Crontab => "6",
            Numbering::CronCrate => "7",
        };
        return Special::Refused(Refused {
            feature: field.to_string(),
            instead: DayRule::Weekly(1 << Weekday::Sat.num_days_from_monday()),
            field_instead: saturday.to_string(),
        });
    }
    if let Some(day) = field.strip_suffix('l') {
        return match weekday_of(day, numbering) {
            Some(wd) => Special::Rule(DayRule::LastWeekday(wd)),
            None => Special::Bad(format!("{field:?}: {day:?} is not a day of the week")),
        };
    }
    if let Some((day, nth)) = field.split_once('#') {
        return match (weekday_of(day, numbering), nth.parse::<u32>()) {
            (Some(wd), Ok(n)) if (1..=5).contains(&n) => Special::Rule(DayRule::NthWeekday(n, wd)),
            _ => Special::Bad(format!("{field:?}: expected a weekday, #, and 1 to 5")),
        };
    }
    Special::Bad(format!("{field:?} is not a day of the week"))
}
