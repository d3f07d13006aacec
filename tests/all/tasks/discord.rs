//! One task flow through the fake Discord: assigned by a slash command, reminded at the right
//! instants pinging only the assignee, and done by the button on the reminder.

use chrono::Duration;

use crate::fake_discord::*;
use crate::support::PATIENCE;
use crate::support::e2e::{E2e, component_ids, embed_text, message_id};
use crate::support::store::{count, task};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_discord_assign_remind_and_done_by_button() {
    let e = E2e::start().await;
    let (alice, bob, carol) = (e.user("alice"), e.user("bob"), e.user("carol"));
    let ops = e.channel("ops");

    let r = e
        .fake
        .user(alice)
        .locale("en-US")
        .channel(ops)
        .slash(
            "task",
            Some("assign"),
            vec![
                opt_str("title", "Restock @everyone <@&3001>"),
                opt_str("due", "in 2h"),
                opt_user("user", bob),
            ],
        )
        .await
        .response()
        .await;
    let text = embed_text(&r);
    assert!(text.contains("New task #1"), "{r:#}");
    assert!(!text.contains("<@&3001>"), "{r:#}");
    let t1 = task(&e, 1).await;
    assert_eq!((t1.assignee, t1.status.as_str()), (Some(bob), "open"));

    // One hour before, then at the deadline (the guild speaks its default, Chinese).
    e.t.clock.advance(Duration::hours(1));
    e.fake
        .wait_message(
            ops,
            |m| embed_text(m).contains("任务 #1 将在 1 小时 后截止"),
            PATIENCE,
        )
        .await
        .expect("the 1 h reminder is posted");
    e.t.clock.advance(Duration::hours(1));
    let due = e
        .fake
        .wait_message(
            ops,
            |m| embed_text(m).contains("任务 #1 现在到期"),
            PATIENCE,
        )
        .await
        .expect("the deadline reminder is posted");
    assert_eq!(
        due["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{due:#}"
    );
    assert!(
        due["allowed_mentions"]["roles"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{due:#}"
    );
    let ids = component_ids(&due);
    assert!(ids.contains(&"task:done:1".to_string()), "{due:#}");
    let mid = message_id(&due);

    // carol has nothing to do with it: a private refusal, nothing changes.
    let h = e
        .fake
        .user(carol)
        .locale("en-US")
        .click(ops, mid, "task:done:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(4), "{r:#}");
    assert!(h.is_ephemeral().await, "{r:#}");
    assert!(embed_text(&r).contains("Only the assignee"), "{r:#}");

    // bob clicks Done: the message is updated in place and the task is done.
    let h = e
        .fake
        .user(bob)
        .locale("en-US")
        .click(ops, mid, "task:done:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(7), "UPDATE_MESSAGE: {r:#}");
    assert!(embed_text(&r).contains("Task #1 done"), "{r:#}");
    assert_eq!(task(&e, 1).await.status, "done");
    let pending = count(
        &e,
        "SELECT COUNT(*) FROM outbox WHERE source = 'task:1' AND state = 'pending'",
    )
    .await;
    assert_eq!(pending, 0);
    e.stop().await;
}
