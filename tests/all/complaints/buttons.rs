//! The buttons on a complaint's messages and the forms they open: Claim updates the message it
//! is on, Resolve and Add note open forms whose submissions get the command's checks.

use storeops::app::{Invocation, Reply};
use storeops::domain::position::Position;

use crate::support::TestApp;
use crate::support::core::{actor, fields, origin, text_opt};
use crate::support::shell::{boss_with_escalation, uid};
use crate::support::store::{complaint, count};

/// The ids of a reply's buttons, in order.
fn button_ids(r: &Reply) -> Vec<String> {
    r.buttons.iter().map(|b| b.id.clone()).collect()
}

#[tokio::test]
async fn buttons_claim_and_forms_resolve_and_note() {
    let t = TestApp::new().await;
    let _boss = boss_with_escalation(&t).await;
    let alice = origin(actor("alice", &[Position::Manager], "en-US"));
    let bob = origin(actor("bob", &[Position::CustomerService], "en-US"));
    let carol = origin(actor("carol", &[Position::Operations], "en-US"));
    let inv = Invocation::new("complaint log")
        .with("order", text_opt("A1"))
        .with("platform", text_opt("tmall"))
        .with("category", text_opt("damaged"))
        .with("summary", text_opt("Cup broken"));
    let r = t.app.handle(&alice, &inv).await;
    assert_eq!(
        button_ids(&r),
        vec!["cmp:claim:1", "cmp:resolve:1", "cmp:note:1"],
        "{r:?}"
    );

    // Claim: refused for another position, then the clicked message is updated.
    let r = t.app.press(&carol, "cmp:claim:1").await;
    assert!(!r.update_message && r.ephemeral, "{r:?}");
    assert!(
        r.lines.iter().any(|l| l.contains("Only customer service")),
        "{r:?}"
    );
    let r = t.app.press(&bob, "cmp:claim:1").await;
    assert!(r.update_message, "{r:?}");
    assert_eq!(
        r.title.as_deref(),
        Some(format!("Complaint #1 is handled by <@{}>", uid("bob")).as_str())
    );
    assert_eq!(button_ids(&r), vec!["cmp:resolve:1", "cmp:note:1"]);
    assert_eq!(complaint(&t, 1).await.owner, Some(uid("bob")));

    // Resolve opens a form.
    let r = t.app.press(&bob, "cmp:resolve:1").await;
    let form = r.form.clone().expect("a form");
    assert_eq!(form.id, "cmp:resolve:1");
    assert_eq!(form.title, "Resolve complaint #1");
    let ids: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["outcome", "amount", "note"]);
    let required: Vec<bool> = form.fields.iter().map(|f| f.required).collect();
    assert_eq!(required, vec![true, false, false]);
    assert!(r.ephemeral);
    assert!(
        r.lines
            .iter()
            .any(|l| l.contains("/complaint resolve id:1 outcome:refund")),
        "platforms without forms say which command does it: {r:?}"
    );
    assert_eq!(
        complaint(&t, 1).await.status,
        "open",
        "a form changes nothing"
    );

    // Add note opens a form; submitting it adds the note.
    let r = t.app.press(&bob, "cmp:note:1").await;
    let form = r.form.clone().expect("a form");
    assert_eq!(form.id, "cmp:note:1");
    let ids: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["text"]);
    let r = t
        .app
        .submit(&bob, "cmp:note:1", &fields(&[("text", "Called the buyer")]))
        .await;
    assert_eq!(r.title.as_deref(), Some("Note added to complaint #1"));
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = 1 AND kind = 'note' AND detail = 'Called the buyer'"
        )
        .await,
        1
    );

    // Submitting the resolve form: the same checks as the command.
    let r = t
        .app
        .submit(&bob, "cmp:resolve:1", &fields(&[("outcome", "refund")]))
        .await;
    assert!(
        r.lines.iter().any(|l| l.contains("needs the amount paid")),
        "{r:?}"
    );
    let r = t
        .app
        .submit(
            &bob,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "abc")]),
        )
        .await;
    assert!(
        r.lines
            .iter()
            .any(|l| l.contains("\"abc\" is not a number")),
        "{r:?}"
    );
    let r = t
        .app
        .submit(
            &carol,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "10")]),
        )
        .await;
    assert!(
        r.lines.iter().any(|l| l.contains("Only customer service")),
        "{r:?}"
    );
    assert_eq!(complaint(&t, 1).await.status, "open");
    let r = t
        .app
        .submit(
            &bob,
            "cmp:resolve:1",
            &fields(&[("outcome", "refund"), ("amount", "10"), ("note", "")]),
        )
        .await;
    assert!(
        r.title
            .as_deref()
            .is_some_and(|s| s.starts_with("Complaint #1 resolved")),
        "{r:?}"
    );
    assert!(r.buttons.is_empty(), "{r:?}");
    let c = complaint(&t, 1).await;
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref(), c.amount),
        ("resolved", Some("refund"), Some(1000))
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM outbox WHERE source = 'complaint:1' AND state = 'pending'"
        )
        .await,
        0
    );

    // Pressing Claim on a resolved one is refused.
    let r = t.app.press(&bob, "cmp:claim:1").await;
    assert!(
        r.lines.iter().any(|l| l.contains("already resolved")),
        "{r:?}"
    );
}
