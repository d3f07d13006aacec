//! Per-guild settings: time zone, language, channels and the position -> role map. A guild's
//! first use copies the configuration file's defaults; `/setup` changes them.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use sqlx::{Connection, SqliteConnection};

use super::{StoreError, StoreResult, id_in, id_out};
use crate::config::Config;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::NameKind;

/// A guild's settings as the core uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct GuildSettings {
    pub guild_id: u64,
    /// Zone every schedule and deadline is read in.
    pub timezone: Tz,
    /// Language of messages the bot sends on its own, and of replies when the user's is unknown.
    pub locale: Locale,
    /// Where the morning summary goes.
    pub summary_channel: Option<u64>,
    /// Where escalations and delivery failures go.
    pub escalation_channel: Option<u64>,
    /// Which role stands for which position.
    pub positions: BTreeMap<Position, u64>,
}

impl GuildSettings {
    /// The positions held by someone with these role ids.
    pub fn positions_of(&self, role_ids: &[u64]) -> Vec<Position> {
        self.positions
            .iter()
            .filter(|(_, role)| role_ids.contains(role))
            .map(|(p, _)| *p)
            .collect()
    }

    /// The position a role id stands for.
    pub fn position_of_role(&self, role_id: u64) -> Option<Position> {
        self.positions
            .iter()
            .find(|(_, r)| **r == role_id)
            .map(|(p, _)| *p)
    }
}

/// A change made by `/setup`; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsChange {
    pub timezone: Option<Tz>,
    pub locale: Option<Locale>,
    pub summary_channel: Option<u64>,
    pub escalation_channel: Option<u64>,
    /// New role for a position.
    pub position_role: Option<(Position, u64)>,
}

/// The guild's settings, created from the configuration defaults on first use.
pub async fn get_or_init(
    conn: &mut SqliteConnection,
    guild_id: u64,
    config: &Config,
    now_ms: i64,
) -> StoreResult<GuildSettings> {
    if let Some(s) = get(conn, guild_id).await? {
        return Ok(s);
    }
    if super::is_read_only(conn).await? {
        // A read-only view (a shell beside a running bot): the defaults, stored nowhere.
        return Ok(GuildSettings {
            guild_id,
            timezone: config.defaults.timezone,
            locale: config.defaults.locale,
            summary_channel: config.channels.summary,
            escalation_channel: config.channels.escalation,
            positions: config.positions.iter().map(|(p, r)| (*p, *r)).collect(),
        });
    }
    let mut tx = conn.begin().await?;
    let inserted = sqlx::query(
        "INSERT OR IGNORE INTO guild_settings (guild_id, timezone, locale, summary_channel, escalation_channel, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(id_in(guild_id))
    .bind(config.defaults.timezone.name())
    .bind(config.defaults.locale.tag())
    .bind(config.channels.summary.map(id_in))
    .bind(config.channels.escalation.map(id_in))
    .bind(now_ms)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        for (p, role) in &config.positions {
            sqlx::query("INSERT OR IGNORE INTO guild_positions (guild_id, position, role_id) VALUES (?1, ?2, ?3)")
                .bind(id_in(guild_id))
                .bind(p.key())
                .bind(id_in(*role))
                .execute(&mut *tx)
                .await?;
        }
        // The guild's first start: its default activities and holidays, exactly once.
        super::activities::seed_defaults(&mut tx, guild_id, config, now_ms).await?;
    }
    tx.commit().await?;
    get(conn, guild_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("guild {guild_id} settings vanished")))
}

/// Every guild with an escalation channel: (guild, channel, its language, its time zone).
pub async fn escalation_channels(
    conn: &mut SqliteConnection,
) -> StoreResult<Vec<(u64, u64, Locale, Tz)>> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT guild_id, escalation_channel, locale, timezone FROM guild_settings WHERE escalation_channel IS NOT NULL ORDER BY guild_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(g, c, locale, tz)| {
            Ok((
                id_out(g),
                id_out(c),
                locale
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("locale {locale}")))?,
                tz.parse()
                    .map_err(|_| StoreError::Corrupt(format!("time zone {tz}")))?,
            ))
        })
        .collect()
}

/// The guild's settings, if it has any: one statement with the positions' roles as a JSON
/// array (every command reads the settings, and each statement is a round trip to SQLite's
/// worker thread).
pub async fn get(conn: &mut SqliteConnection, guild_id: u64) -> StoreResult<Option<GuildSettings>> {
    Ok(get_with_names(conn, guild_id, &[])
        .await?
        .map(|(settings, _)| settings))
}

/// The guild's settings, if it has any, with the remembered names of some members, roles or
/// channels (those not known are missing), in the same statement: every command reads the
/// settings and checks that its actor's name (and those its options give) are the ones stored.
pub async fn get_with_names(
    conn: &mut SqliteConnection,
    guild_id: u64,
    wanted: &[(NameKind, u64)],
) -> StoreResult<Option<(GuildSettings, Vec<(NameKind, u64, String)>)>> {
    use sqlx::Row;
    let wanted: Vec<(&str, i64)> = wanted
        .iter()
        .map(|(kind, id)| (super::names::kind_str(*kind), id_in(*id)))
        .collect();
    let row = sqlx::query(GET_WITH_NAMES_SQL)
        .bind(id_in(guild_id))
        .bind(super::json(&wanted)?)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let tz: String = row.try_get("timezone")?;
    let locale: String = row.try_get("locale")?;
    let summary: Option<i64> = row.try_get("summary_channel")?;
    let escalation: Option<i64> = row.try_get("escalation_channel")?;
    let positions: String = row.try_get("positions")?;
    let positions: Vec<(String, i64)> = serde_json::from_str(&positions)
        .map_err(|e| StoreError::Corrupt(format!("positions of guild {guild_id}: {e}")))?;
    let mut map = BTreeMap::new();
    for (p, role) in positions {
        let p: Position = p
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("position {p}")))?;
        map.insert(p, id_out(role));
    }
    let names: String = row.try_get("names")?;
    let names: Vec<(String, i64, String)> = serde_json::from_str(&names)
        .map_err(|e| StoreError::Corrupt(format!("names of guild {guild_id}: {e}")))?;
    let names = names
        .into_iter()
        .map(|(kind, id, name)| {
            let kind = super::names::kind_of(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("name kind {kind}")))?;
            Ok((kind, id_out(id), name))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let settings = GuildSettings {
        guild_id,
        timezone: tz
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("time zone {tz}")))?,
        locale: locale
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("locale {locale}")))?,
        summary_channel: summary.map(id_out),
        escalation_channel: escalation.map(id_out),
        positions: map,
    };
    Ok(Some((settings, names)))
}

/// [`get_with_names`]'s statement: `?1` the guild, `?2` the names wanted as `[[kind, id], …]`.
/// `CROSS JOIN` keeps the wanted names the outer loop, each looked up by its key. Left to
/// itself, the planner (which has no statistics of the bot's file) read every name the guild
/// has and looked for it in the wanted list, parsing the list again for each: 3.5 ms with 280
/// names, at the start of every command.
pub const GET_WITH_NAMES_SQL: &str = "SELECT timezone, locale, summary_channel, escalation_channel,
        (SELECT json_group_array(json_array(position, role_id)) FROM guild_positions WHERE guild_id = ?1) AS positions,
        (SELECT json_group_array(json_array(n.kind, n.id, n.name))
         FROM json_each(?2) AS j
         CROSS JOIN names AS n ON n.guild_id = ?1 AND n.kind = j.value ->> 0 AND n.id = j.value ->> 1) AS names
     FROM guild_settings WHERE guild_id = ?1";

/// Applies a `/setup` change in one transaction. `changes`: the count of changes begun on this
/// database ([`super::Store::settings_changes`]), raised first.
pub async fn update(
    conn: &mut SqliteConnection,
    changes: &std::sync::atomic::AtomicU64,
    guild_id: u64,
    change: &SettingsChange,
    by: u64,
    now_ms: i64,
) -> StoreResult<()> {
    // Counted before anything is written, and whether or not it lands: a reader that compares
    // counts may read again for nothing, never keep what changed.
    changes.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    let mut tx = conn.begin().await?;
    sqlx::query(
        "UPDATE guild_settings SET
            timezone = COALESCE(?2, timezone),
            locale = COALESCE(?3, locale),
            summary_channel = COALESCE(?4, summary_channel),
            escalation_channel = COALESCE(?5, escalation_channel),
            updated_by = ?6, updated_at = ?7
         WHERE guild_id = ?1",
    )
    .bind(id_in(guild_id))
    .bind(change.timezone.map(|t| t.name().to_string()))
    .bind(change.locale.map(|l| l.tag()))
    .bind(change.summary_channel.map(id_in))
    .bind(change.escalation_channel.map(id_in))
    .bind(id_in(by))
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    if let Some((p, role)) = change.position_role {
        sqlx::query(
            "INSERT INTO guild_positions (guild_id, position, role_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (guild_id, position) DO UPDATE SET role_id = excluded.role_id",
        )
        .bind(id_in(guild_id))
        .bind(p.key())
        .bind(id_in(role))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
