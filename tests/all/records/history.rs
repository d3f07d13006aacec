//! Task and complaint histories name both sides of a change ("@dana → @erin", "@erin →
//! Design"), and each edited field is its own entry with who and when.

use crate::support::TestApp;
use crate::support::shell::{act_as, boss, log_damaged, run};

fn history_lines(out: &str) -> Vec<&str> {
    out.lines()
        .skip_while(|l| !l.starts_with("History"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect()
}

#[tokio::test]
async fn reassigning_names_the_owner_before_and_after() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:Banner due:\"fri 18:00\" user:@dana",
    )
    .await;
    run(&mut sh, "/task reassign id:1 user:@erin").await;
    run(&mut sh, "/task reassign id:1 position:design").await;
    act_as(&mut sh, "fay", "design").await;
    run(&mut sh, "/task start id:1").await;
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task show id:1").await;
    let h = history_lines(&out);
    assert_eq!(h.len(), 5, "{out}");
    assert!(
        h[1].ends_with("@alice reassigned it: @dana → @erin"),
        "{out}"
    );
    assert!(
        h[2].ends_with("@alice reassigned it: @erin → Design"),
        "{out}"
    );
    assert!(h[3].ends_with("@fay took it: Design → @fay"), "{out}");
    assert!(h[4].ends_with("@fay started it"), "{out}");

    // The same history in Chinese names the position in Chinese.
    run(&mut sh, ":locale zh-CN").await;
    let out = run(&mut sh, "/task show id:1").await;
    assert!(out.contains("@erin → 美工"), "{out}");
}

#[tokio::test]
async fn every_edited_field_is_an_entry_with_both_sides() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:Old due:\"2026-11-27 18:00\" user:@bob priority:low",
    )
    .await;
    run(&mut sh, ":advance 1h").await;
    let out = run(
        &mut sh,
        "/task edit id:1 title:\"=New title\" due:\"2026-11-28 12:00\" priority:urgent",
    )
    .await;
    assert!(out.contains("=New title"), "{out}");
    // Editing to the same priority records nothing.
    run(&mut sh, "/task edit id:1 priority:urgent").await;
    let out = run(&mut sh, "/task show id:1").await;
    let h = history_lines(&out);
    assert_eq!(h.len(), 4, "{out}");
    assert!(
        h[1].contains("@alice changed it: title: “Old” → “=New title”"),
        "{out}"
    );
    assert!(
        h[2].contains(
            "@alice changed it: deadline: 2026-11-27 18:00 (Fri) → 2026-11-28 12:00 (Sat)"
        ),
        "{out}"
    );
    assert!(h[3].contains("priority: low → urgent"), "{out}");
    // Each entry has who and when (the edit happened an hour after the assignment).
    assert!(h[1].starts_with("2026-11-23 10:00"), "{out}");
}

#[tokio::test]
async fn complaint_handlers_are_named_before_and_after() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    log_damaged(&mut sh, 1, "A1", "Cup broken").await;
    run(&mut sh, "/complaint assign id:1 user:@dana").await;
    run(&mut sh, "/complaint assign id:1 user:@erin").await;
    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(out.contains("assigned it: nobody → @dana"), "{out}");
    assert!(out.contains("assigned it: @dana → @erin"), "{out}");
}

#[tokio::test]
async fn a_reopened_complaint_keeps_both_outcomes() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    log_damaged(&mut sh, 1, "A1", "Cup broken").await;
    run(
        &mut sh,
        "/complaint resolve id:1 outcome:partial-refund amount:25.50",
    )
    .await;
    run(&mut sh, "/complaint reopen id:1 note:\"Buyer wrote again\"").await;
    run(&mut sh, "/complaint resolve id:1 outcome:exchange").await;
    let out = run(&mut sh, "/complaint show id:1").await;
    let h = history_lines(&out);
    let at = |needle: &str| {
        h.iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no “{needle}” in {out}"))
    };
    let taken = at("changed it: outcome: partial refund 25.50 → reopened");
    let reopened = at("reopened it: Buyer wrote again");
    let new = at("changed it: outcome: reopened → exchange");
    assert!(taken < reopened && reopened < new, "{out}");
    // The first resolution is no change of outcome: one entry each way, no more.
    assert_eq!(
        h.iter()
            .filter(|l| l.contains("changed it: outcome:"))
            .count(),
        2,
        "{out}"
    );
    run(&mut sh, ":locale zh-CN").await;
    let out = run(&mut sh, "/complaint show id:1").await;
    assert!(out.contains("部分退款 25.50 → 重新打开"), "{out}");

    // The export's history sheet says the same in plain text.
    run(&mut sh, ":locale en-US").await;
    let out = run(
        &mut sh,
        "/complaint export format:csv from:2026-11-01 to:2026-12-31",
    )
    .await;
    let files: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("Saved: "))
        .collect();
    let path = files
        .get(1)
        .unwrap_or_else(|| panic!("no history file: {out}"));
    let text = std::fs::read_to_string(path).expect("history csv");
    assert!(
        text.contains("outcome: partial refund 25.50 → reopened"),
        "{text}"
    );
    assert!(text.contains("outcome: reopened → exchange"), "{text}");
}
