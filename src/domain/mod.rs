//! Pure rules, no I/O: positions, deadlines, schedules, tasks. Everything here can be tested
//! without a database or a network.

pub mod activity;
pub mod chart;
pub mod complaint;
pub mod deadline;
pub mod import;
pub mod metrics;
pub mod money;
pub mod position;
pub mod product;
pub mod schedule;
pub mod task;
