//! One database, one dispatcher: the process that delivers (`storeops run`, or a shell on the
//! real clock) holds the run lock and renews its heartbeat every few seconds of real time
//! (whatever clock the app runs on: it is about live processes). Another process on the same
//! database sees the heartbeat and does not deliver.
//!
//! Beside the row, the holder keeps an exclusive OS lock on the file `<database>-run.lock`
//! (`flock`), which the kernel lets go of the moment the process dies. So a bot killed with
//! `kill -9` (or by the OOM killer, or a crash) and started again at once — as systemd's
//! `Restart=` does — takes the lock over at once instead of refusing for 45 s while the dead
//! process's heartbeat ages; a live holder, even one whose heartbeat stalled, is never taken
//! over. Where the file cannot be locked (a file system without locks), the heartbeat alone
//! decides, as before.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::{App, AppResult};
use crate::store::runtime::{self, LockHolder};

/// How often the holder renews its heartbeat.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// A heartbeat older than this is a dead process's: its lock is taken over.
pub fn stale_after() -> Duration {
    Duration::seconds(45)
}

/// What became of the OS lock on `<database>-run.lock`.
enum FileLock {
    /// This process holds it.
    Held(std::fs::File),
    /// Another live process holds it.
    Busy,
    /// The file cannot be opened or locked here.
    Unsupported,
}

/// Tries the exclusive OS lock on the file beside the database.
fn lock_file(database: &Path) -> FileLock {
    let mut name = database.as_os_str().to_owned();
    name.push("-run.lock");
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
    {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, file = ?name, "cannot open the run lock's file; the heartbeat alone decides");
            return FileLock::Unsupported;
        }
    };
    match file.try_lock() {
        Ok(()) => FileLock::Held(file),
        Err(std::fs::TryLockError::WouldBlock) => FileLock::Busy,
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!(error = %e, file = ?name, "cannot lock the run lock's file; the heartbeat alone decides");
            FileLock::Unsupported
        }
    }
}

/// The lock, held while this lives; renewed in the background.
pub struct RunLock {
    app: App,
    /// The locked `<database>-run.lock`, when the file system allows it; closing it (on drop)
    /// lets go of the lock.
    _file: Option<std::fs::File>,
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
        let file = match lock_file(&self.config.database.path) {
            FileLock::Held(f) => Some(f),
            FileLock::Busy => {
                // A live process holds it, whatever its heartbeat says.
                if let Some(holder) =
                    runtime::lock_holder(&mut conn, DateTime::<Utc>::MIN_UTC).await?
                {
                    return Ok(Err(holder));
                }
                // Between its file lock and its row: it is starting.
                return Ok(Err(runtime::LockHolder {
                    owner: String::new(),
                    kind: kind.to_string(),
                    pid: 0,
                    heartbeat_at: now,
                }));
            }
            FileLock::Unsupported => None,
        };
        // With the file locked no live process holds the lock: a row left is a dead one's.
        let stale_before = if file.is_some() {
            DateTime::<Utc>::MAX_UTC
        } else {
            now - stale_after()
        };
        if let Err(holder) = runtime::try_lock(
            &mut conn,
            &owner,
            kind,
            i64::from(std::process::id()),
            now,
            stale_before,
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
            _file: file,
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
