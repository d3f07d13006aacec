//! Pure rules, no I/O: positions, deadlines, schedules, tasks. Everything here can be tested
//! without a database or a network.

pub mod deadline;
pub mod position;
pub mod schedule;
pub mod task;
