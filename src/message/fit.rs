//! Fits a [`Reply`] into a platform's limits on one message, the same way for every feature:
//! long text is split at line boundaries (a line longer than a whole message at spaces, or
//! between Chinese characters) into several messages, never dropped and never cut inside a
//! word; fields too long for one field continue in the next; buttons past one message's worth
//! continue in the next. Each platform states its limits ([`Limits`]); the shell has none.

use super::{Field, Mentions, Reply};

/// A platform's limits on one message, in characters (Unicode scalar values) and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The message text (here: the pings).
    pub content: usize,
    pub title: usize,
    pub description: usize,
    /// Named fields per message.
    pub fields: usize,
    pub field_name: usize,
    pub field_value: usize,
    pub footer: usize,
    /// Title, body, fields and footer together.
    pub total: usize,
    pub buttons: usize,
    pub label: usize,
}

impl Limits {
    /// Discord's limits on one message with one embed
    /// (<https://discord.com/developers/docs/resources/message#embed-object-embed-limits>;
    /// content 2,000 per <https://discord.com/developers/docs/resources/message#create-message>;
    /// 5 rows of 5 buttons per <https://discord.com/developers/docs/components/reference#action-row>).
    /// The one platform with a front-end today; another states its own.
    pub const DISCORD: Limits = Limits {
        content: 2000,
        title: 256,
        description: 4096,
        fields: 25,
        field_name: 256,
        field_value: 1024,
        footer: 2048,
        total: 6000,
        buttons: 25,
        label: 80,
    };
}

/// What a chunk of text costs against the limits.
fn len(s: &str) -> usize {
    s.chars().count()
}

/// Whether a line may be broken right after `c` without cutting a word: after a space, or
/// after a character of a script written without spaces (Chinese, Japanese, Korean) or a
/// full-width punctuation mark.
fn breaks_after(c: char) -> bool {
    c.is_whitespace()
        || matches!(c as u32,
            0x2E80..=0x9FFF      // CJK radicals, kana, CJK unified ideographs
            | 0xAC00..=0xD7AF    // Hangul
            | 0xF900..=0xFAFF    // CJK compatibility ideographs
            | 0xFF00..=0xFFEF    // full-width forms
            | 0x20000..=0x3FFFF) // CJK extensions
}

/// Splits `text` into pieces of at most `max` characters: at newlines first, then after a
/// space or a Chinese character; only a single word longer than `max` (a long link) is cut.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut rest: Vec<char> = line.chars().collect();
        while rest.len() > max {
            let window = &rest[..max];
            // The break after which the piece ends; spaces at the break are dropped.
            let cut = (1..max)
                .rev()
                .find(|&i| breaks_after(window[i - 1]) || rest[i].is_whitespace())
                .unwrap_or(max);
            let piece: String = rest[..cut].iter().collect();
            out.push(piece.trim_end().to_string());
            let skip = rest[cut..].iter().take_while(|c| c.is_whitespace()).count();
            rest.drain(..cut + skip);
        }
        out.push(rest.into_iter().collect());
    }
    out
}

/// Packs lines into blocks of at most `max` characters joined by newlines.
fn pack_lines(lines: &[String], max: usize) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut cur = String::new();
    for piece in lines.iter().flat_map(|l| split_text(l, max)) {
        let cost = if cur.is_empty() {
            len(&piece)
        } else {
            len(&cur) + 1 + len(&piece)
        };
        if !cur.is_empty() && cost > max {
            blocks.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&piece);
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    blocks
}

/// One field as several, each inside the limits: a long name is shortened at a word and given
/// whole at the top of the value; a long value continues in fields named `name (2)`, `(3)`, …
fn split_field(f: &Field, limits: &Limits) -> Vec<Field> {
    let mut name = if f.name.trim().is_empty() {
        "—".to_string()
    } else {
        f.name.clone()
    };
    let mut value = if f.value.trim().is_empty() {
        "—".to_string()
    } else {
        f.value.clone()
    };
    // Room for " (99)" on continuation names.
    let name_room = limits.field_name.saturating_sub(5).max(1);
    if len(&name) > name_room {
        value = format!("{name}\n{value}");
        let mut short = split_text(&name, name_room - 1).swap_remove(0);
        short.push('…');
        name = short;
    }
    let values = pack_lines(&[value], limits.field_value);
    let n = values.len();
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| Field {
            name: if i == 0 || n == 1 {
                name.clone()
            } else {
                format!("{name} ({})", i + 1)
            },
            value,
            inline: f.inline && n == 1,
        })
        .collect()
}

/// What `<@id>` / `<@&id>` pings cost in the message text, separated by spaces.
fn ping_cost(users: &[u64], roles: &[u64]) -> usize {
    let each = users.iter().map(|u| u.to_string().len() + 3);
    let each = each.chain(roles.iter().map(|r| r.to_string().len() + 4));
    let (sum, n): (usize, usize) = each.fold((0, 0), |(s, n), c| (s + c, n + 1));
    sum + n.saturating_sub(1)
}

/// The pings, in groups that each fit a message's text.
fn split_mentions(m: &Mentions, max: usize) -> Vec<Mentions> {
    let mut out = Vec::new();
    let mut cur = Mentions::none();
    let pings = m.users.iter().map(|u| (false, *u));
    for (is_role, id) in pings.chain(m.roles.iter().map(|r| (true, *r))) {
        let mut next = cur.clone();
        if is_role {
            next.roles.push(id);
        } else {
            next.users.push(id);
        }
        if ping_cost(&next.users, &next.roles) > max && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            next = Mentions::none();
            if is_role {
                next.roles.push(id);
            } else {
                next.users.push(id);
            }
        }
        cur = next;
    }
    out.push(cur);
    out
}

/// The reply as one or more replies, each inside `limits`. The first carries the pings and the
/// files (a chart shows in its embed), the last the footer and the buttons (they act on the
/// whole); titles of a reply in several parts end in `(1/3)`, `(2/3)`, … A reply that asks for
/// a form is not split (its lines are shown only where forms do not exist).
pub fn fit(reply: &Reply, limits: &Limits) -> Vec<Reply> {
    if reply.form.is_some() {
        return vec![reply.clone()];
    }
    // Room kept in each part's title for " (99/99)".
    const SUFFIX: usize = 8;
    let mut lines = reply.lines.clone();
    let title = reply.title.as_ref().map(|t| {
        let room = limits.title.saturating_sub(SUFFIX).max(1);
        if len(t) <= room {
            t.clone()
        } else {
            // The whole title leads the text; the headline is its beginning.
            lines.insert(0, t.clone());
            let mut short = split_text(t, room - 1).swap_remove(0);
            short.push('…');
            short
        }
    });
    let footer_blocks = reply
        .footer
        .as_ref()
        .map(|f| pack_lines(std::slice::from_ref(f), limits.footer))
        .unwrap_or_default();
    // The footer stays one block; a longer one continues as body text.
    let (footer, mut tail_lines) = match footer_blocks.split_first() {
        Some((first, [])) => (Some(first.clone()), vec![]),
        Some(_) => (None, vec![reply.footer.clone().unwrap_or_default()]),
        None => (None, vec![]),
    };
    lines.append(&mut tail_lines);
    let title_cost = title.as_ref().map(|t| len(t) + SUFFIX).unwrap_or(0);
    let footer_cost = footer.as_ref().map(|f| len(f)).unwrap_or(0);
    let budget = limits
        .total
        .saturating_sub(title_cost + footer_cost)
        .max(limits.field_name + limits.field_value);
    let fields: Vec<Field> = reply
        .fields
        .iter()
        .flat_map(|f| split_field(f, limits))
        .collect();

    // Parts: description blocks first, then fields, in order.
    let mut parts: Vec<(String, Vec<Field>)> = Vec::new();
    let mut desc = String::new();
    let mut used = 0;
    for block in pack_lines(&lines, limits.description.min(budget)) {
        let cost = len(&block);
        if !desc.is_empty() {
            parts.push((std::mem::take(&mut desc), vec![]));
        }
        desc = block;
        used = cost;
    }
    let mut cur_fields: Vec<Field> = Vec::new();
    for f in fields {
        let cost = len(&f.name) + len(&f.value);
        if cur_fields.len() >= limits.fields || used + cost > budget {
            parts.push((std::mem::take(&mut desc), std::mem::take(&mut cur_fields)));
            used = 0;
        }
        used += cost;
        cur_fields.push(f);
    }
    if !desc.is_empty() || !cur_fields.is_empty() || parts.is_empty() {
        parts.push((desc, cur_fields));
    }
    // Buttons past one message's worth continue in parts of their own.
    let per = limits.buttons.max(1);
    let button_groups: Vec<_> = reply.buttons.chunks(per).map(|c| c.to_vec()).collect();
    let extra = button_groups.len().saturating_sub(1);
    parts.extend((0..extra).map(|_| (String::new(), vec![])));
    let mention_groups = split_mentions(&reply.mentions, limits.content);
    while parts.len() < mention_groups.len() {
        parts.push((String::new(), vec![]));
    }

    let n = parts.len();
    let first_buttons = n - button_groups.len().max(1);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (description, fields))| Reply {
            title: match (&title, n) {
                (Some(t), 1) => Some(t.clone()),
                (Some(t), _) => Some(format!("{t} ({}/{n})", i + 1)),
                (None, 1) => None,
                (None, _) => Some(format!("({}/{n})", i + 1)),
            },
            lines: if description.is_empty() {
                vec![]
            } else {
                vec![description]
            },
            fields,
            footer: if i + 1 == n { footer.clone() } else { None },
            severity: reply.severity,
            mentions: mention_groups.get(i).cloned().unwrap_or_default(),
            buttons: if i >= first_buttons {
                button_groups
                    .get(i - first_buttons)
                    .cloned()
                    .unwrap_or_default()
            } else {
                vec![]
            },
            attachments: if i == 0 {
                reply.attachments.clone()
            } else {
                vec![]
            },
            ephemeral: reply.ephemeral,
            update_message: reply.update_message && i == 0,
            form: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::ButtonStyle;

    const L: Limits = Limits::DISCORD;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    /// Every word of the reply's text, in order (titles aside), across the parts.
    fn all_words(parts: &[Reply]) -> Vec<String> {
        let mut out = Vec::new();
        for p in parts {
            for l in &p.lines {
                out.extend(words(l));
            }
        }
        for p in parts {
            for f in &p.fields {
                out.extend(words(&f.value));
            }
        }
        out
    }

    fn assert_inside(parts: &[Reply], l: &Limits) {
        for p in parts {
            let t = p.title.as_deref().map(len).unwrap_or(0);
            let d: usize =
                p.lines.iter().map(|x| len(x)).sum::<usize>() + p.lines.len().saturating_sub(1);
            let f: usize = p.fields.iter().map(|f| len(&f.name) + len(&f.value)).sum();
            let foot = p.footer.as_deref().map(len).unwrap_or(0);
            assert!(t <= l.title, "title {t}");
            assert!(d <= l.description, "description {d}");
            assert!(p.fields.len() <= l.fields);
            for x in &p.fields {
                assert!((1..=l.field_name).contains(&len(&x.name)));
                assert!((1..=l.field_value).contains(&len(&x.value)));
            }
            assert!(t + d + f + foot <= l.total, "total {}", t + d + f + foot);
            assert!(p.buttons.len() <= l.buttons);
            assert!(ping_cost(&p.mentions.users, &p.mentions.roles) <= l.content);
        }
    }

    #[test]
    fn long_text_is_split_at_lines_and_words_and_nothing_is_lost() {
        let mut reply = Reply::titled("Summary");
        for i in 0..400 {
            reply.lines.push(format!(
                "line {i} with some words to make it longer than short"
            ));
        }
        reply.lines.push("w".repeat(5000));
        let parts = fit(&reply, &L);
        assert!(parts.len() > 1);
        assert_inside(&parts, &L);
        let mut want = Vec::new();
        for l in &reply.lines {
            want.extend(words(l));
        }
        // The 5,000-character word is the one thing cut (nothing else can be done with it).
        let got = all_words(&parts);
        assert_eq!(got[..got.len() - 2], want[..want.len() - 1]);
        assert_eq!(got[got.len() - 2..].concat(), want[want.len() - 1]);
        assert_eq!(
            parts[0].title.as_deref(),
            Some(format!("Summary (1/{})", parts.len()).as_str())
        );
    }

    #[test]
    fn chinese_text_breaks_between_characters_not_inside_words_of_latin_text() {
        let text = "库存预警：热销款剩余不足三天销量。".repeat(300);
        let pieces = split_text(&text, 100);
        assert!(pieces.iter().all(|p| len(p) <= 100));
        assert_eq!(pieces.concat(), text);
        let latin = "restock ".repeat(100);
        for p in split_text(latin.trim(), 30) {
            assert!(p.split(' ').all(|w| w == "restock"), "{p}");
        }
    }

    #[test]
    fn fields_split_and_spread_over_messages_in_order() {
        let mut reply = Reply::titled("Shops");
        for i in 0..60 {
            reply = reply.field(
                format!("shop {i}"),
                format!("paid {i}\n").repeat(200),
                false,
            );
        }
        reply.footer = Some("footer".into());
        reply.buttons = (0..30)
            .map(|i| super::super::Button {
                id: format!("b{i}"),
                label: "x".into(),
                style: ButtonStyle::Primary,
            })
            .collect();
        reply.mentions = Mentions::user(42);
        let parts = fit(&reply, &L);
        assert_inside(&parts, &L);
        let values: String = parts
            .iter()
            .flat_map(|p| p.fields.iter())
            .map(|f| f.value.clone() + "\n")
            .collect();
        let want: String = reply.fields.iter().map(|f| f.value.clone()).collect();
        assert_eq!(values.replace('\n', ""), want.replace('\n', ""));
        assert_eq!(
            parts.last().and_then(|p| p.footer.clone()).as_deref(),
            Some("footer")
        );
        assert!(parts[..parts.len() - 1].iter().all(|p| p.footer.is_none()));
        let buttons: Vec<_> = parts
            .iter()
            .flat_map(|p| p.buttons.iter().map(|b| b.id.clone()))
            .collect();
        assert_eq!(buttons.len(), 30);
        assert_eq!(parts[0].mentions, Mentions::user(42));
        assert!(parts[1..].iter().all(|p| p.mentions.is_empty()));
    }

    #[test]
    fn a_small_reply_is_left_as_it_is_with_empty_values_shown_as_a_dash() {
        let reply = Reply::titled("Done").line("ok").field("note", "", true);
        let parts = fit(&reply, &L);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].title.as_deref(), Some("Done"));
        assert_eq!(parts[0].fields[0].value, "—");
        assert!(parts[0].fields[0].inline);
    }

    #[test]
    fn long_titles_and_footers_and_many_pings_stay_whole() {
        let mut reply = Reply::titled("t ".repeat(300));
        reply.footer = Some("f ".repeat(1500));
        reply.mentions.users = (0..200).map(|i| 100_000_000_000_000_000 + i).collect();
        let parts = fit(&reply, &L);
        assert_inside(&parts, &L);
        let pinged: usize = parts.iter().map(|p| p.mentions.users.len()).sum();
        assert_eq!(pinged, 200);
        let text: String = parts
            .iter()
            .flat_map(|p| p.lines.clone())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(text.matches('t').count(), 300);
        assert_eq!(text.matches('f').count(), 1500);
    }
}
