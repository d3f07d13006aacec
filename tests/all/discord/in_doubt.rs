//! Sends whose outcome was lost, against the fake Discord with the bot's own Discord sink
//! (issue #20): a message Discord posted but whose answer never came back (the process died,
//! or the request timed out) is found by reading the channel back after Discord's nonce window
//! and recorded with its message id, with no second post; one whose request never arrived is
//! posted once. The kill test (`outbox/kill.rs`) does the same with the real binary and
//! SIGKILL.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use storeops::adapters::discord::sink::DiscordSink;
use storeops::clock::Clock;
use storeops::outbox::Dispatcher;
use storeops::outbox::reconcile::NONCE_TRUSTED;
use storeops::store::outbox::Target;

use crate::fake_discord::{FakeDiscord, Fault, FaultScope, GuildFixture, NONCE_WINDOW};
use crate::support::outbox::{enqueue_all, message};
use crate::support::store::outbox_row;
use crate::support::{PATIENCE, TestApp, eventually};

/// A Discord sink on the fake whose requests give up after `timeout`.
fn sink(fake: &FakeDiscord, timeout: StdDuration) -> Arc<DiscordSink> {
    let client = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
        .expect("client");
    Arc::new(DiscordSink::new(
        Arc::new(fake.http("Bot test-token")),
        client,
        50,
    ))
}

fn posts(fake: &FakeDiscord, channel: u64) -> usize {
    fake.requests_matching(&format!("POST /channels/{channel}/messages"))
        .len()
}

fn reads(fake: &FakeDiscord, channel: u64) -> usize {
    fake.requests_matching(&format!("GET /channels/{channel}/messages"))
        .len()
}

/// The id of the one message a channel shows.
fn only_message_id(fake: &FakeDiscord, channel: u64) -> String {
    let shown = fake.channel_messages(channel);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    shown[0]["id"].as_str().expect("id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_and_the_nonce_window_a_posted_message_is_recorded_and_a_lost_one_sent_once()
{
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let guild = fake.fixture().guild_id;
    let (posted_ch, lost_ch) = (2001_u64, 2002_u64);
    let t = TestApp::quiet().await;
    let now = t.clock.now();
    enqueue_all(
        &t.app,
        &[
            message(
                guild,
                "doubt:posted",
                "doubt",
                Target::Channel(posted_ch),
                now,
            ),
            message(guild, "doubt:lost", "doubt", Target::Channel(lost_ch), now),
        ],
    )
    .await;
    // Discord posts the first and its answer is lost; the second request never arrives.
    fake.fail_next_rest(
        1,
        Fault::AnswerLost,
        FaultScope::Matching(format!("POST /channels/{posted_ch}/messages")),
    );
    fake.fail_next_rest(
        1,
        Fault::Hang,
        FaultScope::Matching(format!("POST /channels/{lost_ch}/messages")),
    );
    let first = Arc::new(
        Dispatcher::new(&t.app, sink(&fake, StdDuration::from_secs(60))).with_owner("process-1"),
    );
    let pass = tokio::spawn({
        let first = first.clone();
        async move { first.run_due().await }
    });
    assert!(
        eventually(PATIENCE, || posts(&fake, posted_ch) + posts(&fake, lost_ch)
            == 2)
        .await,
        "both requests reach Discord"
    );
    assert_eq!(fake.channel_messages(posted_ch).len(), 1);
    assert_eq!(fake.channel_messages(lost_ch).len(), 0);
    // The process dies with both sends in flight.
    pass.abort();
    let _ = pass.await;
    drop(first);

    // It comes back after its lease and after Discord's nonce window.
    let app = t.restart().await;
    fake.advance_clock(NONCE_WINDOW + StdDuration::from_secs(1));
    t.clock.advance(app.config.outbox.lease);
    let second =
        Dispatcher::new(&app, sink(&fake, StdDuration::from_secs(5))).with_owner("process-2");
    let s = second.run_due().await.expect("pass");
    assert_eq!(s.sent, 2, "{s:?}");

    // Found, recorded with Discord's id, not posted again.
    let id = only_message_id(&fake, posted_ch);
    assert_eq!(posts(&fake, posted_ch), 1);
    let r = outbox_row(&app, "doubt:posted").await;
    assert_eq!(r.state, "sent");
    assert_eq!(r.platform_message_id.as_deref(), Some(id.as_str()));
    // Not there: posted once.
    let id = only_message_id(&fake, lost_ch);
    assert_eq!(posts(&fake, lost_ch), 2);
    assert_eq!(
        outbox_row(&app, "doubt:lost").await.platform_message_id,
        Some(id)
    );
    // One read of each channel.
    assert_eq!((reads(&fake, posted_ch), reads(&fake, lost_ch)), (1, 1));
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_timed_out_after_discord_posted_it_is_found_on_the_retry_and_shows_once() {
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let guild = fake.fixture().guild_id;
    let ch = 2003_u64;
    let t = TestApp::quiet().await;
    let now = t.clock.now();
    enqueue_all(
        &t.app,
        &[message(
            guild,
            "doubt:timeout",
            "doubt",
            Target::Channel(ch),
            now,
        )],
    )
    .await;
    fake.fail_next_rest(
        1,
        Fault::AnswerLost,
        FaultScope::Matching(format!("POST /channels/{ch}/messages")),
    );
    let d = Dispatcher::new(&t.app, sink(&fake, StdDuration::from_millis(800))).with_owner("p");
    let s = d.run_due().await.expect("pass");
    assert_eq!(s.retried, 1, "{s:?}");
    assert_eq!(fake.channel_messages(ch).len(), 1, "Discord did post it");
    assert_eq!(reads(&fake, ch), 0, "a first attempt reads nothing");

    // The retry comes after Discord's nonce window (a long backoff, or 429s meanwhile).
    fake.advance_clock(NONCE_WINDOW + StdDuration::from_secs(1));
    t.clock
        .advance(NONCE_TRUSTED + t.app.config.outbox.backoff_max);
    let s = d.run_due().await.expect("pass");
    assert_eq!(s.sent, 1, "{s:?}");
    let id = only_message_id(&fake, ch);
    assert_eq!(posts(&fake, ch), 1);
    assert_eq!(reads(&fake, ch), 1);
    assert_eq!(
        outbox_row(&t.app, "doubt:timeout")
            .await
            .platform_message_id,
        Some(id)
    );
    fake.assert_no_unexpected_refusals();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_read_message_history_a_row_in_doubt_is_sent_unchecked_and_status_says_why() {
    use crate::fake_discord::history::READ_MESSAGE_HISTORY;
    use crate::fake_discord::{DEFAULT_EVERYONE_PERMISSIONS, FakeConfig};
    use crate::support::e2e::E2e;

    let fixture = GuildFixture {
        everyone_permissions: DEFAULT_EVERYONE_PERMISSIONS & !READ_MESSAGE_HISTORY,
        ..GuildFixture::default()
    };
    let e = E2e::start_on(fixture, FakeConfig::default(), |_| {}).await;
    let guild = serenity::model::id::GuildId::new(e.guild());
    let cache = e.bot.as_ref().expect("bot").cache.clone();
    assert!(
        eventually(PATIENCE, || cache.guild(guild).is_some()).await,
        "the guild arrives on the gateway"
    );

    // A row in doubt: an attempt began five minutes ago and its outcome was lost.
    let ch = e.channel("ops");
    let key = "doubt:no-history";
    e.enqueue(
        key,
        Target::Channel(ch),
        storeops::message::Reply::titled("Restock list"),
        chrono::Duration::hours(1),
    )
    .await;
    let now = e.t.clock.now();
    sqlx::query(
        "UPDATE outbox_state SET available_at = ?1, send_started_at = ?2
         WHERE id = (SELECT id FROM outbox_message WHERE dedupe_key = ?3)",
    )
    .bind(storeops::store::ms(now))
    .bind(storeops::store::ms(now - chrono::Duration::minutes(5)))
    .bind(key)
    .execute(&e.t.app.store.pool)
    .await
    .expect("in doubt");
    e.t.app.outbox_wake.notify_one();
    let shown = e
        .fake
        .wait_message(ch, |m| m["embeds"][0]["title"] == "Restock list", PATIENCE)
        .await;
    assert!(shown.is_some(), "sent, unchecked");

    // Discord would have answered the read with nothing: the bot knew, did not read, and says
    // why in /status.
    assert_eq!(reads(&e.fake, ch), 0);
    assert!(
        eventually(PATIENCE, || !e.t.app.health.history_troubles().is_empty()).await,
        "reported"
    );
    let trouble = &e.t.app.health.history_troubles()[0];
    assert!(trouble.refused, "{trouble:?}");
    assert!(
        trouble.error.contains("Read Message History"),
        "{trouble:?}"
    );
    e.stop().await;
}
