//! Commands at ten years of data (`cargo bench --bench commands`), a plain main printing figures.
//!
//! 1. **Commands**: two databases, one of 10,000 and one of 1,000,000 tasks (as many
//!    complaints, each with a history entry; 97 % of the tasks done, the rest open, in progress
//!    or cancelled; about 1 % of the complaints resolved after their limit; the money paid on
//!    half the resolved ones, in yuan and in dollars), 20 shops of daily figures and of 20
//!    products a day (n rows of figures, n / 20 days: 500 days at 10 k, capped at 10 years at
//!    1 M, so a year of figures is a year at both sizes), 90 days of delivered outbox
//!    messages, and the team's six fixed activities and three recurring tasks. Both grow at the same daily rate (274 tasks and 274 complaints a day), so the
//!    bigger one is a longer history of the same team, not a bigger team: its open work is the
//!    same. They are generated with plain SQL inserts in one transaction and cached under
//!    `target/bench-data/` (delete the folder to make them again), and each run works on a copy,
//!    to which the names a server of some years remembers are added (390 users, roles and
//!    channels: [`remember_a_server`]). Every command runs in-process through the core as the shell runs it (parse, apply, render
//!    the text), and the p50 / p99 of each is printed at both sizes with the ratio.
//! 2. **Growth**: two years of a 10-person team in fast-forward (tasks, complaints, figures,
//!    the messages the bot sends for them, each morning summary with a 20 KB chart) through the
//!    real outbox and dispatcher (a null sink), printing the file size each simulated month,
//!    with `outbox.keep_days` = 90 and with pruning off.
//! 3. **Memory**: the resident memory of the release binary's `storeops shell`, idle, on a
//!    fresh database and on the 1 M one after a few commands (`/proc/PID/status`).
//!
//! `COMMANDS_BENCH_PART=commands|growth|memory` runs one part (default all),
//! `COMMANDS_BENCH_SIZES=10000,1000000` the sizes, `COMMANDS_BENCH_RUNS` the timed runs per
//! command (default 40, at least 20), `COMMANDS_BENCH_ONLY=summary` only the commands whose line
//! contains that text, `COMMANDS_BENCH_TRACE=1` each command's statements on a timeline (see
//! [`timeline`]), `COMMANDS_BENCH_SPIKES=1` each command's three slowest runs and when they fell,
//! `COMMANDS_BENCH_GAP_MS=5` a pause before each run (untimed), as a team's commands come
//! seconds apart rather than back to back.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::Connection;
use storeops::adapters::shell::{SHELL_GUILD, Shell, parse_positions, shell_id};
use storeops::app::{Actor, App, Reply};
use storeops::clock::ManualClock;
use storeops::config::Config;
use storeops::message::Attachment;
use storeops::outbox::Dispatcher;
use storeops::outbox::sink::{Delivered, Outbound, SendError, Sink};
use storeops::store::outbox::{self, NewMessage, Target};
use storeops::store::{Store, data, ms};

/// Version of the generator: bump when it changes. The cached file's name also carries the
/// latest migration (see [`cache_name`]), so a new migration makes new files: a cached file
/// migrated on open would leave the migration's log and cold pages in what is timed.
const CACHE_VERSION: u32 = 4;
const MEMBERS: [&str; 10] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
];
const SHOPS: usize = 20;
/// Tasks (and complaints) a day: a million in ten years.
const PER_DAY: i64 = 274;
const DAY_MS: i64 = 86_400_000;

/// 2026-11-23 01:00 UTC = Monday 09:00 in Asia/Shanghai.
fn start() -> DateTime<Utc> {
    "2026-11-23T01:00:00Z".parse().expect("instant")
}

fn yesterday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

fn config_for(path: &Path) -> Config {
    let mut config = Config::defaults();
    config.database.path = path.to_path_buf();
    config.activities.seed_defaults = false;
    config
}

async fn open(path: &Path, clock: &ManualClock) -> App {
    let config = config_for(path);
    let store = Store::open(path, config.database.busy_timeout)
        .await
        .expect("open store");
    App::new(store, Arc::new(clock.clone()), Arc::new(config))
}

/// The shell of alice, the manager (also in customer service and operations).
async fn shell(app: &App, clock: &ManualClock) -> Shell {
    let mut actor = Actor::new(shell_id("alice"), "alice");
    actor.positions = parse_positions("manager,operations,customer-service");
    actor.locale = Some("en-US".parse().expect("locale"));
    Shell::new(app.clone(), actor, Some(clock.clone()))
        .await
        .expect("shell")
}

/// Writes the database of `n` tasks and `n` complaints at `path`.
async fn generate(path: &Path, n: i64) {
    let t0 = Instant::now();
    let clock = ManualClock::new(start());
    let app = open(path, &clock).await;
    let mut sh = shell(&app, &clock).await;
    sh.execute("/setup language:en-US summary-channel:#daily escalation-channel:#escalations")
        .await;
    for s in 0..SHOPS {
        sh.execute(&format!(
            "/data shop name:Shop{s} platform:tmall currency:CNY"
        ))
        .await;
        sh.execute(&format!(
            "/data target shop:Shop{s} amount:3000000 month:2026-11"
        ))
        .await;
    }
    // The team's fixed weeks and its recurring work.
    for line in common::ROUTINE {
        let out = sh.execute(line).await;
        println!("  {line}\n    → {}", out.text.lines().next().unwrap_or(""));
    }
    drop(sh);
    let (activities, recurring): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM activities), (SELECT COUNT(*) FROM task_recurring)",
    )
    .fetch_one(&app.store.pool)
    .await
    .expect("counts");
    assert_eq!(
        (activities, recurring),
        (6, 3),
        "the activities and recurring tasks"
    );
    let now = ms(start());
    let member_case = {
        let arms: String = MEMBERS
            .iter()
            .enumerate()
            .map(|(k, m)| format!(" WHEN {k} THEN {}", shell_id(m) as i64))
            .collect();
        format!("CASE i % 10{arms} END")
    };
    let channel = shell_id("#shell") as i64;
    let mut conn = app.store.pool.acquire().await.expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    // Tasks: due one after the other up to a week ahead; the future ones open (30 % in
    // progress), 2 % cancelled, about 1 % of the last month still open (overdue), the rest
    // done, 60 % of them on time; a fifth given to customer service (half not taken yet).
    let tasks_sql = format!(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1),
         gen AS (SELECT i, ?2 + 7 * 86400000 - (?1 - i) * (86400000 / {PER_DAY}) AS due, (i * 7919) % 100 AS r FROM seq),
         st AS (SELECT *, CASE WHEN due > ?2 THEN (CASE WHEN r < 30 THEN 'in_progress' ELSE 'open' END)
                              WHEN r < 2 THEN 'cancelled'
                              WHEN r = 2 AND due > ?2 - 30 * 86400000 THEN 'open'
                              ELSE 'done' END AS status FROM gen)
         INSERT INTO tasks (guild_id, title, priority, status, assignee_id, position, assigner_id, channel_id, due_at, created_at, updated_at, started_at, done_at)
         SELECT 1, 'Task ' || i, 'normal', status,
                CASE WHEN r % 5 = 0 AND r >= 50 THEN NULL ELSE {member_case} END,
                CASE WHEN r % 5 = 0 THEN 'customer-service' END,
                {alice}, {channel}, due, due - 86400000, due,
                CASE WHEN status IN ('in_progress', 'done') THEN due - 3600000 END,
                CASE WHEN status = 'done' THEN due + (r - 60) * 1200000 END
         FROM st",
        alice = shell_id("alice") as i64,
    );
    sqlx::query(sqlx::AssertSqlSafe(tasks_sql))
        .bind(n)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("tasks");
    sqlx::query("INSERT INTO task_events (task_id, at, actor_id, kind) SELECT id, created_at, assigner_id, 'created' FROM tasks")
        .execute(&mut *tx)
        .await
        .expect("task events");
    // Complaints: logged one after the other up to an hour ago, limit 24 h; resolved after
    // 0–33 h (so about a quarter after the limit), except half of those of the last 2 days.
    let complaints_sql = format!(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1),
         gen AS (SELECT i, ?2 - 3600000 - (?1 - i) * (86400000 / {PER_DAY}) AS at, (i * 7919) % 100 AS r FROM seq),
         st AS (SELECT *, CASE WHEN at > ?2 - 2 * 86400000 AND r < 50 THEN 'open' ELSE 'resolved' END AS status FROM gen)
         INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, owner_id, logged_by, channel_id, created_at, deadline_at, resolved_at, outcome, amount_cents)
         SELECT 1, 'ORD' || (2026000000 + i),
                CASE i % 3 WHEN 0 THEN 'tmall' WHEN 1 THEN 'jd' ELSE 'amazon' END,
                CASE i % 4 WHEN 0 THEN 'damaged' WHEN 1 THEN 'wrong-size' WHEN 2 THEN 'late-shipment' ELSE 'quality' END,
                CASE WHEN r % 10 = 0 THEN 'serious' ELSE 'normal' END,
                'Complaint ' || i, status, {member_case}, {alice}, {channel}, at, at + 86400000,
                CASE WHEN status = 'resolved' THEN at + r * 1200000 END,
                CASE WHEN status = 'resolved' THEN (CASE WHEN r % 2 = 0 THEN 'refund' ELSE 'explanation' END) END,
                CASE WHEN status = 'resolved' AND r % 2 = 0 THEN 2500 + r * 10 END
         FROM st",
        alice = shell_id("alice") as i64,
    );
    sqlx::query(sqlx::AssertSqlSafe(complaints_sql))
        .bind(n)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("complaints");
    sqlx::query("INSERT INTO complaint_events (complaint_id, at, actor_id, kind) SELECT id, created_at, logged_by, 'logged' FROM complaints")
        .execute(&mut *tx)
        .await
        .expect("complaint events");
    // The money paid on them, as recorded since payments had a table of their own: the
    // amazon ones in dollars, the rest in yuan.
    sqlx::query(
        "INSERT INTO complaint_payments (complaint_id, guild_id, at, outcome, amount_cents, currency)
         SELECT id, guild_id, resolved_at, outcome, amount_cents, CASE platform WHEN 'amazon' THEN 'USD' ELSE 'CNY' END
         FROM complaints WHERE status = 'resolved' AND amount_cents IS NOT NULL",
    )
    .execute(&mut *tx)
    .await
    .expect("payments");
    // Daily figures of every shop: n rows of their own kind (n / 20 days), at most ten years.
    // Not the tasks' span: 10 k tasks are 36 days, and a year of figures over 36 days would
    // make `/data show` over a year and the monthly summary compare less work at 10 k.
    let shops = data::shops(&mut tx, 1).await.expect("shops");
    let days = (n / SHOPS as i64).clamp(30, 3650);
    for (s, shop) in shops.iter().enumerate() {
        for i in 0..days {
            let f = common::figures(s, i, 300);
            let day = yesterday() - Duration::days(days - 1 - i);
            sqlx::query(
                "INSERT INTO daily_figures (shop_id, day, figures, paid_cents, uv, paying_buyers, entered_by, entered_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, 'import')",
            )
            .bind(shop.id)
            .bind(day.to_string())
            .bind(serde_json::to_string(&f).expect("json"))
            .bind(f.paid_amount.map(|m| m.0))
            .bind(f.uv)
            .bind(f.paying_buyers)
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("figures");
        }
    }
    // The products of each shop's daily export over the same days: the 20 that sold most.
    sqlx::query(common::PRODUCTS_SQL)
        .bind(yesterday().to_string())
        .bind(days)
        .bind(now)
        .bind(1)
        .execute(&mut *tx)
        .await
        .expect("products");
    // 90 days of delivered messages (200 a day), through the store's own enqueue.
    let payload = Reply::titled("Reminder: task due").line("x".repeat(600));
    for i in 0..(90 * 200).min(n) {
        let due = start() - Duration::milliseconds(i * DAY_MS / 200);
        let msg = NewMessage {
            guild_id: 1,
            dedupe_key: format!("bench:{i}"),
            source: "task".into(),
            target: Target::Channel(channel as u64),
            reply: payload.clone(),
            due_at: due,
        };
        outbox::enqueue(&mut tx, &msg, due).await.expect("enqueue");
    }
    sqlx::query("UPDATE outbox_state SET state = 'sent', sent_at = available_at, attempts = 1")
        .execute(&mut *tx)
        .await
        .expect("sent");
    tx.commit().await.expect("commit");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await
        .expect("checkpoint");
    drop(conn);
    app.store.close().await;
    println!(
        "  generated {n} tasks, {n} complaints, {days} days × {SHOPS} shops (20 products each), {} outbox rows in {:.1} s ({:.0} MB)",
        (90 * 200).min(n),
        t0.elapsed().as_secs_f64(),
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
}

/// The cached database of `n` rows for this generator and schema.
fn cache_name(n: i64) -> String {
    let schema = storeops::store::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    format!("commands-v{CACHE_VERSION}-s{schema}-{n}.db")
}

fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// The cached database of `n` rows (generated when missing).
async fn cached(n: i64) -> PathBuf {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).expect("cache dir");
    let path = dir.join(cache_name(n));
    if !path.exists() {
        let tmp = dir.join(format!("{}.partial", cache_name(n)));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        generate(&tmp, n).await;
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}

/// p50 and p99 of a sample, in ms.
fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99))
}

/// The commands timed, as typed (`{task}` and `{complaint}` are a recent task and complaint).
fn command_lines() -> Vec<String> {
    let y = yesterday();
    let year_ago = y - Duration::days(364);
    [
        "/task list",
        "/task list user:@bob",
        "/task list position:customer-service",
        "/task list scope:overdue",
        "/task list scope:all",
        "/task list scope:all page:3",
        "/task show id:{task}",
        "/task stats period:last-month",
        "/task stats period:this-month",
        "/task assign title:\"Bench task\" due:\"fri 18:00\" user:@bob",
        "/task comment id:{task} text:\"checked\"",
        "/complaint list scope:open",
        "/complaint list scope:mine",
        "/complaint list scope:breached",
        "/complaint list scope:all",
        "/complaint list scope:all platform:jd",
        "/complaint show id:{complaint}",
        "/complaint stats period:last-30d",
        "/complaint log order:B2026 platform:tmall category:damaged summary:\"Cup broken\"",
        &format!("/data show from:{year_ago} to:{y}"),
        &format!("/data show shop:Shop3 from:{year_ago} to:{y}"),
        &format!("/summary now date:{y}"),
        "/summary weekly",
        "/summary monthly",
        "/status",
        "/outbox list",
        "/activity list",
        "/task recurring",
        "/help",
    ]
    .iter()
    .filter(|s| std::env::var("COMMANDS_BENCH_ONLY").map_or(true, |only| s.contains(only.as_str())))
    .map(|s| s.to_string())
    .collect()
}

/// Times every command on the database at `cached`; returns (line, p50, p99, first line of
/// its answer).
async fn time_commands(cached: &Path, runs: usize) -> Vec<(String, f64, f64, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    std::fs::copy(cached, &path).expect("copy");
    let clock = ManualClock::new(start());
    let app = open(&path, &clock).await;
    remember_a_server(&app).await;
    let mut sh = shell(&app, &clock).await;
    // Timed as a command runs: no dispatcher pass after each line (the shell makes one only
    // on its manual clock).
    sh.manual = None;
    let (task,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM tasks WHERE status = 'done'")
        .fetch_one(&app.store.pool)
        .await
        .expect("task");
    let (complaint,): (i64,) =
        sqlx::query_as("SELECT MAX(id) FROM complaints WHERE status = 'resolved'")
            .fetch_one(&app.store.pool)
            .await
            .expect("complaint");
    let gap = std::time::Duration::from_millis(
        std::env::var("COMMANDS_BENCH_GAP_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    );
    let mut out = Vec::new();
    for line in command_lines() {
        let line = line
            .replace("{task}", &task.to_string())
            .replace("{complaint}", &complaint.to_string());
        let mut times = Vec::with_capacity(runs);
        let mut first = String::new();
        for i in 0..runs + 3 {
            if !gap.is_zero() {
                tokio::time::sleep(gap).await;
            }
            let t0 = Instant::now();
            let o = sh.execute(&line).await;
            let took = t0.elapsed().as_secs_f64() * 1e3;
            if i == 0 {
                first = o
                    .text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(70)
                    .collect();
            }
            std::hint::black_box(o);
            if i >= 3 {
                times.push(took);
            }
        }
        if timeline::on() {
            for _ in 0..3 {
                timeline::clear();
                let t0 = Instant::now();
                std::hint::black_box(sh.execute(&line).await);
                let took = t0.elapsed().as_secs_f64() * 1e6;
                println!("-- timeline of {line}: {took:.0} µs");
                timeline::print(t0);
            }
        }
        if std::env::var_os("COMMANDS_BENCH_SPIKES").is_some() {
            // The three slowest runs and where they fell (0 = the first timed run).
            let mut worst: Vec<(usize, f64)> = times.iter().copied().enumerate().collect();
            worst.sort_by(|a, b| b.1.total_cmp(&a.1));
            let shown: Vec<String> = worst
                .iter()
                .take(3)
                .map(|(i, ms)| format!("run {i}: {ms:.2} ms"))
                .collect();
            println!("-- slowest of {line}: {}", shown.join(", "));
        }
        let (p50, p99) = percentiles(times);
        out.push((line, p50, p99, first));
    }
    app.store.close().await;
    out
}

/// The names a server of some years has left in the bot's memory (everyone who ran a command
/// or was named in one, its roles and channels): 300 users, 30 roles, 60 channels, beside the
/// few the generated history names. Every command starts by reading the names it needs among
/// them. Added to the copy, so the cached databases stay as they are.
async fn remember_a_server(app: &App) {
    sqlx::query(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 390)
         INSERT OR IGNORE INTO names (guild_id, kind, id, name, updated_at)
         SELECT ?1, CASE WHEN i <= 300 THEN 'user' WHEN i <= 330 THEN 'role' ELSE 'channel' END,
                1000000000000000000 + i, 'member' || i, 0
         FROM k",
    )
    .bind(storeops::store::id_in(SHELL_GUILD))
    .execute(&app.store.pool)
    .await
    .expect("names");
}

/// p50 / p99 in ms of what every write's commit waits for: appending 4 KB to a file in the
/// folder the bench's copies live in (`TMPDIR`) and `fdatasync`, as SQLite does for each commit
/// with `synchronous = FULL`. What the disk gives, not the bot. `gap`: the time between two
/// syncs (not timed). Back to back is how the bench's writes meet the disk; a team's writes
/// come seconds apart, and this machine's virtual disk answers a sync after a pause more
/// slowly (p50 0.7–0.9 ms 5 ms apart, 0.16–0.3 back to back).
fn disk_sync_latency(runs: usize, gap: std::time::Duration) -> (f64, f64) {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut f = std::fs::File::create(dir.path().join("sync-probe")).expect("probe file");
    let block = [0x5au8; 4096];
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + 10 {
        if !gap.is_zero() {
            std::thread::sleep(gap);
        }
        let t0 = Instant::now();
        f.write_all(&block).expect("write");
        f.sync_data().expect("fdatasync");
        if i >= 10 {
            times.push(t0.elapsed().as_secs_f64() * 1e3);
        }
    }
    percentiles(times)
}

async fn commands_part(sizes: &[i64], runs: usize) {
    println!("commands (p50 / p99 in ms, {runs} runs each, in-process through the core):");
    let (sync50, sync99) = disk_sync_latency(runs.max(200), std::time::Duration::ZERO);
    let (apart50, apart99) = disk_sync_latency(runs.max(200), std::time::Duration::from_millis(5));
    println!(
        "the disk under the copies ({}): 4 KB append + fdatasync, what each write's commit waits for: {sync50:.2} / {sync99:.2} back to back, {apart50:.2} / {apart99:.2} 5 ms apart",
        std::env::temp_dir().display()
    );
    let mut results = Vec::new();
    for &n in sizes {
        let path = cached(n).await;
        results.push((n, time_commands(&path, runs).await));
    }
    let head: String = results
        .iter()
        .map(|(n, _)| format!(" | {n} p50 | {n} p99"))
        .collect();
    println!("| command{head} | p99 ratio |");
    println!("|---{}|---|", "|---|---".repeat(results.len()));
    for (i, (line, ..)) in results[0].1.iter().enumerate() {
        let cells: String = results
            .iter()
            .map(|(_, r)| format!(" | {:.2} | {:.2}", r[i].1, r[i].2))
            .collect();
        let ratio = results[results.len() - 1].1[i].2 / results[0].1[i].2;
        println!("| `{line}`{cells} | {ratio:.2}× |");
    }
    println!("answers (first line, largest database):");
    for (line, .., first) in &results[results.len() - 1].1 {
        println!("  {line}  →  {first}");
    }
}

/// Accepts every message at once.
struct NullSink;

#[async_trait]
impl Sink for NullSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        Ok(Delivered {
            message_id: msg.id.to_string(),
        })
    }
}

/// Bytes of the database file and its write-ahead log.
fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| {
            std::fs::metadata(format!("{}{s}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum()
}

/// Two years of a 10-person team: each day 30 tasks (3 reminders each and a history of 3
/// entries), 8 complaints (2 pings, 3 entries), 3 shops' figures, 10 activity reminders, the
/// morning summary with a 20 KB chart; all sent through the dispatcher (four passes a day).
/// Returns the file size at the end of each month.
async fn simulate(keep_days: Option<i64>) -> Vec<(String, u64, i64)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("growth.db");
    let clock = ManualClock::new(start());
    let mut config = config_for(&path);
    if let Some(d) = keep_days {
        config.outbox.keep = Duration::days(d);
    } else {
        config.outbox.keep = Duration::days(36_500);
    }
    config.outbox.per_channel_interval = Duration::zero();
    let store = Store::open(&path, config.database.busy_timeout)
        .await
        .expect("open");
    let app = App::new(store, Arc::new(clock.clone()), Arc::new(config));
    let mut sh = shell(&app, &clock).await;
    for s in 0..3 {
        sh.execute(&format!(
            "/data shop name:Shop{s} platform:tmall currency:CNY"
        ))
        .await;
    }
    drop(sh);
    let dispatcher = Dispatcher::new(&app, Arc::new(NullSink)).with_owner("growth");
    let chart: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let channel = shell_id("#shell");
    let mut out = Vec::new();
    let mut month = start().format("%Y-%m").to_string();
    for day in 0..730i64 {
        let day_start = start() + Duration::days(day);
        let mut conn = app.store.pool.acquire().await.expect("conn");
        let mut tx = conn.begin().await.expect("begin");
        let mut msgs = Vec::new();
        for k in 0..30 {
            let due = day_start + Duration::hours(k % 9);
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO tasks (guild_id, title, status, assignee_id, assigner_id, channel_id, due_at, created_at, updated_at, done_at)
                 VALUES (1, 'Check the chat records of today', 'done', ?1, ?1, ?2, ?3, ?3, ?3, ?3) RETURNING id",
            )
            .bind(shell_id(MEMBERS[k as usize % 10]) as i64)
            .bind(channel as i64)
            .bind(ms(due))
            .fetch_one(&mut *tx)
            .await
            .expect("task");
            for kind in ["created", "started", "done"] {
                sqlx::query("INSERT INTO task_events (task_id, at, actor_id, kind, detail) VALUES (?1, ?2, 1, ?3, 'a note of a few words')")
                    .bind(id)
                    .bind(ms(due))
                    .bind(kind)
                    .execute(&mut *tx)
                    .await
                    .expect("event");
            }
            for r in 0..3 {
                msgs.push((format!("task:{id}:{r}"), due - Duration::hours(2 - r), None));
            }
        }
        for k in 0..8 {
            let at = day_start + Duration::hours(k);
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, description, status, logged_by, channel_id, created_at, deadline_at, resolved_at, outcome)
                 VALUES (1, 'ORD2026112212345', 'tmall', 'damaged', 'normal', 'Cup arrived broken', 'The buyer sent two photos of the broken cup and asks for a refund.', 'resolved', 1, ?1, ?2, ?2 + 86400000, ?2 + 7200000, 'refund') RETURNING id",
            )
            .bind(channel as i64)
            .bind(ms(at))
            .fetch_one(&mut *tx)
            .await
            .expect("complaint");
            for kind in ["logged", "claimed", "resolved"] {
                sqlx::query("INSERT INTO complaint_events (complaint_id, at, actor_id, kind, detail) VALUES (?1, ?2, 1, ?3, 'a note of a few words')")
                    .bind(id)
                    .bind(ms(at))
                    .bind(kind)
                    .execute(&mut *tx)
                    .await
                    .expect("event");
            }
            for r in 0..2 {
                msgs.push((format!("complaint:{id}:{r}"), at + Duration::hours(r), None));
            }
        }
        for a in 0..10 {
            msgs.push((
                format!("activity:{day}:{a}"),
                day_start + Duration::hours(a % 8),
                None,
            ));
        }
        msgs.push((
            format!("summary:{day}"),
            day_start,
            Some(Attachment {
                filename: "trend.png".into(),
                bytes: chart.clone(),
            }),
        ));
        for (key, due, attachment) in msgs {
            let mut reply = Reply::titled(format!("Reminder {key}"))
                .line("Task #123 \"Check the chat records of today\" is due at <t:1764000000:F>, assigned to <@123456789012345678>.");
            if let Some(a) = attachment {
                reply = reply.line("x".repeat(1_500));
                reply.attachments.push(a);
            }
            let msg = NewMessage {
                guild_id: 1,
                dedupe_key: key,
                source: "growth".into(),
                target: Target::Channel(channel),
                reply,
                due_at: due,
            };
            outbox::enqueue(&mut tx, &msg, day_start)
                .await
                .expect("enqueue");
        }
        for s in 0..3 {
            let shop_id: i64 = s + 1;
            let d = (day_start - Duration::days(1)).date_naive();
            data::put_day(
                &mut tx,
                shop_id,
                d,
                &common::figures(s as usize, day, 300),
                1,
                "import",
                day_start,
            )
            .await
            .expect("figures");
        }
        tx.commit().await.expect("commit");
        drop(conn);
        for pass in 0..4 {
            clock.set(day_start + Duration::hours(6 * pass + 3));
            dispatcher.tick().await.expect("pass");
        }
        let next = (day_start + Duration::days(1)).format("%Y-%m").to_string();
        if next != month {
            let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox_message")
                .fetch_one(&app.store.pool)
                .await
                .expect("rows");
            out.push((month.clone(), file_size(&path), rows));
            month = next;
        }
    }
    app.store.close().await;
    out
}

async fn growth_part() {
    println!("growth: two years of a 10-person team (file + WAL size at each month's end):");
    let t0 = Instant::now();
    let pruned = simulate(Some(90)).await;
    let kept = simulate(None).await;
    println!("| month | keep_days = 90 | outbox rows | no pruning | outbox rows |");
    println!("|---|---|---|---|---|");
    for ((m, a, ra), (_, b, rb)) in pruned.iter().zip(&kept) {
        println!(
            "| {m} | {:.1} MB | {ra} | {:.1} MB | {rb} |",
            *a as f64 / 1e6,
            *b as f64 / 1e6
        );
    }
    println!("  ({:.0} s)", t0.elapsed().as_secs_f64());
}

/// VmRSS, RssAnon (heap, stacks, SQLite's page caches) and RssFile (pages of the binary and
/// libraries: shared and clean, dropped by the kernel under pressure) of a process, in KiB.
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

fn memory_part(big: Option<PathBuf>) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    println!("memory: `storeops shell` (this profile's binary), resident set:");
    let bin = env!("CARGO_BIN_EXE_storeops");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cases = vec![("fresh database", dir.path().join("fresh.db"))];
    if let Some(big) = big {
        let copy = dir.path().join("big.db");
        std::fs::copy(big, &copy).expect("copy");
        cases.push(("1 M database", copy));
    }
    for (label, db) in cases {
        // Migrated first (a new migration's backfill on the old cached file would still be
        // running when the idle process is measured).
        let migrated = Command::new(bin)
            .arg("migrate")
            .env("STOREOPS_DATABASE_PATH", &db)
            .env("STOREOPS_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .expect("storeops migrate");
        assert!(migrated.success(), "storeops migrate failed");
        let mut child = Command::new(bin)
            .arg("shell")
            .env("STOREOPS_DATABASE_PATH", &db)
            .env("STOREOPS_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn storeops shell");
        std::thread::sleep(std::time::Duration::from_secs(3));
        let idle = rss(child.id());
        let mut stdin = child.stdin.take().expect("stdin");
        for line in command_lines().iter().filter(|l| !l.contains('{')) {
            writeln!(stdin, "{line}").expect("write");
        }
        stdin.flush().expect("flush");
        std::thread::sleep(std::time::Duration::from_secs(5));
        let after = rss(child.id());
        drop(stdin);
        let _ = child.wait();
        let mib = |(all, anon, file): (u64, u64, u64)| {
            format!(
                "{:.1} MiB ({:.1} anonymous + {:.1} file-backed)",
                all as f64 / 1024.0,
                anon as f64 / 1024.0,
                file as f64 / 1024.0
            )
        };
        println!(
            "  {label}: idle after start {}; idle after the commands {}",
            mib(idle),
            mib(after)
        );
    }
}

/// `COMMANDS_BENCH_TRACE=1`: after its timed runs, each command runs three more times with
/// its timeline printed: every statement sqlx reports (at debug level, `tracing`), when it
/// ended (µs from the command's start), on which connection's thread, and how long sqlx says
/// it took, hand-over to the thread and back included. The gaps are the command's own work,
/// the begin and the commit (which sqlx does not report) and the waits between.
mod timeline {
    use std::sync::Mutex;
    use std::time::Instant;

    static EVENTS: Mutex<Vec<(Instant, String)>> = Mutex::new(Vec::new());

    pub fn on() -> bool {
        std::env::var_os("COMMANDS_BENCH_TRACE").is_some()
    }

    /// Starts recording sqlx's statement reports.
    pub fn install() {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(Statements);
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    }

    pub fn clear() {
        EVENTS.lock().expect("timeline").clear();
    }

    pub fn print(from: Instant) {
        for (at, what) in EVENTS.lock().expect("timeline").iter() {
            println!("   {:7.0} {what}", (*at - from).as_secs_f64() * 1e6);
        }
    }

    struct Statements;

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
        fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            if !e.metadata().target().starts_with("sqlx") {
                return;
            }
            struct Fields(String);
            impl tracing::field::Visit for Fields {
                fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
                    if f.name() == "summary" || f.name() == "elapsed" {
                        self.0 += &format!(" {}={v:?}", f.name());
                    }
                }
                fn record_str(&mut self, f: &tracing::field::Field, v: &str) {
                    if f.name() == "summary" {
                        self.0 += &format!(" {v}");
                    }
                }
            }
            let mut fields = Fields(String::new());
            e.record(&mut fields);
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            EVENTS
                .lock()
                .expect("timeline")
                .push((Instant::now(), format!("[{thread}]{}", fields.0)));
        }
    }
}

fn main() {
    if timeline::on() {
        timeline::install();
    }
    let part = std::env::var("COMMANDS_BENCH_PART").unwrap_or_else(|_| "all".into());
    let sizes: Vec<i64> = std::env::var("COMMANDS_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("COMMANDS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
        .max(20);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if part == "all" || part == "commands" {
        rt.block_on(commands_part(&sizes, runs));
    }
    if part == "all" || part == "growth" {
        rt.block_on(growth_part());
    }
    if part == "all" || part == "memory" {
        let big = sizes
            .iter()
            .max()
            .map(|n| cache_dir().join(cache_name(*n)))
            .filter(|p| p.exists());
        memory_part(big);
    }
}
