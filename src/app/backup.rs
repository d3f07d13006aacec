//! Backups on demand (`storeops backup FILE`) and the daily one (`[backup]`), which the
//! dispatcher runs like its other jobs; the last result is reported in `/status` through
//! `runtime_status`, so any process on the same database sees it.

use std::path::Path;

use chrono::{DateTime, Days, Utc};

use super::{App, AppResult};
use crate::domain::deadline::local_to_utc;
use crate::store::backup::{self, Backup, BackupError};
use crate::store::runtime;

/// Makes a backup at `dest` now.
pub async fn backup_to(app: &App, dest: &Path) -> Result<Backup, BackupError> {
    backup::backup_to(&app.store, dest).await
}

/// The first daily backup instant strictly after `after`.
pub fn next_slot(app: &App, after: DateTime<Utc>) -> DateTime<Utc> {
    let tz = app.config.defaults.timezone;
    let day = after.with_timezone(&tz).date_naive();
    let mut d = day;
    loop {
        let at = local_to_utc(d.and_time(app.config.backup.time), tz);
        if at > after {
            return at;
        }
        d = d.checked_add_days(Days::new(1)).unwrap_or(d);
        if d == day {
            return at;
        }
    }
}

/// When the next daily backup is due: the first slot after the last attempt (or after this
/// process started, when none was made yet); None when daily backups are off.
pub async fn next_due(app: &App) -> AppResult<Option<DateTime<Utc>>> {
    if !app.config.backup.enabled {
        return Ok(None);
    }
    next_due_on(app, &mut *app.conn().await?).await
}

/// [`next_due`] read on `conn` (a command's own connection).
pub async fn next_due_on(
    app: &App,
    conn: &mut sqlx::SqliteConnection,
) -> AppResult<Option<DateTime<Utc>>> {
    if !app.config.backup.enabled {
        return Ok(None);
    }
    let last = runtime::get(conn, runtime::BACKUP).await?;
    let after = last.map_or(app.started_at, |s| s.updated_at.max(app.started_at));
    Ok(Some(next_slot(app, after)))
}

/// Makes the daily backup when it is due, prunes the old ones, and records the result.
pub async fn run_due(app: &App) -> AppResult<()> {
    let Some(due) = next_due(app).await? else {
        return Ok(());
    };
    let now = app.clock.now();
    if due > now {
        return Ok(());
    }
    let dir = app.config.backup_folder();
    let local = now
        .with_timezone(&app.config.defaults.timezone)
        .naive_local();
    let dest = dir.join(backup::daily_name(local));
    let result = match backup::backup_to(&app.store, &dest).await {
        Ok(b) => backup::prune(&dir, app.config.backup.keep).map(|removed| (b, removed)),
        Err(e) => Err(e),
    };
    let mut conn = app.conn().await?;
    match result {
        Ok((b, removed)) => {
            tracing::info!(path = %b.path.display(), bytes = b.bytes, removed = removed.len(), "daily backup made");
            let value = format!("{} ({} bytes)", b.path.display(), b.bytes);
            runtime::set(&mut conn, runtime::BACKUP, &value, true, now).await?;
        }
        Err(e) => {
            tracing::error!(error = %e, path = %dest.display(), "daily backup failed");
            runtime::set(&mut conn, runtime::BACKUP, &e.to_string(), false, now).await?;
        }
    }
    Ok(())
}
