//! The local front-end: `storeops shell` reads lines such as
//! `/task assign user:@alice title:"Update the banner" due:"fri 18:00"` from a terminal or a
//! pipe, runs them through the same core as Discord, and prints replies and the messages the
//! bot sends on its own. Names stand in for platform ids (`@alice`, `#ops`).

pub mod parse;
pub mod render;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::app::{Actor, App, AppResult, Origin};
use crate::clock::ManualClock;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::Target;
use crate::outbox::{Delivered, Dispatcher, Outbound, SendError, Sink};
use crate::tr;

pub use parse::{parse_line, shell_id};

/// The guild the shell plays in.
pub use crate::app::local::LOCAL_GUILD as SHELL_GUILD;

/// The channel the shell's commands are typed in.
pub use crate::app::local::local_channel as shell_channel;

/// Prints (or, in tests, collects) what the bot sends on its own.
pub struct ShellSink {
    tx: mpsc::UnboundedSender<Outbound>,
}

#[async_trait]
impl Sink for ShellSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        self.tx
            .send(msg.clone())
            .map_err(|_| SendError::Transient {
                reason: "shell output closed".into(),
                retry_after: None,
            })?;
        Ok(Delivered {
            message_id: format!("shell-{}", msg.id),
        })
    }
}

/// A shell session: the pretend user, the clock, and the outbox delivering to the screen.
pub struct Shell {
    pub app: App,
    pub actor: Actor,
    /// Set when the shell runs on a manual clock (`--now`), so `:advance` can move it.
    pub manual: Option<ManualClock>,
    dispatcher: Arc<Dispatcher>,
    outbound: mpsc::UnboundedReceiver<Outbound>,
    /// Set (by Ctrl-C) to stop a running `:advance` where it is.
    interrupt: Arc<AtomicBool>,
}

/// What one line produced.
#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    /// The user asked to leave.
    pub quit: bool,
}

impl Shell {
    /// A shell over `app`, typing as `actor`. Maps every position to a pretend role so pings
    /// to positions show by name.
    pub async fn new(app: App, actor: Actor, manual: Option<ManualClock>) -> AppResult<Shell> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut dispatcher = Dispatcher::new(&app, Arc::new(ShellSink { tx }));
        if manual.is_some() {
            // Moving a manual clock with :advance must not wait real time between messages.
            dispatcher = dispatcher.without_pacing();
        }
        let dispatcher = Arc::new(dispatcher);
        let shell = Shell {
            app,
            actor,
            manual,
            dispatcher,
            outbound: rx,
            interrupt: Arc::new(AtomicBool::new(false)),
        };
        crate::app::local::prepare(&shell.app).await?;
        Ok(shell)
    }

    /// Set it (from a Ctrl-C handler) to stop a running `:advance` at the instant it reached.
    pub fn interrupt_handle(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// A shell beside a running bot: it prepares nothing (the database is read-only to it) and
    /// its dispatcher must not be run.
    pub async fn watching(app: App, actor: Actor) -> Shell {
        let (tx, rx) = mpsc::unbounded_channel();
        Shell {
            dispatcher: Arc::new(Dispatcher::new(&app, Arc::new(ShellSink { tx }))),
            app,
            actor,
            manual: None,
            outbound: rx,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The dispatcher delivering to this shell (run it in the background on a real clock).
    pub fn dispatcher(&self) -> Arc<Dispatcher> {
        self.dispatcher.clone()
    }

    fn origin(&self) -> Origin {
        Origin {
            guild_id: SHELL_GUILD,
            channel_id: shell_channel(),
            actor: self.actor.clone(),
        }
    }

    async fn locale(&self) -> Locale {
        match self.app.guild(SHELL_GUILD).await {
            Ok(g) => self.actor.locale_in(&g),
            Err(_) => self.actor.locale.unwrap_or(self.app.config.defaults.locale),
        }
    }

    /// The pretend user's positions: as typed in `--roles` for an English reader, by their
    /// names for others.
    fn roles_text(&self, l: Locale) -> String {
        if self.actor.positions.is_empty() {
            "—".into()
        } else {
            self.actor
                .positions
                .iter()
                .map(|p| match l {
                    Locale::EnUs => p.key().to_string(),
                    _ => l.t(&p.label_key()),
                })
                .collect::<Vec<_>>()
                .join(",")
        }
    }

    /// The greeting printed when an interactive shell starts.
    pub async fn welcome(&self) -> String {
        let l = self.locale().await;
        tr!(
            l,
            "shell-welcome",
            name = self.actor.name.as_str(),
            roles = self.roles_text(l)
        )
    }

    /// Runs one line: a command (`/status`), a control (`:advance 2h`), or nothing.
    pub async fn execute(&mut self, line: &str) -> Output {
        let line = line.trim();
        let mut out = Output::default();
        if line.is_empty() || line.starts_with("//") {
            return out;
        }
        if let Some(control) = line.strip_prefix(':') {
            out.text = self.control(control, &mut out.quit).await;
        } else {
            // The core says which language its reply is in (read with the settings it needed
            // anyway); only a line that does not parse needs them read here.
            let crate::app::Answered {
                reply,
                locale,
                known,
            } = match parse_line(line, &self.app, SHELL_GUILD).await {
                Ok(parse::Parsed::Command(inv)) => {
                    self.app.handle_answered(&self.origin(), &inv).await
                }
                Ok(parse::Parsed::Press(id)) => self.app.press_answered(&self.origin(), &id).await,
                Err(e) => {
                    let locale = self.locale().await;
                    crate::app::Answered {
                        reply: crate::app::Reply::error(e.render(locale)),
                        locale,
                        known: None,
                    }
                }
            };
            out.text =
                render::reply_text(&self.app, SHELL_GUILD, &reply, locale, known.as_ref()).await;
            for line in self.save_attachments(&reply, locale) {
                out.text.push('\n');
                out.text.push_str(&line);
            }
        }
        if self.manual.is_some()
            && let Err(e) = self.dispatcher.tick().await
        {
            out.text.push_str(&format!("\n{e}"));
        }
        let sent = self.drain_outbound().await;
        if !sent.is_empty() {
            if !out.text.is_empty() {
                out.text.push('\n');
            }
            out.text.push_str(&sent);
        }
        out
    }

    /// Writes a reply's files (exports, calendars; not its chart pictures, which `render`
    /// saves) under `attachments/` beside the database, where the user can open them, never
    /// over an earlier file (`name-2.xlsx`, ...); one line each saying where it is.
    fn save_attachments(&self, reply: &crate::app::Reply, locale: Locale) -> Vec<String> {
        // Charts are pictures shown with the message; files to open (spreadsheets,
        // calendars) are what the user needs on disk.
        let files: Vec<_> = reply
            .attachments
            .iter()
            .filter(|a| !a.filename.to_ascii_lowercase().ends_with(".png"))
            .collect();
        if files.is_empty() {
            return Vec::new();
        }
        let dir = self.app.config.data_folder().join("attachments");
        let mut out = Vec::new();
        if let Err(e) = std::fs::create_dir_all(&dir) {
            out.push(tr!(
                locale,
                "shell-save-failed",
                file = dir.display().to_string(),
                reason = e.to_string()
            ));
            return out;
        }
        for a in files {
            let name = std::path::Path::new(&a.filename);
            let stem = name.file_stem().and_then(|s| s.to_str()).unwrap_or("file");
            let ext = name.extension().and_then(|s| s.to_str()).unwrap_or("");
            let mut path = dir.join(&a.filename);
            let mut n = 2;
            while path.exists() {
                path = dir.join(format!("{stem}-{n}.{ext}"));
                n += 1;
            }
            let shown = std::path::absolute(&path).unwrap_or(path.clone());
            out.push(match std::fs::write(&path, &a.bytes) {
                Ok(()) => tr!(locale, "shell-saved", file = shown.display().to_string()),
                Err(e) => tr!(
                    locale,
                    "shell-save-failed",
                    file = shown.display().to_string(),
                    reason = e.to_string()
                ),
            });
        }
        out
    }

    /// Renders every message the bot has sent since the last call.
    pub async fn drain_outbound(&mut self) -> String {
        let mut parts = Vec::new();
        while let Ok(msg) = self.outbound.try_recv() {
            parts.push(self.render_outbound(&msg).await);
        }
        parts.join("\n")
    }

    /// Waits for the next message the bot sends on its own (used on a real clock).
    pub async fn next_outbound(&mut self) -> Option<String> {
        let msg = self.outbound.recv().await?;
        Some(self.render_outbound(&msg).await)
    }

    async fn render_outbound(&self, msg: &Outbound) -> String {
        let locale = self.locale().await;
        let target = match msg.target {
            Target::Channel(id) => format!("<#{id}>"),
            Target::User(id) => format!("<@{id}>"),
        };
        let head = tr!(locale, "shell-sent", target = target);
        let head = render::markup(&self.app, SHELL_GUILD, &head, locale, None).await;
        format!(
            "{head}\n{}",
            render::reply_text(&self.app, SHELL_GUILD, &msg.reply, locale, None).await
        )
    }

    async fn control(&mut self, control: &str, quit: &mut bool) -> String {
        let locale = self.locale().await;
        let mut words = control.split_whitespace();
        let head = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        match head {
            "q" | "quit" | "exit" | "退出" => {
                *quit = true;
                String::new()
            }
            "help" | "h" | "帮助" => locale.t("shell-help"),
            "now" | "现在" => {
                let g = self.app.guild(SHELL_GUILD).await.ok();
                let tz = g
                    .map(|g| g.timezone)
                    .unwrap_or(self.app.config.defaults.timezone);
                let now = self.app.clock.now().with_timezone(&tz);
                tr!(
                    locale,
                    "shell-now",
                    now = format!(
                        "{} ({})",
                        now.format("%Y-%m-%d %H:%M:%S"),
                        locale.t(&format!(
                            "weekday-{}",
                            chrono::Datelike::weekday(&now).num_days_from_monday()
                        ))
                    ),
                    tz = tz.name()
                )
            }
            "locale" | "语言" => match rest.first().and_then(|typed| {
                // A tag (`zh-CN`) or a language's name as the choice shows it (`中文`).
                typed.parse::<Locale>().ok().or_else(|| {
                    Locale::ALL.into_iter().find(|l| {
                        Locale::ALL
                            .iter()
                            .any(|r| crate::app::spec::choice_label(l.tag(), *r) == *typed)
                    })
                })
            }) {
                Some(l) => {
                    self.actor.locale = Some(l);
                    crate::app::spec::choice_label(l.tag(), l)
                }
                None => locale.t("shell-help"),
            },
            "as" | "身份" => match rest.first() {
                Some(name) => {
                    let name = name.trim_start_matches('@');
                    self.actor.user_id = shell_id(name);
                    self.actor.name = name.to_string();
                    self.actor.positions =
                        rest.get(1).map(|r| parse_positions(r)).unwrap_or_default();
                    let l = self.locale().await;
                    tr!(l, "shell-as", name = name, roles = self.roles_text(l))
                }
                None => locale.t("shell-help"),
            },
            "advance" | "快进" => {
                let Some(clock) = &self.manual else {
                    return locale.t("shell-no-advance");
                };
                match rest
                    .first()
                    .map(|d| crate::domain::deadline::parse_duration(d))
                {
                    Some(Ok(d))
                        if d > chrono::Duration::days(ADVANCE_MAX_DAYS)
                            || d < chrono::Duration::zero() =>
                    {
                        tr!(
                            locale,
                            "shell-advance-bad",
                            value = rest.join(" "),
                            max = ADVANCE_MAX_DAYS
                        )
                    }
                    Some(Ok(d)) => {
                        // Step through every due instant on the way, as a bot that never
                        // stopped would, instead of jumping past them.
                        let clock = clock.clone();
                        let target = self.app.clock.now() + d;
                        self.interrupt.store(false, Ordering::SeqCst);
                        for _ in 0..100_000 {
                            if self.interrupt.swap(false, Ordering::SeqCst) {
                                let tz = match self.app.guild(SHELL_GUILD).await {
                                    Ok(g) => g.timezone,
                                    Err(_) => self.app.config.defaults.timezone,
                                };
                                let now = self.app.clock.now().with_timezone(&tz);
                                return tr!(
                                    locale,
                                    "shell-advance-stopped",
                                    now = now.format("%Y-%m-%d %H:%M").to_string()
                                );
                            }
                            let next = match self.dispatcher.next_wake().await {
                                Ok(next) => next,
                                Err(e) => return e.to_string(),
                            };
                            match next {
                                Some(at) if at <= target => {
                                    clock.set(at);
                                    if let Err(e) = self.dispatcher.tick().await {
                                        return e.to_string();
                                    }
                                }
                                _ => break,
                            }
                        }
                        clock.set(target);
                        String::new()
                    }
                    Some(Err(_)) => {
                        tr!(
                            locale,
                            "shell-advance-bad",
                            value = rest.join(" "),
                            max = ADVANCE_MAX_DAYS
                        )
                    }
                    None => locale.t("shell-help"),
                }
            }
            other => tr!(locale, "shell-unknown-control", control = other),
        }
    }
}

/// The furthest `:advance` moves the clock at once: the longest duration people may type
/// (five years), which the refusal names (it said 3650 days while refusing more than 1827).
const ADVANCE_MAX_DAYS: i64 = crate::domain::deadline::MAX_DURATION_DAYS;

/// `manager,customer-service` -> positions (unknown names are ignored).
pub fn parse_positions(list: &str) -> Vec<Position> {
    list.split([',', '，', ' '])
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Parses `--now` ("2026-11-23 09:00" in the default zone, or RFC 3339).
pub fn parse_now(s: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(crate::domain::deadline::local_to_utc(n, tz));
        }
    }
    None
}
