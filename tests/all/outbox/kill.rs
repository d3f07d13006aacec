//! Kill -9 in the middle of a burst, with the real binary (issue #20): `storeops run` delivers
//! a burst of queued messages to the fake Discord on 127.0.0.1, is killed with SIGKILL at random
//! points of it, and is started again at once, until everything went out. Counted at the fake,
//! where a user would see them: every message shows exactly once. A message that was in flight
//! at a kill is in doubt after the restart: the bot reads the channel's recent messages (Get
//! Channel Messages, one paginated read per channel and batch) and records the ones it finds
//! there as sent; the others go out with the same nonce. Restarted inside Discord's nonce
//! window (the fake's [`NONCE_WINDOW`]) a resend would also be answered with the first message;
//! restarted after it, only the read stands between a message and its double — so both runs
//! must show nothing twice.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use rand::{Rng, SeedableRng};
use storeops::store::outbox::Target;

use crate::fake_discord::{FakeDiscord, GuildFixture, NONCE_WINDOW};
use crate::support::TestApp;
use crate::support::outbox::{enqueue_all, message};
use crate::support::store::count;

/// Messages in the burst (`STOREOPS_KILL_ROWS`, default 500; the full size is 1,000).
fn rows() -> usize {
    env_or("STOREOPS_KILL_ROWS", 500)
}

/// Kills in each run of the burst (`STOREOPS_KILL_KILLS`, default 6; the full size is 20).
fn kills_wanted() -> usize {
    env_or("STOREOPS_KILL_KILLS", 6)
}

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
/// `outbox.batch_size` of the bot under test.
const BATCH: usize = 50;
/// `outbox.lease_seconds` of the bot under test (the least the configuration allows).
const LEASE_SECONDS: u64 = 5;

/// `storeops run` on the test's database against the fake, its log appended to `log`.
fn start(t: &TestApp, fake: &FakeDiscord, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_storeops"))
        .arg("run")
        .current_dir(t.dir.path())
        .env_remove("STOREOPS_CONFIG")
        .env("DISCORD_TOKEN", "test-token")
        .env("STOREOPS_DATABASE_PATH", &t.app.config.database.path)
        .env("STOREOPS_DISCORD_API_BASE", fake.api_base())
        .env(
            "STOREOPS_DISCORD_GUILDS",
            fake.fixture().guild_id.to_string(),
        )
        .env("STOREOPS_DISCORD_GLOBAL_REQUESTS_PER_SECOND", "1000")
        .env("STOREOPS_OUTBOX_LEASE_SECONDS", LEASE_SECONDS.to_string())
        .env("STOREOPS_OUTBOX_BATCH_SIZE", BATCH.to_string())
        .env("STOREOPS_OUTBOX_PER_CHANNEL_INTERVAL_MS", "0")
        .env("STOREOPS_LOG", "warn,storeops=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start storeops run")
}

/// Message creates the fake answered: new messages plus resends it deduplicated.
fn answered(fake: &FakeDiscord) -> usize {
    fake.message_count() + fake.nonce_replays() as usize
}

/// What one run of the burst measured.
#[derive(Debug)]
struct Figures {
    kills: usize,
    messages: usize,
    /// Sends the fake answered with the first message (inside the nonce window).
    resent_inside: u64,
    /// Messages a user sees a second time (a resend after the window).
    shown_twice: usize,
    lost: usize,
    /// Get Channel Messages requests the bot made (checks of rows in doubt, pages included).
    history_reads: usize,
    /// Rows in doubt the bot found posted already and recorded without sending (from its log).
    found_posted: usize,
    seconds: f64,
}

/// The rows the bot's log says it found posted after a restart (`found=N` of each check).
fn found_in_log(log: &str) -> usize {
    // Without the terminal colours.
    let mut plain = String::with_capacity(log.len());
    let mut in_escape = false;
    for ch in log.chars() {
        match (in_escape, ch) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => plain.push(c),
        }
    }
    plain
        .lines()
        .filter(|l| l.contains("had gone through"))
        .filter_map(|l| l.split("found=").nth(1))
        .filter_map(|n| {
            n.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum()
}

/// The burst: [`rows`] messages over the fixture's channels, the bot killed [`kills_wanted`] times at
/// random points and started again at once — or, with `after_window`, as if it came back
/// after Discord's nonce window (the fake's clock moved past it).
async fn burst(after_window: bool, seed: u64) -> Figures {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (n_rows, n_kills) = (rows(), kills_wanted());
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let t = TestApp::quiet().await;
    let guild = fake.fixture().guild_id;
    let channels: Vec<u64> = fake.fixture().channels.iter().map(|c| c.id).collect();
    let due = Utc::now() - Duration::seconds(1);
    let rows: Vec<_> = (0..n_rows)
        .map(|i| {
            let channel = channels[i % channels.len()];
            message(
                guild,
                &format!("burst:{i}"),
                "burst",
                Target::Channel(channel),
                due,
            )
        })
        .collect();
    enqueue_all(&t.app, &rows).await;
    let log = t.dir.path().join("run.log");
    let sent = "SELECT COUNT(*) FROM outbox WHERE state = 'sent'";
    let began = Instant::now();

    let mut kills = 0;
    while kills < n_kills {
        let mut bot = start(&t, &fake, &log);
        // A random point: after 0 to 1.2 batches more answers, plus up to 2 ms.
        let target = answered(&fake) + rng.gen_range(0..=BATCH * 6 / 5);
        let reached =
            crate::support::eventually(StdDuration::from_secs(30), || answered(&fake) >= target)
                .await;
        assert!(
            reached,
            "the bot stopped sending before the kill point; its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(StdDuration::from_micros(rng.gen_range(0..2000))).await;
        bot.kill().expect("SIGKILL");
        bot.wait().expect("reaped");
        kills += 1;
        if count(&t.app, sent).await == n_rows as i64 {
            break;
        }
        if after_window {
            fake.advance_clock(NONCE_WINDOW + StdDuration::from_secs(1));
        }
    }
    assert_eq!(kills, n_kills, "the burst ended before the last kill");

    // The last start delivers the rest (rows in flight at the last kill after their lease).
    let mut bot = start(&t, &fake, &log);
    let limit = Instant::now() + StdDuration::from_secs(60);
    while count(&t.app, sent).await < n_rows as i64 {
        assert!(
            Instant::now() < limit,
            "not everything was sent within 60 s; states: {:?}; log:\n{}",
            crate::support::outbox::state_counts(&t.app).await,
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    bot.kill().expect("SIGKILL");
    bot.wait().expect("reaped");
    let seconds = began.elapsed().as_secs_f64();

    // What a user sees: the messages of each channel, by nonce.
    let nonces: Vec<(i64, String)> =
        sqlx::query_as("SELECT target_id, nonce FROM outbox WHERE source = 'burst'")
            .fetch_all(&t.app.store.pool)
            .await
            .expect("rows");
    assert_eq!(nonces.len(), n_rows);
    let mut shown: HashMap<(u64, String), usize> = HashMap::new();
    for m in fake.all_messages() {
        let channel = m["channel_id"].as_str().and_then(|c| c.parse().ok());
        if let (Some(c), Some(n)) = (channel, m["nonce"].as_str()) {
            *shown.entry((c, n.to_string())).or_default() += 1;
        }
    }
    let mut lost = 0;
    let mut shown_twice = 0;
    for (channel, nonce) in &nonces {
        match shown.get(&(*channel as u64, nonce.clone())) {
            None | Some(0) => lost += 1,
            Some(n) => shown_twice += n - 1,
        }
    }
    fake.assert_no_unexpected_refusals();
    let history_reads = fake
        .request_log()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/messages"))
        .count();
    Figures {
        kills,
        messages: n_rows,
        resent_inside: fake.nonce_replays(),
        shown_twice,
        lost,
        history_reads,
        found_posted: found_in_log(&std::fs::read_to_string(&log).unwrap_or_default()),
        seconds,
    }
}

/// Prints one run's counts, for the closing note's table.
fn report(when: &str, seed: u64, f: &Figures) {
    println!(
        "kill -9 test, restarts {when} the nonce window (seed {seed}): {} kills, {} messages, \
         {} found posted by reading the channels back ({} reads), {} re-sent inside the window \
         (Discord returned the first message), {} shown twice, {} lost, {:.1} s",
        f.kills,
        f.messages,
        f.found_posted,
        f.history_reads,
        f.resent_inside,
        f.shown_twice,
        f.lost,
        f.seconds
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_burst_and_restarted_at_once_every_message_shows_exactly_once() {
    let seed = rand::random();
    let f = burst(false, seed).await;
    report("inside", seed, &f);
    assert_eq!(f.lost, 0, "seed {seed}: {f:?}");
    // Inside the window the fake's nonce check answers any resend with the first message.
    assert_eq!(f.shown_twice, 0, "seed {seed}: {f:?}");
    assert!(
        f.resent_inside <= (f.kills * BATCH) as u64,
        "at most one batch re-sent a kill; seed {seed}: {f:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_burst_and_back_after_the_nonce_window_every_message_shows_exactly_once() {
    let seed = rand::random();
    let f = burst(true, seed).await;
    report("after", seed, &f);
    assert_eq!(f.lost, 0, "seed {seed}: {f:?}");
    assert_eq!(
        f.resent_inside, 0,
        "every restart came after the window: {f:?}"
    );
    // After the window the nonce no longer helps: only the read of the channels does.
    assert_eq!(f.shown_twice, 0, "seed {seed}: {f:?}");
    assert!(
        f.history_reads > 0,
        "rows in doubt after a kill are checked by reading the channel; seed {seed}: {f:?}"
    );
}
