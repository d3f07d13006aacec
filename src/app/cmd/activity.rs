//! `/activity ...` and `/holiday ...`: fixed activities (the weekly meeting, the promotion
//! days, the Thursday restock sheet, the monthly team outing) that remind a position's role in
//! a channel before each start, with a "Got it" button and a checklist; and the holidays on
//! which some of them do not happen.
//!
//! Only the next occurrence of an activity is in the outbox (one row per lead, keyed
//! `activity:<id>:<occurrence>:lead-<minutes>`); the activities job plans the following one
//! when an occurrence comes, so edits, pauses, skips and holidays only ever re-plan one
//! occurrence, in the same transaction as the change.
//!
//! Decisions:
//! - An activity without a channel posts to the guild's summary channel; in the local shell,
//!   to the shell's channel. A Discord guild with neither stays silent (logged once per plan)
//!   until `/setup summary-channel` is set; the job then plans it.
//! - The job also re-plans an activity whenever the guild settings its reminders were made
//!   with (zone, language, channel, role) have changed, so `/setup` takes effect on the next
//!   reminder without anyone editing the activities.
//! - The bot cannot list who holds a role, so the follow-up is one ping to the whole role,
//!   half-way through the longest lead (moved out of the quiet hours), only when that first
//!   reminder went out and nobody pressed "Got it" by then (pressing it cancels the follow-up
//!   in the same transaction).
//! - After downtime, occurrences missed in between are put in the outbox too, due when they
//!   were; the dispatcher sends them late within its grace window or lists them as skipped.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::app::input::{day as parse_day, schedule_error};
use crate::app::local::{LOCAL_GUILD, local_channel};
use crate::app::{App, AppResult, Ctx, Invocation, UserError};
use crate::config::Config;
use crate::domain::activity::{
    self, ChecklistError, Fate, Holiday, HolidayMode, LeadError, Occurrence, Rules, follow_up_at,
    follow_up_key, is_clear, parse_checklist, parse_leads, reminder_key,
};
use crate::domain::deadline::local_to_utc;
use crate::domain::position::Position;
use crate::domain::schedule::{Schedule, parse_schedule};
use crate::i18n::{Locale, duration_text};
use crate::message::{self, ButtonStyle, Mentions, Reply, Severity, escape_user_text};
use crate::store::activities::{self, Activity};
use crate::store::names::{self, NameKind};
use crate::store::outbox::{self, NewMessage, Target};
use crate::store::settings::{self, GuildSettings};
use crate::store::{StoreError, ms, write_tx};
use crate::tr;

/// Longest activity or holiday name, in characters.
pub const NAME_MAX: usize = 100;

/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 1000;

/// Activities per page of `/activity list`.
pub const PAGE_SIZE: usize = 10;

/// Most lines of `/activity calendar` and `/holiday list`.
pub const LINES_MAX: usize = 60;

/// Longest holiday, in days (a whole sale season is fine; a typo in the year is not).
pub const HOLIDAY_DAYS_MAX: i64 = 92;

/// Most missed occurrences of one activity put in the outbox after downtime.
const CATCH_UP_MAX: usize = 50;

// ---------------------------------------------------------------- parsing

fn lead_error(e: LeadError) -> UserError {
    match e {
        LeadError::Empty => UserError::new("activity-err-lead").arg("value", ""),
        LeadError::Unrecognized { input } => {
            UserError::new("activity-err-lead").arg("value", input)
        }
        LeadError::TooFar { input } => UserError::new("activity-err-lead-far")
            .arg("value", input)
            .arg("max", activity::MAX_LEAD_DAYS.to_string()),
        LeadError::TooMany => {
            UserError::new("activity-err-lead-many").arg("max", activity::MAX_LEADS.to_string())
        }
    }
}

fn checklist_error(e: ChecklistError) -> UserError {
    match e {
        ChecklistError::TooMany => UserError::new("activity-err-checklist-many")
            .arg("max", activity::MAX_CHECKLIST.to_string()),
        ChecklistError::TooLong => UserError::new("activity-err-checklist-long")
            .arg("max", activity::CHECKLIST_LINE_MAX.to_string()),
    }
}

fn parse_schedule_text(text: &str) -> Result<Schedule, UserError> {
    parse_schedule(text).map_err(schedule_error)
}

/// Whom an activity pings: a position, or a role (exactly one is set).
type Ping = (Option<Position>, Option<u64>);

/// Whom reminders ping: a position (`ping:`) or a role (`ping-role:`), not both.
fn parse_ping(inv: &Invocation) -> Result<Option<Ping>, UserError> {
    match (inv.str("ping"), inv.role("ping-role")) {
        (Some(_), Some(_)) => Err(UserError::new("activity-err-ping")),
        (Some(p), None) => {
            let p: Position = p
                .parse()
                .map_err(|_| UserError::new("err-bad-position").arg("value", p))?;
            Ok(Some((Some(p), None)))
        }
        (None, Some((role, _))) => Ok(Some((None, Some(role)))),
        (None, None) => Ok(None),
    }
}

fn parse_mode(inv: &Invocation) -> Result<Option<HolidayMode>, UserError> {
    match inv.str("holidays") {
        None => Ok(None),
        Some(m) => HolidayMode::parse(m).map(Some).ok_or_else(|| {
            UserError::new("err-bad-choice")
                .arg("option", "holidays")
                .arg("value", m)
                .arg("choices", "fire, skip, note")
        }),
    }
}

// ---------------------------------------------------------------- routing and rendering

/// Where an activity's reminders go: its channel, else the guild's summary channel, else (in
/// the local shell only) the shell's channel.
pub fn target_channel(a: &Activity, guild: &GuildSettings) -> Option<u64> {
    a.channel_id
        .or(guild.summary_channel)
        .or_else(|| (guild.guild_id == LOCAL_GUILD).then(local_channel))
}

/// The role an activity's reminders ping, when it has one.
pub fn role_of(a: &Activity, guild: &GuildSettings) -> Option<u64> {
    a.role_id
        .or_else(|| a.position.and_then(|p| guild.positions.get(&p).copied()))
}

fn sig(a: &Activity, guild: &GuildSettings) -> String {
    activities::plan_sig(
        guild.timezone.name(),
        guild.locale,
        target_channel(a, guild),
        role_of(a, guild),
    )
}

fn who(l: Locale, a: &Activity, guild: &GuildSettings) -> String {
    match (role_of(a, guild), a.position) {
        (Some(r), _) => message::role_ref(r),
        (None, Some(p)) => tr!(l, "activity-no-role", position = l.t(&p.label_key())),
        (None, None) => "—".into(),
    }
}

fn channel_text(l: Locale, a: &Activity, guild: &GuildSettings) -> String {
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

fn leads_text(l: Locale, leads: &[Duration]) -> String {
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

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

fn when(at: DateTime<Utc>) -> String {
    format!("{} ({})", message::ts(at, 'F'), message::ts(at, 'R'))
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What `/activity list`, `add` and `edit` say about the next occurrence.
fn next_text(
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
fn describe(l: Locale, a: &Activity, guild: &GuildSettings, title: String) -> Reply {
    let mut r = Reply::titled(title)
        .field(l.t("activity-field-schedule"), code(&a.schedule), true)
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

/// The reminder of one occurrence, as posted and as updated when someone presses a button.
fn reminder(
    l: Locale,
    a: &Activity,
    guild: &GuildSettings,
    occ: &Occurrence,
    acks: &[u64],
    ticks: &[(usize, u64)],
    follow_up: bool,
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
        schedule = a.schedule.replace('`', "'")
    ));
    r.mentions = role.map(Mentions::role).unwrap_or_default();
    let ts = occ.at.timestamp();
    r = r.button(
        format!("act:ack:{}:{ts}", a.id),
        l.t("activity-btn-ack"),
        ButtonStyle::Success,
    );
    for (i, text) in a.checklist.iter().enumerate() {
        let n = i + 1;
        let ticked = ticks.iter().any(|(line, _)| *line == n);
        r = r.button(
            format!("act:tick:{}:{ts}:{n}", a.id),
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

// ---------------------------------------------------------------- planning

/// What decides an activity's occurrences besides its schedule: the guild's holidays and the
/// days skipped by hand.
struct Calendar {
    holidays: Vec<Holiday>,
    skips: BTreeSet<NaiveDate>,
}

async fn calendar_of(conn: &mut SqliteConnection, a: &Activity) -> Result<Calendar, StoreError> {
    let holidays = activities::holidays(conn, a.guild_id, None)
        .await?
        .into_iter()
        .map(|h| h.holiday)
        .collect();
    Ok(Calendar {
        holidays,
        skips: activities::skips(conn, a.id).await?,
    })
}

fn stored_schedule(a: &Activity) -> Option<Schedule> {
    match parse_schedule(&a.schedule) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(activity = a.id, error = %e, "a stored activity schedule no longer parses; no reminders");
            None
        }
    }
}

/// The reminders (and the follow-up) of one occurrence due at or after `min_due`.
#[allow(clippy::too_many_arguments)]
async fn occurrence_messages(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    channel: u64,
    occ: &Occurrence,
    min_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<NewMessage>, StoreError> {
    let acks = activities::acks(conn, a.id, occ.at).await?;
    let ticks = activities::ticks(conn, a.id, occ.at).await?;
    let l = guild.locale;
    let message = |key: String, due_at, reply| NewMessage {
        guild_id: a.guild_id,
        dedupe_key: key,
        source: a.source(),
        target: Target::Channel(channel),
        reply,
        due_at,
    };
    let mut out = Vec::new();
    for lead in &a.leads {
        let due = occ.at - *lead;
        if due >= min_due {
            out.push(message(
                reminder_key(a.id, occ.at, *lead),
                due,
                reminder(l, a, guild, occ, &acks, &ticks, false),
            ));
        }
    }
    let cfg = &cfg.activities;
    // The follow-up follows up the first reminder: only when that one goes (or went) out.
    let first_out = match a.leads.iter().max() {
        Some(longest) if occ.at - *longest >= min_due => true,
        Some(longest) => outbox::was_sent(conn, &reminder_key(a.id, occ.at, *longest)).await?,
        None => false,
    };
    if cfg.follow_up
        && first_out
        && acks.is_empty()
        && let Some(due) = follow_up_at(occ.at, &a.leads, guild.timezone, cfg.quiet_hours)
            .filter(|d| *d >= min_due && *d >= now)
    {
        out.push(message(
            follow_up_key(a.id, occ.at),
            due,
            reminder(l, a, guild, occ, &acks, &ticks, true),
        ));
    }
    Ok(out)
}

/// Plans an activity afresh from `now` (after any change to it, its holidays or the guild's
/// settings): its next occurrence's reminders due from now on, replacing whatever waited.
/// Must run inside the transaction that made the change. Returns the next occurrence.
pub async fn replan(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sig = sig(a, guild);
    let source = a.source();
    let channel = target_channel(a, guild);
    let schedule = stored_schedule(a);
    let (Some(channel), Some(schedule), false) = (channel, schedule, a.paused) else {
        outbox::cancel_source(conn, &source).await?;
        if channel.is_none() && !a.paused {
            tracing::warn!(
                activity = a.id,
                guild = a.guild_id,
                "activity has no channel and the guild no summary channel: no reminders until /setup summary-channel"
            );
        }
        activities::set_plan(conn, a, None, &sig).await?;
        return Ok(None);
    };
    let cal = calendar_of(conn, a).await?;
    let rules = Rules {
        schedule: &schedule,
        tz: guild.timezone,
        mode: a.holidays,
        holidays: &cal.holidays,
        skips: &cal.skips,
    };
    let occ = rules.next_firing(now);
    let msgs = match &occ {
        Some(o) => occurrence_messages(conn, a, guild, cfg, channel, o, now, now).await?,
        None => vec![],
    };
    let keep: Vec<String> = msgs.iter().map(|m| m.dedupe_key.clone()).collect();
    outbox::cancel_unplanned(conn, &source, now, &keep).await?;
    for m in &msgs {
        activities::plan_message(conn, m, now).await?;
    }
    let next = occ.map(|o| o.at);
    activities::set_plan(conn, a, next, &sig).await?;
    Ok(next)
}

/// The occurrence at `expected` has come: plans the following one (and, after downtime, the
/// ones missed in between, due when they were). Returns the new next occurrence.
async fn advance(
    conn: &mut SqliteConnection,
    a: &Activity,
    guild: &GuildSettings,
    cfg: &Config,
    expected: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    // A follow-up still waiting now that the activity has started (the bot was down when it
    // was due) would only be noise.
    outbox::cancel_prefix(conn, &a.source(), &follow_up_key(a.id, expected)).await?;
    let (Some(channel), Some(schedule)) = (target_channel(a, guild), stored_schedule(a)) else {
        return Ok(None);
    };
    let cal = calendar_of(conn, a).await?;
    let rules = Rules {
        schedule: &schedule,
        tz: guild.timezone,
        mode: a.holidays,
        holidays: &cal.holidays,
        skips: &cal.skips,
    };
    let mut prev = expected;
    for _ in 0..CATCH_UP_MAX {
        let Some(occ) = rules.next_firing(prev) else {
            return Ok(None);
        };
        for m in occurrence_messages(conn, a, guild, cfg, channel, &occ, prev, now).await? {
            activities::plan_message(conn, &m, now).await?;
        }
        if occ.at > now {
            return Ok(Some(occ.at));
        }
        prev = occ.at;
    }
    tracing::warn!(
        activity = a.id,
        "more than {CATCH_UP_MAX} occurrences were missed; planning from now"
    );
    let Some(occ) = rules.next_firing(now) else {
        return Ok(None);
    };
    for m in occurrence_messages(conn, a, guild, cfg, channel, &occ, now, now).await? {
        activities::plan_message(conn, &m, now).await?;
    }
    Ok(Some(occ.at))
}

/// The activities job, run by the dispatcher before each delivery pass: plans the next
/// occurrence of every activity whose occurrence has come, and re-plans every activity never
/// planned or planned with guild settings that changed since. Safe to run from several
/// processes: a plan is recorded only where the activity still stands as it was read.
pub async fn materialise_activities(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let mut conn = app.store.pool.acquire().await?;
    let mut planned = 0;
    for a in activities::due(&mut conn, now).await? {
        let Some(expected) = a.next_at else { continue };
        let guild = settings::get_or_init(&mut conn, a.guild_id, &app.config, ms(now)).await?;
        let mut tx = write_tx(&mut conn).await?;
        let next = advance(&mut tx, &a, &guild, &app.config, expected, now).await?;
        if activities::set_plan(&mut tx, &a, next, &sig(&a, &guild)).await? {
            tx.commit().await?;
            planned += 1;
        }
    }
    planned += plan_stale(&mut conn, app, now).await?;
    if planned > 0 {
        app.outbox_wake.notify_one();
    }
    Ok(planned)
}

/// Plans the activities never planned or planned with guild settings that have changed
/// since. Returns how many.
async fn plan_stale(
    conn: &mut SqliteConnection,
    app: &App,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let stale = activities::stale(conn, (LOCAL_GUILD, local_channel())).await?;
    if stale.is_empty() {
        return Ok(0);
    }
    let mut guilds = std::collections::HashMap::new();
    for a in &stale {
        if let std::collections::hash_map::Entry::Vacant(e) = guilds.entry(a.guild_id) {
            e.insert(settings::get_or_init(conn, a.guild_id, &app.config, ms(now)).await?);
        }
    }
    // One transaction for the lot: a guild's first start re-plans all its defaults at once.
    let mut tx = write_tx(conn).await?;
    for a in &stale {
        if let Some(guild) = guilds.get(&a.guild_id) {
            replan(&mut tx, a, guild, &app.config, now).await?;
        }
    }
    tx.commit().await?;
    Ok(stale.len())
}

/// Runs the activities job before showing plans, so a `/setup` change, a guild's first start
/// or an occurrence that just came are reflected even if the dispatcher has not woken yet.
async fn fresh_plans(ctx: &Ctx<'_>) -> AppResult<()> {
    materialise_activities(ctx.app).await?;
    Ok(())
}

/// The activities that happen in [from, to) in a guild, by time: (name, start). Paused
/// activities, skipped days and holidays that an activity skips are left out. For the
/// morning summary ("today's activities").
pub async fn occurrences_between(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
    let Some(guild) = settings::get(conn, guild_id).await? else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for a in activities::list(conn, guild_id).await? {
        if a.paused {
            continue;
        }
        let Some(schedule) = stored_schedule(&a) else {
            continue;
        };
        let cal = calendar_of(conn, &a).await?;
        let rules = Rules {
            schedule: &schedule,
            tz: guild.timezone,
            mode: a.holidays,
            holidays: &cal.holidays,
            skips: &cal.skips,
        };
        let start = from - Duration::milliseconds(1);
        for o in rules.between(start, to, 500) {
            if o.at < to && o.fate.fires() {
                out.push((a.name.clone(), o.at));
            }
        }
    }
    out.sort_by(|x, y| x.1.cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
    Ok(out)
}

// ---------------------------------------------------------------- commands

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Activity> {
    activities::get(conn, ctx.guild.guild_id, id)
        .await?
        .ok_or_else(|| {
            UserError::new("activity-err-not-found")
                .arg("id", id.to_string())
                .into()
        })
}

/// Remembers the names of the channel and role options, so texts can show them.
async fn remember_names(
    conn: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    inv: &Invocation,
) -> AppResult<()> {
    let guild = ctx.guild.guild_id;
    if let Some((id, name)) = inv.channel("channel") {
        names::remember(conn, guild, NameKind::Channel, id, name, ms(ctx.now)).await?;
    }
    if let Some((id, name)) = inv.role("ping-role") {
        names::remember(conn, guild, NameKind::Role, id, name, ms(ctx.now)).await?;
    }
    Ok(())
}

/// Routes `/activity <sub>`.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match sub {
        "add" => add(ctx, inv).await,
        "list" => list(ctx, inv.int("page").unwrap_or(1).max(1) as usize).await,
        "edit" => edit(ctx, inv).await,
        "remove" => remove(ctx, inv.id("id")?).await,
        "pause" => pause(ctx, inv.id("id")?, true).await,
        "resume" => pause(ctx, inv.id("id")?, false).await,
        "skip" => skip(ctx, inv).await,
        "calendar" => calendar(ctx).await,
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/activity {sub}"))
            .into()),
    }
}

async fn add(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let name = crate::app::input::checked_text(inv.req_str("name")?, NAME_MAX, "name")?;
    let schedule = parse_schedule_text(inv.req_str("schedule")?)?;
    let (position, role_id) =
        parse_ping(inv)?.ok_or_else(|| UserError::new("activity-err-ping"))?;
    let leads = match inv.str("lead") {
        Some(t) => parse_leads(t).map_err(lead_error)?,
        None => ctx.app.config.activities.default_lead.clone(),
    };
    let message = inv
        .str("message")
        .filter(|m| !is_clear(m))
        .map(|m| crate::app::input::checked_text(m, MESSAGE_MAX, "message"))
        .transpose()?;
    let checklist = inv
        .str("checklist")
        .map(parse_checklist)
        .transpose()
        .map_err(checklist_error)?
        .unwrap_or_default();
    let new = Activity {
        id: 0,
        guild_id: ctx.guild.guild_id,
        name,
        schedule: schedule.source().to_string(),
        channel_id: Some(
            inv.channel("channel")
                .map(|(id, _)| id)
                .unwrap_or(ctx.origin.channel_id),
        ),
        position,
        role_id,
        leads,
        message,
        checklist,
        holidays: parse_mode(inv)?.unwrap_or_default(),
        paused: false,
        created_by: ctx.origin.actor.user_id,
        next_at: None,
        plan_sig: None,
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    remember_names(&mut tx, ctx, inv).await?;
    let id = activities::insert(&mut tx, &new, false, ctx.now).await?;
    let a = load(&mut tx, ctx, id).await?;
    replan_and_show(tx, ctx, &a, "activity-added").await
}

async fn list(ctx: &Ctx<'_>, page: usize) -> AppResult<Reply> {
    fresh_plans(ctx).await?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
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
            code(&a.schedule)
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
    }
    r.ephemeral = true;
    Ok(r)
}

async fn edit(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let id = inv.id("id")?;
    let changes = [
        "name",
        "schedule",
        "ping",
        "ping-role",
        "channel",
        "lead",
        "message",
        "checklist",
        "holidays",
    ];
    if !changes.iter().any(|k| inv.options.contains_key(*k)) {
        return Err(UserError::new("activity-err-edit-nothing").into());
    }
    let name = inv
        .str("name")
        .map(|n| crate::app::input::checked_text(n, NAME_MAX, "name"))
        .transpose()?;
    let schedule = inv.str("schedule").map(parse_schedule_text).transpose()?;
    let ping = parse_ping(inv)?;
    let leads = inv
        .str("lead")
        .map(parse_leads)
        .transpose()
        .map_err(lead_error)?;
    let message = match inv.str("message") {
        Some(m) if is_clear(m) => Some(None),
        Some(m) => Some(Some(crate::app::input::checked_text(
            m,
            MESSAGE_MAX,
            "message",
        )?)),
        None => None,
    };
    let checklist = inv
        .str("checklist")
        .map(parse_checklist)
        .transpose()
        .map_err(checklist_error)?;
    let mode = parse_mode(inv)?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    let mut a = load(&mut tx, ctx, id).await?;
    remember_names(&mut tx, ctx, inv).await?;
    if let Some(n) = name {
        a.name = n;
    }
    if let Some(s) = schedule {
        a.schedule = s.source().to_string();
    }
    if let Some((p, r)) = ping {
        a.position = p;
        a.role_id = r;
    }
    if let Some((c, _)) = inv.channel("channel") {
        a.channel_id = Some(c);
    }
    if let Some(leads) = leads {
        a.leads = leads;
    }
    if let Some(m) = message {
        a.message = m;
    }
    if let Some(c) = checklist {
        a.checklist = c;
    }
    if let Some(m) = mode {
        a.holidays = m;
    }
    activities::update(&mut tx, &a, ctx.now).await?;
    replan_and_show(tx, ctx, &a, "activity-edited").await
}

/// Plans the saved activity's reminders, commits, and shows it under the `key` title.
async fn replan_and_show(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    ctx: &Ctx<'_>,
    a: &Activity,
    key: &str,
) -> AppResult<Reply> {
    replan(&mut tx, a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    let a = load(&mut tx, ctx, a.id).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    let title = tr!(l, key, id = a.id, name = escape_user_text(&a.name));
    Ok(describe(l, &a, &ctx.guild, title).severity(Severity::Success))
}

async fn remove(ctx: &Ctx<'_>, id: i64) -> AppResult<Reply> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    let a = load(&mut tx, ctx, id).await?;
    let cancelled = outbox::cancel_source(&mut tx, &a.source()).await?;
    activities::remove(&mut tx, id, ctx.now).await?;
    tx.commit().await?;
    let l = ctx.locale;
    Ok(Reply::titled(tr!(
        l,
        "activity-removed",
        id = id,
        name = escape_user_text(&a.name)
    ))
    .line(tr!(l, "activity-removed-cancelled", count = cancelled))
    .severity(Severity::Success))
}

async fn pause(ctx: &Ctx<'_>, id: i64, paused: bool) -> AppResult<Reply> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    let mut a = load(&mut tx, ctx, id).await?;
    if a.paused == paused {
        let key = if paused {
            "activity-err-already-paused"
        } else {
            "activity-err-not-paused"
        };
        return Err(UserError::new(key).arg("id", id.to_string()).into());
    }
    a.paused = paused;
    activities::update(&mut tx, &a, ctx.now).await?;
    let next = replan(&mut tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    let name = escape_user_text(&a.name);
    Ok(if paused {
        Reply::titled(tr!(l, "activity-paused", id = id, name = name)).line(tr!(
            l,
            "activity-paused-hint",
            id = id
        ))
    } else {
        Reply::titled(tr!(l, "activity-resumed", id = id, name = name)).line(tr!(
            l,
            "activity-next",
            next = next_text(l, &a, &ctx.guild, next)
        ))
    }
    .severity(Severity::Success))
}

/// The local day `day` as the instants [start, end).
fn day_bounds(day: NaiveDate, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_to_utc(day.and_time(chrono::NaiveTime::MIN), tz);
    let end = local_to_utc(
        day.succ_opt()
            .unwrap_or(day)
            .and_time(chrono::NaiveTime::MIN),
        tz,
    );
    (start, end)
}

async fn skip(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let id = inv.id("id")?;
    let tz = ctx.guild.timezone;
    let typed = inv
        .str("day")
        .map(|d| parse_day(d, ctx.now, tz))
        .transpose()?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    let a = load(&mut tx, ctx, id).await?;
    let schedule = parse_schedule_text(&a.schedule)?;
    let cal = calendar_of(&mut tx, &a).await?;
    let rules = Rules {
        schedule: &schedule,
        tz,
        mode: a.holidays,
        holidays: &cal.holidays,
        skips: &cal.skips,
    };
    let today = ctx.now.with_timezone(&tz).date_naive();
    let (day, at) = match typed {
        Some(day) => {
            if day < today {
                return Err(UserError::new("activity-err-skip-past")
                    .arg("date", day.format("%Y-%m-%d").to_string())
                    .into());
            }
            let (start, end) = day_bounds(day, tz);
            let first = schedule
                .occurrences(start - Duration::milliseconds(1), end, tz, 1)
                .into_iter()
                .find(|at| *at < end && *at > ctx.now);
            let Some(at) = first else {
                return Err(UserError::new("activity-err-skip-none")
                    .arg("id", id.to_string())
                    .arg("date", day.format("%Y-%m-%d").to_string())
                    .into());
            };
            (day, at)
        }
        None => {
            let Some(o) = rules.next_firing(ctx.now) else {
                return Err(UserError::new("activity-err-skip-never")
                    .arg("id", id.to_string())
                    .into());
            };
            (rules.date_of(o.at), o.at)
        }
    };
    if !activities::add_skip(&mut tx, id, day, ctx.origin.actor.user_id, ctx.now).await? {
        return Err(UserError::new("activity-err-skip-already")
            .arg("id", id.to_string())
            .arg("date", day.format("%Y-%m-%d").to_string())
            .into());
    }
    let next = replan(&mut tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    Ok(Reply::titled(tr!(
        l,
        "activity-skipped",
        id = id,
        name = escape_user_text(&a.name),
        date = message::ts(at, 'D')
    ))
    .line(tr!(
        l,
        "activity-next",
        next = next_text(l, &a, &ctx.guild, next)
    ))
    .severity(Severity::Success))
}

async fn calendar(ctx: &Ctx<'_>) -> AppResult<Reply> {
    fresh_plans(ctx).await?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let days = ctx.app.config.activities.calendar_days;
    let to = ctx.now + Duration::days(days);
    let tz = ctx.guild.timezone;
    let l = ctx.locale;
    let mut entries: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut paused = Vec::new();
    for a in activities::list(&mut conn, ctx.guild.guild_id).await? {
        if a.paused {
            paused.push(format!("#{}", a.id));
            continue;
        }
        let Some(schedule) = stored_schedule(&a) else {
            continue;
        };
        let cal = calendar_of(&mut conn, &a).await?;
        let rules = Rules {
            schedule: &schedule,
            tz,
            mode: a.holidays,
            holidays: &cal.holidays,
            skips: &cal.skips,
        };
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

// ---------------------------------------------------------------- holidays

fn range_text(h: &Holiday) -> String {
    if h.from == h.to {
        h.from.format("%Y-%m-%d").to_string()
    } else {
        format!(
            "{} – {}",
            h.from.format("%Y-%m-%d"),
            h.to.format("%Y-%m-%d")
        )
    }
}

/// Re-plans every activity of the guild (after its holidays changed).
async fn replan_guild(conn: &mut SqliteConnection, ctx: &Ctx<'_>) -> AppResult<()> {
    for a in activities::list(conn, ctx.guild.guild_id).await? {
        replan(conn, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    }
    Ok(())
}

/// What a holiday does to the guild's activities: one line per activity with an occurrence
/// inside it.
async fn holiday_effects(
    conn: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    h: &Holiday,
) -> AppResult<Vec<String>> {
    let l = ctx.locale;
    let tz = ctx.guild.timezone;
    let (start, _) = day_bounds(h.from, tz);
    let (_, end) = day_bounds(h.to, tz);
    let mut out = Vec::new();
    for a in activities::list(conn, ctx.guild.guild_id).await? {
        let Some(schedule) = stored_schedule(&a) else {
            continue;
        };
        let n = schedule
            .occurrences(start - Duration::milliseconds(1), end, tz, 100)
            .into_iter()
            .filter(|at| *at < end)
            .count();
        if n == 0 || a.holidays == HolidayMode::Fire {
            continue;
        }
        out.push(tr!(
            l,
            &format!("holiday-effect-{}", a.holidays.key()),
            id = a.id,
            name = escape_user_text(&a.name),
            count = n
        ));
    }
    Ok(out)
}

/// Routes `/holiday <sub>`.
pub async fn holiday(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    let l = ctx.locale;
    let tz = ctx.guild.timezone;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    match sub {
        "add" => {
            let name = crate::app::input::checked_text(inv.req_str("name")?, NAME_MAX, "name")?;
            let from = parse_day(inv.req_str("from")?, ctx.now, tz)?;
            let to = inv
                .str("to")
                .map(|t| parse_day(t, ctx.now, tz))
                .transpose()?
                .unwrap_or(from);
            if to < from {
                return Err(UserError::new("holiday-err-order").into());
            }
            if (to - from).num_days() >= HOLIDAY_DAYS_MAX {
                return Err(UserError::new("holiday-err-long")
                    .arg("max", HOLIDAY_DAYS_MAX.to_string())
                    .into());
            }
            let h = Holiday { name, from, to };
            let mut tx = write_tx(&mut conn).await?;
            let id = activities::add_holiday(
                &mut tx,
                ctx.guild.guild_id,
                &h,
                false,
                ctx.origin.actor.user_id,
                ctx.now,
            )
            .await?;
            replan_guild(&mut tx, ctx).await?;
            let effects = holiday_effects(&mut tx, ctx, &h).await?;
            tx.commit().await?;
            ctx.app.outbox_wake.notify_one();
            let mut r = Reply::titled(tr!(
                l,
                "holiday-added",
                id = id,
                name = escape_user_text(&h.name),
                dates = range_text(&h)
            ))
            .severity(Severity::Success);
            if effects.is_empty() {
                r.lines.push(l.t("holiday-effect-none"));
            }
            r.lines.extend(effects);
            Ok(r)
        }
        "list" => {
            let today = ctx.now.with_timezone(&tz).date_naive();
            let rows = activities::holidays(&mut conn, ctx.guild.guild_id, Some(today)).await?;
            let mut r = Reply::titled(tr!(l, "holiday-list-title", count = rows.len()));
            if rows.is_empty() {
                r.lines.push(l.t("holiday-list-empty"));
            }
            for h in rows.iter().take(LINES_MAX) {
                r.lines.push(format!(
                    "**#{}** {} — {}",
                    h.id,
                    escape_user_text(&h.holiday.name),
                    range_text(&h.holiday)
                ));
            }
            if rows.len() > LINES_MAX {
                r.lines
                    .push(tr!(l, "activity-more", count = rows.len() - LINES_MAX));
            }
            r.footer = Some(l.t("holiday-list-footer"));
            r.ephemeral = true;
            Ok(r)
        }
        "remove" => {
            let id = inv.id("id")?;
            let mut tx = write_tx(&mut conn).await?;
            let Some(h) = activities::remove_holiday(&mut tx, ctx.guild.guild_id, id).await? else {
                return Err(UserError::new("holiday-err-not-found")
                    .arg("id", id.to_string())
                    .into());
            };
            replan_guild(&mut tx, ctx).await?;
            tx.commit().await?;
            ctx.app.outbox_wake.notify_one();
            Ok(Reply::titled(tr!(
                l,
                "holiday-removed",
                id = id,
                name = escape_user_text(&h.name),
                dates = range_text(&h)
            ))
            .severity(Severity::Success))
        }
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/holiday {sub}"))
            .into()),
    }
}

// ---------------------------------------------------------------- buttons

/// Button presses on reminders: `act:ack:<activity>:<occurrence>` and
/// `act:tick:<activity>:<occurrence>:<line>` (occurrence in unix seconds). Anyone may press;
/// the message is updated to show who acknowledged and what is ticked.
pub async fn press(ctx: &Ctx<'_>, parts: &[&str]) -> AppResult<Reply> {
    let unknown = || UserError::new("err-unknown-button");
    let (action, id, ts, line) = match parts {
        [action @ "ack", id, ts] => (*action, *id, *ts, None),
        [action @ "tick", id, ts, line] => (*action, *id, *ts, Some(*line)),
        _ => return Err(unknown().into()),
    };
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let at = ts
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(unknown)?;
    let me = ctx.origin.actor.user_id;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = write_tx(&mut conn).await?;
    let a = load(&mut tx, ctx, id).await?;
    match (action, line) {
        ("ack", None) => {
            activities::add_ack(&mut tx, id, at, me, ctx.now).await?;
            outbox::cancel_prefix(&mut tx, &a.source(), &follow_up_key(id, at)).await?;
        }
        (_, Some(line)) => {
            let n: usize = line.parse().map_err(|_| unknown())?;
            if n == 0 || n > a.checklist.len() {
                return Err(unknown().into());
            }
            activities::toggle_tick(&mut tx, id, at, n, me, ctx.now).await?;
        }
        _ => return Err(unknown().into()),
    }
    // The reminders still to come for this occurrence show the news too.
    replan(&mut tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
    let acks = activities::acks(&mut tx, id, at).await?;
    let ticks = activities::ticks(&mut tx, id, at).await?;
    let cal = calendar_of(&mut tx, &a).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let fate = match parse_schedule(&a.schedule) {
        Ok(schedule) => Rules {
            schedule: &schedule,
            tz: ctx.guild.timezone,
            mode: a.holidays,
            holidays: &cal.holidays,
            skips: &cal.skips,
        }
        .fate(at),
        Err(_) => Fate::Fires,
    };
    let occ = Occurrence { at, fate };
    let mut r = reminder(ctx.guild.locale, &a, &ctx.guild, &occ, &acks, &ticks, false);
    r.update_message = true;
    Ok(r)
}

// ---------------------------------------------------------------- autocomplete

/// Suggestions for `id` (activities, or holidays under `/holiday`) and `schedule` (when the
/// typed schedule next fires, or what is wrong with it).
pub async fn autocomplete(
    ctx: &Ctx<'_>,
    inv: &Invocation,
    focused: &str,
) -> AppResult<Vec<(String, String)>> {
    let typed = match inv.options.get(focused) {
        Some(crate::app::OptValue::Str(s)) => s.clone(),
        Some(crate::app::OptValue::Int(n)) => n.to_string(),
        _ => String::new(),
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
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
                    clip(&format!("#{} {} · {}", a.id, a.name, a.schedule), 100),
                )
            })
            .collect()),
        "schedule" => {
            if typed.trim().is_empty() {
                return Ok(["mon 09:00", "thu 18:00", "每周四 18:00", "last fri 19:00"]
                    .iter()
                    .map(|s| (s.to_string(), s.to_string()))
                    .collect());
            }
            let label = match parse_schedule(&typed) {
                Ok(s) => match s.next_after(ctx.now, tz) {
                    Some(at) => tr!(
                        ctx.locale,
                        "activity-schedule-preview",
                        next = at
                            .with_timezone(&tz)
                            .format("%Y-%m-%d %H:%M (%a)")
                            .to_string()
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
