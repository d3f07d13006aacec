//! Reads a shell line into an invocation: `/command sub name:value name:"quoted value"`.
//! Option values are typed by the command table: `@alice` is a member, `#ops` a channel,
//! `@customer-service` a role.

use crate::app::invocation::kind_error_key;
use crate::app::spec::{CommandSpec, OptKind};
use crate::app::{App, Invocation, OptValue, UserError};

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A command.
    Command(Invocation),
    /// A button press: `/press task:done:42`.
    Press(String),
}

pub use crate::app::local::local_id as shell_id;

/// Splits on whitespace, keeping quoted runs ("…", '…', “…”) together and dropping the quotes.
pub fn tokenize(line: &str) -> Result<Vec<String>, UserError> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_token = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if c == q || (q == '“' && c == '”') {
                    quote = None;
                } else {
                    cur.push(c);
                }
            }
            None => match c {
                '"' | '\'' | '“' => {
                    quote = Some(c);
                    in_token = true;
                }
                c if c.is_whitespace() => {
                    if in_token {
                        tokens.push(std::mem::take(&mut cur));
                        in_token = false;
                    }
                }
                c => {
                    cur.push(c);
                    in_token = true;
                }
            },
        }
    }
    if quote.is_some() {
        return Err(UserError::new("err-shell-unclosed-quote"));
    }
    if in_token {
        tokens.push(cur);
    }
    Ok(tokens)
}

/// Parses a line. The command path and option names are checked later by the core, so the
/// errors are the same as on Discord; here only the value types are read.
pub async fn parse_line(line: &str, app: &App, guild_id: u64) -> Result<Parsed, UserError> {
    let _ = (app, guild_id);
    let tokens = tokenize(line)?;
    let mut iter = tokens.into_iter().peekable();
    let Some(first) = iter.next() else {
        return Err(UserError::new("err-unknown-command").arg("command", "/"));
    };
    let first = first.trim_start_matches('/').to_lowercase();
    if first == "press" {
        let id = iter.next().unwrap_or_default();
        return Ok(Parsed::Press(id));
    }
    let mut words = vec![first];
    while let Some(tok) = iter.peek() {
        if tok.contains(':') || tok.contains('：') {
            break;
        }
        words.push(iter.next().unwrap_or_default().to_lowercase());
    }
    // Commands and options may be typed by their Chinese names too (`/任务 分配 标题:…`).
    let mut inv = Invocation {
        path: CommandSpec::canonical_path(&words),
        ..Invocation::default()
    };
    let path: Vec<&str> = inv.path.iter().map(String::as_str).collect();
    let spec = CommandSpec::find(&path);
    for tok in iter {
        let (name, value) = tok
            .split_once([':', '：'])
            .ok_or_else(|| UserError::new("err-shell-syntax").arg("reason", tok.clone()))?;
        // A value that does not read is refused naming the option as it was typed.
        let typed_name = name.trim().to_string();
        let name = match spec {
            Some(spec) => spec.canonical_option(name),
            None => name.trim().to_lowercase(),
        };
        if name.is_empty() {
            return Err(UserError::new("err-shell-syntax").arg("reason", tok.clone()));
        }
        let kind = spec
            .and_then(|s| s.option(&name))
            .map(|o| o.kind)
            .unwrap_or(OptKind::String);
        let choices = spec
            .and_then(|s| s.option(&name))
            .map_or(&[][..], |o| o.choices);
        let value = typed(kind, &typed_name, &choice_value(choices, value))?;
        if inv.options.contains_key(&name) {
            // `id:1 id:2`: which one was meant? Never silently the last.
            return Err(UserError::new("err-duplicate-option").arg("option", name));
        }
        inv.options.insert(name, value);
    }
    Ok(Parsed::Command(inv))
}

/// A choice typed by its label in any language (`范围:已逾期`, as Discord shows the choices)
/// is its value (`overdue`); anything else is left as typed (and checked by the core).
fn choice_value(choices: &[&str], raw: &str) -> String {
    let typed = raw.trim();
    if choices.contains(&typed) {
        return typed.to_string();
    }
    choices
        .iter()
        .find(|c| {
            crate::i18n::Locale::ALL
                .iter()
                .any(|l| crate::app::spec::choice_label(c, *l) == typed)
        })
        .map_or_else(|| raw.to_string(), |c| c.to_string())
}

fn typed(kind: OptKind, name: &str, raw: &str) -> Result<OptValue, UserError> {
    let raw = raw.trim();
    let bad = || UserError::new(kind_error_key(kind)).arg("option", name);
    Ok(match kind {
        OptKind::String => OptValue::Str(raw.to_string()),
        OptKind::Integer => {
            let max = crate::domain::number::COUNT_MAX;
            match crate::domain::number::whole_in(raw, -max, max) {
                Ok(n) => OptValue::Int(n),
                Err(crate::domain::number::NumberError::OutOfRange) => {
                    return Err(UserError::new("num-err-range")
                        .arg("option", name)
                        .arg("value", crate::app::input::clip(raw, 40))
                        .arg("min", "1")
                        .arg("max", crate::domain::number::grouped(max)));
                }
                Err(_) => return Err(bad()),
            }
        }
        OptKind::Number => OptValue::Num(raw.replace(',', "").parse().map_err(|_| bad())?),
        OptKind::Boolean => OptValue::Bool(match raw.to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" | "是" | "对" => true,
            "false" | "no" | "n" | "0" | "off" | "否" | "不" => false,
            _ => return Err(bad()),
        }),
        OptKind::User => {
            let n = raw.trim_start_matches('@');
            if n.is_empty() || n.starts_with('&') || n.starts_with('#') {
                return Err(bad());
            }
            OptValue::User {
                id: shell_id(n),
                name: n.to_string(),
            }
        }
        OptKind::Role => {
            let n = raw.trim_start_matches('@').trim_start_matches('&');
            if n.is_empty() {
                return Err(bad());
            }
            let key = n
                .parse::<crate::domain::position::Position>()
                .map(|p| p.key().to_string())
                .unwrap_or_else(|_| n.to_string());
            OptValue::Role {
                id: shell_id(&format!("@&{key}")),
                name: key,
            }
        }
        OptKind::Channel => {
            let n = raw.trim_start_matches('#');
            if n.is_empty() {
                return Err(bad());
            }
            OptValue::Channel {
                id: shell_id(&format!("#{n}")),
                name: n.to_string(),
            }
        }
        OptKind::Attachment => {
            let path = std::path::Path::new(raw);
            let meta = std::fs::metadata(path).map_err(|_| bad())?;
            let abs = std::fs::canonicalize(path).map_err(|_| bad())?;
            OptValue::Attachment {
                url: format!("file://{}", abs.display()),
                filename: path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                size: meta.len(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_keeps_quoted_values_together() {
        let t = tokenize(r#"/task assign user:@alice title:"Update the banner" due:“周五 18:00”"#)
            .expect("ok");
        assert_eq!(
            t,
            vec![
                "/task",
                "assign",
                "user:@alice",
                "title:Update the banner",
                "due:周五 18:00"
            ]
        );
        assert!(tokenize(r#"/task assign title:"open"#).is_err());
    }

    #[test]
    fn choices_read_by_their_label_in_any_language() {
        let scope = ["mine", "overdue", "all"];
        assert_eq!(choice_value(&scope, "已逾期"), "overdue");
        assert_eq!(choice_value(&scope, "overdue"), "overdue");
        assert_eq!(choice_value(&scope, "随便"), "随便");
        assert_eq!(choice_value(&[], "已逾期"), "已逾期");
    }

    #[test]
    fn shell_ids_are_stable_and_distinct() {
        assert_eq!(shell_id("alice"), shell_id("Alice"));
        assert_ne!(shell_id("alice"), shell_id("bob"));
        assert!(shell_id("alice") < (1 << 53));
    }
}
