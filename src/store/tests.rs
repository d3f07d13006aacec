//! Unit tests of the store's private helpers.

use super::day_of;

/// The digit-by-digit reading gives what chrono's format parser gives, on every day of two
/// centuries and on strings that are not quite days (those chrono reads, differently laid out,
/// and those it refuses).
#[test]
fn a_day_reads_as_chrono_reads_it() {
    let chrono_reads = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let mut d = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("a day");
    let end = chrono::NaiveDate::from_ymd_opt(2150, 1, 1).expect("a day");
    while d < end {
        let text = d.format("%Y-%m-%d").to_string();
        assert_eq!(day_of(&text).ok(), Some(d), "{text}");
        d = d.succ_opt().expect("next day");
    }
    for odd in [
        "2026-02-29",
        "2024-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "0000-01-01",
        "2026-1-05",
        "2026-01-5",
        "+2026-01-05",
        " 2026-01-05",
        "2026-01-05 ",
        "2026/01/05",
        "2026-0a-05",
        "20260105",
        "",
        "2026-01-05T00",
        "-001-01-01",
        "１２３４-01-05",
    ] {
        assert_eq!(day_of(odd).ok(), chrono_reads(odd), "{odd:?}");
    }
    assert!(day_of("2026-02-30").is_err_and(|e| e.to_string().contains("2026-02-30")));
}
