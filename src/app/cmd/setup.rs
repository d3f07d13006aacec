//! `/setup` (managers): the guild's time zone, language, channels and which role stands for
//! which position. Without options it shows the current settings.

use chrono_tz::Tz;

use crate::app::{AppResult, Ctx, Invocation, UserError, input};
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::{self, Reply, Severity};
use crate::store::StoreError;
use crate::store::ms;
use crate::store::settings::{self, SettingsChange};

/// Parses the options into a change; nothing is written when any of them is wrong.
pub fn parse(inv: &Invocation) -> Result<SettingsChange, UserError> {
    let mut change = SettingsChange::default();
    if let Some(tz) = inv.str("timezone") {
        change.timezone = Some(
            tz.parse::<Tz>()
                .map_err(|_| UserError::new("err-bad-timezone").arg("value", tz))?,
        );
    }
    if let Some(l) = inv.str("language") {
        let locale = |l: &str| l.parse::<Locale>().ok();
        change.locale = Some(input::choice("language", l, locale, &["en-US", "zh-CN"])?);
    }
    change.summary_channel = inv.channel("summary-channel").map(|(id, _)| id);
    change.escalation_channel = inv.channel("escalation-channel").map(|(id, _)| id);
    match (inv.str("position"), inv.role("role")) {
        (Some(p), Some((role, _))) => {
            let p: Position = p
                .parse()
                .map_err(|_| UserError::new("err-bad-position").arg("value", p))?;
            change.position_role = Some((p, role));
        }
        (None, None) => {}
        _ => return Err(UserError::new("err-setup-position-role")),
    }
    Ok(change)
}

/// Applies the change (or shows the settings).
pub async fn run(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    ctx.require_manager()?;
    let change = parse(inv)?;
    let changed = change != SettingsChange::default();
    if changed {
        ctx.write(async |tx| {
            let me = ctx.origin.actor.user_id;
            let changes = ctx.app.store.settings_changes();
            settings::update(tx, changes, ctx.guild.guild_id, &change, me, ms(ctx.now)).await?;
            // The shipped activities and holidays follow the new language.
            if let Some(to) = change.locale {
                crate::store::activities::relocalize_defaults(
                    tx,
                    ctx.guild.guild_id,
                    ctx.guild.locale,
                    to,
                    &ctx.app.config,
                    ctx.now,
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    }
    let mut conn = ctx.conn().await?;
    let s = settings::get(&mut conn, ctx.guild.guild_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("settings vanished".into()))?;
    // Someone without a language of their own (the shell) reads the guild's: after a change,
    // the new one.
    let l = match ctx.origin.actor.locale {
        Some(own) => own,
        None => s.locale,
    };
    let none = l.t("setup-not-set");
    let channel = |c: Option<u64>| c.map(message::channel_ref).unwrap_or_else(|| none.clone());
    let mut r = Reply::titled(l.t(if changed {
        "setup-saved"
    } else {
        "setup-title"
    }))
    .field(l.t("setup-timezone"), s.timezone.name(), true)
    .field(
        l.t("setup-language"),
        crate::app::spec::choice_label(s.locale.tag(), l),
        true,
    )
    .field(
        l.t("setup-summary-channel"),
        channel(s.summary_channel),
        true,
    )
    .field(
        l.t("setup-escalation-channel"),
        channel(s.escalation_channel),
        true,
    );
    let positions: Vec<String> = Position::ALL
        .iter()
        .map(|p| {
            let role = s
                .positions
                .get(p)
                .map(|r| message::role_ref(*r))
                .unwrap_or_else(|| none.clone());
            format!("{}: {}", l.t(&p.label_key()), role)
        })
        .collect();
    r = r.field(l.t("setup-positions"), positions.join("\n"), false);
    r.severity = if changed {
        Severity::Success
    } else {
        Severity::Info
    };
    r.ephemeral = !changed;
    Ok(r)
}

/// Time zones matching what was typed, for autocomplete.
pub fn timezone_choices(typed: &str) -> Vec<(String, String)> {
    let needle = typed.trim().to_ascii_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|n| needle.is_empty() || n.to_ascii_lowercase().contains(&needle))
        .take(25)
        .map(|n| (n.to_string(), n.to_string()))
        .collect()
}
