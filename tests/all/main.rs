//! The one integration-test binary (one link on a 2-core machine). Each capability is a module,
//! cut like the code: a feature folder per feature of `src/app/cmd/`, each with a `discord.rs`
//! for its flow through the fake Discord. Helpers shared by more than one file live in
//! `support/`, once.

mod fake_discord;
mod support;

mod activities;
mod complaints;
mod config;
mod data;
mod deadlines;
mod discord;
mod figure_sources;
mod foundation;
mod hostile;
mod house;
mod import;
mod import_meaning;
mod import_real;
mod legacy;
mod model;
mod outbox;
mod permissions;
mod records;
mod scale;
mod schedules;
mod summary;
mod tasks;
mod zh_cn;
