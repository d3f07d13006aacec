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

/// Runs every job that is due, each on its own: a job that fails is logged once, shown in
/// `/status`, and tried again with backoff; it holds up neither the other jobs nor delivery.
pub async fn run_due(app: &App) -> AppResult<()> {
    if let Some(created) =
        guarded(app, RECURRING, super::cmd::task::materialise_recurring(app)).await
        && created > 0
    {
        tracing::info!(created, "recurring tasks created");
    }
    guarded(app, SUMMARY, super::cmd::summary::run_due(app)).await;
    if let Some(planned) = guarded(
        app,
        ACTIVITIES,
        super::cmd::activity::materialise_activities(app),
    )
    .await
        && planned > 0
    {
        tracing::debug!(planned, "activity reminders planned");
    }
    Ok(())
}

/// The jobs' names (also their catalog keys: `job-<name>`).
pub const RECURRING: &str = "recurring";
/// The morning summary and the missing-data check.
pub const SUMMARY: &str = "summary";
/// Planning the reminders of fixed activities.
pub const ACTIVITIES: &str = "activities";

/// Runs `job` unless it failed lately and waits for its retry; notes how it went.
async fn guarded<T>(
    app: &App,
    name: &'static str,
    job: impl Future<Output = AppResult<T>>,
) -> Option<T> {
    let now = app.clock.now();
    if !app.health.job_may_run(name, now) {
        return None;
    }
    match job.await {
        Ok(v) => {
            app.health.job_succeeded(name);
            Some(v)
        }
        Err(e) => {
            if let super::AppError::Store(s) = &e {
                app.health.store_failed(s, now);
            }
            app.health.job_failed(name, e.to_string(), now);
            None
        }
    }
}

/// When the next job is due (a failed job: not before its retry).
pub async fn next_due(app: &App) -> AppResult<Option<DateTime<Utc>>> {
    let mut conn = app.conn().await?;
    let after_retry = |name: &str, due: Option<DateTime<Utc>>| match app.health.job_retry_at(name) {
        Some(retry) => due.map(|d| d.max(retry)),
        None => due,
    };
    let mut next = after_retry(RECURRING, tasks::next_recurring_at(&mut conn).await?);
    next = earliest(next, after_retry(SUMMARY, data::next_due(&mut conn).await?));
    next = earliest(
        next,
        after_retry(ACTIVITIES, activities::next_due_at(&mut conn).await?),
    );
    Ok(next)
}
