//! Front-ends. Each turns what a person typed or clicked into an invocation plus an actor,
//! calls the core, and renders the reply. Adding a platform means adding a module here, not
//! touching the core.

pub mod cli;
pub mod discord;
pub mod shell;
