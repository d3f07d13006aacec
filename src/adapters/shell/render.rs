//! Renders a reply as terminal text: the core's chat markup (`<t:…>`, `<@…>`, `<@&…>`,
//! `<#…>`) becomes local times and names, and markdown escapes show the mark without its
//! backslash.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::app::{App, Known};
use crate::i18n::Locale;
use crate::message::NameKind;
use crate::message::Reply;

/// Replaces markup in `text` with the guild's local times and the remembered names: those
/// the command's context `known` when it knew every one mentioned, else read with the guild's
/// zone in one statement.
pub async fn markup(
    app: &App,
    guild_id: u64,
    text: &str,
    locale: Locale,
    known: Option<&Known>,
) -> String {
    let tokens = tokens(text);
    let wanted: Vec<(NameKind, u64)> = tokens
        .iter()
        .filter_map(|(_, inner)| mention(inner).map(|m| (m.0, m.2)))
        .collect();
    let (tz, names) = match known {
        // The command's context read the zone and these names a moment ago.
        Some(k) if wanted.iter().all(|w| k.names.contains_key(w)) => {
            (k.timezone, Cow::Borrowed(&k.names))
        }
        // A name that cannot be read is shown as its id, as an unknown one is, and logged.
        _ => match app.guild_with_names(guild_id, &wanted).await {
            Ok((guild, names)) => (guild.timezone, Cow::Owned(names)),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the zone and the names a reply mentions");
                (app.config.defaults.timezone, Cow::Owned(Default::default()))
            }
        },
    };
    let now = app.clock.now();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, inner) in tokens {
        out.push_str(&text[at..range.start]);
        match render_token(inner, &names, tz, now, locale) {
            Some(s) => out.push_str(&s),
            None => out.push_str(&text[range.clone()]),
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    unescape(&out)
}

/// Every `<…>` in `text`: where it stands (with its brackets) and what is inside.
fn tokens(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find('<').map(|i| from + i) {
        let Some(end) = text[start..].find('>').map(|i| start + i) else {
            break;
        };
        out.push((start..end + 1, &text[start + 1..end]));
        from = end + 1;
    }
    out
}

/// A role, a member (`<@!id>` is the older form) or a channel: its kind, the sign it is shown
/// with, and its id.
fn mention(inner: &str) -> Option<(NameKind, char, u64)> {
    let (kind, sign, id) = if let Some(id) = inner.strip_prefix("@&") {
        (NameKind::Role, '@', id)
    } else if let Some(id) = inner.strip_prefix('@') {
        (NameKind::User, '@', id.trim_start_matches('!'))
    } else {
        (NameKind::Channel, '#', inner.strip_prefix('#')?)
    };
    Some((kind, sign, id.parse().ok()?))
}

/// A terminal shows markdown as typed: an escaped punctuation mark (`\*`, `\[`, `\\`) is
/// shown as the mark itself, without its backslash.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&n)) if n.is_ascii_punctuation() => {
                out.push(n);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn render_token(
    inner: &str,
    names: &std::collections::HashMap<(NameKind, u64), String>,
    tz: Tz,
    now: DateTime<Utc>,
    locale: Locale,
) -> Option<String> {
    if let Some(t) = inner.strip_prefix("t:") {
        let (secs, style) = t.split_once(':').unwrap_or((t, "f"));
        let at = DateTime::from_timestamp(secs.parse().ok()?, 0)?;
        return Some(time_text(at, style, tz, now, locale));
    }
    let (kind, sign, id) = mention(inner)?;
    let shown = names
        .get(&(kind, id))
        .cloned()
        .unwrap_or_else(|| id.to_string());
    Some(format!("{sign}{shown}"))
}

/// An instant as the shell shows it, in the reader's language: local date and time (with the
/// weekday), or relative for style `R` ("in 7 h" / "7 小时后").
pub fn time_text(
    at: DateTime<Utc>,
    style: &str,
    tz: Tz,
    now: DateTime<Utc>,
    locale: Locale,
) -> String {
    use chrono::Datelike;
    let local = at.with_timezone(&tz);
    let weekday = || {
        locale.t(&format!(
            "weekday-{}",
            local.weekday().num_days_from_monday()
        ))
    };
    match style {
        "R" => {
            let d = at - now;
            let (n, key) = if d.num_days().abs() >= 1 {
                (d.num_days(), "duration-days")
            } else if d.num_hours().abs() >= 1 {
                (d.num_hours(), "duration-hours")
            } else {
                (d.num_minutes(), "duration-minutes")
            };
            let span = crate::tr!(locale, key, n = n.abs());
            if n >= 0 {
                crate::tr!(locale, "time-in", span = span)
            } else {
                crate::tr!(locale, "time-ago", span = span)
            }
        }
        "t" => local.format("%H:%M").to_string(),
        "d" => local.format("%Y-%m-%d").to_string(),
        "D" => format!("{} ({})", local.format("%Y-%m-%d"), weekday()),
        _ => format!("{} ({})", local.format("%Y-%m-%d %H:%M"), weekday()),
    }
}

/// The whole reply as text.
pub async fn reply_text(
    app: &App,
    guild_id: u64,
    reply: &Reply,
    locale: Locale,
    known: Option<&Known>,
) -> String {
    let mut out = String::new();
    if !reply.mentions.is_empty() {
        out.push_str(&reply.mentions.markup());
        out.push('\n');
    }
    if let Some(t) = &reply.title {
        out.push_str(&format!("== {t} ==\n"));
    }
    for l in &reply.lines {
        out.push_str(l);
        out.push('\n');
    }
    for f in &reply.fields {
        if f.value.contains('\n') {
            out.push_str(&format!(
                "{}:\n  {}\n",
                f.name,
                f.value.replace('\n', "\n  ")
            ));
        } else {
            out.push_str(&format!("{}: {}\n", f.name, f.value));
        }
    }
    if let Some(f) = &reply.footer {
        out.push_str(&format!("-- {f}\n"));
    }
    // Pictures (the summary chart) are saved here, under `attachments/`; files to open
    // (spreadsheets, calendars) by the shell into the same folder, never overwritten.
    for a in &reply.attachments {
        if !a.filename.to_ascii_lowercase().ends_with(".png") {
            continue;
        }
        let saved = save_attachment(app, a)
            .map(|path| {
                crate::tr!(
                    locale,
                    "shell-attachment-saved",
                    path = path.display().to_string()
                )
            })
            .unwrap_or_else(|e| {
                crate::tr!(locale, "shell-attachment-failed", error = e.to_string())
            });
        out.push_str(&crate::tr!(
            locale,
            "shell-attachment",
            file = a.filename.as_str(),
            bytes = a.bytes.len().to_string(),
            saved = saved
        ));
        out.push('\n');
    }
    if !reply.buttons.is_empty() {
        let buttons: Vec<String> = reply
            .buttons
            .iter()
            .map(|b| format!("[{}] /press {}", b.label, b.id))
            .collect();
        out.push_str(&buttons.join("  "));
        out.push('\n');
    }
    markup(app, guild_id, out.trim_end(), locale, known).await
}

/// Writes a picture (the summary chart) under `attachments/` next to the database, so a
/// person trying the bot in the shell can open it; returns the path written. Only the file
/// name's last component is used, so a name cannot point outside the folder.
fn save_attachment(
    app: &App,
    a: &crate::message::Attachment,
) -> std::io::Result<std::path::PathBuf> {
    let dir = app
        .config
        .database
        .path
        .parent()
        .map(|p| p.join("attachments"))
        .unwrap_or_else(|| std::path::PathBuf::from("attachments"));
    std::fs::create_dir_all(&dir)?;
    let name = std::path::Path::new(&a.filename)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "attachment".into());
    let path = dir.join(name);
    std::fs::write(&path, &a.bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn escapes_show_as_the_marks_typed() {
        assert_eq!(
            unescape("\\*\\*b\\*\\* \\[a\\](https://x.y)"),
            "**b** [a](https://x.y)"
        );
        assert_eq!(unescape("C:\\\\dir \\|\\|x\\|\\|"), "C:\\dir ||x||");
        assert_eq!(unescape("a\\b 中\\文 end\\"), "a\\b 中\\文 end\\");
    }
}
