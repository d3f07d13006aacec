//! The `storeops` binary: run the Discord bot, the local shell, migrations, and admin tasks.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
        /// With --now: work on a copy of the database (a temporary file), so the manual clock
        /// cannot mark the real reminders sent or skipped. Required on a database a real clock
        /// has delivered from.
        #[arg(long, requires = "now")]
        copy: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Copy the database to FILE, consistently, also while the bot runs; the copy is checked
    /// with SQLite's integrity check before success is reported (exit code 1 otherwise).
    /// To restore: stop the bot, copy FILE over the database file, start the bot.
    Backup {
        /// Where the copy goes (replaced once the new copy is whole and checked).
        file: PathBuf,
    },
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

fn main() -> anyhow::Result<()> {
    // glibc gives each thread that allocates (tokio's workers, sqlx's one thread per SQLite
    // connection) an arena of its own, up to 8 per core; freed pages left in six of them kept
    // about 3 MiB more of an idle bot resident after a burst of work (`cargo bench --bench
    // run_memory`, 1 M database). Two arenas are plenty for a bot that is idle most of the
    // time. Set before any thread starts.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocator settings; no pointer is passed.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
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
    // `runtime.worker_threads` (2), not one per core: each idle thread costs memory.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.runtime.worker_threads)
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run_command(cli.command, config))
}

async fn run_command(command: Cmd, config: Config) -> anyhow::Result<()> {
    match command {
        Cmd::Migrate => {
            let store = open(&config).await?;
            println!("database {} is up to date", config.database.path.display());
            store.close().await;
            Ok(())
        }
        Cmd::Backup { file } => {
            let store = open(&config).await?;
            let app = App::new(store, Arc::new(SystemClock), Arc::new(config));
            let ok = storeops::adapters::cli::backup(&app, &file).await;
            app.close().await;
            if !ok {
                std::process::exit(1);
            }
            Ok(())
        }
        Cmd::Shell {
            as_user,
            roles,
            locale,
            now,
            copy,
        } => run_shell(config, as_user, roles, locale, now, copy).await,
        Cmd::Run => {
            let store = open(&config).await?;
            let app = App::new(store, Arc::new(SystemClock), Arc::new(config));
            storeops::adapters::discord::run(app).await
        }
        Cmd::Import {
            file,
            shop,
            platform,
            dry_run,
            date_order,
            guild,
            all,
        } => {
            let store = open(&config).await?;
            let app = App::new(store, Arc::new(SystemClock), Arc::new(config));
            let args = storeops::app::cmd::import::CliImport {
                file,
                shop,
                guild,
                platform,
                dry_run,
                order: date_order,
                all,
            };
            let ok = storeops::adapters::cli::import(&app, &args).await;
            app.close().await;
            if !ok {
                std::process::exit(1);
            }
            Ok(())
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
    copy: bool,
) -> anyhow::Result<()> {
    let mut config = config;
    let locale_default = config.defaults.locale;
    let mut store = open(&config).await?;
    // The copy the session works on (--copy), removed when it ends.
    let mut copy_path: Option<PathBuf> = None;
    if now.is_some() {
        let probe = App::new(
            store.clone(),
            Arc::new(SystemClock),
            Arc::new(config.clone()),
        );
        let used = probe.real_clock_has_run().await? || probe.run_lock_holder().await?.is_some();
        if copy {
            let path = std::env::temp_dir().join(format!(
                "storeops-copy-{}-{:08x}.db",
                std::process::id(),
                rand::random::<u32>()
            ));
            store.copy_to(&path).await?;
            store.close().await;
            config.database.path = path.clone();
            store = open(&config).await?;
            eprintln!(
                "{}",
                storeops::tr!(
                    locale_default,
                    "shell-copy",
                    path = config.database.path.display().to_string()
                )
            );
            copy_path = Some(path);
        } else if used {
            eprintln!("{}", locale_default.t("shell-now-refused"));
            store.close().await;
            std::process::exit(2);
        }
    }
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
    let config = Arc::new(config);
    let mut app = App::new(store.clone(), clock.clone(), config.clone());
    // On the real clock the shell delivers, so it takes the run lock; when a running bot (or
    // another shell) holds it, this one only watches, read-only.
    let mut lock = None;
    let mut watching = None;
    if manual.is_none() {
        match app.take_run_lock("shell").await? {
            Ok(l) => lock = Some(l),
            Err(holder) => {
                store.close().await;
                store = Store::open_read_only(&config.database.path, config.database.busy_timeout)
                    .await?;
                app = App::new(store.clone(), clock, config.clone());
                watching = Some(holder);
            }
        }
    }
    let mut actor = Actor::new(shell::shell_id(&as_user), as_user.trim_start_matches('@'));
    actor.positions = shell::parse_positions(&roles);
    if let Some(l) = locale {
        actor.locale = Some(
            l.parse()
                .map_err(|bad| anyhow::anyhow!("--locale {bad:?}: expected en-US or zh-CN"))?,
        );
    }
    let mut shell = match &watching {
        Some(holder) => {
            let l = actor.locale.unwrap_or(locale_default);
            eprintln!(
                "{}",
                storeops::tr!(
                    l,
                    "shell-watching",
                    kind = holder.kind.clone(),
                    pid = holder.pid
                )
            );
            Shell::watching(app, actor).await
        }
        None => Shell::new(app, actor, manual.clone()).await?,
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = if manual.is_none() && watching.is_none() {
        Some(tokio::spawn(shell.dispatcher().run(stop_rx)))
    } else {
        None
    };
    let interactive = std::io::stdin().is_terminal();
    let (line_tx, mut line_rx) = tokio::sync::mpsc::channel::<String>(16);
    // Ctrl-C while a line runs (a long :advance) stops that line; otherwise it ends the shell.
    let busy = Arc::new(AtomicBool::new(false));
    let interrupt = shell.interrupt_handle();
    let (quit_tx, mut quit_rx) = tokio::sync::mpsc::channel::<()>(1);
    tokio::spawn({
        let (busy, interrupt) = (busy.clone(), interrupt.clone());
        async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if busy.load(Ordering::SeqCst) {
                    interrupt.store(true, Ordering::SeqCst);
                } else if quit_tx.send(()).await.is_err() {
                    break;
                }
            }
        }
    });
    if interactive {
        println!("{}", shell.welcome().await);
        let (busy, interrupt) = (busy.clone(), interrupt.clone());
        std::thread::spawn(move || read_interactive(line_tx, busy, interrupt));
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
                busy.store(true, Ordering::SeqCst);
                let out = shell.execute(&line).await;
                busy.store(false, Ordering::SeqCst);
                if !out.text.is_empty() {
                    println!("{}", out.text);
                }
                if out.quit {
                    break;
                }
                if line_rx.is_empty() {
                    shell.app.store.release_memory().await;
                }
            }
            Some(sent) = shell.next_outbound() => println!("{sent}"),
            _ = quit_rx.recv() => break,
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
    if let Some(lock) = lock {
        lock.release().await;
    }
    store.close().await;
    if let Some(copy) = copy_path {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
        }
    }
    Ok(())
}

/// Reads lines with history and editing from a terminal (a thread of its own: it blocks). The
/// editor owns the terminal, so it sees Ctrl-C: while a line runs (`busy`) that stops the line
/// (`interrupt`); at the prompt it ends the shell.
fn read_interactive(
    tx: tokio::sync::mpsc::Sender<String>,
    busy: Arc<AtomicBool>,
    interrupt: Arc<AtomicBool>,
) {
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
            Err(rustyline::error::ReadlineError::Interrupted) if busy.load(Ordering::SeqCst) => {
                interrupt.store(true, Ordering::SeqCst);
            }
            Err(_) => {
                let _ = tx.blocking_send(":quit".into());
                break;
            }
        }
    }
}
