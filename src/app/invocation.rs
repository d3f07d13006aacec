//! What a person asked for, as a front-end hands it to the core: the command path and typed
//! option values. The core checks it against the command table before anything else.

use std::collections::BTreeMap;

use super::error::UserError;
use super::spec::{self, CommandSpec, OptKind};
use crate::domain::number::{self, NumberError};
use crate::i18n::Locale;

/// The largest id of an item (a task, a complaint, an activity) anyone can type.
pub const ID_MAX: i64 = number::COUNT_MAX;
/// The last page of a list anyone can ask for.
pub const PAGE_MAX: i64 = 10_000;

/// One option value.
#[derive(Debug, Clone, PartialEq)]
pub enum OptValue {
    /// Text.
    Str(String),
    /// Whole number.
    Int(i64),
    /// Decimal number (kept as typed text elsewhere when exactness matters).
    Num(f64),
    /// Yes / no.
    Bool(bool),
    /// A member, with the name the front-end knows.
    User { id: u64, name: String },
    /// A role.
    Role { id: u64, name: String },
    /// A channel.
    Channel { id: u64, name: String },
    /// An uploaded file.
    Attachment {
        /// Where to download it.
        url: String,
        filename: String,
        /// Its size in bytes.
        size: u64,
    },
}

/// A command as asked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invocation {
    /// `["task", "assign"]`.
    pub path: Vec<String>,
    /// Options by name.
    pub options: BTreeMap<String, OptValue>,
}

impl Invocation {
    /// An invocation of `path` ("task assign") without options.
    pub fn new(path: &str) -> Self {
        Invocation {
            path: path.split_whitespace().map(str::to_string).collect(),
            options: BTreeMap::new(),
        }
    }

    /// Adds an option.
    pub fn with(mut self, name: &str, value: OptValue) -> Self {
        self.options.insert(name.to_string(), value);
        self
    }

    /// "task assign".
    pub fn path_str(&self) -> String {
        self.path.join(" ")
    }

    /// The refusal of a path that names no command.
    pub fn unknown(&self) -> UserError {
        UserError::new("err-unknown-command").arg("command", format!("/{}", self.path_str()))
    }

    /// Checks the path, option names, types and required options against the command table;
    /// a refusal names the commands, options and choices as a reader of `locale` sees them.
    pub fn check(&self, locale: Locale) -> Result<&'static CommandSpec, UserError> {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let spec = CommandSpec::find(&path).ok_or_else(|| self.unknown())?;
        let shown = format!("/{}", spec::localized_path(&self.path_str(), locale));
        if !spec.subs.is_empty() {
            let subs: Vec<String> = spec
                .subs
                .iter()
                .map(|s| spec::command_name(&format!("{} {}", self.path_str(), s.name), locale))
                .collect();
            let first = spec
                .subs
                .first()
                .map(|s| format!("{} {}", self.path_str(), s.name))
                .unwrap_or_default();
            return Err(UserError::new("err-missing-subcommand")
                .arg("command", shown)
                .arg("choices", subs.join(", "))
                .arg("example", spec::example(&first, locale)));
        }
        for (name, value) in &self.options {
            let o = spec.option(name).ok_or_else(|| {
                let names: Vec<String> = spec
                    .options
                    .iter()
                    .map(|o| format!("{}:", spec::option_name(o.name, locale)))
                    .collect();
                UserError::new("err-unknown-option")
                    .arg("option", name.clone())
                    .arg("command", shown.clone())
                    .arg(
                        "choices",
                        if names.is_empty() {
                            "—".to_string()
                        } else {
                            names.join(" ")
                        },
                    )
            })?;
            let fits = matches!(
                (o.kind, value),
                (OptKind::String, OptValue::Str(_))
                    | (OptKind::Integer, OptValue::Int(_))
                    | (OptKind::Number, OptValue::Num(_) | OptValue::Int(_))
                    | (OptKind::Boolean, OptValue::Bool(_))
                    | (OptKind::User, OptValue::User { .. })
                    | (OptKind::Role, OptValue::Role { .. })
                    | (OptKind::Channel, OptValue::Channel { .. })
                    | (OptKind::Attachment, OptValue::Attachment { .. })
            );
            let option = spec::option_name(o.name, locale);
            if !fits {
                return Err(UserError::new(kind_error_key(o.kind)).arg("option", option));
            }
            if !o.choices.is_empty()
                && let OptValue::Str(s) = value
                && !o.choices.contains(&s.as_str())
            {
                // English readers type the values; others pick (and the shell reads) the
                // labels of their language.
                let choices: Vec<String> = o
                    .choices
                    .iter()
                    .map(|c| match locale {
                        Locale::EnUs => c.to_string(),
                        _ => spec::choice_label(c, locale),
                    })
                    .collect();
                return Err(UserError::new("err-bad-choice")
                    .arg("option", option)
                    .arg("value", s.clone())
                    .arg("choices", choices.join(", ")));
            }
        }
        for o in spec.options.iter().filter(|o| o.required) {
            if !self.options.contains_key(o.name) {
                return Err(UserError::new("err-missing-option")
                    .arg("option", spec::option_name(o.name, locale))
                    .arg("example", spec::example(&self.path_str(), locale)));
            }
        }
        Ok(spec)
    }

    /// A text option, trimmed; empty text counts as absent.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.options.get(name) {
            Some(OptValue::Str(s)) if !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        }
    }

    /// A text option that must be there (the check has already made sure of it).
    pub fn req_str(&self, name: &str) -> Result<&str, UserError> {
        self.str(name).ok_or_else(|| {
            UserError::new("err-missing-option")
                .arg("option", name)
                .arg("example", "")
        })
    }

    /// A whole-number option.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.options.get(name) {
            Some(OptValue::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// The id of an item (a task, a complaint, an activity): typed as `42` or `#42`, or picked
    /// from the suggestions (which send the number as text). Required options are there
    /// already (the check made sure); anything else is refused saying what to type.
    pub fn id(&self, name: &str) -> Result<i64, UserError> {
        let bad = |value: &str| {
            UserError::new("err-bad-id")
                .arg("option", name)
                .arg("value", value)
        };
        let range = |value: &str| {
            UserError::new("num-err-range")
                .arg("option", name)
                .arg("value", value)
                .arg("min", "1")
                .arg("max", number::grouped(ID_MAX))
        };
        match self.options.get(name) {
            Some(OptValue::Int(n)) if (1..=ID_MAX).contains(n) => Ok(*n),
            Some(OptValue::Int(n)) => Err(range(&n.to_string())),
            Some(OptValue::Str(s)) => {
                let t = s.trim();
                match number::whole_in(t, 1, ID_MAX) {
                    Ok(n) => Ok(n),
                    Err(NumberError::OutOfRange) => Err(range(t)),
                    Err(_) => Err(bad(t)),
                }
            }
            _ => Err(UserError::new("err-missing-option")
                .arg("option", name)
                .arg("example", "")),
        }
    }

    /// A whole-number option, when given, inside `min..=max` (a page, a number of days);
    /// outside it, an error naming the range.
    pub fn int_in(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, UserError> {
        match self.int(name) {
            None => Ok(None),
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Some(n) => Err(UserError::new("num-err-range")
                .arg("option", name)
                .arg("value", n.to_string())
                .arg("min", number::grouped(min))
                .arg("max", number::grouped(max))),
        }
    }

    /// What is typed so far in an option (for suggestions): its text, or its number as text;
    /// empty when absent.
    pub fn typed(&self, name: &str) -> String {
        match self.options.get(name) {
            Some(OptValue::Str(s)) => s.clone(),
            Some(OptValue::Int(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    /// A yes/no option.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.options.get(name) {
            Some(OptValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A member option: (id, name).
    pub fn user(&self, name: &str) -> Option<(u64, &str)> {
        match self.options.get(name) {
            Some(OptValue::User { id, name }) => Some((*id, name.as_str())),
            _ => None,
        }
    }

    /// A role option: (id, name).
    pub fn role(&self, name: &str) -> Option<(u64, &str)> {
        match self.options.get(name) {
            Some(OptValue::Role { id, name }) => Some((*id, name.as_str())),
            _ => None,
        }
    }

    /// A channel option: (id, name).
    pub fn channel(&self, name: &str) -> Option<(u64, &str)> {
        match self.options.get(name) {
            Some(OptValue::Channel { id, name }) => Some((*id, name.as_str())),
            _ => None,
        }
    }
}

/// The error key for a value of the wrong type.
pub fn kind_error_key(kind: OptKind) -> &'static str {
    match kind {
        OptKind::String => "err-type-text",
        OptKind::Integer => "err-type-integer",
        OptKind::Number => "err-type-number",
        OptKind::Boolean => "err-type-boolean",
        OptKind::User => "err-type-user",
        OptKind::Role => "err-type-role",
        OptKind::Channel => "err-type-channel",
        OptKind::Attachment => "err-type-attachment",
    }
}
