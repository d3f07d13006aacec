//! Outbox benchmark (`cargo bench --bench outbox`), a plain main printing figures:
//!
//! 1. Throughput: `Dispatcher::run_due` over 100,000 pending due rows to a null sink (batch 100,
//!    no pacing, concurrency 8, 50 channels), next to a plain sqlx loop doing the same batched
//!    claim (the dispatcher's UPDATE on `outbox_state`, then its read of the claimed rows and
//!    messages back as one JSON row) and one batched record per 100 rows, on a fresh database
//!    with the same schema. Goal: the dispatcher ≥ half of raw and ≥ 50,000 rows/s. For
//!    reference, a third loop does the same work the way the dispatcher did before migration 10:
//!    the claim's RETURNING rows and the messages' rows each handed over one by one.
//! 2. Lateness: 10,000 rows due within one minute, a running dispatcher on the system clock,
//!    a sink without rate limit: p50 / p99 of (sink receive time − due time). Goal: p99 ≤ 1 s.
//!
//! `OUTBOX_BENCH_PART` (`throughput` or `lateness`) runs one part only. `OUTBOX_BENCH_ROWS` overrides the row count of part 1. `OUTBOX_BENCH_SPREAD` (default 30)
//! is how many distinct due seconds the rows of part 1 interleave over: with 30, the messages
//! claimed together were queued far apart (a backlog enqueued out of due order); with 1 they
//! are claimed in insertion order. (`outbox_state` is clustered by due time either way; the
//! messages are read where they were written.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use storeops::app::App;
use storeops::clock::{ManualClock, SystemClock};
use storeops::config::Config;
use storeops::outbox::{Delivered, Dispatcher, Outbound, SendError, Sink};
use storeops::store::{Store, ms, outbox};

const CHANNELS: i64 = 50;
const GUILDS: i64 = 5;
const BATCH: usize = 100;

/// Accepts everything at once.
struct NullSink;

#[async_trait]
impl Sink for NullSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        Ok(Delivered {
            message_id: msg.id.to_string(),
        })
    }
}

/// Notes when each message arrived.
struct TimingSink {
    due: HashMap<i64, i64>,
    late_ms: Mutex<Vec<i64>>,
}

#[async_trait]
impl Sink for TimingSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        let now = ms(Utc::now());
        let due = self.due.get(&msg.id).copied().unwrap_or(now);
        self.late_ms.lock().unwrap().push(now - due);
        Ok(Delivered {
            message_id: msg.id.to_string(),
        })
    }
}

fn config(path: &Path) -> Config {
    let mut c = Config::defaults();
    c.database.path = path.to_path_buf();
    c.outbox.batch_size = BATCH;
    c.outbox.per_channel_interval = Duration::zero();
    c.outbox.concurrency = 8;
    c
}

async fn open(path: &Path) -> Store {
    Store::open(path, StdDuration::from_secs(5))
        .await
        .expect("open store")
}

/// Inserts `n` pending rows in one statement; row `i` is due at `due(i)` = `base + i * step_ms
/// - (i % jitter_s) s`, spread over the channels and guilds, with a realistic payload.
async fn insert_rows(store: &Store, n: i64, base: DateTime<Utc>, step_ms: i64, jitter_s: i64) {
    let mut conn = store.pool.acquire().await.expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO outbox_message (guild_id, dedupe_key, nonce, source, target_kind, target_id, payload, due_at, created_at)
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
         SELECT 1 + i % ?2, 'bench:' || i, printf('%024x', i), 'task:' || (i / 3), 'channel', 1000 + i % ?3,
                json_object(
                    'title', 'Task #' || (i / 3) || ' is due in 1 h',
                    'lines', json_array('Update the banner for the weekend sale', 'Due <t:1795395600:F> (<t:1795395600:R>)'),
                    'fields', json_array(json_object('name', 'Assigned by', 'value', '<@' || (500 + i % 13) || '>', 'inline', json('true'))),
                    'footer', 'task:' || (i / 3),
                    'severity', 'warning',
                    'mentions', json_object('users', json_array(100000 + i % 97)),
                    'buttons', json_array(json_object('id', 'task:done:' || (i / 3), 'label', 'Done', 'style', 'success'))),
                ?4 + i * ?5 - (i % ?6) * 1000, ?7
         FROM seq",
    )
    .bind(n)
    .bind(GUILDS)
    .bind(CHANNELS)
    .bind(ms(base))
    .bind(step_ms)
    .bind(jitter_s.max(1))
    .bind(ms(base) - 86_400_000)
    .execute(&mut *tx)
    .await
    .expect("insert rows");
    sqlx::query("INSERT INTO outbox_state (available_at, id) SELECT due_at, id FROM outbox_message WHERE dedupe_key LIKE 'bench:%'")
        .execute(&mut *tx)
        .await
        .expect("insert states");
    tx.commit().await.expect("commit");
}

async fn count_state(store: &Store, state: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = ?1")
        .bind(state)
        .fetch_one(&store.pool)
        .await
        .expect("count");
    n
}

/// Time spent by the plain sqlx loop.
#[derive(Debug, Default)]
struct RawRun {
    rows: usize,
    claim: f64,
    record: f64,
}

/// The dispatcher's record of a batch sent whole (rows `(id, due)`), in one statement.
async fn record(conn: &mut SqliteConnection, sent: &[(i64, i64)], now: DateTime<Utc>) {
    let json = serde_json::Value::Array(
        sent.iter()
            .map(|(id, due)| serde_json::json!([id, id.to_string(), ms(now) - due]))
            .collect(),
    )
    .to_string();
    sqlx::query(outbox::RECORD_SENT_SQL)
        .bind(ms(now))
        .bind(json)
        .bind("raw")
        .execute(conn)
        .await
        .expect("record");
}

/// The plain sqlx loop: the dispatcher's claim of 100, its read of them back (one row: a JSON
/// array; only the ids are taken out of it, the messages are skipped over), their record in one
/// statement in a transaction, until none is left.
async fn raw_loop(conn: &mut SqliteConnection, now: DateTime<Utc>) -> RawRun {
    use serde::de::IgnoredAny;
    type Element = (
        (
            i64,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            IgnoredAny,
            i64,
        ),
        IgnoredAny,
    );
    let mut run = RawRun::default();
    let lease_until = ms(now + Duration::seconds(60));
    let mut token = 0_i64;
    loop {
        let t0 = Instant::now();
        token += 1;
        let batch: Option<String> = sqlx::query_scalar(outbox::CLAIM_SQL)
            .bind("raw")
            .bind(lease_until)
            .bind(ms(now))
            .bind(BATCH as i64)
            .bind(token)
            .fetch_optional(&mut *conn)
            .await
            .expect("claim")
            .flatten();
        let Some(batch) = batch else {
            run.claim += t0.elapsed().as_secs_f64();
            return run;
        };
        let rows: Vec<Element> = serde_json::from_str(&batch).expect("batch");
        run.claim += t0.elapsed().as_secs_f64();
        run.rows += rows.len();
        let t0 = Instant::now();
        let sent: Vec<(i64, i64)> = rows.iter().map(|((id, .., due), _)| (*id, *due)).collect();
        record(conn, &sent, now).await;
        run.record += t0.elapsed().as_secs_f64();
    }
}

/// The reference loop: the same claim, but with RETURNING (one row handed over per claimed row),
/// then the messages read as one row each, then the same record.
async fn streamed_loop(conn: &mut SqliteConnection, now: DateTime<Utc>) -> RawRun {
    type Message = (i64, i64, String, String, String, String, i64, String, i64);
    let update = outbox::CLAIM_SQL
        .split(';')
        .next()
        .expect("the claim's UPDATE");
    let claim: Arc<str> = format!("{update} RETURNING id, attempts").into();
    let mut run = RawRun::default();
    loop {
        let t0 = Instant::now();
        // Claimed as the owner `record` records for (recording checks the lease owner).
        let taken: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(Arc::clone(&claim)))
            .bind("raw")
            .bind(ms(now + Duration::seconds(60)))
            .bind(ms(now))
            .bind(BATCH as i64)
            .bind(0_i64)
            .fetch_all(&mut *conn)
            .await
            .expect("claim");
        if taken.is_empty() {
            run.claim += t0.elapsed().as_secs_f64();
            return run;
        }
        let ids =
            serde_json::to_string(&taken.iter().map(|t| t.0).collect::<Vec<_>>()).expect("ids");
        let rows: Vec<Message> = sqlx::query_as(
            "SELECT m.id, m.guild_id, m.dedupe_key, m.nonce, m.source, m.target_kind, m.target_id, m.payload, m.due_at
             FROM json_each(?1) AS j JOIN outbox_message AS m ON m.id = j.value",
        )
        .bind(ids)
        .fetch_all(&mut *conn)
        .await
        .expect("messages");
        run.claim += t0.elapsed().as_secs_f64();
        run.rows += rows.len();
        let t0 = Instant::now();
        let sent: Vec<(i64, i64)> = rows.iter().map(|r| (r.0, r.8)).collect();
        let mut tx = conn.begin().await.expect("begin");
        record(&mut tx, &sent, now).await;
        tx.commit().await.expect("commit");
        run.record += t0.elapsed().as_secs_f64();
    }
}

/// A loop's figures on a fresh database: rows/s.
async fn raw(dir: &Path, (rows, spread): (i64, i64), now: DateTime<Utc>, streamed: bool) -> f64 {
    let path = dir.join(if streamed { "streamed.db" } else { "raw.db" });
    let store = open(&path).await;
    insert_rows(&store, rows, now - Duration::seconds(30), 0, spread).await;
    let mut conn = store.pool.acquire().await.expect("connection");
    let t0 = Instant::now();
    let run = if streamed {
        streamed_loop(&mut conn, now).await
    } else {
        raw_loop(&mut conn, now).await
    };
    let took = t0.elapsed().as_secs_f64();
    assert_eq!(run.rows as i64, rows);
    drop(conn);
    assert_eq!(count_state(&store, "sent").await, rows);
    let rate = rows as f64 / took;
    println!(
        "  {}: {rows} rows in {took:.2} s = {rate:.0} rows/s (claims {:.2} s, records {:.2} s)",
        if streamed {
            "reference, rows handed over one by one"
        } else {
            "raw sqlx loop"
        },
        run.claim,
        run.record
    );
    store.close().await;
    rate
}

async fn throughput(rows: i64, spread: i64) -> (f64, f64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let now: DateTime<Utc> = "2026-11-23T01:00:00Z".parse().expect("instant");

    // Dispatcher.
    let path = dir.path().join("dispatcher.db");
    let store = open(&path).await;
    let t0 = Instant::now();
    insert_rows(&store, rows, now - Duration::seconds(30), 0, spread).await;
    println!("  built {rows} rows in {:.2} s", t0.elapsed().as_secs_f64());
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {}",
        outbox::CLAIM_SQL
            .split(';')
            .next()
            .expect("the claim's UPDATE")
    )))
    .bind("x")
    .bind(0_i64)
    .bind(ms(now))
    .bind(BATCH as i64)
    .bind(0_i64)
    .fetch_all(&store.pool)
    .await
    .expect("plan");
    println!("  claim plan:");
    for (_, _, _, detail) in &plan {
        println!("    {detail}");
    }
    // What the dispatcher does per row on top of SQLite: decoding the stored reply.
    let payloads: Vec<(String,)> = sqlx::query_as("SELECT payload FROM outbox_message")
        .fetch_all(&store.pool)
        .await
        .expect("payloads");
    let t0 = Instant::now();
    for (p,) in &payloads {
        let reply: storeops::app::Reply = serde_json::from_str(p).expect("payload decodes");
        std::hint::black_box(reply);
    }
    println!(
        "  decoding the payloads alone: {:.1} us/row",
        t0.elapsed().as_secs_f64() * 1e6 / payloads.len() as f64
    );
    drop(payloads);
    let clock = ManualClock::new(now);
    let app = App::new(store.clone(), Arc::new(clock), Arc::new(config(&path)));
    let dispatcher = Dispatcher::new(&app, Arc::new(NullSink)).with_owner("bench");
    let t0 = Instant::now();
    let stats = dispatcher.run_due().await.expect("run_due");
    let took = t0.elapsed().as_secs_f64();
    assert_eq!(stats.sent as i64, rows, "{stats:?}");
    assert_eq!(count_state(&store, "sent").await, rows);
    let dispatcher_rate = rows as f64 / took;
    println!("  dispatcher run_due: {rows} rows in {took:.2} s = {dispatcher_rate:.0} rows/s");
    store.close().await;

    // Raw SQLite: same schema, same claim, read and record statements.
    let raw_rate = raw(dir.path(), (rows, spread), now, false).await;
    raw(dir.path(), (rows, spread), now, true).await;
    (dispatcher_rate, raw_rate)
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

/// 10,000 rows due in one minute (all at one instant when `spread` is false, evenly over the
/// minute otherwise) to a running dispatcher on the system clock.
async fn lateness(spread: bool) -> (i64, i64, i64) {
    const N: i64 = 10_000;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lateness.db");
    let store = open(&path).await;
    let base = Utc::now() + Duration::seconds(3);
    let step_ms = if spread { 60_000 / N } else { 0 };
    insert_rows(&store, N, base, step_ms, 1).await;
    let due: Vec<(i64, i64)> = sqlx::query_as("SELECT id, due_at FROM outbox")
        .fetch_all(&store.pool)
        .await
        .expect("due times");
    let sink = Arc::new(TimingSink {
        due: due.into_iter().collect(),
        late_ms: Mutex::new(Vec::with_capacity(N as usize)),
    });
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(config(&path)),
    );
    let dispatcher = Arc::new(Dispatcher::new(&app, sink.clone()).with_owner("bench"));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(dispatcher.run(stop_rx));
    let limit = Instant::now() + StdDuration::from_secs(if spread { 180 } else { 60 });
    while sink.late_ms.lock().unwrap().len() < N as usize && Instant::now() < limit {
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    stop.send(true).expect("dispatcher running");
    task.await.expect("dispatcher stops");
    let mut late = sink.late_ms.lock().unwrap().clone();
    assert_eq!(late.len() as i64, N, "every row delivered");
    assert_eq!(count_state(&store, "sent").await, N);
    late.sort_unstable();
    store.close().await;
    (
        percentile(&late, 0.5),
        percentile(&late, 0.99),
        *late.last().unwrap_or(&0),
    )
}

fn main() {
    let rows: i64 = std::env::var("OUTBOX_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let spread: i64 = std::env::var("OUTBOX_BENCH_SPREAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let part = std::env::var("OUTBOX_BENCH_PART").unwrap_or_default();
    rt.block_on(async {
        if part.is_empty() || part == "throughput" {
            println!(
                "outbox throughput (batch {BATCH}, concurrency 8, {CHANNELS} channels, no pacing, due times interleaved over {spread} s):"
            );
            let (dispatcher, raw) = throughput(rows, spread).await;
            println!(
                "  dispatcher / raw = {:.2} (goal ≥ 0.50); dispatcher ≥ 50,000 rows/s: {}",
                dispatcher / raw,
                if dispatcher >= 50_000.0 { "yes" } else { "NO" }
            );
        }
        if part.is_empty() || part == "lateness" {
            for (label, spread) in [
                ("10,000 rows due at one instant", false),
                ("10,000 rows due evenly over one minute", true),
            ] {
                let (p50, p99, max) = lateness(spread).await;
                println!(
                    "lateness, {label}: p50 {p50} ms, p99 {p99} ms, max {max} ms (goal p99 ≤ 1000 ms: {})",
                    if p99 <= 1000 { "yes" } else { "NO" }
                );
            }
        }
    });
}
