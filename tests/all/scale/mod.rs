//! Fast at years of data: every hot statement reads through an index (plans.rs), the lists
//! and statistics built for that still answer what a plain computation over the raw rows
//! answers (lists.rs), the maintained aggregates answer what the base rows answer
//! (aggregates.rs), the settings read finds the names it needs among hundreds (names.rs), and the
//! outbox is pruned to a bounded size (prune.rs).

mod aggregates;
mod lists;
mod names;
mod plans;
mod prune;
