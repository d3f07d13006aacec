//! The core's use cases: an [`Invocation`] from an [`Actor`] goes in, a [`Reply`] comes out.
//! Permission checks live here, not only in a front-end. Nothing here knows which chat
//! platform the person is on.

pub mod access;
pub mod actor;
pub mod backup;
pub mod cmd;
pub mod error;
pub mod health;
pub mod input;
pub mod invocation;
pub mod jobs;
pub mod local;
pub mod runlock;
pub mod sheet;
pub mod spec;
pub mod view;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use crate::message::Reply;
pub use actor::{Actor, Origin};
pub use error::{AppError, AppResult, Suggestions, UserError};
pub use invocation::{Invocation, OptValue};

use crate::clock::SharedClock;
use crate::config::Config;
use crate::i18n::Locale;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection};

use crate::message::NameKind;
use crate::store::events::{self, Entry, Log};
use crate::store::names;
use crate::store::runtime;
use crate::store::settings::{self, GuildSettings};
use crate::store::{Store, StoreError, ms};

/// Everything a command needs: the database, the clock, the settings, and a way to wake the
/// outbox dispatcher when new messages are queued.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// The only source of "now".
    pub clock: SharedClock,
    pub config: Arc<Config>,
    /// Rings when a new outbox row may be due sooner than the dispatcher thinks.
    pub outbox_wake: Arc<Notify>,
    /// When this process started.
    pub started_at: DateTime<Utc>,
    /// This process's troubles (a full disk, failing jobs), for `/status`.
    pub health: Arc<health::Health>,
}

/// What a command is working with: who, where, in which language, and the guild's settings.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub origin: &'a Origin,
    pub guild: GuildSettings,
    /// Language of the reply.
    pub locale: Locale,
    /// "Now", read once per command.
    pub now: DateTime<Utc>,
    /// [`crate::store::Store::settings_changes_begun`] before the settings were read.
    settings_seen: u64,
    /// The connection the context was read on, kept for the command's own reads and writes
    /// (see [`Ctx::conn`]).
    kept: std::sync::Mutex<Option<PoolConnection<Sqlite>>>,
}

/// A connection of a command's (see [`Ctx::conn`]): it goes back to its context when dropped,
/// or to the pool when the context has one again or it is inside a transaction.
pub type CtxConn<'c> = crate::store::Lent<'c>;

/// A reply with what a front-end without a platform to ask (the shell) needs to show it: the
/// language it is in and, unless the settings may have changed since the command read them,
/// the guild's zone and the names of the actor and of the members, roles and channels its
/// options named.
pub struct Answered {
    pub reply: Reply,
    pub locale: Locale,
    pub known: Option<Known>,
}

/// The zone and names a command's context read (see [`Answered`]).
#[derive(Debug, Clone)]
pub struct Known {
    pub timezone: chrono_tz::Tz,
    pub names: std::collections::HashMap<(NameKind, u64), String>,
}

/// The command's connection waits for the next command (see [`Store::take_warm`]).
impl Drop for Ctx<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.kept.get_mut().ok().and_then(Option::take) {
            self.app.store.keep_warm(conn);
        }
    }
}

impl Ctx<'_> {
    /// A translated message.
    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    /// A connection for reading: the one the context was read on, when no other part of the
    /// command holds it, else one from the pool. One connection (and with it one thread) serving
    /// a whole command saves a hand-back and an acquire, each a task of the pool's, and the
    /// wake-up of a thread that has been idle longest (the pool hands out its idle connections
    /// oldest first): about a tenth of a small command's time on this project's 2-core machine.
    pub async fn conn(&self) -> AppResult<CtxConn<'_>> {
        let conn = match self.take_kept() {
            Some(conn) => conn,
            None => self.app.conn().await?,
        };
        Ok(crate::store::Lent::new(conn, &self.kept))
    }

    fn take_kept(&self) -> Option<PoolConnection<Sqlite>> {
        self.kept.lock().ok().and_then(|mut slot| slot.take())
    }

    /// Runs `f` in one write transaction (see [`App::write`]), on the command's connection
    /// (see [`Ctx::conn`]).
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut out = None;
        let (done, conn) = self
            .app
            .write_if_on(self.take_kept(), async |tx| {
                out = Some(f(tx).await?);
                Ok(true)
            })
            .await;
        if let Some(conn) = conn {
            crate::store::Keeper::keep(&self.kept, conn);
        }
        done?;
        out.ok_or_else(|| StoreError::Corrupt("a committed write returned nothing".into()).into())
    }

    /// Records in item `id`'s history that the actor did `kind` now.
    pub async fn log(
        &self,
        conn: &mut SqliteConnection,
        (log, id): (Log, i64),
        kind: &str,
        detail: Option<&str>,
    ) -> AppResult<()> {
        let actor = self.origin.actor.user_id;
        let entry = Entry {
            at: self.now,
            actor,
            kind,
            detail,
        };
        Ok(events::add(conn, log, id, entry).await?)
    }

    /// Refuses unless the actor is a manager.
    pub fn require_manager(&self) -> Result<(), UserError> {
        if self.origin.actor.is_manager(&self.guild) {
            Ok(())
        } else {
            Err(UserError::new("err-manager-only"))
        }
    }
}

impl App {
    /// A core over an open store.
    pub fn new(store: Store, clock: SharedClock, config: Arc<Config>) -> App {
        let started_at = clock.now();
        App {
            store,
            clock,
            config,
            outbox_wake: Arc::new(Notify::new()),
            started_at,
            health: Arc::new(health::Health::default()),
        }
    }

    /// A connection for reading.
    pub async fn conn(&self) -> AppResult<PoolConnection<Sqlite>> {
        Ok(self.store.pool.acquire().await?)
    }

    /// Runs `f` in one write transaction: the write lock is taken at once (`BEGIN IMMEDIATE`,
    /// so a read-then-write never fails on another writer), everything `f` wrote is committed
    /// together or, when it fails, nothing is; then the outbox dispatcher is woken, since `f`
    /// may have queued messages. Every change a command or a job makes goes through here.
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut out = None;
        self.write_if(async |tx| {
            out = Some(f(tx).await?);
            Ok(true)
        })
        .await?;
        out.ok_or_else(|| StoreError::Corrupt("a committed write returned nothing".into()).into())
    }

    /// [`App::write`] for work that may find, once inside the transaction, that what it read
    /// has changed under it (another process got there first): `f` answers whether to keep
    /// what it wrote; false rolls it all back. Returns that answer.
    pub async fn write_if(
        &self,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<bool>,
    ) -> AppResult<bool> {
        self.write_if_on(None, f).await.0
    }

    /// [`App::write_if`] on `conn` (one from the pool when None); hands the connection back
    /// unless a statement failed on it.
    async fn write_if_on(
        &self,
        conn: Option<PoolConnection<Sqlite>>,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<bool>,
    ) -> (AppResult<bool>, Option<PoolConnection<Sqlite>>) {
        let mut conn = match conn {
            Some(c) => c,
            None => match self.store.pool.acquire().await {
                Ok(c) => c,
                Err(e) => {
                    let e = StoreError::from(e);
                    self.health.store_failed(&e, self.clock.now());
                    return (Err(e.into()), None);
                }
            },
        };
        let out = self.write_if_with(&mut conn, f).await;
        let conn = if let Err(AppError::Store(_)) = &out {
            // Whatever state the failed statement left the connection in (a transaction
            // SQLite kept open holds the write lock), it is not handed to anyone else.
            conn.close_on_drop();
            None
        } else {
            Some(conn)
        };
        (out, conn)
    }

    /// [`App::write_if`] on a connection the caller holds, for work that read on it first (a
    /// job run by a command, on the command's connection): it never waits for a second
    /// connection while holding one, which enough commands at once would turn into waiting for
    /// each other. A connection a statement failed on is not reused: the caller returns the
    /// error, and a connection left inside a transaction goes back to the pool, which closes it
    /// (see [`Store::connect`](crate::store::Store::connect)).
    pub async fn write_if_with(
        &self,
        conn: &mut SqliteConnection,
        f: impl AsyncFnOnce(&mut SqliteConnection) -> AppResult<bool>,
    ) -> AppResult<bool> {
        let out = async {
            let mut tx = crate::store::write_tx(conn).await?;
            if !f(&mut tx).await? {
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        }
        .await;
        match &out {
            Ok(true) => {
                self.health.write_succeeded(self.clock.now());
                self.outbox_wake.notify_one();
                self.store.checkpoint_soon();
            }
            Ok(false) => {}
            Err(AppError::Store(e)) => self.health.store_failed(e, self.clock.now()),
            Err(AppError::User(_)) => {}
        }
        out
    }

    /// The guild's settings with the remembered names of some members, roles or channels (those
    /// not known are missing), in one statement: what a front-end without a platform to ask
    /// (the shell) reads to show a reply's times and mentions.
    pub async fn guild_with_names(
        &self,
        guild_id: u64,
        wanted: &[(NameKind, u64)],
    ) -> AppResult<(
        GuildSettings,
        std::collections::HashMap<(NameKind, u64), String>,
    )> {
        let mut conn = self.store.warm_conn().await?;
        match settings::get_with_names(&mut conn, guild_id, wanted).await? {
            Some((guild, names)) => Ok((
                guild,
                names
                    .into_iter()
                    .map(|(kind, id, name)| ((kind, id), name))
                    .collect(),
            )),
            None => {
                let now = ms(self.clock.now());
                let guild = settings::get_or_init(&mut conn, guild_id, &self.config, now).await?;
                Ok((guild, Default::default()))
            }
        }
    }

    /// The remembered names of some members, roles or channels (those not known are missing).
    pub async fn names_of(
        &self,
        guild_id: u64,
        kind: NameKind,
        ids: &[u64],
    ) -> AppResult<std::collections::HashMap<u64, String>> {
        let mut conn = self.conn().await?;
        Ok(names::names_of(&mut conn, guild_id, kind, ids).await?)
    }

    /// Records whether the chat platform accepted the commands (`text`: how many, or its
    /// reason for refusing them), for `/status` in any front-end on this database.
    pub async fn record_registration(&self, ok: bool, text: &str) -> AppResult<()> {
        let mut conn = self.conn().await?;
        runtime::set(&mut conn, runtime::COMMANDS, text, ok, self.clock.now()).await?;
        Ok(())
    }

    /// Closes the database (checkpointing its log); the last thing a front-end does.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The guild's settings, created from the defaults on first use.
    pub async fn guild(&self, guild_id: u64) -> AppResult<GuildSettings> {
        let mut conn = self.conn().await?;
        Ok(settings::get_or_init(&mut conn, guild_id, &self.config, ms(self.clock.now())).await?)
    }

    /// The context of a command, a click or a form from `origin`, remembering on the way the
    /// display names of its actor and of the members, roles and channels it `names` (so
    /// front-ends without a platform to ask, the shell and the logs, can show them). One
    /// connection and, when no name changed, one statement: every acquire from the pool and
    /// every statement is a hand-over to a connection's thread.
    async fn ctx<'a>(
        &'a self,
        origin: &'a Origin,
        names: &[(NameKind, u64, &str)],
    ) -> AppResult<Ctx<'a>> {
        let settings_seen = self.store.settings_changes_begun();
        let mut conn = match self.store.take_warm() {
            Some(conn) => conn,
            None => self.conn().await?,
        };
        let now = self.clock.now();
        let guild_id = origin.guild_id;
        let mut seen = vec![(
            NameKind::User,
            origin.actor.user_id,
            origin.actor.name.as_str(),
        )];
        seen.extend_from_slice(names);
        let wanted: Vec<(NameKind, u64)> = seen.iter().map(|(k, id, _)| (*k, *id)).collect();
        let (guild, known) = match settings::get_with_names(&mut conn, guild_id, &wanted).await? {
            Some(found) => found,
            // The guild's first command: its settings are made from the defaults.
            None => (
                settings::get_or_init(&mut conn, guild_id, &self.config, ms(now)).await?,
                Vec::new(),
            ),
        };
        let locale = origin.actor.locale_in(&guild);
        // Only a convenience for front-ends without a platform: a failure (a full disk) must
        // not stop the command, which says for itself whether it could save.
        let stale = names::stale(&seen, &known);
        if let Err(e) = names::remember_many(&mut conn, guild_id, &stale, ms(now)).await {
            tracing::warn!(error = %e, "cannot remember the names of the actor and the options");
            self.health.store_failed(&e, now);
        }
        Ok(Ctx {
            app: self,
            origin,
            guild,
            locale,
            now,
            settings_seen,
            kept: std::sync::Mutex::new(Some(conn)),
        })
    }

    /// Runs a command. Never fails: every error becomes a polite reply in the user's language,
    /// and a failure of the disk is logged and said to have changed nothing.
    pub async fn handle(&self, origin: &Origin, inv: &Invocation) -> Reply {
        self.handle_answered(origin, inv).await.reply
    }

    /// [`App::handle`], with the language the reply is in (the actor's, else the guild's) and
    /// what the command's context read, for a front-end that writes words of its own around it
    /// and shows names and times without reading the settings again.
    pub async fn handle_answered(&self, origin: &Origin, inv: &Invocation) -> Answered {
        let names: Vec<(NameKind, u64, &str)> = inv
            .options
            .values()
            .filter_map(|v| match v {
                OptValue::User { id, name } => Some((NameKind::User, *id, name.as_str())),
                OptValue::Role { id, name } => Some((NameKind::Role, *id, name.as_str())),
                OptValue::Channel { id, name } => Some((NameKind::Channel, *id, name.as_str())),
                _ => None,
            })
            .collect();
        self.answer(origin, &names, &inv.path_str(), async |ctx| {
            inv.check(ctx.locale)?;
            access::check(ctx, &inv.path_str())?;
            cmd::run(ctx, inv).await
        })
        .await
    }

    /// Runs `work` in the context of `origin`; any error (also while building the context)
    /// becomes a polite reply in the user's language, logged under `what`.
    async fn answer(
        &self,
        origin: &Origin,
        names: &[(NameKind, u64, &str)],
        what: &str,
        work: impl AsyncFnOnce(&Ctx<'_>) -> AppResult<Reply>,
    ) -> Answered {
        match self.ctx(origin, names).await {
            Ok(ctx) => {
                let reply = work(&ctx)
                    .await
                    .unwrap_or_else(|e| self.error_reply(e, ctx.locale, what));
                let known =
                    (self.store.settings_changes_begun() == ctx.settings_seen).then(|| Known {
                        timezone: ctx.guild.timezone,
                        names: std::iter::once((
                            NameKind::User,
                            origin.actor.user_id,
                            origin.actor.name.as_str(),
                        ))
                        .chain(names.iter().copied())
                        .map(|(kind, id, name)| ((kind, id), name.to_string()))
                        .collect(),
                    });
                Answered {
                    reply,
                    locale: ctx.locale,
                    known,
                }
            }
            Err(e) => {
                let locale = self.fallback_locale(origin);
                Answered {
                    reply: self.error_reply(e, locale, what),
                    locale,
                    known: None,
                }
            }
        }
    }

    /// Handles a button click whose id the core made (`task:done:42`).
    pub async fn press(&self, origin: &Origin, button_id: &str) -> Reply {
        self.press_answered(origin, button_id).await.reply
    }

    /// [`App::press`], with what its context read (see [`App::handle_answered`]).
    pub async fn press_answered(&self, origin: &Origin, button_id: &str) -> Answered {
        self.answer(origin, &[], button_id, async |ctx| {
            access::check_known(ctx, button_id)?;
            cmd::press(ctx, button_id).await
        })
        .await
    }

    /// Handles a submitted form (whose id the core made) with its field values.
    pub async fn submit(
        &self,
        origin: &Origin,
        form_id: &str,
        fields: &[(String, String)],
    ) -> Reply {
        self.answer(origin, &[], form_id, async |ctx| {
            access::check_known(ctx, form_id)?;
            cmd::submit(ctx, form_id, fields).await
        })
        .await
        .reply
    }

    /// Suggestions (value, label) for the option `focused` while the user types.
    pub async fn autocomplete(
        &self,
        origin: &Origin,
        inv: &Invocation,
        focused: &str,
    ) -> Vec<(String, String)> {
        let result = match self.ctx(origin, &[]).await {
            Ok(ctx) => cmd::autocomplete(&ctx, inv, focused).await,
            Err(e) => Err(e),
        };
        result.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "autocomplete failed");
            vec![]
        })
    }

    fn fallback_locale(&self, origin: &Origin) -> Locale {
        origin.actor.locale.unwrap_or(self.config.defaults.locale)
    }

    fn error_reply(&self, e: AppError, locale: Locale, what: &str) -> Reply {
        match e {
            AppError::User(u) => Reply::error(u.render(locale)),
            AppError::Store(s) => {
                tracing::error!(error = %s, command = what, "storage failure while handling a command");
                self.health.store_failed(&s, self.clock.now());
                if s.is_disk_full() {
                    Reply::error(locale.t("err-disk-full"))
                } else if s.is_read_only() {
                    Reply::error(locale.t("err-read-only"))
                } else {
                    Reply::error(locale.t("err-storage"))
                }
            }
        }
    }
}
