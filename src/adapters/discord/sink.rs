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
use poise::serenity_prelude as serenity;
use serenity::http::{LightMethod, Request, Route};
use tokio::sync::Mutex;

use super::render::render;
use crate::schedule::{Delivered, Outbound, SendError, Sink};
use crate::store::outbox::Target;

/// The Discord side of the outbox.
pub struct DiscordSink {
    http: Arc<serenity::Http>,
    client: reqwest::Client,
    dm_channels: Mutex<HashMap<u64, u64>>,
}

impl DiscordSink {
    /// A sink over the bot's one `Http` and the reqwest client it was built with.
    pub fn new(http: Arc<serenity::Http>, client: reqwest::Client) -> Self {
        DiscordSink {
            http,
            client,
            dm_channels: Mutex::new(HashMap::new()),
        }
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
                        Request::new(Route::UserMeDmChannels, LightMethod::Post),
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

    async fn execute(
        &self,
        request: Request<'_>,
        body: serde_json::Value,
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
        let req = if files.is_empty() {
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
        let header_retry = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.parse::<f64>().ok());
        let text = resp
            .text()
            .await
            .map_err(|e| transient(format!("network: {e}")))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        if status.is_success() {
            return Ok(json);
        }
        let code = json["code"].as_i64().unwrap_or(0);
        let message = json["message"].as_str().unwrap_or(text.as_str());
        let reason = format!("HTTP {} (code {code}): {message}", status.as_u16());
        if status.as_u16() == 429 {
            let secs = json["retry_after"]
                .as_f64()
                .or(header_retry)
                .unwrap_or(1.0)
                .max(0.0);
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

#[async_trait]
impl Sink for DiscordSink {
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError> {
        let channel = self.channel_for(msg.target).await?;
        let r = render(&msg.reply);
        let mut create = serenity::CreateMessage::new()
            .embed(r.embed)
            .components(r.components)
            .allowed_mentions(r.allowed_mentions)
            .nonce(serenity::Nonce::String(msg.nonce.clone()))
            .enforce_nonce(true);
        if !r.content.is_empty() {
            create = create.content(r.content);
        }
        let mut body = serde_json::to_value(&create).map_err(|e| SendError::Permanent {
            reason: format!("cannot encode the message: {e}"),
        })?;
        let files: Vec<(String, Vec<u8>)> = msg
            .reply
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
        let route = Route::ChannelMessages {
            channel_id: serenity::ChannelId::new(channel.max(1)),
        };
        let v = self
            .execute(Request::new(route, LightMethod::Post), body, &files)
            .await?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        Ok(Delivered { message_id: id })
    }
}
