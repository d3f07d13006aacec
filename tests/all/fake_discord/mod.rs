//! A fake Discord (REST + gateway) on 127.0.0.1 for end-to-end tests of a serenity 0.12.5 /
//! poise 0.7 bot, with no network.
//!
//! ```ignore
//! let fake = FakeDiscord::start(GuildFixture::default()).await;
//! let http = HttpBuilder::new("Bot x").proxy(fake.api_base()).ratelimiter_disabled(true).build();
//! let mut client = ClientBuilder::new_with_http(http, intents).event_handler(h).await?;
//! tokio::spawn(async move { client.start().await });
//! fake.wait_identified().await;
//! let h = fake.slash(alice, "task", Some("assign"), vec![opt("title", json!("x"))]).await;
//! assert_eq!(h.response().await["type"], 4);
//! ```
//!
//! Serenity asks `GET /api/v10/gateway` while building the client (`/gateway/bot` only with
//! `start_autosharded`) and connects to `{url}?v=10` (no `encoding`, no `compress` query; it
//! sends `compress: true` in IDENTIFY but accepts plain text frames). It RESUMEs on the same
//! URL (it never uses `resume_gateway_url`); the IDENTIFY token keeps the `Bot ` prefix.
//! A missing required field makes serenity turn a dispatch into `Event::Unknown` (logged at
//! debug only): the payload builders cover every required field of serenity 0.12.5's models
//! (e.g. `colors.primary_color` on roles, `locale`/`entitlements`/`attachment_size_limit` on
//! interactions, `flags`/`deaf`/`mute`/`roles` on members).
//!
//! The fake is as strict as Discord: `rules.rs` holds Discord's documented rules (each citing
//! its doc page) and the fake refuses what Discord refuses, with Discord's status, JSON code and
//! `errors` tree, changing nothing: command registration, messages and their embeds,
//! components and allowed mentions, interaction callbacks (one per interaction, within 3 s of
//! the interaction, the right type for the interaction, autocomplete and modal limits), tokens
//! valid for 15 minutes, and (opt-in, `FakeConfig::rate_limits`) rate limits. Interactions a test
//! asks for are checked against the commands the bot registered, as Discord's client would.
//! Every 4xx is recorded: [`FakeDiscord::assert_no_unexpected_refusals`] (called by the E2e
//! harness's `stop()`) fails on any the test did not declare with
//! [`FakeDiscord::expect_refusal`]; [`FakeDiscord::age_interactions`] /
//! [`FakeDiscord::advance_clock`] move the fake's clock instead of sleeping.
//!
//! With `ratelimiter_disabled(true)` a 429 is not retried by serenity: the caller gets
//! `Error::Http(HttpError::UnsuccessfulRequest(r))` with `r.status_code == 429`, and since
//! Discord's 429 body has no `code`, `r.error.code == -1` and `r.error.message` starts with
//! "[Serenity] Could not decode json"; `retry_after` and the headers are not reachable.
#![allow(dead_code, unused_imports)]

mod fixture;
mod gateway;
pub mod history;
mod interaction;
mod multipart;
mod name_chars;
mod payloads;
mod rest;
pub mod rules;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use self::fixture::{
    CHANNEL_CATEGORY, CHANNEL_TEXT, DEFAULT_EVERYONE_PERMISSIONS, FixtureChannel, FixtureMember,
    FixtureRole, FixtureUser, GuildFixture, PERMISSION_ADMINISTRATOR, POSITIONS,
};
pub use self::interaction::{
    Interact, InteractionHandle, Opt, OptValue, opt, opt_attachment, opt_bool, opt_channel,
    opt_int, opt_mentionable, opt_num, opt_role, opt_str, opt_user,
};
pub use self::rest::{
    FLAG_EPHEMERAL, FLAG_LOADING, INITIAL_RESPONSE_DEADLINE, TOKEN_LIFETIME, is_ephemeral,
};
pub use self::rules::Refusal;
pub use self::state::{FakeConfig, Fault, FaultScope, NONCE_WINDOW, RecordedFile, RecordedRequest};
use self::state::{Inner, PendingFault, State};

struct ServerGuard {
    inner: Arc<Inner>,
    task: JoinHandle<()>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        gateway::close_current(&self.inner, 1001, "fake discord shutting down");
        self.task.abort();
    }
}

/// The running fake. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    _server: Arc<ServerGuard>,
}

impl FakeDiscord {
    /// Binds a random free port on 127.0.0.1 serving REST (`/api/v10/..`), the gateway (`/ws`)
    /// and attachment files (`/attachments/{id}/{name}`).
    pub async fn start(fixture: GuildFixture) -> FakeDiscord {
        Self::start_with(fixture, FakeConfig::default()).await
    }

    pub async fn start_with(fixture: GuildFixture, config: FakeConfig) -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake discord: local_addr");
        let (changed, _) = watch::channel(0u64);
        let mut state = State::new();
        state.rate_limits_enabled = config.rate_limits;
        state.channel_window = config.channel_window;
        state.global_limit = config.global_limit;
        state.nonce_window = config.nonce_window;
        let inner = Arc::new(Inner {
            fixture,
            addr,
            config,
            state: Mutex::new(state),
            changed,
        });
        let app = Router::new()
            .route("/ws", get(gateway::ws_handler))
            .fallback(rest::rest_handler)
            .layer(DefaultBodyLimit::max(64 << 20))
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("fake discord server stopped: {e}");
            }
        });
        FakeDiscord {
            inner: inner.clone(),
            _server: Arc::new(ServerGuard { inner, task }),
        }
    }

    pub fn fixture(&self) -> &GuildFixture {
        &self.inner.fixture
    }

    /// `http://127.0.0.1:PORT` (no `/api/v10`): give it to `HttpBuilder::proxy`.
    pub fn api_base(&self) -> String {
        self.inner.base_url()
    }

    /// The gateway URL returned by `GET /gateway` (`ws://127.0.0.1:PORT/ws`).
    pub fn gateway_url(&self) -> String {
        self.inner.ws_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// An `Http` pointed at the fake, rate limiter disabled (as the bot builds it), with the
    /// application id already set (a client's Http only learns it from READY).
    pub fn http(&self, token: &str) -> serenity::http::Http {
        serenity::http::HttpBuilder::new(token)
            .proxy(self.api_base())
            .ratelimiter_disabled(true)
            .application_id(serenity::model::id::ApplicationId::new(
                self.inner.fixture.application_id,
            ))
            .build()
    }

    fn timeout(&self) -> Duration {
        self.inner.config.default_timeout
    }

    // ---------------------------------------------------------------- gateway

    /// Waits until the bot has IDENTIFYed and READY + GUILD_CREATE were sent (panics after the
    /// default timeout).
    pub async fn wait_identified(&self) {
        let t = self.timeout();
        if !self.wait_identifies(1, t).await {
            panic!("fake discord: bot did not IDENTIFY within {t:?}");
        }
    }

    /// Waits for at least `n` IDENTIFYs in total.
    pub async fn wait_identifies(&self, n: u64, timeout: Duration) -> bool {
        self.inner
            .wait_for(timeout, |st| (st.gateway.identifies >= n).then_some(()))
            .await
            .is_some()
    }

    /// Waits until `n` RESUMEs in total were answered with RESUMED (panics on timeout).
    pub async fn wait_resumed(&self, n: u64) {
        let t = self.timeout();
        let ok = self
            .inner
            .wait_for(t, |st| (st.gateway.resumes >= n).then_some(()))
            .await;
        if ok.is_none() {
            panic!("fake discord: no RESUME #{n} within {t:?}");
        }
    }

    pub fn identify_count(&self) -> u64 {
        self.inner.lock().gateway.identifies
    }

    pub fn resume_count(&self) -> u64 {
        self.inner.lock().gateway.resumes
    }

    pub fn heartbeat_count(&self) -> u64 {
        self.inner.lock().gateway.heartbeats
    }

    /// Waits for `n` heartbeats (op 1) in total.
    pub async fn wait_heartbeats(&self, n: u64, timeout: Duration) -> bool {
        self.inner
            .wait_for(timeout, |st| (st.gateway.heartbeats >= n).then_some(()))
            .await
            .is_some()
    }

    /// Current session's last sequence number.
    pub fn last_seq(&self) -> u64 {
        self.inner.lock().gateway.seq
    }

    /// Every payload the client sent (IDENTIFY, RESUME, heartbeats, presence...).
    pub fn gateway_received(&self) -> Vec<Value> {
        self.inner.lock().gateway.received.clone()
    }

    /// Every frame the fake sent to a client (HELLO, dispatches, ACKs...), in order.
    pub fn gateway_sent(&self) -> Vec<Value> {
        self.inner.lock().gateway.sent_frames.clone()
    }

    /// Query strings of the websocket connections (serenity: `v=10`).
    pub fn gateway_connect_queries(&self) -> Vec<String> {
        self.inner.lock().gateway.connect_queries.clone()
    }

    /// IDENTIFY payloads (`d`), e.g. to check the token and intents.
    pub fn identify_payloads(&self) -> Vec<Value> {
        self.gateway_received()
            .into_iter()
            .filter(|p| p["op"] == 2)
            .map(|p| p["d"].clone())
            .collect()
    }

    /// Closes the live gateway socket with close code 4000, as Discord does on an unexpected
    /// error: serenity reconnects and RESUMEs (use `wait_resumed`). Events dispatched while it
    /// is away are replayed on RESUME. Returns false if no socket was open.
    pub async fn drop_gateway(&self) -> bool {
        gateway::close_current(&self.inner, 4000, "fake discord: connection dropped")
    }

    /// Sends an arbitrary dispatch event (`t`, `d`); returns its sequence number.
    pub fn dispatch(&self, t: &str, d: Value) -> u64 {
        gateway::dispatch(&self.inner, t, d)
    }

    /// The READY `d` the fake sends (session id is a placeholder here).
    pub fn ready_payload(&self) -> Value {
        payloads::ready(
            &self.inner.fixture,
            "fake-session-preview",
            &self.gateway_url(),
        )
    }

    /// The GUILD_CREATE `d` the fake sends.
    pub fn guild_create_payload(&self) -> Value {
        payloads::guild_create(&self.inner.fixture)
    }

    // ----------------------------------------------------------- interactions

    /// Starts an interaction by `user_id` (locale, channel, DM can be chosen on the builder).
    pub fn user(&self, user_id: u64) -> Interact {
        Interact {
            inner: self.inner.clone(),
            user_id,
            locale: None,
            channel_id: None,
            dm: false,
        }
    }

    /// Slash command (type 2) in the fixture's first channel, in the user's default locale.
    pub async fn slash(
        &self,
        user_id: u64,
        name: &str,
        sub: Option<&str>,
        opts: Vec<Opt>,
    ) -> InteractionHandle {
        self.user(user_id).slash(name, sub, opts).await
    }

    /// Autocomplete (type 4) with `focused` as the focused option.
    pub async fn autocomplete(
        &self,
        user_id: u64,
        name: &str,
        sub: Option<&str>,
        opts: Vec<Opt>,
        focused: Opt,
    ) -> InteractionHandle {
        self.user(user_id)
            .autocomplete(name, sub, opts, focused)
            .await
    }

    /// Button click (type 3) on a message the fake knows (its JSON becomes `message`).
    pub async fn click(
        &self,
        user_id: u64,
        channel_id: u64,
        message_id: u64,
        custom_id: &str,
    ) -> InteractionHandle {
        self.user(user_id)
            .click(channel_id, message_id, custom_id)
            .await
    }

    /// Modal submit (type 5) with `(custom_id, value)` text inputs.
    pub async fn submit_modal(
        &self,
        user_id: u64,
        custom_id: &str,
        fields: Vec<(&str, &str)>,
    ) -> InteractionHandle {
        self.user(user_id).submit_modal(custom_id, fields).await
    }

    // ------------------------------------------------------------ observation

    /// Commands of the last `PUT .../commands` (guild or global), as answered (with ids).
    pub fn registered_commands(&self) -> Vec<Value> {
        self.inner.lock().last_commands.clone()
    }

    /// Waits until some `PUT .../commands` happened; returns its commands (empty on timeout).
    pub async fn wait_registered_commands(&self, timeout: Duration) -> Vec<Value> {
        self.inner
            .wait_for(timeout, |st| {
                (!st.last_commands.is_empty()).then(|| st.last_commands.clone())
            })
            .await
            .unwrap_or_default()
    }

    pub fn registered_guild_commands(&self, guild_id: u64) -> Vec<Value> {
        self.inner
            .lock()
            .guild_commands
            .get(&guild_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn registered_global_commands(&self) -> Option<Vec<Value>> {
        self.inner.lock().global_commands.clone()
    }

    /// Visible (non-ephemeral, not deleted) messages of a channel, oldest first, current state.
    /// Includes interaction responses (they carry `webhook_id`). Extra recorded keys:
    /// `allowed_mentions`, `enforce_nonce` (plus Discord's `nonce`, `components`, `attachments`).
    pub fn channel_messages(&self, channel_id: u64) -> Vec<Value> {
        let st = self.inner.lock();
        visible_in(&st, channel_id)
    }

    /// How many creates with `enforce_nonce` were answered with the earlier message of their
    /// nonce (a resend inside [`FakeConfig::nonce_window`]: nobody sees a second message).
    pub fn nonce_replays(&self) -> u64 {
        self.inner.lock().nonce_replays
    }

    /// How many messages were ever created (ephemeral and deleted included).
    pub fn message_count(&self) -> usize {
        self.inner.lock().messages.len()
    }

    /// Every message ever created (ephemeral and deleted included), oldest first.
    pub fn all_messages(&self) -> Vec<Value> {
        self.inner.lock().messages.clone()
    }

    pub fn message(&self, message_id: u64) -> Option<Value> {
        self.inner.lock().message(message_id).cloned()
    }

    /// Waits for a visible message in `channel_id` matching `pred`.
    pub async fn wait_message(
        &self,
        channel_id: u64,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        self.inner
            .wait_for(timeout, |st| {
                visible_in(st, channel_id).into_iter().find(|m| pred(m))
            })
            .await
    }

    /// PATCH bodies applied to a message (channel edits, `@original` edits, followup edits,
    /// UPDATE_MESSAGE callbacks), in order.
    pub fn message_edits(&self, message_id: u64) -> Vec<Value> {
        self.inner
            .lock()
            .message_edits
            .get(&message_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Bytes of a stored attachment (uploaded by the bot or injected as an option).
    pub fn attachment_data(&self, attachment_id: u64) -> Option<Vec<u8>> {
        self.inner
            .lock()
            .files
            .get(&attachment_id)
            .map(|f| f.data.clone())
    }

    /// The DM channel the bot opened with a user (`POST /users/@me/channels`).
    pub fn dm_channel_of(&self, user_id: u64) -> Option<u64> {
        self.inner.lock().dm_channels.get(&user_id).copied()
    }

    /// Requests to routes the fake does not implement (answered 404 `{"message":"404: Not
    /// Found","code":0}`).
    pub fn unknown_requests(&self) -> Vec<RecordedRequest> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.unknown)
            .cloned()
            .collect()
    }

    /// Every REST request and attachment download (`GET /attachments/{id}/{name}`), in order.
    pub fn request_log(&self) -> Vec<RecordedRequest> {
        self.inner.lock().requests.clone()
    }

    /// Downloads of attachment files (`/attachments/{id}/{name}`), in order, with the status
    /// the fake answered (404 for an unknown id).
    pub fn file_downloads(&self) -> Vec<RecordedRequest> {
        self.requests_matching(" /attachments/")
    }

    /// Makes every attachment download wait `delay` before the file is served (a slow CDN).
    pub fn delay_downloads(&self, delay: std::time::Duration) {
        self.inner.lock().download_delay = delay;
    }

    /// Requests whose `"METHOD /path"` contains `needle`, e.g. `"POST /channels/2001/messages"`.
    pub fn requests_matching(&self, needle: &str) -> Vec<RecordedRequest> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| format!("{} {}", r.method, r.path).contains(needle))
            .cloned()
            .collect()
    }

    /// Panics listing them if any request hit an unimplemented route.
    pub fn assert_no_unknown_requests(&self) {
        let unknown: Vec<String> = self
            .unknown_requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(
            unknown.is_empty(),
            "fake discord: unknown requests: {unknown:#?}"
        );
    }

    // ---------------------------------------------------------------- faults

    /// The next `n` REST requests in `scope` get `fault` instead of being handled (no state
    /// changes). Faults queue in order.
    pub fn fail_next_rest(&self, n: usize, fault: Fault, scope: FaultScope) {
        if n == 0 {
            return;
        }
        self.inner.lock().faults.push_back(PendingFault {
            remaining: n,
            fault,
            scope,
        });
    }

    pub fn clear_faults(&self) {
        self.inner.lock().faults.clear();
    }

    // ---------------------------------------------------------- time and refusals

    /// Moves the fake's clock forward by `by` without sleeping: every interaction created so
    /// far is that much older (past 3 s its callback is refused with 10062, past 15 minutes its
    /// followups and `@original` with 401 50027) and rate-limit windows run out.
    pub fn advance_clock(&self, by: Duration) {
        self.inner.lock().skew += by;
        self.inner.bump();
    }

    /// Ages every interaction created so far by `by` (the fake's clock moves; see
    /// [`FakeDiscord::advance_clock`]), e.g. `fake.age_interactions(TOKEN_LIFETIME)`.
    pub fn age_interactions(&self, by: Duration) {
        self.advance_clock(by);
    }

    /// Declares that the test expects refusals with this Discord JSON `code` (e.g. 40060,
    /// 10062, 50027, 50035) or, for bodies without a code, this HTTP status; any number of
    /// them. Everything else the fake refused with a 4xx fails [`Self::assert_no_unexpected_refusals`].
    pub fn expect_refusal(&self, code: i64) {
        self.inner.lock().expected_refusals.push(code);
    }

    /// Every 4xx the fake answered (rules, unknown routes, unknown ids...), except faults the
    /// test injected (`fail_next_rest`) and 429s of the opt-in rate limiter.
    pub fn refusals(&self) -> Vec<RecordedRequest> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| (400..500).contains(&r.status) && r.fault.is_none() && !r.rate_limited)
            .cloned()
            .collect()
    }

    /// [`Self::refusals`] the test did not declare with [`Self::expect_refusal`].
    pub fn unexpected_refusals(&self) -> Vec<RecordedRequest> {
        let expected = self.inner.lock().expected_refusals.clone();
        self.refusals()
            .into_iter()
            .filter(|r| {
                let code = r.error_code().filter(|c| *c != 0);
                !expected.contains(&code.unwrap_or(i64::from(r.status)))
                    && !expected.contains(&i64::from(r.status))
            })
            .collect()
    }

    /// Panics listing method, path, status, code and `errors` tree of every unexpected
    /// refusal: Discord would have refused those requests the same way.
    pub fn assert_no_unexpected_refusals(&self) {
        let bad = self.unexpected_refusals();
        if !bad.is_empty() {
            let list: Vec<String> = bad.iter().map(|r| format!("  {}", r.describe())).collect();
            panic!(
                "fake discord: {} request(s) Discord would refuse (see tests/all/fake_discord/rules.rs for the rule and its doc page):\n{}",
                bad.len(),
                list.join("\n")
            );
        }
    }

    /// 429s the opt-in rate limiter answered (the bot caused them).
    pub fn rate_limited_count(&self) -> u64 {
        self.inner.lock().rate.hits
    }

    /// Waits until the bot's command registration (`PUT .../commands`) was answered, accepted
    /// or refused; returns that request (`None` on timeout).
    pub async fn wait_registration(&self, timeout: Duration) -> Option<RecordedRequest> {
        self.inner
            .wait_for(timeout, |st| {
                st.requests
                    .iter()
                    .rev()
                    .find(|r| r.method == "PUT" && r.path.ends_with("/commands"))
                    .cloned()
            })
            .await
    }
}

fn visible_in(st: &State, channel_id: u64) -> Vec<Value> {
    st.messages
        .iter()
        .filter(|m| rest::value_id(&m["channel_id"]) == Some(channel_id))
        .filter(|m| !rest::is_ephemeral(m))
        .filter(|m| {
            !st.deleted_messages
                .contains(&rest::value_id(&m["id"]).unwrap_or(0))
        })
        .cloned()
        .collect()
}
