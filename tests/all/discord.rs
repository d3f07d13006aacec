//! End to end through the real serenity/poise stack (`storeops run`'s code path) against the
//! fake Discord on 127.0.0.1, with the manual clock driving the outbox.

use std::sync::Once;
use std::time::Duration;

use serde_json::Value;
use serenity::model::event::{Event, GatewayEvent};
use storeops::adapters::discord::Bot;
use storeops::config::Config;
use storeops::message::{Mentions, Reply};
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

/// The bot running against the fake. Every test ends with [`E2e::stop`], which fails the
/// test on any request the fake refused (as Discord would) that the test did not declare with
/// `e.fake.expect_refusal(code)`; dropping an `E2e` without `stop()` fails the test too.
pub struct E2e {
    pub fake: FakeDiscord,
    pub t: TestApp,
    pub bot: Option<Bot>,
    stopped: bool,
}

impl E2e {
    pub async fn start() -> E2e {
        Self::start_with(|_| {}).await
    }

    /// Starts with the test's changes to the configuration.
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> E2e {
        Self::start_with_fake(FakeConfig::default(), change).await
    }

    /// Starts against a fake with `fake_config` (e.g. `rate_limits: true`).
    pub async fn start_with_fake(fake_config: FakeConfig, change: impl FnOnce(&mut Config)) -> E2e {
        init_tracing();
        let fake = FakeDiscord::start_with(GuildFixture::default(), fake_config).await;
        let mut config = Config::defaults();
        change(&mut config);
        config.discord.api_base = Some(fake.api_base());
        config.discord.guilds = vec![fake.fixture().guild_id];
        let t = TestApp::with_config(config).await;
        let bot = Bot::start(t.app.clone(), "test-token")
            .await
            .expect("bot starts");
        fake.wait_identified().await;
        // Discord refuses a registration with one bad command whole: the bot then has no
        // commands at all, and no user could run the flows a test drives.
        let put = fake
            .wait_registration(T)
            .await
            .unwrap_or_else(|| panic!("the bot never registered its commands within {T:?}"));
        assert_eq!(
            put.status,
            200,
            "Discord refuses the bot's command registration, so the bot has no commands:\n  {}",
            put.describe()
        );
        assert!(
            !fake.registered_commands().is_empty(),
            "commands registered"
        );
        E2e {
            fake,
            t,
            bot: Some(bot),
            stopped: false,
        }
    }

    /// A bot the test started itself (e.g. against a fake that refuses its registration).
    pub fn from_parts(fake: FakeDiscord, t: TestApp, bot: Bot) -> E2e {
        E2e {
            fake,
            t,
            bot: Some(bot),
            stopped: false,
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

    /// Stops the bot, then fails the test if the fake refused any request the test did not
    /// expect (method, path, code and `errors` tree of each).
    pub async fn stop(mut self) {
        self.stopped = true;
        if let Some(bot) = self.bot.take() {
            bot.stop().await;
        }
        self.fake.assert_no_unexpected_refusals();
    }
}

impl Drop for E2e {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The test failed on its own assertion; a refusal is often why (an answer that
            // never came, a message never posted): say so next to the failure.
            let bad = self.fake.unexpected_refusals();
            if !bad.is_empty() {
                let list: Vec<String> = bad.iter().map(|r| format!("  {}", r.describe())).collect();
                eprintln!(
                    "fake discord refused {} request(s) as Discord would:\n{}",
                    bad.len(),
                    list.join("\n")
                );
            }
            return;
        }
        if !self.stopped {
            panic!(
                "E2e dropped without stop(): end every end-to-end test with `e.stop().await` so the refusals the fake recorded are checked"
            );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_registers_every_command_within_discords_limits() {
    // Discord's limits are the fake's rules (tests/all/fake_discord/rules.rs): the bulk
    // overwrite is accepted only if every command keeps them.
    let e = E2e::start().await;
    let puts = e.fake.requests_matching("PUT /applications/");
    assert_eq!(puts.len(), 1, "one registration: {puts:#?}");
    assert_eq!(puts[0].status, 200, "{}", puts[0].describe());
    assert!(
        puts[0]
            .path
            .ends_with(&format!("/guilds/{}/commands", e.guild())),
        "registered in the configured guild: {}",
        puts[0].path
    );
    let commands = e.fake.registered_commands();
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for spec in storeops::app::spec::COMMANDS {
        assert!(names.contains(&spec.name), "/{} registered", spec.name);
    }
    // Every command and option is described in both languages.
    fn described(v: &Value, what: &str) {
        assert!(
            v["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}"
        );
        assert!(
            v["description_localizations"]["zh-CN"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{what}: zh-CN"
        );
        for o in v["options"].as_array().into_iter().flatten() {
            described(o, &format!("{what} {}", o["name"]));
        }
    }
    for c in &commands {
        described(c, &format!("/{}", c["name"]));
    }
    // One name, two meanings: each command describes its own `platform`.
    let option = |cmd: &str, sub: &str, opt: &str| -> Value {
        let c = commands.iter().find(|c| c["name"] == cmd).expect("command");
        let s = c["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == sub))
            .expect("subcommand");
        s["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == opt))
            .cloned()
            .expect("option")
    };
    let import = option("data", "import", "platform");
    assert!(
        import["description"]
            .as_str()
            .is_some_and(|d| d.contains("exported the file")),
        "{import:#}"
    );
    assert_eq!(
        import["description_localizations"]["zh-CN"],
        "文件由哪个平台导出；不填则按列名自动识别"
    );
    let complaint = option("complaint", "log", "platform");
    assert!(
        complaint["description"]
            .as_str()
            .is_some_and(|d| d.contains("order was placed")),
        "{complaint:#}"
    );
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
            retry_after_secs: 0.6,
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
    // asks for 0.6 s of Discord's (real) time: the sink waits that out before the third try,
    // so the messages of the channel keep their order.
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
    let limited_at = std::time::Instant::now();
    assert!(wait_calls(3).await, "third attempt after the 429");
    assert!(
        limited_at.elapsed() >= Duration::from_millis(550),
        "retry_after honoured: {:?}",
        limited_at.elapsed()
    );
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
    assert_eq!(
        (row.0.as_str(), row.1),
        ("sent", 2),
        "the 429 was waited out in one attempt"
    );
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

// ------------------------------------------------- scheduled and file flows, as a user drives them

fn message_id(m: &Value) -> u64 {
    m["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("message id: {m:#}"))
}

fn component_ids(m: &Value) -> Vec<String> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

impl E2e {
    /// A slash command by `user` in English, in the fixture's first channel; returns the
    /// interaction callback.
    async fn run(&self, user: u64, name: &str, sub: Option<&str>, opts: Vec<Opt>) -> Value {
        self.fake
            .user(user)
            .locale("en-US")
            .slash(name, sub, opts)
            .await
            .response()
            .await
    }
}

/// A Shopify "Sales over time" export, by day.
const SHOPIFY_SALES_CSV: &str = "Day,Orders,Gross sales,Discounts,Returns,Net sales,Shipping,Total sales\r\n\
2026-11-21,10,\"1,000.00\",-50.00,-20.00,930.00,30.00,960.00\r\n\
2026-11-22,12,\"1,200.00\",-60.00,0.00,\"1,140.00\",40.00,\"1,180.00\"\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_import_downloads_the_attachment_previews_and_stores_on_confirm() {
    let e = E2e::start().await;
    let (alice, dave) = (e.user("alice"), e.user("dave"));
    let ops = e.channel("ops");
    let h = add_shop_and_import(&e, alice, ops).await;
    // The attachment as Discord resolves it, served by the fake on its loopback address.
    let resolved = &h.payload()["data"]["resolved"]["attachments"];
    let (att_id, att) = resolved
        .as_object()
        .and_then(|o| o.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("resolved attachment");
    assert_eq!(att["filename"], "sales-2026-11.csv");
    assert_eq!(att["size"].as_u64(), Some(SHOPIFY_SALES_CSV.len() as u64));
    let url = att["url"].as_str().expect("url");
    assert!(url.starts_with(&e.fake.api_base()), "{url}");
    assert!(att["proxy_url"].is_string() && att["content_type"].is_string());

    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert!(h.is_ephemeral().await, "the preview is private: {r:#}");
    let text = embed_text(&r);
    assert!(
        text.contains("Import preview: Shopify US ← Shopify sales by day"),
        "{text}"
    );
    assert!(
        text.contains("2026-11-21") && text.contains("2026-11-22"),
        "{text}"
    );
    assert!(
        text.contains("2 new, 0 would change, 0 unchanged"),
        "{text}"
    );
    // The bot downloaded the file from the URL it was given, once.
    let downloads = e.fake.file_downloads();
    assert_eq!(downloads.len(), 1, "{downloads:#?}");
    assert_eq!(downloads[0].method, "GET");
    assert_eq!(
        downloads[0].path,
        format!("/attachments/{att_id}/sales-2026-11.csv")
    );
    assert_eq!(downloads[0].status, 200);
    let preview = h.original_message().expect("the preview message");
    let ids = component_ids(&preview);
    let confirm = ids
        .iter()
        .find(|id| id.starts_with("imp:confirm:"))
        .cloned()
        .unwrap_or_else(|| panic!("Confirm: {preview:#}"));
    assert!(
        ids.iter().any(|id| id.starts_with("imp:cancel:")),
        "Cancel: {preview:#}"
    );
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures")
        .fetch_one(&e.t.app.store.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0, "nothing is written before Confirm");

    // dave (warehouse) may not import: his click changes nothing.
    let r = e
        .fake
        .user(dave)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await
        .response()
        .await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL
    );

    // Confirm: the preview turns into the result, without buttons, and the days are stored.
    let h2 = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await;
    let r = h2.response().await;
    assert_eq!(r["type"].as_u64(), Some(7), "UPDATE_MESSAGE: {r:#}");
    assert!(
        embed_text(&r).contains("Imported 2 days into Shopify US: 2 changed."),
        "{r:#}"
    );
    let updated = e.fake.message(message_id(&preview)).expect("message");
    assert!(
        embed_text(&updated).contains("Imported 2 days"),
        "{updated:#}"
    );
    assert!(component_ids(&updated).is_empty(), "{updated:#}");
    let rows: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT day, paid_cents, source FROM daily_figures ORDER BY day")
            .fetch_all(&e.t.app.store.pool)
            .await
            .expect("rows");
    assert_eq!(
        rows.iter()
            .map(|(d, c, _)| (d.as_str(), *c))
            .collect::<Vec<_>>(),
        vec![("2026-11-21", Some(96_000)), ("2026-11-22", Some(118_000))],
        "{rows:?}"
    );
    assert!(rows.iter().all(|(_, _, s)| s == "import"), "{rows:?}");
    let r = e
        .run(
            alice,
            "data",
            Some("show"),
            vec![
                opt_str("shop", "Shopify US"),
                opt_str("from", "2026-11-21"),
                opt_str("to", "2026-11-22"),
            ],
        )
        .await;
    let text = embed_text(&r);
    assert!(text.contains("Amount paid: 2,140.00"), "{text}");
    assert!(text.contains("Paid orders: 22"), "{text}");

    // A second Confirm (a double click) imports nothing twice.
    let r = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await
        .response()
        .await;
    assert!(
        embed_text(&r).contains("expired or was already handled"),
        "{r:#}"
    );
    let (history,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures_history")
        .fetch_one(&e.t.app.store.pool)
        .await
        .expect("count");
    assert_eq!(history, 2, "each day written once");
    assert_eq!(e.fake.file_downloads().len(), 1);
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}

/// A download slower than `discord.defer_after` (50 ms here): the command is acknowledged at
/// once as deferred and private (type 5, flag 64), so Discord would not expire it, and the
/// preview arrives after it. A Confirm click that has to wait for the database (another writer
/// holds it for 400 ms) is acknowledged (type 6) and the preview message edited after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_import_is_acknowledged_first_and_answered_when_ready() {
    let e = E2e::start_with(|c| c.discord.defer_after = std::time::Duration::from_millis(50)).await;
    let alice = e.user("alice");
    let ops = e.channel("ops");
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "data",
            Some("shop"),
            vec![
                opt_str("name", "Shopify US"),
                opt_str("platform", "shopify"),
                opt_str("currency", "USD"),
            ],
        )
        .await;
    // In time, or (a busy machine) after a deferral, as a followup of its own.
    let added = wait_until(|| {
        h.original_message()
            .into_iter()
            .chain(h.followups())
            .find(|m| embed_text(m).contains("Shop Shopify US added"))
    })
    .await;
    assert!(added.is_some(), "{:#?}", e.fake.request_log());
    e.fake
        .delay_downloads(std::time::Duration::from_millis(400));
    let h = import_shopify_sales(&e, alice, ops).await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(5), "deferred first: {r:#}");
    assert_eq!(
        r["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL,
        "{r:#}"
    );
    // The answer: the deferred message becomes the preview (or a followup carries it).
    let preview = wait_until(|| {
        h.original_message()
            .filter(|m| embed_text(m).contains("Import preview"))
            .or_else(|| {
                h.followups()
                    .into_iter()
                    .find(|m| embed_text(m).contains("Import preview"))
            })
    })
    .await
    .unwrap_or_else(|| panic!("no preview; requests: {:#?}", e.fake.request_log()));
    let text = embed_text(&preview);
    assert!(
        text.contains("2 new, 0 would change, 0 unchanged"),
        "{text}"
    );
    let confirm = component_ids(&preview)
        .into_iter()
        .find(|id| id.starts_with("imp:confirm:"))
        .unwrap_or_else(|| panic!("Confirm: {preview:#}"));
    let writer = lock_database_for(&e, std::time::Duration::from_millis(400)).await;
    let click = e
        .fake
        .user(alice)
        .locale("en-US")
        .click(ops, message_id(&preview), &confirm)
        .await;
    let r = click.response().await;
    assert_eq!(r["type"].as_u64(), Some(6), "acknowledged first: {r:#}");
    writer.await.expect("the other writer commits");
    let done = wait_until(|| {
        e.fake
            .message(message_id(&preview))
            .filter(|m| embed_text(m).contains("Imported 2 days into Shopify US"))
    })
    .await
    .unwrap_or_else(|| panic!("preview not edited; requests: {:#?}", e.fake.request_log()));
    assert!(component_ids(&done).is_empty(), "{done:#}");
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM daily_figures")
        .fetch_one(&e.t.app.store.pool)
        .await
        .expect("count");
    assert_eq!(stored, 2);
    e.stop().await;
}

/// alice adds the Shopify US shop and starts `/data import` of [`SHOPIFY_SALES_CSV`] in `ops`.
async fn add_shop_and_import(e: &E2e, alice: u64, ops: u64) -> InteractionHandle {
    let r = e
        .run(
            alice,
            "data",
            Some("shop"),
            vec![
                opt_str("name", "Shopify US"),
                opt_str("platform", "shopify"),
                opt_str("currency", "USD"),
            ],
        )
        .await;
    assert!(embed_text(&r).contains("Shop Shopify US added"), "{r:#}");
    import_shopify_sales(e, alice, ops).await
}

/// `/data import` of [`SHOPIFY_SALES_CSV`] into Shopify US, by alice in `ops`.
async fn import_shopify_sales(e: &E2e, alice: u64, ops: u64) -> InteractionHandle {
    e.fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "data",
            Some("import"),
            vec![
                opt_attachment("file", "sales-2026-11.csv", SHOPIFY_SALES_CSV),
                opt_str("shop", "Shopify US"),
            ],
        )
        .await
}

/// Polls `f` (real time, up to 10 s) until it gives a value: for the bot's own work, never for
/// a schedule.
async fn wait_until<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Autocomplete through the real front-end: typing a deadline shows when it falls (in the
/// guild's time zone) and typing part of a title in `/task done id` offers that task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_previews_deadlines_and_finds_tasks_by_title() {
    let e = E2e::start().await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let ops = e.channel("ops");
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .autocomplete(
            "task",
            Some("assign"),
            vec![opt_str("title", "Restock")],
            opt_str("due", "tomorrow 17:00"),
        )
        .await;
    assert_eq!(h.response_type().await, 8);
    let choices = h.autocomplete_choices().await;
    assert_eq!(choices.len(), 1, "{choices:#?}");
    assert_eq!(choices[0]["value"], "tomorrow 17:00");
    let name = choices[0]["name"].as_str().unwrap_or_default();
    assert!(name.contains("17:00") && name.contains('('), "{name}");

    let r = e
        .run(
            alice,
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Update the weekend banner"),
                opt_str("due", "in 5h"),
                opt_user("user", bob),
            ],
        )
        .await;
    assert!(embed_text(&r).contains("New task #1"), "{r:#}");
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .channel(ops)
        .autocomplete("task", Some("done"), vec![], opt_str("id", "banner"))
        .await;
    let choices = h.autocomplete_choices().await;
    assert!(
        choices.iter().any(|c| c["value"] == "1"
            && c["name"].as_str().unwrap_or_default().contains("banner")),
        "{choices:#?}"
    );
    e.stop().await;
}

/// A slow command whose answer is public: acknowledged privately at once, then the private
/// acknowledgement becomes a short note and the answer is posted for everyone as a new message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_public_answer_is_still_posted_for_everyone() {
    let e = E2e::start_with(|c| c.discord.defer_after = std::time::Duration::from_millis(50)).await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let ops = e.channel("ops");
    // Another writer holds the database: the assignment has to wait for it.
    let writer = lock_database_for(&e, std::time::Duration::from_millis(400)).await;
    let h = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Restock the warehouse"),
                opt_str("due", "in 3h"),
                opt_user("user", bob),
            ],
        )
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(5), "{r:#}");
    let followups = h
        .wait_followups(2, std::time::Duration::from_secs(10))
        .await;
    assert_eq!(followups.len(), 2, "{:#?}", e.fake.request_log());
    let (note, answer) = (&followups[0], &followups[1]);
    assert!(is_ephemeral(note), "{note:#}");
    assert!(embed_text(note).contains("posted below"), "{note:#}");
    assert!(!is_ephemeral(answer), "{answer:#}");
    assert!(embed_text(answer).contains("New task #1"), "{answer:#}");
    writer.await.expect("the other writer commits");
    e.stop().await;
}

/// Takes the database's write lock on a connection of its own (as another process would) and
/// releases it after `hold`: whatever the bot writes meanwhile waits (busy timeout).
async fn lock_database_for(e: &E2e, hold: std::time::Duration) -> tokio::task::JoinHandle<()> {
    use sqlx::Connection;
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&e.t.app.config.database.path);
    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .expect("write lock");
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        sqlx::query("COMMIT")
            .execute(&mut conn)
            .await
            .expect("commit");
    })
}

/// Discord limits posting to one channel (the fake, opted in: 5 messages per window per
/// channel, its headers on every answer; here a 300 ms window, so the burst takes little real
/// time — the bot learns the window only from the headers) and counts 429s against an
/// invalid-request limit of 10,000 per 10 minutes, past which the bot's address is banned for
/// a while (<https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans>).
/// A burst of 12 reminders to one channel is delivered, each exactly once and in order, and
/// the bot waits when `X-RateLimit-Remaining` says 0 instead of learning from a 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_to_one_channel_keeps_to_discords_rate_limit() {
    let fake_config = FakeConfig {
        rate_limits: true,
        channel_window: Duration::from_millis(300),
        ..FakeConfig::default()
    };
    let e = E2e::start_with_fake(fake_config, |_| {}).await;
    let ops = e.channel("ops");
    let want: Vec<String> = (0..12).map(|i| format!("Burst {i}")).collect();
    for (i, title) in want.iter().enumerate() {
        e.enqueue(
            &format!("e2e:burst:{i}"),
            Target::Channel(ops),
            Reply::titled(title.clone()),
            chrono::Duration::zero(),
        )
        .await;
    }
    let titles = || -> Vec<String> {
        e.fake
            .channel_messages(ops)
            .iter()
            .map(|m| embed(m)["title"].as_str().unwrap_or_default().to_string())
            .filter(|t| t.starts_with("Burst"))
            .collect()
    };
    // Real time: Discord's windows run on its clock, not the bot's schedule.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while titles().len() < 12 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(titles(), want, "every reminder delivered once, in order");
    let limited = e.fake.rate_limited_count();
    assert_eq!(
        limited, 0,
        "the bot caused {limited} 429s: it should wait when X-RateLimit-Remaining is 0"
    );
    e.stop().await;
}

/// 500 reminders due at once across 5 channels, with Discord's limits on (per channel 5 per
/// window, here 100 ms; globally 500 a second, and the bot told so): all delivered once, in
/// order per channel, and the bot causes at most 5 429s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_reminders_across_five_channels_keep_to_the_rate_limits() {
    let fake_config = FakeConfig {
        rate_limits: true,
        channel_window: Duration::from_millis(100),
        global_limit: 500,
        ..FakeConfig::default()
    };
    let mut fixture_channels = Vec::new();
    let e = E2e::start_with_fake(fake_config, |c| {
        c.discord.global_requests_per_second = 500;
    })
    .await;
    for name in ["general", "ops", "escalations", "summary"] {
        fixture_channels.push(e.channel(name));
    }
    // The fifth: the bot's DM with dave (a channel of its own, opened on the first send).
    let dave = e.user("dave");
    let targets: Vec<Target> = fixture_channels
        .iter()
        .map(|c| Target::Channel(*c))
        .chain(std::iter::once(Target::User(dave)))
        .collect();
    let mut want: std::collections::HashMap<Target, Vec<String>> = Default::default();
    for i in 0..500 {
        let target = targets[i % targets.len()];
        let title = format!("Reminder {i:03}");
        want.entry(target).or_default().push(title.clone());
        e.enqueue(
            &format!("e2e:many:{i}"),
            target,
            Reply::titled(title),
            chrono::Duration::zero(),
        )
        .await;
    }
    let got = |target: &Target| -> Vec<String> {
        let channel = match target {
            Target::Channel(c) => Some(*c),
            Target::User(u) => e.fake.dm_channel_of(*u),
        };
        channel
            .map(|c| e.fake.channel_messages(c))
            .unwrap_or_default()
            .iter()
            .map(|m| embed(m)["title"].as_str().unwrap_or_default().to_string())
            .filter(|t| t.starts_with("Reminder"))
            .collect()
    };
    let delivered = || targets.iter().map(|t| got(t).len()).sum::<usize>();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while delivered() < 500 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for t in &targets {
        assert_eq!(got(t), want[t], "{t:?}: once each, in order");
    }
    let limited = e.fake.rate_limited_count();
    assert!(limited <= 5, "the bot caused {limited} 429s");
    e.stop().await;
}
