//! Instants and days as the tests write and read them. The shell's guild keeps its default time
//! zone, Asia/Shanghai, so a test says "2026-11-25 10:00" the way the shell prints it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

/// A local Asia/Shanghai time ("2026-11-25 10:00") as an instant: for comparing what was stored
/// with what a person typed or read.
pub fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local time");
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// An instant as a local Asia/Shanghai time, the way the shell prints it: the inverse of
/// [`local`], for comparing stored instants with expected local times.
pub fn shown(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An RFC 3339 instant ("2026-03-08T07:00:00Z"): for tests about other time zones, where a
/// Shanghai local time would only hide what is meant.
pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// A day ("2026-11-22"), as the daily figures are keyed.
pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}
