//! Registers the slash commands with Discord, and keeps the bot useful when Discord refuses
//! them. Discord validates every command of a bulk overwrite and refuses all of them for one
//! fault (<https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands>),
//! so a refusal leaves the server without a single slash command: it is logged as an error
//! naming the command and option Discord pointed at, shown by `/status`, and retried with
//! backoff, while the outbox goes on delivering reminders.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde_json::Value;
use tokio::sync::watch;

use crate::app::App;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Registers `commands` in each of `guilds` (globally when empty) until Discord accepts them or
/// `stop` turns true; the first retry waits `first_retry`, each later one twice as long.
pub async fn until_accepted(
    http: Arc<serenity::Http>,
    app: App,
    commands: Vec<serenity::CreateCommand>,
    guilds: Vec<u64>,
    first_retry: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut delay = first_retry;
    loop {
        let (ok, text) = match register(&http, &commands, &guilds).await {
            Ok(()) => {
                tracing::info!(commands = commands.len(), "slash commands registered");
                (true, commands.len().to_string())
            }
            Err(e) => {
                let reason = describe(&e, &commands);
                tracing::error!(
                    reason = %reason,
                    retry_in_s = delay.as_secs_f64(),
                    "Discord refused the slash commands: the server has none until this is fixed; retrying"
                );
                (false, reason)
            }
        };
        if let Err(e) = app.record_registration(ok, &text).await {
            tracing::error!(error = %e, "cannot record the command registration in the database");
        }
        if ok {
            // Start-up is over: the catalogs are parsed, the database migrated, the gateway's
            // first payload and this registration's JSON built and dropped. glibc keeps the
            // freed pages (about half a MiB, `cargo bench --bench run_memory`) until told.
            app.store.release_memory().await;
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        delay = (delay * 2).min(MAX_BACKOFF);
    }
}

async fn register(
    http: &serenity::Http,
    commands: &[serenity::CreateCommand],
    guilds: &[u64],
) -> Result<(), serenity::Error> {
    if guilds.is_empty() {
        serenity::Command::set_global_commands(http, commands.to_vec()).await?;
    } else {
        for g in guilds {
            serenity::GuildId::new(*g)
                .set_commands(http, commands.to_vec())
                .await?;
        }
    }
    Ok(())
}

/// Discord's reason, with each error path (`5.options.3.options.1.required`) followed by the
/// command and option it points at (`/data target amount`).
fn describe(e: &serenity::Error, commands: &[serenity::CreateCommand]) -> String {
    let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) = e else {
        return e.to_string();
    };
    let sent = serde_json::to_value(commands).unwrap_or(Value::Null);
    let mut out = format!(
        "HTTP {} {} (code {})",
        r.status_code.as_u16(),
        r.error.message,
        r.error.code
    );
    for single in &r.error.errors {
        let at = command_path(&sent, &single.path);
        out.push_str(&format!("; {}: {} [{at}]", single.path, single.message));
    }
    out
}

/// The names along an error path in the commands as sent: numbers index arrays, the name of
/// each object indexed is collected.
fn command_path(sent: &Value, path: &str) -> String {
    let mut names = Vec::new();
    let mut at = sent;
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => &at[i],
            Err(_) => &at[part],
        };
        if part.parse::<usize>().is_ok()
            && let Some(n) = at["name"].as_str()
        {
            names.push(n.to_string());
        }
    }
    format!("/{}", names.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_path_names_the_command_and_option() {
        let sent = serde_json::json!([
            {"name": "help"},
            {"name": "data", "options": [
                {"name": "shop"},
                {"name": "target", "options": [{"name": "shop"}, {"name": "amount"}]}
            ]}
        ]);
        assert_eq!(
            command_path(&sent, "1.options.1.options.1.required"),
            "/data target amount"
        );
        assert_eq!(command_path(&sent, "0.description"), "/help");
        assert_eq!(command_path(&sent, "9.name"), "/");
    }
}
