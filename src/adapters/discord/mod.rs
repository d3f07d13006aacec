//! The Discord front-end (serenity + poise).

use crate::config::Config;

/// Runs the bot until SIGINT/SIGTERM.
pub async fn run(_config: Config) -> anyhow::Result<()> {
    anyhow::bail!("the Discord front-end is not built yet")
}
