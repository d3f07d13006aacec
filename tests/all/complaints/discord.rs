//! One complaint flow through the fake Discord: logged by a slash command with Chinese labels,
//! warned and escalated at the right instants pinging the right people, and resolved through
//! the form the Resolve button opens.

use chrono::Duration;

use crate::fake_discord::*;
use crate::support::PATIENCE;
use crate::support::e2e::{E2e, choice, component_ids, embed_text, message_id};
use crate::support::store::{complaint, count, count_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_discord_log_escalate_and_resolve_by_form() {
    let e = E2e::start().await;
    let (alice, bob) = (e.user("alice"), e.user("bob"));
    let fx = e.fake.fixture().clone();
    let (cs_role, manager_role) = (fx.role_id("customer-service"), fx.role_id("manager"));
    let (general, esc) = (e.channel("general"), e.channel("escalations"));
    for opts in [
        // `position` is a choice list: Discord sends the chosen choice's value.
        vec![
            choice(&["setup"], "position", "customer-service"),
            opt_role("role", cs_role),
        ],
        vec![
            choice(&["setup"], "position", "manager"),
            opt_role("role", manager_role),
        ],
        vec![opt_channel("escalation-channel", esc)],
    ] {
        e.setup(alice, opts).await;
    }

    // bob, customer service, logs in Chinese with Chinese labels.
    let r = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .channel(general)
        .slash(
            "complaint",
            Some("log"),
            vec![
                opt_str("order", "A1"),
                opt_str("platform", "天猫"),
                opt_str("category", "破损"),
                opt_str("summary", "杯子碎了 @everyone"),
            ],
        )
        .await
        .response()
        .await;
    let text = embed_text(&r);
    assert!(text.contains("投诉 #1 已登记（订单 A1）"), "{r:#}");
    assert!(text.contains("天猫") && text.contains("破损"), "{r:#}");
    let row = complaint(&e, 1).await;
    assert_eq!(
        (
            row.platform.as_str(),
            row.category.as_str(),
            row.owner,
            row.status.as_str()
        ),
        ("tmall", "damaged", Some(bob), "open")
    );

    // The warning 4 h before the limit, to bob in the channel it was logged in.
    e.t.clock.advance(Duration::hours(20));
    let warn = e
        .fake
        .wait_message(
            general,
            |m| embed_text(m).contains("投诉 #1：距处理期限还剩 4 小时"),
            PATIENCE,
        )
        .await
        .expect("the warning is posted");
    assert_eq!(
        warn["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{warn:#}"
    );

    // At the limit: the escalation channel, pinging the manager role (and bob).
    e.t.clock.advance(Duration::hours(4));
    let breach = e
        .fake
        .wait_message(
            esc,
            |m| embed_text(m).contains("投诉 #1 已超过处理期限"),
            PATIENCE,
        )
        .await
        .expect("the escalation is posted");
    assert_eq!(
        breach["allowed_mentions"]["roles"],
        serde_json::json!([manager_role.to_string()]),
        "{breach:#}"
    );
    assert_eq!(
        breach["allowed_mentions"]["users"],
        serde_json::json!([bob.to_string()]),
        "{breach:#}"
    );
    assert!(
        breach["allowed_mentions"]["parse"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "typed text pings nobody: {breach:#}"
    );
    let ids = component_ids(&breach);
    assert!(ids.contains(&"cmp:resolve:1".to_string()), "{breach:#}");
    let mid = message_id(&breach);

    // Resolve: a modal, then the form resolves it.
    let h = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .click(esc, mid, "cmp:resolve:1")
        .await;
    let r = h.response().await;
    assert_eq!(r["type"].as_u64(), Some(9), "MODAL: {r:#}");
    assert_eq!(
        r["data"]["custom_id"].as_str(),
        Some("cmp:resolve:1"),
        "{r:#}"
    );
    let inputs = component_ids(&r["data"]);
    assert_eq!(inputs, vec!["outcome", "amount", "note"], "{r:#}");

    let h = e
        .fake
        .user(bob)
        .locale("zh-CN")
        .channel(esc)
        .submit_modal(
            "cmp:resolve:1",
            vec![("outcome", "refund"), ("amount", "10")],
        )
        .await;
    let r = h.response().await;
    assert!(embed_text(&r).contains("投诉 #1 已结案"), "{r:#}");
    let row = complaint(&e, 1).await;
    assert_eq!(
        (row.status.as_str(), row.outcome.as_deref(), row.amount),
        ("resolved", Some("refund"), Some(1000))
    );
    let pending = count(
        &e,
        "SELECT COUNT(*) FROM outbox WHERE source = 'complaint:1' AND state = 'pending'",
    )
    .await;
    assert_eq!(pending, 0);
    let visits = count_for(&e, "SELECT COUNT(*) FROM tasks WHERE assignee_id = ?1", bob).await;
    assert_eq!(visits, 1, "the return visit is bob's");
    e.fake.assert_no_unknown_requests();
    e.stop().await;
}
