//! `/complaint ...`: log every customer complaint, handle it within the limit (24 h by
//! default), alert the managers at once for serious ones, warn before the limit and escalate
//! at it. Every ping goes through the outbox in the same transaction as the change behind it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::app::input;
use crate::app::{AppResult, Ctx, Invocation, OptValue, UserError, view};
use crate::domain::complaint::{Outcome, Severity, change_percent, quantile};
use crate::domain::money::{Money, MoneyError};
use crate::domain::position::Position;
use crate::domain::task::Priority;
use crate::i18n::{Locale, duration_text};
use crate::message::{
    self, ButtonStyle, Form, FormField, Mentions, Reply, Severity as Colour, escape_user_text,
};
use crate::store::StoreError;
use crate::store::complaints::{self, Complaint, Filter};
use crate::store::outbox::{self, NewMessage, Target};
use crate::store::settings::GuildSettings;
use crate::store::tasks::{self, NewTask};
use crate::tr;

/// Complaints per page of `/complaint list`.
pub const PAGE_SIZE: i64 = 10;

/// Longest summary.
pub const SUMMARY_MAX: usize = 200;

/// Longest description or note.
pub const TEXT_MAX: usize = 4000;

fn label(l: Locale, prefix: &str, key: &str) -> String {
    let k = format!("{prefix}-{key}");
    let t = l.t(&k);
    if t == k { key.to_string() } else { t }
}

fn category_label(l: Locale, key: &str) -> String {
    label(l, "complaint-cat", key)
}

fn platform_label(l: Locale, key: &str) -> String {
    label(l, "complaint-platform", key)
}

/// Reads a typed value against the configured list (keys, or their labels in either language).
fn pick(
    value: &str,
    list: &[String],
    prefix: &str,
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
        .arg("choices", list.join(", ")))
}

/// An amount in the user's terms, or the reason it is not one.
pub fn parse_amount(text: &str) -> Result<Money, UserError> {
    Money::parse(text).map_err(|e| match e {
        MoneyError::Negative(v) => UserError::new("complaint-err-amount-negative").arg("value", v),
        MoneyError::NotANumber(v) | MoneyError::TooPrecise(v) | MoneyError::TooLarge(v) => {
            UserError::new("complaint-err-amount").arg("value", v)
        }
    })
}

fn role(guild: &GuildSettings, p: Position) -> Option<u64> {
    guild.positions.get(&p).copied()
}

fn owner_text(c: &Complaint, guild: &GuildSettings, l: Locale) -> String {
    match c.owner_id {
        Some(u) => message::user_ref(u),
        None => match role(guild, Position::CustomerService) {
            Some(r) => format!("{} ({})", message::role_ref(r), l.t("complaint-unclaimed")),
            None => l.t("complaint-unclaimed"),
        },
    }
}

/// The body shared by every view of a complaint.
fn describe(l: Locale, c: &Complaint, guild: &GuildSettings, now: DateTime<Utc>) -> Reply {
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
        let state = if c.deadline_at <= now {
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
        (true, Severity::Normal) if c.deadline_at <= now => Colour::Danger,
        _ => Colour::Warning,
    };
    r
}

fn buttons(l: Locale, c: &Complaint) -> Vec<message::Button> {
    let b = |id: String, key: &str, style| message::Button {
        id,
        label: l.t(key),
        style,
    };
    let mut out = Vec::new();
    if c.open {
        if c.owner_id.is_none() {
            out.push(b(
                format!("cmp:claim:{}", c.id),
                "complaint-btn-claim",
                ButtonStyle::Primary,
            ));
        }
        out.push(b(
            format!("cmp:resolve:{}", c.id),
            "complaint-btn-resolve",
            ButtonStyle::Success,
        ));
    }
    out.push(b(
        format!("cmp:note:{}", c.id),
        "complaint-btn-note",
        ButtonStyle::Secondary,
    ));
    out
}

/// Replans a complaint's pings: a warning before the limit, the escalation at it. Serious
/// complaints also alert the managers once, when logged. Runs inside the caller's transaction.
pub async fn reschedule(
    conn: &mut SqliteConnection,
    c: &Complaint,
    guild: &GuildSettings,
    cfg: &crate::config::ComplaintConfig,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::cancel_source(conn, &c.source()).await?;
    if !c.open {
        return Ok(());
    }
    let l = guild.locale;
    let managers = role(guild, Position::Manager)
        .map(Mentions::role)
        .unwrap_or_default();
    let escalation = guild
        .escalation_channel
        .map(Target::Channel)
        .unwrap_or(Target::Channel(c.channel_id));
    let mut plan: Vec<(String, DateTime<Utc>, Target, Mentions, String)> = Vec::new();
    let warn_at = c.deadline_at - cfg.warn_before;
    if warn_at > now && cfg.warn_before > Duration::zero() {
        let who = match c.owner_id {
            Some(u) => Mentions::user(u),
            None => role(guild, Position::CustomerService)
                .map(Mentions::role)
                .unwrap_or_default(),
        };
        plan.push((
            "warn".into(),
            warn_at,
            Target::Channel(c.channel_id),
            who,
            tr!(
                l,
                "complaint-ping-warn",
                id = c.id,
                left = duration_text(l, cfg.warn_before)
            ),
        ));
    }
    let mut breach_who = managers.clone();
    if let Some(u) = c.owner_id {
        breach_who.users.push(u);
    }
    plan.push((
        "breach".into(),
        c.deadline_at.max(now),
        escalation,
        breach_who,
        tr!(l, "complaint-ping-breach", id = c.id),
    ));
    for (kind, at, target, mentions, title) in plan {
        let mut r = describe(l, c, guild, at);
        r.title = Some(format!("{title} — {}", escape_user_text(&c.summary)));
        r.mentions = mentions;
        r.buttons = buttons(l, c);
        let msg = NewMessage {
            guild_id: guild.guild_id,
            dedupe_key: format!("complaint:{}:r{}:{kind}", c.id, c.revision),
            source: c.source(),
            target,
            reply: r,
            due_at: at,
        };
        outbox::enqueue_or_revive(conn, &msg, now).await?;
    }
    Ok(())
}

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Complaint> {
    complaints::get(conn, ctx.guild.guild_id, id)
        .await?
        .ok_or_else(|| {
            UserError::new("complaint-err-not-found")
                .arg("id", id.to_string())
                .into()
        })
}

fn is_service(ctx: &Ctx<'_>) -> bool {
    ctx.origin.actor.is_manager(&ctx.guild)
        || ctx
            .origin
            .actor
            .positions_in(&ctx.guild)
            .contains(&Position::CustomerService)
}

fn may_handle(ctx: &Ctx<'_>, c: &Complaint) -> bool {
    is_service(ctx) || c.owner_id == Some(ctx.origin.actor.user_id)
}

/// Routes `/complaint <sub>`.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    let id = || inv.id("id");
    match sub {
        "log" => log(ctx, inv).await,
        "list" => {
            list(
                ctx,
                inv.str("scope").unwrap_or("open"),
                inv.str("platform"),
                inv.str("category"),
                inv.int("page").unwrap_or(1),
            )
            .await
        }
        "show" => show(ctx, id()?, inv.int("page").unwrap_or(1)).await,
        "claim" => claim(ctx, id()?, ctx.origin.actor.user_id).await,
        "assign" => {
            let (user, _) = inv.user("user").ok_or_else(|| {
                UserError::new("err-missing-option")
                    .arg("option", "user")
                    .arg("example", "")
            })?;
            ctx.require_manager()?;
            claim(ctx, id()?, user).await
        }
        "note" => note(ctx, id()?, inv.req_str("text")?).await,
        "resolve" => {
            resolve(
                ctx,
                id()?,
                inv.req_str("outcome")?,
                inv.str("amount"),
                inv.str("note"),
            )
            .await
        }
        "reopen" => reopen(ctx, id()?, inv.str("note")).await,
        "stats" => stats(ctx, inv.str("period")).await,
        _ => Err(UserError::new("err-unknown-command")
            .arg("command", format!("/complaint {sub}"))
            .into()),
    }
}

async fn log(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let cfg = &ctx.app.config.complaints;
    let order_no = crate::app::input::checked_text(inv.req_str("order")?, 64, "order")?;
    let platform = pick(
        inv.req_str("platform")?,
        &cfg.platforms,
        "complaint-platform",
        "complaint-err-platform",
    )?;
    let category = pick(
        inv.req_str("category")?,
        &cfg.categories,
        "complaint-cat",
        "complaint-err-category",
    )?;
    let summary = crate::app::input::checked_text(inv.req_str("summary")?, SUMMARY_MAX, "summary")?;
    let severity = match inv.str("severity") {
        Some(s) => Severity::parse(s).ok_or_else(|| {
            UserError::new("err-bad-choice")
                .arg("option", "severity")
                .arg("value", s)
                .arg("choices", "normal, serious")
        })?,
        None => Severity::Normal,
    };
    let limit = match severity {
        Severity::Normal => cfg.limit_normal,
        Severity::Serious => cfg.limit_serious,
    };
    let attachments = match inv.options.get("screenshot") {
        Some(OptValue::Attachment { url, .. }) => vec![url.clone()],
        _ => vec![],
    };
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let linked_to = complaints::first_on_order(&mut conn, ctx.guild.guild_id, &order_no).await?;
    let me = ctx.origin.actor.user_id;
    // Customer service logging a complaint owns it; anyone else leaves it for the team.
    let owner = ctx
        .origin
        .actor
        .positions_in(&ctx.guild)
        .contains(&Position::CustomerService)
        .then_some(me);
    let mut c = Complaint {
        id: 0,
        guild_id: ctx.guild.guild_id,
        order_no,
        platform,
        category,
        severity,
        customer: inv
            .str("customer")
            .map(|s| crate::app::input::checked_text(s, 64, "customer"))
            .transpose()?,
        summary,
        description: inv
            .str("description")
            .map(|s| crate::app::input::checked_text(s, TEXT_MAX, "description"))
            .transpose()?,
        attachments,
        open: true,
        owner_id: owner,
        logged_by: me,
        channel_id: ctx.origin.channel_id,
        linked_to,
        created_at: ctx.now,
        deadline_at: ctx.now + limit,
        resolved_at: None,
        outcome: None,
        amount: None,
        revision: 1,
    };
    let mut tx = crate::store::write_tx(&mut conn).await?;
    c.id = complaints::insert(&mut tx, &c).await?;
    complaints::add_event(&mut tx, c.id, ctx.now, me, "logged", None).await?;
    let l = ctx.guild.locale;
    if severity == Severity::Serious {
        // A crisis: the managers hear of it at once.
        let mut alert = describe(l, &c, &ctx.guild, ctx.now);
        alert.title = Some(format!(
            "{} — {}",
            tr!(l, "complaint-ping-serious", id = c.id),
            escape_user_text(&c.summary)
        ));
        alert.mentions = role(&ctx.guild, Position::Manager)
            .map(Mentions::role)
            .unwrap_or_default();
        alert.buttons = buttons(l, &c);
        let msg = NewMessage {
            guild_id: c.guild_id,
            dedupe_key: format!("complaint:{}:serious", c.id),
            source: format!("complaint-alert:{}", c.id),
            target: ctx
                .guild
                .escalation_channel
                .map(Target::Channel)
                .unwrap_or(Target::Channel(c.channel_id)),
            reply: alert,
            due_at: ctx.now,
        };
        outbox::enqueue(&mut tx, &msg, ctx.now).await?;
    }
    reschedule(&mut tx, &c, &ctx.guild, cfg, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();

    let l = ctx.locale;
    let mut r = describe(l, &c, &ctx.guild, ctx.now);
    r.title = Some(tr!(
        l,
        "complaint-logged",
        id = c.id,
        order = escape_user_text(&c.order_no)
    ));
    if c.owner_id.is_none() {
        r.mentions = role(&ctx.guild, Position::CustomerService)
            .map(Mentions::role)
            .unwrap_or_default();
    }
    r.buttons = buttons(l, &c);
    Ok(r)
}

async fn list(
    ctx: &Ctx<'_>,
    scope: &str,
    platform: Option<&str>,
    category: Option<&str>,
    page: i64,
) -> AppResult<Reply> {
    let cfg = &ctx.app.config.complaints;
    let page = page.max(1);
    let mut f = Filter {
        platform: platform
            .map(|p| {
                pick(
                    p,
                    &cfg.platforms,
                    "complaint-platform",
                    "complaint-err-platform",
                )
            })
            .transpose()?,
        category: category
            .map(|c| {
                pick(
                    c,
                    &cfg.categories,
                    "complaint-cat",
                    "complaint-err-category",
                )
            })
            .transpose()?,
        ..Filter::default()
    };
    match scope {
        "mine" => {
            f.owner = Some(ctx.origin.actor.user_id);
            f.open_only = true;
        }
        "breached" => f.breached_at = Some(ctx.now),
        "all" => {}
        _ => f.open_only = true,
    }
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let (rows, total) = complaints::list(
        &mut conn,
        ctx.guild.guild_id,
        &f,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let l = ctx.locale;
    let mut r = Reply::titled(tr!(
        l,
        "complaint-list-title",
        scope = l.t(&format!("choice-{scope}")),
        page = page,
        pages = pages,
        total = total
    ));
    if rows.is_empty() {
        r.lines.push(l.t("complaint-list-empty"));
    }
    for c in &rows {
        let when = if c.open {
            let flag = if c.deadline_at <= ctx.now {
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
    let enc = |p: i64| {
        format!(
            "cmp:page:{scope}:{}:{}:{p}",
            f.platform.clone().unwrap_or_default(),
            f.category.clone().unwrap_or_default()
        )
    };
    if page > 1 {
        r = r.button(enc(page - 1), l.t("btn-prev"), ButtonStyle::Secondary);
    }
    if page < pages {
        r = r.button(enc(page + 1), l.t("btn-next"), ButtonStyle::Secondary);
    }
    r.ephemeral = true;
    Ok(r)
}

async fn show(ctx: &Ctx<'_>, id: i64, page: i64) -> AppResult<Reply> {
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let c = load(&mut conn, ctx, id).await?;
    let (_, total) = complaints::events(&mut conn, id, 0, 0).await?;
    let newer = view::history_offset(page, total);
    let (events, total) = complaints::events(&mut conn, id, newer, view::HISTORY_PAGE).await?;
    let l = ctx.locale;
    let r = describe(l, &c, &ctx.guild, ctx.now);
    let history: Vec<String> = events
        .iter()
        .map(|(at, who, kind, detail)| {
            // Handlers are stored by id and shown as a mention; notes are the user's own text.
            let d = match (kind.as_str(), detail.as_deref()) {
                ("claimed" | "assigned", Some(id)) => id
                    .parse::<u64>()
                    .map(|u| format!(": {}", message::user_ref(u)))
                    .unwrap_or_default(),
                (_, Some(d)) => format!(": {}", escape_user_text(d)),
                (_, None) => String::new(),
            };
            format!(
                "{} {} {}{}",
                message::ts(*at, 'f'),
                message::user_ref(*who),
                l.t(&format!("complaint-event-{kind}")),
                d
            )
        })
        .collect();
    let mut r = view::history(
        r,
        l,
        history,
        newer,
        total,
        &format!("/complaint show id:{id} page:{{page}}"),
    );
    r.buttons = buttons(l, &c);
    r.ephemeral = true;
    Ok(r)
}

async fn claim(ctx: &Ctx<'_>, id: i64, owner: u64) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = crate::store::write_tx(&mut conn).await?;
    let c = load(&mut tx, ctx, id).await?;
    if !c.open {
        return Err(UserError::new("complaint-err-closed")
            .arg("id", id.to_string())
            .into());
    }
    if owner == me && !is_service(ctx) {
        return Err(UserError::new("complaint-err-not-service").into());
    }
    if owner == me
        && c.owner_id.is_some_and(|o| o != me)
        && !ctx.origin.actor.is_manager(&ctx.guild)
    {
        return Err(UserError::new("complaint-err-owned")
            .arg("id", id.to_string())
            .arg("who", message::user_ref(c.owner_id.unwrap_or_default()))
            .into());
    }
    complaints::set_owner(&mut tx, id, owner).await?;
    complaints::add_event(
        &mut tx,
        id,
        ctx.now,
        me,
        if owner == me { "claimed" } else { "assigned" },
        Some(&owner.to_string()),
    )
    .await?;
    let c = load(&mut tx, ctx, id).await?;
    reschedule(&mut tx, &c, &ctx.guild, &ctx.app.config.complaints, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    let mut r = describe(l, &c, &ctx.guild, ctx.now);
    r.title = Some(tr!(
        l,
        "complaint-claimed",
        id = id,
        who = message::user_ref(owner)
    ));
    if owner != me {
        r.mentions = Mentions::user(owner);
    }
    r.buttons = buttons(l, &c);
    Ok(r)
}

async fn note(ctx: &Ctx<'_>, id: i64, text: &str) -> AppResult<Reply> {
    let text = crate::app::input::checked_text(text, TEXT_MAX, "text")?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    load(&mut conn, ctx, id).await?;
    complaints::add_event(
        &mut conn,
        id,
        ctx.now,
        ctx.origin.actor.user_id,
        "note",
        Some(&text),
    )
    .await?;
    Ok(Reply::titled(tr!(ctx.locale, "complaint-noted", id = id))
        .line(escape_user_text(&text))
        .severity(Colour::Success))
}

async fn resolve(
    ctx: &Ctx<'_>,
    id: i64,
    outcome: &str,
    amount: Option<&str>,
    note: Option<&str>,
) -> AppResult<Reply> {
    let outcome = Outcome::parse(outcome).ok_or_else(|| {
        UserError::new("err-bad-choice")
            .arg("option", "outcome")
            .arg("value", outcome)
            .arg(
                "choices",
                crate::domain::complaint::Outcome::KEYS.join(", "),
            )
    })?;
    let amount = amount.map(parse_amount).transpose()?;
    if outcome.pays() && amount.is_none() {
        return Err(UserError::new("complaint-err-amount-needed")
            .arg("outcome", ctx.t(&format!("choice-{}", outcome.key())))
            .into());
    }
    let note = note
        .map(|n| crate::app::input::checked_text(n, TEXT_MAX, "note"))
        .transpose()?;
    let me = ctx.origin.actor.user_id;
    let cfg = &ctx.app.config.complaints;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = crate::store::write_tx(&mut conn).await?;
    let c = load(&mut tx, ctx, id).await?;
    if !may_handle(ctx, &c) {
        return Err(UserError::new("complaint-err-not-service").into());
    }
    if !c.open {
        return Err(UserError::new("complaint-err-closed")
            .arg("id", id.to_string())
            .into());
    }
    complaints::resolve(&mut tx, id, outcome, amount, ctx.now).await?;
    let detail = format!(
        "{}{}{}",
        outcome.key(),
        amount.map(|a| format!(" {a}")).unwrap_or_default(),
        note.as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default()
    );
    complaints::add_event(&mut tx, id, ctx.now, me, "resolved", Some(&detail)).await?;
    let c = load(&mut tx, ctx, id).await?;
    reschedule(&mut tx, &c, &ctx.guild, cfg, ctx.now).await?;
    // Seed: "pay a return visit to customers" — a task for the owner some days later.
    let mut visit = None;
    if cfg.return_visit_days > 0 {
        let l = ctx.guild.locale;
        let task = NewTask {
            guild_id: c.guild_id,
            title: tr!(
                l,
                "complaint-visit-title",
                order = c.order_no.as_str(),
                id = c.id
            ),
            note: c
                .customer
                .as_ref()
                .map(|cust| tr!(l, "complaint-visit-note", customer = cust.as_str())),
            priority: Priority::Normal,
            assignee_id: Some(c.owner_id.unwrap_or(me)),
            position: None,
            assigner_id: me,
            channel_id: c.channel_id,
            due_at: ctx.now + Duration::days(cfg.return_visit_days),
            recurring: None,
        };
        if let Some(tid) = tasks::insert(&mut tx, &task, ctx.now).await? {
            tasks::add_event(&mut tx, tid, ctx.now, me, "created", None).await?;
            if let Some(t) = tasks::get(&mut tx, c.guild_id, tid).await? {
                super::task::reschedule(&mut tx, &t, &ctx.guild, &ctx.app.config.tasks, ctx.now)
                    .await?;
                visit = Some(t);
            }
        }
    }
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let l = ctx.locale;
    let mut r = describe(l, &c, &ctx.guild, ctx.now);
    let took = ctx.now - c.created_at;
    r.title = Some(tr!(
        l,
        "complaint-resolved-title",
        id = id,
        took = duration_text(l, took)
    ));
    r.lines.push(if ctx.now <= c.deadline_at {
        l.t("complaint-within-limit")
    } else {
        l.t("complaint-over-limit")
    });
    if let Some(t) = visit {
        r.lines.push(tr!(
            l,
            "complaint-visit-scheduled",
            task = t.id,
            due = message::ts(t.due_at, 'f')
        ));
    }
    r.buttons.clear();
    Ok(r)
}

async fn reopen(ctx: &Ctx<'_>, id: i64, note: Option<&str>) -> AppResult<Reply> {
    let note = note
        .map(|n| crate::app::input::checked_text(n, TEXT_MAX, "note"))
        .transpose()?;
    let cfg = &ctx.app.config.complaints;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let mut tx = crate::store::write_tx(&mut conn).await?;
    let c = load(&mut tx, ctx, id).await?;
    if !may_handle(ctx, &c) {
        return Err(UserError::new("complaint-err-not-service").into());
    }
    if c.open {
        return Err(UserError::new("complaint-err-already-open")
            .arg("id", id.to_string())
            .into());
    }
    let limit = if c.severity == Severity::Serious {
        cfg.limit_serious
    } else {
        cfg.limit_normal
    };
    complaints::reopen(&mut tx, id, ctx.now + limit).await?;
    complaints::add_event(
        &mut tx,
        id,
        ctx.now,
        ctx.origin.actor.user_id,
        "reopened",
        note.as_deref(),
    )
    .await?;
    let c = load(&mut tx, ctx, id).await?;
    reschedule(&mut tx, &c, &ctx.guild, cfg, ctx.now).await?;
    tx.commit().await?;
    ctx.app.outbox_wake.notify_one();
    let mut r = describe(ctx.locale, &c, &ctx.guild, ctx.now);
    r.title = Some(tr!(ctx.locale, "complaint-reopened", id = id));
    r.buttons = buttons(ctx.locale, &c);
    Ok(r)
}

/// The figures of a period, for `/complaint stats` and the morning summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Logged in the period.
    pub logged: i64,
    /// Logged in the period before, of the same length.
    pub logged_before: i64,
    /// By category key.
    pub by_category: BTreeMap<String, i64>,
    /// By platform key.
    pub by_platform: BTreeMap<String, i64>,
    /// Serious ones.
    pub serious: i64,
    /// Resolved in the period.
    pub resolved: i64,
    /// Of those, within the limit.
    pub within_limit: i64,
    /// Median time to resolve.
    pub median: Option<Duration>,
    /// 90th percentile time to resolve.
    pub p90: Option<Duration>,
    /// Refunds paid (refund and partial refund).
    pub refunds: Money,
    /// Compensation paid.
    pub compensation: Money,
}

/// Computes the figures of [from, to).
pub async fn figures(
    conn: &mut SqliteConnection,
    guild_id: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Figures, StoreError> {
    let logged = complaints::logged_between(conn, guild_id, from, to).await?;
    let before = complaints::logged_between(conn, guild_id, from - (to - from), from).await?;
    let resolved = complaints::resolved_between(conn, guild_id, from, to).await?;
    let mut f = Figures {
        logged: logged.len() as i64,
        logged_before: before.len() as i64,
        ..Figures::default()
    };
    for c in &logged {
        *f.by_category.entry(c.category.clone()).or_default() += 1;
        *f.by_platform.entry(c.platform.clone()).or_default() += 1;
        if c.severity == Severity::Serious {
            f.serious += 1;
        }
    }
    let mut times: Vec<Duration> = Vec::new();
    for c in &resolved {
        let Some(at) = c.resolved_at else { continue };
        f.resolved += 1;
        if at <= c.deadline_at {
            f.within_limit += 1;
        }
        times.push(at - c.created_at);
        let amount = c.amount.unwrap_or_default();
        match c.outcome {
            Some(Outcome::Refund | Outcome::PartialRefund) => f.refunds.0 += amount.0,
            Some(Outcome::Compensation) => f.compensation.0 += amount.0,
            _ => {}
        }
    }
    times.sort();
    f.median = quantile(&times, 0.5);
    f.p90 = quantile(&times, 0.9);
    Ok(f)
}

async fn stats(ctx: &Ctx<'_>, period: Option<&str>) -> AppResult<Reply> {
    let input::Period {
        from,
        to,
        label: label_text,
    } = input::period(period, ctx.now, ctx.guild.timezone)?;
    let mut conn = ctx
        .app
        .store
        .pool
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let f = figures(&mut conn, ctx.guild.guild_id, from, to).await?;
    let l = ctx.locale;
    let change = change_percent(f.logged_before, f.logged)
        .map(|p| format!("{p:+.0}%"))
        .unwrap_or_else(|| "—".into());
    let share = if f.resolved > 0 {
        format!("{:.0}%", 100.0 * f.within_limit as f64 / f.resolved as f64)
    } else {
        "—".into()
    };
    let dur = |d: Option<Duration>| d.map(|d| duration_text(l, d)).unwrap_or_else(|| "—".into());
    let list = |m: &BTreeMap<String, i64>, f: &dyn Fn(&str) -> String| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let s: Vec<String> = v.iter().map(|(k, n)| format!("{} {n}", f(k))).collect();
        if s.is_empty() {
            "—".to_string()
        } else {
            s.join(" · ")
        }
    };
    let r = Reply::titled(tr!(l, "complaint-stats-title", period = label_text))
        .field(
            l.t("complaint-stats-logged"),
            format!(
                "{} ({} {})",
                f.logged,
                change,
                l.t("complaint-stats-vs-before")
            ),
            true,
        )
        .field(l.t("complaint-stats-serious"), f.serious.to_string(), true)
        .field(
            l.t("complaint-stats-resolved"),
            f.resolved.to_string(),
            true,
        )
        .field(l.t("complaint-stats-within"), share, true)
        .field(l.t("complaint-stats-median"), dur(f.median), true)
        .field(l.t("complaint-stats-p90"), dur(f.p90), true)
        .field(l.t("complaint-stats-refunds"), f.refunds.to_string(), true)
        .field(
            l.t("complaint-stats-compensation"),
            f.compensation.to_string(),
            true,
        )
        .field(
            l.t("complaint-field-category"),
            list(&f.by_category, &|k| category_label(l, k)),
            false,
        )
        .field(
            l.t("complaint-field-platform"),
            list(&f.by_platform, &|k| platform_label(l, k)),
            false,
        );
    Ok(r.ephemeral())
}

/// Buttons: claim, resolve (opens a form), add note (opens a form), list pages.
pub async fn press(ctx: &Ctx<'_>, parts: &[&str]) -> AppResult<Reply> {
    let l = ctx.locale;
    match parts {
        ["page", scope, platform, category, page] => {
            let mut r = list(
                ctx,
                scope,
                Some(*platform).filter(|s| !s.is_empty()),
                Some(*category).filter(|s| !s.is_empty()),
                page.parse().unwrap_or(1),
            )
            .await?;
            r.update_message = true;
            Ok(r)
        }
        ["claim", id] => {
            let mut r = claim(
                ctx,
                id.parse().unwrap_or_default(),
                ctx.origin.actor.user_id,
            )
            .await?;
            r.update_message = true;
            Ok(r)
        }
        ["resolve", id] => {
            let field = |id: &str, long, required, placeholder: &str| FormField {
                id: id.into(),
                label: l.t(&format!("complaint-form-{id}")),
                long,
                required,
                placeholder: Some(placeholder.into()),
            };
            Ok(Reply {
                lines: vec![tr!(l, "complaint-form-hint", id = *id)],
                form: Some(Form {
                    id: format!("cmp:resolve:{id}"),
                    title: tr!(l, "complaint-form-resolve-title", id = *id),
                    fields: vec![
                        field(
                            "outcome",
                            false,
                            true,
                            "refund / partial-refund / return / exchange / reship / compensation / explanation / rejected",
                        ),
                        field("amount", false, false, "25.00"),
                        field("note", true, false, ""),
                    ],
                }),
                ephemeral: true,
                ..Reply::default()
            })
        }
        ["note", id] => Ok(Reply {
            lines: vec![tr!(l, "complaint-form-note-hint", id = *id)],
            form: Some(Form {
                id: format!("cmp:note:{id}"),
                title: tr!(l, "complaint-form-note-title", id = *id),
                fields: vec![FormField {
                    id: "text".into(),
                    label: l.t("complaint-form-note"),
                    long: true,
                    required: true,
                    placeholder: None,
                }],
            }),
            ephemeral: true,
            ..Reply::default()
        }),
        _ => Err(UserError::new("err-unknown-button").into()),
    }
}

/// Forms: the resolve form and the note form.
pub async fn submit(
    ctx: &Ctx<'_>,
    parts: &[&str],
    fields: &[(String, String)],
) -> AppResult<Reply> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(id, _)| id == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    match parts {
        ["resolve", id] => {
            let id = id.parse().unwrap_or_default();
            let outcome = get("outcome").ok_or_else(|| {
                UserError::new("err-missing-option")
                    .arg("option", "outcome")
                    .arg("example", "")
            })?;
            resolve(ctx, id, outcome, get("amount"), get("note")).await
        }
        ["note", id] => {
            note(
                ctx,
                id.parse().unwrap_or_default(),
                get("text").unwrap_or(""),
            )
            .await
        }
        _ => Err(UserError::new("err-unknown-button").into()),
    }
}

/// Suggestions: ids (order number + summary), platforms and categories in the user's language.
pub async fn autocomplete(
    ctx: &Ctx<'_>,
    inv: &Invocation,
    focused: &str,
) -> AppResult<Vec<(String, String)>> {
    let l = ctx.locale;
    let cfg = &ctx.app.config.complaints;
    let typed = match inv.options.get(focused) {
        Some(OptValue::Str(s)) => s.to_lowercase(),
        Some(OptValue::Int(n)) => n.to_string(),
        _ => String::new(),
    };
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
            let mut conn = ctx
                .app
                .store
                .pool
                .acquire()
                .await
                .map_err(StoreError::from)?;
            let rows =
                complaints::suggest(&mut conn, ctx.guild.guild_id, &typed, open_only).await?;
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
