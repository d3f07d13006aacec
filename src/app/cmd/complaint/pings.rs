//! A complaint's pings: a warning before the limit and the escalation at it, planned into the
//! outbox whenever the complaint changes; a serious complaint alerts the managers when logged.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use super::role;
use super::view::{buttons, describe};
use crate::domain::position::Position;
use crate::i18n::duration_text;
use crate::message::{Mentions, Target, escape_user_text};
use crate::store::StoreError;
use crate::store::complaints::Complaint;
use crate::store::outbox::{self, NewMessage};
use crate::store::settings::GuildSettings;
use crate::tr;

/// Replans a complaint's pings: a warning before the limit, the escalation at it. Serious
/// complaints also alert the managers once, when logged. Runs inside the caller's transaction.
pub async fn reschedule(
    conn: &mut SqliteConnection,
    c: &Complaint,
    guild: &GuildSettings,
    cfg: &crate::config::ComplaintConfig,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::cancel_source(conn, &c.source()).await?;
    schedule_new(conn, c, guild, cfg, now).await
}

/// Plans the pings of a complaint that has none waiting: one just logged (then nothing is
/// there to cancel), or after [`reschedule`] cancelled them.
pub async fn schedule_new(
    conn: &mut SqliteConnection,
    c: &Complaint,
    guild: &GuildSettings,
    cfg: &crate::config::ComplaintConfig,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if !c.open {
        return Ok(());
    }
    let l = guild.locale;
    let managers = role(guild, Position::Manager)
        .map(Mentions::role)
        .unwrap_or_default();
    let escalation = guild
        .escalation_channel
        .map(Target::Channel)
        .unwrap_or(Target::Channel(c.channel_id));
    // (kind, when, where, who, headline, whether a message may be made anew).
    let mut plan: Vec<(String, DateTime<Utc>, Target, Mentions, String, bool)> = Vec::new();
    let warn_at = c.deadline_at - cfg.warn_before;
    // A warning whose time passed just before this replan, still waiting when it was cancelled,
    // goes out now (while the limit is still ahead) rather than not at all; one whose time had
    // passed before the complaint was logged or reopened is not made up.
    if cfg.warn_before > Duration::zero() && now < c.deadline_at {
        let who = match c.owner_id {
            Some(u) => Mentions::user(u),
            None => role(guild, Position::CustomerService)
                .map(Mentions::role)
                .unwrap_or_default(),
        };
        plan.push((
            "warn".into(),
            warn_at.max(now),
            Target::Channel(c.channel_id),
            who,
            tr!(
                l,
                "complaint-ping-warn",
                id = c.id,
                left = duration_text(l, c.deadline_at - warn_at.max(now))
            ),
            warn_at >= now,
        ));
    }
    let mut breach_who = managers.clone();
    if let Some(u) = c.owner_id {
        breach_who.users.push(u);
    }
    plan.push((
        "breach".into(),
        c.deadline_at.max(now),
        escalation,
        breach_who,
        tr!(l, "complaint-ping-breach", id = c.id),
        true,
    ));
    // Keyed by the episode: a ping that already went out in this episode (the breach, after a
    // claim or an assignment) is not sent again.
    let (mut fresh, mut passed) = (Vec::new(), Vec::new());
    for (kind, at, target, mentions, title, anew) in plan {
        let mut r = describe(l, c, guild, at);
        r.title = Some(format!("{title} — {}", escape_user_text(&c.summary)));
        r.mentions = mentions;
        r.buttons = buttons(l, c);
        let msg = NewMessage {
            guild_id: guild.guild_id,
            dedupe_key: format!("complaint:{}:e{}:{kind}", c.id, c.episode),
            source: c.source(),
            target,
            reply: r,
            due_at: at,
        };
        if anew { &mut fresh } else { &mut passed }.push(msg);
    }
    outbox::put_many(conn, &fresh, now, &[outbox::OutboxState::Cancelled]).await?;
    outbox::revive_many(conn, &passed, now).await?;
    Ok(())
}
