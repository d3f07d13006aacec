//! The bot running against the fake Discord on 127.0.0.1 (`storeops run`'s code path, the
//! real serenity/poise stack) with the manual clock driving the outbox, and reading what
//! Discord got: embeds, buttons, message ids.

use std::sync::Once;
use std::time::Duration;

use serde_json::Value;
use serenity::model::event::{Event, GatewayEvent};
use sqlx::SqlitePool;
use storeops::adapters::discord::Bot;
use storeops::config::Config;
use storeops::message::Reply;
use storeops::store::outbox::{self, NewMessage, Target};

use super::store::Db;
use super::{PATIENCE, TestApp};
use crate::fake_discord::*;

/// Real-time bound for the bot's quick work (coming up, answering, posting a due message);
/// [`PATIENCE`] is for slower background work.
pub const T: Duration = Duration::from_secs(10);

/// Logs of the bot and the fake, once per test binary (`RUST_LOG` picks the level; warn by
/// default).
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
    /// The bot on the shipped configuration against a fake with the default guild.
    pub async fn start() -> E2e {
        Self::start_with(|_| {}).await
    }

    /// Starts with the test's changes to the configuration.
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> E2e {
        Self::start_with_fake(FakeConfig::default(), change).await
    }

    /// Starts against a fake with `fake_config` (e.g. `rate_limits: true`).
    pub async fn start_with_fake(fake_config: FakeConfig, change: impl FnOnce(&mut Config)) -> E2e {
        Self::start_on(GuildFixture::default(), fake_config, change).await
    }

    /// Starts against a fake serving `fixture` (e.g. a guild where the bot lacks a permission).
    pub async fn start_on(
        fixture: GuildFixture,
        fake_config: FakeConfig,
        change: impl FnOnce(&mut Config),
    ) -> E2e {
        init_tracing();
        let fake = FakeDiscord::start_with(fixture, fake_config).await;
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

    /// The id of the fixture's member `name` (alice, bob, carol, dave).
    pub fn user(&self, name: &str) -> u64 {
        self.fake.fixture().user_id(name)
    }

    /// The id of the fixture's channel `name` (general, ops, escalations, summary).
    pub fn channel(&self, name: &str) -> u64 {
        self.fake.fixture().channel_id(name)
    }

    /// The fixture's guild id.
    pub fn guild(&self) -> u64 {
        self.fake.fixture().guild_id
    }

    /// A slash command by `user` in English, in the fixture's first channel; returns the
    /// interaction callback.
    pub async fn run(&self, user: u64, name: &str, sub: Option<&str>, opts: Vec<Opt>) -> Value {
        self.fake
            .user(user)
            .locale("en-US")
            .slash(name, sub, opts)
            .await
            .response()
            .await
    }

    /// `/setup` with `opts` by `admin` (a manager) in English; checks the settings were saved.
    pub async fn setup(&self, admin: u64, opts: Vec<Opt>) {
        let r = self.run(admin, "setup", None, opts).await;
        assert!(embed_text(&r).contains("Settings saved"), "{r:#}");
    }

    /// `/data shop` by `user` in English, adding a shop; checks it was added.
    pub async fn add_shop(&self, user: u64, name: &str, platform: &str, currency: &str) {
        let r = self
            .run(
                user,
                "data",
                Some("shop"),
                shop_options(name, platform, currency),
            )
            .await;
        assert!(
            embed_text(&r).contains(&format!("Shop {name} added")),
            "{r:#}"
        );
    }

    /// Waits until the guild's next summary is planned for `at` (RFC 3339): `/setup` wakes the
    /// dispatcher, whose jobs plan it.
    pub async fn wait_summary_planned(&self, at: &str) {
        let at = storeops::store::ms(at.parse().expect("instant"));
        let sql = format!(
            "SELECT COALESCE(MAX(next_summary_at), -1) FROM summary_schedule WHERE guild_id = {}",
            self.guild()
        );
        assert_eq!(wait_db(self, &sql, at).await, at, "{sql}");
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

impl Db for E2e {
    fn pool(&self) -> &SqlitePool {
        &self.t.app.store.pool
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

/// An embed's title, description and fields as text: what a person reads.
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

/// The option a user picks from a choice list: Discord sends the choice's value, which poise
/// registers as the index into the command table's choices.
pub fn choice(path: &[&str], option: &str, value: &str) -> Opt {
    let spec = storeops::app::spec::CommandSpec::find(path)
        .and_then(|c| c.option(option))
        .unwrap_or_else(|| panic!("/{} has no option {option}", path.join(" ")));
    let index = spec
        .choices
        .iter()
        .position(|c| *c == value)
        .unwrap_or_else(|| panic!("{option}: no choice {value}; have {:?}", spec.choices));
    opt_int(option, index as i64)
}

/// The options of `/data shop` that add a shop.
pub fn shop_options(name: &str, platform: &str, currency: &str) -> Vec<Opt> {
    vec![
        opt_str("name", name),
        opt_str("platform", platform),
        opt_str("currency", currency),
    ]
}

/// A message's id (Discord sends it as a string), for clicking its buttons.
pub fn message_id(m: &Value) -> u64 {
    m["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("message id: {m:#}"))
}

/// The custom ids of a message's buttons (or a modal's inputs), row after row.
pub fn component_ids(m: &Value) -> Vec<String> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// Waits (real time, polling) until a query on the bot's database answers `want`: for work
/// the dispatcher does on its own when woken, never for a schedule (move the clock for that).
pub async fn wait_db(e: &E2e, sql: &str, want: i64) -> i64 {
    let mut got = -1;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        got = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(e.pool())
            .await
            .map(|r| r.0)
            .unwrap_or(-1);
        if got == want {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    got
}

/// Takes the database's write lock on a connection of its own (as another process would) and
/// releases it after `hold`: whatever the bot writes meanwhile waits (busy timeout).
pub async fn lock_database_for(e: &E2e, hold: std::time::Duration) -> tokio::task::JoinHandle<()> {
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
