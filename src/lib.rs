//! storeops: the daily operations of an online store's team, run from a chat bot.
//!
//! One core (`app`, `domain`, `store`, `schedule`) and several front-ends (`adapters`). The core
//! never imports a chat platform's crate: a front-end turns what a person typed into an
//! [`app::Invocation`] plus an [`app::Actor`], and renders the [`app::Reply`] it gets back.

pub mod adapters;
pub mod app;
pub mod clock;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod message;
pub mod outbox;
pub mod store;
