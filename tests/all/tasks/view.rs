//! How tasks are shown: `/task list` (scopes, who may list what, pages and their buttons),
//! `/task show` with its history, and `/task stats` per person and period.

use crate::support::TestApp;
use crate::support::shell::{act_as, boss, run, uid};

#[tokio::test]
async fn list_mine_overdue_all_and_whose_may_be_listed() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for line in [
        "/task assign title:b-soon due:\"in 1h\" user:@bob",
        "/task assign title:b-later due:\"fri 18:00\" user:@bob",
        "/task assign title:c-task due:\"fri 18:00\" user:@carol",
        "/task assign title:a-own due:\"fri 18:00\" user:@alice",
        "/task assign title:cs-open due:\"fri 18:00\" position:customer-service",
    ] {
        assert!(run(&mut sh, line).await.contains("New task"), "{line}");
    }
    run(&mut sh, ":advance 2h").await;

    let out = run(&mut sh, "/task list scope:all").await;
    assert!(
        out.contains("All open tasks — page 1/1 (5 open)")
            && ["b-soon", "b-later", "c-task", "a-own", "cs-open"]
                .iter()
                .all(|s| out.contains(s)),
        "{out}"
    );
    let out = run(&mut sh, "/task list scope:overdue").await;
    assert!(
        out.contains("Overdue tasks — page 1/1 (1 open)")
            && out.contains("b-soon")
            && out.contains("⚠️")
            && !out.contains("b-later"),
        "{out}"
    );
    let out = run(&mut sh, "/task list user:@bob").await;
    assert!(
        out.contains("Tasks of @bob — page 1/1 (2 open)")
            && out.contains("b-soon")
            && !out.contains("c-task"),
        "{out}"
    );
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Your tasks — page 1/1 (1 open)") && out.contains("a-own"),
        "{out}"
    );

    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task list").await;
    assert!(
        out.contains("Your tasks — page 1/1 (2 open)")
            && out.contains("b-soon")
            && out.contains("b-later")
            && !out.contains("c-task")
            && !out.contains("a-own"),
        "{out}"
    );
    let out = run(&mut sh, "/task list scope:mine").await;
    assert!(out.contains("Your tasks — page 1/1 (2 open)"), "{out}");
    let out = run(&mut sh, "/task list scope:overdue").await;
    assert!(
        out.contains("Overdue tasks — page 1/1 (1 open)") && out.contains("b-soon"),
        "{out}"
    );
    let out = run(&mut sh, "/task list position:customer-service").await;
    assert!(out.contains("cs-open"), "{out}");

    for refused in [
        "/task list scope:all",
        "/task list user:@carol",
        "/task list position:warehouse",
    ] {
        let out = run(&mut sh, refused).await;
        assert!(
            out.contains("You can list your own tasks and your position's"),
            "{refused}: {out}"
        );
        assert!(!out.contains("c-task"), "{refused}: {out}");
    }
}

#[tokio::test]
async fn list_pages_through_23_tasks_with_buttons() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for i in 1..=23 {
        let out = run(
            &mut sh,
            &format!("/task assign title:p{i} due:\"fri 18:00\" user:@alice"),
        )
        .await;
        assert!(out.contains(&format!("New task #{i}")), "{out}");
    }
    let me = uid("alice");
    let out = run(&mut sh, "/task list").await;
    assert!(out.contains("Your tasks — page 1/3 (23 open)"), "{out}");
    assert!(
        out.contains(&format!("[Next ▶] /press task:page:u{me}:2")),
        "{out}"
    );
    assert!(!out.contains("Previous"), "{out}");
    assert!(
        out.contains("**#1** p1") && out.contains("**#10** p10"),
        "{out}"
    );
    assert!(!out.contains("**#11**"), "{out}");

    let out = run(&mut sh, &format!("/press task:page:u{me}:2")).await;
    assert!(out.contains("Your tasks — page 2/3 (23 open)"), "{out}");
    for i in 11..=20 {
        assert!(out.contains(&format!("**#{i}** p{i}")), "#{i}: {out}");
    }
    assert!(
        !out.contains("**#10**") && !out.contains("**#21**"),
        "{out}"
    );
    assert!(
        out.contains(&format!("/press task:page:u{me}:1"))
            && out.contains(&format!("/press task:page:u{me}:3")),
        "{out}"
    );

    let out = run(&mut sh, &format!("/press task:page:u{me}:3")).await;
    assert!(
        out.contains("page 3/3")
            && out.contains("**#23** p23")
            && !out.contains("**#20**")
            && !out.contains("Next"),
        "{out}"
    );

    // Another member cannot page through alice's list with her button.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, &format!("/press task:page:u{me}:2")).await;
    assert!(
        out.contains("You can list your own tasks") && !out.contains("p11"),
        "{out}"
    );
}

#[tokio::test]
async fn show_lists_the_history() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    run(
        &mut sh,
        "/task assign title:\"Shoot photos\" due:\"fri 18:00\" user:@bob",
    )
    .await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/task comment id:1 text:\"waiting for the samples\"",
    )
    .await;
    assert!(
        out.contains("Comment added to task #1") && out.contains("waiting for the samples"),
        "{out}"
    );
    run(&mut sh, ":advance 30m").await;
    let out = run(&mut sh, "/task done id:1").await;
    assert!(out.contains("Task #1 done"), "{out}");

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task show id:1").await;
    assert!(
        out.contains("Task #1: Shoot photos") && out.contains("Status: done"),
        "{out}"
    );
    let created = out.find("@alice created it").expect(&out);
    let commented = out
        .find("@bob commented: waiting for the samples")
        .expect(&out);
    let finished = out.find("@bob finished it").expect(&out);
    assert!(created < commented && commented < finished, "{out}");
    // A finished task offers no buttons.
    assert!(!out.contains("/press"), "{out}");

    let out = run(&mut sh, "/task show id:99").await;
    assert!(out.contains("There is no task #99"), "{out}");
}

#[tokio::test]
async fn stats_count_assigned_done_on_time_overdue_and_lateness() {
    let t = TestApp::new().await;
    let mut sh = boss(&t).await;
    for line in [
        "/task assign title:s1 due:\"in 1h\" user:@bob",
        "/task assign title:s2 due:\"in 2h\" user:@bob",
        "/task assign title:s3 due:\"in 3h\" user:@bob",
        "/task assign title:s4 due:\"in 4h\" user:@bob",
        "/task assign title:s5 due:\"in 5h\" user:@bob",
        "/task assign title:s6 due:\"in 1h\" user:@carol",
        "/task assign title:s7 due:\"2026-12-10 10:00\" user:@carol",
    ] {
        assert!(run(&mut sh, line).await.contains("New task"), "{line}");
    }
    run(&mut sh, "/task cancel id:5").await;
    run(&mut sh, ":advance 30m").await;
    act_as(&mut sh, "bob", "customer-service").await;
    assert!(run(&mut sh, "/task done id:1").await.contains("on time"));
    act_as(&mut sh, "carol", "operations").await;
    assert!(run(&mut sh, "/task done id:6").await.contains("on time"));
    run(&mut sh, ":advance 2h30m").await; // 12:00
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task done id:2").await;
    assert!(out.contains("Finished 1 h after the deadline"), "{out}");
    run(&mut sh, ":advance 3h").await; // 15:00
    let out = run(&mut sh, "/task done id:3").await;
    assert!(out.contains("Finished 3 h after the deadline"), "{out}");
    // #4 (due 13:00) is still open: overdue now. #5 was cancelled: not counted.

    let bob_line = "assigned 4 · done 3 · on time 1 (25%) · overdue now 1 · average lateness 2 h";
    let carol_line = "assigned 1 · done 1 · on time 1 (100%) · overdue now 0 · average lateness —";

    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task stats period:2026-11").await;
    assert!(
        out.contains("Task record, 2026-11-01 – 2026-11-30"),
        "{out}"
    );
    assert!(out.contains(bob_line) && out.contains(carol_line), "{out}");
    assert!(
        out.find("@bob").expect("bob") < out.find(bob_line).expect("line"),
        "{out}"
    );

    let out = run(&mut sh, "/task stats period:this-month").await;
    assert!(
        out.contains("Task record, 2026-11-01 – 2026-11-23")
            && out.contains(bob_line)
            && out.contains(carol_line),
        "{out}"
    );
    let out = run(&mut sh, "/task stats period:本月").await;
    assert!(out.contains(bob_line), "{out}");

    // December: carol's s7 is due then (not done yet); bob only has his overdue task.
    let out = run(&mut sh, "/task stats period:2026-12").await;
    assert!(
        out.contains("Task record, 2026-12-01 – 2026-12-31")
            && out.contains(
                "assigned 1 · done 0 · on time 0 (0%) · overdue now 0 · average lateness —"
            )
            && out.contains(
                "assigned 0 · done 0 · on time 0 (—) · overdue now 1 · average lateness —"
            ),
        "{out}"
    );

    let out = run(&mut sh, "/task stats user:@bob period:2026-11").await;
    assert!(out.contains(bob_line) && !out.contains(carol_line), "{out}");

    for bad in ["2026-13", "someday", "2026-1-"] {
        let out = run(&mut sh, &format!("/task stats period:{bad}")).await;
        assert!(
            out.contains(&format!("I can't read the period \"{bad}\""))
                && out.contains("last-month"),
            "{bad}: {out}"
        );
    }
    run(&mut sh, ":locale zh-CN").await;
    let out = run(&mut sh, "/task stats period:2026-13").await;
    assert!(out.contains("无法识别时间段“2026-13”"), "{out}");
    run(&mut sh, ":locale en-US").await;

    // A member sees only their own record, and may not ask for someone else's.
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(&mut sh, "/task stats period:2026-11").await;
    assert!(
        out.contains(bob_line) && !out.contains(carol_line) && !out.contains("@carol"),
        "{out}"
    );
    let out = run(&mut sh, "/task stats period:2026-11 user:@carol").await;
    assert!(out.contains("You can see your own record"), "{out}");
    assert!(!out.contains(carol_line), "{out}");
}
