//! Display names of users, roles and channels the bot has seen, per guild.

use sqlx::SqliteConnection;

use super::{StoreResult, id_in, id_out};

pub use crate::message::NameKind;

/// How a kind is stored.
pub(crate) fn kind_str(kind: NameKind) -> &'static str {
    match kind {
        NameKind::User => "user",
        NameKind::Role => "role",
        NameKind::Channel => "channel",
    }
}

/// The kind stored as `s`.
pub(crate) fn kind_of(s: &str) -> Option<NameKind> {
    [NameKind::User, NameKind::Role, NameKind::Channel]
        .into_iter()
        .find(|k| kind_str(*k) == s)
}

/// Of the names `seen` (kind, id, name), those not stored as they are in `known` (what
/// [`super::settings::get_with_names`] read): new ids and changed names.
pub fn stale<'a>(
    seen: &[(NameKind, u64, &'a str)],
    known: &[(NameKind, u64, String)],
) -> Vec<(NameKind, u64, &'a str)> {
    let mut out: Vec<(NameKind, u64, &'a str)> = Vec::new();
    for &(kind, id, name) in seen {
        let stored = known
            .iter()
            .any(|(k, i, n)| *k == kind && *i == id && n == name);
        if !stored && !out.iter().any(|(k, i, _)| *k == kind && *i == id) {
            out.push((kind, id, name));
        }
    }
    out
}

/// Stores the names of several ids (kind, id, name) in one statement; a name already stored
/// as it is is left alone. Of an id given twice, the last name stays.
pub async fn remember_many(
    conn: &mut SqliteConnection,
    guild_id: u64,
    items: &[(NameKind, u64, &str)],
    now_ms: i64,
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<(&str, i64, &str)> = items
        .iter()
        .map(|(kind, id, name)| (kind_str(*kind), id_in(*id), *name))
        .collect();
    sqlx::query(REMEMBER_MANY_SQL)
        .bind(id_in(guild_id))
        .bind(super::json(&rows)?)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// [`remember_many`]'s statement: `?1` the guild, `?2` `[[kind, id, name], …]`, `?3` now.
const REMEMBER_MANY_SQL: &str = "INSERT INTO names (guild_id, kind, id, name, updated_at)
     SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, ?3 FROM json_each(?2) AS j WHERE true
     ON CONFLICT (guild_id, kind, id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
     WHERE names.name <> excluded.name";

/// Remembers (or updates) the name of an id. Every command remembers its actor's name, and the
/// name is almost always the one stored: that case only reads, so a command does not queue for
/// the write lock (behind a long import, say) just to learn that nothing changed.
pub async fn remember(
    conn: &mut SqliteConnection,
    guild_id: u64,
    kind: NameKind,
    id: u64,
    name: &str,
    now_ms: i64,
) -> StoreResult<()> {
    if name_of(&mut *conn, guild_id, kind, id).await?.as_deref() == Some(name) {
        return Ok(());
    }
    remember_many(conn, guild_id, &[(kind, id, name)], now_ms).await
}

/// The remembered name of an id.
pub async fn name_of(
    conn: &mut SqliteConnection,
    guild_id: u64,
    kind: NameKind,
    id: u64,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT name FROM names WHERE guild_id = ?1 AND kind = ?2 AND id = ?3")
            .bind(id_in(guild_id))
            .bind(kind_str(kind))
            .bind(id_in(id))
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.0))
}

/// The remembered names of some ids of one kind, in one statement (a reply that mentions ten
/// members is rendered with one read, not ten).
pub async fn names_of(
    conn: &mut SqliteConnection,
    guild_id: u64,
    kind: NameKind,
    ids: &[u64],
) -> StoreResult<std::collections::HashMap<u64, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i64> = ids.iter().map(|&id| id_in(id)).collect();
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM names
         WHERE guild_id = ?1 AND kind = ?2 AND id IN (SELECT value FROM json_each(?3))",
    )
    .bind(id_in(guild_id))
    .bind(kind_str(kind))
    .bind(serde_json::to_string(&ids).unwrap_or_default())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id, n)| (id_out(id), n)).collect())
}

/// Every remembered (id, name) of one kind in a guild.
pub async fn all(
    conn: &mut SqliteConnection,
    guild_id: u64,
    kind: NameKind,
) -> StoreResult<Vec<(u64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM names WHERE guild_id = ?1 AND kind = ?2 ORDER BY name",
    )
    .bind(id_in(guild_id))
    .bind(kind_str(kind))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id, n)| (id_out(id), n)).collect())
}
