//! The guild the fake Discord serves: ids are stable so tests can hard-code expectations.

/// Channel type numbers as Discord sends them.
pub const CHANNEL_TEXT: u8 = 0;
pub const CHANNEL_CATEGORY: u8 = 4;

/// Permission bits given to `@everyone` in the default fixture: view channel, send messages,
/// embed links, attach files, read history, add reactions, external emojis, use application
/// commands, create public threads, send messages in threads.
pub const DEFAULT_EVERYONE_PERMISSIONS: u64 = (1 << 6)
    | (1 << 10)
    | (1 << 11)
    | (1 << 14)
    | (1 << 15)
    | (1 << 16)
    | (1 << 18)
    | (1 << 31)
    | (1 << 35)
    | (1 << 38);

/// Administrator bit, given to the `manager` role in the default fixture.
pub const PERMISSION_ADMINISTRATOR: u64 = 1 << 3;

/// The eight staff positions, in role-position order (lowest first).
pub const POSITIONS: [&str; 8] = [
    "product",
    "warehouse",
    "copywriting",
    "design",
    "customer-service",
    "marketing",
    "operations",
    "manager",
];

#[derive(Clone, Debug)]
pub struct FixtureUser {
    pub id: u64,
    pub username: String,
    pub global_name: Option<String>,
    pub bot: bool,
}

#[derive(Clone, Debug)]
pub struct FixtureChannel {
    pub id: u64,
    pub name: String,
    /// Discord channel type (0 = text, 4 = category).
    pub kind: u8,
    pub position: u16,
    pub topic: Option<String>,
    pub parent_id: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct FixtureRole {
    pub id: u64,
    pub name: String,
    pub position: u16,
    pub permissions: u64,
    pub color: u32,
    pub hoist: bool,
    pub mentionable: bool,
}

#[derive(Clone, Debug)]
pub struct FixtureMember {
    pub user: FixtureUser,
    pub nick: Option<String>,
    /// Role ids (never includes `@everyone`, as on Discord).
    pub roles: Vec<u64>,
    /// Default interaction locale of this user (overridable per interaction).
    pub locale: String,
}

/// A single guild plus the bot application. `GuildFixture::default()` is the storeops team.
#[derive(Clone, Debug)]
pub struct GuildFixture {
    pub guild_id: u64,
    pub guild_name: String,
    pub owner_id: u64,
    pub preferred_locale: String,
    pub application_id: u64,
    /// The bot user (also a member of the guild, with no extra roles).
    pub bot: FixtureUser,
    pub everyone_permissions: u64,
    pub channels: Vec<FixtureChannel>,
    /// Roles except `@everyone` (which is generated: id == guild id, position 0).
    pub roles: Vec<FixtureRole>,
    /// Human members (the bot is added automatically).
    pub members: Vec<FixtureMember>,
}

impl Default for GuildFixture {
    fn default() -> Self {
        let guild_id = 1001;
        let mut fx = GuildFixture {
            guild_id,
            guild_name: "Storeops Test Shop".into(),
            owner_id: 4001,
            preferred_locale: "en-US".into(),
            application_id: 9001,
            bot: FixtureUser {
                id: 9001,
                username: "storeops".into(),
                global_name: None,
                bot: true,
            },
            everyone_permissions: DEFAULT_EVERYONE_PERMISSIONS,
            channels: Vec::new(),
            roles: Vec::new(),
            members: Vec::new(),
        };
        for (i, name) in ["general", "ops", "escalations", "summary"]
            .iter()
            .enumerate()
        {
            fx.channels.push(FixtureChannel {
                id: 2001 + i as u64,
                name: (*name).into(),
                kind: CHANNEL_TEXT,
                position: i as u16,
                topic: None,
                parent_id: None,
            });
        }
        for (i, name) in POSITIONS.iter().enumerate() {
            fx.roles.push(FixtureRole {
                id: 3001 + i as u64,
                name: (*name).into(),
                position: i as u16 + 1,
                permissions: if *name == "manager" {
                    PERMISSION_ADMINISTRATOR
                } else {
                    0
                },
                color: 0x1000 * (i as u32 + 1),
                hoist: false,
                mentionable: true,
            });
        }
        fx.with_member(4001, "alice", &["manager"])
            .with_member(4002, "bob", &["customer-service"])
            .with_member(4003, "carol", &["operations"])
            .with_member(4004, "dave", &["warehouse"])
    }
}

impl GuildFixture {
    /// Adds a member whose roles are given by role name (panics on unknown role names).
    pub fn with_member(mut self, id: u64, username: &str, roles: &[&str]) -> Self {
        let roles = roles.iter().map(|r| self.role_id(r)).collect();
        self.members.push(FixtureMember {
            user: FixtureUser {
                id,
                username: username.into(),
                global_name: Some(capitalise(username)),
                bot: false,
            },
            nick: None,
            roles,
            locale: "en-US".into(),
        });
        self
    }

    /// Sets the default interaction locale of a member (by username).
    pub fn with_locale(mut self, username: &str, locale: &str) -> Self {
        let id = self.user_id(username);
        if let Some(m) = self.members.iter_mut().find(|m| m.user.id == id) {
            m.locale = locale.into();
        }
        self
    }

    /// Adds a text channel.
    pub fn with_channel(mut self, id: u64, name: &str) -> Self {
        let position = self.channels.len() as u16;
        self.channels.push(FixtureChannel {
            id,
            name: name.into(),
            kind: CHANNEL_TEXT,
            position,
            topic: None,
            parent_id: None,
        });
        self
    }

    /// Adds a role above the existing ones.
    pub fn with_role(mut self, id: u64, name: &str, permissions: u64) -> Self {
        let position = self.roles.iter().map(|r| r.position).max().unwrap_or(0) + 1;
        self.roles.push(FixtureRole {
            id,
            name: name.into(),
            position,
            permissions,
            color: 0,
            hoist: false,
            mentionable: true,
        });
        self
    }

    pub fn find_channel(&self, name: &str) -> Option<&FixtureChannel> {
        self.channels.iter().find(|c| c.name == name)
    }

    pub fn find_role(&self, name: &str) -> Option<&FixtureRole> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// Finds a member by username (the bot is included).
    pub fn find_member(&self, username: &str) -> Option<&FixtureMember> {
        self.members.iter().find(|m| m.user.username == username)
    }

    pub fn member_by_id(&self, user_id: u64) -> Option<&FixtureMember> {
        self.members.iter().find(|m| m.user.id == user_id)
    }

    /// Channel id by name; panics with the known names if missing.
    pub fn channel_id(&self, name: &str) -> u64 {
        match self.find_channel(name) {
            Some(c) => c.id,
            None => panic!(
                "fixture has no channel {name:?}; known: {:?}",
                self.channels.iter().map(|c| &c.name).collect::<Vec<_>>()
            ),
        }
    }

    /// Role id by name (`"@everyone"` gives the guild id); panics if missing.
    pub fn role_id(&self, name: &str) -> u64 {
        if name == "@everyone" {
            return self.guild_id;
        }
        match self.find_role(name) {
            Some(r) => r.id,
            None => panic!(
                "fixture has no role {name:?}; known: {:?}",
                self.roles.iter().map(|r| &r.name).collect::<Vec<_>>()
            ),
        }
    }

    /// User id by username (`self.bot.username` gives the bot); panics if missing.
    pub fn user_id(&self, username: &str) -> u64 {
        if username == self.bot.username {
            return self.bot.id;
        }
        match self.find_member(username) {
            Some(m) => m.user.id,
            None => panic!(
                "fixture has no member {username:?}; known: {:?}",
                self.members
                    .iter()
                    .map(|m| &m.user.username)
                    .collect::<Vec<_>>()
            ),
        }
    }

    /// Every known user, bot included.
    pub fn all_users(&self) -> Vec<&FixtureUser> {
        let mut v: Vec<&FixtureUser> = self.members.iter().map(|m| &m.user).collect();
        v.push(&self.bot);
        v
    }

    pub fn find_user(&self, user_id: u64) -> Option<&FixtureUser> {
        self.all_users().into_iter().find(|u| u.id == user_id)
    }

    /// Permissions of a member at guild level (administrator => all bits).
    pub fn member_permissions(&self, user_id: u64) -> u64 {
        if user_id == self.owner_id {
            return u64::MAX >> 13; // all currently defined bits
        }
        let mut perms = self.everyone_permissions;
        if let Some(m) = self.member_by_id(user_id) {
            for rid in &m.roles {
                if let Some(r) = self.roles.iter().find(|r| r.id == *rid) {
                    perms |= r.permissions;
                }
            }
        }
        if perms & PERMISSION_ADMINISTRATOR != 0 {
            return u64::MAX >> 13;
        }
        perms
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
