//! Interaction injection (slash, autocomplete, component, modal) and response observation.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::fixture::{FixtureMember, FixtureUser, GuildFixture};
use super::gateway;
use super::payloads::{self, id_str};
use super::rest::{self, FLAG_EPHEMERAL, FLAG_LOADING, value_id};
use super::state::{Inner, InteractionRecord, RecordedFile, State};

/// A typed command option value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    String(String),
    Integer(i64),
    Boolean(bool),
    Number(f64),
    User(u64),
    Channel(u64),
    Role(u64),
    Mentionable(u64),
    /// Served by the fake at `/attachments/{id}/{filename}`; `resolved.attachments[id].url`
    /// points there.
    Attachment {
        filename: String,
        content_type: Option<String>,
        data: Vec<u8>,
    },
}

impl OptValue {
    pub fn type_number(&self) -> u8 {
        match self {
            OptValue::String(_) => 3,
            OptValue::Integer(_) => 4,
            OptValue::Boolean(_) => 5,
            OptValue::User(_) => 6,
            OptValue::Channel(_) => 7,
            OptValue::Role(_) => 8,
            OptValue::Mentionable(_) => 9,
            OptValue::Number(_) => 10,
            OptValue::Attachment { .. } => 11,
        }
    }
}

/// A named command option.
#[derive(Clone, Debug, PartialEq)]
pub struct Opt {
    pub name: String,
    pub value: OptValue,
}

/// Option from a JSON value: string -> 3, integer -> 4, bool -> 5, float -> 10.
pub fn opt(name: &str, value: Value) -> Opt {
    let value = match value {
        Value::String(s) => OptValue::String(s),
        Value::Bool(b) => OptValue::Boolean(b),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            OptValue::Integer(n.as_i64().unwrap_or(i64::MAX))
        }
        Value::Number(n) => OptValue::Number(n.as_f64().unwrap_or_default()),
        other => panic!("opt({name:?}): unsupported JSON value {other}; use opt_user etc."),
    };
    Opt {
        name: name.into(),
        value,
    }
}

pub fn opt_str(name: &str, v: &str) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::String(v.into()),
    }
}
pub fn opt_int(name: &str, v: i64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Integer(v),
    }
}
pub fn opt_bool(name: &str, v: bool) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Boolean(v),
    }
}
pub fn opt_num(name: &str, v: f64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Number(v),
    }
}
pub fn opt_user(name: &str, user_id: u64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::User(user_id),
    }
}
pub fn opt_channel(name: &str, channel_id: u64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Channel(channel_id),
    }
}
pub fn opt_role(name: &str, role_id: u64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Role(role_id),
    }
}
pub fn opt_mentionable(name: &str, id: u64) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Mentionable(id),
    }
}
pub fn opt_attachment(name: &str, filename: &str, data: impl Into<Vec<u8>>) -> Opt {
    Opt {
        name: name.into(),
        value: OptValue::Attachment {
            filename: filename.into(),
            content_type: None,
            data: data.into(),
        },
    }
}

/// Builder for one interaction by one user: `fake.user(id).locale("zh-CN").slash(..)`.
#[must_use]
pub struct Interact {
    pub(crate) inner: Arc<Inner>,
    pub(crate) user_id: u64,
    pub(crate) locale: Option<String>,
    pub(crate) channel_id: Option<u64>,
    pub(crate) dm: bool,
}

enum Kind {
    Command {
        name: String,
        path: Vec<String>,
        opts: Vec<Opt>,
        focused: Option<Opt>,
    },
    Component {
        channel_id: u64,
        message_id: u64,
        custom_id: String,
        values: Option<Vec<String>>,
    },
    Modal {
        custom_id: String,
        fields: Vec<(String, String)>,
    },
}

impl Interact {
    /// The interacting user's locale (default: the fixture member's, "en-US" for strangers).
    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Channel the interaction happens in (default: the fixture's first channel).
    pub fn channel(mut self, channel_id: u64) -> Self {
        self.channel_id = Some(channel_id);
        self
    }

    /// Sends from the user's DM with the bot (no guild, `user` instead of `member`).
    pub fn in_dm(mut self) -> Self {
        self.dm = true;
        self
    }

    /// APPLICATION_COMMAND (type 2), optionally with a subcommand.
    pub async fn slash(self, name: &str, sub: Option<&str>, opts: Vec<Opt>) -> InteractionHandle {
        let path = sub.map(|s| vec![s.to_string()]).unwrap_or_default();
        self.send(Kind::Command {
            name: name.into(),
            path,
            opts,
            focused: None,
        })
        .await
    }

    /// APPLICATION_COMMAND with a subcommand group and subcommand.
    pub async fn slash_group(
        self,
        name: &str,
        group: &str,
        sub: &str,
        opts: Vec<Opt>,
    ) -> InteractionHandle {
        let path = vec![group.to_string(), sub.to_string()];
        self.send(Kind::Command {
            name: name.into(),
            path,
            opts,
            focused: None,
        })
        .await
    }

    /// APPLICATION_COMMAND_AUTOCOMPLETE (type 4); `focused` is sent with `focused: true` and its
    /// value as a string (as Discord does).
    pub async fn autocomplete(
        self,
        name: &str,
        sub: Option<&str>,
        opts: Vec<Opt>,
        focused: Opt,
    ) -> InteractionHandle {
        let path = sub.map(|s| vec![s.to_string()]).unwrap_or_default();
        self.send(Kind::Command {
            name: name.into(),
            path,
            opts,
            focused: Some(focused),
        })
        .await
    }

    /// MESSAGE_COMPONENT (type 3), button click on a stored message.
    pub async fn click(
        self,
        channel_id: u64,
        message_id: u64,
        custom_id: &str,
    ) -> InteractionHandle {
        self.send(Kind::Component {
            channel_id,
            message_id,
            custom_id: custom_id.into(),
            values: None,
        })
        .await
    }

    /// MESSAGE_COMPONENT (type 3) for a string select menu with the chosen values.
    pub async fn select(
        self,
        channel_id: u64,
        message_id: u64,
        custom_id: &str,
        values: Vec<String>,
    ) -> InteractionHandle {
        self.send(Kind::Component {
            channel_id,
            message_id,
            custom_id: custom_id.into(),
            values: Some(values),
        })
        .await
    }

    /// MODAL_SUBMIT (type 5) with text inputs `(custom_id, value)`.
    pub async fn submit_modal(
        self,
        custom_id: &str,
        fields: Vec<(&str, &str)>,
    ) -> InteractionHandle {
        let fields = fields
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        self.send(Kind::Modal {
            custom_id: custom_id.into(),
            fields,
        })
        .await
    }

    /// Builds a slash payload without dispatching it (for payload tests). The `build_*`
    /// methods register the interaction, so REST callbacks for its id/token are accepted.
    pub fn build_slash(&self, name: &str, path: &[&str], opts: Vec<Opt>) -> Value {
        let path = path.iter().map(|s| s.to_string()).collect();
        self.build(Kind::Command {
            name: name.into(),
            path,
            opts,
            focused: None,
        })
        .0
    }

    pub fn build_autocomplete(
        &self,
        name: &str,
        path: &[&str],
        opts: Vec<Opt>,
        focused: Opt,
    ) -> Value {
        let path = path.iter().map(|s| s.to_string()).collect();
        self.build(Kind::Command {
            name: name.into(),
            path,
            opts,
            focused: Some(focused),
        })
        .0
    }

    pub fn build_click(&self, channel_id: u64, message_id: u64, custom_id: &str) -> Value {
        self.build(Kind::Component {
            channel_id,
            message_id,
            custom_id: custom_id.into(),
            values: None,
        })
        .0
    }

    pub fn build_select(
        &self,
        channel_id: u64,
        message_id: u64,
        custom_id: &str,
        values: Vec<String>,
    ) -> Value {
        self.build(Kind::Component {
            channel_id,
            message_id,
            custom_id: custom_id.into(),
            values: Some(values),
        })
        .0
    }

    pub fn build_modal(&self, custom_id: &str, fields: Vec<(&str, &str)>) -> Value {
        let fields = fields
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        self.build(Kind::Modal {
            custom_id: custom_id.into(),
            fields,
        })
        .0
    }

    async fn send(self, kind: Kind) -> InteractionHandle {
        let timeout = self.inner.config.default_timeout;
        if self
            .inner
            .wait_for(timeout, |st| (st.gateway.identifies > 0).then_some(()))
            .await
            .is_none()
        {
            panic!(
                "fake discord: bot never IDENTIFYed within {timeout:?}; cannot inject interaction"
            );
        }
        let (payload, rec) = self.build(kind);
        let handle = InteractionHandle {
            inner: self.inner.clone(),
            id: rec.id,
            token: rec.token.clone(),
            payload: payload.clone(),
        };
        gateway::dispatch(&self.inner, "INTERACTION_CREATE", payload);
        handle
    }

    fn build(&self, kind: Kind) -> (Value, InteractionRecord) {
        let inner = &self.inner;
        let fx = &inner.fixture;
        let mut st = inner.lock();
        let id = st.new_id();
        let token = format!("fake-token-{id}-{}", st.new_id());
        let member = fx
            .member_by_id(self.user_id)
            .cloned()
            .unwrap_or_else(|| FixtureMember {
                user: FixtureUser {
                    id: self.user_id,
                    username: format!("user{}", self.user_id),
                    global_name: None,
                    bot: false,
                },
                nick: None,
                roles: vec![],
                locale: "en-US".into(),
            });
        let locale = self.locale.clone().unwrap_or_else(|| member.locale.clone());
        let guild = !self.dm;
        let mut source_message_id = None;
        let mut command = None;
        let mut focused_rec = None;
        let (type_num, data, explicit_channel, message) = match kind {
            Kind::Command {
                name,
                path,
                opts,
                focused,
            } => {
                command = Some((name.clone(), path.clone()));
                let data = command_data(inner, &mut st, &name, &path, opts, focused, guild);
                focused_rec = data.2;
                (if data.1 { 4 } else { 2 }, data.0, None, None)
            }
            Kind::Component {
                channel_id,
                message_id,
                custom_id,
                values,
            } => {
                source_message_id = Some(message_id);
                let message = st
                    .message(message_id)
                    .cloned()
                    .unwrap_or_else(|| synthetic_message(fx, channel_id, message_id));
                let data = match values {
                    Some(v) => json!({"custom_id": custom_id, "component_type": 3, "values": v}),
                    None => json!({"custom_id": custom_id, "component_type": 2}),
                };
                (3, data, Some(channel_id), Some(message))
            }
            Kind::Modal { custom_id, fields } => {
                let rows: Vec<Value> = fields
                    .into_iter()
                    .map(|(cid, value)| {
                        json!({"type": 1, "components": [{"type": 4, "custom_id": cid, "value": value}]})
                    })
                    .collect();
                (
                    5,
                    json!({"custom_id": custom_id, "components": rows}),
                    None,
                    None,
                )
            }
        };
        let channel_id = if self.dm {
            dm_channel_for(inner, &mut st, &member.user)
        } else {
            explicit_channel
                .or(self.channel_id)
                .or_else(|| fx.channels.first().map(|c| c.id))
                .unwrap_or(0)
        };
        let mut p = Map::new();
        p.insert("id".into(), id_str(id));
        p.insert("application_id".into(), id_str(fx.application_id));
        p.insert("type".into(), json!(type_num));
        p.insert("data".into(), data);
        p.insert("channel_id".into(), id_str(channel_id));
        p.insert("token".into(), json!(token));
        p.insert("version".into(), json!(1));
        p.insert("locale".into(), json!(locale));
        p.insert("entitlements".into(), json!([]));
        p.insert(
            "attachment_size_limit".into(),
            json!(payloads::ATTACHMENT_SIZE_LIMIT),
        );
        if guild {
            p.insert("guild_id".into(), id_str(fx.guild_id));
            p.insert("guild_locale".into(), json!(fx.preferred_locale));
            p.insert("member".into(), payloads::interaction_member(fx, &member));
            p.insert("channel".into(), payloads::partial_channel(fx, channel_id));
            p.insert(
                "app_permissions".into(),
                json!(fx.member_permissions(fx.bot.id).to_string()),
            );
            p.insert(
                "authorizing_integration_owners".into(),
                json!({"0": id_str(fx.guild_id)}),
            );
            p.insert("context".into(), json!(0));
        } else {
            p.insert("user".into(), payloads::user(&member.user));
            p.insert(
                "channel".into(),
                json!({"id": id_str(channel_id), "type": 1, "flags": 0, "recipients": [payloads::user(&member.user)]}),
            );
            p.insert(
                "app_permissions".into(),
                json!(fx.everyone_permissions.to_string()),
            );
            p.insert("authorizing_integration_owners".into(), json!({"0": "0"}));
            p.insert("context".into(), json!(1));
        }
        if let Some(m) = message {
            p.insert("message".into(), m);
        }
        let rec = InteractionRecord {
            id,
            token,
            kind: type_num,
            channel_id,
            guild_id: guild.then_some(fx.guild_id),
            user_id: self.user_id,
            source_message_id,
            created: Some(st.now()),
            command,
            focused: focused_rec,
            ..Default::default()
        };
        rest::register_interaction(&mut st, rec.clone());
        (Value::Object(p), rec)
    }
}

fn dm_channel_for(inner: &Inner, st: &mut State, user: &FixtureUser) -> u64 {
    if let Some(c) = st.dm_channels.get(&user.id) {
        return *c;
    }
    let c = st.new_id();
    st.dm_channels.insert(user.id, c);
    st.dm_channel_json
        .insert(c, payloads::dm_channel(c, &payloads::user(user)));
    let _ = inner;
    c
}

fn synthetic_message(fx: &super::fixture::GuildFixture, channel_id: u64, message_id: u64) -> Value {
    json!({
        "id": id_str(message_id),
        "channel_id": id_str(channel_id),
        "author": payloads::user(&fx.bot),
        "content": "",
        "timestamp": payloads::now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
    })
}

fn add(resolved: &mut Map<String, Value>, kind: &str, id: u64, v: Value) {
    let entry = resolved
        .entry(kind.to_string())
        .or_insert_with(|| json!({}));
    entry[id.to_string()] = v;
}

fn resolve_user(
    fx: &GuildFixture,
    resolved: &mut Map<String, Value>,
    uid: u64,
    guild: bool,
) -> Value {
    let user = fx.find_user(uid).cloned().unwrap_or(FixtureUser {
        id: uid,
        username: format!("user{uid}"),
        global_name: None,
        bot: false,
    });
    add(resolved, "users", uid, payloads::user(&user));
    if guild {
        let member = if uid == fx.bot.id {
            Some(FixtureMember {
                user: fx.bot.clone(),
                nick: None,
                roles: vec![],
                locale: "en-US".into(),
            })
        } else {
            fx.member_by_id(uid).cloned()
        };
        if let Some(m) = member {
            add(resolved, "members", uid, payloads::resolved_member(fx, &m));
        }
    }
    id_str(uid)
}

/// What Discord's client lets a user send for a registered command: only options the command
/// has, with their registered types, a value among the choices when there are choices, every
/// required option of a slash command, and, for autocomplete, input that "passes client-side
/// validation ... you may receive partial strings, but not invalid numbers".
/// <https://discord.com/developers/docs/interactions/application-commands#autocomplete>
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-choice-structure>
/// Panics (a test asking for an interaction Discord would never send) naming the rule.
fn check_against_registration(
    command: &Value,
    name: &str,
    path: &[String],
    opts: &[Opt],
    focused: Option<&Opt>,
) -> Option<u8> {
    let what = format!("/{} {}", name, path.join(" "));
    let Some(registered) = rest::registered_options(command, path) else {
        panic!("fake discord: {what}: the registered command has no such subcommand path");
    };
    let find = |o: &str| {
        registered
            .iter()
            .find(|r| r["name"].as_str() == Some(o))
            .unwrap_or_else(|| {
                panic!("fake discord: {what} has no option `{o}` (Discord's client cannot send it)")
            })
    };
    for o in opts {
        let r = find(&o.name);
        let t = r["type"].as_u64().unwrap_or(0);
        if t != u64::from(o.value.type_number()) {
            panic!(
                "fake discord: {what} `{}` is registered as option type {t}; the test gave type {} ({:?})",
                o.name,
                o.value.type_number(),
                o.value
            );
        }
        if let Some(choices) = r["choices"].as_array().filter(|c| !c.is_empty()) {
            let v = match &o.value {
                OptValue::String(s) => json!(s),
                OptValue::Integer(i) => json!(i),
                OptValue::Number(n) => json!(n),
                other => json!(format!("{other:?}")),
            };
            if !choices.iter().any(|c| c["value"] == v) {
                panic!(
                    "fake discord: {what} `{}` only takes one of its choices {choices:?}; the test gave {v}",
                    o.name
                );
            }
        }
    }
    match focused {
        None => {
            for r in &registered {
                let rname = r["name"].as_str().unwrap_or_default();
                if r["required"].as_bool() == Some(true) && !opts.iter().any(|o| o.name == rname) {
                    panic!(
                        "fake discord: {what} requires `{rname}`; Discord's client does not send the command without it"
                    );
                }
            }
            None
        }
        Some(f) => {
            let r = find(&f.name);
            let t = r["type"].as_u64().unwrap_or(0);
            if r["autocomplete"].as_bool() != Some(true) {
                panic!("fake discord: {what} `{}` does not autocomplete", f.name);
            }
            let typed = match &f.value {
                OptValue::String(s) => s.clone(),
                OptValue::Integer(i) => i.to_string(),
                OptValue::Number(n) => n.to_string(),
                other => panic!("fake discord: cannot type {other:?} into an option"),
            };
            let valid = match t {
                4 => typed.is_empty() || typed == "-" || typed.parse::<i64>().is_ok(),
                10 => {
                    typed.is_empty() || typed == "-" || typed == "." || typed.parse::<f64>().is_ok()
                }
                _ => true,
            };
            if !valid {
                panic!(
                    "fake discord: {what} `{}` is an {} option: Discord's client validates the input and sends no autocomplete for {typed:?} (\"you may receive partial strings, but not invalid numbers\")",
                    f.name,
                    if t == 4 { "INTEGER" } else { "NUMBER" }
                );
            }
            Some(t as u8)
        }
    }
}

/// Returns (data, is_autocomplete, focused option name and type).
fn command_data(
    inner: &Inner,
    st: &mut State,
    name: &str,
    path: &[String],
    opts: Vec<Opt>,
    focused: Option<Opt>,
    guild: bool,
) -> (Value, bool, Option<(String, u8)>) {
    let fx = &inner.fixture;
    // Commands the bot registered are what users can send; unregistered names (payload tests)
    // are built as asked.
    let registered_focus_type = rest::registered_command(inner, st, name)
        .and_then(|c| check_against_registration(&c, name, path, &opts, focused.as_ref()));
    let mut resolved = Map::new();
    let mut leaf: Vec<Value> = Vec::new();
    for o in opts {
        let mut item = json!({"name": o.name, "type": o.value.type_number()});
        let value = match &o.value {
            OptValue::String(s) => json!(s),
            OptValue::Integer(i) => json!(i),
            OptValue::Boolean(b) => json!(b),
            OptValue::Number(n) => json!(n),
            OptValue::User(uid) => resolve_user(fx, &mut resolved, *uid, guild),
            OptValue::Mentionable(uid) if fx.find_user(*uid).is_some() => {
                resolve_user(fx, &mut resolved, *uid, guild)
            }
            OptValue::Mentionable(rid) | OptValue::Role(rid) => {
                if let Some(r) = payloads::role_by_id(fx, *rid) {
                    add(&mut resolved, "roles", *rid, r);
                }
                id_str(*rid)
            }
            OptValue::Channel(cid) => {
                add(
                    &mut resolved,
                    "channels",
                    *cid,
                    payloads::partial_channel(fx, *cid),
                );
                id_str(*cid)
            }
            OptValue::Attachment {
                filename,
                content_type,
                data,
            } => {
                let a =
                    rest::register_file(inner, st, filename, content_type.as_deref(), data.clone());
                let aid = value_id(&a["id"]).unwrap_or(0);
                add(&mut resolved, "attachments", aid, a);
                id_str(aid)
            }
        };
        item["value"] = value;
        leaf.push(item);
    }
    let is_autocomplete = focused.is_some();
    let mut focused_rec = None;
    if let Some(f) = focused {
        let v = match &f.value {
            OptValue::String(s) => s.clone(),
            OptValue::Integer(i) => i.to_string(),
            OptValue::Number(n) => n.to_string(),
            OptValue::Boolean(b) => b.to_string(),
            other => format!("{other:?}"),
        };
        // The focused option has its registered type; its value is the partial text.
        let t = registered_focus_type.unwrap_or(f.value.type_number());
        leaf.push(json!({"name": f.name, "type": t, "value": v, "focused": true}));
        focused_rec = Some((f.name.clone(), t));
    }
    let options = match path {
        [] => leaf,
        [sub] => vec![json!({"name": sub, "type": 1, "options": leaf})],
        [group, sub, ..] => vec![json!({
            "name": group, "type": 2,
            "options": [{"name": sub, "type": 1, "options": leaf}],
        })],
    };
    // Use the id Discord gave the command at registration when there is one.
    let registered = st
        .guild_commands
        .get(&fx.guild_id)
        .into_iter()
        .flatten()
        .chain(st.global_commands.iter().flatten())
        .find(|c| c["name"].as_str() == Some(name) && c["type"].as_u64().unwrap_or(1) == 1)
        .and_then(|c| value_id(&c["id"]));
    let cmd_id = match registered {
        Some(id) => id,
        None => {
            let key = format!("adhoc:{name}");
            match st.command_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = st.new_id();
                    st.command_ids.insert(key, id);
                    id
                }
            }
        }
    };
    let mut data = json!({
        "id": id_str(cmd_id),
        "name": name,
        "type": 1,
        "options": options,
    });
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    if guild {
        data["guild_id"] = id_str(fx.guild_id);
    }
    (data, is_autocomplete, focused_rec)
}

/// An injected interaction; observe what the bot answered.
#[derive(Clone)]
pub struct InteractionHandle {
    inner: Arc<Inner>,
    id: u64,
    token: String,
    payload: Value,
}

impl std::fmt::Debug for InteractionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractionHandle")
            .field("id", &self.id)
            .field("token", &self.token)
            .finish()
    }
}

impl InteractionHandle {
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The INTERACTION_CREATE `d` that was sent.
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    fn record(&self) -> InteractionRecord {
        self.inner
            .lock()
            .interactions
            .get(&self.id)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits (default timeout) for the bot's `POST /interactions/{id}/{token}/callback` body
    /// (`{"type": 4, "data": {...}}`). Panics with the request log on timeout.
    pub async fn response(&self) -> Value {
        let timeout = self.inner.config.default_timeout;
        match self.try_response(timeout).await {
            Some(v) => v,
            None => {
                // Refusals with their code and errors tree: why an answer never came.
                let log: Vec<String> = self
                    .inner
                    .lock()
                    .requests
                    .iter()
                    .map(|r| {
                        if (400..500).contains(&r.status) {
                            r.describe()
                        } else {
                            format!("{} {} -> {}", r.method, r.path, r.status)
                        }
                    })
                    .collect();
                panic!(
                    "fake discord: no callback for interaction {} within {timeout:?}; requests: {log:#?}",
                    self.id
                )
            }
        }
    }

    pub async fn try_response(&self, timeout: Duration) -> Option<Value> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |st| {
                st.interactions.get(&id).and_then(|r| r.callback.clone())
            })
            .await
    }

    /// Callback type (4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal).
    pub async fn response_type(&self) -> u64 {
        self.response().await["type"].as_u64().unwrap_or(0)
    }

    /// Files uploaded with the callback.
    pub fn callback_files(&self) -> Vec<RecordedFile> {
        self.record().callback_files
    }

    pub fn original_message_id(&self) -> Option<u64> {
        self.record().original_message_id
    }

    /// Current state of `@original` (after edits), if any.
    pub fn original_message(&self) -> Option<Value> {
        let rec = self.record();
        let mid = rec.original_message_id.filter(|_| !rec.original_deleted)?;
        self.inner.lock().message(mid).cloned()
    }

    /// Bodies of `PATCH @original`, in order.
    pub fn edits(&self) -> Vec<Value> {
        self.record().original_edits
    }

    /// Followup messages (current state), in order.
    pub fn followups(&self) -> Vec<Value> {
        let rec = self.record();
        let st = self.inner.lock();
        rec.followup_ids
            .iter()
            .filter_map(|id| st.message(*id).cloned())
            .collect()
    }

    pub async fn wait_followups(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |st| {
                let r = st.interactions.get(&id)?;
                (r.followup_ids.len() >= n).then(|| {
                    r.followup_ids
                        .iter()
                        .filter_map(|m| st.message(*m).cloned())
                        .collect()
                })
            })
            .await
            .unwrap_or_else(|| self.followups())
    }

    /// Waits until `@original` exists and satisfies `pred`.
    pub async fn wait_original(
        &self,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |st| {
                let r = st.interactions.get(&id)?;
                let m = st.message(r.original_message_id?)?;
                pred(m).then(|| m.clone())
            })
            .await
    }

    /// The content the user finally sees as the response: waits for the callback, and for a
    /// deferred one (type 5/6) for the first `@original` edit or followup; then returns the
    /// `@original` content (type 4/5/7 after edits), or "" for autocomplete/modal callbacks.
    pub async fn final_content(&self) -> String {
        let resp = self.response().await;
        let timeout = self.inner.config.default_timeout;
        let kind = resp["type"].as_u64().unwrap_or(0);
        if kind == 5 || kind == 6 {
            let id = self.id;
            let done = self
                .inner
                .wait_for(timeout, |st| {
                    let r = st.interactions.get(&id)?;
                    let edited = !r.original_edits.is_empty() || !r.followup_ids.is_empty();
                    let loading = r
                        .original_message_id
                        .and_then(|m| st.message(m))
                        .is_some_and(|m| m["flags"].as_u64().unwrap_or(0) & FLAG_LOADING != 0);
                    (edited && !loading).then_some(())
                })
                .await;
            if done.is_none() {
                panic!(
                    "fake discord: deferred interaction {} never completed",
                    self.id
                );
            }
        }
        match kind {
            4..=7 => self
                .original_message()
                .and_then(|m| m["content"].as_str().map(|s| s.to_string()))
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Contents of `@original` and every followup, in order (no waiting).
    pub fn all_contents(&self) -> Vec<String> {
        let mut out = Vec::new();
        let orig = self.original_message();
        if let Some(m) = &orig {
            out.push(m["content"].as_str().unwrap_or_default().to_string());
        }
        for f in self.followups() {
            if orig.as_ref().is_some_and(|o| o["id"] == f["id"]) {
                continue;
            }
            out.push(f["content"].as_str().unwrap_or_default().to_string());
        }
        out
    }

    /// Whether the response is ephemeral (flag 64 on the callback data or `@original`).
    pub async fn is_ephemeral(&self) -> bool {
        let resp = self.response().await;
        let flags = resp["data"]["flags"].as_u64().unwrap_or(0)
            | self
                .original_message()
                .and_then(|m| m["flags"].as_u64())
                .unwrap_or(0);
        flags & FLAG_EPHEMERAL != 0
    }

    /// Autocomplete choices of a type 8 callback.
    pub async fn autocomplete_choices(&self) -> Vec<Value> {
        self.response().await["data"]["choices"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}
