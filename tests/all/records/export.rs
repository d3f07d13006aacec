//! `/task export` and `/complaint export`: the files the shell saves beside the database are
//! read back (xlsx with calamine, CSV with the csv crate) and compared with the database; text
//! that a spreadsheet would run as a formula is stored so it never runs.

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Asia::Shanghai;

use crate::support::TestApp;
use crate::support::shell::{act_as, boss, log_complaint, log_damaged, run};

const HYPERLINK: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// The files a reply says it saved.
fn saved(out: &str) -> Vec<PathBuf> {
    out.lines()
        .filter_map(|l| l.strip_prefix("Saved: "))
        .map(PathBuf::from)
        .collect()
}

/// Excel's serial number of a local time (days since 1899-12-30), the independent oracle of
/// what a typed date cell must hold.
fn serial(t: DateTime<Utc>) -> f64 {
    let local = t.with_timezone(&Shanghai).naive_local();
    let epoch: NaiveDateTime = NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (local - epoch).num_seconds() as f64 / 86_400.0
}

/// What a spreadsheet runs as a formula when it opens a CSV (Excel, LibreOffice with formula
/// evaluation on): a field whose first character is one of these.
fn csv_runs(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn xlsx_sheets(path: &PathBuf) -> (Xlsx<Cursor<Vec<u8>>>, Vec<String>) {
    let bytes = std::fs::read(path).expect("read xlsx");
    let book = Xlsx::new(Cursor::new(bytes)).expect("an xlsx calamine opens");
    let names = book.sheet_names();
    (book, names)
}

fn csv_rows(path: &PathBuf) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("read csv");
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 BOM for Excel");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("csv row").iter().map(String::from).collect())
        .collect()
}

/// (id, title, due, done) of the tasks due in the week, from the database.
async fn tasks_due(t: &TestApp) -> Vec<(i64, String, i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT id, title, due_at, done_at FROM tasks WHERE due_at >= ?1 AND due_at < ?2 ORDER BY id",
    )
    .bind("2026-11-22T16:00:00Z".parse::<DateTime<Utc>>().unwrap().timestamp_millis())
    .bind("2026-11-29T16:00:00Z".parse::<DateTime<Utc>>().unwrap().timestamp_millis())
    .fetch_all(&t.app.store.pool)
    .await
    .expect("tasks")
}

#[tokio::test]
async fn task_export_matches_the_database_and_never_runs_a_formula() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    for line in [
        format!("/task assign title:'{HYPERLINK}' due:\"2026-11-24 18:00\" user:@bob"),
        "/task assign title:\"-2+3\" due:\"2026-11-25 18:00\" position:design".into(),
        "/task assign title:'普通任务, with \"quotes\"' due:\"2026-11-26 12:00\" user:@carol priority:high".into(),
        "/task assign title:later due:\"2026-12-10 10:00\" user:@carol".into(),
    ] {
        let out = run(&mut sh, &line).await;
        assert!(out.contains("New task"), "{line}: {out}");
    }
    run(&mut sh, "/task reassign id:1 user:@dana").await;
    run(&mut sh, ":advance 30h").await; // Tue 15:00
    act_as(&mut sh, "dana", "design").await;
    assert!(run(&mut sh, "/task done id:1").await.contains("on time"));
    run(&mut sh, ":advance 48h").await; // Thu 15:00
    act_as(&mut sh, "carol", "operations").await;
    assert!(
        run(&mut sh, "/task done id:3")
            .await
            .contains("after the deadline")
    );

    // Members may not export the team's record.
    let out = run(&mut sh, "/task export from:2026-11-23 to:2026-11-29").await;
    assert!(out.contains("managers"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/task export from:2026-11-29 to:2026-11-23").await;
    assert!(out.contains("is after the last"), "{out}");
    let out = run(
        &mut sh,
        "/task export from:2026-11-23 to:2026-11-29 format:pdf",
    )
    .await;
    assert!(out.contains("Choose one of: xlsx, csv"), "{out}");

    let out = run(&mut sh, "/task export from:2026-11-23 to:2026-11-29").await;
    assert!(out.contains("3 tasks due 2026-11-23 – 2026-11-29"), "{out}");
    let files = saved(&out);
    assert_eq!(files.len(), 1, "{out}");
    let xlsx = &files[0];
    assert_eq!(
        xlsx.parent().unwrap(),
        std::path::absolute(t.dir.path().join("attachments")).unwrap(),
        "next to the database"
    );
    assert!(xlsx.ends_with("tasks-2026-11-23-2026-11-29.xlsx"));
    let expected = tasks_due(&t).await;
    assert_eq!(expected.len(), 3);

    let (mut book, names) = xlsx_sheets(xlsx);
    assert_eq!(names, ["Tasks", "History"]);
    let sheet = book.worksheet_range("Tasks").expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 1 + expected.len());
    assert_eq!(rows[0][0], Data::String("Task".into()));
    let now = t.clock_now().timestamp_millis();
    for (row, (id, title, due, done)) in rows[1..].iter().zip(&expected) {
        assert_eq!(row[0], Data::Float(*id as f64));
        // The text exactly as typed, as a text cell.
        assert_eq!(row[1], Data::String(title.clone()));
        let Data::DateTime(d) = &row[8] else {
            panic!("due is a date cell: {:?}", row[8])
        };
        assert!((d.as_f64() - serial(DateTime::from_timestamp_millis(*due).unwrap())).abs() < 1e-6);
        // Lateness in hours: finished after the deadline, or open past it until now.
        let late = match done {
            Some(d) if d >= due => Some((d - due) as f64 / 3_600_000.0),
            Some(_) => None,
            None if now >= *due => Some((now - due) as f64 / 3_600_000.0),
            None => None,
        };
        match late {
            Some(h) => assert_eq!(row[12], Data::Float(h), "task {id}"),
            None => assert_eq!(row[12], Data::Empty, "task {id}"),
        }
    }
    assert_eq!(rows[1][2], Data::String("dana".into()));
    assert_eq!(rows[2][2], Data::String("Design".into()));
    assert_eq!(rows[2][11], Data::String("overdue".into()));
    assert_eq!(rows[3][11], Data::String("no".into()));
    assert_eq!(rows[3][12], Data::Float(3.0));
    // No cell holds a formula; the formula-looking ones are marked as text (quote prefix).
    let formulas = book.worksheet_formula("Tasks").expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let styles = {
        let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(xlsx).unwrap())).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut s).unwrap();
        s
    };
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    let history = book.worksheet_range("History").expect("history");
    let h: Vec<Vec<String>> = history
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        h.iter().any(|r| r[0] == "1"
            && r[2] == "alice"
            && r[3] == "reassigned it"
            && r[4] == "bob → dana"),
        "{h:?}"
    );

    // The same as CSV: two files, every field a spreadsheet would run neutralised.
    let out = run(
        &mut sh,
        "/task export from:2026-11-23 to:2026-11-29 format:csv",
    )
    .await;
    let files = saved(&out);
    assert_eq!(files.len(), 2, "{out}");
    let tasks = csv_rows(&files[0]);
    assert_eq!(tasks.len(), 1 + expected.len());
    for (row, (id, title, _, _)) in tasks[1..].iter().zip(&expected) {
        assert_eq!(row[0], id.to_string());
        let shown = if csv_runs(title) {
            format!("'{title}")
        } else {
            title.clone()
        };
        assert_eq!(&row[1], &shown);
    }
    assert_eq!(tasks[1][1], format!("'{HYPERLINK}"));
    assert_eq!(tasks[3][1], "普通任务, with \"quotes\"");
    for f in &files {
        for row in csv_rows(f) {
            for field in row {
                assert!(!csv_runs(&field), "{f:?}: {field:?} would run");
            }
        }
    }
    // Exporting again never overwrites the first file.
    let out = run(&mut sh, "/task export from:2026-11-23 to:2026-11-29").await;
    assert!(
        saved(&out)[0].ends_with("tasks-2026-11-23-2026-11-29-2.xlsx"),
        "{out}"
    );
}

#[tokio::test]
async fn complaint_export_has_handlers_limits_and_money() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    let summary = format!("order:A1 platform:tmall category:damaged summary:'{HYPERLINK}'");
    log_complaint(&mut sh, 1, &summary).await;
    log_damaged(&mut sh, 2, "@A2", "fine").await;
    run(&mut sh, "/complaint assign id:1 user:@bob").await;
    run(&mut sh, ":advance 5h").await;
    act_as(&mut sh, "bob", "customer-service").await;
    let out = run(
        &mut sh,
        "/complaint resolve id:1 outcome:partial-refund amount:25.50",
    )
    .await;
    assert!(out.contains("25.50"), "{out}");
    act_as(&mut sh, "alice", "manager").await;
    let out = run(&mut sh, "/complaint export from:2026-11-23 to:2026-11-23").await;
    assert!(out.contains("2 complaints logged"), "{out}");
    let (mut book, names) = xlsx_sheets(&saved(&out)[0]);
    assert_eq!(names, ["Complaints", "History"]);
    let sheet = book.worksheet_range("Complaints").expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let (created, resolved, amount): (i64, i64, i64) =
        sqlx::query_as("SELECT created_at, resolved_at, amount_cents FROM complaints WHERE id = 1")
            .fetch_one(&t.app.store.pool)
            .await
            .unwrap();
    assert_eq!(rows[1][5], Data::String(HYPERLINK.into()));
    assert_eq!(rows[1][7], Data::String("bob".into()));
    assert_eq!(rows[1][12], Data::String("yes".into()));
    assert_eq!(
        rows[1][13],
        Data::Float((resolved - created) as f64 / 3_600_000.0)
    );
    assert_eq!(rows[1][15], Data::Float(amount as f64 / 100.0));
    assert_eq!(rows[2][1], Data::String("@A2".into()));
    assert_eq!(rows[2][11], Data::Empty);

    let out = run(
        &mut sh,
        "/complaint export from:2026-11-23 to:2026-11-23 format:csv",
    )
    .await;
    let files = saved(&out);
    let rows = csv_rows(&files[0]);
    assert_eq!(rows[1][5], format!("'{HYPERLINK}"));
    assert_eq!(rows[2][1], "'@A2");
    assert_eq!(rows[1][15], "25.50");
    // No shop: the server's default currency, beside the amount; none without an amount.
    assert_eq!(rows[0][16], "Currency");
    assert_eq!(rows[1][16], "CNY");
    assert_eq!(rows[2][16], "");
    let history = csv_rows(&files[1]);
    assert!(
        history
            .iter()
            .any(|r| r[0] == "1" && r[4] == "nobody → bob"),
        "{history:?}"
    );
}

/// Complaints on shops in two currencies: the export gives each amount its payment's currency
/// (the shops' on its platform), in xlsx and CSV alike, and adds nothing up across them: the
/// amounts per currency read back equal what was paid in that currency.
#[tokio::test]
async fn complaint_export_gives_each_amount_its_currency() {
    let t = TestApp::quiet().await;
    let mut sh = boss(&t).await;
    for (shop, platform, currency) in [
        ("Tmall", "tmall", "CNY"),
        ("JD", "jd", "CNY"),
        ("Amazon", "amazon", "USD"),
    ] {
        let out = run(
            &mut sh,
            &format!("/data shop name:{shop} platform:{platform} currency:{currency}"),
        )
        .await;
        assert!(out.contains("added"), "{out}");
    }
    // (platform, amount paid or none, its currency)
    let cases = [
        ("tmall", Some("25.50"), "CNY"),
        ("amazon", Some("19.99"), "USD"),
        ("jd", Some("120.00"), "CNY"),
        ("amazon", None, ""),
        ("amazon", Some("5.01"), "USD"),
    ];
    for (i, (platform, amount, _)) in cases.iter().enumerate() {
        let id = i + 1;
        let out = run(
            &mut sh,
            &format!("/complaint log order:O{id} platform:{platform} category:damaged summary:\"Cup {id}\""),
        )
        .await;
        assert!(out.contains(&format!("#{id}")), "{out}");
        if let Some(a) = amount {
            let out = run(
                &mut sh,
                &format!("/complaint resolve id:{id} outcome:partial-refund amount:{a}"),
            )
            .await;
            assert!(out.contains(a), "{out}");
        }
    }
    let today = "2026-11-23";
    let out = run(
        &mut sh,
        &format!("/complaint export from:{today} to:{today}"),
    )
    .await;
    let (mut book, _) = xlsx_sheets(&saved(&out)[0]);
    let sheet = book.worksheet_range("Complaints").expect("sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][16], Data::String("Currency".into()));
    let mut xlsx_sums: std::collections::BTreeMap<String, i64> = Default::default();
    for (row, (_, amount, currency)) in rows[1..].iter().zip(&cases) {
        match amount {
            Some(a) => {
                assert_eq!(row[16], Data::String(currency.to_string()), "{row:?}");
                let Data::Float(v) = row[15] else {
                    panic!("amount {row:?}")
                };
                *xlsx_sums.entry(currency.to_string()).or_default() += (v * 100.0).round() as i64;
                assert_eq!(format!("{v:.2}"), *a);
            }
            None => assert_eq!((&row[15], &row[16]), (&Data::Empty, &Data::Empty)),
        }
    }
    assert_eq!(rows.len(), cases.len() + 1);
    let out = run(
        &mut sh,
        &format!("/complaint export from:{today} to:{today} format:csv"),
    )
    .await;
    let csv = csv_rows(&saved(&out)[0]);
    let mut csv_sums: std::collections::BTreeMap<String, i64> = Default::default();
    for (row, (_, amount, currency)) in csv[1..].iter().zip(&cases) {
        assert_eq!(row[15], amount.unwrap_or(""), "{row:?}");
        assert_eq!(row[16], *currency, "{row:?}");
        if !row[15].is_empty() {
            let cents: i64 = row[15].replace('.', "").parse().expect("cents");
            *csv_sums.entry(row[16].clone()).or_default() += cents;
        }
    }
    // The reference: what was paid, per currency.
    let want: std::collections::BTreeMap<String, i64> =
        [("CNY".to_string(), 14_550), ("USD".to_string(), 2_500)].into();
    assert_eq!(xlsx_sums, want);
    assert_eq!(csv_sums, want);
}
