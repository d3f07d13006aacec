//! End to end through the real serenity/poise stack (`storeops run`'s code path) against the
//! fake Discord on 127.0.0.1, with the manual clock driving the outbox.

use std::sync::Once;
use std::time::Duration;

use serde_json::Value;
use serenity::model::event::{Event, GatewayEvent};
use storeops::adapters::discord::Bot;
use storeops::app::reply::{Mentions, Reply};
use storeops::config::Config;
use storeops::store::outbox::{self, NewMessage, Target};

use crate::fake_discord::*;
use crate::support::TestApp;

pub const T: Duration = Duration::from_secs(10);

pub fn init_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_test_writer()
            .try_init();
    });
}

/// Every frame the fake sent deserializes as a serenity event, none as `Unknown` (how serenity
/// silently drops a payload missing a field).
pub fn assert_frames_known(fake: &FakeDiscord) {
    for f in fake.gateway_sent() {
        let ev: GatewayEvent =
            serde_json::from_value(f.clone()).unwrap_or_else(|e| panic!("frame: {e}\n{f:#}"));
        if let GatewayEvent::Dispatch(_, Event::Unknown(u)) = ev {
            panic!("serenity treats {} as Unknown: {:#}", u.kind, f);
        }
    }
}

/// The bot running against the fake.
pub struct E2e {
    pub fake: FakeDiscord,
    pub t: TestApp,
    pub bot: Option<Bot>,
}

impl E2e {
    pub async fn start() -> E2e {
        init_tracing();
        let fake = FakeDiscord::start(GuildFixture::default()).await;
        let mut config = Config::defaults();
        config.discord.api_base = Some(fake.api_base());
        config.discord.guilds = vec![fake.fixture().guild_id];
        let t = TestApp::with_config(config).await;
        let bot = Bot::start(t.app.clone(), "test-token")
            .await
            .expect("bot starts");
        fake.wait_identified().await;
        let commands = fake.wait_registered_commands(T).await;
        assert!(!commands.is_empty(), "commands registered");
        E2e {
            fake,
            t,
            bot: Some(bot),
        }
    }

    pub fn user(&self, name: &str) -> u64 {
        self.fake.fixture().user_id(name)
    }

    pub fn channel(&self, name: &str) -> u64 {
        self.fake.fixture().channel_id(name)
    }

    pub fn guild(&self) -> u64 {
        self.fake.fixture().guild_id
    }

    /// Queues an outbound message and wakes the dispatcher.
    pub async fn enqueue(&self, key: &str, target: Target, reply: Reply, due_in: chrono::Duration) {
        let now = self.t.clock_now();
        let mut conn = self.t.app.store.pool.acquire().await.expect("conn");
        let msg = NewMessage {
            guild_id: self.guild(),
            dedupe_key: key.into(),
            source: format!("test:{key}"),
            target,
            reply,
            due_at: now + due_in,
        };
        outbox::enqueue(&mut conn, &msg, now)
            .await
            .expect("enqueue");
        self.t.app.outbox_wake.notify_one();
    }

    pub async fn stop(mut self) {
        if let Some(bot) = self.bot.take() {
            bot.stop().await;
        }
    }
}

/// The embed of an interaction callback or a message.
pub fn embed(v: &Value) -> &Value {
    let data = if v.get("data").is_some() {
        &v["data"]
    } else {
        v
    };
    &data["embeds"][0]
}

pub fn embed_text(v: &Value) -> String {
    let e = embed(v);
    let mut s = format!(
        "{}\n{}\n",
        e["title"].as_str().unwrap_or(""),
        e["description"].as_str().unwrap_or("")
    );
    for f in e["fields"].as_array().cloned().unwrap_or_default() {
        s.push_str(&format!(
            "{}: {}\n",
            f["name"].as_str().unwrap_or(""),
            f["value"].as_str().unwrap_or("")
        ));
    }
    s
}

fn check_name(name: &str) {
    assert!(
        !name.is_empty() && name.chars().count() <= 32,
        "name length: {name}"
    );
    assert!(
        name.chars().all(|c| c.is_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || c == '_'
            || !c.is_alphabetic()),
        "name must be lowercase: {name}"
    );
}

fn check_description(d: &Value, what: &str) {
    let s = d
        .as_str()
        .unwrap_or_else(|| panic!("{what}: description missing"));
    let n = s.chars().count();
    assert!(
        (1..=100).contains(&n),
        "{what}: description of {n} chars: {s}"
    );
}

fn check_localizations(v: &Value, what: &str) {
    let zh = &v["description_localizations"]["zh-CN"];
    check_description(zh, &format!("{what} (zh-CN)"));
}

fn check_options(options: &[Value], what: &str) {
    assert!(options.len() <= 25, "{what}: {} options", options.len());
    for o in options {
        let name = o["name"].as_str().expect("option name");
        check_name(name);
        check_description(&o["description"], &format!("{what} {name}"));
        check_localizations(o, &format!("{what} {name}"));
        let choices = o["choices"].as_array().cloned().unwrap_or_default();
        assert!(choices.len() <= 25, "{what} {name}: too many choices");
        for c in &choices {
            let n = c["name"].as_str().expect("choice name").chars().count();
            assert!((1..=100).contains(&n));
        }
        if let Some(sub) = o["options"].as_array() {
            check_options(sub, &format!("{what} {name}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_registers_every_command_within_discords_limits() {
    let e = E2e::start().await;
    let commands = e.fake.registered_commands();
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for spec in storeops::app::spec::COMMANDS {
        assert!(names.contains(&spec.name), "/{} registered", spec.name);
    }
    assert!(commands.len() <= 100);
    for c in &commands {
        let name = c["name"].as_str().expect("name");
        check_name(name);
        check_description(&c["description"], name);
        check_localizations(c, name);
        check_options(
            c["options"].as_array().map(Vec::as_slice).unwrap_or(&[]),
            name,
        );
    }
    assert_frames_known(&e.fake);
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_answer_in_the_users_language_and_check_permissions() {
    let e = E2e::start().await;
    let bob = e.user("bob");
    let r = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash("status", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("storeops status"), "{r:#}");

    let r = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .slash("status", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("storeops 状态"), "{r:#}");

    // bob is customer service, not a manager: /setup is refused, privately, and nothing changes.
    let r = e
        .fake
        .user(bob)
        .locale("en-US")
        .slash("setup", None, vec![opt_str("timezone", "Europe/Berlin")])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("Only managers"), "{r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral"
    );
    assert_eq!(
        e.t.app.guild(e.guild()).await.expect("guild").timezone,
        chrono_tz::Asia::Shanghai
    );

    // alice owns the server (administrator): she may, and her reply is in Chinese.
    let alice = e.user("alice");
    let r = e
        .fake
        .user(alice)
        .locale("zh-CN")
        .slash("setup", None, vec![opt_str("timezone", "Europe/Berlin")])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("设置已保存"), "{r:#}");
    assert_eq!(
        e.t.app.guild(e.guild()).await.expect("guild").timezone,
        chrono_tz::Europe::Berlin
    );
    assert!(
        e.fake.unknown_requests().is_empty(),
        "{:#?}",
        e.fake.unknown_requests()
    );
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_messages_ping_exactly_who_they_mean_with_a_nonce() {
    let e = E2e::start().await;
    let ops = e.channel("ops");
    let bob = e.user("bob");
    let mut reply = Reply::titled("Reminder: @everyone <@&3001> check stock");
    reply.lines.push("Typed by a user: @here <@4001>".into());
    reply.mentions = Mentions::user(bob);
    e.enqueue(
        "e2e:mentions",
        Target::Channel(ops),
        reply,
        chrono::Duration::minutes(5),
    )
    .await;

    // Not yet due: nothing is sent.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(e.fake.channel_messages(ops).is_empty());

    e.t.clock.advance(chrono::Duration::minutes(5));
    let m = e
        .fake
        .wait_message(ops, |m| embed_text(m).contains("check stock"), T)
        .await
        .expect("the reminder is posted when the manual clock reaches its due time");
    let req = e
        .fake
        .requests_matching(&format!("POST /channels/{ops}/messages"));
    let body = req.last().and_then(|r| r.body.clone()).expect("body");
    assert_eq!(
        body["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "{body:#}"
    );
    assert_eq!(
        body["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{body:#}"
    );
    assert!(
        body["allowed_mentions"]["roles"]
            .as_array()
            .map(Vec::is_empty)
            .unwrap_or(true),
        "{body:#}"
    );
    assert_eq!(m["content"].as_str(), Some(format!("<@{bob}>").as_str()));
    assert_eq!(body["enforce_nonce"], Value::Bool(true));
    let nonce = body["nonce"].as_str().expect("nonce");
    assert!(nonce.len() <= 25);
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_send_is_retried_and_delivered_once() {
    let e = E2e::start().await;
    let ops = e.channel("ops");
    e.fake
        .fail_next_rest(1, Fault::Status(500), FaultScope::MessageSend);
    e.fake.fail_next_rest(
        1,
        Fault::RateLimited {
            retry_after_secs: 30.0,
        },
        FaultScope::MessageSend,
    );
    e.enqueue(
        "e2e:retry",
        Target::Channel(ops),
        Reply::titled("Retry me"),
        chrono::Duration::zero(),
    )
    .await;

    // The 500 is retried after a backoff of about a second on the manual clock, then the 429
    // asks for 30 s: before that nothing more is tried.
    let wait_calls = |n: usize| {
        let fake = e.fake.clone();
        async move {
            for _ in 0..200 {
                if fake
                    .requests_matching(&format!("POST /channels/{ops}/messages"))
                    .len()
                    >= n
                {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            false
        }
    };
    assert!(wait_calls(1).await, "first attempt");
    e.t.clock.advance(chrono::Duration::seconds(2));
    assert!(wait_calls(2).await, "second attempt after the 500");
    e.t.clock.advance(chrono::Duration::seconds(20));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        e.fake
            .requests_matching(&format!("POST /channels/{ops}/messages"))
            .len(),
        2,
        "retry_after honoured"
    );
    e.t.clock.advance(chrono::Duration::seconds(15));
    e.fake
        .wait_message(ops, |m| embed_text(m).contains("Retry me"), T)
        .await
        .expect("delivered");
    assert_eq!(e.fake.channel_messages(ops).len(), 1, "exactly one message");
    // The row is recorded just after the message is posted.
    let mut row = (String::new(), 0);
    for _ in 0..200 {
        let mut conn = e.t.app.store.pool.acquire().await.expect("conn");
        row = sqlx::query_as("SELECT state, attempts FROM outbox WHERE dedupe_key = 'e2e:retry'")
            .fetch_one(&mut *conn)
            .await
            .expect("row");
        if row.0 == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!((row.0.as_str(), row.1), ("sent", 3));
    e.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_is_resumed_and_commands_keep_working() {
    let e = E2e::start().await;
    assert!(e.fake.drop_gateway().await);
    e.fake.wait_resumed(1).await;
    let r = e
        .fake
        .user(e.user("carol"))
        .locale("en-US")
        .slash("help", None, vec![])
        .await
        .response()
        .await;
    assert!(embed_text(&r).contains("/status"), "{r:#}");
    assert_eq!(e.fake.identify_count(), 1, "resumed, not re-identified");
    e.stop().await;
}
