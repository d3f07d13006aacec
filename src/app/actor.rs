//! Who is asking, as the front-end knows them.

use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::store::settings::GuildSettings;

/// The person behind a command or a click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: u64,
    pub name: String,
    /// Platform role ids the person holds (mapped to positions by the guild's settings).
    pub role_ids: Vec<u64>,
    /// Positions the front-end already knows (the shell's `--roles`).
    pub positions: Vec<Position>,
    /// Holds the platform's administrator / manage-server permission: counts as a manager so a
    /// new server can be set up before any role is mapped.
    pub is_admin: bool,
    /// The person's own language, when the platform tells it.
    pub locale: Option<Locale>,
}

impl Actor {
    /// An actor with a name and nothing else.
    pub fn new(user_id: u64, name: impl Into<String>) -> Self {
        Actor {
            user_id,
            name: name.into(),
            role_ids: vec![],
            positions: vec![],
            is_admin: false,
            locale: None,
        }
    }

    /// Every position the actor holds in this guild.
    pub fn positions_in(&self, guild: &GuildSettings) -> Vec<Position> {
        let mut all = guild.positions_of(&self.role_ids);
        all.extend(self.positions.iter().copied());
        all.sort();
        all.dedup();
        all
    }

    /// Whether the actor may do what only managers may.
    pub fn is_manager(&self, guild: &GuildSettings) -> bool {
        self.is_admin || self.positions_in(guild).contains(&Position::Manager)
    }

    /// The language to answer in.
    pub fn locale_in(&self, guild: &GuildSettings) -> Locale {
        self.locale.unwrap_or(guild.locale)
    }
}

/// Where a command was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The guild (server); the shell uses a fixed local guild.
    pub guild_id: u64,
    /// The channel the command was typed in.
    pub channel_id: u64,
    pub actor: Actor,
}
