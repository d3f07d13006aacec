//! JSON payload builders shaped like Discord's (API v10) and accepted by serenity 0.12.5's models.
//!
//! Every required (non-`Option`, non-`#[serde(default)]`) field of the serenity model is present;
//! `tests/payloads.rs` in the scratch crate deserializes all of them into serenity's own types.

use serde_json::{Value, json};

use super::fixture::{FixtureChannel, FixtureMember, FixtureRole, FixtureUser, GuildFixture};

pub const JOINED_AT: &str = "2024-01-01T00:00:00.000Z";
pub const API_VERSION: u8 = 10;
/// Upload size limit sent as `attachment_size_limit` on interactions (25 MiB).
pub const ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;

pub fn now() -> String {
    serenity::model::Timestamp::now()
        .to_rfc3339()
        .unwrap_or_else(|| JOINED_AT.to_string())
}

pub fn id_str(id: u64) -> Value {
    Value::String(id.to_string())
}

pub fn user(u: &FixtureUser) -> Value {
    json!({
        "id": id_str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": null,
        "bot": u.bot,
        "system": false,
        "public_flags": 0,
        "flags": 0,
        "banner": null,
        "accent_color": null,
        "avatar_decoration_data": null,
    })
}

/// `GET /users/@me` and READY's `user` (serenity `CurrentUser`).
pub fn current_user(fx: &GuildFixture) -> Value {
    let mut v = user(&fx.bot);
    let o = v.as_object_mut().expect("object");
    o.insert("verified".into(), json!(true));
    o.insert("mfa_enabled".into(), json!(true));
    o.insert("email".into(), Value::Null);
    o.insert("locale".into(), json!("en-US"));
    o.insert("premium_type".into(), json!(0));
    v
}

pub fn role(fx: &GuildFixture, r: &FixtureRole) -> Value {
    role_raw(
        fx,
        r.id,
        &r.name,
        r.position,
        r.permissions,
        r.color,
        r.hoist,
        r.mentionable,
    )
}

#[allow(clippy::too_many_arguments)]
fn role_raw(
    _fx: &GuildFixture,
    id: u64,
    name: &str,
    position: u16,
    permissions: u64,
    color: u32,
    hoist: bool,
    mentionable: bool,
) -> Value {
    json!({
        "id": id_str(id),
        "name": name,
        "color": color,
        // serenity 0.12.5 requires `colors` (RoleColours, with `primary_color`).
        "colors": {"primary_color": color, "secondary_color": null, "tertiary_color": null},
        "hoist": hoist,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": mentionable,
        "flags": 0,
        "tags": {},
    })
}

pub fn everyone_role(fx: &GuildFixture) -> Value {
    role_raw(
        fx,
        fx.guild_id,
        "@everyone",
        0,
        fx.everyone_permissions,
        0,
        false,
        false,
    )
}

pub fn all_roles(fx: &GuildFixture) -> Vec<Value> {
    let mut v = vec![everyone_role(fx)];
    v.extend(fx.roles.iter().map(|r| role(fx, r)));
    v
}

/// Finds a role (including `@everyone`) by id.
pub fn role_by_id(fx: &GuildFixture, id: u64) -> Option<Value> {
    if id == fx.guild_id {
        return Some(everyone_role(fx));
    }
    fx.roles.iter().find(|r| r.id == id).map(|r| role(fx, r))
}

fn bot_member(fx: &GuildFixture) -> FixtureMember {
    FixtureMember {
        user: fx.bot.clone(),
        nick: None,
        roles: vec![],
        locale: "en-US".into(),
    }
}

/// Full guild member (serenity `Member`): `user`, `roles`, `deaf`, `mute`, `flags` are required.
pub fn member(fx: &GuildFixture, m: &FixtureMember) -> Value {
    json!({
        "user": user(&m.user),
        "nick": m.nick,
        "avatar": null,
        "banner": null,
        "roles": m.roles.iter().map(|r| id_str(*r)).collect::<Vec<_>>(),
        "joined_at": JOINED_AT,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "guild_id": id_str(fx.guild_id),
    })
}

/// Member as sent inside an interaction (adds `permissions`).
pub fn interaction_member(fx: &GuildFixture, m: &FixtureMember) -> Value {
    let mut v = member(fx, m);
    v["permissions"] = json!(fx.member_permissions(m.user.id).to_string());
    v
}

/// Member as found in `resolved.members` (no `user`, as on Discord).
pub fn resolved_member(fx: &GuildFixture, m: &FixtureMember) -> Value {
    let mut v = interaction_member(fx, m);
    if let Some(o) = v.as_object_mut() {
        o.remove("user");
        o.remove("guild_id");
    }
    v
}

pub fn all_members(fx: &GuildFixture) -> Vec<Value> {
    let mut v: Vec<Value> = fx.members.iter().map(|m| member(fx, m)).collect();
    v.push(member(fx, &bot_member(fx)));
    v
}

pub fn member_by_id(fx: &GuildFixture, user_id: u64) -> Option<Value> {
    if user_id == fx.bot.id {
        return Some(member(fx, &bot_member(fx)));
    }
    fx.member_by_id(user_id).map(|m| member(fx, m))
}

/// Guild channel (serenity `GuildChannel`).
pub fn channel(fx: &GuildFixture, c: &FixtureChannel) -> Value {
    json!({
        "id": id_str(c.id),
        "type": c.kind,
        "guild_id": id_str(fx.guild_id),
        "position": c.position,
        "permission_overwrites": [],
        "name": c.name,
        "topic": c.topic,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": c.parent_id.map(id_str),
        "last_pin_timestamp": null,
        "flags": 0,
    })
}

pub fn channel_by_id(fx: &GuildFixture, id: u64) -> Option<Value> {
    fx.channels
        .iter()
        .find(|c| c.id == id)
        .map(|c| channel(fx, c))
}

/// Channel as found in `resolved.channels` and an interaction's `channel` (`PartialChannel`).
pub fn partial_channel(fx: &GuildFixture, id: u64) -> Value {
    match fx.channels.iter().find(|c| c.id == id) {
        Some(c) => json!({
            "id": id_str(c.id),
            "name": c.name,
            "type": c.kind,
            "permissions": (u64::MAX >> 13).to_string(),
            "parent_id": c.parent_id.map(id_str),
            "guild_id": id_str(fx.guild_id),
            "nsfw": false,
            "position": c.position,
            "flags": 0,
        }),
        None => json!({"id": id_str(id), "type": 1, "name": null}),
    }
}

/// DM channel (serenity `PrivateChannel`).
pub fn dm_channel(channel_id: u64, recipient: &Value) -> Value {
    json!({
        "id": id_str(channel_id),
        "type": 1,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "flags": 0,
        "recipients": [recipient],
    })
}

/// GUILD_CREATE `d` (serenity `Guild`, ~26 required fields).
pub fn guild_create(fx: &GuildFixture) -> Value {
    let members = all_members(fx);
    // Split in two `json!` calls: one big literal exceeds the default macro recursion limit.
    let mut g = json!({
        "id": id_str(fx.guild_id),
        "name": fx.guild_name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": id_str(fx.owner_id),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": all_roles(fx),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": fx.channels.first().map(|c| id_str(c.id)),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": fx.preferred_locale,
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
        "hub_type": null,
        "latest_onboarding_question_id": null,
    });
    let extra = json!({
        // GUILD_CREATE extra fields
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "member_count": members.len(),
        "voice_states": [],
        "members": members,
        "channels": fx.channels.iter().map(|c| channel(fx, c)).collect::<Vec<_>>(),
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "application_command_counts": {},
        "lazy": true,
    });
    if let (Some(o), Value::Object(e)) = (g.as_object_mut(), extra) {
        o.extend(e);
    }
    g
}

/// `GET /guilds/{id}` (serenity `PartialGuild`).
pub fn partial_guild(fx: &GuildFixture) -> Value {
    let mut g = guild_create(fx);
    if let Some(o) = g.as_object_mut() {
        for k in [
            "joined_at",
            "large",
            "unavailable",
            "member_count",
            "voice_states",
            "members",
            "channels",
            "threads",
            "presences",
            "stage_instances",
            "guild_scheduled_events",
            "soundboard_sounds",
            "embedded_activities",
            "application_command_counts",
            "lazy",
        ] {
            o.remove(k);
        }
        o.insert("welcome_screen".into(), Value::Null);
    }
    g
}

/// READY `d` (serenity `Ready`).
pub fn ready(fx: &GuildFixture, session_id: &str, resume_url: &str) -> Value {
    json!({
        "v": API_VERSION,
        "user": current_user(fx),
        "guilds": [{"id": id_str(fx.guild_id), "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": [0, 1],
        "application": {"id": id_str(fx.application_id), "flags": 0},
        "user_settings": {},
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "session_type": "normal",
        "auth_session_id_hash": "fake",
        "_trace": ["fake-discord"],
    })
}

/// `GET /oauth2/applications/@me` (serenity `CurrentApplicationInfo`).
pub fn application_info(fx: &GuildFixture) -> Value {
    let owner = fx
        .member_by_id(fx.owner_id)
        .map(|m| user(&m.user))
        .unwrap_or_else(|| user(&fx.bot));
    json!({
        "id": id_str(fx.application_id),
        "name": fx.bot.username,
        "icon": null,
        "description": "fake application",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": owner,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "flags": 0,
        "tags": [],
        "summary": "",
        "type": null,
        "hook": true,
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "bot": user(&fx.bot),
    })
}

/// `GET /gateway`.
pub fn gateway(ws_url: &str) -> Value {
    json!({"url": ws_url})
}

/// `GET /gateway/bot`.
pub fn gateway_bot(ws_url: &str) -> Value {
    json!({
        "url": ws_url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000u64, "max_concurrency": 1},
    })
}

/// Discord's JSON error body.
pub fn error_body(code: i64, message: &str) -> Value {
    json!({"message": message, "code": code})
}

/// Attachment object (serenity `Attachment`).
pub fn attachment(
    base: &str,
    id: u64,
    filename: &str,
    size: usize,
    content_type: Option<&str>,
    description: Option<&str>,
) -> Value {
    let url = format!("{base}/attachments/{id}/{filename}");
    json!({
        "id": id_str(id),
        "filename": filename,
        "description": description,
        "content_type": content_type,
        "size": size,
        "url": url,
        "proxy_url": url,
        "height": null,
        "width": null,
        "ephemeral": false,
    })
}

/// Guesses a content type from a file name (only the few kinds tests use).
pub fn guess_content_type(filename: &str) -> &'static str {
    let lower = filename.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    match ext {
        "csv" => "text/csv; charset=utf-8",
        "txt" | "log" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}
