//! Idle memory of the real bot (`cargo bench --bench run_memory`), a plain main printing
//! figures: the release binary's `storeops run` against the fake Discord of the tests
//! (tests/all/fake_discord, on 127.0.0.1: REST and gateway), on a fresh database and on the
//! 1 M-row database of the `commands` bench (`target/bench-data/commands-v*-1000000.db`, made
//! by `cargo bench --bench commands`; skipped when missing). Each database is migrated first
//! (a new migration's backfill would otherwise still run while the idle bot is measured); the
//! bot then connects, identifies, registers its commands and settles; its resident set
//! (`VmRSS`, with `RssAnon` and `RssFile`, from `/proc/PID/status`) is read every second for
//! 10 s once nothing changed at the fake for 3 s, and the median and largest reading printed,
//! with where the pages are (from `/proc/PID/smaps`): the binary's code, its read-only data,
//! its data relocated at start (private, so anonymous), heap and thread memory, libraries.
//!
//! The reference is a bare serenity + poise bot (this bench's own binary started again with
//! `RUN_MEMORY_BARE_BOT=1`, see [`bare_bot`]): the same serenity features and HTTP client,
//! one slash command registered in the guild, the same fake, measured the same way.
//!
//! `RUN_MEMORY_STOREOPS=FILE` measures another build of `storeops` (another profile's, say);
//! `RUN_MEMORY_NO_BIG=1` skips the 1 M database; `RUN_MEMORY_SMAPS=DIR` also writes each process's `/proc/PID/smaps` into DIR.

#[path = "../tests/all/fake_discord/mod.rs"]
mod fake_discord;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fake_discord::{FakeDiscord, GuildFixture};

/// VmRSS, RssAnon and RssFile of a process, in KiB.
fn rss(pid: u32) -> (u64, u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"), field("RssFile:"))
}

/// The 1 M-row database of the `commands` bench, newest cache version first.
fn big_database() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let mut found: Vec<PathBuf> = std::fs::read_dir(target.join("bench-data"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("commands-v") && n.ends_with("-1000000.db"))
        })
        .collect();
    found.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    found.pop()
}

/// What the fake has seen: gateway frames received and REST requests.
fn activity(fake: &FakeDiscord) -> (usize, usize) {
    (fake.gateway_received().len(), fake.request_log().len())
}

/// Where a process's resident pages are, in KiB, from `/proc/PID/smaps`: the code of its own
/// binary, the binary's other file-backed pages (read-only data, unwind tables, relocation
/// tables read at start), the binary's pages written at start (data holding addresses,
/// relocated by the loader: private copies, so anonymous), other anonymous memory (heap,
/// thread stacks and malloc arenas, SQLite's caches) and the shared libraries.
#[derive(Debug, Default, Clone, Copy)]
struct Pages {
    code: u64,
    read_only: u64,
    relocated: u64,
    heap: u64,
    libraries: u64,
}

fn pages(pid: u32) -> Pages {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
    let exe = exe
        .to_string_lossy()
        .trim_end_matches(" (deleted)")
        .to_string();
    let mut p = Pages::default();
    let (mut name, mut perms) = (String::new(), String::new());
    let mut rss = 0;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            perms = fields.next().unwrap_or("").to_string();
            name = fields.nth(3).unwrap_or("").to_string();
            continue;
        }
        let kib: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
        match first {
            "Rss:" => rss = kib,
            "Anonymous:" => {
                let file = rss - kib.min(rss);
                if name == exe {
                    p.relocated += kib;
                    if perms.contains('x') {
                        p.code += file;
                    } else {
                        p.read_only += file;
                    }
                } else if name.starts_with('/') {
                    p.libraries += file;
                    p.heap += kib;
                } else {
                    p.heap += kib + file;
                }
            }
            _ => {}
        }
    }
    p
}

/// Starts `cmd` (a bot pointed at `fake`), waits until it identified and the fake saw nothing
/// new for 3 s, reads its resident set for 10 s and prints the median.
async fn measure(label: &str, mut cmd: Command, fake: &FakeDiscord) {
    let mut child = cmd
        .env("DISCORD_TOKEN", "bench-token")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the bot");
    let pid = child.id();
    let began = Instant::now();
    // Connected and identified, then quiet at the fake for 3 s (at most 60 s in all).
    let mut last = activity(fake);
    let mut quiet_since = Instant::now();
    while began.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = activity(fake);
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
        if fake.identify_count() > 0 && quiet_since.elapsed() >= Duration::from_secs(3) {
            break;
        }
    }
    assert!(
        fake.identify_count() > 0,
        "{label}: the bot never identified at the fake"
    );
    assert!(
        !fake
            .registered_guild_commands(fake.fixture().guild_id)
            .is_empty(),
        "{label}: the bot registered no command"
    );
    let settled = began.elapsed().as_secs_f64();
    let mut samples = Vec::new();
    for _ in 0..10 {
        samples.push(rss(pid));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let where_ = pages(pid);
    if let Some(dir) = std::env::var_os("RUN_MEMORY_SMAPS") {
        let file = Path::new(&dir).join(format!("{}.smaps", label.replace([' ', '+'], "_")));
        let _ = std::fs::copy(format!("/proc/{pid}/smaps"), file);
    }
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "{label}: the bot exited"
    );
    child.kill().expect("kill");
    child.wait().expect("reaped");
    samples.sort();
    let median = samples[samples.len() / 2];
    let max = samples[samples.len() - 1];
    let mib = |k: u64| k as f64 / 1024.0;
    println!(
        "  {label}: idle {:.1} MiB ({:.1} anonymous + {:.1} file-backed), largest {:.1} MiB; settled {settled:.1} s after start, {} gateway frames, {} REST requests",
        mib(median.0),
        mib(median.1),
        mib(median.2),
        mib(max.0),
        last.0,
        last.1
    );
    println!(
        "    binary code {:.1} + binary read-only data {:.1} (file) · binary data relocated at start {:.1} + heap, stacks and caches {:.1} (anonymous) · libraries {:.1} MiB",
        mib(where_.code),
        mib(where_.read_only),
        mib(where_.relocated),
        mib(where_.heap),
        mib(where_.libraries)
    );
}

/// `storeops run` on the database `db` (migrated first: a new migration's backfill would
/// otherwise still run while the idle bot is measured) against a fresh fake.
async fn measure_storeops(label: &str, db: &Path, dir: &Path) {
    let bin = std::env::var("RUN_MEMORY_STOREOPS")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_storeops").to_string());
    let bin = bin.as_str();
    let migrated = Command::new(bin)
        .arg("migrate")
        .current_dir(dir)
        .env_remove("STOREOPS_CONFIG")
        .env("STOREOPS_DATABASE_PATH", db)
        .env("STOREOPS_LOG", "error")
        .stdout(Stdio::null())
        .status()
        .expect("storeops migrate");
    assert!(migrated.success(), "storeops migrate failed");
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let mut cmd = Command::new(bin);
    cmd.arg("run")
        .current_dir(dir)
        .env_remove("STOREOPS_CONFIG")
        .env("STOREOPS_DATABASE_PATH", db)
        .env("STOREOPS_DISCORD_API_BASE", fake.api_base())
        .env(
            "STOREOPS_DISCORD_GUILDS",
            fake.fixture().guild_id.to_string(),
        )
        .env("STOREOPS_LOG", "warn");
    measure(label, cmd, &fake).await;
}

/// The bare serenity + poise bot against a fresh fake.
async fn measure_bare() {
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let mut cmd = Command::new(std::env::current_exe().expect("this bench's binary"));
    cmd.env("RUN_MEMORY_BARE_BOT", "1")
        .env("RUN_MEMORY_API_BASE", fake.api_base())
        .env("RUN_MEMORY_GUILD", fake.fixture().guild_id.to_string());
    measure("bare serenity + poise bot", cmd, &fake).await;
}

type BareError = Box<dyn std::error::Error + Send + Sync>;

/// Answers "pong".
#[poise::command(slash_command)]
async fn ping(ctx: poise::Context<'_, (), BareError>) -> Result<(), BareError> {
    ctx.say("pong").await?;
    Ok(())
}

/// The reference: the smallest serenity + poise bot that does what a bot must (gateway with
/// the GUILDS intent, serenity's cache, one slash command registered in the guild when
/// ready), on the runtime `#[tokio::main]` builds, pointed at the fake as storeops is.
fn bare_bot() -> ! {
    use poise::serenity_prelude as serenity;
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k}"));
    let token = var("DISCORD_TOKEN");
    let base = var("RUN_MEMORY_API_BASE");
    let guild = serenity::GuildId::new(var("RUN_MEMORY_GUILD").parse().expect("guild id"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let http = serenity::HttpBuilder::new(&token)
            .proxy(base)
            .ratelimiter_disabled(true)
            .build();
        let framework = poise::Framework::builder()
            .options(poise::FrameworkOptions {
                commands: vec![ping()],
                ..Default::default()
            })
            .setup(move |ctx, _ready, framework| {
                Box::pin(async move {
                    poise::builtins::register_in_guild(ctx, &framework.options().commands, guild)
                        .await?;
                    Ok(())
                })
            })
            .build();
        let mut client =
            serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
                .framework(framework)
                .await
                .expect("client");
        client.start().await.expect("gateway");
    });
    std::process::exit(0)
}

fn main() {
    if std::env::var_os("RUN_MEMORY_BARE_BOT").is_some() {
        bare_bot();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "run memory: `storeops run` (this profile's binary) against the fake Discord, resident set:"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    rt.block_on(async {
        measure_bare().await;
        measure_storeops("fresh database", &dir.path().join("fresh.db"), dir.path()).await;
        match big_database().filter(|_| std::env::var_os("RUN_MEMORY_NO_BIG").is_none()) {
            Some(big) => {
                let copy = dir.path().join("big.db");
                std::fs::copy(&big, &copy).expect("copy");
                measure_storeops("1 M database", &copy, dir.path()).await;
            }
            None => {
                println!("  1 M database: not found (run `cargo bench --bench commands` first)")
            }
        }
    });
}
