//! How activities look: their settings, the reminder (as posted and as updated by its
//! buttons), the list, the calendar of the days ahead, and the suggestions while typing.

use chrono::{DateTime, Duration, Utc};

use super::buttons::ActivityButton;
use super::holiday::range_text;
use super::plan::{calendars_of, fresh_plans, role_of, stored_schedule, target_channel};
use super::{LINES_MAX, PAGE_SIZE};
use crate::app::input::schedule_error;
use crate::app::{AppResult, Ctx, Invocation, Suggestions};
use crate::domain::activity::{Fate, Occurrence};
use crate::domain::schedule::parse_schedule;
use crate::i18n::{Locale, duration_text};
use crate::message::{self, ButtonStyle, Mentions, Reply, Severity, escape_user_text};
use crate::store::activities::{self, Activity};
use crate::store::settings::GuildSettings;
use crate::tr;

pub(super) fn who(l: Locale, a: &Activity, guild: &GuildSettings) -> String {
    match (role_of(a, guild), a.position) {
        (Some(r), _) => message::role_ref(r),
        (None, Some(p)) => tr!(l, "activity-no-role", position = l.t(&p.label_key())),
        (None, None) => "—".into(),
    }
}

pub(super) fn channel_text(l: Locale, a: &Activity, guild: &GuildSettings) -> String {
    match (a.channel_id, target_channel(a, guild)) {
        (Some(c), _) => message::channel_ref(c),
        (None, Some(c)) if guild.summary_channel == Some(c) => {
            tr!(
                l,
                "activity-channel-summary",
                channel = message::channel_ref(c)
            )
        }
        (None, Some(c)) => tr!(
            l,
            "activity-channel-fallback",
            channel = message::channel_ref(c)
        ),
        (None, None) => l.t("activity-channel-unset"),
    }
}

pub(super) fn leads_text(l: Locale, leads: &[Duration]) -> String {
    leads
        .iter()
        .map(|d| {
            if *d <= Duration::zero() {
                l.t("activity-lead-start")
            } else {
                tr!(l, "activity-lead-before", span = duration_text(l, *d))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schedule as a reader of `l` writes it: an English shorthand (`fri 16:00`, `daily
/// 17:00`, `last fri 19:00`, as the shipped activities and many people type them) in Chinese
/// for a Chinese reader (`每周五 16:00`), when the Chinese reads as the very same schedule;
/// anything else as it was typed.
pub(super) fn schedule_text(l: Locale, typed: &str) -> String {
    if l == Locale::EnUs {
        return typed.to_string();
    }
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let zh_days = ["一", "二", "三", "四", "五", "六", "日"];
    let day = |w: &str| {
        let w = w.to_lowercase();
        days.iter()
            .position(|d| w.starts_with(d) && w.len() <= 9)
            .map(|i| zh_days[i])
    };
    let words: Vec<&str> = typed.split_whitespace().collect();
    let zh = match words.as_slice() {
        [d, time] if d.eq_ignore_ascii_case("daily") => Some(format!("每天 {time}")),
        [d, time] if d.eq_ignore_ascii_case("weekdays") => Some(format!("工作日 {time}")),
        ["last", d, time] => day(d).map(|d| format!("每月最后一个周{d} {time}")),
        [d, time] => day(d).map(|d| format!("每周{d} {time}")),
        _ => None,
    };
    // Shown only when it is the same schedule: the next starts of both agree.
    let same = |zh: &str| {
        let (Ok(a), Ok(b)) = (parse_schedule(typed), parse_schedule(zh)) else {
            return false;
        };
        let mut t = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH + chrono::Duration::days(20_000);
        (0..8).all(|_| {
            let (x, y) = (
                a.next_after(t, chrono_tz::UTC),
                b.next_after(t, chrono_tz::UTC),
            );
            t = x.unwrap_or(t);
            x.is_some() && x == y
        })
    };
    zh.filter(|z| same(z)).unwrap_or_else(|| typed.to_string())
}

pub(super) fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

pub(super) fn when(at: DateTime<Utc>) -> String {
    format!("{} ({})", message::ts(at, 'F'), message::ts(at, 'R'))
}

pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What `/activity list`, `add` and `edit` say about the next occurrence.
pub(super) fn next_text(
    l: Locale,
    a: &Activity,
    guild: &GuildSettings,
    next: Option<DateTime<Utc>>,
) -> String {
    if a.paused {
        return l.t("activity-next-paused");
    }
    if target_channel(a, guild).is_none() {
        return l.t("activity-next-silent");
    }
    next.map(when).unwrap_or_else(|| l.t("activity-next-none"))
}

/// An activity's settings, for the replies of the commands that change it.
pub(super) fn describe(l: Locale, a: &Activity, guild: &GuildSettings, title: String) -> Reply {
    let mut r = Reply::titled(title)
        .field(
            l.t("activity-field-schedule"),
            code(&schedule_text(l, &a.schedule)),
            true,
        )
        .field(
            l.t("activity-field-next"),
            next_text(l, a, guild, a.next_at),
            true,
        )
        .field(l.t("activity-field-ping"), who(l, a, guild), true)
        .field(
            l.t("activity-field-channel"),
            channel_text(l, a, guild),
            true,
        )
        .field(l.t("activity-field-leads"), leads_text(l, &a.leads), true)
        .field(
            l.t("activity-field-holidays"),
            l.t(&format!("activity-holidays-{}", a.holidays.key())),
            true,
        );
    if let Some(u) = a.until {
        r = r.field(l.t("activity-field-until"), u.to_string(), true);
    }
    if let Some(n) = a.times {
        r = r.field(l.t("activity-field-times"), n.to_string(), true);
    }
    if let Some(m) = &a.message {
        r = r.field(l.t("activity-field-message"), escape_user_text(m), false);
    }
    if !a.checklist.is_empty() {
        let lines: Vec<String> = a
            .checklist
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {}", i + 1, escape_user_text(s)))
            .collect();
        r = r.field(l.t("activity-field-checklist"), lines.join("\n"), false);
    }
    if role_of(a, guild).is_none()
        && let Some(p) = a.position
    {
        r.lines.push(tr!(
            l,
            "activity-position-unmapped",
            position = l.t(&p.label_key())
        ));
    }
    r
}

/// The reminder of one occurrence, as posted and as updated when someone presses a button;
/// `last` when the activity ends after it (it says so).
#[allow(clippy::too_many_arguments)]
pub(super) fn reminder(
    l: Locale,
    a: &Activity,
    guild: &GuildSettings,
    occ: &Occurrence,
    acks: &[u64],
    ticks: &[(usize, u64)],
    follow_up: bool,
    last: bool,
) -> Reply {
    let mut r = Reply::titled(tr!(
        l,
        "activity-reminder-title",
        name = escape_user_text(&a.name)
    ));
    r.lines.push(tr!(
        l,
        "activity-reminder-when",
        when = message::ts(occ.at, 'F'),
        relative = message::ts(occ.at, 'R')
    ));
    if let Some(m) = &a.message {
        r.lines.push(escape_user_text(m));
    }
    if let Fate::FiresOnHoliday(h) = &occ.fate {
        r.lines.push(tr!(
            l,
            "activity-reminder-holiday",
            holiday = escape_user_text(h)
        ));
        r.severity = Severity::Warning;
    }
    if last {
        r.lines.push(l.t("activity-reminder-last"));
    }
    if follow_up {
        r.lines.push(l.t("activity-reminder-follow-up"));
        r.severity = Severity::Warning;
    }
    let role = role_of(a, guild);
    if role.is_none()
        && let Some(p) = a.position
    {
        r.lines.push(tr!(
            l,
            "activity-position-unmapped",
            position = l.t(&p.label_key())
        ));
    }
    if !a.checklist.is_empty() {
        let lines: Vec<String> = a
            .checklist
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let n = i + 1;
                match ticks.iter().find(|(line, _)| *line == n) {
                    Some((_, by)) => format!(
                        "✅ {n}. {} — {}",
                        escape_user_text(text),
                        message::user_ref(*by)
                    ),
                    None => format!("⬜ {n}. {}", escape_user_text(text)),
                }
            })
            .collect();
        r = r.field(l.t("activity-field-checklist"), lines.join("\n"), false);
    }
    let acked = if acks.is_empty() {
        l.t("activity-acks-none")
    } else {
        acks.iter()
            .map(|u| message::user_ref(*u))
            .collect::<Vec<_>>()
            .join(", ")
    };
    r = r.field(l.t("activity-field-acks"), acked, false);
    r.footer = Some(tr!(
        l,
        "activity-reminder-footer",
        id = a.id,
        schedule = schedule_text(l, &a.schedule).replace('`', "'")
    ));
    r.mentions = role.map(Mentions::role).unwrap_or_default();
    r = r.button(
        ActivityButton::Ack {
            id: a.id,
            at: occ.at,
        }
        .to_string(),
        l.t("activity-btn-ack"),
        ButtonStyle::Success,
    );
    for (i, text) in a.checklist.iter().enumerate() {
        let n = i + 1;
        let ticked = ticks.iter().any(|(line, _)| *line == n);
        r = r.button(
            ActivityButton::Tick {
                id: a.id,
                at: occ.at,
                line: n,
            }
            .to_string(),
            format!("{}{n}. {}", if ticked { "✅ " } else { "" }, clip(text, 40)),
            if ticked {
                ButtonStyle::Primary
            } else {
                ButtonStyle::Secondary
            },
        );
    }
    r
}

pub(super) async fn list(ctx: &Ctx<'_>, page: usize) -> AppResult<Reply> {
    fresh_plans(ctx).await?;
    let mut conn = ctx.conn().await?;
    let all = activities::list(&mut conn, ctx.guild.guild_id).await?;
    let l = ctx.locale;
    let pages = all.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages);
    let mut r = Reply::titled(tr!(
        l,
        "activity-list-title",
        count = all.len(),
        page = page,
        pages = pages
    ));
    if all.is_empty() {
        r.lines.push(l.t("activity-list-empty"));
    }
    for a in all.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE) {
        r.lines.push(format!(
            "**#{} {}** — {}",
            a.id,
            escape_user_text(&a.name),
            code(&schedule_text(l, &a.schedule))
        ));
        r.lines.push(tr!(
            l,
            "activity-list-line",
            ping = who(l, a, &ctx.guild),
            channel = channel_text(l, a, &ctx.guild),
            leads = leads_text(l, &a.leads),
            holidays = l.t(&format!("activity-holidays-{}", a.holidays.key())),
            next = next_text(l, a, &ctx.guild, a.next_at)
        ));
        if let Some(u) = a.until {
            r.lines
                .push(tr!(l, "activity-until", until = u.to_string()));
        }
        if let Some(n) = a.times {
            r.lines.push(tr!(l, "activity-times", times = n));
        }
    }
    r.ephemeral = true;
    Ok(r)
}

/// Days an activity calendar file covers.
pub const ICS_DAYS: i64 = 90;

/// The activities as a calendar file. An activity whose schedule a repeat rule says (the
/// shorthands, see [`crate::domain::schedule::Schedule::rrule`]) is one recurring event: its
/// first start from now, the rule, its end (`until:` or the last of `times:`, as UNTIL: RFC
/// 5545's COUNT would count the skipped starts too) and an EXDATE for each start a skipped day
/// or holiday leaves out. Cron lines, and rules whose time falls in a spring-forward hour
/// (RFC 5545 drops such starts where the bot fires after the gap), are listed start by start
/// over the next 90 days. Paused activities have none; UIDs are stable, so importing again
/// updates instead of doubling.
pub(super) async fn calendar_ics(ctx: &Ctx<'_>) -> AppResult<Reply> {
    fresh_plans(ctx).await?;
    let mut conn = ctx.conn().await?;
    let to = ctx.now + Duration::days(ICS_DAYS);
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let mut events = Vec::new();
    let mut count = 0;
    let list: Vec<Activity> = activities::list(&mut conn, ctx.guild.guild_id)
        .await?
        .into_iter()
        .filter(|a| !a.paused)
        .collect();
    let calendars = calendars_of(&mut conn, ctx.guild.guild_id, &list).await?;
    for a in &list {
        let (Some(schedule), Some(cal)) = (stored_schedule(a), calendars.get(&a.id)) else {
            continue;
        };
        let rules = cal.rules(a, &schedule, tz);
        let mut base = a.message.clone().unwrap_or_default();
        for item in &a.checklist {
            base.push_str(&format!("\n☐ {item}"));
        }
        let soon = rules.between(ctx.now, to, 400);
        count += soon.iter().filter(|o| o.fate.fires()).count();
        if let Some(e) = recurring_event(a, &schedule, &rules, cal, ctx.now, &base) {
            events.push(e);
            continue;
        }
        for o in soon {
            let mut description = base.clone();
            match &o.fate {
                Fate::Fires => {}
                Fate::FiresOnHoliday(h) => {
                    description.push_str(&format!("\n({h})"));
                }
                Fate::SkippedHoliday(_) | Fate::Skipped => continue,
            }
            events.push(crate::domain::ical::Event {
                uid: format!(
                    "activity-{}-{}-g{}@storeops",
                    a.id,
                    o.at.timestamp(),
                    a.guild_id
                ),
                start: o.at,
                end: o.at + Duration::hours(1),
                summary: a.name.clone(),
                description: Some(description.trim().to_string()).filter(|d| !d.is_empty()),
                recur: None,
            });
        }
    }
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    let text =
        crate::domain::ical::calendar(&l.t("activity-ics-name"), tz.name(), &events, ctx.now);
    let mut r = Reply::titled(tr!(l, "activity-ics-title", count = count, days = ICS_DAYS));
    r.attachments.push(crate::message::Attachment {
        filename: "activities.ics".into(),
        bytes: text.into_bytes(),
    });
    r.severity = crate::message::Severity::Success;
    r.ephemeral = true;
    Ok(r)
}

/// An activity as one recurring event, when its schedule is a repeat rule whose every start
/// the rule gives exactly; None otherwise (or when it does not start again).
fn recurring_event(
    a: &Activity,
    schedule: &crate::domain::schedule::Schedule,
    rules: &crate::domain::activity::Rules<'_>,
    cal: &super::plan::Calendar,
    now: DateTime<Utc>,
    description: &str,
) -> Option<crate::domain::ical::Event> {
    use crate::domain::ical;
    let (rule, time) = schedule.rrule()?;
    let tz = rules.tz;
    // Nothing fires any more: no event.
    rules.next_firing(now)?;
    let first = rules
        .between(now, now + Duration::days(400), 1)
        .into_iter()
        .next()?;
    let until = match (a.until, rules.last) {
        (Some(day), _) => Some(crate::domain::deadline::local_to_utc(
            day.and_hms_opt(23, 59, 59)?,
            tz,
        )),
        (None, Some(last)) => Some(last),
        (None, None) => None,
    };
    let reach = until.unwrap_or(first.at + Duration::days(366 * ical::ZONE_YEARS));
    if ical::in_gap(tz, time, first.at - Duration::days(1), reach) {
        return None;
    }
    // Starts left out: up to the last skipped day or holiday (or the end).
    let last_skip = cal
        .skips
        .iter()
        .copied()
        .chain(cal.holidays.iter().map(|h| h.to))
        .max();
    let mut exdates = Vec::new();
    if let Some(day) = last_skip {
        let horizon = crate::domain::deadline::local_to_utc(
            day.succ_opt()?.and_time(chrono::NaiveTime::MIN),
            tz,
        );
        let horizon = until.map_or(horizon, |u| u.min(horizon));
        let from = first.at - Duration::seconds(1);
        exdates = rules
            .between(from, horizon, 20_000)
            .into_iter()
            .filter(|o| !o.fate.fires())
            .map(|o| o.at)
            .collect();
    }
    Some(ical::Event {
        uid: format!("activity-{}-g{}@storeops", a.id, a.guild_id),
        start: first.at,
        end: first.at + Duration::hours(1),
        summary: a.name.clone(),
        description: Some(description.trim().to_string()).filter(|d| !d.is_empty()),
        recur: Some(ical::Recur {
            rule,
            tz,
            until,
            exdates,
        }),
    })
}

pub(super) async fn calendar(ctx: &Ctx<'_>) -> AppResult<Reply> {
    fresh_plans(ctx).await?;
    let mut conn = ctx.conn().await?;
    let days = ctx.app.config.activities.calendar_days;
    let to = ctx.now + Duration::days(days);
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let mut entries: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut paused = Vec::new();
    let mut list = activities::list(&mut conn, ctx.guild.guild_id).await?;
    list.retain(|a| {
        if a.paused {
            paused.push(format!("#{}", a.id));
        }
        !a.paused
    });
    let calendars = calendars_of(&mut conn, ctx.guild.guild_id, &list).await?;
    for a in &list {
        let (Some(schedule), Some(cal)) = (stored_schedule(a), calendars.get(&a.id)) else {
            continue;
        };
        let rules = cal.rules(a, &schedule, tz);
        for o in rules.between(ctx.now, to, 200) {
            let head = format!(
                "{} · **{}** (#{})",
                message::ts(o.at, 'F'),
                escape_user_text(&a.name),
                a.id
            );
            let line = match &o.fate {
                Fate::Fires => head,
                Fate::FiresOnHoliday(h) => tr!(
                    l,
                    "activity-calendar-note",
                    entry = head,
                    holiday = escape_user_text(h)
                ),
                Fate::SkippedHoliday(h) => tr!(
                    l,
                    "activity-calendar-holiday",
                    entry = head,
                    holiday = escape_user_text(h)
                ),
                Fate::Skipped => tr!(l, "activity-calendar-skipped", entry = head),
            };
            entries.push((o.at, line));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut r = Reply::titled(tr!(l, "activity-calendar-title", days = days));
    let today = ctx.now.with_timezone(&tz).date_naive();
    let last = to.with_timezone(&tz).date_naive();
    let holidays: Vec<String> = activities::holidays(&mut conn, ctx.guild.guild_id, Some(today))
        .await?
        .into_iter()
        .filter(|h| h.holiday.from <= last)
        .map(|h| {
            format!(
                "{} ({})",
                escape_user_text(&h.holiday.name),
                range_text(&h.holiday)
            )
        })
        .collect();
    if !holidays.is_empty() {
        r.lines.push(tr!(
            l,
            "activity-calendar-holidays",
            holidays = holidays.join(", ")
        ));
    }
    if entries.is_empty() {
        r.lines.push(l.t("activity-calendar-empty"));
    }
    let total = entries.len();
    r.lines
        .extend(entries.into_iter().take(LINES_MAX).map(|(_, line)| line));
    if total > LINES_MAX {
        r.lines
            .push(tr!(l, "activity-more", count = total - LINES_MAX));
    }
    if !paused.is_empty() {
        r.footer = Some(tr!(l, "activity-calendar-paused", ids = paused.join(", ")));
    }
    r.ephemeral = true;
    Ok(r)
}

/// Suggestions for `id` (activities, or holidays under `/holiday`) and `schedule` (when the
/// typed schedule next fires, or what is wrong with it).
pub async fn autocomplete(ctx: &Ctx<'_>, inv: &Invocation, focused: &str) -> Suggestions {
    let typed = inv.typed(focused);
    let mut conn = ctx.conn().await?;
    let tz = ctx.guild.timezone;
    let holiday = inv.path.first().is_some_and(|p| p == "holiday");
    match focused {
        "id" if holiday => {
            let needle = typed.trim().trim_start_matches('#').to_lowercase();
            Ok(activities::holidays(&mut conn, ctx.guild.guild_id, None)
                .await?
                .into_iter()
                .filter(|h| {
                    needle.is_empty()
                        || h.id.to_string() == needle
                        || h.holiday.name.to_lowercase().contains(&needle)
                })
                .rev()
                .take(25)
                .map(|h| {
                    (
                        h.id.to_string(),
                        clip(
                            &format!("#{} {} · {}", h.id, h.holiday.name, range_text(&h.holiday)),
                            100,
                        ),
                    )
                })
                .collect())
        }
        "id" => Ok(activities::suggest(&mut conn, ctx.guild.guild_id, &typed)
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    clip(
                        &format!(
                            "#{} {} · {}",
                            a.id,
                            a.name,
                            schedule_text(ctx.locale, &a.schedule)
                        ),
                        100,
                    ),
                )
            })
            .collect()),
        "schedule" => {
            if typed.trim().is_empty() {
                let examples: &[&str] = match ctx.locale {
                    Locale::EnUs => &["mon 09:00", "thu 18:00", "每周四 18:00", "last fri 19:00"],
                    _ => &[
                        "每周一 09:00",
                        "每周四 18:00",
                        "工作日 10:00",
                        "每月最后一个周五 19:00",
                    ],
                };
                return Ok(examples
                    .iter()
                    .map(|s| (s.to_string(), s.to_string()))
                    .collect());
            }
            let label = match parse_schedule(&typed) {
                Ok(s) => match s.next_after(ctx.now, tz) {
                    Some(at) => tr!(
                        ctx.locale,
                        "activity-schedule-preview",
                        next = {
                            let local = at.with_timezone(&tz);
                            format!(
                                "{} ({})",
                                local.format("%Y-%m-%d %H:%M"),
                                ctx.locale.t(&format!(
                                    "weekday-{}",
                                    chrono::Datelike::weekday(&local).num_days_from_monday()
                                ))
                            )
                        }
                    ),
                    None => ctx.locale.t("activity-next-none"),
                },
                Err(e) => schedule_error(e).render(ctx.locale),
            };
            Ok(vec![(clip(&typed, 100), clip(&label, 100))])
        }
        _ => Ok(vec![]),
    }
}
