//! Where outbound messages go. Discord sends them; the shell prints them; tests record them.

use std::time::Duration;

use async_trait::async_trait;

use crate::message::Reply;
use crate::store::outbox::Target;

/// A message leaving the outbox.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub id: i64,
    pub guild_id: u64,
    pub dedupe_key: String,
    /// The same on every attempt of this message: platforms that honour it (Discord's
    /// `nonce` + `enforce_nonce`) return the first message instead of posting a second.
    pub nonce: String,
    pub target: Target,
    pub reply: Reply,
}

/// A successful send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The platform's id of the message.
    pub message_id: String,
}

/// Why a send failed, classified for the retry policy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying: a 5xx, a 429, a network error.
    #[error("transient: {reason}")]
    Transient {
        reason: String,
        /// The platform asked us to wait this long (a 429's `retry_after`).
        retry_after: Option<Duration>,
    },
    /// Retrying will not help: missing access, unknown channel, missing permissions.
    #[error("permanent: {reason}")]
    Permanent { reason: String },
}

/// Sends outbound messages.
#[async_trait]
pub trait Sink: Send + Sync + 'static {
    /// Sends one message. Must be idempotent for the same nonce where the platform allows.
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError>;
}
