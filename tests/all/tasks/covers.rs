//! `/task cover`: someone covers a member or a position for some days; new work and the pings
//! inside the window go to the cover, the rest stays with the owner.

use storeops::message::Mentions;

use crate::support::TestApp;
use crate::support::sent::{one_task, sent_tasks};
use crate::support::shell::{act_as, boss, run, uid};
use crate::support::store::{in_state, key_states, task, task_pings};

#[tokio::test]
async fn a_cover_takes_new_work_and_pings_only_inside_its_window() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.contains("Only managers"), "{out}");

    act_as(&mut sh, "alice", "manager").await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@bob from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.contains("can't cover for themselves"), "{out}");
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-25 to:2026-11-24",
    )
    .await;
    assert!(
        out.contains("The last day is before the first day"),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:soon to:2026-11-24",
    )
    .await;
    assert!(out.contains("I can't read the day \"soon\""), "{out}");

    // bob is away Tuesday and Wednesday (carol covers); customer service on Tuesday (dave).
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(out.starts_with("@carol\n"), "{out}");
    assert!(
        out.contains("@carol covers @bob from 2026-11-24 to 2026-11-25"),
        "{out}"
    );
    let out = run(
        &mut sh,
        "/task cover position:customer-service cover:@dave from:tomorrow to:tomorrow",
    )
    .await;
    assert!(
        out.contains("@dave covers Customer service from 2026-11-24 to 2026-11-24"),
        "{out}"
    );

    // Monday, before the window: work for bob stays bob's; only its pings inside the window go
    // to carol.
    let out = run(
        &mut sh,
        "/task assign title:\"Restock\" due:\"thu 10:00\" user:@bob",
    )
    .await;
    assert!(
        out.starts_with("@bob\n") && !out.contains("covered"),
        "{out}"
    );
    assert_eq!(task(&t, 1).await.assignee, Some(uid("bob")));
    let rows = task_pings(&t, 1).await;
    let of = |kind: &str| {
        rows.iter()
            .find(|p| p.kind() == kind)
            .unwrap_or_else(|| panic!("{kind}: {rows:#?}"))
            .reply
            .clone()
    };
    assert_eq!(of("e1:before-1440m").mentions, Mentions::user(uid("carol")));
    assert!(
        of("e1:before-1440m")
            .lines
            .iter()
            .any(|l| l.contains("is covering for")),
        "{rows:#?}"
    );
    assert_eq!(of("e1:before-60m").mentions, Mentions::user(uid("bob")));
    assert_eq!(of("e1:due").mentions, Mentions::user(uid("bob")));
    let out = run(
        &mut sh,
        "/task assign title:\"Chats Monday\" due:\"in 2h\" position:customer-service",
    )
    .await;
    assert!(out.starts_with("@customer-service\n"), "{out}");
    assert_eq!(task(&t, 2).await.assignee, None);

    // Tuesday 09:00, inside both windows: new work goes to the covers, and so do its pings.
    let out = run(&mut sh, ":advance 1d").await;
    assert!(!out.contains("Task #1"), "{out}");
    let out = run(
        &mut sh,
        "/task assign title:\"Answer the complaint\" due:\"in 2h\" user:@bob",
    )
    .await;
    assert!(out.starts_with("@carol\n"), "{out}");
    assert!(
        out.contains("@bob is covered right now, so this goes to @carol."),
        "{out}"
    );
    assert_eq!(task(&t, 3).await.assignee, Some(uid("carol")));
    let rows = task_pings(&t, 3).await;
    let due = rows.iter().find(|p| p.kind() == "e1:due").expect("due");
    assert_eq!(due.reply.mentions, Mentions::user(uid("carol")));
    assert!(
        rows.iter()
            .all(|p| !p.reply.mentions.users.contains(&uid("bob"))),
        "{rows:#?}"
    );

    let out = run(
        &mut sh,
        "/task assign title:\"Chats Tuesday\" due:\"in 3h\" position:customer-service",
    )
    .await;
    assert!(
        out.contains("Customer service is covered right now, so this goes to @dave."),
        "{out}"
    );
    let r = task(&t, 4).await;
    assert_eq!(r.assignee, Some(uid("dave")));
    assert_eq!(r.position.as_deref(), Some("customer-service"));

    // Tuesday 11:00: #3's deadline ping goes to carol, not bob.
    let out = run(&mut sh, ":advance 2h").await;
    let due3 = sent_tasks(&out)
        .into_iter()
        .find(|m| m.title == "Task #3 is due now")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(due3.mentions, "@carol");

    // Wednesday 10:00: #1's day-before ping goes to carol, saying whom she covers.
    let out = run(&mut sh, ":advance 23h").await;
    let m = sent_tasks(&out)
        .into_iter()
        .find(|m| m.title == "Task #1 is due in 1 d")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(m.mentions, "@carol");
    assert!(
        m.text.contains("@carol is covering for @bob."),
        "{}",
        m.text
    );

    // Thursday 09:00, after the window: bob again.
    let out = run(&mut sh, ":advance 23h").await;
    let m = sent_tasks(&out)
        .into_iter()
        .find(|m| m.title == "Task #1 is due in 1 h")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(m.mentions, "@bob");
    assert!(!m.text.contains("covering"), "{}", m.text);
    let out = run(
        &mut sh,
        "/task assign title:\"Thursday work\" due:\"in 2h\" user:@bob",
    )
    .await;
    assert!(
        out.starts_with("@bob\n") && !out.contains("covered"),
        "{out}"
    );
    assert_eq!(task(&t, 5).await.assignee, Some(uid("bob")));
    let out = run(
        &mut sh,
        "/task assign title:\"Chats Thursday\" due:\"in 2h\" position:customer-service",
    )
    .await;
    assert!(!out.contains("covered"), "{out}");
    assert_eq!(task(&t, 6).await.assignee, None);
}

/// A cover set after the work was assigned: the pings inside the window must go to the cover
/// (the reply says so), the others still to the owner.
#[tokio::test]
async fn a_cover_set_later_moves_the_existing_pings_to_the_cover() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Restock\" due:\"thu 10:00\" user:@bob",
    )
    .await;
    let out = run(
        &mut sh,
        "/task cover user:@bob cover:@carol from:2026-11-24 to:2026-11-25",
    )
    .await;
    assert!(
        out.contains("1 open task now pings the cover while the cover lasts."),
        "{out}"
    );
    let rows = task_pings(&t, 1).await;
    let pending = in_state(&rows, "pending");
    assert_eq!(
        pending.len(),
        5,
        "the task has no pending reminders left after the cover: {:#?}",
        key_states(&rows)
    );
    let m = one_task(&run(&mut sh, ":advance 2d1h").await);
    assert_eq!(m.title, "Task #1 is due in 1 d");
    assert_eq!(m.mentions, "@carol");
}
