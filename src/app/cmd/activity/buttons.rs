//! Clicks on an activity's reminder: "Got it" and one button per checklist line. Anyone may
//! press; the message is updated to show who acknowledged and what is ticked. Each id names
//! the activity and the occurrence, so the buttons work after a restart; [`ActivityButton`] is
//! the one place that writes and reads them.

use std::fmt;

use chrono::{DateTime, Utc};

use super::load;
use super::plan::{calendar_of, is_last, replan};
use super::view::reminder;
use crate::app::{AppResult, Ctx, UserError};
use crate::domain::activity::{Fate, Occurrence, follow_up_key};
use crate::domain::schedule::parse_schedule;
use crate::message::Reply;
use crate::store::{activities, outbox};

/// A button on an activity's reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityButton {
    /// "Got it" for the occurrence at `at`.
    Ack { id: i64, at: DateTime<Utc> },
    /// Ticks (or unticks) checklist line `line` (from 1).
    Tick {
        id: i64,
        at: DateTime<Utc>,
        line: usize,
    },
}

impl fmt::Display for ActivityButton {
    /// `act:ack:<activity>:<occurrence>` or `act:tick:<activity>:<occurrence>:<line>`, the
    /// occurrence in unix seconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActivityButton::Ack { id, at } => write!(f, "act:ack:{id}:{}", at.timestamp()),
            ActivityButton::Tick { id, at, line } => {
                write!(f, "act:tick:{id}:{}:{line}", at.timestamp())
            }
        }
    }
}

impl ActivityButton {
    /// Reads an id written by [`ActivityButton`]'s `Display`.
    pub fn parse(id: &str) -> Option<ActivityButton> {
        let parts: Vec<&str> = id.split(':').collect();
        let at = |ts: &str| DateTime::from_timestamp(ts.parse().ok()?, 0);
        Some(match parts.as_slice() {
            ["act", "ack", id, ts] => ActivityButton::Ack {
                id: id.parse().ok()?,
                at: at(ts)?,
            },
            ["act", "tick", id, ts, line] => ActivityButton::Tick {
                id: id.parse().ok()?,
                at: at(ts)?,
                line: line.parse().ok().filter(|n| *n > 0)?,
            },
            _ => return None,
        })
    }
}

/// Records the click and shows the reminder as it now stands.
pub async fn press(ctx: &Ctx<'_>, button: ActivityButton) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let (id, at) = match button {
        ActivityButton::Ack { id, at } | ActivityButton::Tick { id, at, .. } => (id, at),
    };
    let (a, acks, ticks, cal) = ctx
        .write(async |tx| {
            let a = load(tx, ctx, id).await?;
            match button {
                ActivityButton::Ack { .. } => {
                    activities::add_ack(tx, id, at, me, ctx.now).await?;
                    outbox::cancel_prefix(tx, &a.source(), &follow_up_key(id, at)).await?;
                }
                ActivityButton::Tick { line, .. } => {
                    if line > a.checklist.len() {
                        return Err(UserError::new("err-unknown-button").into());
                    }
                    activities::toggle_tick(tx, id, at, line, me, ctx.now).await?;
                }
            }
            // The reminders still to come for this occurrence show the news too.
            replan(tx, &a, &ctx.guild, &ctx.app.config, ctx.now).await?;
            let acks = activities::acks(tx, id, at).await?;
            let ticks = activities::ticks(tx, id, at).await?;
            let cal = calendar_of(tx, &a).await?;
            Ok((a, acks, ticks, cal))
        })
        .await?;
    let (fate, last) = match parse_schedule(&a.schedule) {
        Ok(schedule) => {
            let rules = cal.rules(&a, &schedule, ctx.guild.timezone);
            (rules.fate(at), is_last(&a, &rules, at))
        }
        Err(_) => (Fate::Fires, false),
    };
    let occ = Occurrence { at, fate };
    let mut r = reminder(
        ctx.guild.locale,
        &a,
        &ctx.guild,
        &occ,
        &acks,
        &ticks,
        false,
        last,
    );
    r.update_message = true;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_id_reads_back_as_itself() {
        let at = DateTime::from_timestamp(1_795_000_000, 0).expect("instant");
        let all = [
            ActivityButton::Ack { id: 2, at },
            ActivityButton::Tick { id: 2, at, line: 1 },
            ActivityButton::Tick {
                id: 99,
                at,
                line: 10,
            },
        ];
        let bad = [
            "act:ack:2",
            "act:tick:2:1795000000:0",
            "act:ack:x:1",
            "act:fly:1:2",
        ];
        crate::app::cmd::assert_ids_round_trip(all, &bad, ActivityButton::parse);
    }
}
