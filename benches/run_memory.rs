//! Idle memory of the real bot (`cargo bench --bench run_memory`), a plain main printing
//! figures: the release binary's `storeops run` against the fake Discord of the tests
//! (tests/all/fake_discord, on 127.0.0.1: REST and gateway), on a fresh database and on the
//! 1 M-row database of the `commands` bench (`target/bench-data/commands-v*-1000000.db`, made
//! by `cargo bench --bench commands`; skipped when missing). Each database is migrated first
//! (a new migration's backfill would otherwise still run while the idle bot is measured); the
//! bot then connects, identifies, registers its commands and settles; its resident set
//! (`VmRSS`, with `RssAnon` and `RssFile`, from `/proc/PID/status`) is read every second for
//! 10 s once nothing changed at the fake for 3 s, and the median and largest reading printed.

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

async fn measure(label: &str, db: &Path, dir: &Path) {
    let bin = env!("CARGO_BIN_EXE_storeops");
    let migrated = Command::new(bin)
        .arg("migrate")
        .current_dir(dir)
        .env_remove("STOREOPS_CONFIG")
        .env("STOREOPS_DATABASE_PATH", db)
        .env("STOREOPS_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("storeops migrate");
    assert!(migrated.success(), "storeops migrate failed");
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let mut child = Command::new(bin)
        .arg("run")
        .current_dir(dir)
        .env_remove("STOREOPS_CONFIG")
        .env("DISCORD_TOKEN", "bench-token")
        .env("STOREOPS_DATABASE_PATH", db)
        .env("STOREOPS_DISCORD_API_BASE", fake.api_base())
        .env(
            "STOREOPS_DISCORD_GUILDS",
            fake.fixture().guild_id.to_string(),
        )
        .env("STOREOPS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start storeops run");
    let pid = child.id();
    let began = Instant::now();
    // Connected and identified, then quiet at the fake for 3 s (at most 60 s in all).
    let mut last = activity(&fake);
    let mut quiet_since = Instant::now();
    while began.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = activity(&fake);
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
    let settled = began.elapsed().as_secs_f64();
    let mut samples = Vec::new();
    for _ in 0..10 {
        samples.push(rss(pid));
        tokio::time::sleep(Duration::from_secs(1)).await;
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
    let mib = |(all, anon, file): (u64, u64, u64)| {
        format!(
            "{:.1} MiB ({:.1} anonymous + {:.1} file-backed)",
            all as f64 / 1024.0,
            anon as f64 / 1024.0,
            file as f64 / 1024.0
        )
    };
    println!(
        "  {label}: idle {} (largest {:.1} MiB); settled {settled:.1} s after start, {} gateway frames, {} REST requests",
        mib(median),
        max.0 as f64 / 1024.0,
        last.0,
        last.1
    );
}

fn main() {
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
        measure("fresh database", &dir.path().join("fresh.db"), dir.path()).await;
        match big_database() {
            Some(big) => {
                let copy = dir.path().join("big.db");
                std::fs::copy(&big, &copy).expect("copy");
                measure("1 M database", &copy, dir.path()).await;
            }
            None => {
                println!("  1 M database: not found (run `cargo bench --bench commands` first)")
            }
        }
    });
}
