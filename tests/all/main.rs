//! The one integration-test binary (one link on a 2-core machine). Each capability is a module.

mod fake_discord;
mod support;

mod config;
mod discord;
mod discord_payloads;
mod foundation;
mod outbox;
mod tasks;
