//! Get Channel Messages (`GET /channels/{channel.id}/messages`) as Discord documents it, and the
//! snowflake ids the fake gives everything it creates. Each rule cites its page.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::fixture::GuildFixture;
use super::rest::{is_ephemeral, value_id};
use super::rules::{FormErrors, Path, Refusal};
use super::state::State;

/// Discord's epoch, the first second of 2015, in Unix milliseconds
/// (<https://discord.com/developers/docs/reference#snowflakes>).
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// `VIEW_CHANNEL` and `READ_MESSAGE_HISTORY`
/// (<https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags>).
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;

/// Milliseconds since Discord's epoch of the fake's clock (real time plus what a test advanced
/// it by).
fn fake_epoch_ms(st: &State) -> u64 {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        + st.skew;
    (wall.as_millis() as u64).saturating_sub(DISCORD_EPOCH_MS)
}

/// A new id: a snowflake whose top 42 bits are the milliseconds since Discord's epoch on the
/// fake's clock and whose low 22 bits tell apart ids of one millisecond ("Snowflakes ... are
/// guaranteed to be unique across all of Discord, except in some unique scenarios", "Timestamp
/// ... Milliseconds since Discord Epoch", <https://discord.com/developers/docs/reference#snowflakes>),
/// always above the one before, so ids sort by creation like Discord's.
pub fn new_snowflake(st: &mut State) -> u64 {
    let at = fake_epoch_ms(st) << 22;
    st.next_id = at.max(st.next_id + 1);
    st.next_id
}

/// The instant (Unix milliseconds) a snowflake was made.
pub fn snowflake_unix_ms(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// The query of a Get Channel Messages request, checked.
struct Query {
    limit: usize,
    anchor: Option<(&'static str, u64)>,
}

/// Reads the query string: "around? / before? / after? snowflake", "limit? integer — Max number
/// of messages to return (1-100), default 50", and "The before, after, and around parameters
/// are mutually exclusive, only one may be passed at a time"
/// (<https://discord.com/developers/docs/resources/message#get-channel-messages-query-string-params>).
/// Refused as Discord refuses a bad form: 400, code 50035, with the field's `_errors`.
fn query(q: Option<&str>) -> Result<Query, Refusal> {
    let mut errors = FormErrors::default();
    let mut limit = 50;
    let mut anchors = Vec::new();
    for pair in q.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "limit" => match v.parse::<i64>() {
                Ok(n) if (1..=100).contains(&n) => limit = n as usize,
                Ok(n) if n < 1 => errors.add(
                    &Path::root().at("limit"),
                    "NUMBER_TYPE_MIN",
                    "Int value should be greater than or equal to 1.",
                ),
                Ok(_) => errors.add(
                    &Path::root().at("limit"),
                    "NUMBER_TYPE_MAX",
                    "Int value should be less than or equal to 100.",
                ),
                Err(_) => errors.add(
                    &Path::root().at("limit"),
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{v}\" is not int."),
                ),
            },
            "around" | "before" | "after" => {
                let name = match k {
                    "around" => "around",
                    "before" => "before",
                    _ => "after",
                };
                match v.parse::<u64>() {
                    Ok(id) => anchors.push((name, id)),
                    Err(_) => errors.add(
                        &Path::root().at(name),
                        "NUMBER_TYPE_COERCE",
                        format!("Value \"{v}\" is not snowflake."),
                    ),
                }
            }
            _ => {}
        }
    }
    if anchors.len() > 1 {
        errors.add(
            &Path::root(),
            "MUTUALLY_EXCLUSIVE",
            "The before, after, and around parameters are mutually exclusive, only one may be passed at a time.",
        );
    }
    errors.into_result()?;
    Ok(Query {
        limit,
        anchor: anchors.first().copied(),
    })
}

/// A message as Get Channel Messages returns it: without the `nonce` — the create page says of
/// it "Can be used to verify a message was sent (up to 25 characters). Value will appear in the
/// Message Create event." (<https://discord.com/developers/docs/resources/message#create-message-jsonform-params>):
/// it comes back on the create's answer and the gateway event, and Discord does not keep it for
/// reads — and without the keys the fake records for tests only.
fn as_read(m: &Value) -> Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("nonce");
        o.remove("allowed_mentions");
        o.remove("enforce_nonce");
    }
    m
}

/// `GET /channels/{cid}/messages`
/// (<https://discord.com/developers/docs/resources/message#get-channel-messages>):
/// - "Returns an array of message objects from newest to oldest on success";
/// - "If operating on a guild channel, this endpoint requires the current user to have the
///   VIEW_CHANNEL permission" — else 403, code 50001 "Missing Access" (the fake models the
///   bot's guild-wide permissions, not channel overwrites);
/// - "If the current user is missing the READ_MESSAGE_HISTORY permission in the channel, then
///   no messages will be returned" — an empty list, not an error;
/// - `after` gives the `limit` messages next after that id, `before` the `limit` next before
///   it, `around` those around it (the fake: half after, the rest at and before), none the
///   newest `limit`.
///
/// `Err` carries Discord's refusal (status, body).
pub fn get_channel_messages(
    fx: &GuildFixture,
    st: &State,
    cid: u64,
    guild_channel: bool,
    q: Option<&str>,
) -> Result<Value, Refusal> {
    let perms = fx.member_permissions(fx.bot.id);
    if guild_channel && perms & VIEW_CHANNEL == 0 {
        return Err(Refusal::json(403, 50001, "Missing Access"));
    }
    let q = query(q)?;
    if guild_channel && perms & READ_MESSAGE_HISTORY == 0 {
        return Ok(Value::Array(Vec::new()));
    }
    // Oldest first (ids grow with time).
    let mut all: Vec<(u64, &Value)> = st
        .messages
        .iter()
        .filter(|m| value_id(&m["channel_id"]) == Some(cid) && !is_ephemeral(m))
        .filter_map(|m| value_id(&m["id"]).map(|id| (id, m)))
        .filter(|(id, _)| !st.deleted_messages.contains(id))
        .collect();
    all.sort_by_key(|(id, _)| *id);
    let chosen: Vec<(u64, &Value)> = match q.anchor {
        None => all.iter().rev().take(q.limit).copied().collect(),
        Some(("after", a)) => all
            .iter()
            .filter(|(id, _)| *id > a)
            .take(q.limit)
            .copied()
            .collect(),
        Some(("before", b)) => all
            .iter()
            .rev()
            .filter(|(id, _)| *id < b)
            .take(q.limit)
            .copied()
            .collect(),
        Some((_, around)) => {
            // Half after the id, the rest at and before it.
            let half = q.limit / 2;
            let later = all.iter().filter(|(id, _)| *id > around).take(half);
            let earlier = all
                .iter()
                .rev()
                .filter(|(id, _)| *id <= around)
                .take(q.limit - half);
            later.chain(earlier).copied().collect()
        }
    };
    let mut chosen = chosen;
    chosen.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    Ok(Value::Array(
        chosen.into_iter().map(|(_, m)| as_read(m)).collect(),
    ))
}
