//! The local guild: the one place a front-end without real platform ids (the shell) plays in.
//! It lives in the core because core features fall back to its channel (activities with no
//! channel post there); front-ends re-export it instead of the core importing a front-end.

use super::{App, AppResult};
use crate::domain::position::Position;
use crate::message::NameKind;
use crate::store::settings::{self, SettingsChange};
use crate::store::{ms, names};

/// The guild id of the local play area.
pub const LOCAL_GUILD: u64 = 1;

/// A stable pretend id for a name (users, roles `@&name`, channels `#name`): FNV-1a, kept
/// below 2^53 and away from small numbers.
pub fn local_id(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.trim().to_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h & ((1 << 53) - 1)) | (1 << 40)
}

/// The channel of the local guild where commands are typed.
pub fn local_channel() -> u64 {
    local_id("#shell")
}

/// Sets the local guild up for play: every position mapped to a pretend role named after it
/// (so pings to positions show by name), and the names of those roles and of the channel.
pub async fn prepare(app: &App) -> AppResult<()> {
    let now = ms(app.clock.now());
    app.write(async |conn| {
        let guild = settings::get_or_init(conn, LOCAL_GUILD, &app.config, now).await?;
        for p in Position::ALL {
            let role = local_id(&format!("@&{}", p.key()));
            names::remember(conn, LOCAL_GUILD, NameKind::Role, role, p.key(), now).await?;
            if !guild.positions.contains_key(&p) {
                let change = SettingsChange {
                    position_role: Some((p, role)),
                    ..SettingsChange::default()
                };
                let changes = app.store.settings_changes();
                settings::update(conn, changes, LOCAL_GUILD, &change, 0, now).await?;
            }
        }
        let channel = local_channel();
        names::remember(conn, LOCAL_GUILD, NameKind::Channel, channel, "shell", now).await?;
        Ok(())
    })
    .await
}
