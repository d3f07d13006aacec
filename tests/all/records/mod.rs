//! Records that leave the chat or tell the truth about the past (#19): histories that name both
//! sides of every change, exports, backups, calendars.

mod backup;
mod calendar;
mod data_export;
mod export;
mod history;
mod recurrence;
mod review;
mod rrule;
