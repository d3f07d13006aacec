//! Work the bot does on its own schedule besides sending: creating the tasks of recurring
//! definitions when they come due. The dispatcher runs these before each delivery pass and
//! sleeps no later than the next one is due.

use chrono::{DateTime, Utc};

use super::App;
use crate::store::{StoreError, tasks};

/// Runs every job that is due and returns when the next one will be.
pub async fn run_due(app: &App) -> Result<Option<DateTime<Utc>>, StoreError> {
    let created = super::cmd::task::materialise_recurring(app).await?;
    if created > 0 {
        tracing::info!(created, "recurring tasks created");
    }
    let mut conn = app.store.pool.acquire().await?;
    tasks::next_recurring_at(&mut conn).await
}
