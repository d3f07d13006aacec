//! Discord's documented validation rules, as pure functions over request bodies.
//!
//! Every rule cites the page (and anchor) of Discord's developer documentation it comes from,
//! <https://discord.com/developers/docs/...> (the same pages are published at
//! `docs.discord.com/developers/...`; their source is the `discord/discord-api-docs` repository,
//! `developers/**.mdx`). A fake of a platform encodes the platform's rules, not the shape of our
//! own requests: whatever Discord would refuse, the fake refuses the same way.
//!
//! Refusals have Discord's shapes:
//! - form errors: HTTP 400 `{"code": 50035, "message": "Invalid Form Body", "errors": {...}}`
//!   where `errors` is the nested tree naming the path of each fault, ending in `_errors`
//!   (<https://discord.com/developers/docs/reference#error-messages>);
//! - a specific JSON code where Discord uses one (e.g. 50006 "Cannot send an empty message")
//!   (<https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>).
//!
//! The *path* of each fault is what Discord's rules determine and what tests should match. The
//! `code` strings inside `_errors` are Discord's where the docs or a real refusal show them
//! (`APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID`, `APPLICATION_COMMAND_TOO_LARGE`,
//! `BASE_TYPE_REQUIRED`, `BASE_TYPE_CHOICES`, `BASE_TYPE_MAX_LENGTH`, `BASE_TYPE_BAD_LENGTH`);
//! elsewhere they are named in Discord's style by the fake.
//!
//! **How characters are counted**: Discord's limits are in "characters"; the fake counts Unicode
//! scalar values (`str::chars`), so `任务` is 2 characters and an emoji with a variation
//! selector is 2. Embed texts are trimmed of leading and trailing whitespace before counting, as
//! the embed-limits section says.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;

use serde_json::{Map, Value, json};

use super::name_chars::NAME_CHARS;

// ------------------------------------------------------------------ refusals and error trees

/// A request Discord refuses: the HTTP status and the JSON body it answers.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
}

impl Refusal {
    /// A refusal with a specific JSON error code, e.g. `(400, 50006, "Cannot send an empty
    /// message")`.
    pub fn json(status: u16, code: i64, message: &str) -> Refusal {
        Refusal {
            status,
            body: json!({"code": code, "message": message}),
        }
    }

    /// Discord's JSON error code (`body.code`).
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(0)
    }

    /// The `errors` tree of a 50035 refusal.
    pub fn errors(&self) -> Option<&Value> {
        self.body.get("errors")
    }

    /// Dotted paths of every fault in the `errors` tree (`""` for the request itself), e.g.
    /// `"5.options.3.options.1.required"`, with the `_errors` codes, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = self.errors() {
            collect_paths(e, "", &mut out);
        }
        out.sort();
        out
    }

    /// Whether some fault sits exactly at `path` (dotted).
    pub fn has_path(&self, path: &str) -> bool {
        self.paths()
            .iter()
            .any(|p| p.split(' ').next() == Some(path))
    }
}

fn collect_paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
    let Some(o) = v.as_object() else { return };
    for (k, child) in o {
        if k == "_errors" {
            let codes: Vec<&str> = child
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["code"].as_str())
                .collect();
            out.push(format!("{prefix} {}", codes.join(",")));
        } else {
            let p = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            collect_paths(child, &p, out);
        }
    }
}

/// A path into the request body: `Path::root().at(5).at("options")`.
#[derive(Clone, Debug, Default)]
pub struct Path(Vec<String>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn at(&self, seg: impl Display) -> Path {
        let mut p = self.0.clone();
        p.push(seg.to_string());
        Path(p)
    }
}

/// Collects faults into Discord's nested `errors` tree.
#[derive(Debug, Default)]
pub struct FormErrors {
    tree: Map<String, Value>,
    count: usize,
}

impl FormErrors {
    pub fn add(&mut self, path: &Path, code: &str, message: impl Into<String>) {
        let mut node = &mut self.tree;
        for seg in &path.0 {
            let entry = node.entry(seg.clone()).or_insert_with(|| json!({}));
            node = entry.as_object_mut().expect("error tree nodes are objects");
        }
        let list = node.entry("_errors").or_insert_with(|| json!([]));
        if let Some(a) = list.as_array_mut() {
            a.push(json!({"code": code, "message": message.into()}));
        }
        self.count += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `Ok` when nothing was wrong, else HTTP 400 code 50035 with the tree.
    pub fn into_result(self) -> Result<(), Refusal> {
        if self.count == 0 {
            return Ok(());
        }
        Err(Refusal {
            status: 400,
            body: json!({
                "code": 50035,
                "message": "Invalid Form Body",
                "errors": Value::Object(self.tree),
            }),
        })
    }
}

// --------------------------------------------------------------------------- small helpers

/// Characters as the fake counts them: Unicode scalar values.
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

fn present(v: &Value, key: &str) -> Option<Value> {
    v.get(key).filter(|x| !x.is_null()).cloned()
}

/// Checks an optional string field's length; reports a non-string value.
fn opt_str_len(e: &mut FormErrors, p: &Path, v: &Value, key: &str, min: usize, max: usize) {
    if let Some(x) = present(v, key) {
        str_len(e, &p.at(key), &x, min, max);
    }
}

/// Checks a required string field's length.
fn req_str_len(e: &mut FormErrors, p: &Path, v: &Value, key: &str, min: usize, max: usize) {
    match present(v, key) {
        Some(x) => str_len(e, &p.at(key), &x, min, max),
        None => e.add(&p.at(key), "BASE_TYPE_REQUIRED", "This field is required"),
    }
}

fn str_len(e: &mut FormErrors, p: &Path, x: &Value, min: usize, max: usize) {
    let Some(s) = x.as_str() else {
        e.add(p, "BASE_TYPE_STRING", "This field must be a string.");
        return;
    };
    let n = chars(s);
    if n < min || n > max {
        len_fault(e, p, min, max);
    }
}

fn len_fault(e: &mut FormErrors, p: &Path, min: usize, max: usize) {
    if min == 0 {
        e.add(
            p,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {max} or fewer in length."),
        );
    } else {
        e.add(
            p,
            "BASE_TYPE_BAD_LENGTH",
            format!("Must be between {min} and {max} in length."),
        );
    }
}

fn array_len(e: &mut FormErrors, p: &Path, a: &[Value], min: usize, max: usize) {
    if a.len() < min || a.len() > max {
        len_fault(e, p, min, max);
    }
}

fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

// ----------------------------------------------------------------------------------- locales

/// Discord's locales, the only keys a localization dictionary may have
/// (<https://discord.com/developers/docs/reference#locales>).
pub const LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// Checks a `*_localizations` dictionary: keys are Discord locales, each value obeys `value`
/// (the rule of the field it localizes).
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-structure>
/// ("Localization dictionary for `name` field. Values follow the same restrictions as `name`").
fn localizations(
    e: &mut FormErrors,
    p: &Path,
    v: &Value,
    key: &str,
    value: &dyn Fn(&mut FormErrors, &Path, &Value),
) {
    let Some(dict) = present(v, key) else { return };
    let Some(o) = dict.as_object() else {
        e.add(
            &p.at(key),
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        );
        return;
    };
    for (locale, text) in o {
        let lp = p.at(key).at(locale);
        if !LOCALES.contains(&locale.as_str()) {
            e.add(
                &lp,
                "BASE_TYPE_CHOICES",
                format!("Value must be one of {LOCALES:?}."),
            );
            continue;
        }
        value(e, &lp, text);
    }
}

fn localized_values<'a>(v: &'a Value, key: &str) -> Vec<(&'a str, &'a str)> {
    v.get(key)
        .and_then(|d| d.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, x)| x.as_str().map(|s| (k.as_str(), s)))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------- application commands

const PAGE_COMMANDS: &str = "https://discord.com/developers/docs/interactions/application-commands";

/// Whether `name` is a valid `CHAT_INPUT` command or option name: it matches
/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` and uses the lowercase variant of every
/// letter that has one (uncased letters such as `任务` are fine).
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-naming>
/// (the page's pattern admits `'` too; the brief's copy of it did not).
pub fn valid_chat_input_name(name: &str) -> bool {
    let n = chars(name);
    (1..=32).contains(&n)
        && name.chars().all(|c| {
            let allowed = matches!(c, '-' | '_' | '\'') || in_name_class(c);
            let lower = c.to_lowercase().eq(std::iter::once(c));
            allowed && lower
        })
}

fn in_name_class(c: char) -> bool {
    NAME_CHARS
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn chat_name(e: &mut FormErrors, p: &Path, x: &Value) {
    match x.as_str() {
        Some(s) if valid_chat_input_name(s) => {}
        Some(_) => e.add(
            p,
            "APPLICATION_COMMAND_INVALID_NAME",
            "Command name is invalid",
        ),
        None => e.add(p, "BASE_TYPE_STRING", "This field must be a string."),
    }
}

/// Command types (`CHAT_INPUT` 1, `USER` 2, `MESSAGE` 3, `PRIMARY_ENTRY_POINT` 4).
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-types>
const COMMAND_TYPES: [u64; 4] = [1, 2, 3, 4];

/// Checks the body of a bulk overwrite (`PUT /applications/{id}/commands` or
/// `PUT /applications/{id}/guilds/{id}/commands`). Discord validates every command and refuses
/// the whole request for one fault.
/// <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands>
/// <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands>
pub fn check_commands(body: &Value, guild: bool) -> Result<(), Refusal> {
    let mut e = FormErrors::default();
    let root = Path::root();
    let Some(cmds) = body.as_array() else {
        e.add(&root, "BASE_TYPE_ARRAY", "Must be an array.");
        return e.into_result();
    };
    let mut per_type: HashMap<u64, usize> = HashMap::new();
    let mut names: HashSet<(u64, String)> = HashSet::new();
    for (i, c) in cmds.iter().enumerate() {
        let p = root.at(i);
        let kind = c.get("type").and_then(Value::as_u64).unwrap_or(1);
        check_command(&mut e, &p, c, kind);
        *per_type.entry(kind).or_default() += 1;
        // Command names are unique per application, per type, within each scope.
        // <https://discord.com/developers/docs/interactions/application-commands#registering-a-command>
        if let Some(name) = c["name"].as_str()
            && !names.insert((kind, name.to_string()))
        {
            e.add(
                &p.at("name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                format!("Application command names must be unique ({name})"),
            );
        }
    }
    // 100 CHAT_INPUT, 15 USER, 15 MESSAGE, 1 PRIMARY_ENTRY_POINT global commands, and as many
    // per guild except PRIMARY_ENTRY_POINT, which cannot be a guild command.
    // <https://discord.com/developers/docs/interactions/application-commands#registering-a-command>
    for (kind, max, what) in [
        (1, 100, "CHAT_INPUT"),
        (2, 15, "USER"),
        (3, 15, "MESSAGE"),
        (4, if guild { 0 } else { 1 }, "PRIMARY_ENTRY_POINT"),
    ] {
        let n = per_type.get(&kind).copied().unwrap_or(0);
        if n > max {
            e.add(
                &root,
                "APPLICATION_COMMANDS_TOO_MANY",
                format!("Maximum number of {what} application commands reached ({max}); got {n}"),
            );
        }
    }
    e.into_result()
}

fn check_command(e: &mut FormErrors, p: &Path, c: &Value, kind: u64) {
    if !c.is_object() {
        e.add(
            p,
            "MODEL_TYPE_CONVERT",
            "Only dictionaries may be used in a ModelType",
        );
        return;
    }
    if !COMMAND_TYPES.contains(&kind) {
        e.add(
            &p.at("type"),
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {COMMAND_TYPES:?}."),
        );
        return;
    }
    let chat = kind == 1 || kind == 4;
    // Name: the pattern for CHAT_INPUT (and entry points), 1-32 characters for every type;
    // USER and MESSAGE commands may be mixed case and have spaces.
    // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-naming>
    let name_rule = |e: &mut FormErrors, p: &Path, x: &Value| {
        if chat {
            chat_name(e, p, x)
        } else {
            str_len(e, p, x, 1, 32)
        }
    };
    match present(c, "name") {
        Some(n) => name_rule(e, &p.at("name"), &n),
        None => e.add(
            &p.at("name"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
    }
    localizations(e, p, c, "name_localizations", &name_rule);
    if kind == 1 {
        // Description for CHAT_INPUT commands, 1-100 characters.
        // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-structure>
        req_str_len(e, p, c, "description", 1, 100);
        localizations(e, p, c, "description_localizations", &|e, p, x| {
            str_len(e, p, x, 1, 100)
        });
    } else if matches!(kind, 2 | 3) && c["description"].as_str().is_some_and(|d| !d.is_empty()) {
        // "The description field is not allowed when creating user commands" (and message
        // commands). <https://discord.com/developers/docs/interactions/application-commands#user-commands>
        e.add(
            &p.at("description"),
            "APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED",
            "Description is not allowed for USER and MESSAGE commands",
        );
    }
    let options = c.get("options").and_then(Value::as_array);
    if let Some(opts) = options.filter(|o| !o.is_empty()) {
        if kind != 1 {
            // "options can only be set for application commands of type CHAT_INPUT".
            e.add(
                &p.at("options"),
                "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
                "Options can only be set for CHAT_INPUT commands",
            );
        } else {
            check_options(e, &p.at("options"), opts, Parent::Command);
        }
    }
    // At most 8000 characters for the combined name, description and value properties of the
    // command, its options (subcommands and groups included) and choices; only the longest
    // localization of each field (the default included) counts.
    // <https://discord.com/developers/docs/interactions/application-commands#slash-commands>
    if kind == 1 {
        let size = command_size(c);
        if size > 8000 {
            e.add(
                p,
                "APPLICATION_COMMAND_TOO_LARGE",
                format!("Command exceeds maximum size (8000): {size}"),
            );
        }
    }
}

/// The size Discord counts against the 8,000-character limit.
pub fn command_size(c: &Value) -> usize {
    longest(c, "name", "name_localizations")
        + longest(c, "description", "description_localizations")
        + options_size(c)
}

fn options_size(v: &Value) -> usize {
    v.get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|o| {
            let choices: usize = o
                .get("choices")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|ch| {
                    let value = match &ch["value"] {
                        Value::String(s) => chars(s),
                        Value::Null => 0,
                        other => other.to_string().len(),
                    };
                    longest(ch, "name", "name_localizations") + value
                })
                .sum();
            longest(o, "name", "name_localizations")
                + longest(o, "description", "description_localizations")
                + choices
                + options_size(o)
        })
        .sum()
}

fn longest(v: &Value, field: &str, locs: &str) -> usize {
    let base = v[field].as_str().map(chars).unwrap_or(0);
    localized_values(v, locs)
        .into_iter()
        .map(|(_, s)| chars(s))
        .fold(base, usize::max)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Command,
    Group,
    Subcommand,
}

/// Option types. <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type>
const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;
const STRING: u64 = 3;
const INTEGER: u64 = 4;
const CHANNEL: u64 = 7;
const NUMBER: u64 = 10;
const ATTACHMENT: u64 = 11;

/// INTEGER: any integer between -2^53+1 and 2^53-1; NUMBER: any double between -2^53 and 2^53.
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type>
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn is_integer_value(v: &Value) -> bool {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => (i.unsigned_abs() as f64) <= MAX_SAFE,
            (None, Some(u)) => (u as f64) <= MAX_SAFE,
            _ => false,
        },
        _ => false,
    }
}

fn is_number_value(v: &Value) -> bool {
    v.as_f64().is_some_and(|f| f.abs() <= MAX_SAFE + 1.0)
}

fn check_options(e: &mut FormErrors, p: &Path, opts: &[Value], parent: Parent) {
    // Parameters for the command, max of 25; subcommands of a group up to 25.
    // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure>
    array_len(e, p, opts, 0, 25);
    let mut seen_optional = false;
    let mut names: HashSet<&str> = HashSet::new();
    for (k, o) in opts.iter().enumerate() {
        let op = p.at(k);
        let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
        // A group holds subcommands; a subcommand holds parameters only.
        // ("If the option is a subcommand or subcommand group type, these nested options will
        // be the parameters or subcommands respectively.")
        let nested_ok = match parent {
            Parent::Command => true,
            Parent::Group => kind == SUB_COMMAND,
            Parent::Subcommand => kind != SUB_COMMAND && kind != SUB_COMMAND_GROUP,
        };
        if !nested_ok {
            e.add(
                &op.at("type"),
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "A group holds subcommands; a subcommand holds parameters only",
            );
        }
        check_option(e, &op, o, kind);
        // `name` must be unique within an array of application command options.
        if let Some(n) = o["name"].as_str()
            && !names.insert(n)
        {
            e.add(
                &op.at("name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                format!("Option names must be unique ({n})"),
            );
        }
        // Required options must be listed before optional options.
        // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure>
        if kind != SUB_COMMAND && kind != SUB_COMMAND_GROUP {
            let required = o["required"].as_bool().unwrap_or(false);
            if required && seen_optional {
                e.add(
                    &op.at("required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                );
            }
            seen_optional |= !required;
        }
    }
    // "Localized option names ... must be distinct from all other default option names of that
    // command, as well as all other option names within that locale on that command." Checked
    // among siblings (the options of one command or subcommand).
    // <https://discord.com/developers/docs/interactions/application-commands#localization>
    let defaults: Vec<&str> = opts.iter().filter_map(|o| o["name"].as_str()).collect();
    let mut per_locale: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (k, o) in opts.iter().enumerate() {
        let own = o["name"].as_str().unwrap_or_default();
        for (locale, local) in localized_values(o, "name_localizations") {
            let clash_default = local != own && defaults.contains(&local);
            let clash_local = !per_locale.entry(locale).or_default().insert(local);
            if clash_default || clash_local {
                e.add(
                    &p.at(k).at("name_localizations").at(locale),
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                    format!("Localized option name {local:?} is not distinct"),
                );
            }
        }
    }
}

fn check_option(e: &mut FormErrors, p: &Path, o: &Value, kind: u64) {
    if !o.is_object() {
        e.add(
            p,
            "MODEL_TYPE_CONVERT",
            "Only dictionaries may be used in a ModelType",
        );
        return;
    }
    if !(1..=11).contains(&kind) {
        e.add(
            &p.at("type"),
            "BASE_TYPE_CHOICES",
            "Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).",
        );
    }
    // 1-32 character name following the naming rule; 1-100 character description; the
    // localizations follow the same restrictions.
    // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure>
    match present(o, "name") {
        Some(n) => chat_name(e, &p.at("name"), &n),
        None => e.add(
            &p.at("name"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
    }
    localizations(e, p, o, "name_localizations", &chat_name);
    req_str_len(e, p, o, "description", 1, 100);
    localizations(e, p, o, "description_localizations", &|e, p, x| {
        str_len(e, p, x, 1, 100)
    });

    let not_for = |e: &mut FormErrors, key: &str, valid: &str| {
        e.add(
            &p.at(key),
            "APPLICATION_COMMAND_OPTION_FIELD_INVALID",
            format!("`{key}` is only valid for {valid} options"),
        )
    };
    let nonempty = |key: &str| {
        o.get(key).is_some_and(|v| match v {
            Value::Null => false,
            Value::Array(a) => !a.is_empty(),
            _ => true,
        })
    };
    let choice_type = matches!(kind, STRING | INTEGER | NUMBER);

    // Choices: STRING, INTEGER, NUMBER only; max 25; 1-100 character names; the value has the
    // option's type, up to 100 characters if string.
    // <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-choice-structure>
    if nonempty("choices") {
        if !choice_type {
            not_for(e, "choices", "STRING, INTEGER and NUMBER");
        } else if let Some(choices) = o["choices"].as_array() {
            let cp = p.at("choices");
            array_len(e, &cp, choices, 0, 25);
            for (j, ch) in choices.iter().enumerate() {
                check_choice(e, &cp.at(j), ch, kind);
            }
        }
    }
    // min_value / max_value: INTEGER and NUMBER only, an integer for INTEGER.
    for key in ["min_value", "max_value"] {
        if let Some(v) = present(o, key) {
            match kind {
                INTEGER if !is_integer_value(&v) => e.add(
                    &p.at(key),
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{v}\" is not int."),
                ),
                NUMBER if !is_number_value(&v) => e.add(
                    &p.at(key),
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{v}\" is not a number."),
                ),
                INTEGER | NUMBER => {}
                _ => not_for(e, key, "INTEGER and NUMBER"),
            }
        }
    }
    // min_length 0-6000 and max_length 1-6000, STRING only.
    for (key, min) in [("min_length", 0), ("max_length", 1)] {
        if let Some(v) = present(o, key) {
            if kind != STRING {
                not_for(e, key, "STRING");
            } else if !v.as_u64().is_some_and(|n| (min..=6000).contains(&n)) {
                e.add(
                    &p.at(key),
                    "NUMBER_TYPE_MAX",
                    format!("Must be between {min} and 6000."),
                );
            }
        }
    }
    // autocomplete: STRING, INTEGER, NUMBER only, and "may not be set to true if choices are
    // present".
    if o["autocomplete"].as_bool() == Some(true) {
        if !choice_type {
            not_for(e, "autocomplete", "STRING, INTEGER and NUMBER");
        } else if nonempty("choices") {
            e.add(
                &p.at("autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE",
                "Autocomplete cannot be set if choices are present",
            );
        }
    }
    // channel_types: CHANNEL only; file_types: ATTACHMENT only.
    if nonempty("channel_types") && kind != CHANNEL {
        not_for(e, "channel_types", "CHANNEL");
    }
    if nonempty("file_types") && kind != ATTACHMENT {
        not_for(e, "file_types", "ATTACHMENT");
    }
    // Nested options: subcommands and groups only.
    if let Some(sub) = o.get("options").and_then(Value::as_array) {
        match kind {
            SUB_COMMAND => check_options(e, &p.at("options"), sub, Parent::Subcommand),
            SUB_COMMAND_GROUP => check_options(e, &p.at("options"), sub, Parent::Group),
            _ if !sub.is_empty() => not_for(e, "options", "SUB_COMMAND and SUB_COMMAND_GROUP"),
            _ => {}
        }
    }
}

fn check_choice(e: &mut FormErrors, p: &Path, ch: &Value, kind: u64) {
    req_str_len(e, p, ch, "name", 1, 100);
    localizations(e, p, ch, "name_localizations", &|e, p, x| {
        str_len(e, p, x, 1, 100)
    });
    choice_value(e, &p.at("value"), &ch["value"], kind);
}

/// A choice value of the option's type (string up to 100 characters, integer, number).
fn choice_value(e: &mut FormErrors, p: &Path, v: &Value, kind: u64) {
    match kind {
        STRING => match v.as_str() {
            Some(_) => str_len(e, p, v, 0, 100),
            None => e.add(p, "BASE_TYPE_STRING", "This field must be a string."),
        },
        INTEGER if !is_integer_value(v) => e.add(
            p,
            "NUMBER_TYPE_COERCE",
            format!("Value \"{v}\" is not int."),
        ),
        NUMBER if !is_number_value(v) => e.add(
            p,
            "NUMBER_TYPE_COERCE",
            format!("Value \"{v}\" is not a number."),
        ),
        _ => {}
    }
}

// ----------------------------------------------------------------------------------- messages

const PAGE_MESSAGE: &str = "https://discord.com/developers/docs/resources/message";

/// What a message body is for: a new message (channel create, followup, type-4 callback) or an
/// edit (channel edit, `@original` / followup edit, type-7 callback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Create,
    Edit,
}

/// Files uploaded with a request and attachments a message already has.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// Multipart field names of the uploaded files (`files[0]`, ...).
    pub uploaded: Vec<String>,
    /// Ids of the attachments the edited message has (edits only).
    pub existing: Vec<u64>,
}

impl Files {
    fn indices(&self) -> Vec<u64> {
        self.uploaded
            .iter()
            .filter_map(|f| {
                f.strip_prefix("files[")
                    .and_then(|s| s.strip_suffix(']'))
                    .and_then(|s| s.parse().ok())
            })
            .collect()
    }
}

/// Message flag IS_COMPONENTS_V2 (`1 << 15`).
/// <https://discord.com/developers/docs/resources/message#message-object-message-flags>
const IS_COMPONENTS_V2: u64 = 1 << 15;

/// Checks a message body (create or edit). `nonce` is a channel-message field; the others apply
/// to channel messages, webhook/interaction messages and callback data alike.
pub fn check_message(body: &Value, kind: MessageKind, files: &Files) -> Result<(), Refusal> {
    let mut e = FormErrors::default();
    message_rules(&mut e, &Path::root(), body, kind, files);
    e.into_result()?;
    if kind == MessageKind::Create {
        non_empty(body, files)?;
    }
    Ok(())
}

/// "At least one of `content`, `embeds`, `sticker_ids`, `components`, `files[n]`, `poll`, or
/// `shared_client_theme` is required"; Discord answers 50006 "Cannot send an empty message".
/// <https://discord.com/developers/docs/resources/message#create-message-json/form-params>,
/// <https://discord.com/developers/docs/resources/webhook#execute-webhook>,
/// <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>
fn non_empty(body: &Value, files: &Files) -> Result<(), Refusal> {
    let has = |k: &str| match body.get(k) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    let any = ["content", "embeds", "sticker_ids", "components", "poll"]
        .iter()
        .any(|k| has(k))
        || !files.uploaded.is_empty()
        || has("shared_client_theme");
    if any {
        Ok(())
    } else {
        Err(Refusal::json(400, 50006, "Cannot send an empty message"))
    }
}

fn message_rules(e: &mut FormErrors, p: &Path, body: &Value, kind: MessageKind, files: &Files) {
    if !body.is_object() {
        e.add(
            p,
            "MODEL_TYPE_CONVERT",
            "Only dictionaries may be used in a ModelType",
        );
        return;
    }
    // Message contents up to 2000 characters.
    // <https://discord.com/developers/docs/resources/message#create-message-json/form-params>
    // <https://discord.com/developers/docs/resources/message#edit-message-json/form-params>
    opt_str_len(e, p, body, "content", 0, 2000);
    // nonce: integer or string, up to 25 characters.
    // <https://discord.com/developers/docs/resources/message#create-message-json/form-params>
    match body.get("nonce") {
        None | Some(Value::Null) | Some(Value::Number(_)) => {}
        Some(Value::String(s)) if chars(s) <= 25 => {}
        Some(Value::String(_)) => e.add(
            &p.at("nonce"),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ),
        Some(_) => e.add(
            &p.at("nonce"),
            "BASE_TYPE_STRING",
            "Nonce must be an integer or a string.",
        ),
    }
    if let Some(embeds) = present(body, "embeds") {
        match embeds.as_array() {
            Some(a) => check_embeds(e, &p.at("embeds"), a),
            None => e.add(&p.at("embeds"), "BASE_TYPE_ARRAY", "Must be an array."),
        }
    }
    if let Some(am) = present(body, "allowed_mentions") {
        check_allowed_mentions(e, &p.at("allowed_mentions"), &am);
    }
    let v2 = body["flags"].as_u64().unwrap_or(0) & IS_COMPONENTS_V2 != 0;
    if let Some(comps) = present(body, "components") {
        match comps.as_array() {
            Some(a) => check_message_components(e, &p.at("components"), a, v2),
            None => e.add(&p.at("components"), "BASE_TYPE_ARRAY", "Must be an array."),
        }
    }
    check_attachments(e, p, body, kind, files);
}

/// Embed limits: title 256, description 4096, up to 25 fields, field name 256 and value 1024
/// (both required), footer text 2048, author name 256; the combined title, description, field
/// names and values, footer text and author name of all embeds of a message at most 6000; up
/// to 10 embeds. Leading and trailing whitespace is trimmed before counting.
/// <https://discord.com/developers/docs/resources/message#embed-object-embed-limits>
/// <https://discord.com/developers/docs/resources/message#embed-object-embed-field-structure>
/// <https://discord.com/developers/docs/resources/message#create-message-json/form-params>
fn check_embeds(e: &mut FormErrors, p: &Path, embeds: &[Value]) {
    array_len(e, p, embeds, 0, 10);
    let mut total = 0;
    let trimmed = |v: &Value| v.as_str().map(|s| chars(s.trim()));
    for (i, em) in embeds.iter().enumerate() {
        let ep = p.at(i);
        let mut text =
            |e: &mut FormErrors, path: Path, v: &Value, max: usize, required: bool| match (
                v,
                trimmed(v),
            ) {
                (Value::Null, _) if required => {
                    e.add(&path, "BASE_TYPE_REQUIRED", "This field is required")
                }
                (Value::Null, _) => {}
                (_, None) => e.add(&path, "BASE_TYPE_STRING", "This field must be a string."),
                (_, Some(0)) if required => {
                    e.add(&path, "BASE_TYPE_REQUIRED", "This field is required")
                }
                (_, Some(n)) => {
                    total += n;
                    if n > max {
                        len_fault(e, &path, 0, max);
                    }
                }
            };
        text(e, ep.at("title"), &em["title"], 256, false);
        text(e, ep.at("description"), &em["description"], 4096, false);
        if em["footer"].is_object() {
            text(
                e,
                ep.at("footer").at("text"),
                &em["footer"]["text"],
                2048,
                true,
            );
        }
        if em["author"].is_object() {
            text(
                e,
                ep.at("author").at("name"),
                &em["author"]["name"],
                256,
                true,
            );
        }
        if let Some(fields) = em["fields"].as_array() {
            array_len(e, &ep.at("fields"), fields, 0, 25);
            for (j, f) in fields.iter().enumerate() {
                let fp = ep.at("fields").at(j);
                text(e, fp.at("name"), &f["name"], 256, true);
                text(e, fp.at("value"), &f["value"], 1024, true);
            }
        }
    }
    if total > 6000 {
        e.add(
            p,
            "BASE_TYPE_MAX_LENGTH",
            format!("Embed size exceeds maximum size of 6000 (all embeds of the message: {total})"),
        );
    }
}

/// `parse` is mutually exclusive with `users` (for "users") and `roles` (for "roles"):
/// `{"parse": ["users"], "users": [...]}` is "an invalid configuration ... causing a validation
/// error"; an empty or null list does not trigger it. `roles` and `users` hold at most 100 ids;
/// `parse` holds allowed mention types.
/// <https://discord.com/developers/docs/resources/message#allowed-mentions-object>
fn check_allowed_mentions(e: &mut FormErrors, p: &Path, am: &Value) {
    let parse: Vec<&str> = am["parse"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (k, t) in parse.iter().enumerate() {
        if !matches!(*t, "roles" | "users" | "everyone") {
            e.add(
                &p.at("parse").at(k),
                "BASE_TYPE_CHOICES",
                "Value must be one of ('roles', 'users', 'everyone').",
            );
        }
    }
    for (kind, list) in [("users", &am["users"]), ("roles", &am["roles"])] {
        let n = list.as_array().map(Vec::len).unwrap_or(0);
        if n > 100 {
            len_fault(e, &p.at(kind), 0, 100);
        }
        if n > 0 && parse.contains(&kind) {
            e.add(
                p,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                format!("parse:[\"{kind}\"] and {kind}: [ids] are mutually exclusive."),
            );
        }
    }
}

/// The `id` of each entry of `attachments` refers to an uploaded `files[n]` part (`id` = `n`)
/// or, on an edit, to an attachment the message already has.
/// <https://discord.com/developers/docs/resources/message#attachment-object-attachment-request-structure>
/// <https://discord.com/developers/docs/reference#uploading-files>
fn check_attachments(e: &mut FormErrors, p: &Path, body: &Value, kind: MessageKind, files: &Files) {
    let Some(list) = body.get("attachments").and_then(Value::as_array) else {
        return;
    };
    let uploaded = files.indices();
    for (k, a) in list.iter().enumerate() {
        let ap = p.at("attachments").at(k).at("id");
        match id_of(&a["id"]) {
            None => e.add(&ap, "BASE_TYPE_REQUIRED", "This field is required"),
            Some(id) => {
                let known = uploaded.contains(&id)
                    || (kind == MessageKind::Edit && files.existing.contains(&id));
                if !known {
                    e.add(
                        &ap,
                        "ATTACHMENT_NOT_FOUND",
                        format!("Attachment {id} is neither an uploaded files[n] part nor an attachment of the message"),
                    );
                }
            }
        }
    }
}

/// Component rules for a (non components-v2) message: at most 5 action rows; a row holds 1-5
/// buttons or exactly one select menu; `custom_id` is 1-100 characters and unique within the
/// message; a button label is at most 80 characters; link buttons (style 5) have a `url` (at most
/// 512 characters) and no `custom_id`; non-link, non-premium buttons have a `custom_id` and no
/// `url`; premium buttons (style 6) have a `sku_id` only; selects: placeholder at most 150,
/// min_values 0-25, max_values 1-25, string selects 1-25 options with label and value of 1-100
/// characters and a description of at most 100.
/// <https://discord.com/developers/docs/components/reference#action-row>
/// <https://discord.com/developers/docs/components/reference#button-button-structure>
/// <https://discord.com/developers/docs/components/reference#anatomy-of-a-component-custom-id>
/// <https://discord.com/developers/docs/components/reference#string-select-string-select-structure>
/// Components v2 layouts (flag `1 << 15`) are not modelled: only their custom ids are checked.
fn check_message_components(e: &mut FormErrors, p: &Path, rows: &[Value], v2: bool) {
    let mut ids: HashSet<String> = HashSet::new();
    if v2 {
        custom_ids(e, p, rows, &mut ids);
        return;
    }
    // Up to 5 action rows per message (the legacy layout).
    // <https://discord.com/developers/docs/components/reference#action-row>
    array_len(e, p, rows, 0, 5);
    for (i, row) in rows.iter().enumerate() {
        let rp = p.at(i);
        if row["type"].as_u64() != Some(1) {
            e.add(
                &rp.at("type"),
                "COMPONENT_TYPE_INVALID",
                "Top-level components of a message must be action rows",
            );
            continue;
        }
        let children = row["components"].as_array().cloned().unwrap_or_default();
        let kinds: Vec<u64> = children
            .iter()
            .map(|c| c["type"].as_u64().unwrap_or(0))
            .collect();
        let buttons = kinds.iter().filter(|k| **k == 2).count();
        let selects = kinds.iter().filter(|k| matches!(**k, 3 | 5..=8)).count();
        let cp = rp.at("components");
        if children.is_empty() {
            len_fault(e, &cp, 1, 5);
        } else if (selects > 0 && children.len() > 1) || buttons > 5 {
            e.add(
                &cp,
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "An action row holds up to 5 buttons or a single select menu",
            );
        }
        for (j, c) in children.iter().enumerate() {
            let bp = cp.at(j);
            match kinds[j] {
                2 => check_button(e, &bp, c, &mut ids),
                3 | 5..=8 => check_select(e, &bp, c, kinds[j], &mut ids),
                other => e.add(
                    &bp.at("type"),
                    "COMPONENT_TYPE_INVALID",
                    format!("Component type {other} cannot be placed in a message action row"),
                ),
            }
        }
    }
}

fn custom_id(e: &mut FormErrors, p: &Path, c: &Value, ids: &mut HashSet<String>) {
    match c["custom_id"].as_str() {
        None => e.add(
            &p.at("custom_id"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
        Some(id) => {
            str_len(e, &p.at("custom_id"), &c["custom_id"], 1, 100);
            if !ids.insert(id.to_string()) {
                e.add(
                    &p.at("custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    format!("Component custom id cannot be duplicated ({id})"),
                );
            }
        }
    }
}

fn custom_ids(e: &mut FormErrors, p: &Path, comps: &[Value], ids: &mut HashSet<String>) {
    for (i, c) in comps.iter().enumerate() {
        if c.get("custom_id").is_some() {
            custom_id(e, &p.at(i), c, ids);
        }
        for key in ["components", "accessory", "component"] {
            match c.get(key) {
                Some(Value::Array(a)) => custom_ids(e, &p.at(i).at(key), a, ids),
                Some(obj @ Value::Object(_)) => {
                    custom_ids(e, &p.at(i).at(key), std::slice::from_ref(obj), ids)
                }
                _ => {}
            }
        }
    }
}

fn check_button(e: &mut FormErrors, p: &Path, b: &Value, ids: &mut HashSet<String>) {
    let style = b["style"].as_u64().unwrap_or(0);
    opt_str_len(e, p, b, "label", 0, 80);
    let has = |k: &str| present(b, k).is_some();
    let forbid = |e: &mut FormErrors, k: &str, why: &str| {
        if has(k) {
            e.add(&p.at(k), "BUTTON_COMPONENT_FIELD_INVALID", why.to_string());
        }
    };
    match style {
        1..=4 => {
            custom_id(e, p, b, ids);
            forbid(e, "url", "Non-link buttons cannot have a url");
            forbid(e, "sku_id", "Non-premium buttons cannot have a sku_id");
        }
        5 => {
            match present(b, "url") {
                Some(u) => str_len(e, &p.at("url"), &u, 1, 512),
                None => e.add(&p.at("url"), "BASE_TYPE_REQUIRED", "This field is required"),
            }
            forbid(e, "custom_id", "Link buttons cannot have a custom_id");
        }
        6 => {
            if !has("sku_id") {
                e.add(
                    &p.at("sku_id"),
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                );
            }
            for k in ["custom_id", "label", "url", "emoji"] {
                forbid(e, k, "Premium buttons only have a sku_id");
            }
        }
        _ => e.add(
            &p.at("style"),
            "BASE_TYPE_CHOICES",
            "Value must be one of (1, 2, 3, 4, 5, 6).",
        ),
    }
}

fn check_select(e: &mut FormErrors, p: &Path, s: &Value, kind: u64, ids: &mut HashSet<String>) {
    custom_id(e, p, s, ids);
    opt_str_len(e, p, s, "placeholder", 0, 150);
    if let Some(v) = present(s, "min_values")
        && v.as_u64().is_none_or(|n| n > 25)
    {
        e.add(
            &p.at("min_values"),
            "NUMBER_TYPE_MAX",
            "Must be between 0 and 25.",
        );
    }
    if let Some(v) = present(s, "max_values")
        && !v.as_u64().is_some_and(|n| (1..=25).contains(&n))
    {
        e.add(
            &p.at("max_values"),
            "NUMBER_TYPE_MAX",
            "Must be between 1 and 25.",
        );
    }
    if kind == 3 {
        let options = s["options"].as_array().cloned().unwrap_or_default();
        array_len(e, &p.at("options"), &options, 1, 25);
        for (k, o) in options.iter().enumerate() {
            let op = p.at("options").at(k);
            req_str_len(e, &op, o, "label", 1, 100);
            req_str_len(e, &op, o, "value", 1, 100);
            opt_str_len(e, &op, o, "description", 0, 100);
        }
    }
}

// ------------------------------------------------------------------------ interaction callbacks

const PAGE_RESPONDING: &str =
    "https://discord.com/developers/docs/interactions/receiving-and-responding";

/// Interaction types. <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type>
pub const APPLICATION_COMMAND: u8 = 2;
pub const MESSAGE_COMPONENT: u8 = 3;
pub const APPLICATION_COMMAND_AUTOCOMPLETE: u8 = 4;
pub const MODAL_SUBMIT: u8 = 5;

/// Which callback types answer which interaction types:
/// - 6 DEFERRED_UPDATE_MESSAGE and 7 UPDATE_MESSAGE "only valid for component-based
///   interactions" (components, and modals submitted from a component);
/// - 8 APPLICATION_COMMAND_AUTOCOMPLETE_RESULT answers an autocomplete interaction, which takes
///   no other answer;
/// - 9 MODAL is "not available for MODAL_SUBMIT and PING interactions";
/// - 1 PONG only acknowledges a PING; 10 PREMIUM_REQUIRED is deprecated and needs monetization;
///   12 LAUNCH_ACTIVITY needs an Activity: the fake's application has neither.
///
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type>
pub fn callback_allowed(interaction: u8, callback: u64) -> bool {
    match callback {
        4 | 5 => interaction != APPLICATION_COMMAND_AUTOCOMPLETE,
        6 | 7 => matches!(interaction, MESSAGE_COMPONENT | MODAL_SUBMIT),
        8 => interaction == APPLICATION_COMMAND_AUTOCOMPLETE,
        9 => matches!(interaction, APPLICATION_COMMAND | MESSAGE_COMPONENT),
        _ => false,
    }
}

/// Checks `POST /interactions/{id}/{token}/callback`'s body (the timing and "already
/// acknowledged" rules need state and live in `rest.rs`). `focused_type` is the option type of
/// the focused option of an autocomplete interaction, as registered; `files.existing` the
/// attachments of the message a type-7 answer edits.
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response>
pub fn check_callback(
    interaction: u8,
    body: &Value,
    files: &Files,
    focused_type: Option<u64>,
) -> Result<(), Refusal> {
    let mut e = FormErrors::default();
    let Some(kind) = body["type"].as_u64() else {
        e.add(
            &Path::root().at("type"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
        return e.into_result();
    };
    if !matches!(kind, 1 | 4..=10 | 12) {
        e.add(
            &Path::root().at("type"),
            "BASE_TYPE_CHOICES",
            "Value must be one of (1, 4, 5, 6, 7, 8, 9, 10, 12).",
        );
        return e.into_result();
    }
    if !callback_allowed(interaction, kind) {
        e.add(
            &Path::root().at("type"),
            "INTERACTION_RESPONSE_TYPE_INVALID",
            format!("Callback type {kind} cannot answer an interaction of type {interaction}"),
        );
        return e.into_result();
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let dp = Path::root().at("data");
    match kind {
        // Messages: the same rules as any message; type 4 creates one, type 7 edits one.
        // <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-messages>
        4 | 7 => {
            let mk = if kind == 4 {
                MessageKind::Create
            } else {
                MessageKind::Edit
            };
            let d = if data.is_null() { json!({}) } else { data };
            message_rules(&mut e, &dp, &d, mk, files);
            e.into_result()?;
            if kind == 4 {
                non_empty(&d, files)?;
            }
            Ok(())
        }
        8 => {
            check_autocomplete_result(&mut e, &dp, &data, focused_type);
            e.into_result()
        }
        9 => {
            check_modal(&mut e, &dp, &data);
            e.into_result()
        }
        _ => Ok(()),
    }
}

/// Autocomplete result: at most 25 choices, each a choice object (1-100 character name, value
/// of the focused option's type, up to 100 characters if string).
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete>
/// <https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-choice-structure>
fn check_autocomplete_result(e: &mut FormErrors, p: &Path, data: &Value, focused: Option<u64>) {
    let Some(choices) = data["choices"].as_array() else {
        e.add(
            &p.at("choices"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
        return;
    };
    let cp = p.at("choices");
    array_len(e, &cp, choices, 0, 25);
    for (k, ch) in choices.iter().enumerate() {
        let chp = cp.at(k);
        req_str_len(e, &chp, ch, "name", 1, 100);
        localizations(e, &chp, ch, "name_localizations", &|e, p, x| {
            str_len(e, p, x, 1, 100)
        });
        match focused {
            Some(t) => choice_value(e, &chp.at("value"), &ch["value"], t),
            None => {
                if ch["value"].is_null() {
                    e.add(
                        &chp.at("value"),
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    );
                }
            }
        }
    }
}

/// Modal: `custom_id` 1-100 characters, `title` 1-45 characters, 1-5 components. In the
/// action-row form each row holds exactly one text input, whose label is 1-45 characters
/// (the pre-2025 form serenity 0.12 sends, documented at
/// <https://discord.com/developers/docs/interactions/message-components#text-input-object-text-input-structure>);
/// in the current form a Label (type 18, label at most 45 characters, description at most 100)
/// wraps one component. Text inputs: `custom_id` 1-100, style 1 or 2, `min_length` 0-4000,
/// `max_length` 1-4000, `value` at most 4000, `placeholder` at most 100 characters; custom ids
/// unique within the modal.
/// <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal>
/// <https://discord.com/developers/docs/components/reference#text-input-text-input-structure>
/// <https://discord.com/developers/docs/components/reference#label-label-structure>
pub fn check_modal(e: &mut FormErrors, p: &Path, data: &Value) {
    let mut ids = HashSet::new();
    if data.get("custom_id").is_some() {
        custom_id(e, p, data, &mut ids);
    } else {
        e.add(
            &p.at("custom_id"),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
    }
    ids.clear();
    req_str_len(e, p, data, "title", 1, 45);
    let rows = data["components"].as_array().cloned().unwrap_or_default();
    let cp = p.at("components");
    array_len(e, &cp, &rows, 1, 5);
    for (i, row) in rows.iter().enumerate() {
        let rp = cp.at(i);
        match row["type"].as_u64() {
            Some(1) => {
                let children = row["components"].as_array().cloned().unwrap_or_default();
                if children.len() != 1 || children[0]["type"].as_u64() != Some(4) {
                    e.add(
                        &rp.at("components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "An action row in a modal holds exactly one text input",
                    );
                    continue;
                }
                let tp = rp.at("components").at(0);
                req_str_len(e, &tp, &children[0], "label", 1, 45);
                check_text_input(e, &tp, &children[0], &mut ids);
            }
            Some(18) => {
                req_str_len(e, &rp, row, "label", 1, 45);
                opt_str_len(e, &rp, row, "description", 0, 100);
                let child = &row["component"];
                let tp = rp.at("component");
                match child["type"].as_u64() {
                    Some(4) => check_text_input(e, &tp, child, &mut ids),
                    Some(3 | 5..=8) => {
                        check_select(e, &tp, child, child["type"].as_u64().unwrap_or(3), &mut ids)
                    }
                    Some(19) => custom_id(e, &tp, child, &mut ids),
                    _ => e.add(
                        &tp.at("type"),
                        "COMPONENT_TYPE_INVALID",
                        "A label holds a text input, a select or a file upload",
                    ),
                }
            }
            Some(10) => {}
            _ => e.add(
                &rp.at("type"),
                "COMPONENT_TYPE_INVALID",
                "A modal holds action rows with a text input, labels or text displays",
            ),
        }
    }
}

fn check_text_input(e: &mut FormErrors, p: &Path, t: &Value, ids: &mut HashSet<String>) {
    custom_id(e, p, t, ids);
    if !matches!(t["style"].as_u64(), Some(1 | 2)) {
        e.add(
            &p.at("style"),
            "BASE_TYPE_CHOICES",
            "Value must be one of (1, 2).",
        );
    }
    for (key, min) in [("min_length", 0), ("max_length", 1)] {
        if let Some(v) = present(t, key)
            && !v.as_u64().is_some_and(|n| (min..=4000).contains(&n))
        {
            e.add(
                &p.at(key),
                "NUMBER_TYPE_MAX",
                format!("Must be between {min} and 4000."),
            );
        }
    }
    opt_str_len(e, p, t, "value", 0, 4000);
    opt_str_len(e, p, t, "placeholder", 0, 100);
}

/// The doc pages cited above, for messages that point a reader at the rule.
pub const PAGES: [&str; 3] = [PAGE_COMMANDS, PAGE_MESSAGE, PAGE_RESPONDING];

// ----------------------------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(options: Value) -> Value {
        json!({"name": "data", "type": 1, "description": "Daily data", "options": options})
    }

    fn opt(name: &str, kind: u64, required: bool) -> Value {
        json!({"name": name, "type": kind, "description": "d", "required": required})
    }

    fn refused(r: Result<(), Refusal>) -> Refusal {
        r.expect_err("Discord refuses this")
    }

    fn paths_of(r: Result<(), Refusal>) -> Vec<String> {
        refused(r)
            .paths()
            .into_iter()
            .map(|p| p.split(' ').next().unwrap_or_default().to_string())
            .collect()
    }

    // ---------------------------------------------------------------------- commands

    /// The refusal real Discord gave the bot: `/data target` declared optional `shop` before
    /// required `amount` (command 5, option 3, option 1).
    #[test]
    fn an_optional_option_before_a_required_one_is_refused_with_discords_path() {
        let ok = |n: &str| json!({"name": n, "type": 1, "description": "x"});
        let target = json!({
            "name": "target", "type": 1, "description": "Monthly target",
            "options": [opt("shop", 3, false), opt("amount", 3, true)],
        });
        let data = cmd(json!([
            {"name": "enter", "type": 1, "description": "e"},
            {"name": "show", "type": 1, "description": "s"},
            {"name": "shop", "type": 1, "description": "s"},
            target,
        ]));
        let body = json!([ok("a"), ok("b"), ok("c"), ok("d"), ok("e"), data]);
        let r = refused(check_commands(&body, true));
        assert_eq!(r.status, 400);
        assert_eq!(r.code(), 50035);
        assert_eq!(r.body["message"], "Invalid Form Body");
        assert_eq!(
            r.errors().expect("errors"),
            &json!({"5":{"options":{"3":{"options":{"1":{"required":{"_errors":[{
                "code":"APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                "message":"Required options must be placed before non-required options"}]}}}}}}})
        );
        // Required first is accepted.
        let fixed = cmd(json!([{
            "name": "target", "type": 1, "description": "Monthly target",
            "options": [opt("amount", 3, true), opt("shop", 3, false)],
        }]));
        check_commands(&json!([fixed]), true).expect("accepted");
    }

    #[test]
    fn names_follow_the_pattern_and_use_lowercase() {
        for good in [
            "task",
            "due-date",
            "paid_amount",
            "任务",
            "分配",
            "γενέθλια",
            "नमस्ते",
            "สวัสดี",
            "it's",
            "a1",
        ] {
            assert!(valid_chat_input_name(good), "{good}");
        }
        for bad in [
            "Task",
            "TASK",
            "due date",
            "",
            "x!",
            &"a".repeat(33),
            "Γενέθλια",
        ] {
            assert!(!valid_chat_input_name(bad), "{bad}");
        }
        check_commands(&json!([cmd(json!([]))]), false).expect("accepted");
        let mut c = cmd(json!([]));
        c["name"] = json!("Data");
        assert_eq!(paths_of(check_commands(&json!([c]), false)), ["0.name"]);
        // USER commands may be mixed case with spaces, and have no description.
        check_commands(&json!([{"name": "High Five", "type": 2}]), false).expect("accepted");
        assert_eq!(
            paths_of(check_commands(
                &json!([{"name": "High Five", "type": 2, "description": "x"}]),
                false
            )),
            ["0.description"]
        );
    }

    #[test]
    fn chinese_localized_names_are_accepted_and_upper_case_ones_refused() {
        let mut c = cmd(json!([{
            "name": "assign", "type": 1, "description": "Assign",
            "name_localizations": {"zh-CN": "分配"},
            "description_localizations": {"zh-CN": "分配任务"},
        }]));
        c["name_localizations"] = json!({"zh-CN": "任务"});
        check_commands(&json!([c.clone()]), true).expect("accepted");
        c["options"][0]["name_localizations"]["en-GB"] = json!("Assign");
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            ["0.options.0.name_localizations.en-GB"]
        );
    }

    #[test]
    fn localization_keys_are_discord_locales_and_values_obey_the_field() {
        let mut c = cmd(json!([]));
        c["description_localizations"] = json!({"zh-CN": "每日数据", "pt-BR": "dados"});
        check_commands(&json!([c.clone()]), true).expect("accepted");
        c["description_localizations"] = json!({"zh": "每日数据", "en-US": ""});
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            [
                "0.description_localizations.en-US",
                "0.description_localizations.zh"
            ]
        );
    }

    #[test]
    fn names_are_unique_among_siblings() {
        // Commands of one type.
        let a = cmd(json!([]));
        check_commands(&json!([a.clone(), {"name": "data", "type": 2}]), true)
            .expect("different types");
        assert_eq!(
            paths_of(check_commands(&json!([a.clone(), a]), true)),
            ["1.name"]
        );
        // Options of one command, subcommands of a group.
        let c = cmd(json!([opt("shop", 3, false), opt("shop", 4, false)]));
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            ["0.options.1.name"]
        );
        let g = cmd(
            json!([{"name": "g", "type": 2, "description": "g", "options": [
                {"name": "s", "type": 1, "description": "s"},
                {"name": "s", "type": 1, "description": "s"},
            ]}]),
        );
        assert_eq!(
            paths_of(check_commands(&json!([g]), true)),
            ["0.options.0.options.1.name"]
        );
        // A localized option name may not be another option's name.
        let mut c = cmd(json!([opt("shop", 3, false), opt("date", 3, false)]));
        c["options"][1]["name_localizations"] = json!({"zh-CN": "shop"});
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            ["0.options.1.name_localizations.zh-CN"]
        );
    }

    #[test]
    fn descriptions_are_1_to_100_characters() {
        let mut c = cmd(json!([opt("shop", 3, false)]));
        c["options"][0]["description"] = json!("店".repeat(100));
        check_commands(&json!([c.clone()]), true).expect("100 characters");
        c["options"][0]["description"] = json!("店".repeat(101));
        c["description"] = json!("");
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            ["0.description", "0.options.0.description"]
        );
        let mut c = cmd(json!([]));
        c.as_object_mut().expect("object").remove("description");
        assert_eq!(
            paths_of(check_commands(&json!([c]), true)),
            ["0.description"]
        );
    }

    #[test]
    fn at_most_25_options_subcommands_and_choices() {
        let many =
            |n: usize| -> Vec<Value> { (0..n).map(|i| opt(&format!("o{i}"), 3, false)).collect() };
        check_commands(&json!([cmd(json!(many(25)))]), true).expect("25");
        assert_eq!(
            paths_of(check_commands(&json!([cmd(json!(many(26)))]), true)),
            ["0.options"]
        );
        let choices = |n: usize| -> Vec<Value> {
            (0..n)
                .map(|i| json!({"name": format!("c{i}"), "value": i}))
                .collect()
        };
        let mut o = opt("n", 4, false);
        o["choices"] = json!(choices(25));
        check_commands(&json!([cmd(json!([o.clone()]))]), true).expect("25 choices");
        o["choices"] = json!(choices(26));
        assert_eq!(
            paths_of(check_commands(&json!([cmd(json!([o]))]), true)),
            ["0.options.0.choices"]
        );
    }

    #[test]
    fn choice_names_and_values_follow_the_option_type() {
        let with = |kind: u64, choices: Value| {
            let mut o = opt("c", kind, false);
            o["choices"] = choices;
            check_commands(&json!([cmd(json!([o]))]), true)
        };
        with(3, json!([{"name": "Tmall", "value": "tmall"}])).expect("string");
        with(4, json!([{"name": "One", "value": 1}])).expect("integer");
        with(10, json!([{"name": "Half", "value": 0.5}])).expect("number");
        assert_eq!(
            paths_of(with(4, json!([{"name": "One", "value": "1"}]))),
            ["0.options.0.choices.0.value"]
        );
        assert_eq!(
            paths_of(with(4, json!([{"name": "Half", "value": 0.5}]))),
            ["0.options.0.choices.0.value"]
        );
        assert_eq!(
            paths_of(with(10, json!([{"name": "x", "value": "0.5"}]))),
            ["0.options.0.choices.0.value"]
        );
        assert_eq!(
            paths_of(with(3, json!([{"name": "", "value": "x".repeat(101)}]))),
            ["0.options.0.choices.0.name", "0.options.0.choices.0.value"]
        );
        assert_eq!(
            paths_of(with(5, json!([{"name": "b", "value": "b"}]))),
            ["0.options.0.choices"]
        );
    }

    #[test]
    fn min_max_value_and_length_only_on_their_types() {
        let with = |kind: u64, extra: Value| {
            let mut o = opt("x", kind, false);
            for (k, v) in extra.as_object().expect("object") {
                o[k] = v.clone();
            }
            check_commands(&json!([cmd(json!([o]))]), true)
        };
        with(4, json!({"min_value": 0, "max_value": 10})).expect("integer bounds");
        with(10, json!({"min_value": 0.5})).expect("number bounds");
        with(3, json!({"min_length": 0, "max_length": 6000})).expect("string lengths");
        assert_eq!(
            paths_of(with(3, json!({"min_value": 1}))),
            ["0.options.0.min_value"]
        );
        assert_eq!(
            paths_of(with(4, json!({"max_value": 1.5}))),
            ["0.options.0.max_value"]
        );
        assert_eq!(
            paths_of(with(4, json!({"max_length": 5}))),
            ["0.options.0.max_length"]
        );
        assert_eq!(
            paths_of(with(3, json!({"max_length": 6001}))),
            ["0.options.0.max_length"]
        );
        assert_eq!(
            paths_of(with(3, json!({"max_length": 0}))),
            ["0.options.0.max_length"]
        );
    }

    #[test]
    fn autocomplete_is_not_combined_with_choices() {
        let mut o = opt("id", 4, true);
        o["autocomplete"] = json!(true);
        o["choices"] = json!([]);
        check_commands(&json!([cmd(json!([o.clone()]))]), true).expect("no choices");
        o["choices"] = json!([{"name": "One", "value": 1}]);
        assert_eq!(
            paths_of(check_commands(&json!([cmd(json!([o]))]), true)),
            ["0.options.0.autocomplete"]
        );
        let mut b = opt("b", 5, false);
        b["autocomplete"] = json!(true);
        assert_eq!(
            paths_of(check_commands(&json!([cmd(json!([b]))]), true)),
            ["0.options.0.autocomplete"]
        );
    }

    #[test]
    fn groups_hold_subcommands_and_subcommands_hold_parameters() {
        let g = cmd(
            json!([{"name": "g", "type": 2, "description": "g", "options": [opt("x", 3, false)]}]),
        );
        assert_eq!(
            paths_of(check_commands(&json!([g]), true)),
            ["0.options.0.options.0.type"]
        );
        let s = cmd(
            json!([{"name": "s", "type": 1, "description": "s", "options": [
            {"name": "t", "type": 1, "description": "t"}]}]),
        );
        assert_eq!(
            paths_of(check_commands(&json!([s]), true)),
            ["0.options.0.options.0.type"]
        );
        let p = cmd(
            json!([{"name": "p", "type": 3, "description": "p", "options": [opt("x", 3, false)]}]),
        );
        assert_eq!(
            paths_of(check_commands(&json!([p]), true)),
            ["0.options.0.options"]
        );
    }

    #[test]
    fn a_command_is_at_most_8000_characters_counting_the_longest_localization() {
        // 20 options whose longest description (a localization) is 100: 20 * (1 + 100) plus
        // choices 20 * 5 * (100 + 100) = 22,020 characters.
        let options: Vec<Value> = (0..20)
            .map(|i| {
                let mut o = opt(&format!("{}", (b'a' + i as u8) as char), 3, false);
                o["description_localizations"] = json!({"zh-CN": "字".repeat(100)});
                o["choices"] = json!((0..5).map(|j| json!({"name": "n".repeat(100), "value": format!("{j}").repeat(100)})).collect::<Vec<_>>());
                o
            })
            .collect();
        let big = cmd(json!(options));
        assert!(command_size(&big) > 8000, "{}", command_size(&big));
        let r = refused(check_commands(&json!([big]), true));
        assert!(
            r.paths()
                .iter()
                .any(|p| p == "0 APPLICATION_COMMAND_TOO_LARGE"),
            "{:?}",
            r.paths()
        );
        let small = cmd(json!([opt("a", 3, false)]));
        assert_eq!(command_size(&small), 4 + 10 + 1 + 1);
        // The longest of the default and its localizations counts, not their sum.
        let mut l = small.clone();
        l["description_localizations"] = json!({"zh-CN": "每日", "de": "Tägliche Daten!"});
        assert_eq!(command_size(&l), 4 + 15 + 1 + 1);
    }

    #[test]
    fn at_most_100_chat_input_commands_and_15_user_commands() {
        let n = |k: usize, kind: u64| -> Vec<Value> {
            (0..k)
                .map(|i| {
                    if kind == 1 {
                        json!({"name": format!("c{i}"), "description": "d"})
                    } else {
                        json!({"name": format!("U {i}"), "type": kind})
                    }
                })
                .collect()
        };
        check_commands(&json!(n(100, 1)), false).expect("100");
        assert_eq!(paths_of(check_commands(&json!(n(101, 1)), false)), [""]);
        check_commands(&json!(n(15, 2)), false).expect("15 user commands");
        assert_eq!(paths_of(check_commands(&json!(n(16, 3)), false)), [""]);
        assert_eq!(
            paths_of(check_commands(
                &json!([{"name": "launch", "type": 4, "description": "d"}]),
                true
            )),
            [""]
        );
    }

    // ---------------------------------------------------------------------- messages

    fn create(body: Value) -> Result<(), Refusal> {
        check_message(&body, MessageKind::Create, &Files::default())
    }

    #[test]
    fn content_is_at_most_2000_characters() {
        create(json!({"content": "字".repeat(2000)})).expect("2000");
        assert_eq!(
            paths_of(create(json!({"content": "字".repeat(2001)}))),
            ["content"]
        );
    }

    #[test]
    fn an_empty_message_is_refused_with_50006() {
        create(json!({"embeds": [{"title": "t"}]})).expect("an embed");
        let r = refused(create(
            json!({"content": "", "embeds": [], "components": []}),
        ));
        assert_eq!((r.status, r.code()), (400, 50006));
        check_message(&json!({}), MessageKind::Edit, &Files::default())
            .expect("edits may be empty");
        let files = Files {
            uploaded: vec!["files[0]".into()],
            existing: vec![],
        };
        check_message(
            &json!({"attachments": [{"id": 0}]}),
            MessageKind::Create,
            &files,
        )
        .expect("a file");
    }

    #[test]
    fn embed_limits_per_field() {
        let e = |embed: Value| create(json!({"embeds": [embed]}));
        e(json!({"title": "t".repeat(256), "description": "d".repeat(4096), "footer": {"text": "f".repeat(1000)}, "author": {"name": "a".repeat(256)}}))
            .expect("at the limits");
        assert_eq!(
            paths_of(e(json!({"title": "t".repeat(257)}))),
            ["embeds.0.title"]
        );
        assert_eq!(
            paths_of(e(json!({"description": "d".repeat(4097)}))),
            ["embeds.0.description"]
        );
        assert_eq!(
            paths_of(e(json!({"footer": {"text": "f".repeat(2049)}}))),
            ["embeds.0.footer.text"]
        );
        assert_eq!(
            paths_of(e(json!({"author": {"name": "a".repeat(257)}}))),
            ["embeds.0.author.name"]
        );
        // Leading and trailing whitespace is not counted.
        e(json!({"title": format!("  {}  ", "t".repeat(256))})).expect("trimmed");
    }

    #[test]
    fn embed_fields_at_most_25_named_and_valued() {
        let field = |n: &str, v: &str| json!({"name": n, "value": v});
        let fields = |k: usize| -> Vec<Value> { (0..k).map(|_| field("n", "v")).collect() };
        create(json!({"embeds": [{"fields": fields(25)}]})).expect("25");
        assert_eq!(
            paths_of(create(json!({"embeds": [{"fields": fields(26)}]}))),
            ["embeds.0.fields"]
        );
        create(json!({"embeds": [{"fields": [field(&"n".repeat(256), &"v".repeat(1024))]}]}))
            .expect("at the limits");
        assert_eq!(
            paths_of(create(
                json!({"embeds": [{"fields": [field(&"n".repeat(257), &"v".repeat(1025))]}]})
            )),
            ["embeds.0.fields.0.name", "embeds.0.fields.0.value"]
        );
        assert_eq!(
            paths_of(create(
                json!({"embeds": [{"fields": [field("", " "), {"name": "x"}]}]})
            )),
            [
                "embeds.0.fields.0.name",
                "embeds.0.fields.0.value",
                "embeds.0.fields.1.value"
            ]
        );
    }

    #[test]
    fn all_embeds_of_a_message_together_at_most_6000_characters() {
        let embed = |n: usize| json!({"title": "t".repeat(200), "description": "d".repeat(n)});
        // 2 × (200 + 2800) = 6000.
        create(json!({"embeds": [embed(2800), embed(2800)]})).expect("6000");
        // Each embed is within its own limits; together they are 6002.
        assert_eq!(
            paths_of(create(json!({"embeds": [embed(2801), embed(2801)]}))),
            ["embeds"]
        );
        let many: Vec<Value> = (0..11).map(|_| json!({"title": "t"})).collect();
        assert_eq!(paths_of(create(json!({"embeds": many}))), ["embeds"]);
    }

    fn row(components: Value) -> Value {
        json!({"type": 1, "components": components})
    }

    fn button(id: &str) -> Value {
        json!({"type": 2, "style": 1, "label": "OK", "custom_id": id})
    }

    #[test]
    fn at_most_5_rows_of_5_buttons_or_one_select() {
        let rowof = |k: usize, prefix: &str| {
            row(json!(
                (0..k)
                    .map(|i| button(&format!("{prefix}{i}")))
                    .collect::<Vec<_>>()
            ))
        };
        let rows =
            |k: usize| -> Vec<Value> { (0..k).map(|r| rowof(5, &format!("r{r}-"))).collect() };
        create(json!({"components": rows(5)})).expect("5 × 5");
        assert_eq!(
            paths_of(create(json!({"components": rows(6)}))),
            ["components"]
        );
        assert_eq!(
            paths_of(create(json!({"components": [rowof(6, "b")]}))),
            ["components.0.components"]
        );
        assert_eq!(
            paths_of(create(json!({"components": [row(json!([]))]}))),
            ["components.0.components"]
        );
        let select =
            json!({"type": 3, "custom_id": "s", "options": [{"label": "A", "value": "a"}]});
        create(json!({"components": [row(json!([select.clone()]))]})).expect("one select");
        assert_eq!(
            paths_of(create(
                json!({"components": [row(json!([select, button("b")]))]})
            )),
            ["components.0.components"]
        );
        assert_eq!(
            paths_of(create(json!({"components": [button("b")]}))),
            ["components.0.type"]
        );
    }

    #[test]
    fn custom_ids_are_1_to_100_characters_and_unique_in_the_message() {
        create(json!({"components": [row(json!([button(&"x".repeat(100))]))]})).expect("100");
        assert_eq!(
            paths_of(create(
                json!({"components": [row(json!([button(&"x".repeat(101))]))]})
            )),
            ["components.0.components.0.custom_id"]
        );
        assert_eq!(
            paths_of(create(
                json!({"components": [row(json!([button("a")])), row(json!([button("a")]))]})
            )),
            ["components.1.components.0.custom_id"]
        );
    }

    #[test]
    fn buttons_labels_links_and_custom_ids() {
        let one = |b: Value| create(json!({"components": [row(json!([b]))]}));
        one(json!({"type": 2, "style": 5, "label": "Docs", "url": "https://example.invalid"}))
            .expect("link");
        assert_eq!(
            paths_of(one(
                json!({"type": 2, "style": 5, "label": "Docs", "custom_id": "x"})
            )),
            [
                "components.0.components.0.custom_id",
                "components.0.components.0.url"
            ]
        );
        assert_eq!(
            paths_of(one(
                json!({"type": 2, "style": 1, "label": "Go", "url": "https://example.invalid"})
            )),
            [
                "components.0.components.0.custom_id",
                "components.0.components.0.url"
            ]
        );
        let mut b = button("b");
        b["label"] = json!("l".repeat(80));
        one(b.clone()).expect("80");
        b["label"] = json!("l".repeat(81));
        assert_eq!(paths_of(one(b)), ["components.0.components.0.label"]);
    }

    #[test]
    fn allowed_mentions_parse_users_excludes_a_users_list() {
        create(json!({"content": "<@1>", "allowed_mentions": {"parse": [], "users": ["1"]}}))
            .expect("list only");
        create(json!({"content": "<@1>", "allowed_mentions": {"parse": ["users", "roles"], "users": []}})).expect("empty list");
        create(
            json!({"content": "<@1>", "allowed_mentions": {"parse": ["everyone"], "users": ["1"]}}),
        )
        .expect("everyone + users");
        assert_eq!(
            paths_of(create(
                json!({"content": "<@1>", "allowed_mentions": {"parse": ["users"], "users": ["1"]}})
            )),
            ["allowed_mentions"]
        );
        assert_eq!(
            paths_of(create(
                json!({"content": "<@&1>", "allowed_mentions": {"parse": ["roles"], "roles": ["1"]}})
            )),
            ["allowed_mentions"]
        );
    }

    #[test]
    fn nonce_is_at_most_25_characters() {
        create(json!({"content": "x", "nonce": "n".repeat(25)})).expect("25");
        create(json!({"content": "x", "nonce": 1234567890123_u64})).expect("integer");
        assert_eq!(
            paths_of(create(json!({"content": "x", "nonce": "n".repeat(26)}))),
            ["nonce"]
        );
    }

    #[test]
    fn attachment_ids_refer_to_uploaded_parts_or_existing_attachments() {
        let up = Files {
            uploaded: vec!["files[0]".into()],
            existing: vec![],
        };
        check_message(
            &json!({"attachments": [{"id": 0, "filename": "a.png"}]}),
            MessageKind::Create,
            &up,
        )
        .expect("files[0]");
        assert_eq!(
            paths_of(check_message(
                &json!({"content": "x", "attachments": [{"id": 1}]}),
                MessageKind::Create,
                &up
            )),
            ["attachments.0.id"]
        );
        let edit = Files {
            uploaded: vec![],
            existing: vec![1300],
        };
        check_message(
            &json!({"attachments": [{"id": "1300"}]}),
            MessageKind::Edit,
            &edit,
        )
        .expect("kept");
        assert_eq!(
            paths_of(check_message(
                &json!({"attachments": [{"id": "1301"}]}),
                MessageKind::Edit,
                &edit
            )),
            ["attachments.0.id"]
        );
    }

    // ---------------------------------------------------------------------- callbacks

    fn callback(interaction: u8, body: Value) -> Result<(), Refusal> {
        check_callback(interaction, &body, &Files::default(), None)
    }

    #[test]
    fn update_and_deferred_update_only_answer_components_and_modals() {
        for t in [6, 7] {
            callback(
                MESSAGE_COMPONENT,
                json!({"type": t, "data": {"content": "x"}}),
            )
            .expect("component");
            callback(MODAL_SUBMIT, json!({"type": t, "data": {"content": "x"}}))
                .expect("modal submit");
            assert_eq!(
                paths_of(callback(APPLICATION_COMMAND, json!({"type": t}))),
                ["type"]
            );
        }
    }

    #[test]
    fn autocomplete_takes_only_an_autocomplete_result() {
        callback(
            APPLICATION_COMMAND_AUTOCOMPLETE,
            json!({"type": 8, "data": {"choices": []}}),
        )
        .expect("8");
        assert_eq!(
            paths_of(callback(
                APPLICATION_COMMAND,
                json!({"type": 8, "data": {"choices": []}})
            )),
            ["type"]
        );
        assert_eq!(
            paths_of(callback(
                APPLICATION_COMMAND_AUTOCOMPLETE,
                json!({"type": 4, "data": {"content": "x"}})
            )),
            ["type"]
        );
    }

    #[test]
    fn autocomplete_choices_at_most_25_named_with_values_of_the_focused_type() {
        let ac = |choices: Value, focused: u64| {
            check_callback(
                APPLICATION_COMMAND_AUTOCOMPLETE,
                &json!({"type": 8, "data": {"choices": choices}}),
                &Files::default(),
                Some(focused),
            )
        };
        ac(json!([{"name": "#1 Restock", "value": 1}]), INTEGER).expect("integer");
        ac(
            json!([{"name": "tomorrow", "value": "tomorrow 17:00"}]),
            STRING,
        )
        .expect("string");
        assert_eq!(
            paths_of(ac(json!([{"name": "#1", "value": "1"}]), INTEGER)),
            ["data.choices.0.value"]
        );
        assert_eq!(
            paths_of(ac(json!([{"name": "", "value": "x"}]), STRING)),
            ["data.choices.0.name"]
        );
        let many: Vec<Value> = (0..26)
            .map(|i| json!({"name": format!("{i}"), "value": i}))
            .collect();
        assert_eq!(paths_of(ac(json!(many), INTEGER)), ["data.choices"]);
    }

    #[test]
    fn a_modal_does_not_answer_a_modal_submit() {
        let modal = json!({"type": 9, "data": {"custom_id": "m", "title": "Resolve", "components": [
            row(json!([{"type": 4, "custom_id": "note", "style": 2, "label": "Note"}]))]}});
        callback(MESSAGE_COMPONENT, modal.clone()).expect("after a click");
        callback(APPLICATION_COMMAND, modal.clone()).expect("after a command");
        assert_eq!(paths_of(callback(MODAL_SUBMIT, modal)), ["type"]);
    }

    #[test]
    fn modal_titles_rows_and_text_inputs() {
        let input =
            |label: &str| json!({"type": 4, "custom_id": "note", "style": 1, "label": label});
        let modal = |title: &str, rows: Value| {
            callback(
                MESSAGE_COMPONENT,
                json!({"type": 9, "data": {"custom_id": "m", "title": title, "components": rows}}),
            )
        };
        modal(
            &"t".repeat(45),
            json!([row(json!([input(&"l".repeat(45))]))]),
        )
        .expect("45");
        assert_eq!(
            paths_of(modal(&"t".repeat(46), json!([row(json!([input("l")]))]))),
            ["data.title"]
        );
        assert_eq!(paths_of(modal("t", json!([]))), ["data.components"]);
        let six: Vec<Value> = (0..6)
            .map(|i| {
                row(json!([{"type": 4, "custom_id": format!("i{i}"), "style": 1, "label": "l"}]))
            })
            .collect();
        assert_eq!(paths_of(modal("t", json!(six))), ["data.components"]);
        assert_eq!(
            paths_of(modal("t", json!([row(json!([input(&"l".repeat(46))]))]))),
            ["data.components.0.components.0.label"]
        );
        assert_eq!(
            paths_of(modal("t", json!([row(json!([input("a"), input("b")]))]))),
            ["data.components.0.components"]
        );
        let mut long = input("l");
        long["placeholder"] = json!("p".repeat(101));
        long["max_length"] = json!(4001);
        long["value"] = json!("v".repeat(4001));
        assert_eq!(
            paths_of(modal("t", json!([row(json!([long]))]))),
            [
                "data.components.0.components.0.max_length",
                "data.components.0.components.0.placeholder",
                "data.components.0.components.0.value"
            ]
        );
        assert_eq!(
            paths_of(callback(
                MESSAGE_COMPONENT,
                json!({"type": 9, "data": {"custom_id": "", "title": "t", "components": [row(json!([input("l")]))]}})
            )),
            ["data.custom_id"]
        );
    }

    #[test]
    fn callback_messages_follow_the_message_rules_under_data() {
        callback(
            APPLICATION_COMMAND,
            json!({"type": 4, "data": {"content": "hi"}}),
        )
        .expect("4");
        assert_eq!(
            paths_of(callback(
                APPLICATION_COMMAND,
                json!({"type": 4, "data": {"embeds": [{"description": "d".repeat(4097)}]}})
            )),
            ["data.embeds.0.description"]
        );
        assert_eq!(
            refused(callback(
                APPLICATION_COMMAND,
                json!({"type": 4, "data": {}})
            ))
            .code(),
            50006
        );
        callback(
            APPLICATION_COMMAND,
            json!({"type": 5, "data": {"flags": 64}}),
        )
        .expect("deferred");
        assert_eq!(
            paths_of(callback(APPLICATION_COMMAND, json!({"type": 1}))),
            ["type"]
        );
    }
}
