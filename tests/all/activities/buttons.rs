//! The buttons on a reminder: "Got it" and the checklist ticks are recorded and shown, update
//! the message they are on, and call off the follow-up.

use storeops::adapters::shell::shell_id;
use storeops::app::Actor;

use crate::support::TestApp;
use crate::support::core::origin;
use crate::support::sent::{Sent, all_sent};
use crate::support::shell::{act_as, add_activity, boss, role, run};
use crate::support::store::{activity_pings, by_key, count_for};
use crate::support::time::local;

#[tokio::test]
async fn got_it_and_checklist_ticks_are_recorded_and_shown_and_stop_the_follow_up() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let id = add_activity(
        &mut sh,
        r#"/activity add name:"Restock sheet" schedule:"thu 16:00" ping:warehouse lead:"1d, 0" checklist:"Count stock | Fill sheet""#,
    )
    .await;
    let ts = local("2026-11-26 16:00").timestamp();
    let out = run(&mut sh, ":advance 2d8h").await;
    let msgs = all_sent(&out);
    assert_eq!(msgs.len(), 1, "the reminder a day before: {out}");
    assert!(
        msgs[0]
            .text
            .contains(&format!("[Got it] /press act:ack:{id}:{ts}"))
            && msgs[0]
                .text
                .contains(&format!("[1. Count stock] /press act:tick:{id}:{ts}:1"))
            && msgs[0].text.contains("⬜ 1. Count stock")
            && msgs[0].text.contains("Got it: nobody yet"),
        "{out}"
    );

    act_as(&mut sh, "bob", "warehouse").await;
    let out = run(&mut sh, &format!("/press act:ack:{id}:{ts}")).await;
    assert!(out.contains("Got it: @bob"), "{out}");
    let out = run(&mut sh, &format!("/press act:tick:{id}:{ts}:1")).await;
    assert!(
        out.contains("✅ 1. Count stock — @bob")
            && out.contains("⬜ 2. Fill sheet")
            && out.contains(&format!("[✅ 1. Count stock] /press act:tick:{id}:{ts}:1")),
        "{out}"
    );
    // The press updates the message it is on and keeps pinging only the role.
    let carol = origin(Actor::new(shell_id("carol"), "carol"));
    let reply = t.app.press(&carol, &format!("act:ack:{id}:{ts}")).await;
    assert!(reply.update_message);
    assert_eq!(reply.mentions.roles, vec![role("warehouse")]);
    assert!(reply.mentions.users.is_empty());
    assert!(
        reply.text().contains(&format!(
            "Got it: <@{}>, <@{}>",
            shell_id("bob"),
            shell_id("carol")
        )),
        "{}",
        reply.text()
    );
    // Pressing again records nothing new; ticking a ticked line unticks it.
    t.app.press(&carol, &format!("act:ack:{id}:{ts}")).await;
    let reply = t.app.press(&carol, &format!("act:tick:{id}:{ts}:1")).await;
    assert!(
        reply.text().contains("⬜ 1. Count stock"),
        "{}",
        reply.text()
    );
    let acks = count_for(
        &t.app,
        "SELECT COUNT(*) FROM activity_acks WHERE activity_id = ?1",
        id as u64,
    )
    .await;
    assert_eq!(acks, 2);
    let out = run(&mut sh, &format!("/press act:tick:{id}:{ts}:9")).await;
    assert!(out.contains("no longer does anything"), "{out}");

    // Somebody acknowledged: the follow-up is cancelled, and the reminder at the start shows
    // who did.
    let r = activity_pings(&t.app, id).await;
    assert_eq!(
        by_key(&r, "activity:1:2026-11-26T08:00:00Z:follow-up").state,
        "cancelled"
    );
    let out = run(&mut sh, ":advance 1d").await;
    let msgs = all_sent(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(
        msgs[0].text.contains("Got it: @bob, @carol")
            && !msgs[0].text.contains("Nobody has pressed"),
        "{out}"
    );

    // Next week nobody answers: one follow-up to the role.
    let out = run(&mut sh, ":advance 7d").await;
    let msgs = all_sent(&out);
    let follow: Vec<&Sent> = msgs
        .iter()
        .filter(|m| m.text.contains("Nobody has pressed"))
        .collect();
    assert_eq!(follow.len(), 1, "{out}");
    assert!(follow[0].text.starts_with("#shell]\n@warehouse\n"), "{out}");
    let r = activity_pings(&t.app, id).await;
    let f = by_key(&r, "activity:1:2026-12-03T08:00:00Z:follow-up");
    assert_eq!(f.state, "sent");
    assert_eq!(
        f.due,
        local("2026-12-03 08:00"),
        "half-way, after the quiet hours"
    );
}
