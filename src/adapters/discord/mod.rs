//! The Discord front-end: serenity + poise. Slash commands are built from the core's command
//! table ([`crate::app::spec`]); every command, button and autocomplete request becomes an
//! invocation plus an actor for the core, and every reply is rendered back. Outbound
//! messages go through [`sink::DiscordSink`].

pub mod commands;
pub mod ratelimit;
pub mod register;
pub mod render;
pub mod sink;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tokio::sync::watch;

use crate::app::App;
use crate::config::Config;
use crate::outbox::Dispatcher;

/// Shared state of the poise framework.
pub struct Data {
    pub app: App,
}

/// The error type of commands (every failure becomes a reply before it gets here).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Reads the token from `DISCORD_TOKEN` or the configured token file. Never logged.
pub fn read_token(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(t) = env("DISCORD_TOKEN")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        return Some(t);
    }
    let file = config.discord.token_file.as_deref()?;
    read_token_file(file)
}

fn read_token_file(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// `storeops run`: connects to Discord with `app` and serves until SIGINT/SIGTERM.
pub async fn run(app: App) -> anyhow::Result<()> {
    let Some(token) = read_token(&app.config, &|k| std::env::var(k).ok()) else {
        let locale = app.config.defaults.locale;
        eprintln!("{}", locale.t("start-no-token"));
        if locale != crate::i18n::Locale::EnUs {
            eprintln!("\n{}", crate::i18n::Locale::EnUs.t("start-no-token"));
        }
        std::process::exit(2);
    };
    // One database, one dispatcher: a second bot (or a shell delivering) on it refuses.
    let lock = match app.take_run_lock("bot").await? {
        Ok(lock) => lock,
        Err(holder) => {
            let locale = app.config.defaults.locale;
            let ago = (chrono::Utc::now() - holder.heartbeat_at).num_seconds();
            eprintln!(
                "{}",
                crate::tr!(
                    locale,
                    "start-locked",
                    kind = holder.kind.clone(),
                    pid = holder.pid,
                    ago = ago
                )
            );
            std::process::exit(2);
        }
    };
    let bot = Bot::start(app.clone(), &token).await?;
    // Commands that only read (a year's statistics) leave page caches behind; the dispatcher
    // trims when it goes idle, and this once a minute whatever happened.
    let trim = tokio::spawn({
        let store = app.store.clone();
        async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                store.release_memory().await;
            }
        }
    });
    shutdown_signal().await;
    trim.abort();
    tracing::info!("shutting down");
    bot.stop().await;
    lock.release().await;
    app.close().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM; stop with Ctrl-C");
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A running bot: the gateway client and the outbox dispatcher.
pub struct Bot {
    shard_manager: Arc<serenity::ShardManager>,
    client_task: tokio::task::JoinHandle<()>,
    dispatcher_task: tokio::task::JoinHandle<()>,
    /// The command registration, while it is still retrying.
    register_task: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    /// Stops the dispatcher and the registration retries.
    stop_tasks: watch::Sender<bool>,
    /// The one `Http` every Discord call goes through.
    pub http: Arc<serenity::Http>,
    /// What the gateway told the bot (guilds, channels, roles, its member).
    pub cache: Arc<serenity::Cache>,
}

impl Bot {
    /// Builds the client (all traffic to `discord.api_base` when set), registers the
    /// commands when ready, and starts the gateway and the outbox dispatcher.
    pub async fn start(app: App, token: &str) -> anyhow::Result<Bot> {
        let client_http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(app.config.discord.connect_timeout)
            .timeout(app.config.discord.request_timeout)
            .build()
            .context("building the HTTP client")?;
        let mut builder = serenity::HttpBuilder::new(token).client(client_http.clone());
        if let Some(base) = &app.config.discord.api_base {
            // serenity ignores the proxy unless its own ratelimiter is off; the outbox handles 429s.
            builder = builder.proxy(base.clone()).ratelimiter_disabled(true);
        }
        let http = builder.build();

        let guilds = app.config.discord.guilds.clone();
        let first_retry = app.config.discord.register_retry;
        let data_app = app.clone();
        let (stop_tasks, stop_rx) = watch::channel(false);
        let register_stop = stop_rx.clone();
        let register_task: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>> =
            Arc::default();
        let register_slot = register_task.clone();
        let framework = poise::Framework::builder()
            .options(poise::FrameworkOptions {
                commands: commands::build(),
                on_error: |err| Box::pin(commands::on_error(err)),
                event_handler: |framework, event| Box::pin(commands::on_event(framework, event)),
                allowed_mentions: Some(serenity::CreateAllowedMentions::new().everyone(false).empty_users().empty_roles()),
                ..Default::default()
            })
            .setup(move |ctx, ready, framework| {
                Box::pin(async move {
                    tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                    // Registration runs on its own: a refusal must not stop the bot (reminders
                    // still go out), and it is retried until Discord accepts.
                    let commands = poise::builtins::create_application_commands(&framework.options().commands);
                    let task = tokio::spawn(register::until_accepted(
                        ctx.http.clone(),
                        data_app.clone(),
                        commands,
                        guilds,
                        first_retry,
                        register_stop,
                    ));
                    if let Ok(mut slot) = register_slot.lock() {
                        *slot = Some(task);
                    }
                    Ok(Data { app: data_app })
                })
            })
            .build();

        let intents = serenity::GatewayIntents::GUILDS;
        let mut client = serenity::ClientBuilder::new_with_http(http, intents)
            .framework(framework)
            .await
            .context("building the Discord client")?;
        let http = client.http.clone();
        let cache = client.cache.clone();
        let shard_manager = client.shard_manager.clone();
        let client_task = tokio::spawn(async move {
            if let Err(e) = client.start().await {
                tracing::error!(error = %e, "the Discord client stopped with an error");
            }
        });

        let sink = Arc::new(
            sink::DiscordSink::new(
                http.clone(),
                client_http,
                app.config.discord.global_requests_per_second,
            )
            .with_cache(cache.clone()),
        );
        let dispatcher = Arc::new(Dispatcher::new(&app, sink));
        let dispatcher_task = tokio::spawn(dispatcher.run(stop_rx));
        Ok(Bot {
            shard_manager,
            client_task,
            dispatcher_task,
            register_task,
            stop_tasks,
            http,
            cache,
        })
    }

    /// Stops the dispatcher (between sends) and the registration retries, and closes the
    /// gateway.
    pub async fn stop(self) {
        let _ = self.stop_tasks.send(true);
        let _ = self.dispatcher_task.await;
        let register = self.register_task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = register {
            let _ = task.await;
        }
        self.shard_manager.shutdown_all().await;
        let _ = self.client_task.await;
    }
}
