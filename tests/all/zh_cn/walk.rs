//! Drives the core as a zh-CN team does and keeps every text a person would read: each reply
//! (title, lines, fields, footer, button labels, form title, labels and placeholders), the same
//! reply as the shell prints it (times as the shell renders them, its own framing), every
//! suggestion while typing, and every message the bot sends on its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use storeops::adapters::shell::parse::{Parsed, parse_line, tokenize};
use storeops::adapters::shell::{SHELL_GUILD, render, shell_channel, shell_id};
use storeops::app::{Actor, Invocation, OptValue, Origin, Reply};
use storeops::domain::position::Position;
use storeops::i18n::Locale;
use storeops::outbox::Dispatcher;

use crate::support::{RecordingSink, TestApp};

/// One screen: what produced it and the texts on it.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The line typed, the button pressed, or the message sent (`[bot] <dedupe key>`).
    pub source: String,
    pub texts: Vec<String>,
    /// Latin words this screen may repeat because the line that made it typed them.
    pub typed: String,
    /// Whether it is an error reply.
    pub error: bool,
}

/// The walk: a core on a temporary database, the people, and what they saw.
pub struct Walk {
    pub t: TestApp,
    pub sink: RecordingSink,
    dispatcher: Arc<Dispatcher>,
    delivered: usize,
    pub screens: Vec<Screen>,
    /// Every button seen, by id, with where it was seen first.
    pub buttons: BTreeMap<String, String>,
    /// Every form seen, by id.
    pub forms: BTreeMap<String, Vec<String>>,
    who: Actor,
}

/// A person of the team, reading in zh-CN.
pub fn person(name: &str, positions: &[Position]) -> Actor {
    let mut a = Actor::new(shell_id(name), name);
    a.positions = positions.to_vec();
    a.locale = Some(Locale::ZhCn);
    a
}

impl Walk {
    pub async fn new() -> Walk {
        // The shipped configuration: its activities and holidays are part of what the team
        // reads, created in the server's language.
        let t = TestApp::new().await;
        // The shell's preparation maps every position to a pretend role, as `storeops shell`.
        storeops::app::local::prepare(&t.app)
            .await
            .expect("prepare");
        let sink = RecordingSink::new();
        let dispatcher = Arc::new(Dispatcher::new(&t.app, Arc::new(sink.clone())).without_pacing());
        Walk {
            t,
            sink,
            dispatcher,
            delivered: 0,
            screens: Vec::new(),
            buttons: BTreeMap::new(),
            forms: BTreeMap::new(),
            who: person("alice", &[Position::Manager]),
        }
    }

    /// From now on, `name` with `positions` types.
    pub fn as_(&mut self, name: &str, positions: &[Position]) {
        self.who = person(name, positions);
    }

    fn origin(&self) -> Origin {
        Origin {
            guild_id: SHELL_GUILD,
            channel_id: shell_channel(),
            actor: self.who.clone(),
        }
    }

    /// Types `line` as the shell reads it; returns the reply (also kept as a screen).
    pub async fn line(&mut self, line: &str) -> Reply {
        let typed = typed_values(line);
        let reply = match parse_line(line, &self.t.app, SHELL_GUILD).await {
            Ok(Parsed::Command(inv)) => Box::pin(self.t.app.handle(&self.origin(), &inv)).await,
            Ok(Parsed::Press(id)) => self.t.app.press(&self.origin(), &id).await,
            Err(e) => Reply::error(e.render(Locale::ZhCn)),
        };
        self.keep(line, &reply, typed).await;
        self.deliver().await;
        reply
    }

    /// Types `line` and checks it was not refused (its reply is no error).
    pub async fn ok(&mut self, line: &str) -> Reply {
        let r = self.line(line).await;
        assert!(!is_error(&r), "refused: {line}\n{}", r.text());
        r
    }

    /// Presses a button by id.
    pub async fn press(&mut self, id: &str) -> Reply {
        let reply = self.t.app.press(&self.origin(), id).await;
        self.keep(&format!("/press {id}"), &reply, String::new())
            .await;
        self.deliver().await;
        reply
    }

    /// Submits a form with its fields.
    pub async fn submit(&mut self, id: &str, fields: &[(&str, &str)]) -> Reply {
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let reply = self.t.app.submit(&self.origin(), id, &fields).await;
        let typed = fields.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        self.keep(&format!("[form {id}]"), &reply, typed.join(" "))
            .await;
        self.deliver().await;
        reply
    }

    /// The suggestions while typing `partial` into option `focused` of the command at `path`.
    pub async fn suggest(&mut self, path: &str, focused: &str, partial: &str) -> usize {
        let mut inv = Invocation::new(path);
        inv.options
            .insert(focused.to_string(), OptValue::Str(partial.to_string()));
        let got = self.t.app.autocomplete(&self.origin(), &inv, focused).await;
        let n = got.len();
        self.screens.push(Screen {
            source: format!("[suggestions /{path} {focused}:{partial}]"),
            texts: got.into_iter().map(|(_, label)| label).collect(),
            typed: partial.to_string(),
            error: false,
        });
        n
    }

    /// Keeps a reply: its parts, and the shell's rendering of it.
    async fn keep(&mut self, source: &str, reply: &Reply, typed: String) {
        let mut texts = parts(reply);
        texts.push(render::reply_text(&self.t.app, SHELL_GUILD, reply, Locale::ZhCn, None).await);
        for b in &reply.buttons {
            self.buttons
                .entry(b.id.clone())
                .or_insert_with(|| source.to_string());
        }
        if let Some(f) = &reply.form {
            self.forms.insert(
                f.id.clone(),
                f.fields.iter().map(|x| x.id.clone()).collect(),
            );
        }
        self.screens.push(Screen {
            source: source.to_string(),
            texts,
            typed,
            error: is_error(reply),
        });
    }

    /// Delivers what is due now and keeps each message sent.
    pub async fn deliver(&mut self) {
        self.dispatcher.tick().await.expect("delivery pass");
        let calls = self.sink.calls();
        for msg in &calls[self.delivered..] {
            let mut texts = parts(&msg.reply);
            texts.push(
                render::reply_text(&self.t.app, SHELL_GUILD, &msg.reply, Locale::ZhCn, None).await,
            );
            for b in &msg.reply.buttons {
                self.buttons
                    .entry(b.id.clone())
                    .or_insert_with(|| format!("[bot] {}", msg.dedupe_key));
            }
            self.screens.push(Screen {
                source: format!("[bot] {}", msg.dedupe_key),
                texts,
                typed: String::new(),
                error: false,
            });
        }
        self.delivered = calls.len();
    }

    /// Moves the clock by `by`, stopping at every instant something is due on the way, as a
    /// bot that never stopped would (the shell's `:advance`).
    pub async fn advance(&mut self, by: Duration) {
        let target = self.t.clock_now() + by;
        for _ in 0..100_000 {
            match self.dispatcher.next_wake().await.expect("next wake") {
                Some(at) if at <= target => {
                    if at > self.t.clock_now() {
                        self.t.clock.set(at);
                    }
                    self.deliver().await;
                }
                _ => break,
            }
        }
        self.t.clock.set(target);
        self.deliver().await;
    }
}

/// Whether a reply is an error (a refusal, a value that does not read).
pub fn is_error(r: &Reply) -> bool {
    r.ephemeral && r.severity == storeops::message::Severity::Danger
}

/// Every text of a reply a person reads, one per part.
pub fn parts(r: &Reply) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(r.title.clone());
    out.extend(r.lines.iter().cloned());
    for f in &r.fields {
        out.push(f.name.clone());
        out.push(f.value.clone());
    }
    out.extend(r.footer.clone());
    out.extend(r.buttons.iter().map(|b| b.label.clone()));
    if let Some(f) = &r.form {
        out.push(f.title.clone());
        for x in &f.fields {
            out.push(x.label.clone());
            out.extend(x.placeholder.clone());
        }
    }
    out
}

/// The option values typed in a shell line (not the command or option names): what a reply
/// may repeat.
fn typed_values(line: &str) -> String {
    let Ok(tokens) = tokenize(line) else {
        return line.to_string();
    };
    let values: Vec<&str> = tokens
        .iter()
        .filter_map(|t| t.split_once([':', '：']).map(|(_, v)| v))
        .collect();
    let mut out = values.join(" ");
    // A file being imported: its preview quotes the file's own headers and cells.
    for v in values {
        if let Ok(bytes) = std::fs::read(v) {
            out.push(' ');
            out.push_str(&file_words(&bytes));
        }
    }
    out
}

/// The text of a file as a preview may quote it: its bytes read as 8-bit text and as UTF-16
/// (how a workbook stores its strings).
pub fn file_words(bytes: &[u8]) -> String {
    let latin: String = bytes.iter().map(|b| char::from(*b)).collect();
    let wide: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    format!("{latin} {}", String::from_utf16_lossy(&wide))
}
