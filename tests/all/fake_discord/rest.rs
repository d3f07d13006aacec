//! REST side of the fake (`/api/v10/...`) plus the attachment file server (`/attachments/..`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::multipart;
use super::payloads::{self, error_body, id_str};
use super::rules::{self, Files, MessageKind, Refusal};
use super::state::{
    Fault, Inner, InteractionRecord, RecordedFile, RecordedRequest, State, StoredFile,
};

/// Discord's deadline for the initial response to an interaction: "you must send an initial
/// response within 3 seconds of receiving the event. If the 3 second deadline is exceeded, the
/// token will be invalidated."
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-callback>
pub const INITIAL_RESPONSE_DEADLINE: Duration = Duration::from_secs(3);

/// "Interaction tokens are valid for 15 minutes": followups and `@original` after that are
/// refused (401, 50027 "Invalid Webhook Token").
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages>
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Discord's message flags used here.
pub const FLAG_EPHEMERAL: u64 = 1 << 6;
pub const FLAG_LOADING: u64 = 1 << 7;

struct Reply {
    status: u16,
    body: Option<Value>,
    unknown: bool,
    headers: Vec<(&'static str, String)>,
}

fn ok(v: Value) -> Reply {
    Reply {
        status: 200,
        body: Some(v),
        unknown: false,
        headers: vec![],
    }
}

fn no_content() -> Reply {
    Reply {
        status: 204,
        body: None,
        unknown: false,
        headers: vec![],
    }
}

fn err(status: u16, code: i64, message: &str) -> Reply {
    Reply {
        status,
        body: Some(error_body(code, message)),
        unknown: false,
        headers: vec![],
    }
}

/// Discord's answer to a request its rules refuse (see `rules.rs`).
fn refuse(r: Refusal) -> Reply {
    Reply {
        status: r.status,
        body: Some(r.body),
        unknown: false,
        headers: vec![],
    }
}

fn not_found_route() -> Reply {
    Reply {
        status: 404,
        body: Some(error_body(0, "404: Not Found")),
        unknown: true,
        headers: vec![],
    }
}

fn parse_id(s: &str) -> Option<u64> {
    s.parse().ok()
}

/// Reads an id that Discord/serenity may send as a string or a number.
pub fn value_id(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn nonce_key(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn json_response(status: u16, body: Option<&Value>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        Some(b) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            b.to_string(),
        )
            .into_response(),
        None => status.into_response(),
    }
}

pub(crate) async fn rest_handler(
    AxState(inner): AxState<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full_path = uri.path().to_string();
    let header_str = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.to_string())
    };
    if let Some(rest) = full_path.strip_prefix("/attachments/") {
        // Downloads are recorded too (path `/attachments/{id}/{name}`, no body), so a test can
        // see that the bot fetched a file from the URL it was given.
        let delay = inner.lock().download_delay;
        tokio::time::sleep(delay).await;
        let response = serve_file(&inner, rest);
        inner.lock().requests.push(RecordedRequest {
            method: method.to_string(),
            path: full_path.clone(),
            query: uri.query().map(|q| q.to_string()),
            authorization: header_str("authorization"),
            content_type: None,
            audit_log_reason: None,
            body: None,
            files: vec![],
            status: response.status().as_u16(),
            response: None,
            unknown: false,
            fault: None,
            rate_limited: false,
        });
        inner.bump();
        return response;
    }
    let content_type = header_str("content-type");

    // Body: JSON, or multipart with payload_json + files.
    let mut files = Vec::new();
    let mut json_body = None;
    if let Some(boundary) = content_type.as_deref().and_then(multipart::boundary) {
        for part in multipart::parse(&body, &boundary).unwrap_or_default() {
            if part.name == "payload_json" {
                json_body = serde_json::from_slice(&part.data).ok();
            } else if let Some(filename) = part.filename {
                files.push(RecordedFile {
                    field: part.name,
                    filename,
                    content_type: part.content_type,
                    data: part.data,
                });
            }
        }
    } else if !body.is_empty() {
        json_body = serde_json::from_slice(&body).ok();
    }

    let api_path = full_path.strip_prefix("/api/v10").map(|p| p.to_string());
    let mut record = RecordedRequest {
        method: method.to_string(),
        path: api_path.clone().unwrap_or_else(|| full_path.clone()),
        query: uri.query().map(|q| q.to_string()),
        authorization: header_str("authorization"),
        content_type,
        audit_log_reason: header_str("x-audit-log-reason"),
        body: json_body.clone(),
        files: files.clone(),
        status: 0,
        response: None,
        unknown: false,
        fault: None,
        rate_limited: false,
    };

    let response = {
        let mut st = inner.lock();
        // Fault injection first: a faulted request changes no state.
        let fault = match &api_path {
            Some(p) => take_fault(&mut st, method.as_str(), p),
            None => None,
        };
        let answer_lost = fault == Some(Fault::AnswerLost);
        let hang = answer_lost || fault == Some(Fault::Hang);
        // An answer that is lost is still carried out (below, as if no fault).
        let fault = fault.filter(|_| !answer_lost);
        let response = if let Some(fault) = fault {
            let (status, body, extra_headers) = fault_reply(&fault);
            record.status = status;
            record.response = Some(body.clone());
            record.fault = Some(fault);
            let mut resp = json_response(status, Some(&body));
            for (k, v) in extra_headers {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    resp.headers_mut().insert(k, v);
                }
            }
            resp
        } else {
            let limit = match &api_path {
                Some(p) => rate_limit(&mut st, method.as_str(), p),
                None => Ok(vec![]),
            };
            let reply = match (limit, &api_path) {
                // A 429 changes no state.
                (Err(limited), _) => {
                    record.rate_limited = true;
                    st.rate.hits += 1;
                    limited
                }
                (Ok(headers), Some(p)) => {
                    let segs: Vec<&str> = p.trim_matches('/').split('/').collect();
                    let mut reply = route(
                        &inner,
                        &mut st,
                        method.as_str(),
                        &segs,
                        json_body.as_ref(),
                        &files,
                        uri.query(),
                    );
                    reply.headers.extend(headers);
                    reply
                }
                (Ok(_), None) => not_found_route(),
            };
            record.status = reply.status;
            record.response = reply.body.clone();
            record.unknown = reply.unknown;
            let mut resp = json_response(reply.status, reply.body.as_ref());
            for (k, v) in reply.headers {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    resp.headers_mut().insert(k, v);
                }
            }
            resp
        };
        if answer_lost {
            record.fault = Some(Fault::AnswerLost);
        }
        st.requests.push(record);
        (response, hang)
    };
    inner.bump();
    let (response, hang) = response;
    if hang {
        // A server that never answers: the client has to give up by itself.
        std::future::pending::<()>().await;
    }
    response
}

fn take_fault(st: &mut State, method: &str, path: &str) -> Option<Fault> {
    let idx = st
        .faults
        .iter()
        .position(|f| f.remaining > 0 && f.scope.matches(method, path))?;
    let pf = &mut st.faults[idx];
    pf.remaining -= 1;
    let fault = pf.fault.clone();
    if pf.remaining == 0 {
        st.faults.remove(idx);
    }
    Some(fault)
}

fn fault_reply(fault: &Fault) -> (u16, Value, Vec<(&'static str, String)>) {
    match fault {
        Fault::Status(s) => {
            let reason = StatusCode::from_u16(*s)
                .ok()
                .and_then(|c| c.canonical_reason())
                .unwrap_or("Error");
            (*s, error_body(0, &format!("{s}: {reason}")), vec![])
        }
        Fault::Json(s, code, msg) => (*s, error_body(*code, msg), vec![]),
        Fault::Hang | Fault::AnswerLost => (0, Value::Null, vec![]),
        Fault::Body(s, body) => (*s, body.clone(), vec![]),
        Fault::RateLimited { retry_after_secs } => {
            let ra = *retry_after_secs;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            let body = json!({"message": "You are being rate limited.", "retry_after": ra, "global": false});
            let headers = vec![
                ("retry-after", format!("{}", ra.ceil().max(0.0) as u64)),
                ("x-ratelimit-limit", "5".to_string()),
                ("x-ratelimit-remaining", "0".to_string()),
                ("x-ratelimit-reset", format!("{:.3}", now + ra)),
                ("x-ratelimit-reset-after", format!("{ra:.3}")),
                ("x-ratelimit-bucket", "fake-discord-bucket".to_string()),
                ("x-ratelimit-scope", "user".to_string()),
            ];
            (429, body, headers)
        }
    }
}

/// Seconds since the epoch of an instant on the fake's clock.
fn epoch_secs(st: &State, at: std::time::Instant) -> f64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let ahead = at.saturating_duration_since(st.now()).as_secs_f64();
    now + ahead
}

/// Per-route limit of message create: 5 requests per 5 s per channel (a per-route limit that
/// "accounts for top-level resources within the path", here `channel_id`; the bucket header
/// names the route, "non-inclusive of top-level resources").
const CHANNEL_MESSAGES_LIMIT: u32 = 5;
/// "All bots can make up to 50 requests per second to our API"; interaction endpoints are not
/// bound to it.
const GLOBAL_WINDOW: Duration = Duration::from_secs(1);
const CHANNEL_MESSAGES_BUCKET: &str = "fake-post-channel-messages";
/// Get Channel Messages has a per-route limit of its own; Discord publishes no number ("don't
/// hard code rate limits into your app", #rate-limits): the fake takes the create's.
const GET_CHANNEL_MESSAGES_BUCKET: &str = "fake-get-channel-messages";

/// The opt-in rate limiter (`FakeConfig::rate_limits`), in fixed windows on the fake's clock.
/// Discord's rules (<https://discord.com/developers/docs/topics/rate-limits>):
/// - responses carry `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds), `-Reset-After`
///   (seconds) and `-Bucket` (#header-format-rate-limit-header-examples);
/// - past a limit Discord answers 429 `{"message": "You are being rate limited.", "retry_after":
///   <seconds>, "global": <bool>}` with `Retry-After` and `X-RateLimit-Scope` (`user` for a
///   route's limit, `global` with `X-RateLimit-Global: true` for the global one)
///   (#exceeding-a-rate-limit-rate-limit-response-structure);
/// - the global limit is 50 requests per second, interaction endpoints excluded (#global-rate-limit);
/// - it matters: 10,000 invalid requests (401, 403, 429) in 10 minutes get the bot's IP banned
///   for a while (#invalid-request-limit-aka-cloudflare-bans).
///
/// `Ok` carries the headers for the response (message create only); `Err` is the 429.
fn rate_limit(
    st: &mut State,
    method: &str,
    path: &str,
) -> Result<Vec<(&'static str, String)>, Reply> {
    if !st.rate_limits_enabled {
        return Ok(vec![]);
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let interaction_endpoint = matches!(segs.as_slice(), ["interactions", ..] | ["webhooks", ..]);
    let now = st.now();
    if !interaction_endpoint {
        let (start, count) = match st.rate.global {
            Some((start, count)) if now < start + GLOBAL_WINDOW => (start, count),
            _ => (now, 0),
        };
        if count >= st.global_limit {
            let retry = (start + GLOBAL_WINDOW).saturating_duration_since(now);
            let body = json!({"message": "You are being rate limited.", "retry_after": retry.as_secs_f64(), "global": true});
            return Err(Reply {
                status: 429,
                body: Some(body),
                unknown: false,
                headers: vec![
                    (
                        "retry-after",
                        format!("{}", retry.as_secs_f64().ceil() as u64),
                    ),
                    ("x-ratelimit-global", "true".into()),
                    ("x-ratelimit-scope", "global".into()),
                ],
            });
        }
        st.rate.global = Some((start, count + 1));
    }
    // Per channel: message create, and (a bucket of its own) Get Channel Messages.
    let (bucket, cid) = match (method, segs.as_slice()) {
        ("POST", ["channels", cid, "messages"]) => (CHANNEL_MESSAGES_BUCKET, cid),
        ("GET", ["channels", cid, "messages"]) => (GET_CHANNEL_MESSAGES_BUCKET, cid),
        _ => return Ok(vec![]),
    };
    let cid = parse_id(cid).unwrap_or(0);
    let windows = if bucket == CHANNEL_MESSAGES_BUCKET {
        &st.rate.channels
    } else {
        &st.rate.history
    };
    let (start, count) = match windows.get(&cid) {
        Some(&(start, count)) if now < start + st.channel_window => (start, count),
        _ => (now, 0),
    };
    let reset_at = start + st.channel_window;
    let reset_after = reset_at.saturating_duration_since(now).as_secs_f64();
    let reset_epoch = epoch_secs(st, reset_at);
    let headers = |remaining: u32| {
        vec![
            ("x-ratelimit-limit", CHANNEL_MESSAGES_LIMIT.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", format!("{reset_epoch:.3}")),
            ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
            ("x-ratelimit-bucket", bucket.to_string()),
        ]
    };
    if count >= CHANNEL_MESSAGES_LIMIT {
        let mut h = headers(0);
        h.push(("retry-after", format!("{}", reset_after.ceil() as u64)));
        h.push(("x-ratelimit-scope", "user".into()));
        // The request was counted against the global limit before; a refused one does not
        // change state, so take it back.
        if let Some((_, c)) = st.rate.global.as_mut() {
            *c = c.saturating_sub(1);
        }
        return Err(Reply {
            status: 429,
            body: Some(
                json!({"message": "You are being rate limited.", "retry_after": reset_after, "global": false}),
            ),
            unknown: false,
            headers: h,
        });
    }
    if bucket == CHANNEL_MESSAGES_BUCKET {
        st.rate.channels.insert(cid, (start, count + 1));
    } else {
        st.rate.history.insert(cid, (start, count + 1));
    }
    Ok(headers(CHANNEL_MESSAGES_LIMIT - count - 1))
}

fn serve_file(inner: &Inner, rest: &str) -> Response {
    let id = rest.split('/').next().and_then(parse_id);
    let file = id.and_then(|id| inner.lock().files.get(&id).cloned());
    match file {
        Some(f) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, f.content_type)],
            f.data,
        )
            .into_response(),
        None => json_response(404, Some(&error_body(0, "404: Not Found"))),
    }
}

#[allow(clippy::too_many_lines)]
fn route(
    inner: &Inner,
    st: &mut State,
    method: &str,
    segs: &[&str],
    body: Option<&Value>,
    files: &[RecordedFile],
    query: Option<&str>,
) -> Reply {
    let fx = &inner.fixture;
    let empty = json!({});
    let body_ref = body.unwrap_or(&empty);
    match (method, segs) {
        ("GET", ["gateway"]) => ok(payloads::gateway(&inner.ws_url())),
        ("GET", ["gateway", "bot"]) => ok(payloads::gateway_bot(&inner.ws_url())),
        ("GET", ["oauth2", "applications", "@me"]) => ok(payloads::application_info(fx)),
        ("GET", ["applications", "@me"]) => ok(payloads::application_info(fx)),
        ("GET", ["users", "@me"]) => ok(payloads::current_user(fx)),
        ("GET", ["users", uid]) => match parse_id(uid).and_then(|id| fx.find_user(id)) {
            Some(u) => ok(payloads::user(u)),
            None => err(404, 10013, "Unknown User"),
        },
        ("PUT", ["applications", _app, "commands"]) => register_commands(st, fx, None, body_ref),
        ("PUT", ["applications", _app, "guilds", gid, "commands"]) => {
            match parse_id(gid).filter(|g| *g == fx.guild_id) {
                Some(g) => register_commands(st, fx, Some(g), body_ref),
                None => err(403, 50001, "Missing Access"),
            }
        }
        ("GET", ["applications", _app, "commands"]) => {
            ok(Value::Array(st.global_commands.clone().unwrap_or_default()))
        }
        ("GET", ["applications", _app, "guilds", gid, "commands"]) => {
            let g = parse_id(gid).unwrap_or(0);
            ok(Value::Array(
                st.guild_commands.get(&g).cloned().unwrap_or_default(),
            ))
        }
        ("POST", ["interactions", iid, token, "callback"]) => interaction_callback(
            inner,
            st,
            parse_id(iid).unwrap_or(0),
            token,
            body_ref,
            files,
        ),
        (_, ["webhooks", _app, token, "messages", "@original"]) => {
            original_response(inner, st, method, token, body_ref, files)
        }
        ("POST", ["webhooks", _app, token]) => followup(inner, st, token, body_ref, files),
        (_, ["webhooks", _app, token, "messages", mid]) => match parse_id(mid) {
            Some(mid) => followup_message(inner, st, method, token, mid, body_ref, files),
            None => err(404, 10008, "Unknown Message"),
        },
        ("POST", ["channels", cid, "messages"]) => {
            let Some(cid) = parse_id(cid).filter(|c| channel_exists(inner, st, *c)) else {
                return err(404, 10003, "Unknown Channel");
            };
            // <https://discord.com/developers/docs/resources/message#create-message>
            if let Err(r) =
                rules::check_message(body_ref, MessageKind::Create, &uploads(files, &[]))
            {
                return refuse(r);
            }
            // nonce + enforce_nonce: the same nonce in the same channel within the window
            // returns that message; after the window a new one is posted (FakeConfig::nonce_window).
            let nonce = nonce_key(&body_ref["nonce"]);
            if body_ref["enforce_nonce"].as_bool() == Some(true)
                && let Some(key) = &nonce
                && let Some(&(mid, at)) = st.nonces.get(&(cid, key.clone()))
                && st.now().saturating_duration_since(at) < st.nonce_window
                && let Some(m) = st.message(mid).cloned()
            {
                st.nonce_replays += 1;
                return ok(m);
            }
            let m = create_message(inner, st, cid, body_ref, files, Origin::Bot);
            if let (Some(key), Some(mid)) = (nonce, value_id(&m["id"])) {
                let at = st.now();
                st.nonces.insert((cid, key), (mid, at));
            }
            ok(m)
        }
        ("GET", ["channels", cid, "messages"]) => {
            let Some(cid) = parse_id(cid).filter(|c| channel_exists(inner, st, *c)) else {
                return err(404, 10003, "Unknown Channel");
            };
            let guild_channel = fx.channels.iter().any(|c| c.id == cid);
            match super::history::get_channel_messages(fx, st, cid, guild_channel, query) {
                Ok(list) => ok(list),
                Err(r) => refuse(r),
            }
        }
        (_, ["channels", cid, "messages", mid]) => {
            let (Some(cid), Some(mid)) = (parse_id(cid), parse_id(mid)) else {
                return err(404, 10008, "Unknown Message");
            };
            let exists = st
                .message(mid)
                .is_some_and(|m| value_id(&m["channel_id"]) == Some(cid))
                && !st.deleted_messages.contains(&mid);
            if !exists {
                return err(404, 10008, "Unknown Message");
            }
            match method {
                "GET" => ok(st.message(mid).cloned().unwrap_or_default()),
                "PATCH" => {
                    // <https://discord.com/developers/docs/resources/message#edit-message>
                    let existing = attachment_ids(st, mid);
                    if let Err(r) = rules::check_message(
                        body_ref,
                        MessageKind::Edit,
                        &uploads(files, &existing),
                    ) {
                        return refuse(r);
                    }
                    ok(edit_message(inner, st, mid, body_ref, files))
                }
                "DELETE" => {
                    st.deleted_messages.push(mid);
                    no_content()
                }
                _ => not_found_route(),
            }
        }
        (
            "PUT" | "DELETE",
            [
                "channels",
                _cid,
                "messages",
                _mid,
                "reactions",
                _emoji,
                "@me",
            ],
        ) => no_content(),
        ("POST", ["channels", _cid, "typing"]) => no_content(),
        ("GET", ["channels", cid]) => {
            let cid = parse_id(cid).unwrap_or(0);
            if let Some(c) = payloads::channel_by_id(fx, cid) {
                ok(c)
            } else if let Some(c) = st.dm_channel_json.get(&cid) {
                ok(c.clone())
            } else {
                err(404, 10003, "Unknown Channel")
            }
        }
        ("POST", ["users", "@me", "channels"]) => {
            let Some(uid) = value_id(&body_ref["recipient_id"]) else {
                return err(400, 50035, "Invalid Form Body");
            };
            let Some(user) = fx.find_user(uid) else {
                return err(400, 50007, "Cannot send messages to this user");
            };
            let cid = match st.dm_channels.get(&uid) {
                Some(c) => *c,
                None => {
                    let c = st.new_id();
                    st.dm_channels.insert(uid, c);
                    st.dm_channel_json
                        .insert(c, payloads::dm_channel(c, &payloads::user(user)));
                    c
                }
            };
            ok(st.dm_channel_json[&cid].clone())
        }
        ("GET", ["guilds", gid, rest @ ..]) => {
            if parse_id(gid) != Some(fx.guild_id) {
                return err(404, 10004, "Unknown Guild");
            }
            match rest {
                [] => ok(payloads::partial_guild(fx)),
                ["roles"] => ok(Value::Array(payloads::all_roles(fx))),
                ["channels"] => ok(Value::Array(
                    fx.channels
                        .iter()
                        .map(|c| payloads::channel(fx, c))
                        .collect(),
                )),
                ["members"] => ok(Value::Array(payloads::all_members(fx))),
                ["members", uid] => match parse_id(uid).and_then(|u| payloads::member_by_id(fx, u))
                {
                    Some(m) => ok(m),
                    None => err(404, 10007, "Unknown Member"),
                },
                _ => not_found_route(),
            }
        }
        _ => not_found_route(),
    }
}

/// The files of a request and the attachments the edited message has, for `rules.rs`.
fn uploads(files: &[RecordedFile], existing: &[u64]) -> Files {
    Files {
        uploaded: files.iter().map(|f| f.field.clone()).collect(),
        existing: existing.to_vec(),
    }
}

fn attachment_ids(st: &State, message_id: u64) -> Vec<u64> {
    st.message(message_id)
        .and_then(|m| m["attachments"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|a| value_id(&a["id"]))
        .collect()
}

fn channel_exists(inner: &Inner, st: &State, cid: u64) -> bool {
    inner.fixture.channels.iter().any(|c| c.id == cid) || st.dm_channel_json.contains_key(&cid)
}

pub fn is_ephemeral(m: &Value) -> bool {
    m["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL != 0
}

fn register_commands(
    st: &mut State,
    fx: &super::fixture::GuildFixture,
    guild: Option<u64>,
    body: &Value,
) -> Reply {
    // Discord validates every command and refuses the whole request for one fault; nothing is
    // registered then.
    if let Err(r) = rules::check_commands(body, guild.is_some()) {
        return refuse(r);
    }
    let Some(cmds) = body.as_array() else {
        return err(400, 50035, "Invalid Form Body");
    };
    let mut out = Vec::new();
    for cmd in cmds {
        let mut c = cmd.clone();
        let Some(o) = c.as_object_mut() else {
            return err(400, 50035, "Invalid Form Body");
        };
        let name = o
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string();
        let kind = o.get("type").and_then(|t| t.as_u64()).unwrap_or(1);
        let key = format!("{}:{name}:{kind}", guild.unwrap_or(0));
        let id = match st.command_ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = st.new_id();
                st.command_ids.insert(key, id);
                id
            }
        };
        let version = st.new_id();
        o.insert("id".into(), id_str(id));
        o.insert("application_id".into(), id_str(fx.application_id));
        o.insert("version".into(), id_str(version));
        o.insert("type".into(), json!(kind));
        if let Some(g) = guild {
            o.insert("guild_id".into(), id_str(g));
        }
        o.entry("description").or_insert(json!(""));
        o.entry("default_member_permissions").or_insert(Value::Null);
        o.entry("nsfw").or_insert(json!(false));
        if let Some(opts) = o.get_mut("options") {
            normalise_options(opts);
        }
        out.push(c);
    }
    match guild {
        Some(g) => {
            st.guild_commands.insert(g, out.clone());
        }
        None => st.global_commands = Some(out.clone()),
    }
    st.last_commands = out.clone();
    ok(Value::Array(out))
}

fn normalise_options(opts: &mut Value) {
    if let Some(arr) = opts.as_array_mut() {
        for o in arr {
            if let Some(m) = o.as_object_mut() {
                m.entry("description").or_insert(json!(""));
                if let Some(sub) = m.get_mut("options") {
                    normalise_options(sub);
                }
            }
        }
    }
}

/// Who a message comes from.
#[derive(Clone, Copy)]
pub(crate) enum Origin {
    /// `POST /channels/{id}/messages` by the bot.
    Bot,
    /// An interaction response or followup (webhook message of the application).
    Interaction { message_type: u8 },
}

fn scan_mentions(content: &str) -> (Vec<u64>, Vec<u64>) {
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let (is_role, body) = match rest.as_bytes().first() {
            Some(b'&') => (true, &rest[1..]),
            Some(b'!') => (false, &rest[1..]),
            _ => (false, rest),
        };
        let digits: String = body.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty()
            && body[digits.len()..].starts_with('>')
            && let Ok(id) = digits.parse()
        {
            if is_role {
                roles.push(id)
            } else {
                users.push(id)
            }
        }
    }
    (users, roles)
}

/// Computes `mentions`, `mention_roles`, `mention_everyone` the way Discord applies
/// `allowed_mentions` (absent = everything parsed).
fn resolve_mentions(
    fx: &super::fixture::GuildFixture,
    content: &str,
    allowed: &Value,
) -> (Vec<Value>, Vec<Value>, bool) {
    let (users, roles) = scan_mentions(content);
    let everyone_in_text = content.contains("@everyone") || content.contains("@here");
    let ids = |key: &str| -> HashSet<u64> {
        allowed[key]
            .as_array()
            .map(|a| a.iter().filter_map(value_id).collect())
            .unwrap_or_default()
    };
    let parse: HashSet<&str> = allowed["parse"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    // No allowed_mentions object: Discord parses everything.
    let unrestricted = !allowed.is_object();
    let (ulist, rlist) = (ids("users"), ids("roles"));
    let users_ok = |id: u64| unrestricted || parse.contains("users") || ulist.contains(&id);
    let roles_ok = |id: u64| unrestricted || parse.contains("roles") || rlist.contains(&id);
    let everyone_ok = unrestricted || parse.contains("everyone");
    let mut seen = HashSet::new();
    let mentions = users
        .into_iter()
        .filter(|id| users_ok(*id) && seen.insert(*id))
        .filter_map(|id| fx.find_user(id).map(payloads::user))
        .collect();
    let mut seen = HashSet::new();
    let mention_roles = roles
        .into_iter()
        .filter(|id| roles_ok(*id) && seen.insert(*id))
        .filter(|id| fx.roles.iter().any(|r| r.id == *id))
        .map(id_str)
        .collect();
    (mentions, mention_roles, everyone_in_text && everyone_ok)
}

fn store_file(
    inner: &Inner,
    st: &mut State,
    filename: &str,
    content_type: Option<&str>,
    data: Vec<u8>,
    description: Option<&str>,
) -> Value {
    let id = st.new_id();
    let ct = content_type
        .map(|s| s.to_string())
        .unwrap_or_else(|| payloads::guess_content_type(filename).to_string());
    let json = payloads::attachment(
        &inner.base_url(),
        id,
        filename,
        data.len(),
        Some(&ct),
        description,
    );
    st.files.insert(
        id,
        StoredFile {
            filename: filename.to_string(),
            content_type: ct,
            data,
        },
    );
    json
}

/// Registers a file served at `/attachments/{id}/{filename}`; returns its attachment object.
pub(crate) fn register_file(
    inner: &Inner,
    st: &mut State,
    filename: &str,
    content_type: Option<&str>,
    data: Vec<u8>,
) -> Value {
    store_file(inner, st, filename, content_type, data, None)
}

/// Builds the attachment list from the payload's `attachments` and the uploaded file parts.
fn build_attachments(
    inner: &Inner,
    st: &mut State,
    body: &Value,
    files: &[RecordedFile],
    existing: &[Value],
) -> Option<Vec<Value>> {
    let listed = body.get("attachments").and_then(|a| a.as_array());
    if listed.is_none() && files.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    if let Some(listed) = listed {
        for a in listed {
            let id = value_id(&a["id"]);
            if let Some(keep) = existing
                .iter()
                .find(|e| value_id(&e["id"]) == id && id.is_some())
            {
                out.push(keep.clone());
            }
        }
    } else {
        out.extend(existing.iter().cloned());
    }
    for f in files {
        let index = f
            .field
            .strip_prefix("files[")
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.parse::<u64>().ok());
        let meta = listed.and_then(|l| {
            l.iter()
                .find(|a| value_id(&a["id"]) == index && a.get("filename").is_some())
        });
        let filename = meta
            .and_then(|m| m["filename"].as_str())
            .unwrap_or(f.filename.as_str())
            .to_string();
        let description = meta
            .and_then(|m| m["description"].as_str())
            .map(|s| s.to_string());
        let ct = f.content_type.clone();
        out.push(store_file(
            inner,
            st,
            &filename,
            ct.as_deref(),
            f.data.clone(),
            description.as_deref(),
        ));
    }
    Some(out)
}

fn normalise_embeds(v: &Value) -> Value {
    match v.as_array() {
        Some(arr) => Value::Array(
            arr.iter()
                .map(|e| {
                    let mut e = e.clone();
                    if let Some(o) = e.as_object_mut() {
                        o.entry("type").or_insert(json!("rich"));
                    }
                    e
                })
                .collect(),
        ),
        None => json!([]),
    }
}

/// Creates and stores a message from a create-message style payload.
pub(crate) fn create_message(
    inner: &Inner,
    st: &mut State,
    channel_id: u64,
    body: &Value,
    files: &[RecordedFile],
    origin: Origin,
) -> Value {
    let fx = &inner.fixture;
    let id = st.new_id();
    let content = body["content"].as_str().unwrap_or_default().to_string();
    let (mentions, mention_roles, mention_everyone) =
        resolve_mentions(fx, &content, &body["allowed_mentions"]);
    let attachments = build_attachments(inner, st, body, files, &[]).unwrap_or_default();
    let mut kind = 0u8;
    let mut message_reference = Value::Null;
    if body["message_reference"].is_object() {
        kind = 19;
        message_reference = body["message_reference"].clone();
        if message_reference["channel_id"].is_null() {
            message_reference["channel_id"] = id_str(channel_id);
        }
    }
    let mut msg = json!({
        "id": id_str(id),
        "channel_id": id_str(channel_id),
        "author": payloads::user(&fx.bot),
        "content": content,
        "timestamp": payloads::now(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": mention_everyone,
        "mentions": mentions,
        "mention_roles": mention_roles,
        "mention_channels": [],
        "attachments": attachments,
        "embeds": normalise_embeds(&body["embeds"]),
        "pinned": false,
        "type": kind,
        "flags": body["flags"].as_u64().unwrap_or(0),
        "components": body.get("components").cloned().filter(|c| c.is_array()).unwrap_or(json!([])),
        "sticker_items": [],
        // Not part of Discord's message object: recorded for tests, ignored by serenity.
        "allowed_mentions": body["allowed_mentions"].clone(),
        "enforce_nonce": body["enforce_nonce"].as_bool().unwrap_or(false),
    });
    let o = msg.as_object_mut().expect("object");
    if !body["nonce"].is_null() {
        o.insert("nonce".into(), body["nonce"].clone());
    }
    if !message_reference.is_null() {
        o.insert("message_reference".into(), message_reference);
    }
    if let Origin::Interaction { message_type } = origin {
        o.insert("webhook_id".into(), id_str(fx.application_id));
        o.insert("application_id".into(), id_str(fx.application_id));
        o.insert("type".into(), json!(message_type));
    }
    if !body["poll"].is_null() {
        o.insert("poll_request".into(), body["poll"].clone());
    }
    st.push_message(msg.clone());
    msg
}

/// Applies an edit payload (PATCH semantics: only present fields change) and records it.
pub(crate) fn edit_message(
    inner: &Inner,
    st: &mut State,
    message_id: u64,
    body: &Value,
    files: &[RecordedFile],
) -> Value {
    let existing_attachments = st
        .message(message_id)
        .and_then(|m| m["attachments"].as_array().cloned())
        .unwrap_or_default();
    let new_attachments = build_attachments(inner, st, body, files, &existing_attachments);
    let fx = &inner.fixture;
    st.message_edits
        .entry(message_id)
        .or_default()
        .push(body.clone());
    let Some(msg) = st.message_mut(message_id) else {
        return Value::Null;
    };
    if let Some(content) = body.get("content").filter(|c| !c.is_null()) {
        msg["content"] = content.clone();
        let allowed = if body.get("allowed_mentions").is_some() {
            body["allowed_mentions"].clone()
        } else {
            msg["allowed_mentions"].clone()
        };
        let (m, r, e) = resolve_mentions(fx, content.as_str().unwrap_or_default(), &allowed);
        msg["mentions"] = Value::Array(m);
        msg["mention_roles"] = Value::Array(r);
        msg["mention_everyone"] = json!(e);
    }
    if let Some(embeds) = body.get("embeds").filter(|e| !e.is_null()) {
        msg["embeds"] = normalise_embeds(embeds);
    }
    if let Some(components) = body.get("components").filter(|c| !c.is_null()) {
        msg["components"] = components.clone();
    }
    if let Some(am) = body.get("allowed_mentions") {
        msg["allowed_mentions"] = am.clone();
    }
    if let Some(flags) = body.get("flags").and_then(|f| f.as_u64()) {
        let keep_ephemeral = msg["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL;
        msg["flags"] = json!(flags | keep_ephemeral);
    }
    if let Some(a) = new_attachments {
        msg["attachments"] = Value::Array(a);
    }
    let flags = msg["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
    msg["flags"] = json!(flags);
    msg["edited_timestamp"] = json!(payloads::now());
    msg.clone()
}

/// The type of the focused option of an autocomplete interaction, as the bot registered it
/// (falling back to the type the interaction was sent with when the command is unknown).
fn focused_type(inner: &Inner, st: &State, rec: &InteractionRecord) -> Option<u64> {
    let (fname, sent) = rec.focused.clone()?;
    let registered = rec
        .command
        .as_ref()
        .and_then(|(name, path)| registered_option(inner, st, name, path, &fname))
        .and_then(|o| o["type"].as_u64());
    Some(registered.unwrap_or(u64::from(sent)))
}

/// A registered command (guild first, then global) of type CHAT_INPUT by name.
pub(crate) fn registered_command(inner: &Inner, st: &State, name: &str) -> Option<Value> {
    st.guild_commands
        .get(&inner.fixture.guild_id)
        .into_iter()
        .flatten()
        .chain(st.global_commands.iter().flatten())
        .find(|c| c["name"].as_str() == Some(name) && c["type"].as_u64().unwrap_or(1) == 1)
        .cloned()
}

/// The options a registered command offers at `path` (subcommand group / subcommand names).
pub(crate) fn registered_options(command: &Value, path: &[String]) -> Option<Vec<Value>> {
    let mut node = command.clone();
    for seg in path {
        node = node["options"]
            .as_array()?
            .iter()
            .find(|o| {
                o["name"].as_str() == Some(seg.as_str())
                    && matches!(o["type"].as_u64(), Some(1 | 2))
            })?
            .clone();
    }
    Some(node["options"].as_array().cloned().unwrap_or_default())
}

fn registered_option(
    inner: &Inner,
    st: &State,
    name: &str,
    path: &[String],
    option: &str,
) -> Option<Value> {
    let cmd = registered_command(inner, st, name)?;
    registered_options(&cmd, path)?
        .into_iter()
        .find(|o| o["name"].as_str() == Some(option))
}

fn interaction_callback(
    inner: &Inner,
    st: &mut State,
    iid: u64,
    token: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Reply {
    let Some(rec) = st
        .interactions
        .get(&iid)
        .filter(|r| r.token == token)
        .cloned()
    else {
        return err(404, 10062, "Unknown interaction");
    };
    // One initial response per interaction.
    // <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>
    if rec.callback.is_some() {
        return err(400, 40060, "Interaction has already been acknowledged.");
    }
    // The initial response within 3 seconds of the event, else the token is invalidated.
    if st.age(&rec) > INITIAL_RESPONSE_DEADLINE {
        return err(404, 10062, "Unknown interaction");
    }
    let existing = rec
        .source_message_id
        .map(|m| attachment_ids(st, m))
        .unwrap_or_default();
    let focused = focused_type(inner, st, &rec);
    if let Err(r) = rules::check_callback(rec.kind, body, &uploads(files, &existing), focused) {
        return refuse(r);
    }
    let kind = body["type"].as_u64().unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(json!({}));
    let mut original = None;
    match kind {
        4 => {
            let mtype = if rec.kind == 2 { 20 } else { 0 };
            let m = create_message(
                inner,
                st,
                rec.channel_id,
                &data,
                files,
                Origin::Interaction {
                    message_type: mtype,
                },
            );
            original = value_id(&m["id"]);
        }
        5 => {
            let mut d = data.clone();
            let flags = d["flags"].as_u64().unwrap_or(0) | FLAG_LOADING;
            d["flags"] = json!(flags);
            d["content"] = json!("");
            let mtype = if rec.kind == 2 { 20 } else { 0 };
            let m = create_message(
                inner,
                st,
                rec.channel_id,
                &d,
                &[],
                Origin::Interaction {
                    message_type: mtype,
                },
            );
            original = value_id(&m["id"]);
        }
        6 => original = rec.source_message_id,
        7 => {
            if let Some(src) = rec.source_message_id
                && st.message(src).is_some()
            {
                edit_message(inner, st, src, &data, files);
            }
            original = rec.source_message_id;
        }
        _ => {}
    }
    if let Some(r) = st.interactions.get_mut(&iid) {
        r.callback = Some(body.clone());
        r.callback_files = files.to_vec();
        r.original_message_id = original;
    }
    no_content()
}

/// The interaction behind a webhook token, if the token may still be used: a token is valid
/// for 15 minutes, and is invalidated when no initial response came within 3 seconds
/// (401, 50027 "Invalid Webhook Token", as Discord answers).
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages>
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-callback>
fn live_token(st: &State, token: &str) -> Result<InteractionRecord, Reply> {
    let Some(rec) = st.interaction_by_token(token).cloned() else {
        return Err(err(404, 10015, "Unknown Webhook"));
    };
    let age = st.age(&rec);
    let missed_deadline = rec.callback.is_none() && age > INITIAL_RESPONSE_DEADLINE;
    if age > TOKEN_LIFETIME || missed_deadline {
        return Err(err(401, 50027, "Invalid Webhook Token"));
    }
    Ok(rec)
}

fn original_response(
    inner: &Inner,
    st: &mut State,
    method: &str,
    token: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Reply {
    let rec = match live_token(st, token) {
        Ok(rec) => rec,
        Err(reply) => return reply,
    };
    let Some(mid) = rec.original_message_id.filter(|_| !rec.original_deleted) else {
        return err(404, 10008, "Unknown Message");
    };
    match method {
        "GET" => ok(st.message(mid).cloned().unwrap_or_default()),
        "PATCH" => {
            // "Functions the same as Edit Webhook Message".
            // <https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response>
            let existing = attachment_ids(st, mid);
            if let Err(r) =
                rules::check_message(body, MessageKind::Edit, &uploads(files, &existing))
            {
                return refuse(r);
            }
            let m = edit_message(inner, st, mid, body, files);
            if let Some(r) = st.interaction_by_token_mut(token) {
                r.original_edits.push(body.clone());
            }
            ok(m)
        }
        "DELETE" => {
            if let Some(r) = st.interaction_by_token_mut(token) {
                r.original_deleted = true;
            }
            st.deleted_messages.push(mid);
            no_content()
        }
        _ => not_found_route(),
    }
}

fn followup(
    inner: &Inner,
    st: &mut State,
    token: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Reply {
    let rec = match live_token(st, token) {
        Ok(rec) => rec,
        Err(reply) => return reply,
    };
    if rec.callback.is_none() {
        return err(404, 10015, "Unknown Webhook");
    }
    // After a deferred (type 5) response, the first followup replaces the loading message.
    let loading_original = rec.original_message_id.filter(|mid| {
        rec.callback.as_ref().and_then(|c| c["type"].as_u64()) == Some(5)
            && st
                .message(*mid)
                .is_some_and(|m| m["flags"].as_u64().unwrap_or(0) & FLAG_LOADING != 0)
    });
    // "Functions the same as Execute Webhook": the message rules, and it must not be empty.
    // <https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message>
    if let Err(r) = rules::check_message(body, MessageKind::Create, &uploads(files, &[])) {
        return refuse(r);
    }
    let msg = if let Some(mid) = loading_original {
        edit_message(inner, st, mid, body, files)
    } else {
        create_message(
            inner,
            st,
            rec.channel_id,
            body,
            files,
            Origin::Interaction { message_type: 0 },
        )
    };
    if let (Some(r), Some(id)) = (st.interaction_by_token_mut(token), value_id(&msg["id"])) {
        r.followup_ids.push(id);
    }
    ok(msg)
}

fn followup_message(
    inner: &Inner,
    st: &mut State,
    method: &str,
    token: &str,
    mid: u64,
    body: &Value,
    files: &[RecordedFile],
) -> Reply {
    let rec = match live_token(st, token) {
        Ok(rec) => rec,
        Err(reply) => return reply,
    };
    let belongs = rec.followup_ids.contains(&mid) || rec.original_message_id == Some(mid);
    if !belongs || st.deleted_messages.contains(&mid) || st.message(mid).is_none() {
        return err(404, 10008, "Unknown Message");
    }
    match method {
        "GET" => ok(st.message(mid).cloned().unwrap_or_default()),
        "PATCH" => {
            // <https://discord.com/developers/docs/interactions/receiving-and-responding#edit-followup-message>
            let existing = attachment_ids(st, mid);
            if let Err(r) =
                rules::check_message(body, MessageKind::Edit, &uploads(files, &existing))
            {
                return refuse(r);
            }
            ok(edit_message(inner, st, mid, body, files))
        }
        "DELETE" => {
            st.deleted_messages.push(mid);
            no_content()
        }
        _ => not_found_route(),
    }
}

/// Registers a new interaction so callbacks/webhooks can be matched to it.
pub(crate) fn register_interaction(st: &mut State, rec: InteractionRecord) {
    st.tokens.insert(rec.token.clone(), rec.id);
    st.interactions.insert(rec.id, rec);
}
