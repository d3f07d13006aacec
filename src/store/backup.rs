//! Backups: a consistent copy of the database while the bot runs (`VACUUM INTO` reads one
//! snapshot in a read transaction; in WAL mode writers go on meanwhile), checked with
//! `PRAGMA integrity_check` before it counts, then moved into place in one rename. The daily
//! backups are named by their instant and the oldest beyond the number to keep are removed.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDateTime;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::{Store, StoreError};

/// What a finished backup is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Why a backup failed, in words for the log and `/status`.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The copy could not be made.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The folder or the file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        source: std::io::Error,
    },
    /// The copy does not pass SQLite's integrity check (it was removed).
    #[error("the copy failed SQLite's integrity check: {0}")]
    Integrity(String),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::Sql(e))
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Copies the database to `dest` (replacing a file there only once the new copy is whole and
/// checked) and returns its size.
pub async fn backup_to(store: &Store, dest: &Path) -> Result<Backup, BackupError> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    // VACUUM INTO refuses a file that exists: a partial left by a crash is ours to remove.
    match std::fs::remove_file(&partial) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&partial)(e)),
        _ => {}
    }
    let result = async {
        sqlx::query("VACUUM INTO ?1")
            .bind(partial.to_string_lossy().into_owned())
            .execute(&store.pool)
            .await?;
        check(&partial).await
    }
    .await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, dest).map_err(io(dest))?;
    let bytes = std::fs::metadata(dest).map_err(io(dest))?.len();
    Ok(Backup {
        path: dest.to_path_buf(),
        bytes,
    })
}

/// Opens a copy read-only and runs `PRAGMA integrity_check` on it.
pub async fn check(path: &Path) -> Result<(), BackupError> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    let lines: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(BackupError::Integrity(lines.join("; ")))
    }
}

/// The file name of the automatic backup made at `at` (the team's local time, so the file
/// of Saturday's 03:00 backup says 03:00 on Saturday).
pub fn daily_name(at: NaiveDateTime) -> String {
    format!("storeops-{}.db", at.format("%Y%m%d-%H%M%S"))
}

/// Whether `name` is one of [`daily_name`]'s (only those are ever removed).
fn is_daily(name: &str) -> bool {
    name.strip_prefix("storeops-")
        .and_then(|s| s.strip_suffix(".db"))
        .is_some_and(|s| {
            s.len() == 15
                && s.char_indices()
                    .all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() })
        })
}

/// Removes the oldest automatic backups in `dir` beyond the newest `keep`; other files are
/// never touched. Returns the removed files.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_daily(n))
        .collect();
    // The names sort as their instants do.
    names.sort();
    let excess = names.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for n in names.into_iter().take(excess) {
        let p = dir.join(n);
        std::fs::remove_file(&p).map_err(io(&p))?;
        removed.push(p);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_daily_names_are_pruned() {
        let at: NaiveDateTime = "2026-12-07T19:00:05".parse().unwrap();
        assert_eq!(daily_name(at), "storeops-20261207-190005.db");
        assert!(is_daily(&daily_name(at)));
        for other in [
            "storeops.db",
            "storeops-20261207-190005.db.partial",
            "storeops-2026120-1900051.db",
            "mine-20261207-190005.db",
            "storeops-20261207x190005.db",
        ] {
            assert!(!is_daily(other), "{other}");
        }
    }
}
