//! Calling the core directly, without a front-end: who calls ([`actor`]), from where
//! ([`origin`]), and the option values and form fields a front-end would have read. For what
//! the shell cannot show (a reply's mentions and buttons, a form) or cannot do (another guild).

use storeops::adapters::shell::{SHELL_GUILD, shell_channel};
use storeops::app::{Actor, OptValue, Origin};
use storeops::domain::position::Position;
use storeops::message::Mentions;

use super::shell::uid;

/// An actor with the shell's id for `name`, so what it does reads back like the shell's user.
pub fn actor(name: &str, positions: &[Position], locale: &str) -> Actor {
    let mut a = Actor::new(uid(name), name);
    a.positions = positions.to_vec();
    a.locale = Some(locale.parse().expect("locale"));
    a
}

/// A call from the shell's guild and channel.
pub fn origin(a: Actor) -> Origin {
    origin_in(SHELL_GUILD, a)
}

/// A call from another guild (e.g. one nobody set up), in the shell's channel.
pub fn origin_in(guild: u64, a: Actor) -> Origin {
    Origin {
        guild_id: guild,
        channel_id: shell_channel(),
        actor: a,
    }
}

/// A typed option value.
pub fn text_opt(s: &str) -> OptValue {
    OptValue::Str(s.to_string())
}

/// A member picked in a user option, as the shell would resolve `@name`.
pub fn user_opt(name: &str) -> OptValue {
    OptValue::User {
        id: uid(name),
        name: name.to_string(),
    }
}

/// A submitted form's fields, by field id.
pub fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Exactly these users and roles pinged: for comparing with a reply's or a ping's mentions.
pub fn mentions(users: &[u64], roles: &[u64]) -> Mentions {
    Mentions {
        users: users.to_vec(),
        roles: roles.to_vec(),
    }
}
