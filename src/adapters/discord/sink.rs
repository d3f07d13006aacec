//! Sends outbox messages to Discord. Every send carries the row's nonce with
//! `enforce_nonce: true`, so a retry after a crash returns the first message instead of posting
//! a second. The request is made through serenity's request builder (same client, token and
//! base URL as the rest of the bot) but the response is read here, so a 429's `retry_after`
//! is honoured even when serenity's own ratelimiter is off (it is off whenever
//! `discord.api_base` is set).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serenity::http::{LightMethod, Request, Route};
use tokio::sync::Mutex;

use sha2::{Digest, Sha256};

use super::ratelimit::{Headers, RateLimiter};
use super::render::{LIMITS, filled, render};
use crate::message::fit::fit;
use crate::message::{Reply, Target};
use crate::outbox::{Delivered, Outbound, Posted, SendError, Sink};

/// A 429 that asks for at most this long is waited out here and the request made again, so
/// the messages of one channel keep their order; a longer one goes back to the outbox.
const WAIT_OUT_429: Duration = Duration::from_secs(10);

/// How often one request is made again after 429s before the outbox takes over.
const TRIES_AFTER_429: usize = 3;

/// The Discord side of the outbox.
pub struct DiscordSink {
    http: Arc<serenity::Http>,
    client: reqwest::Client,
    dm_channels: Mutex<HashMap<u64, u64>>,
    limits: RateLimiter,
    /// The bot's own user id, asked once (`GET /users/@me`) when history is first read.
    me: tokio::sync::OnceCell<u64>,
    /// The gateway's cache (guilds, channels, roles, the bot's member), to tell before reading
    /// a channel back whether the bot may: Discord answers an empty list, not an error,
    /// without Read Message History.
    cache: Option<Arc<serenity::Cache>>,
}

impl DiscordSink {
    /// A sink over the bot's one `Http` and the reqwest client it was built with, making at
    /// most `global_per_second` requests in any second.
    pub fn new(
        http: Arc<serenity::Http>,
        client: reqwest::Client,
        global_per_second: usize,
    ) -> Self {
        DiscordSink {
            http,
            client,
            dm_channels: Mutex::new(HashMap::new()),
            limits: RateLimiter::new(global_per_second),
            me: tokio::sync::OnceCell::new(),
            cache: None,
        }
    }

    /// Uses the gateway's cache to learn the bot's permissions in a channel before reading it.
    pub fn with_cache(mut self, cache: Arc<serenity::Cache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Whether the bot may read `channel`'s history (View Channel and Read Message History,
    /// with the channel's overwrites), as far as the cache knows: `None` before the guild
    /// arrived on the gateway, or for a channel not in a guild (a DM, always readable).
    fn may_read_history(&self, channel: u64) -> Option<bool> {
        let cache = self.cache.as_ref()?;
        let channel_id = serenity::ChannelId::new(channel.max(1));
        let me = cache.current_user().id;
        cache.guilds().into_iter().find_map(|guild_id| {
            let guild = cache.guild(guild_id)?;
            let channel = guild.channels.get(&channel_id)?;
            let member = guild.members.get(&me)?;
            let p = guild.user_permissions_in(channel, member);
            Some(p.view_channel() && p.read_message_history())
        })
    }

    async fn channel_for(&self, target: Target) -> Result<u64, SendError> {
        match target {
            Target::Channel(id) => Ok(id),
            Target::User(user) => {
                if let Some(ch) = self.dm_channels.lock().await.get(&user) {
                    return Ok(*ch);
                }
                let body = serde_json::json!({ "recipient_id": user.to_string() });
                let v = self
                    .execute(
                        "POST /users/@me/channels",
                        || Request::new(Route::UserMeDmChannels, LightMethod::Post),
                        body,
                        &[],
                    )
                    .await?;
                let id = v["id"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| SendError::Transient {
                        reason: "DM channel without id".into(),
                        retry_after: None,
                    })?;
                self.dm_channels.lock().await.insert(user, id);
                Ok(id)
            }
        }
    }

    /// Makes a request on `route` once Discord's rate limits allow it, waiting out short 429s.
    async fn execute<'a>(
        &self,
        route: &str,
        request: impl Fn() -> Request<'a>,
        body: serde_json::Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<serde_json::Value, SendError> {
        let mut tries = 0;
        loop {
            self.limits.acquire(route).await;
            match self.execute_once(route, request(), &body, files).await {
                Err(SendError::Transient {
                    retry_after: Some(wait),
                    ..
                }) if wait <= WAIT_OUT_429 && tries < TRIES_AFTER_429 => {
                    tries += 1;
                    tracing::warn!(
                        route,
                        wait_ms = wait.as_millis() as u64,
                        "Discord rate limit hit; waiting"
                    );
                }
                other => return other,
            }
        }
    }

    async fn execute_once(
        &self,
        route: &str,
        request: Request<'_>,
        body: &serde_json::Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<serde_json::Value, SendError> {
        let transient = |reason: String| SendError::Transient {
            reason,
            retry_after: None,
        };
        let builder = request
            .build(&self.client, self.http.token(), self.http.proxy.as_deref())
            .map_err(|e| SendError::Permanent {
                reason: format!("cannot build the request: {e}"),
            })?;
        let req = if body.is_null() && files.is_empty() {
            // A read: no body.
            builder.build()
        } else if files.is_empty() {
            builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .build()
        } else {
            let mut form = reqwest::multipart::Form::new().text("payload_json", body.to_string());
            for (i, (name, bytes)) in files.iter().enumerate() {
                let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone());
                form = form.part(format!("files[{i}]"), part);
            }
            builder.multipart(form).build()
        };
        let mut req = req.map_err(|e| SendError::Permanent {
            reason: format!("cannot build the request: {e}"),
        })?;
        // serenity sets a zero length when it has no body of its own; ours is computed by reqwest.
        req.headers_mut().remove(reqwest::header::CONTENT_LENGTH);
        let resp = self
            .client
            .execute(req)
            .await
            .map_err(|e| transient(format!("network: {e}")))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| transient(format!("network: {e}")))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        let limits = Headers::read(&headers, status.as_u16(), &json);
        self.limits.update(route, &limits).await;
        if status.is_success() {
            return Ok(json);
        }
        let code = json["code"].as_i64().unwrap_or(0);
        let message = json["message"].as_str().unwrap_or(text.as_str());
        let reason = format!("HTTP {} (code {code}): {message}", status.as_u16());
        if status.as_u16() == 429 {
            let secs = limits.retry_after.unwrap_or(1.0).max(0.0);
            return Err(SendError::Transient {
                reason,
                retry_after: Some(Duration::from_secs_f64(secs)),
            });
        }
        if status.is_server_error() || status.as_u16() == 408 {
            return Err(transient(reason));
        }
        Err(SendError::Permanent { reason })
    }
}

/// The nonce of part `i` of a message: the row's own for the first part (as before messages
/// were split), a digest of it and `i` for the others, each at most 25 characters as Discord
/// requires (<https://discord.com/developers/docs/resources/message#create-message-jsonform-params>).
fn part_nonce(nonce: &str, i: usize) -> String {
    if i == 0 {
        return nonce.to_string();
    }
    let digest = Sha256::digest(format!("{nonce}:{i}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl Sink for DiscordSink {
    /// Sends the message as the messages it takes ([`render_all`]); each part has a nonce of
    /// its own, so a retry after a part failed returns the parts already posted instead of
    /// posting them again. The first part's id stands for the message.
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        let channel = self.channel_for(msg.target).await?;
        let parts = fit(&msg.reply, &LIMITS);
        let mut first_id = None;
        for (i, part) in parts.iter().enumerate() {
            let id = match msg.posted_parts.get(i).cloned().flatten() {
                // Found on the platform by a lookup after a lost outcome: not posted again.
                Some(id) => id,
                None => self.post(channel, part, &part_nonce(&msg.nonce, i)).await?,
            };
            first_id.get_or_insert(id);
        }
        Ok(Delivered {
            message_id: first_id.unwrap_or_default(),
        })
    }

    /// Reads the channel's messages after a snowflake made of `since` (Get Channel Messages,
    /// `after`, 100 a page, paginated by the newest id of each page) and keeps the bot's own.
    /// Without "Read Message History" Discord answers an empty list rather than an error
    /// (<https://discord.com/developers/docs/resources/message#get-channel-messages>), which
    /// reads as "not posted": the README asks for that permission.
    async fn posted_since(
        &self,
        target: Target,
        since: DateTime<Utc>,
    ) -> Result<Option<Vec<Posted>>, SendError> {
        let channel = self.channel_for(target).await?;
        if self.may_read_history(channel) == Some(false) {
            // Discord would answer "no messages", which would read as "not posted".
            return Err(SendError::Permanent {
                reason: "Missing Permissions: View Channel and Read Message History are needed to check the channel's recent messages".into(),
            });
        }
        let me = self.me().await?;
        let channel_id = serenity::ChannelId::new(channel.max(1));
        let route = format!("GET /channels/{channel}/messages");
        let mut after = snowflake_at(since);
        let mut found: Vec<(u64, Posted)> = Vec::new();
        for _ in 0..HISTORY_PAGES {
            let params = vec![
                ("after", after.to_string()),
                ("limit", HISTORY_PAGE.to_string()),
            ];
            let page = self
                .execute(
                    &route,
                    || {
                        Request::new(Route::ChannelMessages { channel_id }, LightMethod::Get)
                            .params(Some(params.clone()))
                    },
                    serde_json::Value::Null,
                    &[],
                )
                .await?;
            let Some(messages) = page.as_array() else {
                return Err(SendError::Transient {
                    reason: "Get Channel Messages did not answer a list".into(),
                    retry_after: None,
                });
            };
            for m in messages {
                let Some(id) = m["id"].as_str().and_then(|s| s.parse::<u64>().ok()) else {
                    continue;
                };
                after = after.max(id);
                let author = m["author"]["id"]
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok());
                if author == Some(me) {
                    found.push((
                        id,
                        Posted {
                            id: id.to_string(),
                            fingerprint: fingerprint(m),
                        },
                    ));
                }
            }
            if messages.len() < HISTORY_PAGE {
                found.sort_by_key(|(id, _)| *id);
                return Ok(Some(found.into_iter().map(|(_, p)| p).collect()));
            }
        }
        tracing::warn!(
            channel,
            pages = HISTORY_PAGES,
            "outbox: too many messages to check since the cut-off send; the rest is not checked"
        );
        found.sort_by_key(|(id, _)| *id);
        Ok(Some(found.into_iter().map(|(_, p)| p).collect()))
    }

    fn fingerprints(&self, msg: &Outbound) -> Vec<String> {
        fit(&msg.reply, &LIMITS)
            .iter()
            .filter_map(|part| body(part).ok())
            .map(|b| fingerprint(&b))
            .collect()
    }
}

/// Messages a page of Get Channel Messages returns at most (Discord: 1-100).
const HISTORY_PAGE: usize = 100;

/// Pages read at most in one check (10,000 messages since the send that was cut off).
const HISTORY_PAGES: usize = 100;

/// Discord's epoch (the first second of 2015), in Unix milliseconds.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// The smallest snowflake of an instant: milliseconds since Discord's epoch, shifted left 22
/// bits (<https://discord.com/developers/docs/reference#snowflakes>), which Discord accepts as
/// `after` "to paginate around a specific time".
pub fn snowflake_at(at: DateTime<Utc>) -> u64 {
    let ms = (at.timestamp_millis() - DISCORD_EPOCH_MS).max(0) as u64;
    ms << 22
}

/// What a message shows that does not change between attempts, as a digest: the content, each
/// embed's title, description and fields (not the footer, which carries the "sent late" note,
/// nor images, whose URLs Discord rewrites) and the buttons' ids, every text trimmed. Computed
/// alike from a create body and from a message Discord returns.
pub fn fingerprint(m: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().trim().to_string();
    let embeds: Vec<serde_json::Value> = m["embeds"]
        .as_array()
        .map(|es| {
            es.iter()
                .map(|e| {
                    let fields: Vec<serde_json::Value> = e["fields"]
                        .as_array()
                        .map(|fs| {
                            fs.iter()
                                .map(|f| {
                                    serde_json::json!([
                                        text(&f["name"]),
                                        text(&f["value"]),
                                        f["inline"].as_bool().unwrap_or(false)
                                    ])
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    serde_json::json!([text(&e["title"]), text(&e["description"]), fields])
                })
                .collect()
        })
        .unwrap_or_default();
    let mut buttons = Vec::new();
    for row in m["components"].as_array().into_iter().flatten() {
        for c in row["components"].as_array().into_iter().flatten() {
            buttons.push(text(&c["custom_id"]));
        }
    }
    let canon = serde_json::json!([text(&m["content"]), embeds, buttons]).to_string();
    let digest = Sha256::digest(canon.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The create body of one part that fits one message (without its nonce).
fn body(part: &Reply) -> Result<serde_json::Value, SendError> {
    let create = filled!(serenity::CreateMessage::new(), render(part));
    serde_json::to_value(&create).map_err(|e| SendError::Permanent {
        reason: format!("cannot encode the message: {e}"),
    })
}

impl DiscordSink {
    /// The bot's own user id (`GET /users/@me`, asked once).
    async fn me(&self) -> Result<u64, SendError> {
        self.me
            .get_or_try_init(|| async {
                let v = self
                    .execute(
                        "GET /users/@me",
                        || Request::new(Route::UserMe, LightMethod::Get),
                        serde_json::Value::Null,
                        &[],
                    )
                    .await?;
                v["id"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| SendError::Transient {
                        reason: "GET /users/@me without an id".into(),
                        retry_after: None,
                    })
            })
            .await
            .copied()
    }

    /// Posts one part that fits one message.
    async fn post(&self, channel: u64, part: &Reply, nonce: &str) -> Result<String, SendError> {
        let mut body = body(part)?;
        body["nonce"] = serde_json::Value::String(nonce.to_string());
        body["enforce_nonce"] = serde_json::Value::Bool(true);
        let files: Vec<(String, Vec<u8>)> = part
            .attachments
            .iter()
            .map(|a| (a.filename.clone(), a.bytes.clone()))
            .collect();
        if !files.is_empty() {
            body["attachments"] = serde_json::Value::Array(
                files
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| serde_json::json!({ "id": i, "filename": name }))
                    .collect(),
            );
        }
        let channel_id = serenity::ChannelId::new(channel.max(1));
        let v = self
            .execute(
                &format!("POST /channels/{channel}/messages"),
                || Request::new(Route::ChannelMessages { channel_id }, LightMethod::Post),
                body,
                &files,
            )
            .await?;
        Ok(v["id"].as_str().unwrap_or_default().to_string())
    }
}
