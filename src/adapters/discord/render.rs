//! A core [`Reply`] as Discord wants it: mentions in the content (embeds never ping) with
//! `allowed_mentions` naming exactly those users and roles, the text in an embed kept inside
//! Discord's limits, and buttons in rows of five.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle as DButton, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter,
};

use crate::message::fit::{Limits, fit};
use crate::message::{ButtonStyle, Reply, Severity};

/// Discord's limits on one message.
pub const LIMITS: Limits = Limits::DISCORD;

/// Buttons per action row.
const BUTTONS_PER_ROW: usize = 5;

/// Cuts `s` to at most `max` characters, marking the cut with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The colour of a severity.
pub fn colour(s: Severity) -> u32 {
    match s {
        Severity::Info => 0x5865F2,
        Severity::Success => 0x57F287,
        Severity::Warning => 0xFEE75C,
        Severity::Danger => 0xED4245,
    }
}

/// Whether Discord shows a file of this name as an image (and so can put it in an embed).
fn is_image(filename: &str) -> bool {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("png" | "jpg" | "jpeg" | "gif" | "webp")
    )
}

/// The parts of a Discord message.
pub struct Rendered {
    /// Message content: the pings, nothing else.
    pub content: String,
    pub embed: CreateEmbed,
    pub components: Vec<CreateActionRow>,
    /// Exactly who may be pinged.
    pub allowed_mentions: CreateAllowedMentions,
}

/// A serenity (or poise) message builder given a [`Rendered`] reply: its embed, components,
/// allowed mentions and, when there is any, its content. The builders have these methods in
/// common but no trait, hence a macro.
macro_rules! filled {
    ($builder:expr, $rendered:expr) => {{
        let r: $crate::adapters::discord::render::Rendered = $rendered;
        let b = $builder
            .embed(r.embed)
            .components(r.components)
            .allowed_mentions(r.allowed_mentions);
        if r.content.is_empty() {
            b
        } else {
            b.content(r.content)
        }
    }};
}
pub(crate) use filled;

/// A message builder with the reply's attachments added by its `$add` method.
macro_rules! attached {
    ($builder:expr, $add:ident, $reply:expr) => {{
        let mut b = $builder;
        for a in &$reply.attachments {
            b = b.$add(::poise::serenity_prelude::CreateAttachment::bytes(
                a.bytes.clone(),
                a.filename.clone(),
            ));
        }
        b
    }};
}
pub(crate) use attached;

/// Renders a reply as the messages it takes: [`fit`] splits what does not fit one message.
pub fn render_all(reply: &Reply) -> Vec<Rendered> {
    fit(reply, &LIMITS).iter().map(render).collect()
}

/// Renders one reply that fits one message (see [`render_all`]); the clips below never cut
/// what [`fit`] made, they only keep a hand-built reply from being refused.
pub fn render(reply: &Reply) -> Rendered {
    let allowed_mentions = CreateAllowedMentions::new()
        .everyone(false)
        .replied_user(false)
        .users(
            reply
                .mentions
                .users
                .iter()
                .map(|u| serenity::UserId::new((*u).max(1))),
        )
        .roles(
            reply
                .mentions
                .roles
                .iter()
                .map(|r| serenity::RoleId::new((*r).max(1))),
        );

    let mut embed = CreateEmbed::new().colour(colour(reply.severity));
    if let Some(t) = &reply.title {
        embed = embed.title(clip(t, LIMITS.title));
    }
    if !reply.lines.is_empty() {
        embed = embed.description(clip(&reply.lines.join("\n"), LIMITS.description));
    }
    embed = embed.fields(reply.fields.iter().take(LIMITS.fields).map(|f| {
        (
            clip(
                if f.name.is_empty() { "—" } else { &f.name },
                LIMITS.field_name,
            ),
            clip(
                if f.value.is_empty() { "—" } else { &f.value },
                LIMITS.field_value,
            ),
            f.inline,
        )
    }));
    if let Some(f) = &reply.footer {
        embed = embed.footer(CreateEmbedFooter::new(clip(f, LIMITS.footer)));
    }
    // A chart belongs inside the embed, not loose above it: the first image among the files
    // (uploaded under the same name) is the embed's image.
    if let Some(a) = reply.attachments.iter().find(|a| is_image(&a.filename)) {
        embed = embed.image(format!("attachment://{}", a.filename));
    }

    let components = reply
        .buttons
        .iter()
        .take(LIMITS.buttons)
        .collect::<Vec<_>>()
        .chunks(BUTTONS_PER_ROW)
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        CreateButton::new(b.id.clone())
                            .label(clip(&b.label, LIMITS.label))
                            .style(match b.style {
                                ButtonStyle::Primary => DButton::Primary,
                                ButtonStyle::Secondary => DButton::Secondary,
                                ButtonStyle::Success => DButton::Success,
                                ButtonStyle::Danger => DButton::Danger,
                            })
                    })
                    .collect(),
            )
        })
        .collect();
    Rendered {
        content: reply.mentions.markup(),
        embed,
        components,
        allowed_mentions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_the_embeds_image_other_files_are_not() {
        let file = |name: &str| crate::message::Attachment {
            filename: name.into(),
            bytes: vec![1, 2, 3],
        };
        let mut reply = Reply::titled("Summary");
        reply.attachments = vec![file("days.csv"), file("trend-2026-11-23.png")];
        let json = serde_json::to_value(&render(&reply).embed).expect("serializes");
        assert_eq!(json["image"]["url"], "attachment://trend-2026-11-23.png");
        reply.attachments = vec![file("days.csv")];
        let json = serde_json::to_value(&render(&reply).embed).expect("serializes");
        assert!(json.get("image").is_none(), "{json}");
    }

    #[test]
    fn a_huge_reply_becomes_several_messages_inside_discords_limits() {
        let mut reply = Reply::titled("t".repeat(400));
        reply.lines = vec!["x ".repeat(9000)];
        for i in 0..40 {
            reply = reply.field(format!("f{i}").repeat(100), "v ".repeat(2000), false);
        }
        let all = render_all(&reply);
        assert!(all.len() > 2);
        let mut xs = 0;
        for r in &all {
            let json = serde_json::to_value(&r.embed).expect("serializes");
            let len = |k: &str| json[k].as_str().map(|s| s.chars().count()).unwrap_or(0);
            assert!(len("title") <= LIMITS.title);
            assert!(len("description") <= LIMITS.description);
            xs += json["description"]
                .as_str()
                .unwrap_or("")
                .matches('x')
                .count();
            let fields = json["fields"].as_array().cloned().unwrap_or_default();
            assert!(fields.len() <= LIMITS.fields);
            let total = len("title")
                + len("description")
                + fields
                    .iter()
                    .map(|f| {
                        f["name"].as_str().map(|s| s.chars().count()).unwrap_or(0)
                            + f["value"].as_str().map(|s| s.chars().count()).unwrap_or(0)
                    })
                    .sum::<usize>();
            assert!(total <= LIMITS.total, "total {total}");
        }
        assert_eq!(xs, 9000, "every line arrives");
    }
}
