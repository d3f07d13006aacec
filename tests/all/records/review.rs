//! `/review month:` (the monthly review): a month of generated work — tasks done early, late,
//! exactly at the deadline, never, or cancelled; complaints handled within the limit or late,
//! or left open; shops in two currencies with missing days and figures, with and without a
//! target — and every number of the reply and of its xlsx checked against a plain reference
//! computation over what the test did.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use storeops::config::Config;

use crate::support::TestApp;
use crate::support::shell::{act_as, boss, run};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
        + Duration::days(day as i64 - 1)
}

#[derive(Default, Debug, PartialEq)]
struct TaskRef {
    due: i64,
    done: i64,
    on_time: i64,
    late: i64,
    late_hours: f64,
    overdue: i64,
}

#[derive(Default, Debug, PartialEq)]
struct ComplaintRef {
    logged: i64,
    within: i64,
    late: i64,
    open: i64,
    past: i64,
}

/// A sales row: name, currency, days with figures, paid, target, share of target.
type SalesRef = (
    String,
    &'static str,
    i64,
    Option<i64>,
    Option<i64>,
    Option<f64>,
);

/// Something done at a local time, as someone.
struct Step {
    when: NaiveDateTime,
    who: &'static str,
    positions: &'static str,
    line: String,
}

#[tokio::test]
async fn the_monthly_review_matches_a_plain_computation() {
    let mut config = Config::defaults();
    config.activities.seed_defaults = false;
    // No return-visit tasks: the month's tasks are the ones made here.
    config.complaints.return_visit_days = 0;
    let t = TestApp::with_config(config).await;
    let mut sh = boss(&t).await;
    let mut g = Lcg(1912);
    let review_at = at(36, 10); // 2027-01-05 10:00

    // Tasks: assigned now (2026-11-23), due in December (and two outside it).
    let members = ["bob", "carol", "dana"];
    let mut tasks: BTreeMap<String, TaskRef> = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut id = 0;
    for _ in 0..18 {
        id += 1;
        let day = 1 + g.next(31) as u32;
        let due = at(day, 18);
        let position = g.next(6) == 0;
        let who = members[g.next(3) as usize];
        let target = if position {
            "position:design".to_string()
        } else {
            format!("user:@{who}")
        };
        let out = run(
            &mut sh,
            &format!(
                "/task assign title:\"Job {id}\" due:\"{}\" {target}",
                due.format("%Y-%m-%d %H:%M")
            ),
        )
        .await;
        assert!(out.contains(&format!("#{id}")), "{out}");
        let key = if position {
            "Design (nobody took it)".to_string()
        } else {
            format!("@{who}")
        };
        let kind = if position { 2 } else { g.next(5) };
        if kind == 3 {
            let out = run(&mut sh, &format!("/task cancel id:{id}")).await;
            assert!(out.contains("ancel"), "{out}");
            continue; // a cancelled task is not in the review
        }
        let r = tasks.entry(key).or_default();
        r.due += 1;
        let done_at = match kind {
            0 => Some(due - Duration::hours(1 + g.next(30) as i64)),
            1 => Some(due + Duration::hours(1 + g.next(60) as i64)),
            4 => Some(due), // at the very instant: late (done < deadline is in time)
            _ => None,
        };
        match done_at {
            Some(d) => {
                r.done += 1;
                if d < due {
                    r.on_time += 1;
                } else {
                    r.late += 1;
                    r.late_hours += (d - due).num_hours() as f64;
                }
                steps.push(Step {
                    when: d,
                    who,
                    positions: "operations",
                    line: format!("/task done id:{id}"),
                });
            }
            None => r.overdue += 1,
        }
    }
    for (due, title) in [
        ("2026-11-30 18:00", "November"),
        ("2027-01-03 18:00", "January"),
    ] {
        id += 1;
        let out = run(
            &mut sh,
            &format!("/task assign title:{title} due:\"{due}\" user:@bob"),
        )
        .await;
        assert!(out.contains(&format!("#{id}")), "{out}");
    }

    // Complaints logged in December: by customer service (who then handles it), or by a
    // manager (nobody handles it until assigned).
    let mut complaints: BTreeMap<String, ComplaintRef> = BTreeMap::new();
    let mut cid = 0;
    let mut logs: Vec<(NaiveDateTime, &'static str, Option<i64>)> = Vec::new();
    for _ in 0..14 {
        let day = 1 + g.next(30) as u32;
        let logged = at(day, 9 + g.next(8) as u32);
        let by = if g.next(5) == 0 { "alice" } else { "carol" };
        let hours = match g.next(4) {
            0 => None,
            1 => Some(24), // at the limit: late
            _ => Some(1 + g.next(48) as i64),
        };
        logs.push((logged, by, hours));
    }
    logs.sort_by_key(|l| l.0);
    for (logged, by, hours) in logs {
        cid += 1;
        let handler = if by == "carol" { "@carol" } else { "nobody" };
        let r = complaints.entry(handler.to_string()).or_default();
        r.logged += 1;
        let positions = if by == "carol" {
            "customer-service"
        } else {
            "manager"
        };
        steps.push(Step {
            when: logged,
            who: by,
            positions,
            line: format!(
                "/complaint log order:R{cid} platform:tmall category:damaged summary:\"Case {cid}\""
            ),
        });
        match hours.filter(|_| by == "carol") {
            Some(h) => {
                if h < 24 {
                    r.within += 1;
                } else {
                    r.late += 1;
                }
                steps.push(Step {
                    when: logged + Duration::hours(h),
                    who: "carol",
                    positions: "customer-service",
                    line: format!("/complaint resolve id:{cid} outcome:explanation"),
                });
            }
            None => {
                r.open += 1;
                // Still open at the review: past its 24 h limit by then.
                r.past += 1;
            }
        }
    }

    // Play the month in order.
    steps.sort_by_key(|s| s.when);
    let mut now = NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    for s in steps {
        let h = (s.when - now).num_hours();
        assert!(h >= 0);
        if h > 0 {
            run(&mut sh, &format!(":advance {h}h")).await;
        }
        now = s.when;
        act_as(&mut sh, s.who, s.positions).await;
        let out = run(&mut sh, &s.line).await;
        assert!(
            out.contains('#') && !out.contains("Only "),
            "{}: {out}",
            s.line
        );
    }
    let h = (review_at - now).num_hours();
    run(&mut sh, &format!(":advance {h}h")).await;
    act_as(&mut sh, "alice", "manager").await;

    // Sales: December's figures, entered in January; CNY and USD shops, gaps.
    let shops = [
        ("Amazon US", "\"Amazon US\"", "USD", Some(5_000_000i64)),
        ("JD", "JD", "CNY", None),
        ("Tmall", "Tmall", "CNY", Some(90_000_000)),
    ];
    let mut paid: BTreeMap<&str, (i64, bool, i64)> = BTreeMap::new();
    for (name, typed, currency, target) in shops {
        run(
            &mut sh,
            &format!("/data shop name:{typed} platform:other currency:{currency}"),
        )
        .await;
        if let Some(c) = target {
            let out = run(
                &mut sh,
                &format!(
                    "/data target shop:{typed} amount:{}.{:02} month:2026-12",
                    c / 100,
                    c % 100
                ),
            )
            .await;
            assert!(out.contains("Target for"), "{out}");
        }
        let e = paid.entry(name).or_default();
        for day in 1..=31 {
            if g.next(4) == 0 {
                continue;
            }
            let mut line = format!("/data enter shop:{typed} date:2026-12-{day:02} uv:1000");
            if g.next(5) != 0 {
                let c = g.next(4_000_000) as i64;
                line.push_str(&format!(" paid-amount:{}.{:02}", c / 100, c % 100));
                e.0 += c;
                e.1 = true;
            }
            let out = run(&mut sh, &line).await;
            assert!(out.contains("saved"), "{line}\n{out}");
            e.2 += 1;
        }
    }
    // A November day and a January day are not December's.
    run(
        &mut sh,
        "/data enter shop:Tmall date:2026-11-30 paid-amount:777",
    )
    .await;
    run(
        &mut sh,
        "/data enter shop:Tmall date:2027-01-01 paid-amount:777",
    )
    .await;

    // Refusals first.
    act_as(&mut sh, "bob", "operations").await;
    let out = run(&mut sh, "/review month:2026-12").await;
    assert!(out.contains("managers"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/review month:2026-13").await;
    assert!(out.contains("2026-12"), "says what to type: {out}");

    let out = run(&mut sh, "/review month:2026-12").await;
    assert!(out.contains("Monthly review — 2026-12"), "{out}");
    let money = |c: i64, cur: &str| {
        let whole = (c / 100).to_string();
        let mut g = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                g.push(',');
            }
            g.push(ch);
        }
        format!("{g}.{:02} {cur}", c % 100)
    };
    // Per shop, then per currency (CNY has two shops: first).
    let mut sales_want: Vec<SalesRef> = Vec::new();
    for (name, _, cur, target) in shops {
        let (p, any, days) = paid[name];
        let share = target.map(|t| p as f64 / t as f64);
        sales_want.push((name.into(), cur, days, any.then_some(p), target, share));
    }
    for (cur, n) in [("CNY", 2), ("USD", 1)] {
        let of: Vec<_> = shops.iter().filter(|s| s.2 == cur).collect();
        let days: i64 = of.iter().map(|s| paid[s.0].2).sum();
        let any = of.iter().any(|s| paid[s.0].1);
        let p: i64 = of.iter().map(|s| paid[s.0].0).sum();
        let targets: Vec<i64> = of.iter().filter_map(|s| s.3).collect();
        let target = (!targets.is_empty()).then(|| targets.iter().sum::<i64>());
        let paid_of_target: i64 = of
            .iter()
            .filter(|s| s.3.is_some())
            .map(|s| paid[s.0].0)
            .sum();
        let share = target.map(|t| paid_of_target as f64 / t as f64);
        sales_want.push((
            format!("All {cur} shops ({n})"),
            cur,
            days,
            any.then_some(p),
            target,
            share,
        ));
    }
    for (name, cur, days, p, target, share) in &sales_want {
        let line = format!(
            "{name}: paid {} of target {} ({}) · {days} days with figures",
            p.map_or("—".into(), |p| money(p, cur)),
            target.map_or("—".into(), |t| money(t, cur)),
            share.map_or("—".into(), |s| format!("{:.1}%", s * 100.0)),
        );
        assert!(out.contains(&line), "no “{line}” in\n{out}");
    }
    for (who, r) in &tasks {
        let avg = if r.late > 0 {
            format!("{:.1}", r.late_hours / r.late as f64)
        } else {
            "—".into()
        };
        let line = format!(
            "{who}: {} due · {} done ({} on time, {} late, on average {avg} h late) · {} still overdue",
            r.due, r.done, r.on_time, r.late, r.overdue
        );
        assert!(out.contains(&line), "no “{line}” in\n{out}");
    }
    for (who, r) in &complaints {
        let line = format!(
            "{who}: {} logged · {} handled within the limit · {} late · {} open ({} past the limit)",
            r.logged, r.within, r.late, r.open, r.past
        );
        assert!(out.contains(&line), "no “{line}” in\n{out}");
    }

    // The workbook says the same, in typed cells.
    let path = out
        .lines()
        .find_map(|l| l.strip_prefix("Saved: "))
        .unwrap_or_else(|| panic!("no file: {out}"));
    let mut book = Xlsx::new(Cursor::new(std::fs::read(path).expect("xlsx"))).expect("xlsx");
    assert_eq!(book.sheet_names(), ["Sales", "Tasks", "Complaints"]);
    let rows = |book: &mut Xlsx<Cursor<Vec<u8>>>, s: &str| -> Vec<Vec<Data>> {
        book.worksheet_range(s)
            .expect("sheet")
            .rows()
            .map(<[Data]>::to_vec)
            .collect()
    };
    let num = |d: &Data| match d {
        Data::Float(x) => Some(*x),
        Data::Int(x) => Some(*x as f64),
        Data::Empty => None,
        other => panic!("not a number: {other:?}"),
    };
    let sales = rows(&mut book, "Sales");
    assert_eq!(sales.len(), sales_want.len() + 1);
    for (row, (name, cur, days, p, target, share)) in sales[1..].iter().zip(&sales_want) {
        assert_eq!(row[0], Data::String(name.clone()));
        assert_eq!(row[1], Data::String(cur.to_string()));
        assert_eq!(num(&row[2]), Some(*days as f64));
        assert_eq!(num(&row[3]), p.map(|p| p as f64 / 100.0));
        assert_eq!(num(&row[4]), target.map(|t| t as f64 / 100.0));
        match (num(&row[5]), share) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{a} {b}"),
            (a, b) => assert_eq!(a, *b),
        }
    }
    let task_rows = rows(&mut book, "Tasks");
    assert_eq!(task_rows.len(), tasks.len() + 1);
    for row in &task_rows[1..] {
        let Data::String(who) = &row[0] else {
            panic!("{row:?}")
        };
        let key = if who.starts_with("Design") {
            who.clone()
        } else {
            format!("@{who}")
        };
        let r = &tasks[&key];
        assert_eq!(num(&row[1]), Some(r.due as f64));
        assert_eq!(num(&row[2]), Some(r.done as f64));
        assert_eq!(num(&row[3]), Some(r.on_time as f64));
        assert_eq!(num(&row[4]), Some(r.late as f64));
        assert_eq!(
            num(&row[5]),
            (r.late > 0).then(|| r.late_hours / r.late as f64)
        );
        assert_eq!(num(&row[6]), Some(r.overdue as f64));
    }
    let complaint_rows = rows(&mut book, "Complaints");
    assert_eq!(complaint_rows.len(), complaints.len() + 1);
    for row in &complaint_rows[1..] {
        let Data::String(who) = &row[0] else {
            panic!("{row:?}")
        };
        let key = if who == "nobody" {
            who.clone()
        } else {
            format!("@{who}")
        };
        let r = &complaints[&key];
        let got: Vec<Option<f64>> = row[1..6].iter().map(num).collect();
        let want: Vec<Option<f64>> = [r.logged, r.within, r.late, r.open, r.past]
            .iter()
            .map(|n| Some(*n as f64))
            .collect();
        assert_eq!(got, want, "{who}");
    }

    // One member: only their lines.
    let out = run(&mut sh, "/review month:2026-12 user:@bob").await;
    assert!(out.contains("@bob: "), "{out}");
    assert!(!out.contains("@carol: "), "{out}");
}
