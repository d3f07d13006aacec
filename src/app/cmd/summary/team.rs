//! The morning summary's people part: complaints near or past their limit and overdue tasks
//! as alerts, each named with who has it (nearest limit first, up to five, then counted); and
//! the team's day: tasks due today (not the overdue ones again), today's activities, and
//! yesterday's complaints in one line. Each list is one index range (`store::morning`).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::SqliteConnection;

use crate::app::App;
use crate::domain::deadline::local_to_utc;
use crate::domain::in_time;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message;
use crate::store::settings::GuildSettings;
use crate::store::{StoreError, complaints, morning};
use crate::tr;

/// Complaints and overdue tasks named among the alerts (the rest are counted).
const NAMED_MAX: i64 = 5;
/// Tasks due today named in the team's day.
const TODAY_MAX: i64 = 5;

/// What the people part adds to the summary.
pub struct Team {
    pub alerts: Vec<String>,
    pub lines: Vec<String>,
}

/// Who has a task: its assignee, else its position, else nobody.
fn who(l: Locale, t: &morning::TaskLine) -> String {
    t.assignee_id
        .map(message::user_ref)
        .or_else(|| {
            t.position
                .as_deref()
                .and_then(|p| p.parse::<Position>().ok())
                .map(|p| l.t(&p.label_key()))
        })
        .unwrap_or_else(|| l.t("summary-alert-nobody"))
}

/// The alerts about complaints and overdue tasks, and the team's day, for the morning after
/// `date` (`now` decides what is overdue or near its limit).
pub async fn team(
    app: &App,
    conn: &mut SqliteConnection,
    guild: &GuildSettings,
    date: NaiveDate,
    now: DateTime<Utc>,
    l: Locale,
) -> Result<Team, StoreError> {
    let tz = guild.timezone;
    let today = date + Duration::days(1);
    let day_start = local_to_utc(today.and_time(NaiveTime::MIN), tz);
    let day_end = local_to_utc((today + Duration::days(1)).and_time(NaiveTime::MIN), tz);
    let mut alerts = Vec::new();

    // Complaints past or near their limit, nearest first.
    let warn = app.config.complaints.warn_before;
    let (open, due, named) =
        morning::complaints_due(conn, guild.guild_id, now + warn, NAMED_MAX).await?;
    for c in &named {
        let who = c
            .owner_id
            .map(message::user_ref)
            .unwrap_or_else(|| l.t("summary-alert-nobody"));
        alerts.push(tr!(
            l,
            if in_time(now, c.deadline_at) {
                "summary-alert-complaint-near"
            } else {
                "summary-alert-complaint-past"
            },
            id = c.id,
            order = message::escape_user_text(&c.order_no),
            when = message::ts(c.deadline_at, 'R'),
            who = who
        ));
    }
    if due > NAMED_MAX {
        alerts.push(tr!(
            l,
            "summary-alert-complaints-more",
            count = due - NAMED_MAX
        ));
    }

    // Overdue tasks (due at or before now), oldest deadline first.
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let (overdue, late) = morning::tasks_due(
        conn,
        guild.guild_id,
        epoch,
        now + Duration::milliseconds(1),
        NAMED_MAX,
    )
    .await?;
    for t in &late {
        alerts.push(tr!(
            l,
            "summary-alert-task-overdue",
            id = t.id,
            title = message::escape_user_text(&t.title),
            when = message::ts(t.due_at, 'R'),
            who = who(l, t)
        ));
    }
    if overdue > NAMED_MAX {
        alerts.push(tr!(l, "summary-more-overdue", count = overdue - NAMED_MAX));
    }

    // The team's day: tasks still ahead today (an overdue one is an alert already).
    let from = (now + Duration::milliseconds(1)).max(day_start);
    let (n_today, ahead) =
        morning::tasks_due(conn, guild.guild_id, from, day_end.max(from), TODAY_MAX).await?;
    let mut lines = vec![tr!(l, "summary-tasks-today", count = n_today)];
    for t in &ahead {
        lines.push(format!(
            "#{} {} · {} · {}",
            t.id,
            message::escape_user_text(&t.title),
            message::ts(t.due_at, 'R'),
            who(l, t)
        ));
    }
    let acts =
        crate::app::cmd::activity::occurrences_between(conn, guild, day_start, day_end).await?;
    if !acts.is_empty() {
        let list: Vec<String> = acts
            .iter()
            .take(10)
            .map(|(name, at)| {
                format!(
                    "{} {}",
                    message::ts(*at, 't'),
                    message::escape_user_text(name)
                )
            })
            .collect();
        lines.push(tr!(l, "summary-activities-line", list = list.join(" · ")));
    }
    let yesterday_start = local_to_utc(date.and_time(NaiveTime::MIN), tz);
    let (logged, resolved) =
        complaints::logged_and_resolved(conn, guild.guild_id, yesterday_start, day_start).await?;
    lines.push(tr!(
        l,
        "summary-complaints-line",
        logged = logged,
        resolved = resolved,
        open = open
    ));
    Ok(Team { alerts, lines })
}
