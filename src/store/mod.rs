//! The database: one SQLite file in WAL mode, migrations applied at start. Every SQL statement
//! of the program lives under this module, one file per aggregate.

pub mod activities;
pub mod backup;
pub mod complaints;
pub mod data;
pub mod events;
mod hot;
pub mod morning;
pub mod names;
pub mod outbox;
pub mod products;
pub mod retention;
pub mod runtime;
pub mod settings;
pub mod tasks;

pub use hot::{BIG_TABLES, hot_queries};

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool};

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A failure of the disk or the database. Never shown raw to a user; logged and reported.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sqlx or SQLite failed.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The folder of the database could not be created.
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    /// Stored data that does not decode (a bug or a hand-edited database).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the database refused a write because it is open read-only: `SQLITE_READONLY`.
    pub fn is_read_only(&self) -> bool {
        match self {
            StoreError::Sql(e) => e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "8" || c.parse::<i32>().is_ok_and(|n| n & 0xff == 8)),
            _ => false,
        }
    }

    /// Whether the disk (or the database's size limit) is full: `SQLITE_FULL`.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Sql(e) | StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "13"),
            _ => false,
        }
    }
}

/// A sum of money SQLite added up with `TOTAL()` (in floating point, so figures stored before
/// the ranges existed never make the read fail as `SUM()`'s integer overflow would), as cents:
/// exact below 2^53 cents, which every real total is; one outside `i64` is the marker
/// [`OUT_OF_RANGE`](crate::domain::metrics::OUT_OF_RANGE), shown as "out of range".
pub fn total_cents(t: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_807.0;
    if t.is_finite() && t.abs() < LIMIT {
        t as i64
    } else {
        crate::domain::metrics::OUT_OF_RANGE
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// sqlx pings a pooled connection before handing it out (for a server that may have hung up)
/// and again when it comes back. A SQLite connection is a thread of this process that cannot
/// go bad while idle, and the ping on its return (off the command's path, in a task of its
/// own) already drops a broken one; the ping before use was a round trip to that thread on
/// every acquire, two or three per command (`cargo bench --bench commands`, README).
const PING_BEFORE_USE: bool = false;

/// How long [`Store::release_memory`] waits for connections still being handed back.
const RETURN_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

/// Autocomplete reads only the newest this many closed tasks, and resolved complaints: about
/// a year of a busy team's. An older one is found by its number.
pub const SUGGEST_WINDOW: i64 = 2_000;

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub pool: SqlitePool,
    /// Set while a checkpoint of the write-ahead log runs in the background
    /// ([`Store::checkpoint_soon`]).
    checkpointing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The connection the last command finished with ([`Store::take_warm`]).
    warm: std::sync::Arc<std::sync::Mutex<Warm>>,
    /// How many `/setup` changes have begun on this database ([`Store::settings_changes`]).
    settings_changes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// See [`Store::take_warm`].
#[derive(Debug, Default)]
struct Warm {
    conn: Option<PoolConnection<Sqlite>>,
    /// Set by [`Store::close`]: the pool waits for every connection outside it, so none is
    /// kept from then on.
    closed: bool,
}

/// Where a lent connection ([`Lent`]) goes when dropped: a store keeps it warm
/// ([`Store::keep_warm`]), a command's context keeps it for the command's next statement.
pub trait Keeper: Sync {
    fn keep(&self, conn: PoolConnection<Sqlite>);
}

impl Keeper for Store {
    fn keep(&self, conn: PoolConnection<Sqlite>) {
        self.keep_warm(conn);
    }
}

/// A slot holding one connection: it takes `conn` when empty and `conn` holds no transaction (a
/// transaction dropped without a commit is rolled back only later, on the connection's thread:
/// the pool waits for that before it hands the connection out again, see [`Store::connect`]);
/// otherwise `conn` goes back to the pool.
impl Keeper for std::sync::Mutex<Option<PoolConnection<Sqlite>>> {
    fn keep(&self, conn: PoolConnection<Sqlite>) {
        use sqlx::Connection;
        if conn.is_in_transaction() {
            return;
        }
        if let Ok(mut slot) = self.lock()
            && slot.is_none()
        {
            *slot = Some(conn);
        }
    }
}

/// A connection lent from a [`Keeper`] (see [`Store::warm_conn`], `Ctx::conn`): a
/// [`sqlx::SqliteConnection`] that goes back to it when dropped.
pub struct Lent<'a> {
    conn: Option<PoolConnection<Sqlite>>,
    home: &'a dyn Keeper,
}

impl<'a> Lent<'a> {
    pub fn new(conn: PoolConnection<Sqlite>, home: &'a dyn Keeper) -> Lent<'a> {
        Lent {
            conn: Some(conn),
            home,
        }
    }
}

impl std::ops::Deref for Lent<'_> {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        self.conn.as_deref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.conn.as_deref_mut().expect("held until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.home.keep(conn);
        }
    }
}

impl Store {
    fn of(pool: SqlitePool) -> Store {
        Store {
            pool,
            checkpointing: Default::default(),
            warm: Default::default(),
            settings_changes: Default::default(),
        }
    }

    /// The count of `/setup` changes begun on this database, which [`settings::update`] raises
    /// before it writes: a reader that saw the same count before it read the settings and after
    /// it used them knows no change came in between (see `App::handle_answered`). Kept by the
    /// store, not the process, so that a change to another database (a test's, beside) is not
    /// taken for one.
    pub fn settings_changes(&self) -> &std::sync::atomic::AtomicU64 {
        &self.settings_changes
    }

    /// [`Store::settings_changes`] now.
    pub fn settings_changes_begun(&self) -> u64 {
        self.settings_changes
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// The connection the last command finished with, when no other command has it. The pool
    /// hands out its idle connections oldest first, so a command would otherwise start on the
    /// one idle longest: a thread to wake from its deepest sleep, and a page cache that other
    /// connections' writes have made stale (SQLite then reads the pages again). Kept out of the
    /// pool while it waits here; [`Store::release_memory`] and [`Store::close`] give it back.
    pub fn take_warm(&self) -> Option<PoolConnection<Sqlite>> {
        self.warm.lock().ok().and_then(|mut w| w.conn.take())
    }

    /// A connection for a short read outside a command (the shell showing a reply reads the
    /// names it mentions): the one kept warm when free, else one from the pool; kept warm again
    /// when dropped. The one the command just finished with answers in about a third of the
    /// time of the pool's longest-idle one (the timeline of `cargo bench --bench commands`).
    pub async fn warm_conn(&self) -> StoreResult<Lent<'_>> {
        let conn = match self.take_warm() {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        Ok(Lent::new(conn, self))
    }

    /// Keeps `conn` for the next command ([`Store::take_warm`]) unless one is kept already,
    /// the store is closing, or `conn` is inside a transaction (a transaction dropped without a
    /// commit is rolled back later, on the connection's thread; the pool waits for that before
    /// it hands the connection out again, see [`Store::connect`]); then it goes back to the pool.
    pub fn keep_warm(&self, conn: PoolConnection<Sqlite>) {
        use sqlx::Connection;
        if conn.is_in_transaction() {
            return;
        }
        if let Ok(mut w) = self.warm.lock()
            && !w.closed
            && w.conn.is_none()
        {
            w.conn = Some(conn);
        }
    }

    /// Copies what the write-ahead log holds into the database file, in a task of its own, so
    /// that a command's commit does not have to: SQLite checkpoints on the commit that takes
    /// the log past 1,000 pages, and that commit then copies them and syncs the database file
    /// (3–5 ms here: the p99 of every write in `cargo bench --bench commands`). Called after
    /// each committed write; one runs at a time (a write meanwhile is in the next one). PASSIVE:
    /// it waits for no one and copies what no reader still needs; the log starts over at the
    /// next write once all of it is copied. A failure is logged, and the checkpoint SQLite makes
    /// on its own past 1,000 pages stays as the safety net.
    pub fn checkpoint_soon(&self) {
        use std::sync::atomic::Ordering;
        if self.checkpointing.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            let out = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&store.pool)
                .await;
            store.checkpointing.store(false, Ordering::Release);
            if let Err(e) = out {
                tracing::warn!(error = %e, "checkpointing the write-ahead log");
            }
        });
    }

    /// Opens (creating the file and its folder when missing) and migrates the database.
    pub async fn open(path: &Path, busy_timeout: Duration) -> StoreResult<Store> {
        Store::connect(Store::options(path, busy_timeout)?).await
    }

    /// The connection settings of the database at `path` (creating its folder when missing).
    pub fn options(path: &Path, busy_timeout: Duration) -> StoreResult<SqliteConnectOptions> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        Ok(SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A reply that says "saved" is a promise: every commit reaches the disk before it
            // returns (in WAL mode NORMAL could lose the last commits on a power cut).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // 32 MiB of page cache per connection (the default is 2 MiB): a backlog's hot pages
            // (the outbox state and its indexes) stay in memory while it drains.
            .pragma("cache_size", "-32768")
            // Pages freed by pruning the outbox go back to the disk a few at a time
            // (`retention::vacuum_some`), so the file stops growing at a steady state.
            .auto_vacuum(SqliteAutoVacuum::Incremental)
            .busy_timeout(busy_timeout))
    }

    /// Opens a pool with `options` and migrates the database. A connection handed back to the
    /// pool inside a transaction (a statement failed, e.g. on a full disk, and the rollback
    /// did not go through) is closed instead of being reused: the next user gets a fresh one,
    /// never one that still holds a transaction and with it the write lock.
    pub async fn connect(options: SqliteConnectOptions) -> StoreResult<Store> {
        use sqlx::Connection;
        let pool = SqlitePoolOptions::new()
            // A command holds one connection from its context to its reply (two while it writes
            // with a read still in hand; the jobs a command runs use its own); the dispatcher
            // and the scheduler hold one each, and a background checkpoint one. Eight leave room
            // for a few commands at once. Only a busy moment opens them; `release_memory`
            // closes the idle ones.
            .max_connections(8)
            .min_connections(1)
            .test_before_acquire(PING_BEFORE_USE)
            .after_release(|conn, _| {
                Box::pin(async move {
                    if conn.is_in_transaction() {
                        // A transaction dropped without a commit (an early return: nothing to
                        // write) only queues its rollback on the connection's thread, and the
                        // depth read here is lowered when that thread has run it. A ping runs
                        // after everything queued before it, so wait for it before deciding:
                        // otherwise a sound connection is closed (and a new one opened, with
                        // its own parsed schema and thread) after every such return.
                        conn.ping().await?;
                    }
                    let clean = !conn.is_in_transaction();
                    if !clean {
                        tracing::warn!("closing a database connection left inside a transaction");
                    }
                    Ok(clean)
                })
            })
            .connect_with(options)
            .await?;
        let store = Store::of(pool);
        {
            // Both on one connection: a pool hands a returned connection out again only once
            // it has been checked (in a task of its own), so a second use right after the first
            // would open a second connection, with its own parsed schema and thread.
            let mut conn = store.pool.acquire().await?;
            incremental_vacuum_mode(&mut conn).await?;
            MIGRATOR.run(&mut *conn).await?;
        }
        // A migration that backfills reads the whole file through the page caches.
        store.release_memory().await;
        Ok(store)
    }

    /// Opens the database read-only (no migrations, every write refused by SQLite): for a
    /// shell beside a running bot.
    pub async fn open_read_only(path: &Path, busy_timeout: Duration) -> StoreResult<Store> {
        let options = Store::options(path, busy_timeout)?
            .create_if_missing(false)
            .pragma("query_only", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .test_before_acquire(PING_BEFORE_USE)
            .connect_with(options)
            .await?;
        Ok(Store::of(pool))
    }

    /// Writes a consistent copy of the database to `to` (`VACUUM INTO`), which must not exist.
    pub async fn copy_to(&self, to: &Path) -> StoreResult<()> {
        sqlx::query("VACUUM INTO ?1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Applies every migration not yet applied; a no-op when up to date.
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Gives memory back while the bot is idle: each idle connection's page cache (up to 32 MiB
    /// each, filled by a year's statistics or a migration) is emptied (`PRAGMA
    /// shrink_memory`), the idle connections but one are closed (each holds its own parsed
    /// copy of the schema, about 0.5 MB with the aggregates' triggers, and a thread; a busy
    /// moment opens them again in a millisecond or two), then the allocator hands its free
    /// pages back to the system (`malloc_trim`, glibc). Measured with `cargo bench --bench commands` (memory part): the
    /// idle shell on the 1 M database went from about 68 MiB of anonymous memory after a
    /// round of commands to the figures in the README. Costs a few milliseconds; the next
    /// command reads its pages from the OS's file cache.
    pub async fn release_memory(&self) {
        // A connection just handed back is checked before it counts as idle (a round trip to
        // its thread, in a task of its own); wait a moment for those, or one left open here
        // (its schema, cache and thread) would stay until the next release. Connections in
        // use elsewhere do not come back within the wait; they are simply not touched.
        drop(self.take_warm());
        let began = std::time::Instant::now();
        while self.pool.num_idle() < self.pool.size() as usize && began.elapsed() < RETURN_WAIT {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let mut held = Vec::new();
        for _ in 0..self.pool.num_idle() {
            match self.pool.try_acquire() {
                Some(c) => held.push(c),
                None => break,
            }
        }
        for conn in &mut held {
            if let Err(e) = sqlx::query("PRAGMA shrink_memory")
                .execute(&mut **conn)
                .await
            {
                tracing::debug!(error = %e, "shrink_memory");
            }
        }
        let mut held = held.into_iter();
        let kept = held.next();
        for conn in held {
            if let Err(e) = conn.close().await {
                tracing::debug!(error = %e, "closing an idle connection");
            }
        }
        drop(kept);
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only walks glibc's own arenas; it takes no pointer of ours.
        unsafe {
            libc::malloc_trim(0);
        }
    }

    /// Size of the database file plus its write-ahead log, in bytes.
    pub async fn size_bytes(&self) -> StoreResult<i64> {
        size_bytes_of(&mut *self.pool.acquire().await?).await
    }

    /// Closes the pool, checkpointing the write-ahead log.
    pub async fn close(&self) {
        let warm = self.warm.lock().ok().and_then(|mut w| {
            w.closed = true;
            w.conn.take()
        });
        drop(warm);
        self.pool.close().await;
    }
}

/// [`Store::size_bytes`], read on `conn`.
pub async fn size_bytes_of(conn: &mut sqlx::SqliteConnection) -> StoreResult<i64> {
    let (pages,): (i64,) = sqlx::query_as(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
    )
    .fetch_one(conn)
    .await?;
    Ok(pages)
}

/// A statement with its arguments, as the helpers that bind a record's columns take it.
pub(crate) type Statement<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// A bound value of a statement built from a filter or run through [`execute`].
#[derive(Debug, Clone)]
enum Arg {
    Int(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

/// SQLite keeps a boolean as the integer 0 or 1.
impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Int(i64::from(v))
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

/// The condition of a list, written from the filters that are set (so SQLite picks the
/// partial index that matches them), each term added with the values of its `?`s so the two
/// cannot drift apart.
#[derive(Debug, Clone)]
struct Cond {
    sql: String,
    args: Vec<Arg>,
}

impl Cond {
    /// `term`, whose `?`s take `args`.
    fn new(term: &str, args: &[Arg]) -> Cond {
        Cond {
            sql: term.to_string(),
            args: args.to_vec(),
        }
    }

    /// Adds ` AND term`, whose `?`s take `args`.
    fn and(&mut self, term: &str, args: &[Arg]) {
        self.sql.push_str(" AND ");
        self.sql.push_str(term);
        self.args.extend_from_slice(args);
    }
}

/// `q` with `args` bound in order.
fn bind_all<'q>(mut q: Statement<'q>, args: &[Arg]) -> Statement<'q> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.clone()),
        };
    }
    q
}

/// Runs the write `sql` with `args` bound in order; how many rows it changed.
async fn execute(
    conn: &mut sqlx::SqliteConnection,
    sql: &'static str,
    args: &[Arg],
) -> StoreResult<u64> {
    let done = bind_all(sqlx::query(sql), args).execute(conn).await?;
    Ok(done.rows_affected())
}

/// The rows `sql` selects with `args` bound in order, decoded.
async fn select<T>(
    conn: &mut sqlx::SqliteConnection,
    sql: String,
    args: &[Arg],
    decode: fn(&sqlx::sqlite::SqliteRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
        .fetch_all(conn)
        .await?;
    rows.iter().map(decode).collect()
}

/// The rows of a guild whose instant column lies in [from, to) (`sql` binds `guild_id = ?1`,
/// `?2` and `?3`), decoded.
async fn rows_between<T>(
    conn: &mut sqlx::SqliteConnection,
    sql: String,
    guild_id: u64,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    decode: fn(&sqlx::sqlite::SqliteRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let args = [
        Arg::Int(id_in(guild_id)),
        Arg::Int(ms(from)),
        Arg::Int(ms(to)),
    ];
    select(conn, sql, &args, decode).await
}

/// The row of a guild's item by its number (`sql` selects by `guild_id = ?1 AND id = ?2`),
/// decoded.
async fn get_by_id<T>(
    conn: &mut sqlx::SqliteConnection,
    sql: String,
    guild_id: u64,
    id: i64,
    decode: fn(&sqlx::sqlite::SqliteRow) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let args = [Arg::Int(id_in(guild_id)), Arg::Int(id)];
    Ok(select(conn, sql, &args, decode).await?.into_iter().next())
}

/// A stored day (`YYYY-MM-DD`). Read for every shop-day a summary or a range shows (1,120
/// for the morning chart's 20 shops × 56 days): the fixed layout is read digit by digit (15 µs
/// for those 1,120 on this project's machine, against 250 µs through chrono's format parser,
/// which still reads anything else and words the error).
fn day_of(d: &str) -> StoreResult<chrono::NaiveDate> {
    let b = d.as_bytes();
    let number = |at: std::ops::Range<usize>| {
        b[at].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(day)) = (number(0..4), number(5..7), number(8..10))
        && let Some(date) = chrono::NaiveDate::from_ymd_opt(y as i32, m, day)
    {
        return Ok(date);
    }
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("day {d}: {e}")))
}

/// `value` as JSON text: a column that keeps a document, or the array a statement reads with
/// `json_each(?)` (the shop ids of a statement over several shops, a batch of row ids).
fn json<T: serde::Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The rows `sql` selects for `shops` (`?1`: one shop's id, or [`json`] of several) over
/// the days [from, to] (`?2`, `?3`).
async fn days_between<K, R>(
    conn: &mut sqlx::SqliteConnection,
    sql: &'static str,
    shops: K,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> StoreResult<Vec<R>>
where
    K: sqlx::Encode<'static, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + 'static,
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    Ok(sqlx::query_as(sql)
        .bind(shops)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(conn)
        .await?)
}

/// The position a row was given to (`position` column), if any.
fn position_of(
    r: &sqlx::sqlite::SqliteRow,
) -> StoreResult<Option<crate::domain::position::Position>> {
    use sqlx::Row;
    let Some(p) = r.try_get::<Option<String>, _>("position")? else {
        return Ok(None);
    };
    let position = p
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("position {p}")))?;
    Ok(Some(position))
}

/// Unix milliseconds, the form every instant is stored in.
pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The instant of stored unix milliseconds.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Discord ids are u64; SQLite integers are i64. Ids below 2^63 round-trip unchanged.
pub fn id_in(id: u64) -> i64 {
    id as i64
}

/// The inverse of [`id_in`].
pub fn id_out(id: i64) -> u64 {
    id as u64
}

/// Whether `conn` was opened read-only ([`Store::open_read_only`]).
pub async fn is_read_only(conn: &mut sqlx::SqliteConnection) -> StoreResult<bool> {
    let on: i64 = sqlx::query_scalar("PRAGMA query_only")
        .fetch_one(conn)
        .await?;
    Ok(on != 0)
}

/// A new file is created in `auto_vacuum = INCREMENTAL` mode (set before its first table);
/// a file created before that setting existed is converted once by a full `VACUUM` (the
/// only way SQLite changes the mode of a file with tables: it rewrites the file, about a
/// second per 100 MB, once).
async fn incremental_vacuum_mode(conn: &mut sqlx::SqliteConnection) -> StoreResult<()> {
    let (mode,): (i64,) = sqlx::query_as("PRAGMA auto_vacuum")
        .fetch_one(&mut *conn)
        .await?;
    if mode != 2 {
        tracing::info!("converting the database to incremental vacuum (once)");
        sqlx::query("PRAGMA auto_vacuum = INCREMENTAL")
            .execute(&mut *conn)
            .await?;
        sqlx::query("VACUUM").execute(&mut *conn).await?;
    }
    Ok(())
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so a
/// read-then-write cannot fail with "database is locked" when another connection wrote in
/// between: it waits (up to the busy timeout) instead. Inside a caller's transaction (which
/// holds the lock already, or decides when it takes it) it is a savepoint of that one.
pub async fn write_tx(
    conn: &mut sqlx::SqliteConnection,
) -> StoreResult<sqlx::Transaction<'_, sqlx::Sqlite>> {
    use sqlx::Connection;
    if conn.is_in_transaction() {
        return Ok(conn.begin().await?);
    }
    Ok(conn.begin_with("BEGIN IMMEDIATE").await?)
}

#[cfg(test)]
mod tests;
