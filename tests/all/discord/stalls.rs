//! A Discord that never answers one channel (issue #20): every request has a timeout, so the
//! other channel's messages go out and are recorded while the stuck one is still waiting, and
//! the stuck message is retried (same nonce) after the timeout and shows once when the channel
//! answers again.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use storeops::adapters::discord::sink::DiscordSink;
use storeops::clock::Clock;
use storeops::outbox::Dispatcher;
use storeops::store::outbox::{NewMessage, Target};

use crate::fake_discord::{FakeDiscord, Fault, FaultScope, GuildFixture};
use crate::support::outbox::{enqueue_all, message};
use crate::support::store::outbox_row;
use crate::support::{PATIENCE, TestApp};

/// The request timeout of this test: short, so the test does not wait long for it.
const TIMEOUT: StdDuration = StdDuration::from_millis(1500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_that_never_answers_holds_up_no_other_channel_and_is_retried_after_the_timeout() {
    let fake = FakeDiscord::start(GuildFixture::default()).await;
    let guild = fake.fixture().guild_id;
    let (ok_ch, stuck_ch) = (2001_u64, 2002_u64);
    let t = TestApp::quiet().await;
    let now = t.clock.now();
    let msgs: Vec<NewMessage> = (0..6)
        .map(|i| {
            let ch = if i < 3 { stuck_ch } else { ok_ch };
            message(
                guild,
                &format!("stall:{i}"),
                "stall",
                Target::Channel(ch),
                now - Duration::seconds(10 - i),
            )
        })
        .collect();
    enqueue_all(&t.app, &msgs).await;
    fake.fail_next_rest(
        1,
        Fault::Hang,
        FaultScope::Matching(format!("POST /channels/{stuck_ch}/messages")),
    );

    let client = reqwest::Client::builder()
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT)
        .build()
        .expect("client");
    let http = Arc::new(fake.http("Bot test-token"));
    let sink = Arc::new(DiscordSink::new(http, client, 50));
    let d = Arc::new(Dispatcher::new(&t.app, sink).with_owner("p"));
    let pass = tokio::spawn({
        let d = d.clone();
        async move { d.run_due().await }
    });

    // The other channel's three go out and are recorded while the stuck request waits.
    let recorded = tokio::time::timeout(PATIENCE, async {
        loop {
            let mut all = true;
            for i in 3..6 {
                all &= outbox_row(&t.app, &format!("stall:{i}")).await.state == "sent";
            }
            if all {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
    })
    .await;
    assert!(recorded.is_ok(), "the answering channel was held up");
    // ... while the stuck one is still in flight.
    assert_eq!(outbox_row(&t.app, "stall:0").await.state, "sending");
    assert_eq!(fake.channel_messages(ok_ch).len(), 3);

    // The stuck one times out and is put back for a retry; its channel mates wait their turn.
    let stats = pass.await.expect("joins").expect("pass");
    assert_eq!(stats.sent, 3 + 2, "{stats:?}");
    assert_eq!(stats.retried, 1, "{stats:?}");
    let r = outbox_row(&t.app, "stall:0").await;
    assert_eq!(r.state, "pending");
    assert!(
        r.last_error.as_deref().unwrap_or("").contains("network"),
        "{r:?}"
    );

    // After the backoff the channel answers: every message once.
    t.clock.advance(t.app.config.outbox.backoff_max);
    let stats = d.run_due().await.expect("pass");
    assert_eq!(stats.sent, 1, "{stats:?}");
    let mut seen: Vec<String> = fake
        .channel_messages(stuck_ch)
        .iter()
        .map(|m| {
            m["embeds"][0]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        ["title of stall:0", "title of stall:1", "title of stall:2"]
    );
    fake.assert_no_unexpected_refusals();
}
