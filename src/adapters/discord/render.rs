//! A core [`Reply`] as Discord wants it: mentions in the content (embeds never ping) with
//! `allowed_mentions` naming exactly those users and roles, the text in an embed kept inside
//! Discord's limits, and buttons in rows of five.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle as DButton, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter,
};

use crate::app::reply::{ButtonStyle, Reply, Severity};

/// Discord's limits on one embed.
pub mod limits {
    /// Title characters.
    pub const TITLE: usize = 256;
    /// Description characters.
    pub const DESCRIPTION: usize = 4096;
    /// Fields per embed.
    pub const FIELDS: usize = 25;
    /// Field name characters.
    pub const FIELD_NAME: usize = 256;
    /// Field value characters.
    pub const FIELD_VALUE: usize = 1024;
    /// Footer characters.
    pub const FOOTER: usize = 2048;
    /// All text of an embed together.
    pub const TOTAL: usize = 6000;
    /// Buttons per row, rows per message.
    pub const BUTTONS_PER_ROW: usize = 5;
    /// Rows per message.
    pub const ROWS: usize = 5;
    /// Characters of a button label.
    pub const LABEL: usize = 80;
}

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
    /// The embed.
    pub embed: CreateEmbed,
    /// Button rows.
    pub components: Vec<CreateActionRow>,
    /// Exactly who may be pinged.
    pub allowed_mentions: CreateAllowedMentions,
}

/// Renders a reply.
pub fn render(reply: &Reply) -> Rendered {
    let mut pings: Vec<String> = reply
        .mentions
        .users
        .iter()
        .map(|u| format!("<@{u}>"))
        .collect();
    pings.extend(reply.mentions.roles.iter().map(|r| format!("<@&{r}>")));
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

    let mut budget = limits::TOTAL;
    let mut embed = CreateEmbed::new().colour(colour(reply.severity));
    if let Some(t) = &reply.title {
        let t = clip(t, limits::TITLE);
        budget -= t.chars().count();
        embed = embed.title(t);
    }
    let footer = reply.footer.as_deref().map(|f| clip(f, limits::FOOTER));
    if let Some(f) = &footer {
        budget = budget.saturating_sub(f.chars().count());
    }
    let mut fields = Vec::new();
    for f in reply.fields.iter().take(limits::FIELDS) {
        let name = clip(&f.name, limits::FIELD_NAME);
        let value = clip(
            if f.value.is_empty() { "—" } else { &f.value },
            limits::FIELD_VALUE,
        );
        let cost = name.chars().count() + value.chars().count();
        if cost + 64 > budget {
            break;
        }
        budget -= cost;
        fields.push((name, value, f.inline));
    }
    if !reply.lines.is_empty() {
        let description = clip(&reply.lines.join("\n"), limits::DESCRIPTION.min(budget));
        embed = embed.description(description);
    }
    embed = embed.fields(fields);
    if let Some(f) = footer {
        embed = embed.footer(CreateEmbedFooter::new(f));
    }
    // A chart belongs inside the embed, not loose above it: the first image among the files
    // (uploaded under the same name) is the embed's image.
    if let Some(a) = reply.attachments.iter().find(|a| is_image(&a.filename)) {
        embed = embed.image(format!("attachment://{}", a.filename));
    }

    let components = reply
        .buttons
        .chunks(limits::BUTTONS_PER_ROW)
        .take(limits::ROWS)
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        CreateButton::new(b.id.clone())
                            .label(clip(&b.label, limits::LABEL))
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
        content: pings.join(" "),
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
        let file = |name: &str| crate::app::reply::Attachment {
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
    fn a_huge_reply_stays_inside_discords_limits() {
        let mut reply = Reply::titled("t".repeat(400));
        reply.lines = vec!["x".repeat(9000)];
        for i in 0..40 {
            reply = reply.field(format!("f{i}").repeat(100), "v".repeat(2000), false);
        }
        let r = render(&reply);
        let json = serde_json::to_value(&r.embed).expect("serializes");
        let len = |k: &str| json[k].as_str().map(|s| s.chars().count()).unwrap_or(0);
        assert!(len("title") <= limits::TITLE);
        let fields = json["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= limits::FIELDS);
        let total = len("title")
            + len("description")
            + fields
                .iter()
                .map(|f| {
                    f["name"].as_str().map(|s| s.chars().count()).unwrap_or(0)
                        + f["value"].as_str().map(|s| s.chars().count()).unwrap_or(0)
                })
                .sum::<usize>();
        assert!(total <= limits::TOTAL, "total {total}");
    }
}
