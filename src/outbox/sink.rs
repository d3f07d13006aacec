//! Where outbound messages go. Discord sends them; the shell prints them; tests record them.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

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
    /// Parts of the message a lookup found on the platform already (by part, the platform's
    /// id), after an attempt whose outcome was lost: they are not posted again. Empty on a
    /// first attempt.
    pub posted_parts: Vec<Option<String>>,
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

/// A message the bot finds it posted on the platform: the platform's id and a fingerprint of
/// what it shows (see [`Sink::fingerprints`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub id: String,
    pub fingerprint: String,
}

/// Sends outbound messages.
#[async_trait]
pub trait Sink: Send + Sync + 'static {
    /// Sends one message. Must be idempotent for the same nonce where the platform allows.
    async fn send(&self, msg: &Outbound) -> Result<Delivered, SendError>;

    /// The messages this bot posted to `target` since `since`, oldest first, read in one
    /// paginated pass: how the dispatcher learns whether a send whose outcome was lost (a
    /// crash, a timeout) went through, after the platform's nonce window too. `Ok(None)` when
    /// the platform cannot tell (the default): such a message is sent again, relying on the
    /// nonce alone.
    async fn posted_since(
        &self,
        _target: Target,
        _since: DateTime<Utc>,
    ) -> Result<Option<Vec<Posted>>, SendError> {
        Ok(None)
    }

    /// The fingerprint of each part `msg` is posted as, computed as [`Sink::posted_since`]
    /// computes it from what the platform shows: only what does not change between attempts
    /// (not the "sent late" note).
    fn fingerprints(&self, _msg: &Outbound) -> Vec<String> {
        Vec::new()
    }
}
