//! Work the bot does on its own schedule besides sending: creating the tasks of recurring
//! definitions, the morning summary and the missing-data check, planning the reminders of
//! fixed activities. The dispatcher runs these before each delivery pass and sleeps no later
//! than the next one is due.

use chrono::{DateTime, Utc};

use super::{App, AppResult};
use crate::store::{activities, data, tasks};

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Runs every job that is due.
pub async fn run_due(app: &App) -> AppResult<()> {
    let created = super::cmd::task::materialise_recurring(app).await?;
    if created > 0 {
        tracing::info!(created, "recurring tasks created");
    }
    super::cmd::summary::run_due(app).await?;
    let planned = super::cmd::activity::materialise_activities(app).await?;
    if planned > 0 {
        tracing::debug!(planned, "activity reminders planned");
    }
    super::backup::run_due(app).await?;
    Ok(())
}

/// When the next job is due.
pub async fn next_due(app: &App) -> AppResult<Option<DateTime<Utc>>> {
    let mut conn = app.conn().await?;
    let mut next = tasks::next_recurring_at(&mut conn).await?;
    next = earliest(next, data::next_due(&mut conn).await?);
    next = earliest(next, activities::next_due_at(&mut conn).await?);
    drop(conn);
    next = earliest(next, super::backup::next_due(app).await?);
    Ok(next)
}
