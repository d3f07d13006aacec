//! When a recurrence ends: never, after a last day (in the team's time zone), or after a number
//! of occurrences.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The end of a recurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum End {
    /// Goes on until stopped.
    #[default]
    Never,
    /// Its last occurrence is on or before this local day.
    Until(NaiveDate),
    /// It occurs this many times.
    Times(i64),
}

impl End {
    /// Whether the `n`th occurrence (counting from 1), at `at`, still happens.
    pub fn allows(self, at: DateTime<Utc>, n: i64, tz: Tz) -> bool {
        match self {
            End::Never => true,
            End::Until(day) => at.with_timezone(&tz).date_naive() <= day,
            End::Times(times) => n <= times,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_day_is_the_teams_day() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        // 2026-11-27 23:30 in Shanghai is 15:30 UTC; the next midnight there is 16:00 UTC.
        let late: DateTime<Utc> = "2026-11-27T15:30:00Z".parse().unwrap();
        let next: DateTime<Utc> = "2026-11-27T16:00:00Z".parse().unwrap();
        assert!(End::Until(day).allows(late, 99, tz));
        assert!(!End::Until(day).allows(next, 1, tz));
        assert!(End::Times(3).allows(next, 3, tz) && !End::Times(3).allows(next, 4, tz));
        assert!(End::Never.allows(next, i64::MAX, tz));
    }
}
