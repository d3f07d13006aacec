//! How complaints look: one complaint with its history, a page of a list, the buttons on a
//! complaint's messages, and the suggestions while typing.

use chrono::{DateTime, Utc};

use super::buttons::ComplaintButton;
use super::{ListQuery, Scope, load, role};
use crate::app::access::{self, Rule};
use crate::app::{AppResult, Ctx, Invocation, Suggestions, UserError, view};
use crate::domain::complaint::Severity;
use crate::domain::in_time;
use crate::domain::position::Position;
use crate::i18n::Locale;
use crate::message::{self, ButtonStyle, Reply, Severity as Colour, escape_user_text};
use crate::store::complaints::{self, Complaint, Filter};
use crate::store::events::Log;
use crate::store::settings::GuildSettings;
use crate::tr;

pub(super) fn label(l: Locale, prefix: &str, key: &str) -> String {
    let k = format!("{prefix}-{key}");
    let t = l.t(&k);
    if t == k { key.to_string() } else { t }
}

pub(super) fn category_label(l: Locale, key: &str) -> String {
    label(l, "complaint-cat", key)
}

pub(super) fn platform_label(l: Locale, key: &str) -> String {
    label(l, "complaint-platform", key)
}

/// Reads a typed value against the configured list (keys, or their labels in either language).
pub(super) fn pick(
    value: &str,
    list: &[String],
    prefix: &'static str,
    err: &'static str,
) -> Result<String, UserError> {
    let v = value.trim().to_lowercase();
    for key in list {
        let matches = *key == v
            || Locale::ALL
                .iter()
                .any(|l| label(*l, prefix, key).to_lowercase() == v);
        if matches {
            return Ok(key.clone());
        }
    }
    Err(UserError::new(err)
        .arg("value", value.trim())
        .choices(prefix, list))
}

pub(super) fn owner_text(c: &Complaint, guild: &GuildSettings, l: Locale) -> String {
    match c.owner_id {
        Some(u) => message::user_ref(u),
        None => match role(guild, Position::CustomerService) {
            Some(r) => format!("{} ({})", message::role_ref(r), l.t("complaint-unclaimed")),
            None => l.t("complaint-unclaimed"),
        },
    }
}

/// The body shared by every view of a complaint.
pub(super) fn describe(
    l: Locale,
    c: &Complaint,
    guild: &GuildSettings,
    now: DateTime<Utc>,
) -> Reply {
    let mut r = Reply::titled(tr!(
        l,
        "complaint-title",
        id = c.id,
        order = escape_user_text(&c.order_no),
        summary = escape_user_text(&c.summary)
    ))
    .field(
        l.t("complaint-field-platform"),
        platform_label(l, &c.platform),
        true,
    )
    .field(
        l.t("complaint-field-category"),
        category_label(l, &c.category),
        true,
    )
    .field(
        l.t("complaint-field-severity"),
        l.t(&format!("complaint-severity-{}", c.severity.key())),
        true,
    )
    .field(l.t("complaint-field-owner"), owner_text(c, guild, l), true);
    if let Some(cust) = &c.customer {
        r = r.field(
            l.t("complaint-field-customer"),
            escape_user_text(cust),
            true,
        );
    }
    if c.open {
        let state = if !in_time(now, c.deadline_at) {
            l.t("complaint-breached")
        } else {
            l.t("complaint-open")
        };
        r = r.field(
            l.t("complaint-field-deadline"),
            format!(
                "{} ({}) — {}",
                message::ts(c.deadline_at, 'F'),
                message::ts(c.deadline_at, 'R'),
                state
            ),
            false,
        );
    } else {
        let outcome = c
            .outcome
            .map(|o| l.t(&format!("choice-{}", o.key())))
            .unwrap_or_default();
        let amount = c.amount.map(|a| format!(" · {a}")).unwrap_or_default();
        r = r.field(
            l.t("complaint-field-outcome"),
            format!("{outcome}{amount}"),
            false,
        );
    }
    if let Some(d) = &c.description {
        r.lines.push(escape_user_text(d));
    }
    for a in &c.attachments {
        r.lines.push(format!("📎 {a}"));
    }
    if let Some(first) = c.linked_to {
        r.lines.push(tr!(l, "complaint-linked", id = first));
    }
    r.severity = match (c.open, c.severity) {
        (false, _) => Colour::Success,
        (true, Severity::Serious) => Colour::Danger,
        (true, Severity::Normal) if !in_time(now, c.deadline_at) => Colour::Danger,
        _ => Colour::Warning,
    };
    r
}

pub(super) fn buttons(l: Locale, c: &Complaint) -> Vec<message::Button> {
    use ButtonStyle::{Primary, Secondary, Success};
    use ComplaintButton as B;
    let id = c.id;
    let mut list = Vec::new();
    if c.open {
        if c.owner_id.is_none() {
            list.push((B::Claim(id), "complaint-btn-claim", Primary));
        }
        list.push((B::Resolve(id), "complaint-btn-resolve", Success));
    }
    list.push((B::Note(id), "complaint-btn-note", Secondary));
    crate::app::view::buttons(l, list)
}

pub(super) async fn list(ctx: &Ctx<'_>, q: ListQuery, page: i64) -> AppResult<Reply> {
    let page = page.max(1);
    // A member who does not see every complaint lists those they logged or handle.
    let party = access::complaint_party(ctx);
    let mut f = Filter {
        platform: q.platform.clone(),
        category: q.category.clone(),
        party,
        ..Filter::default()
    };
    match q.scope {
        Scope::Mine => {
            f.owner = Some(ctx.origin.actor.user_id);
            f.open_only = true;
        }
        Scope::Breached => f.breached_at = Some(ctx.now),
        Scope::All => {}
        Scope::Open => f.open_only = true,
    }
    let mut conn = ctx.conn().await?;
    let (skip, take) = view::list_window(page);
    let (rows, total) = complaints::list(&mut conn, ctx.guild.guild_id, &f, skip, take).await?;
    // Past the count's cap the title says "more than": counting ten years of complaints for
    // a page title would cost more than the page.
    let next = match total {
        complaints::Total::Exact(n) => page < view::list_pages(n),
        complaints::Total::MoreThan(_) => true,
    };
    let (pages_shown, total_shown) = match total {
        complaints::Total::Exact(n) => (view::list_pages(n).to_string(), n.to_string()),
        complaints::Total::MoreThan(n) => (
            format!("{}+", view::list_pages(n).max(page)),
            format!("{n}+"),
        ),
    };
    let l = ctx.locale;
    let mut r = Reply::titled(tr!(
        l,
        "complaint-list-title",
        scope = l.t(&format!("choice-{}", q.scope.key())),
        page = page,
        pages = pages_shown,
        total = total_shown
    ));
    if party.is_some() {
        r.lines.push(l.t("complaint-list-yours-only"));
    }
    if rows.is_empty() {
        r.lines.push(l.t("complaint-list-empty"));
    }
    for c in &rows {
        let when = if c.open {
            let flag = if !in_time(ctx.now, c.deadline_at) {
                "⚠️ "
            } else {
                ""
            };
            format!("{flag}{}", message::ts(c.deadline_at, 'R'))
        } else {
            l.t("complaint-resolved")
        };
        let serious = if c.severity == Severity::Serious {
            "🔴 "
        } else {
            ""
        };
        r.lines.push(format!(
            "{serious}**#{}** `{}` {} · {} · {} · {}",
            c.id,
            escape_user_text(&c.order_no),
            escape_user_text(&c.summary),
            category_label(l, &c.category),
            owner_text(c, &ctx.guild, l),
            when
        ));
    }
    let enc = |page: i64| {
        ComplaintButton::Page {
            query: q.clone(),
            page,
        }
        .to_string()
    };
    if page > 1 {
        r = r.button(enc(page - 1), l.t("btn-prev"), ButtonStyle::Secondary);
    }
    if next {
        r = r.button(enc(page + 1), l.t("btn-next"), ButtonStyle::Secondary);
    }
    r.ephemeral = true;
    Ok(r)
}

/// Refuses a member who may not see complaint `c` ([`Rule::ComplaintViewer`]), saying what
/// they can do instead.
pub(super) fn visible(ctx: &Ctx<'_>, c: &Complaint) -> Result<(), UserError> {
    let actor = &ctx.origin.actor;
    if access::sees_complaint(
        actor.is_manager(&ctx.guild),
        &actor.positions_in(&ctx.guild),
        actor.user_id,
        c.owner_id,
        c.logged_by,
    ) {
        Ok(())
    } else {
        Err(access::refused(Rule::ComplaintViewer).arg("id", c.id.to_string()))
    }
}

pub(super) async fn show(ctx: &Ctx<'_>, id: i64, page: i64) -> AppResult<Reply> {
    let mut conn = ctx.conn().await?;
    let c = load(&mut conn, ctx, id).await?;
    visible(ctx, &c)?;
    let l = ctx.locale;
    let r = describe(l, &c, &ctx.guild, ctx.now);
    let mut r = view::with_history(&mut conn, (r, l), (Log::Complaint, id), page, |e| {
        // Handlers are stored by id and shown as a mention; notes are the user's own text.
        match (e.kind.as_str(), e.detail.as_deref()) {
            ("claimed" | "assigned", Some(d)) => match d.parse::<u64>() {
                // Written before both sides were kept: the new handler only.
                Ok(u) => format!(": {}", message::user_ref(u)),
                Err(_) => format!(": {}", view::detail_text(l, d, false)),
            },
            ("outcome", Some(d)) => format!(": {}", view::detail_text(l, d, false)),
            // `partial-refund 25.50 — note`: the outcome by its name in the reader's language.
            ("resolved", Some(d)) => {
                let (key, rest) = d.split_once(' ').unwrap_or((d, ""));
                match crate::domain::complaint::Outcome::parse(key) {
                    Some(o) => {
                        let label = crate::app::spec::choice_label(o.key(), l);
                        let rest = escape_user_text(rest);
                        format!(
                            ": {label}{}",
                            if rest.is_empty() {
                                String::new()
                            } else {
                                format!(" {rest}")
                            }
                        )
                    }
                    None => format!(": {}", escape_user_text(d)),
                }
            }
            (_, Some(d)) => format!(": {}", escape_user_text(d)),
            (_, None) => String::new(),
        }
    })
    .await?;
    r.buttons = buttons(l, &c);
    r.ephemeral = true;
    Ok(r)
}

/// Suggestions: ids (order number + summary), platforms and categories in the user's language.
pub async fn autocomplete(ctx: &Ctx<'_>, inv: &Invocation, focused: &str) -> Suggestions {
    let l = ctx.locale;
    let cfg = &ctx.app.config.complaints;
    let typed = inv.typed(focused).to_lowercase();
    let keys = |list: &[String], f: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        list.iter()
            .map(|k| (k.clone(), f(k)))
            .filter(|(k, label)| {
                typed.is_empty() || k.contains(&typed) || label.to_lowercase().contains(&typed)
            })
            .take(25)
            .collect()
    };
    match focused {
        "platform" => Ok(keys(&cfg.platforms, &|k| platform_label(l, k))),
        "category" => Ok(keys(&cfg.categories, &|k| category_label(l, k))),
        "id" => {
            let open_only = !inv
                .path
                .get(1)
                .is_some_and(|s| s == "show" || s == "reopen" || s == "note");
            let mut conn = ctx.conn().await?;
            let party = access::complaint_party(ctx);
            let rows = complaints::suggest(&mut conn, ctx.guild.guild_id, &typed, open_only, party)
                .await?;
            Ok(rows
                .iter()
                .map(|c| {
                    (
                        c.id.to_string(),
                        format!("#{} {} · {}", c.id, c.order_no, c.summary),
                    )
                })
                .collect())
        }
        _ => Ok(vec![]),
    }
}
