//! Fixed activities: the weekly department meeting, the store's promotion days, the Thursday
//! restock sheet, the monthly team outing. Pure rules: lead times, checklists, holidays and
//! skipped days, which occurrence fires next, the outbox keys of its reminders, and the
//! shipped default lists (activities and holidays) read from editable TOML data.
//!
//! Decisions:
//! - A lead is a span before the start (`1d`, `18h`, `30m`); `0` means at the start. Up to
//!   [`MAX_LEADS`] per activity, each at most [`MAX_LEAD_DAYS`] days, kept longest first.
//! - Skipping works on local dates: a skipped day (or a holiday, for an activity that skips
//!   holidays) drops every occurrence on that date in the guild's time zone, so a skip still
//!   holds after the activity's time of day is edited.
//! - A holiday covers whole local dates, `from` to `to` inclusive.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::deadline::{local_to_utc, parse_duration};
use super::position::Position;
use super::schedule::{Schedule, parse_schedule};
use crate::i18n::Locale;

/// Most reminders before one occurrence.
pub const MAX_LEADS: usize = 5;

/// Longest lead, in days: a reminder a month ahead is a different kind of thing (a task).
pub const MAX_LEAD_DAYS: i64 = 31;

/// Most checklist lines (each gets a button; Discord allows 25 buttons per message).
pub const MAX_CHECKLIST: usize = 10;

/// Longest checklist line, in characters.
pub const CHECKLIST_LINE_MAX: usize = 100;

/// How many scheduled occurrences are looked at, at most, to find one that is not skipped
/// (a schedule whose every occurrence falls on a skipped day must not loop for ever).
const MAX_SCAN: usize = 1_000;

/// What an activity does on a holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HolidayMode {
    /// Remind as usual.
    #[default]
    Fire,
    /// No reminders on holidays.
    Skip,
    /// Remind, with a note naming the holiday.
    Note,
}

impl HolidayMode {
    /// Every mode, as offered.
    pub const ALL: [HolidayMode; 3] = [HolidayMode::Fire, HolidayMode::Skip, HolidayMode::Note];

    super::keys_of_all!(3);

    /// Stored and typed form.
    pub const fn key(self) -> &'static str {
        match self {
            HolidayMode::Fire => "fire",
            HolidayMode::Skip => "skip",
            HolidayMode::Note => "note",
        }
    }

    /// Parses the stored or typed form.
    pub fn parse(s: &str) -> Option<HolidayMode> {
        HolidayMode::ALL.into_iter().find(|m| m.key() == s.trim())
    }
}

/// Why a lead list was rejected; the caller localizes from the variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeadError {
    /// Nothing typed.
    #[error("no lead given")]
    Empty,
    /// One item is not a span.
    #[error("unrecognized lead {input:?}")]
    Unrecognized {
        /// The item as typed.
        input: String,
    },
    /// One item is longer than [`MAX_LEAD_DAYS`].
    #[error("lead too long {input:?}")]
    TooFar {
        /// The item as typed.
        input: String,
    },
    /// More than [`MAX_LEADS`] items.
    #[error("too many leads")]
    TooMany,
}

/// Parses `1d, 18h, 30m, 0` (separated by commas, `、`, `;` or `|`) into spans before the
/// start, longest first, without repeats.
pub fn parse_leads(text: &str) -> Result<Vec<Duration>, LeadError> {
    let items: Vec<&str> = text
        .split([',', '，', '、', ';', '；', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(LeadError::Empty);
    }
    let mut out = Vec::new();
    for item in items {
        let d = parse_duration(item).map_err(|_| LeadError::Unrecognized {
            input: item.to_string(),
        })?;
        if d > Duration::days(MAX_LEAD_DAYS) {
            return Err(LeadError::TooFar {
                input: item.to_string(),
            });
        }
        // Reminders are planned to the minute.
        out.push(Duration::minutes(d.num_minutes()));
    }
    out.sort_by(|a, b| b.cmp(a));
    out.dedup();
    if out.len() > MAX_LEADS {
        return Err(LeadError::TooMany);
    }
    Ok(out)
}

/// A lead as it can be typed back: `1d2h`, `30m`, `0`.
pub fn lead_text(d: Duration) -> String {
    let total = d.num_minutes().max(0);
    if total == 0 {
        return "0".into();
    }
    let (days, hours, minutes) = (total / 1440, (total % 1440) / 60, total % 60);
    let mut out = String::new();
    for (n, unit) in [(days, 'd'), (hours, 'h'), (minutes, 'm')] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

/// Leads as stored: minutes, comma separated, longest first.
pub fn leads_to_minutes(leads: &[Duration]) -> String {
    leads
        .iter()
        .map(|d| d.num_minutes().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The inverse of [`leads_to_minutes`]; None when the stored text is corrupt.
pub fn leads_from_minutes(s: &str) -> Option<Vec<Duration>> {
    if s.trim().is_empty() {
        return Some(vec![]);
    }
    s.split(',')
        .map(|m| m.trim().parse::<i64>().ok().map(Duration::minutes))
        .collect()
}

/// Why a checklist was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChecklistError {
    /// More than [`MAX_CHECKLIST`] lines.
    #[error("too many checklist lines")]
    TooMany,
    /// A line longer than [`CHECKLIST_LINE_MAX`].
    #[error("checklist line too long")]
    TooLong,
}

/// Splits a checklist typed on one line (`Pages updated | Prices set; Banner live`) into its
/// lines. `-` alone means "no checklist".
pub fn parse_checklist(text: &str) -> Result<Vec<String>, ChecklistError> {
    if is_clear(text) {
        return Ok(vec![]);
    }
    let lines: Vec<String> = text
        .split(['|', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if lines.len() > MAX_CHECKLIST {
        return Err(ChecklistError::TooMany);
    }
    if lines.iter().any(|l| l.chars().count() > CHECKLIST_LINE_MAX) {
        return Err(ChecklistError::TooLong);
    }
    Ok(lines)
}

/// Whether an edit value means "clear this" (`-`, `none`, `无`).
pub fn is_clear(text: &str) -> bool {
    matches!(text.trim(), "-" | "none" | "无" | "—")
}

/// A holiday or big-sale period, whole local dates from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// Shown in reminders and lists (`双11`, `National Day`).
    pub name: String,
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl Holiday {
    /// Whether `date` lies within it.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// The first holiday covering `date`.
pub fn holiday_on(holidays: &[Holiday], date: NaiveDate) -> Option<&Holiday> {
    holidays.iter().find(|h| h.contains(date))
}

/// What happens at one scheduled instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Reminders as usual.
    Fires,
    /// Reminders, noting the holiday (named).
    FiresOnHoliday(String),
    /// Not this time: a holiday (named) and the activity skips holidays.
    SkippedHoliday(String),
    /// Not this time: the day was skipped by hand.
    Skipped,
}

impl Fate {
    /// Whether reminders go out.
    pub fn fires(&self) -> bool {
        matches!(self, Fate::Fires | Fate::FiresOnHoliday(_))
    }
}

/// One scheduled instant and what happens then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// When the activity starts.
    pub at: DateTime<Utc>,
    pub fate: Fate,
}

/// Everything that decides when an activity fires: its schedule in the guild's zone, its
/// holiday mode, the guild's holidays and the days skipped by hand.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub schedule: &'a Schedule,
    /// The guild's zone (the wall clock the schedule means).
    pub tz: Tz,
    /// What to do on holidays.
    pub mode: HolidayMode,
    pub holidays: &'a [Holiday],
    /// Local dates skipped by hand.
    pub skips: &'a BTreeSet<NaiveDate>,
    /// The last local day it fires on (`until:`); None = no end.
    pub until: Option<NaiveDate>,
    /// The last instant it fires at (the last of a `times:` count); None = no such end.
    pub last: Option<DateTime<Utc>>,
}

impl Rules<'_> {
    /// The local date of an instant.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// What happens at a scheduled instant.
    pub fn fate(&self, at: DateTime<Utc>) -> Fate {
        let date = self.date_of(at);
        if self.skips.contains(&date) {
            return Fate::Skipped;
        }
        match (holiday_on(self.holidays, date), self.mode) {
            (Some(h), HolidayMode::Skip) => Fate::SkippedHoliday(h.name.clone()),
            (Some(h), HolidayMode::Note) => Fate::FiresOnHoliday(h.name.clone()),
            _ => Fate::Fires,
        }
    }

    /// The first occurrence strictly after `after` that fires.
    pub fn next_firing(&self, after: DateTime<Utc>) -> Option<Occurrence> {
        let mut cursor = after;
        for _ in 0..MAX_SCAN {
            let at = self.schedule.next_after(cursor, self.tz)?;
            if self.until.is_some_and(|u| self.date_of(at) > u) || self.last.is_some_and(|l| at > l)
            {
                return None;
            }
            let fate = self.fate(at);
            if fate.fires() {
                return Some(Occurrence { at, fate });
            }
            cursor = at;
        }
        None
    }

    /// Every scheduled occurrence in (from, to], skipped ones included, at most `limit`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>, limit: usize) -> Vec<Occurrence> {
        self.schedule
            .occurrences(from, to, self.tz, limit)
            .into_iter()
            .filter(|at| self.until.is_none_or(|u| self.date_of(*at) <= u))
            .filter(|at| self.last.is_none_or(|l| *at <= l))
            .map(|at| Occurrence {
                at,
                fate: self.fate(at),
            })
            .collect()
    }
}

/// The dedupe key of one reminder: one per activity, occurrence and lead, ever.
pub fn reminder_key(activity: i64, at: DateTime<Utc>, lead: Duration) -> String {
    format!(
        "activity:{activity}:{}:lead-{}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true),
        lead.num_minutes()
    )
}

/// The dedupe key of the one follow-up of an occurrence.
pub fn follow_up_key(activity: i64, at: DateTime<Utc>) -> String {
    format!(
        "activity:{activity}:{}:follow-up",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// Local hours in which no follow-up is sent (`22:00-08:00`); a follow-up falling inside is
/// moved to their end, or dropped when that is not before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    /// End (local); may be earlier than `from`, wrapping midnight.
    pub to: NaiveTime,
}

impl QuietHours {
    /// Parses `22:00-08:00`.
    pub fn parse(s: &str) -> Option<QuietHours> {
        let (a, b) = s.split_once('-')?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").ok();
        let (from, to) = (t(a)?, t(b)?);
        (from != to).then_some(QuietHours { from, to })
    }

    /// Whether a local time of day lies inside.
    pub fn contains(self, t: NaiveTime) -> bool {
        if self.from < self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }

    /// The end of the quiet period around `at` (which lies inside it).
    fn end_of(self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&tz).naive_local();
        let mut date = local.date();
        if self.from > self.to && local.time() >= self.from {
            date = date.succ_opt().unwrap_or(date);
        }
        local_to_utc(date.and_time(self.to), tz)
    }
}

/// When the follow-up goes out: half-way through the longest lead, moved out of the quiet
/// hours. None without a lead (a reminder only at the start leaves no time to follow up), or
/// when the quiet hours last until the start.
pub fn follow_up_at(
    at: DateTime<Utc>,
    leads: &[Duration],
    tz: Tz,
    quiet: Option<QuietHours>,
) -> Option<DateTime<Utc>> {
    let longest = leads.iter().max().copied()?;
    if longest <= Duration::zero() {
        return None;
    }
    let mid = at - Duration::minutes(longest.num_minutes() / 2);
    match quiet {
        Some(q) if q.contains(mid.with_timezone(&tz).time()) => {
            let end = q.end_of(mid, tz);
            (end < at).then_some(end)
        }
        _ => Some(mid),
    }
}

// ---------------------------------------------------------------- shipped data

/// A text in both languages (shipped data is shown in the guild's language).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// English.
    #[serde(rename = "en-US")]
    pub en: String,
    /// Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
}

impl Texts {
    /// The text in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::EnUs => &self.en,
            Locale::ZhCn => &self.zh,
        }
    }
}

/// Checklist lines in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TextLists {
    /// English.
    #[serde(rename = "en-US", default)]
    pub en: Vec<String>,
    /// Chinese.
    #[serde(rename = "zh-CN", default)]
    pub zh: Vec<String>,
}

impl TextLists {
    /// The lines in `locale`.
    pub fn get(&self, locale: Locale) -> &[String] {
        match locale {
            Locale::EnUs => &self.en,
            Locale::ZhCn => &self.zh,
        }
    }
}

/// One shipped default activity, validated.
#[derive(Debug, Clone)]
pub struct DefaultActivity {
    pub name: Texts,
    pub schedule: String,
    pub ping: Position,
    /// Reminders before the start, longest first.
    pub leads: Vec<Duration>,
    /// Channel id, or None for the guild's summary channel.
    pub channel: Option<u64>,
    pub holidays: HolidayMode,
    pub message: Option<Texts>,
    pub checklist: TextLists,
}

/// One shipped holiday, validated.
#[derive(Debug, Clone)]
pub struct DefaultHoliday {
    pub name: Texts,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A shipped data file that cannot be used, said so the person starting the bot can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct DataError {
    /// Which entry (`activity 3 "Group-buy Monday"`), or the file as a whole.
    pub what: String,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActivities {
    #[serde(default)]
    activity: Vec<RawActivity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActivity {
    name: Texts,
    schedule: String,
    ping: String,
    lead: Vec<String>,
    #[serde(default)]
    channel: u64,
    #[serde(default = "fire")]
    holidays: String,
    #[serde(default)]
    message: Option<Texts>,
    #[serde(default)]
    checklist: TextLists,
}

fn fire() -> String {
    "fire".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidays {
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: Texts,
    from: String,
    #[serde(default)]
    to: Option<String>,
}

/// The error of the `i`-th (from 0) item of a file, named by its English name.
fn item_error(kind: &'static str, i: usize, name: &Texts) -> impl Fn(String) -> DataError + use<> {
    let what = format!("{kind} {} ({:?})", i + 1, name.en);
    move |reason| DataError {
        what: what.clone(),
        reason,
    }
}

fn whole_file(e: impl std::fmt::Display) -> DataError {
    DataError {
        what: "the file".into(),
        reason: e.to_string(),
    }
}

/// Reads and checks the default activities (`config/activities.toml` format).
pub fn parse_defaults(text: &str) -> Result<Vec<DefaultActivity>, DataError> {
    let raw: RawActivities = toml::from_str(text).map_err(whole_file)?;
    let mut out = Vec::new();
    for (i, a) in raw.activity.into_iter().enumerate() {
        let bad = item_error("activity", i, &a.name);
        if a.name.en.trim().is_empty() || a.name.zh.trim().is_empty() {
            return Err(bad("a name is empty".into()));
        }
        let schedule = parse_schedule(&a.schedule)
            .map_err(|e| bad(format!("schedule: {e}")))?
            .source()
            .to_string();
        let ping: Position = a
            .ping
            .parse()
            .map_err(|_| bad(format!("ping {:?} is not a position key", a.ping)))?;
        let leads = parse_leads(&a.lead.join(",")).map_err(|e| bad(format!("lead: {e}")))?;
        let holidays = HolidayMode::parse(&a.holidays).ok_or_else(|| {
            bad(format!(
                "holidays {:?} is not one of fire, skip, note",
                a.holidays
            ))
        })?;
        for lines in [&a.checklist.en, &a.checklist.zh] {
            parse_checklist(&lines.join("|")).map_err(|e| bad(format!("checklist: {e}")))?;
        }
        out.push(DefaultActivity {
            name: a.name,
            schedule,
            ping,
            leads,
            channel: Some(a.channel).filter(|c| *c != 0),
            holidays,
            message: a.message,
            checklist: a.checklist,
        });
    }
    Ok(out)
}

/// Reads and checks the shipped holidays (`config/holidays.toml` format).
pub fn parse_holidays(text: &str) -> Result<Vec<DefaultHoliday>, DataError> {
    let raw: RawHolidays = toml::from_str(text).map_err(whole_file)?;
    let mut out = Vec::new();
    for (i, h) in raw.holiday.into_iter().enumerate() {
        let bad = item_error("holiday", i, &h.name);
        let day = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| bad(format!("{s:?} is not a date like 2026-10-01")))
        };
        let from = day(&h.from)?;
        let to = match &h.to {
            Some(t) => day(t)?,
            None => from,
        };
        if to < from {
            return Err(bad("`to` is before `from`".into()));
        }
        out.push(DefaultHoliday {
            name: h.name,
            from,
            to,
        });
    }
    Ok(out)
}

/// Shipped holidays by year, for messages ("2026: 12 entries").
pub fn years_covered(holidays: &[DefaultHoliday]) -> BTreeMap<i32, usize> {
    let mut out = BTreeMap::new();
    for h in holidays {
        *out.entry(chrono::Datelike::year(&h.from)).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn leads_parse_sort_and_round_trip() {
        assert_eq!(
            parse_leads("0, 1d，30m、18h").unwrap(),
            vec![
                Duration::days(1),
                Duration::hours(18),
                Duration::minutes(30),
                Duration::zero()
            ]
        );
        assert_eq!(parse_leads("1h,60m").unwrap(), vec![Duration::hours(1)]);
        assert_eq!(parse_leads(" , "), Err(LeadError::Empty));
        assert_eq!(
            parse_leads("1d, soon"),
            Err(LeadError::Unrecognized {
                input: "soon".into()
            })
        );
        assert_eq!(
            parse_leads("40d"),
            Err(LeadError::TooFar {
                input: "40d".into()
            })
        );
        assert_eq!(parse_leads("1m,2m,3m,4m,5m,6m"), Err(LeadError::TooMany));
        for text in ["1d2h30m", "30m", "0", "18h", "2d"] {
            let leads = parse_leads(text).unwrap();
            assert_eq!(lead_text(leads[0]), text);
        }
        let leads = parse_leads("1d,18h,0").unwrap();
        assert_eq!(leads_to_minutes(&leads), "1440,1080,0");
        assert_eq!(leads_from_minutes("1440,1080,0"), Some(leads));
        assert_eq!(leads_from_minutes("x"), None);
    }

    #[test]
    fn checklists_split_on_bars_and_semicolons() {
        assert_eq!(
            parse_checklist("Pages | Prices; Banner ；图").unwrap(),
            vec!["Pages", "Prices", "Banner", "图"]
        );
        assert_eq!(parse_checklist("-").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_checklist(&["x"; 11].join("|")),
            Err(ChecklistError::TooMany)
        );
        assert_eq!(
            parse_checklist(&"y".repeat(101)),
            Err(ChecklistError::TooLong)
        );
    }

    fn holiday(name: &str, from: &str, to: &str) -> Holiday {
        Holiday {
            name: name.into(),
            from: d(from),
            to: d(to),
        }
    }

    /// The rules of a schedule in Shanghai with no end.
    fn shanghai<'a>(
        schedule: &'a Schedule,
        mode: HolidayMode,
        holidays: &'a [Holiday],
        skips: &'a BTreeSet<NaiveDate>,
    ) -> Rules<'a> {
        Rules {
            until: None,
            last: None,
            schedule,
            tz: Shanghai,
            mode,
            holidays,
            skips,
        }
    }

    #[test]
    fn holidays_skip_or_note_and_skipped_days_drop_occurrences() {
        let schedule = parse_schedule("thu 10:00").unwrap();
        let holidays = vec![holiday("双12", "2026-12-10", "2026-12-12")];
        let mut skips = BTreeSet::new();
        let rules = |mode, skips: &BTreeSet<NaiveDate>| {
            shanghai(&schedule, mode, &holidays, skips).next_firing(utc("2026-12-04T00:00:00Z"))
        };
        // Thursday 2026-12-10 is inside 双12.
        let fire = rules(HolidayMode::Fire, &skips).unwrap();
        assert_eq!(fire.at, utc("2026-12-10T02:00:00Z"));
        assert_eq!(fire.fate, Fate::Fires);
        let note = rules(HolidayMode::Note, &skips).unwrap();
        assert_eq!(note.fate, Fate::FiresOnHoliday("双12".into()));
        let skip = rules(HolidayMode::Skip, &skips).unwrap();
        assert_eq!(skip.at, utc("2026-12-17T02:00:00Z"));
        skips.insert(d("2026-12-17"));
        let skip = rules(HolidayMode::Skip, &skips).unwrap();
        assert_eq!(skip.at, utc("2026-12-24T02:00:00Z"));

        let r = shanghai(&schedule, HolidayMode::Skip, &holidays, &skips);
        let all = r.between(utc("2026-12-04T00:00:00Z"), utc("2026-12-25T00:00:00Z"), 10);
        let fates: Vec<Fate> = all.into_iter().map(|o| o.fate).collect();
        assert_eq!(
            fates,
            vec![
                Fate::SkippedHoliday("双12".into()),
                Fate::Skipped,
                Fate::Fires
            ]
        );
    }

    #[test]
    fn a_schedule_skipped_for_ever_gives_no_next_firing() {
        let schedule = parse_schedule("daily 09:00").unwrap();
        let holidays = vec![holiday("all", "2026-01-01", "2099-12-31")];
        let skips = BTreeSet::new();
        let r = shanghai(&schedule, HolidayMode::Skip, &holidays, &skips);
        assert_eq!(r.next_firing(utc("2026-12-04T00:00:00Z")), None);
    }

    #[test]
    fn keys_name_the_activity_occurrence_and_lead() {
        let at = Shanghai
            .with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            reminder_key(7, at, Duration::hours(18)),
            "activity:7:2026-11-30T01:00:00Z:lead-1080"
        );
        assert_eq!(
            follow_up_key(7, at),
            "activity:7:2026-11-30T01:00:00Z:follow-up"
        );
        // Monday 09:00 with an 18 h lead: half-way is midnight.
        let two = [Duration::hours(18), Duration::zero()];
        assert_eq!(
            follow_up_at(at, &two, Shanghai, None),
            Some(at - Duration::hours(9))
        );
        let quiet = QuietHours::parse("22:00-08:00").unwrap();
        assert_eq!(
            follow_up_at(at, &two, Shanghai, Some(quiet)),
            Some(at - Duration::hours(1)),
            "moved to the end of the quiet hours"
        );
        let early = at - Duration::hours(1) - Duration::minutes(30);
        assert_eq!(
            follow_up_at(early, &two, Shanghai, Some(quiet)),
            None,
            "starts inside the quiet hours: no follow-up"
        );
        let day = QuietHours::parse("12:00-13:00").unwrap();
        assert!(day.contains(NaiveTime::from_hms_opt(12, 30, 0).unwrap()));
        assert!(!day.contains(NaiveTime::from_hms_opt(13, 0, 0).unwrap()));
        assert_eq!(QuietHours::parse("8:00"), None);
        assert_eq!(follow_up_at(at, &[Duration::zero()], Shanghai, None), None);
        assert_eq!(follow_up_at(at, &[], Shanghai, None), None);
    }

    #[test]
    fn the_shipped_lists_parse() {
        let acts = parse_defaults(include_str!("../../config/activities.toml")).unwrap();
        assert!(acts.len() >= 8, "{}", acts.len());
        let hols = parse_holidays(include_str!("../../config/holidays.toml")).unwrap();
        let years = years_covered(&hols);
        assert!(years.contains_key(&2026) && years.contains_key(&2027));
    }

    #[test]
    fn bad_shipped_data_names_the_entry() {
        let text = r#"
[[activity]]
name = { en-US = "X", zh-CN = "X" }
schedule = "someday"
ping = "warehouse"
lead = ["0"]
"#;
        let e = parse_defaults(text).unwrap_err();
        assert!(e.to_string().contains("activity 1"), "{e}");
        let text = r#"
[[holiday]]
name = { en-US = "X", zh-CN = "X" }
from = "2026-12-12"
to = "2026-12-10"
"#;
        let e = parse_holidays(text).unwrap_err();
        assert!(e.to_string().contains("before"), "{e}");
        assert!(parse_defaults("[[activity]]\nnope = 1").is_err());
    }
}
