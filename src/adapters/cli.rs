//! The one-shot command-line front-end: `storeops import FILE --shop NAME` prints the same
//! preview as `/data import` (its table with every figure of the file) on stdout, then imports;
//! why it could not goes to stderr. A progress bar is drawn on stderr for large files, only
//! when stderr is a terminal.

use std::io::IsTerminal;

use crate::app::App;
use crate::app::cmd::import::{CliImport, Progress, Step, run_cli};

/// Runs `storeops import`; false when nothing could be imported (the reason was printed).
pub async fn import(app: &App, args: &CliImport) -> bool {
    let l = app.config.defaults.locale;
    let bar = TerminalProgress::for_file(&args.file, l);
    match run_cli(app, args, l, app.clock.now(), &bar).await {
        Ok(text) => {
            println!("{text}");
            true
        }
        // The preview (when there is one) is the output; only the reason is an error.
        Err(failure) => {
            if !failure.preview.is_empty() {
                println!("{}", failure.preview.trim_end());
            }
            eprintln!("{}", failure.reason);
            false
        }
    }
}

/// Runs `storeops backup FILE`: a consistent copy of the database (also while the bot runs),
/// checked with SQLite's integrity check before it says so; false when it failed (the reason
/// went to stderr, and no half-written file is left at FILE).
pub async fn backup(app: &App, file: &std::path::Path) -> bool {
    let l = app.config.defaults.locale;
    match crate::app::backup::backup_to(app, file).await {
        Ok(b) => {
            println!(
                "{}",
                crate::tr!(
                    l,
                    "cli-backup-done",
                    file = b.path.display().to_string(),
                    bytes = b.bytes.to_string(),
                    db = app.config.database.path.display().to_string()
                )
            );
            true
        }
        Err(e) => {
            eprintln!(
                "{}",
                crate::tr!(
                    l,
                    "cli-backup-failed",
                    file = file.display().to_string(),
                    reason = e.to_string()
                )
            );
            false
        }
    }
}

/// Files from this size on get a progress bar (smaller ones are done before a bar is seen).
const PROGRESS_MIN_BYTES: u64 = 256 * 1024;

/// Whether a file of `size` bytes gets a bar: only large files, only on a terminal.
fn wants_bar(size: u64, stderr_is_terminal: bool) -> bool {
    stderr_is_terminal && size >= PROGRESS_MIN_BYTES
}

/// `storeops import`'s progress bar: drawn on stderr, only when stderr is a terminal and the
/// file is large, so piped output, logs and tests never see it.
struct TerminalProgress {
    bar: Option<indicatif::ProgressBar>,
    locale: crate::i18n::Locale,
}

impl TerminalProgress {
    fn for_file(file: &std::path::Path, locale: crate::i18n::Locale) -> Self {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let bar = wants_bar(size, std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        TerminalProgress { bar, locale }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, step: Step, total: u64) {
        let Some(bar) = &self.bar else { return };
        let template = if total == 0 {
            "{spinner} {msg}"
        } else {
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({eta})"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_length(total);
        bar.set_position(0);
        bar.set_message(self.locale.t(step.key()));
    }

    fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_is_only_for_large_files_on_a_terminal() {
        assert!(wants_bar(PROGRESS_MIN_BYTES, true));
        assert!(wants_bar(10 * 1024 * 1024, true));
        assert!(
            !wants_bar(PROGRESS_MIN_BYTES - 1, true),
            "small: done before a bar is seen"
        );
        assert!(
            !wants_bar(10 * 1024 * 1024, false),
            "piped or redirected: no bar"
        );
    }
}
