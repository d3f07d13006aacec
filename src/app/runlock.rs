//! One database, one dispatcher: the process that delivers (`storeops run`, or a shell on the
//! real clock) holds the run lock and renews its heartbeat every few seconds of real time
//! (whatever clock the app runs on: it is about live processes). Another process on the same
//! database sees the heartbeat and does not deliver.

use chrono::{Duration, Utc};
use tokio::sync::watch;

use super::{App, AppResult};
use crate::store::runtime::{self, LockHolder};

/// How often the holder renews its heartbeat.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// A heartbeat older than this is a dead process's: its lock is taken over.
pub fn stale_after() -> Duration {
    Duration::seconds(45)
}

/// The lock, held while this lives; renewed in the background.
pub struct RunLock {
    app: App,
    owner: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl App {
    /// Takes the run lock as `kind` (`bot`, `shell`), or says which live process holds it.
    pub async fn take_run_lock(&self, kind: &str) -> AppResult<Result<RunLock, LockHolder>> {
        let owner = format!(
            "{kind}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let now = Utc::now();
        let mut conn = self.conn().await?;
        if let Err(holder) = runtime::try_lock(
            &mut conn,
            &owner,
            kind,
            i64::from(std::process::id()),
            now,
            now - stale_after(),
        )
        .await?
        {
            return Ok(Err(holder));
        }
        runtime::set(&mut conn, runtime::REAL_CLOCK, kind, true, now).await?;
        drop(conn);
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn({
            let app = self.clone();
            let owner = owner.clone();
            async move {
                let mut every = tokio::time::interval(HEARTBEAT_EVERY);
                every.tick().await;
                loop {
                    tokio::select! {
                        _ = every.tick() => {}
                        _ = stopped.changed() => break,
                    }
                    let beat = async {
                        let mut conn = app.conn().await?;
                        Ok::<_, super::AppError>(
                            runtime::heartbeat(&mut conn, &owner, Utc::now()).await?,
                        )
                    };
                    match beat.await {
                        Ok(true) => {}
                        Ok(false) => tracing::error!(
                            "the run lock was taken over by another process (this one's heartbeat stalled)"
                        ),
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot renew the run lock's heartbeat")
                        }
                    }
                }
            }
        });
        Ok(Ok(RunLock {
            app: self.clone(),
            owner,
            stop,
            task,
        }))
    }

    /// The live process holding the run lock, if any.
    pub async fn run_lock_holder(&self) -> AppResult<Option<LockHolder>> {
        let mut conn = self.conn().await?;
        Ok(runtime::lock_holder(&mut conn, Utc::now() - stale_after()).await?)
    }

    /// Whether a process ever delivered on the real clock on this database.
    pub async fn real_clock_has_run(&self) -> AppResult<bool> {
        let mut conn = self.conn().await?;
        Ok(runtime::get(&mut conn, runtime::REAL_CLOCK)
            .await?
            .is_some())
    }
}

impl RunLock {
    /// Stops the heartbeat and gives the lock up.
    pub async fn release(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        if let Ok(mut conn) = self.app.conn().await
            && let Err(e) = runtime::unlock(&mut conn, &self.owner).await
        {
            tracing::warn!(error = %e, "cannot give the run lock up; it goes stale by itself");
        }
    }
}
