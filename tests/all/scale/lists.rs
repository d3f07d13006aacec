//! The lists and `/task stats`, rewritten to read one index range each, against a plain
//! reference over generated rows: random statuses, deadlines on both sides of "now", owners
//! and positions, complaints resolved before and after their limit; every filter, every page.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use storeops::store::{complaints, id_in, ms, tasks};

use crate::support::TestApp;
use crate::support::store::Db;

const GUILD: u64 = 1;
const OTHER_GUILD: u64 = 2;
const MEMBERS: [u64; 4] = [11, 12, 13, 14];

/// A filter and what it keeps, as the reference sees it.
type Case<F, R> = (F, Box<dyn Fn(&R) -> bool>);

/// A generated task as the reference sees it.
#[derive(Debug, Clone)]
struct T {
    id: i64,
    guild: u64,
    status: &'static str,
    assignee: Option<u64>,
    position: Option<&'static str>,
    due: i64,
    done: Option<i64>,
}

async fn tasks_fixture(t: &TestApp, rng: &mut StdRng, n: usize, now: DateTime<Utc>) -> Vec<T> {
    let mut out = Vec::new();
    let hour = 3_600_000;
    for _ in 0..n {
        let guild = if rng.gen_bool(0.9) {
            GUILD
        } else {
            OTHER_GUILD
        };
        let status =
            ["open", "in_progress", "done", "done", "done", "cancelled"][rng.gen_range(0..6)];
        let due = ms(now) + rng.gen_range(-24 * 60..24 * 10) * hour;
        let position = rng.gen_bool(0.3).then_some("customer-service");
        let assignee = if position.is_some() && rng.gen_bool(0.5) {
            None
        } else {
            Some(MEMBERS[rng.gen_range(0..MEMBERS.len())])
        };
        // Done before or after the deadline (the same instant counts as late, as the rule says).
        let done = (status == "done").then(|| due + rng.gen_range(-48..48) * hour);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO tasks (guild_id, title, status, assignee_id, position, assigner_id, channel_id, due_at, created_at, updated_at, done_at)
             VALUES (?1, 'x', ?2, ?3, ?4, 1, 1, ?5, 0, 0, ?6) RETURNING id",
        )
        .bind(id_in(guild))
        .bind(status)
        .bind(assignee.map(id_in))
        .bind(position)
        .bind(due)
        .bind(done)
        .fetch_one(t.pool())
        .await
        .expect("insert task");
        out.push(T {
            id,
            guild,
            status,
            assignee,
            position,
            due,
            done,
        });
    }
    out
}

#[tokio::test]
async fn task_lists_and_stats_match_a_plain_computation() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(18);
    let now = t.clock_now();
    let all = tasks_fixture(&t, &mut rng, 600, now).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let active = |x: &T| x.guild == GUILD && matches!(x.status, "open" | "in_progress");
    let filters: Vec<Case<tasks::Filter, T>> = vec![
        (tasks::Filter::default(), Box::new(|_| true)),
        (
            tasks::Filter {
                assignee: Some(12),
                ..Default::default()
            },
            Box::new(|x: &T| x.assignee == Some(12)),
        ),
        (
            tasks::Filter {
                position: Some(storeops::domain::position::Position::CustomerService),
                ..Default::default()
            },
            Box::new(|x: &T| x.position == Some("customer-service")),
        ),
        (
            tasks::Filter {
                overdue_at: Some(now),
                ..Default::default()
            },
            Box::new(move |x: &T| x.due <= ms(now)),
        ),
        (
            tasks::Filter {
                overdue_at: Some(now),
                assignee: Some(13),
                ..Default::default()
            },
            Box::new(move |x: &T| x.due <= ms(now) && x.assignee == Some(13)),
        ),
    ];
    for (f, keep) in &filters {
        let mut want: Vec<&T> = all.iter().filter(|x| active(x) && keep(x)).collect();
        want.sort_by_key(|x| (x.due, x.id));
        assert!(
            want.len() > 20,
            "{f:?}: {} rows, too few to page",
            want.len()
        );
        let mut got = Vec::new();
        for page in 0.. {
            let (rows, total) = tasks::list(&mut conn, GUILD, f, page * 20, 20)
                .await
                .expect("list");
            assert_eq!(total, want.len() as i64, "{f:?}");
            if rows.is_empty() {
                break;
            }
            got.extend(rows.iter().map(|r| r.id));
        }
        let want_ids: Vec<i64> = want.iter().map(|x| x.id).collect();
        assert_eq!(got, want_ids, "{f:?}");
    }

    // /task stats over a period that cuts the generated deadlines.
    let (from, to) = (now - Duration::days(20), now + Duration::days(3));
    let stats = tasks::stats(&mut conn, GUILD, from, to, now)
        .await
        .expect("stats");
    let mut want = Vec::new();
    for m in MEMBERS {
        let mine: Vec<&T> = all
            .iter()
            .filter(|x| x.guild == GUILD && x.assignee == Some(m))
            .collect();
        let in_period: Vec<&&T> = mine
            .iter()
            .filter(|x| x.due >= ms(from) && x.due < ms(to))
            .collect();
        let assigned = in_period.iter().filter(|x| x.status != "cancelled").count() as i64;
        let done: Vec<&&&T> = in_period.iter().filter(|x| x.status == "done").collect();
        let on_time = done.iter().filter(|x| x.done.unwrap() < x.due).count() as i64;
        let late: Vec<f64> = done
            .iter()
            .filter(|x| x.done.unwrap() >= x.due)
            .map(|x| (x.done.unwrap() - x.due) as f64 / 60_000.0)
            .collect();
        let overdue_now = mine
            .iter()
            .filter(|x| matches!(x.status, "open" | "in_progress") && x.due <= ms(now))
            .count() as i64;
        if assigned > 0 || overdue_now > 0 {
            want.push(tasks::MemberStats {
                user_id: m,
                assigned,
                done: done.len() as i64,
                on_time,
                overdue_now,
                avg_late_minutes: (!late.is_empty())
                    .then(|| late.iter().sum::<f64>() / late.len() as f64),
            });
        }
    }
    assert_eq!(stats.len(), want.len(), "{stats:?}");
    for (g, w) in stats.iter().zip(&want) {
        assert_eq!(
            (g.user_id, g.assigned, g.done, g.on_time, g.overdue_now),
            (w.user_id, w.assigned, w.done, w.on_time, w.overdue_now)
        );
        match (g.avg_late_minutes, w.avg_late_minutes) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{a} vs {b}"),
            (a, b) => assert_eq!(a, b),
        }
    }
    assert!(
        want.iter()
            .any(|w| w.avg_late_minutes.is_some() && w.on_time > 0)
    );
}

/// A generated complaint as the reference sees it.
#[derive(Debug, Clone)]
struct C {
    id: i64,
    guild: u64,
    open: bool,
    owner: Option<u64>,
    platform: &'static str,
    deadline: i64,
    resolved: Option<i64>,
}

#[tokio::test]
async fn complaint_lists_match_a_plain_computation_page_by_page() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(1818);
    let now = ms(t.clock_now());
    let hour = 3_600_000;
    let mut all = Vec::new();
    for _ in 0..500 {
        let guild = if rng.gen_bool(0.9) {
            GUILD
        } else {
            OTHER_GUILD
        };
        let created = now - rng.gen_range(0..24 * 30) * hour;
        let deadline = created + 24 * hour;
        let open = rng.gen_bool(0.3);
        // Resolved within the limit, or after it (breached), sometimes exactly at it.
        let resolved = (!open)
            .then(|| created + [rng.gen_range(1..48) * hour, 24 * hour][rng.gen_range(0..2)]);
        let owner = rng
            .gen_bool(0.7)
            .then(|| MEMBERS[rng.gen_range(0..MEMBERS.len())]);
        let platform = ["tmall", "jd", "amazon"][rng.gen_range(0..3)];
        // Deadlines collide often (whole hours), so the id decides the order among equals.
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, owner_id, logged_by, channel_id, created_at, deadline_at, resolved_at)
             VALUES (?1, 'o', ?2, 'damaged', 'normal', 's', ?3, ?4, 1, 1, ?5, ?6, ?7) RETURNING id",
        )
        .bind(id_in(guild))
        .bind(platform)
        .bind(if open { "open" } else { "resolved" })
        .bind(owner.map(id_in))
        .bind(created)
        .bind(deadline)
        .bind(resolved)
        .fetch_one(t.pool())
        .await
        .expect("insert complaint");
        all.push(C {
            id,
            guild,
            open,
            owner,
            platform,
            deadline,
            resolved,
        });
    }
    let at = t.clock_now();
    let breached =
        move |c: &C| (c.open && c.deadline <= now) || c.resolved.is_some_and(|r| r >= c.deadline);
    let filters: Vec<Case<complaints::Filter, C>> = vec![
        (complaints::Filter::default(), Box::new(|_| true)),
        (
            complaints::Filter {
                open_only: true,
                ..Default::default()
            },
            Box::new(|c: &C| c.open),
        ),
        (
            complaints::Filter {
                open_only: true,
                owner: Some(11),
                ..Default::default()
            },
            Box::new(|c: &C| c.open && c.owner == Some(11)),
        ),
        (
            complaints::Filter {
                breached_at: Some(at),
                ..Default::default()
            },
            Box::new(breached),
        ),
        (
            complaints::Filter {
                breached_at: Some(at),
                platform: Some("jd".into()),
                ..Default::default()
            },
            Box::new(move |c: &C| breached(c) && c.platform == "jd"),
        ),
        (
            complaints::Filter {
                open_only: true,
                breached_at: Some(at),
                ..Default::default()
            },
            Box::new(move |c: &C| c.open && breached(c)),
        ),
    ];
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    for (f, keep) in &filters {
        let mut want: Vec<&C> = all.iter().filter(|c| c.guild == GUILD && keep(c)).collect();
        want.sort_by_key(|c| (!c.open, c.deadline, c.id));
        assert!(
            want.len() > 10,
            "{f:?}: {} rows, too few to page",
            want.len()
        );
        let want_ids: Vec<i64> = want.iter().map(|c| c.id).collect();
        // Pages of 7 cross the line between the open part and the resolved part.
        let mut got = Vec::new();
        for page in 0.. {
            let (rows, total) = complaints::list(&mut conn, GUILD, f, page * 7, 7)
                .await
                .expect("list");
            assert_eq!(total, complaints::Total::Exact(want.len() as i64), "{f:?}");
            if rows.is_empty() {
                break;
            }
            assert!(
                rows.len() == 7 || got.len() + rows.len() == want.len(),
                "{f:?}"
            );
            got.extend(rows.iter().map(|r| r.id));
        }
        assert_eq!(got, want_ids, "{f:?}");
    }
}

/// Above [`complaints::COUNT_CAP`] a list counts no further for page 1 ("1000+"), and counts
/// exactly once a page past the cap is asked for; every page still holds the rows a plain
/// sort of the generated complaints puts there, across the line between the open part and the
/// resolved part of a breached list.
#[tokio::test]
async fn complaint_lists_past_the_count_cap_page_like_the_reference() {
    let t = TestApp::quiet().await;
    let now = ms(t.clock_now());
    let hour = 3_600_000;
    // 1,400 open complaints past their limit, 1,150 resolved after it, 300 resolved in time.
    let (open, late, in_time) = (1_400i64, 1_150i64, 300i64);
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 + ?3 - 1)
         INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, owner_id, logged_by, channel_id, created_at, deadline_at, resolved_at)
         SELECT ?4, 'o' || i, 'tmall', 'damaged', 'normal', 's',
                CASE WHEN i < ?1 THEN 'open' ELSE 'resolved' END, NULL, 1, 1,
                ?5 - (i % 97) * ?6 - 48 * ?6, ?5 - (i % 97) * ?6 - 24 * ?6,
                CASE WHEN i < ?1 THEN NULL
                     WHEN i < ?1 + ?2 THEN ?5 - (i % 97) * ?6 - 20 * ?6
                     ELSE ?5 - (i % 97) * ?6 - 30 * ?6 END
         FROM n",
    )
    .bind(open)
    .bind(late)
    .bind(in_time)
    .bind(id_in(GUILD))
    .bind(now)
    .bind(hour)
    .execute(t.pool())
    .await
    .expect("insert complaints");
    let rows: Vec<(i64, String, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, status, deadline_at, resolved_at FROM complaints")
            .fetch_all(t.pool())
            .await
            .expect("read back");
    let reference = |keep: &dyn Fn(&str, i64, Option<i64>) -> bool| {
        let mut kept: Vec<_> = rows
            .iter()
            .filter(|(_, st, d, r)| keep(st, *d, *r))
            .collect();
        kept.sort_by_key(|(id, st, d, _)| (st.clone(), *d, *id));
        kept.iter().map(|(id, ..)| *id).collect::<Vec<i64>>()
    };
    let breached = reference(&|st, d, r| (st == "open" && d <= now) || r.is_some_and(|r| r >= d));
    let all = reference(&|_, _, _| true);
    assert_eq!(breached.len() as i64, open + late);
    let cap = complaints::COUNT_CAP;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    // The parts each list reads, in order: a breached list is its open part, then its
    // resolved part; the plain list is one part.
    let cases = [
        (
            complaints::Filter {
                breached_at: Some(t.clock_now()),
                ..Default::default()
            },
            &breached,
            vec![open, late],
        ),
        (
            complaints::Filter::default(),
            &all,
            vec![open + late + in_time],
        ),
    ];
    for (f, want, parts) in cases {
        let n = want.len() as i64;
        for page in [
            1,
            2,
            cap / 10,
            cap / 10 + 1,
            140,
            141,
            (n + 9) / 10,
            (n + 9) / 10 + 1,
        ] {
            let (got, total) = complaints::list(&mut conn, GUILD, &f, (page - 1) * 10, 10)
                .await
                .expect("list");
            let from = ((page - 1) * 10).min(n) as usize;
            let to = (page * 10).min(n) as usize;
            let got: Vec<i64> = got.iter().map(|c| c.id).collect();
            assert_eq!(got, want[from..to], "{f:?} page {page}");
            // A part above the cap counts as the cap ("more than") while the page lies within
            // its first `cap` entries, and exactly once the page reaches past them.
            let mut before = 0;
            let mut exact = true;
            for &size in &parts {
                if size > cap && page * 10 <= before + cap {
                    exact = false;
                    before += cap;
                } else {
                    before += size;
                }
            }
            let expected = if exact {
                complaints::Total::Exact(n)
            } else {
                complaints::Total::MoreThan(before)
            };
            assert_eq!(total, expected, "{f:?} page {page}");
        }
    }
    drop(conn);

    let mut sh = t.shell("boss", "manager", "en-US").await;
    let out = crate::support::shell::run(&mut sh, "/complaint list scope:all").await;
    assert!(
        out.contains("Complaints: all — page 1/100+ (1000+)"),
        "{out}"
    );
    assert!(out.contains("btn-next") || out.contains("Next"), "{out}");
    let last = (all.len() as i64 + 9) / 10;
    let out =
        crate::support::shell::run(&mut sh, &format!("/complaint list scope:all page:{last}"))
            .await;
    assert!(
        out.contains(&format!("page {last}/{last} ({})", all.len())),
        "{out}"
    );
    let out = crate::support::shell::run(&mut sh, "/complaint list scope:breached page:101").await;
    assert!(
        out.contains(&format!(
            "page 101/{}+ ({}+)",
            (open + cap + 9) / 10,
            open + cap
        )),
        "the resolved part is not counted yet: {out}"
    );
}

/// `/complaint stats` is counted by SQLite now (`complaints::period_counts`): against the same
/// figures worked out from the generated rows by hand, over a period that cuts them.
#[tokio::test]
async fn complaint_period_counts_match_a_plain_computation() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(181818);
    let now = ms(t.clock_now());
    let minute = 60_000;
    struct R {
        guild: u64,
        created: i64,
        deadline: i64,
        resolved: Option<i64>,
        category: &'static str,
        platform: &'static str,
        serious: bool,
        outcome: Option<&'static str>,
        amount: Option<i64>,
    }
    let mut all = Vec::new();
    for _ in 0..700 {
        let created = now - rng.gen_range(0..60 * 24 * 60) * minute;
        let resolved = rng
            .gen_bool(0.8)
            .then(|| created + rng.gen_range(1..3 * 24 * 60) * minute);
        let outcome = resolved.map(|_| {
            [
                "refund",
                "partial-refund",
                "compensation",
                "explanation",
                "reship",
            ][rng.gen_range(0..5)]
        });
        let amount = outcome
            .filter(|o| *o != "explanation" && rng.gen_bool(0.8))
            .map(|_| rng.gen_range(100..10_000));
        let r = R {
            guild: if rng.gen_bool(0.9) {
                GUILD
            } else {
                OTHER_GUILD
            },
            created,
            deadline: created + [24, 48][rng.gen_range(0..2)] * 60 * minute,
            resolved,
            category: ["damaged", "quality", "wrong-size"][rng.gen_range(0..3)],
            platform: ["tmall", "jd"][rng.gen_range(0..2)],
            serious: rng.gen_bool(0.2),
            outcome,
            amount,
        };
        sqlx::query(
            "INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, logged_by, channel_id, created_at, deadline_at, resolved_at, outcome, amount_cents)
             VALUES (?1, 'o', ?2, ?3, ?4, 's', ?5, 1, 1, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(id_in(r.guild))
        .bind(r.platform)
        .bind(r.category)
        .bind(if r.serious { "serious" } else { "normal" })
        .bind(if r.resolved.is_some() { "resolved" } else { "open" })
        .bind(r.created)
        .bind(r.deadline)
        .bind(r.resolved)
        .bind(r.outcome)
        .bind(r.amount)
        .execute(t.pool())
        .await
        .expect("insert");
        all.push(r);
    }
    let (from, to) = (now - 25 * 24 * 60 * minute, now - 3 * 24 * 60 * minute);
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let got = complaints::period_counts(
        &mut conn,
        GUILD,
        storeops::store::from_ms(from),
        storeops::store::from_ms(to),
    )
    .await
    .expect("counts");
    let mine: Vec<&R> = all.iter().filter(|r| r.guild == GUILD).collect();
    let logged: Vec<&&R> = mine
        .iter()
        .filter(|r| r.created >= from && r.created < to)
        .collect();
    let before = from - (to - from);
    let logged_before = mine
        .iter()
        .filter(|r| r.created >= before && r.created < from)
        .count() as i64;
    let resolved: Vec<&&R> = mine
        .iter()
        .filter(|r| r.resolved.is_some_and(|x| x >= from && x < to))
        .collect();
    let mut times: Vec<i64> = resolved
        .iter()
        .map(|r| r.resolved.unwrap() - r.created)
        .collect();
    times.sort();
    // Nearest rank: the smallest value with at least q of the values at or below it.
    let rank = |q: f64| {
        (!times.is_empty()).then(|| {
            let k = (1..=times.len())
                .find(|k| *k as f64 >= q * times.len() as f64)
                .unwrap();
            chrono::Duration::milliseconds(times[k - 1])
        })
    };
    assert_eq!(
        got.logged.iter().map(|l| l.3).sum::<i64>(),
        logged.len() as i64
    );
    for category in ["damaged", "quality", "wrong-size"] {
        for platform in ["tmall", "jd"] {
            for serious in [false, true] {
                let want = logged
                    .iter()
                    .filter(|r| {
                        r.category == category && r.platform == platform && r.serious == serious
                    })
                    .count() as i64;
                let severity = if serious {
                    storeops::domain::complaint::Severity::Serious
                } else {
                    storeops::domain::complaint::Severity::Normal
                };
                let have = got
                    .logged
                    .iter()
                    .find(|l| l.0 == category && l.1 == platform && l.2 == severity)
                    .map(|l| l.3)
                    .unwrap_or(0);
                assert_eq!(have, want, "{category} {platform} {serious}");
            }
        }
    }
    assert_eq!(got.logged_before, logged_before);
    assert_eq!(got.resolved, resolved.len() as i64);
    assert_eq!(
        got.within_limit,
        resolved
            .iter()
            .filter(|r| r.resolved.unwrap() < r.deadline)
            .count() as i64
    );
    assert_eq!(got.median, rank(0.5));
    assert_eq!(got.p90, rank(0.9));
    assert!(got.resolved > 50 && got.within_limit > 0 && got.within_limit < got.resolved);
}

/// Autocomplete reads the active tasks in deadline order, then (for `/task show` and
/// `/task reopen`) the closed ones newest first, 25 at most, against the generated rows.
#[tokio::test]
async fn task_autocomplete_matches_a_plain_computation() {
    let t = TestApp::quiet().await;
    let mut rng = StdRng::seed_from_u64(25);
    let now = t.clock_now();
    let all = tasks_fixture(&t, &mut rng, 200, now).await;
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let mine = |x: &&T| x.guild == GUILD && (x.assignee == Some(12) || x.assignee.is_none());
    let mut active: Vec<&T> = all
        .iter()
        .filter(|x| mine(x) && matches!(x.status, "open" | "in_progress"))
        .collect();
    active.sort_by_key(|x| (x.due, x.id));
    let mut closed: Vec<&T> = all
        .iter()
        .filter(|x| mine(x) && matches!(x.status, "done" | "cancelled"))
        .collect();
    closed.sort_by_key(|x| std::cmp::Reverse(x.due));
    assert!(active.len() < 25 && active.len() + closed.len() > 25);
    for include_closed in [false, true] {
        let got = tasks::suggest(&mut conn, GUILD, 12, false, "", include_closed)
            .await
            .expect("suggest");
        let mut want: Vec<i64> = active.iter().map(|x| x.id).collect();
        if include_closed {
            want.extend(closed.iter().map(|x| x.id));
        }
        want.truncate(25);
        let got_ids: Vec<i64> = got.iter().map(|x| x.id).collect();
        // Deadlines are whole hours: equal ones may come in either order.
        let dues = |ids: &[i64]| -> Vec<i64> {
            ids.iter()
                .map(|id| all.iter().find(|x| x.id == *id).unwrap().due)
                .collect()
        };
        assert_eq!(
            dues(&got_ids),
            dues(&want),
            "include_closed {include_closed}"
        );
        let mut a = got_ids.clone();
        let mut b = want.clone();
        a.sort();
        b.sort();
        if !include_closed || closed.len() + active.len() == want.len() {
            assert_eq!(a, b);
        }
    }
}

/// Autocomplete reads only the newest `SUGGEST_WINDOW` closed tasks and resolved complaints
/// (typing what no item holds read a whole history: 2 s at a million rows): text found only
/// in an older one is not suggested, its number still finds it, and text in the window is
/// suggested newest first, as before.
#[tokio::test]
async fn autocomplete_reads_a_window_of_closed_items_and_finds_older_ones_by_number() {
    use storeops::store::SUGGEST_WINDOW;
    let t = TestApp::quiet().await;
    let n = SUGGEST_WINDOW + 40;
    let mut tx = t.pool().begin().await.expect("begin");
    for i in 0..n {
        // The oldest (i = 0) is the only one titled "ancient"; the newest 30 say "recent".
        let title = match i {
            0 => "ancient",
            i if i >= n - 30 => "recent",
            _ => "x",
        };
        sqlx::query(
            "INSERT INTO tasks (guild_id, title, status, assigner_id, channel_id, due_at, created_at, updated_at, done_at)
             VALUES (?1, ?2, 'done', 1, 1, ?3, 0, 0, ?3)",
        )
        .bind(id_in(GUILD))
        .bind(title)
        .bind(1_000_000 + i * 60_000)
        .execute(&mut *tx)
        .await
        .expect("task");
        sqlx::query(
            "INSERT INTO complaints (guild_id, order_no, platform, category, severity, summary, status, logged_by, channel_id, created_at, deadline_at, resolved_at)
             VALUES (?1, ?2, 'tmall', 'damaged', 'normal', 's', 'resolved', 1, 1, ?3, ?3 + 86400000, ?3 + 1)",
        )
        .bind(id_in(GUILD))
        .bind(title)
        .bind(1_000_000 + i * 60_000)
        .execute(&mut *tx)
        .await
        .expect("complaint");
    }
    tx.commit().await.expect("commit");
    let (first_task,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM tasks")
        .fetch_one(t.pool())
        .await
        .expect("id");
    let (first_complaint,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM complaints")
        .fetch_one(t.pool())
        .await
        .expect("id");
    let mut conn = t.app.store.pool.acquire().await.expect("conn");
    let tasks_for = async |conn: &mut sqlx::SqliteConnection, typed: &str| -> Vec<i64> {
        tasks::suggest(conn, GUILD, 1, true, typed, true)
            .await
            .expect("suggest")
            .into_iter()
            .map(|t| t.id)
            .collect()
    };
    let complaints_for = async |conn: &mut sqlx::SqliteConnection, typed: &str| -> Vec<i64> {
        complaints::suggest(conn, GUILD, typed, false, None)
            .await
            .expect("suggest")
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(tasks_for(&mut conn, "ancient").await, Vec::<i64>::new());
    assert_eq!(
        complaints_for(&mut conn, "ancient").await,
        Vec::<i64>::new()
    );
    assert_eq!(
        tasks_for(&mut conn, &format!("#{first_task}")).await,
        vec![first_task]
    );
    assert_eq!(
        complaints_for(&mut conn, &first_complaint.to_string()).await,
        vec![first_complaint]
    );
    // The newest 25 of the 30 "recent" ones, newest first; and with nothing typed, too.
    let newest = |first: i64| (0..25).map(|k| first + n - 1 - k).collect::<Vec<i64>>();
    assert_eq!(tasks_for(&mut conn, "recent").await, newest(first_task));
    assert_eq!(
        complaints_for(&mut conn, "recent").await,
        newest(first_complaint)
    );
    assert_eq!(tasks_for(&mut conn, "").await, newest(first_task));
    assert_eq!(complaints_for(&mut conn, "").await, newest(first_complaint));
    // A number inside the window is suggested once.
    let inside = first_complaint + n - 1;
    assert_eq!(
        complaints_for(&mut conn, &inside.to_string()).await,
        vec![inside]
    );
}
