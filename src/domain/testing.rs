//! Helpers for the domain's unit tests.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// `"YYYY-MM-DD HH:MM"` on the wall clock of `tz`, as an instant (the earlier one where the
/// clock repeats, the time after the gap where it skips).
pub fn local(tz: Tz, s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a YYYY-MM-DD HH:MM time");
    super::deadline::local_to_utc(naive, tz)
}

/// [`local`] in Shanghai (no daylight saving: every wall-clock time exists once).
pub fn sh(s: &str) -> DateTime<Utc> {
    local(chrono_tz::Asia::Shanghai, s)
}
