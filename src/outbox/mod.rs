//! Delivery of everything the bot sends on its own: the [`Sink`] a front-end provides, and the
//! [`dispatcher::Dispatcher`] that claims due outbox rows and sends them exactly once.

pub mod dispatcher;
pub mod reconcile;
pub mod sink;

pub use dispatcher::Dispatcher;
pub use sink::{Delivered, Outbound, Posted, SendError, Sink};
