//! The fake refuses over HTTP what Discord refuses, the way Discord does (status, JSON code,
//! `errors` tree, rate-limit headers), and a refused request changes nothing. The rules
//! themselves are unit-tested one by one in `fake_discord/rules.rs`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::fake_discord::*;
use crate::support::e2e::init_tracing;

pub(super) struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// A response header, as text.
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The answer as the fake's rules describe a refusal.
    fn refusal(&self) -> Refusal {
        Refusal {
            status: self.status,
            body: self.body.clone(),
        }
    }
}

/// One request with a JSON body (or none), as the bot's HTTP client would send it.
pub(super) async fn call(
    fake: &FakeDiscord,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let url = format!("{}/api/v10{path}", fake.api_base());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = reqwest::Client::new()
        .request(method, url)
        .header("authorization", "Bot test-token");
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().await.expect("the fake answers on loopback");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// A followup message on the interaction token `token` of application `app`.
async fn followup(fake: &FakeDiscord, app: u64, token: &str, content: &str) -> Answer {
    let path = format!("/webhooks/{app}/{token}");
    call(fake, "POST", &path, Some(json!({ "content": content }))).await
}

/// The fake Discord with the default guild.
async fn fake() -> FakeDiscord {
    init_tracing();
    FakeDiscord::start(GuildFixture::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_with_one_bad_command_is_refused_whole() {
    let fake = fake().await;
    let app = fake.fixture().application_id;
    let guild = fake.fixture().guild_id;
    let path = format!("/applications/{app}/guilds/{guild}/commands");
    let opt = |name: &str, required: bool| json!({"name": name, "type": 3, "description": "d", "required": required});
    let good = json!({"name": "status", "description": "Status"});
    let bad = json!({"name": "data", "description": "Data", "options": [
        {"name": "target", "type": 1, "description": "Target",
         "options": [opt("shop", false), opt("amount", true)]}]});
    let r = call(&fake, "PUT", &path, Some(json!([good, bad]))).await;
    assert_eq!((r.status, r.body["code"].as_i64()), (400, Some(50035)));
    assert_eq!(r.body["message"], "Invalid Form Body");
    assert!(
        r.refusal().has_path("1.options.0.options.1.required"),
        "{:?}",
        r.refusal().paths()
    );
    assert!(
        fake.registered_guild_commands(guild).is_empty(),
        "nothing registered, not even the good command"
    );
    // The refusal is recorded: undeclared, it fails the test's final check.
    assert_eq!(fake.unexpected_refusals().len(), 1);
    fake.expect_refusal(50035);
    fake.assert_no_unexpected_refusals();

    let fixed = json!({"name": "data", "description": "Data", "options": [
        {"name": "target", "type": 1, "description": "Target",
         "options": [opt("amount", true), opt("shop", false)]}]});
    let r = call(&fake, "PUT", &path, Some(json!([good, fixed]))).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(fake.registered_guild_commands(guild).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_discords_limits_is_refused_and_not_posted() {
    let fake = fake().await;
    let ops = fake.fixture().channel_id("ops");
    let path = format!("/channels/{ops}/messages");
    let embed = |n: usize| json!({"title": "t".repeat(200), "description": "d".repeat(n)});
    // Two embeds, each within its limits, together over 6,000 characters.
    let r = call(
        &fake,
        "POST",
        &path,
        Some(json!({"embeds": [embed(2801), embed(2801)]})),
    )
    .await;
    assert_eq!((r.status, r.body["code"].as_i64()), (400, Some(50035)));
    assert!(r.refusal().has_path("embeds"), "{:?}", r.refusal().paths());
    let r = call(
        &fake,
        "POST",
        &path,
        Some(json!({"content": "字".repeat(2001)})),
    )
    .await;
    assert!(r.refusal().has_path("content"), "{:#}", r.body);
    let r = call(
        &fake,
        "POST",
        &path,
        Some(json!({"content": "<@4002>", "allowed_mentions": {"parse": ["users"], "users": ["4002"]}})),
    )
    .await;
    assert!(r.refusal().has_path("allowed_mentions"), "{:#}", r.body);
    let r = call(&fake, "POST", &path, Some(json!({"content": "  "}))).await;
    assert_eq!((r.status, r.body["code"].as_i64()), (400, Some(50006)));
    assert!(fake.channel_messages(ops).is_empty(), "nothing was posted");
    let r = call(
        &fake,
        "POST",
        &path,
        Some(json!({"embeds": [embed(2800), embed(2800)]})),
    )
    .await;
    assert_eq!(r.status, 200, "6,000 exactly: {:#}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    // An edit follows the same rules; a refused edit changes nothing.
    let r = call(
        &fake,
        "PATCH",
        &format!("{path}/{id}"),
        Some(json!({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "A", "custom_id": "same"},
            {"type": 2, "style": 1, "label": "B", "custom_id": "same"}]}]})),
    )
    .await;
    assert!(
        r.refusal().has_path("components.0.components.1.custom_id"),
        "{:#}",
        r.body
    );
    assert!(fake.message_edits(id.parse().expect("id")).is_empty());
    assert_eq!(fake.refusals().len(), 5);
    fake.expect_refusal(50035);
    fake.expect_refusal(50006);
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_come_once_within_3_seconds_and_tokens_last_15_minutes() {
    let fake = fake().await;
    let fx = fake.fixture().clone();
    let app = fx.application_id;
    let alice = fake.user(fx.user_id("alice"));
    let slash = |d: &Value| {
        (
            d["id"].as_str().expect("id").to_string(),
            d["token"].as_str().expect("token").to_string(),
        )
    };
    let answer = json!({"type": 4, "data": {"content": "done"}});

    // Answered in time: a second answer is refused (40060).
    let (a_id, a_token) = slash(&alice.build_slash("ping", &[], vec![]));
    let cb = |id: &str, token: &str| format!("/interactions/{id}/{token}/callback");
    assert_eq!(
        call(&fake, "POST", &cb(&a_id, &a_token), Some(answer.clone()))
            .await
            .status,
        204
    );
    let r = call(&fake, "POST", &cb(&a_id, &a_token), Some(answer.clone())).await;
    assert_eq!((r.status, r.body["code"].as_i64()), (400, Some(40060)));

    // Not answered within 3 s: the callback gets 10062 and the token is invalidated.
    let (b_id, b_token) = slash(&alice.build_slash("ping", &[], vec![]));
    fake.age_interactions(INITIAL_RESPONSE_DEADLINE + Duration::from_millis(1));
    let r = call(&fake, "POST", &cb(&b_id, &b_token), Some(answer.clone())).await;
    assert_eq!((r.status, r.body["code"].as_i64()), (404, Some(10062)));
    let r = followup(&fake, app, &b_token, "late").await;
    assert_eq!((r.status, r.body["code"].as_i64()), (401, Some(50027)));

    // The answered one may still be followed up and edited, until 15 minutes have passed.
    let r = followup(&fake, app, &a_token, "more").await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    fake.age_interactions(TOKEN_LIFETIME);
    let r = call(
        &fake,
        "PATCH",
        &format!("/webhooks/{app}/{a_token}/messages/@original"),
        Some(json!({"content": "edited"})),
    )
    .await;
    assert_eq!((r.status, r.body["code"].as_i64()), (401, Some(50027)));
    let r = followup(&fake, app, &a_token, "more").await;
    assert_eq!(r.status, 401);
    for code in [40060, 10062, 50027] {
        fake.expect_refusal(code);
    }
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_types_must_fit_the_interaction() {
    let fake = fake().await;
    let fx = fake.fixture().clone();
    let alice = fake.user(fx.user_id("alice"));
    let cb = |d: &Value| {
        format!(
            "/interactions/{}/{}/callback",
            d["id"].as_str().expect("id"),
            d["token"].as_str().expect("token")
        )
    };
    // UPDATE_MESSAGE answers components, not commands.
    let d = alice.build_slash("ping", &[], vec![]);
    let r = call(
        &fake,
        "POST",
        &cb(&d),
        Some(json!({"type": 7, "data": {"content": "x"}})),
    )
    .await;
    assert!(r.refusal().has_path("type"), "{:#}", r.body);
    // An autocomplete takes only choices, of the focused option's type.
    let d = alice.build_autocomplete("ping", &[], vec![], opt_int("n", 1));
    let r = call(
        &fake,
        "POST",
        &cb(&d),
        Some(json!({"type": 4, "data": {"content": "x"}})),
    )
    .await;
    assert!(r.refusal().has_path("type"), "{:#}", r.body);
    let r = call(
        &fake,
        "POST",
        &cb(&d),
        Some(json!({"type": 8, "data": {"choices": [{"name": "one", "value": "1"}]}})),
    )
    .await;
    assert!(r.refusal().has_path("data.choices.0.value"), "{:#}", r.body);
    let r = call(
        &fake,
        "POST",
        &cb(&d),
        Some(json!({"type": 8, "data": {"choices": [{"name": "one", "value": 1}]}})),
    )
    .await;
    assert_eq!(r.status, 204, "{:#}", r.body);
    // A modal does not answer a modal.
    let d = alice.build_modal("form", vec![("note", "x")]);
    let modal = json!({"type": 9, "data": {"custom_id": "again", "title": "Again", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "n", "style": 1, "label": "Note"}]}]}});
    let r = call(&fake, "POST", &cb(&d), Some(modal.clone())).await;
    assert!(r.refusal().has_path("type"), "{:#}", r.body);
    // After a click it does, if it keeps the modal limits.
    let ops = fx.channel_id("ops");
    let d = alice.build_click(ops, 77, "open");
    let mut long = modal.clone();
    long["data"]["title"] = json!("t".repeat(46));
    let r = call(&fake, "POST", &cb(&d), Some(long)).await;
    assert!(r.refusal().has_path("data.title"), "{:#}", r.body);
    let r = call(&fake, "POST", &cb(&d), Some(modal)).await;
    assert_eq!(r.status, 204, "{:#}", r.body);
    fake.expect_refusal(50035);
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_with_discords_headers_and_change_nothing() {
    init_tracing();
    let config = FakeConfig {
        rate_limits: true,
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start_with(GuildFixture::default(), config).await;
    let (ops, general) = (
        fake.fixture().channel_id("ops"),
        fake.fixture().channel_id("general"),
    );
    let post = |channel: u64, n: usize| {
        let fake = fake.clone();
        async move {
            call(
                &fake,
                "POST",
                &format!("/channels/{channel}/messages"),
                Some(json!({"content": format!("#{n}")})),
            )
            .await
        }
    };
    for n in 0..5 {
        let r = post(ops, n).await;
        assert_eq!(r.status, 200, "{:#}", r.body);
        assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("5"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some((4 - n).to_string()));
        let after: f64 = r
            .header("x-ratelimit-reset-after")
            .and_then(|s| s.parse().ok())
            .expect("reset-after");
        assert!(after > 0.0 && after <= 5.0, "{after}");
        assert!(r.header("x-ratelimit-reset").is_some());
        assert!(r.header("x-ratelimit-bucket").is_some());
    }
    let r = post(ops, 5).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body["message"], "You are being rate limited.");
    assert_eq!(r.body["global"], false);
    let retry = r.body["retry_after"].as_f64().expect("retry_after");
    assert!(retry > 0.0 && retry <= 5.0, "{retry}");
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("x-ratelimit-scope").as_deref(), Some("user"));
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(
        fake.channel_messages(ops).len(),
        5,
        "the 429 posted nothing"
    );
    assert_eq!(fake.rate_limited_count(), 1);
    // Another channel has its own count; the window ends on the fake's clock.
    assert_eq!(post(general, 0).await.status, 200);
    fake.advance_clock(Duration::from_secs(5));
    assert_eq!(post(ops, 6).await.status, 200);
    // 429s of the rate limiter are counted, not reported as unexpected refusals.
    fake.assert_no_unexpected_refusals();

    // The global limit: 50 requests per second.
    fake.advance_clock(Duration::from_secs(1));
    let started = std::time::Instant::now();
    let mut answers = Vec::new();
    for _ in 0..55 {
        answers.push(call(&fake, "GET", "/users/@me", None).await);
    }
    if started.elapsed() < Duration::from_millis(900) {
        let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
        assert_eq!(limited.len(), 5, "50 pass within the second");
        assert_eq!(limited[0].body["global"], true);
        assert_eq!(
            limited[0].header("x-ratelimit-scope").as_deref(),
            Some("global")
        );
        assert_eq!(
            limited[0].header("x-ratelimit-global").as_deref(),
            Some("true")
        );
    }
}

/// Without `rate_limits`, nothing is limited and no rate-limit headers are sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_off_by_default() {
    let fake = fake().await;
    let ops = fake.fixture().channel_id("ops");
    for n in 0..8 {
        let r = call(
            &fake,
            "POST",
            &format!("/channels/{ops}/messages"),
            Some(json!({"content": format!("#{n}")})),
        )
        .await;
        assert_eq!(r.status, 200);
        assert!(r.header("x-ratelimit-limit").is_none());
    }
    assert_eq!(fake.rate_limited_count(), 0);
}
