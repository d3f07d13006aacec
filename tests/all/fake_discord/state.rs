//! Shared state of the fake: everything recorded, guarded by one std mutex (never held across
//! an await), plus a watch channel bumped on every change so waiters can re-check.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::fixture::GuildFixture;

/// A REST fault to inject.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Plain status with Discord's generic body `{"message": "<status>: <reason>", "code": 0}`.
    Status(u16),
    /// 429 with body `{"message":"You are being rate limited.","retry_after":..,"global":false}`
    /// and `retry-after` / `x-ratelimit-*` headers.
    RateLimited { retry_after_secs: f64 },
    /// Status + Discord JSON error code + message, e.g. `Fault::Json(403, 50001, "Missing Access")`.
    Json(u16, i64, &'static str),
    /// Status + a whole JSON body (e.g. an "Invalid Form Body" with its `errors` tree).
    Body(u16, Value),
    /// No answer at all, ever (a stalled connection): the request is recorded (status 0) and
    /// changes nothing; the client must time out by itself.
    Hang,
    /// The request is carried out (a message is posted) but its answer never comes: a
    /// connection cut after Discord acted. The client times out and cannot know it went through.
    AnswerLost,
}

/// Which requests a fault applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultScope {
    /// `POST /channels/{id}/messages` and `PATCH /channels/{id}/messages/{mid}` only.
    MessageSend,
    /// Interaction callback, `@original` and followup routes only.
    InteractionResponses,
    /// Every REST route under `/api/v10`.
    All,
    /// Requests whose `METHOD /path` (path without `/api/v10`) contains this string,
    /// e.g. `"POST /channels/2002/messages"`.
    Matching(String),
}

impl FaultScope {
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        match self {
            FaultScope::All => true,
            FaultScope::MessageSend => matches!(
                (method, segs.as_slice()),
                ("POST", ["channels", _, "messages"]) | ("PATCH", ["channels", _, "messages", _])
            ),
            FaultScope::InteractionResponses => {
                matches!(segs.as_slice(), ["interactions", ..] | ["webhooks", ..])
            }
            FaultScope::Matching(s) => format!("{method} {path}").contains(s.as_str()),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct PendingFault {
    pub remaining: usize,
    pub fault: Fault,
    pub scope: FaultScope,
}

/// A file received in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedFile {
    /// Multipart field name, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// One REST request as the fake saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the `/api/v10` prefix when it had one (e.g. `/channels/2001/messages`).
    pub path: String,
    pub query: Option<String>,
    /// `Authorization` header (e.g. `Bot TOKEN`).
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub audit_log_reason: Option<String>,
    /// JSON body, or the parsed `payload_json` of a multipart body.
    pub body: Option<Value>,
    pub files: Vec<RecordedFile>,
    pub status: u16,
    pub response: Option<Value>,
    /// True when the route is not implemented by the fake (answered 404).
    pub unknown: bool,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// True when the opt-in rate limiter answered 429 (see [`FakeConfig::rate_limits`]).
    pub rate_limited: bool,
}

impl RecordedRequest {
    /// Discord's JSON error code of the response (`code`), if it has one.
    pub fn error_code(&self) -> Option<i64> {
        self.response.as_ref().and_then(|r| r["code"].as_i64())
    }

    /// One line for a failure message: method, path, status, code, message and `errors` tree.
    pub fn describe(&self) -> String {
        let r = self.response.clone().unwrap_or_default();
        let mut s = format!("{} {} -> {}", self.method, self.path, self.status);
        if let Some(code) = r["code"].as_i64() {
            s.push_str(&format!(" code {code}"));
        }
        if let Some(m) = r["message"].as_str() {
            s.push_str(&format!(" {m:?}"));
        }
        if let Some(e) = r.get("errors") {
            s.push_str(&format!(
                "\n    errors: {}",
                serde_json::to_string_pretty(e)
                    .unwrap_or_default()
                    .replace('\n', "\n    ")
            ));
        }
        s
    }
}

#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub kind: u8,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub user_id: u64,
    /// For component interactions: the message the component is on.
    pub source_message_id: Option<u64>,
    pub callback: Option<Value>,
    pub callback_files: Vec<RecordedFile>,
    pub original_message_id: Option<u64>,
    pub original_edits: Vec<Value>,
    pub followup_ids: Vec<u64>,
    pub original_deleted: bool,
    /// When the fake created the interaction, on the fake's clock ([`State::now`]).
    pub created: Option<Instant>,
    /// Application commands: the command name and subcommand path as sent.
    pub command: Option<(String, Vec<String>)>,
    /// Autocomplete: the focused option's name and the type it was sent with.
    pub focused: Option<(String, u8)>,
}

pub(crate) enum ConnCmd {
    Frame(String),
    Close(u16, String),
}

pub(crate) struct Conn {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<ConnCmd>,
    /// Set once IDENTIFY or RESUME succeeded on this connection.
    pub live: bool,
}

#[derive(Default)]
pub(crate) struct GatewayState {
    pub session_id: Option<String>,
    pub session_counter: u64,
    pub seq: u64,
    /// Dispatches of the current session, for RESUME replay.
    pub log: Vec<(u64, Value)>,
    /// Every frame (dispatch or not) sent to the client, in order.
    pub sent_frames: Vec<Value>,
    /// Every payload received from the client, in order.
    pub received: Vec<Value>,
    pub conn: Option<Conn>,
    pub next_conn_id: u64,
    pub connect_queries: Vec<String>,
    pub identifies: u64,
    pub resumes: u64,
    pub heartbeats: u64,
    pub invalid_resumes: u64,
}

/// The opt-in rate limiter's counters (fixed windows on the fake's clock).
#[derive(Default)]
pub(crate) struct RateLimits {
    /// Message create (`POST /channels/{id}/messages`) per channel: window start and count.
    pub channels: HashMap<u64, (Instant, u32)>,
    /// Get Channel Messages (`GET /channels/{id}/messages`) per channel, likewise.
    pub history: HashMap<u64, (Instant, u32)>,
    /// Every request counted against the global limit: window start and count.
    pub global: Option<(Instant, u32)>,
    /// 429s answered.
    pub hits: u64,
}

pub(crate) struct State {
    pub next_id: u64,
    /// How far the fake's clock is ahead of real time ([`State::now`]); moved by tests to age
    /// interactions and rate-limit windows without sleeping.
    pub skew: Duration,
    /// Discord JSON codes (or HTTP statuses) the test declared it expects as refusals.
    pub expected_refusals: Vec<i64>,
    pub rate_limits_enabled: bool,
    /// `FakeConfig::channel_window` and `global_limit`.
    pub channel_window: Duration,
    pub global_limit: u32,
    pub rate: RateLimits,
    /// How long attachment downloads wait before the file is served (a slow CDN).
    pub download_delay: Duration,
    pub requests: Vec<RecordedRequest>,
    pub faults: VecDeque<PendingFault>,
    pub global_commands: Option<Vec<Value>>,
    pub guild_commands: HashMap<u64, Vec<Value>>,
    pub last_commands: Vec<Value>,
    pub command_ids: HashMap<String, u64>,
    /// All messages ever created, in creation order.
    pub messages: Vec<Value>,
    /// When (on the fake's clock) each message with a nonce was created, by channel and nonce:
    /// the latest one, which a create with `enforce_nonce` within the window returns.
    pub nonces: HashMap<(u64, String), (u64, Instant)>,
    /// Creates with `enforce_nonce` answered with the earlier message (within the window).
    pub nonce_replays: u64,
    /// `FakeConfig::nonce_window`.
    pub nonce_window: Duration,
    pub message_index: HashMap<u64, usize>,
    pub message_edits: HashMap<u64, Vec<Value>>,
    pub deleted_messages: Vec<u64>,
    pub dm_channels: HashMap<u64, u64>,
    pub dm_channel_json: HashMap<u64, Value>,
    pub files: HashMap<u64, StoredFile>,
    pub interactions: HashMap<u64, InteractionRecord>,
    pub tokens: HashMap<String, u64>,
    pub gateway: GatewayState,
}

impl State {
    pub fn new() -> Self {
        State {
            skew: Duration::ZERO,
            expected_refusals: Vec::new(),
            rate_limits_enabled: false,
            channel_window: Duration::from_secs(5),
            global_limit: 50,
            rate: RateLimits::default(),
            download_delay: Duration::ZERO,
            next_id: 1_300_000_000_000_000_000,
            requests: Vec::new(),
            faults: VecDeque::new(),
            global_commands: None,
            guild_commands: HashMap::new(),
            last_commands: Vec::new(),
            command_ids: HashMap::new(),
            messages: Vec::new(),
            nonces: HashMap::new(),
            nonce_replays: 0,
            nonce_window: NONCE_WINDOW,
            message_index: HashMap::new(),
            message_edits: HashMap::new(),
            deleted_messages: Vec::new(),
            dm_channels: HashMap::new(),
            dm_channel_json: HashMap::new(),
            files: HashMap::new(),
            interactions: HashMap::new(),
            tokens: HashMap::new(),
            gateway: GatewayState::default(),
        }
    }

    /// The fake's clock: real time plus what the test advanced it by.
    pub fn now(&self) -> Instant {
        Instant::now() + self.skew
    }

    /// How long ago (on the fake's clock) an interaction was created.
    pub fn age(&self, rec: &InteractionRecord) -> Duration {
        rec.created
            .map(|c| self.now().saturating_duration_since(c))
            .unwrap_or_default()
    }

    /// A fresh snowflake: its timestamp is the fake's clock, and each id is above the last.
    pub fn new_id(&mut self) -> u64 {
        super::history::new_snowflake(self)
    }

    pub fn message(&self, id: u64) -> Option<&Value> {
        self.message_index.get(&id).map(|i| &self.messages[*i])
    }

    pub fn message_mut(&mut self, id: u64) -> Option<&mut Value> {
        self.message_index.get(&id).map(|i| &mut self.messages[*i])
    }

    pub fn push_message(&mut self, msg: Value) {
        let id = msg["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
        self.message_index.insert(id, self.messages.len());
        self.messages.push(msg);
    }

    pub fn interaction_by_token(&self, token: &str) -> Option<&InteractionRecord> {
        self.tokens
            .get(token)
            .and_then(|id| self.interactions.get(id))
    }

    pub fn interaction_by_token_mut(&mut self, token: &str) -> Option<&mut InteractionRecord> {
        let id = *self.tokens.get(token)?;
        self.interactions.get_mut(&id)
    }
}

/// Options for [`super::FakeDiscord::start_with`].
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// HELLO heartbeat interval (ms). Serenity heartbeats only after this elapses.
    pub heartbeat_interval_ms: u64,
    /// How long the `wait_*` helpers and `InteractionHandle::response` wait by default.
    pub default_timeout: Duration,
    /// Opt-in: Discord's rate limits on `POST /channels/{id}/messages` (5 per 5 s per channel)
    /// and the global limit (50 requests per second), with their headers and 429s.
    pub rate_limits: bool,
    /// The window of the per-channel limit (Discord's: 5 s). A test shortens it to run a long
    /// burst in little real time; the bot only ever learns it from the headers.
    pub channel_window: Duration,
    /// Requests per second of the global limit (Discord's: 50).
    pub global_limit: u32,
    /// How long a message's `nonce` deduplicates a later create with `enforce_nonce` in its
    /// channel. Discord: "If true and nonce is present, it will be checked for uniqueness in the
    /// past few minutes. If another message was created by the same author with the same nonce,
    /// that message will be returned and no new message will be created."
    /// (<https://discord.com/developers/docs/resources/message#create-message>, the
    /// `enforce_nonce` field). "A few minutes" is not a number: the fake takes 2 minutes, and
    /// a resend later than that posts a second message, as it would on Discord.
    pub nonce_window: Duration,
}

/// [`FakeConfig::nonce_window`]'s default.
pub const NONCE_WINDOW: Duration = Duration::from_secs(120);

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            heartbeat_interval_ms: 41_250,
            default_timeout: Duration::from_secs(5),
            rate_limits: false,
            channel_window: Duration::from_secs(5),
            global_limit: 50,
            nonce_window: NONCE_WINDOW,
        }
    }
}

pub(crate) struct Inner {
    pub fixture: GuildFixture,
    pub addr: SocketAddr,
    pub config: FakeConfig,
    pub state: Mutex<State>,
    pub changed: watch::Sender<u64>,
}

impl Inner {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes every waiter.
    pub fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Waits until `check` returns `Some`, re-checking on every state change; `None` on timeout.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&State) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.changed.subscribe();
        loop {
            if let Some(v) = check(&self.lock()) {
                return Some(v);
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return check(&self.lock()),
            }
        }
    }
}
