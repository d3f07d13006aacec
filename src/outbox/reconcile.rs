//! Rows in doubt: a send whose outcome was never learnt (the process died during it, or it
//! timed out or got a 5xx) may have been posted. Discord's nonce returns the first message
//! only for "the past few minutes", so before such a row goes out again the dispatcher reads
//! what the bot posted to that channel since the attempt began — one paginated read per
//! channel per claimed batch, never one per row — and matches its messages to the rows in doubt
//! by what they show (Discord does not return the nonce when messages are read back). A row
//! whose message is there is recorded sent with that message's id and not posted again; one
//! whose message is not there is sent (with the same nonce, which covers a request still on
//! its way when the read was made).
//!
//! When the read fails: a refusal for good (no access to the channel) cannot get better by
//! waiting, so the rows are sent unchecked — a message may show twice, none is lost — and the
//! trouble is logged and shown in `/status`. A passing failure (a timeout, a 5xx, a 429) puts
//! the rows in doubt back to wait with backoff and the read is tried again, except rows whose
//! attempt began less than [`NONCE_TRUSTED`] ago (Discord's nonce still returns their first
//! message) and rows on their last attempt (sent rather than failed: a double is better than
//! a lost reminder); also shown in `/status` while it lasts.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use super::sink::{Delivered, Outbound, SendError, Sink};
use crate::app::health::Health;
use crate::store::outbox::{self, Claimed, Target};
use crate::store::{Store, StoreResult};

/// How long after an attempt began Discord's nonce is trusted to return its first message
/// (Discord: "the past few minutes"; taken short).
pub const NONCE_TRUSTED: Duration = Duration::seconds(60);

/// The read starts this long before the earliest attempt in doubt began, so a platform clock a
/// little behind ours loses nothing.
pub const CLOCK_MARGIN: Duration = Duration::seconds(60);

/// What to do with one claimed row of a target's queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Send it; parts found on the platform already (by part) are not posted again.
    Send { posted_parts: Vec<Option<String>> },
    /// Its message is on the platform: record it sent with this id.
    Posted(Delivered),
    /// The check failed; wait and try again (recorded as a retry with this error).
    Wait(SendError),
}

impl Decision {
    fn send() -> Decision {
        Decision::Send {
            posted_parts: Vec::new(),
        }
    }
}

/// The message a claimed row becomes, with the parts already posted.
pub fn outbound(
    c: &Claimed,
    reply: crate::message::Reply,
    posted: Vec<Option<String>>,
) -> Outbound {
    Outbound {
        id: c.id,
        guild_id: c.guild_id,
        dedupe_key: c.dedupe_key.clone(),
        nonce: c.nonce.clone(),
        target: c.target,
        reply,
        posted_parts: posted,
    }
}

/// Decides, for each row of one target's queue (in order), whether to send it, with one read
/// of the target's recent messages when some row is in doubt.
pub async fn decide(
    sink: &dyn Sink,
    store: &Store,
    health: &Health,
    target: Target,
    queue: &[Claimed],
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Vec<Decision> {
    let Some(earliest) = queue.iter().filter_map(|c| c.in_doubt_since).min() else {
        return queue.iter().map(|_| Decision::send()).collect();
    };
    let since = earliest - CLOCK_MARGIN;
    let read = match sink.posted_since(target, since).await {
        Ok(Some(posted)) => match unclaimed(store, posted).await {
            Ok(posted) => Ok(Some(posted)),
            Err(e) => Err(SendError::Transient {
                reason: format!("database: {e}"),
                retry_after: None,
            }),
        },
        other => other,
    };
    match read {
        // The platform cannot tell: the nonce alone.
        Ok(None) => queue.iter().map(|_| Decision::send()).collect(),
        Ok(Some(posted)) => {
            health.history_read(target);
            let found = matching(sink, queue, posted);
            let n = found
                .iter()
                .filter(|d| matches!(d, Decision::Posted(_)))
                .count();
            if n > 0 {
                tracing::warn!(
                    ?target,
                    found = n,
                    "outbox: messages whose send was cut off had gone through; recorded, not sent again"
                );
            }
            found
        }
        Err(e) => {
            let refused = matches!(e, SendError::Permanent { .. });
            health.history_failed(target, e.to_string(), refused, now);
            queue
                .iter()
                .map(|c| match c.in_doubt_since {
                    Some(at)
                        if !refused && now - at >= NONCE_TRUSTED && c.attempts < max_attempts =>
                    {
                        Decision::Wait(SendError::Transient {
                            reason: format!(
                                "cannot check whether an earlier attempt went through: {e}"
                            ),
                            retry_after: None,
                        })
                    }
                    _ => Decision::send(),
                })
                .collect()
        }
    }
}

/// The messages found less those already recorded as some row's delivery.
async fn unclaimed(
    store: &Store,
    posted: Vec<crate::outbox::Posted>,
) -> StoreResult<Vec<crate::outbox::Posted>> {
    if posted.is_empty() {
        return Ok(posted);
    }
    let ids: Vec<String> = posted.iter().map(|p| p.id.clone()).collect();
    let mut conn = store.pool.acquire().await?;
    let known = outbox::known_message_ids(&mut conn, &ids).await?;
    Ok(posted
        .into_iter()
        .filter(|p| !known.contains(&p.id))
        .collect())
}

/// Matches the messages found (oldest first) to the rows in doubt, as a multiset of
/// fingerprints: each message stands for one part of one row, so two rows that look the same
/// are not both taken by one message.
fn matching(
    sink: &dyn Sink,
    queue: &[Claimed],
    posted: Vec<crate::outbox::Posted>,
) -> Vec<Decision> {
    let mut pool: HashMap<String, VecDeque<String>> = HashMap::new();
    for p in posted {
        pool.entry(p.fingerprint).or_default().push_back(p.id);
    }
    queue
        .iter()
        .map(|c| {
            if c.in_doubt_since.is_none() {
                return Decision::send();
            }
            let parts = sink.fingerprints(&outbound(c, c.reply.clone(), Vec::new()));
            if parts.is_empty() {
                return Decision::send();
            }
            let found: Vec<Option<String>> = parts
                .iter()
                .map(|fp| pool.get_mut(fp).and_then(|ids| ids.pop_front()))
                .collect();
            match found.iter().all(Option::is_some) {
                true => Decision::Posted(Delivered {
                    message_id: found[0].clone().unwrap_or_default(),
                }),
                false => Decision::Send {
                    posted_parts: found,
                },
            }
        })
        .collect()
}
