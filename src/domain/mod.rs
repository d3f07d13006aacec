//! Pure rules, no I/O: positions, deadlines, schedules, tasks. Everything here can be tested
//! without a database or a network.

pub mod activity;
pub mod chart;
pub mod complaint;
pub mod deadline;
pub mod history;
pub mod ical;
pub mod import;
pub mod metrics;
pub mod money;
pub mod number;
pub mod pace;
pub mod position;
pub mod product;
pub mod recurrence;
pub mod schedule;
pub mod source;
pub mod task;
#[cfg(test)]
mod testing;

/// Whether something done at `at` was within its limit `deadline`: strictly before it. The one
/// comparison for tasks and complaints alike, in the code and in SQL (`done_at < due_at`): a
/// complaint resolved at the very instant its breach escalation went out is over the limit, and
/// a task is overdue from the instant of its deadline.
pub fn in_time(at: chrono::DateTime<chrono::Utc>, deadline: chrono::DateTime<chrono::Utc>) -> bool {
    at < deadline
}

/// In an `impl` of an enum with `ALL` and a `const fn key`: `KEYS`, the stored and typed forms
/// of `ALL` in order, the one list that choice lists and error messages take.
macro_rules! keys_of_all {
    ($n:expr) => {
        /// The stored and typed forms of every variant, in the order of `ALL`.
        pub const KEYS: [&'static str; $n] = {
            let mut out = [""; $n];
            let mut i = 0;
            while i < $n {
                out[i] = Self::ALL[i].key();
                i += 1;
            }
            out
        };
    };
}
pub(crate) use keys_of_all;
