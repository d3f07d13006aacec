//! The one integration-test binary (one link on a 2-core machine). Each capability is a module.

mod fake_discord;
mod support;

mod activities;
mod complaints;
mod config;
mod data;
mod discord;
mod discord_limits;
mod discord_payloads;
mod discord_rules;
mod foundation;
mod import;
mod outbox;
mod summary;
mod tasks;
