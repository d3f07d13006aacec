//! `/holiday`: the days that skip the activities asking for it, or add a note to their
//! reminders; removing a holiday brings the skipped start back.

use crate::support::TestApp;
use crate::support::sent::all_sent;
use crate::support::shell::{add_activity, boss, run};
use crate::support::store::activity_pings;

#[tokio::test]
async fn holidays_skip_or_note_the_activities_that_ask_for_it() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let skip = add_activity(
        &mut sh,
        r#"/activity add name:"Free shipping" schedule:"thu 09:00" ping:marketing lead:0 holidays:skip"#,
    )
    .await;
    let note = add_activity(
        &mut sh,
        r#"/activity add name:"Meeting" schedule:"thu 16:00" ping:operations lead:0 holidays:note"#,
    )
    .await;
    let fire = add_activity(
        &mut sh,
        r#"/activity add name:"Restock" schedule:"thu 17:00" ping:warehouse lead:0"#,
    )
    .await;

    let out = run(&mut sh, "/holiday add name:Stocktake from:2026-11-26").await;
    assert!(
        out.contains("Holiday #1 saved: Stocktake, 2026-11-26")
            && out.contains("#1 Free shipping: skipped (1 start)")
            && out.contains("#2 Meeting: reminds with a note (1 start)")
            && !out.contains("Restock"),
        "{out}"
    );
    let out = run(&mut sh, "/activity calendar").await;
    assert!(
        out.contains("Holidays: Stocktake (2026-11-26)")
            && out.contains("2026-11-26 09:00 (Thu) · **Free shipping** (#1) — skipped: Stocktake")
            && out.contains("2026-11-26 16:00 (Thu) · **Meeting** (#2) — note: Stocktake")
            && out.contains("2026-11-26 17:00 (Thu) · **Restock** (#3)\n"),
        "{out}"
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-03 09:00 (Thu)"), "{out}");

    let out = run(&mut sh, ":advance 4d").await;
    let msgs = all_sent(&out);
    assert_eq!(msgs.len(), 2, "{out}");
    assert!(
        msgs[0].text.contains("📅 Meeting") && msgs[0].text.contains("Note: this day is Stocktake"),
        "{out}"
    );
    assert!(
        msgs[1].text.contains("📅 Restock") && !msgs[1].text.contains("Note:"),
        "{out}"
    );
    assert!(
        activity_pings(&t.app, skip)
            .await
            .iter()
            .filter(|r| r.key.contains("2026-11-26"))
            .all(|r| r.state == "cancelled"),
        "no reminder for the skipped day"
    );
    assert_eq!(activity_pings(&t.app, note).await.len(), 2);
    assert_eq!(activity_pings(&t.app, fire).await.len(), 2);

    // Removing the holiday brings the next one back (2026-12-03 was never a holiday; add one
    // there and remove it again).
    run(&mut sh, "/holiday add name:Audit from:2026-12-03").await;
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-10 09:00 (Thu)"), "{out}");
    let out = run(&mut sh, "/holiday remove id:2").await;
    assert!(
        out.contains("Holiday #2 removed: Audit, 2026-12-03"),
        "{out}"
    );
    let out = run(&mut sh, "/activity list").await;
    assert!(out.contains("next: 2026-12-03 09:00 (Thu)"), "{out}");
    let pending: Vec<String> = activity_pings(&t.app, skip)
        .await
        .into_iter()
        .filter(|r| r.state == "pending")
        .map(|r| r.key)
        .collect();
    assert_eq!(pending, vec!["activity:1:2026-12-03T01:00:00Z:lead-0"]);
}
