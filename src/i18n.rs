//! Message catalogs (Fluent, en-US and zh-CN, embedded at compile time) and the language of a
//! reply. Every user-facing string goes through here so both languages stay complete.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use serde::{Deserialize, Serialize};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en-US",
        // Unicode isolation marks around arguments show up as garbage in chat clients.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The two languages the team works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// English (United States).
    #[default]
    #[serde(rename = "en-US")]
    EnUs,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    /// Both locales, in catalog order.
    pub const ALL: [Locale; 2] = [Locale::EnUs, Locale::ZhCn];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::EnUs => "en-US",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// Maps a client's language tag to ours: any Chinese (`zh`, `zh-CN`, `zh-TW`) becomes
    /// zh-CN, any English becomes en-US, anything else is unknown (the caller falls back to
    /// the guild's default).
    pub fn from_client_tag(tag: &str) -> Option<Locale> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh-") || lower.starts_with("zh_") {
            Some(Locale::ZhCn)
        } else if lower == "en" || lower.starts_with("en-") || lower.starts_with("en_") {
            Some(Locale::EnUs)
        } else {
            None
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::EnUs => fluent_templates::langid!("en-US"),
            Locale::ZhCn => fluent_templates::langid!("zh-CN"),
        }
    }

    /// The message `key` in this language. A key missing from the catalogs shows as the key
    /// itself (a test keeps both catalogs complete).
    pub fn t(self, key: &str) -> String {
        self.t_args(key, &[])
    }

    /// Whether the catalog of this language has `key`.
    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(&self.langid(), key).is_some()
    }

    /// The message `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Str(s) => FluentValue::from(s.clone()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (Cow::Owned((*k).to_string()), value)
            })
            .collect();
        LOCALES
            .try_lookup_complete(
                &self.langid(),
                key,
                if map.is_empty() { None } else { Some(&map) },
            )
            .unwrap_or_else(|| {
                tracing::warn!(
                    key,
                    locale = self.tag(),
                    "message key missing from the catalogs"
                );
                key.to_string()
            })
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Locale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "en-US" | "en" | "en-us" => Ok(Locale::EnUs),
            "zh-CN" | "zh" | "zh-cn" => Ok(Locale::ZhCn),
            other => Err(other.to_string()),
        }
    }
}

/// A message argument.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text, inserted as is.
    Str(String),
    /// A number; Fluent selects plural forms on it.
    Num(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Str(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(n as f64)
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Num(n as f64)
    }
}

/// `tr!(locale, "key")` or `tr!(locale, "key", name = value, ...)`.
#[macro_export]
macro_rules! tr {
    ($loc:expr, $key:expr) => {
        $loc.t($key)
    };
    ($loc:expr, $key:expr, $($name:ident = $val:expr),+ $(,)?) => {
        $loc.t_args($key, &[$((stringify!($name), $crate::i18n::Arg::from($val))),+])
    };
}

/// A duration in words ("2 h 5 min", "3 天"), rounded down to minutes.
pub fn duration_text(locale: Locale, d: chrono::Duration) -> String {
    let total = d.num_minutes().max(0);
    let (days, hours, minutes) = (total / 1440, (total % 1440) / 60, total % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(crate::tr!(locale, "duration-days", n = days));
    }
    if hours > 0 {
        parts.push(crate::tr!(locale, "duration-hours", n = hours));
    }
    if minutes > 0 || parts.is_empty() {
        parts.push(crate::tr!(locale, "duration-minutes", n = minutes));
    }
    parts.join(" ")
}
