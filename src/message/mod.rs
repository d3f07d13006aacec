//! What the core answers: a front-end-neutral message. Text may carry Discord-style markup for
//! instants (`<t:UNIX:F>`), users (`<@id>`), roles (`<@&id>`) and channels (`<#id>`); each
//! front-end renders that markup its own way. Who may be pinged is data ([`Mentions`]), never
//! inferred from the text.

pub mod fit;

use serde::{Deserialize, Serialize};

/// How the message is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Neutral information.
    #[default]
    Info,
    /// Something worked.
    Success,
    /// Needs attention soon.
    Warning,
    /// Overdue, breached, failed.
    Danger,
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A channel.
    Channel(u64),
    /// A user's direct messages.
    User(u64),
}

impl Target {
    /// The channel's or the user's id.
    pub fn id(self) -> u64 {
        match self {
            Target::Channel(id) | Target::User(id) => id,
        }
    }
}

/// What a name in a message's markup belongs to (`<@id>`, `<@&id>`, `<#id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A member.
    User,
    /// A role.
    Role,
    /// A channel.
    Channel,
}

/// The exact users and roles a message may ping. Nothing else is ever pinged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentions {
    /// User ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<u64>,
    /// Role ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<u64>,
}

impl Mentions {
    /// Nobody.
    pub fn none() -> Self {
        Self::default()
    }

    /// One user.
    pub fn user(id: u64) -> Self {
        Self {
            users: vec![id],
            roles: vec![],
        }
    }

    /// One role.
    pub fn role(id: u64) -> Self {
        Self {
            users: vec![],
            roles: vec![id],
        }
    }

    /// Whether nobody is pinged.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.roles.is_empty()
    }

    /// The pings as chat markup: `<@user> <@&role>`.
    pub fn markup(&self) -> String {
        let users = self.users.iter().map(|u| user_ref(*u));
        users
            .chain(self.roles.iter().map(|r| role_ref(*r)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A button's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ButtonStyle {
    /// The main action.
    Primary,
    /// Other actions.
    Secondary,
    /// Completing something.
    Success,
    /// Destructive.
    Danger,
}

/// A button whose id encodes what it acts on, so it still works after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// Encoded action, e.g. `task:done:42` (at most 100 characters, Discord's limit).
    pub id: String,
    /// Label in the reader's language.
    pub label: String,
    pub style: ButtonStyle,
}

/// A named field (label and value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    /// Whether it may sit beside the previous field.
    #[serde(default)]
    pub inline: bool,
}

/// A file sent with the message (a chart, an export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name shown to the reader.
    pub filename: String,
    /// Stored as base64 text; an array of numbers (how messages queued before were stored)
    /// is read too.
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
}

/// Bytes as standard base64 text in JSON (the outbox stores every queued message, a morning
/// chart of 20 KB among them: as an array of numbers it took about 70 KB, as base64 27 KB).
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_any(BytesVisitor)
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("base64 text or an array of bytes")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
            STANDARD.decode(v).map_err(E::custom)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
}

/// One input of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Field id (the option name it fills).
    pub id: String,
    /// Label in the reader's language.
    pub label: String,
    pub long: bool,
    pub required: bool,
    /// Example shown in the empty field.
    pub placeholder: Option<String>,
}

/// A form to fill in (a Discord modal); platforms without forms show the reply's lines, which
/// say which command does the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// Encoded action, like a button id.
    pub id: String,
    pub title: String,
    /// At most five inputs.
    pub fields: Vec<FormField>,
}

/// The core's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// Headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// Named fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Small print.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Colour.
    #[serde(default)]
    pub severity: Severity,
    /// Who is pinged.
    #[serde(default, skip_serializing_if = "Mentions::is_empty")]
    pub mentions: Mentions,
    /// Buttons, in rows of at most five.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// Files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Only the person who asked sees it (errors, refusals, private lists).
    #[serde(default)]
    pub ephemeral: bool,
    /// For a button press: replace the message the button is on instead of answering anew.
    #[serde(default)]
    pub update_message: bool,
    /// For a button press: ask for more input in a form first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
}

impl Reply {
    /// A reply with a title.
    pub fn titled(title: impl Into<String>) -> Self {
        Reply {
            title: Some(title.into()),
            ..Reply::default()
        }
    }

    /// A private error reply.
    pub fn error(message: impl Into<String>) -> Self {
        Reply {
            lines: vec![message.into()],
            severity: Severity::Danger,
            ephemeral: true,
            ..Reply::default()
        }
    }

    /// Adds a line.
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Adds a field.
    pub fn field(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        inline: bool,
    ) -> Self {
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
            inline,
        });
        self
    }

    /// Sets the colour.
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    /// Adds a button.
    pub fn button(
        mut self,
        id: impl Into<String>,
        label: impl Into<String>,
        style: ButtonStyle,
    ) -> Self {
        self.buttons.push(Button {
            id: id.into(),
            label: label.into(),
            style,
        });
        self
    }

    /// Marks it private.
    pub fn ephemeral(mut self) -> Self {
        self.ephemeral = true;
        self
    }

    /// All text of the reply, one string (for logs and tests).
    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Some(t) = &self.title {
            out.push_str(t);
            out.push('\n');
        }
        for l in &self.lines {
            out.push_str(l);
            out.push('\n');
        }
        for f in &self.fields {
            out.push_str(&f.name);
            out.push_str(": ");
            out.push_str(&f.value);
            out.push('\n');
        }
        if let Some(f) = &self.footer {
            out.push_str(f);
            out.push('\n');
        }
        out
    }
}

/// `<t:UNIX:STYLE>`: each reader sees the instant in their own time zone.
pub fn ts(t: chrono::DateTime<chrono::Utc>, style: char) -> String {
    format!("<t:{}:{}>", t.timestamp(), style)
}

/// `<@id>`.
pub fn user_ref(id: u64) -> String {
    format!("<@{id}>")
}

/// `<@&id>`.
pub fn role_ref(id: u64) -> String {
    format!("<@&{id}>")
}

/// `<#id>`.
pub fn channel_ref(id: u64) -> String {
    format!("<#{id}>")
}

/// Whether a character is invisible or reorders text around it: control characters (but line
/// breaks and tabs), the bidirectional embeddings, overrides, isolates and marks (an RTL
/// override makes `gpj.exe` show as `exe.jpg`), zero-width spaces and joiners, the word joiner,
/// the byte-order mark, soft hyphens, the invisible operators and interlinear annotations.
pub fn is_hidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Text a person typed, with [hidden characters](is_hidden_char) removed and tabs as spaces,
/// so that names and titles show what they say and cannot pass for another.
pub fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| !is_hidden_char(*c))
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect()
}

/// Neutralises chat markup in text a user typed (a task title, a complaint summary, a shop's
/// name), so that it shows as typed and never acts: `@everyone` and `<@&role>` cannot ping or
/// look like a mention, `[text](url)` is no masked link, `# ` no heading, `- ` and `> ` no list
/// or quote, `` ` `` no code, `*`, `_`, `~`, `|` no emphasis or spoiler; hidden and
/// direction-changing characters are dropped ([`is_hidden_char`]).
pub fn escape_user_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = true;
    for c in s.chars() {
        if is_hidden_char(c) {
            continue;
        }
        match c {
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '@' => {
                out.push('@');
                out.push('\u{200B}');
            }
            '`' | '*' | '_' | '~' | '|' | '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' if line_start => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// Lays out a table as monospaced text (for a code block in chat, or a terminal): columns
/// padded to the widest cell by display width, so Chinese text (two columns a character)
/// lines up too; `right[i]` aligns column `i` right (numbers). No trailing spaces.
pub fn text_table(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
    use unicode_width::UnicodeWidthStr;
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, w) in widths.iter().enumerate() {
            let c = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = " ".repeat(w.saturating_sub(c.width()));
            if i > 0 {
                out.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                out.push_str(&pad);
                out.push_str(c);
            } else {
                out.push_str(c);
                out.push_str(&pad);
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(header)];
    out.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n")
}

#[cfg(test)]
mod table_tests {
    use super::text_table;

    #[test]
    fn chinese_cells_line_up_by_display_width() {
        let t = text_table(
            &["日期".into(), "uv".into(), "状态".into()],
            &[
                vec!["2026-11-20".into(), "4,000".into(), "新增".into()],
                vec!["2026-11-21".into(), "12".into(), "将修改：uv".into()],
            ],
            &[false, true, false],
        );
        assert_eq!(
            t,
            "日期           uv  状态\n\
             ----------  -----  ----------\n\
             2026-11-20  4,000  新增\n\
             2026-11-21     12  将修改：uv"
        );
    }
}
