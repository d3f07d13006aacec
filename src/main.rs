//! The `storeops` binary: run the Discord bot, the local shell, migrations, and admin tasks.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use storeops::adapters::shell::{self, Shell};
use storeops::app::{Actor, App};
use storeops::clock::{ManualClock, SharedClock, SystemClock};
use storeops::config::Config;
use storeops::store::Store;
use tokio::io::AsyncBufReadExt;

/// The operations bot of an online store's team.
#[derive(Parser, Debug)]
#[command(name = "storeops", version, about)]
struct Cli {
    /// Configuration file (default: config/storeops.toml when present, else built-in defaults).
    #[arg(long, global = true, env = "STOREOPS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Connect to Discord and run the bot (needs DISCORD_TOKEN).
    Run,
    /// Try the bot locally: type commands, see replies and reminders. No Discord needed.
    Shell {
        /// Pretend to be this user.
        #[arg(long = "as", default_value = "me")]
        as_user: String,
        /// Positions of the pretend user, comma-separated (manager, operations, marketing,
        /// customer-service, design, copywriting, warehouse, product).
        #[arg(long, default_value = "manager")]
        roles: String,
        /// Reply language: en-US or zh-CN (default: the configured default).
        #[arg(long)]
        locale: Option<String>,
        /// Start a manual clock at this time ("2026-11-23 09:00" in the default time zone, or
        /// RFC 3339); move it with ":advance 2h".
        #[arg(long)]
        now: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Import a platform's daily export (CSV, xlsx, xls) into a shop: prints the preview as a
    /// table on stdout, then writes every day in one transaction (nothing when a row does not
    /// read: then only the reason goes to stderr, and the exit code is 1). A progress bar is
    /// drawn on stderr for large files when stderr is a terminal.
    Import {
        /// The exported file.
        file: PathBuf,
        /// The shop's name.
        #[arg(long)]
        shop: String,
        /// Platform mapping (tmall, tmall-items, jd, aliexpress, amazon, shopify-sales,
        /// shopify-sessions, alimama, or one of config/importers/); default: recognised from
        /// the headers.
        #[arg(long)]
        platform: Option<String>,
        /// Print the preview and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// How dates like 11/10/26 read: auto (default: decided from the file; the preview
        /// says how), mdy (month/day/year) or dmy (day/month/year).
        #[arg(long, default_value = "auto")]
        date_order: storeops::domain::import::DateOrder,
        /// Print every day of the file in the table (by default the first 31, and how many
        /// more there are).
        #[arg(long)]
        all: bool,
        /// The guild of the shop, when several have a shop of that name.
        #[arg(long)]
        guild: Option<u64>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The shell's screen is for the conversation; only errors are logged there by default.
    let default_filter = if matches!(cli.command, Cmd::Shell { .. }) {
        "error"
    } else {
        "warn,storeops=info"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOREOPS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::load_from_env(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("storeops: {e}");
            std::process::exit(2);
        }
    };
    match cli.command {
        Cmd::Migrate => {
            let store = open(&config).await?;
            println!("database {} is up to date", config.database.path.display());
            store.close().await;
            Ok(())
        }
        Cmd::Shell {
            as_user,
            roles,
            locale,
            now,
        } => run_shell(config, as_user, roles, locale, now).await,
        Cmd::Run => storeops::adapters::discord::run(config).await,
        Cmd::Import {
            file,
            shop,
            platform,
            dry_run,
            date_order,
            guild,
            all,
        } => {
            use storeops::app::cmd::import;
            let store = open(&config).await?;
            let args = import::CliImport {
                file,
                shop,
                guild,
                platform,
                dry_run,
                order: date_order,
                all,
            };
            let l = config.defaults.locale;
            let bar = TerminalProgress::for_file(&args.file, l);
            let out = import::run_cli(&store, &args, l, chrono::Utc::now(), &bar).await;
            store.close().await;
            match out {
                Ok(text) => {
                    println!("{text}");
                    Ok(())
                }
                Err(failure) => {
                    if !failure.preview.is_empty() {
                        println!("{}", failure.preview.trim_end());
                    }
                    eprintln!("{}", failure.reason);
                    std::process::exit(1);
                }
            }
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
    locale: storeops::i18n::Locale,
}

impl TerminalProgress {
    fn for_file(file: &std::path::Path, locale: storeops::i18n::Locale) -> Self {
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

impl storeops::app::cmd::import::Progress for TerminalProgress {
    fn start(&self, step: storeops::app::cmd::import::Step, total: u64) {
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

async fn open(config: &Config) -> anyhow::Result<Store> {
    Store::open(&config.database.path, config.database.busy_timeout)
        .await
        .with_context(|| format!("opening the database {}", config.database.path.display()))
}

async fn run_shell(
    config: Config,
    as_user: String,
    roles: String,
    locale: Option<String>,
    now: Option<String>,
) -> anyhow::Result<()> {
    let store = open(&config).await?;
    let manual = match now {
        Some(s) => Some(ManualClock::new(
            shell::parse_now(&s, config.defaults.timezone).with_context(|| {
                format!("--now {s:?}: expected \"2026-11-23 09:00\" or an RFC 3339 time")
            })?,
        )),
        None => None,
    };
    let clock: SharedClock = match &manual {
        Some(m) => Arc::new(m.clone()),
        None => Arc::new(SystemClock),
    };
    let app = App::new(store.clone(), clock, Arc::new(config));
    let mut actor = Actor::new(shell::shell_id(&as_user), as_user.trim_start_matches('@'));
    actor.positions = shell::parse_positions(&roles);
    if let Some(l) = locale {
        actor.locale = Some(
            l.parse()
                .map_err(|bad| anyhow::anyhow!("--locale {bad:?}: expected en-US or zh-CN"))?,
        );
    }
    let mut shell = Shell::new(app, actor, manual.clone()).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = if manual.is_none() {
        Some(tokio::spawn(shell.dispatcher().run(stop_rx)))
    } else {
        None
    };
    let interactive = std::io::stdin().is_terminal();
    let (line_tx, mut line_rx) = tokio::sync::mpsc::channel::<String>(16);
    if interactive {
        println!("{}", shell.welcome().await);
        std::thread::spawn(move || read_interactive(line_tx));
    } else {
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line_tx.send(line).await.is_err() {
                    break;
                }
            }
        });
    }
    loop {
        tokio::select! {
            line = line_rx.recv() => {
                let Some(line) = line else { break };
                let out = shell.execute(&line).await;
                if !out.text.is_empty() {
                    println!("{}", out.text);
                }
                if out.quit {
                    break;
                }
            }
            Some(sent) = shell.next_outbound() => println!("{sent}"),
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    let _ = stop_tx.send(true);
    if let Some(bg) = background {
        let _ = bg.await;
    }
    let rest = shell.drain_outbound().await;
    if !rest.is_empty() {
        println!("{rest}");
    }
    store.close().await;
    Ok(())
}

/// Reads lines with history and editing from a terminal (a thread of its own: it blocks).
fn read_interactive(tx: tokio::sync::mpsc::Sender<String>) {
    let Ok(mut editor) = rustyline::DefaultEditor::new() else {
        return;
    };
    loop {
        match editor.readline("storeops> ") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                if tx.blocking_send(line).is_err() {
                    break;
                }
            }
            Err(_) => {
                let _ = tx.blocking_send(":quit".into());
                break;
            }
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
