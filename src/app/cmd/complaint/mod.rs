//! `/complaint ...`: log every customer complaint, handle it within the limit (24 h by
//! default), alert the managers at once for serious ones, warn before the limit and escalate
//! at it. Every ping goes through the outbox in the same transaction as the change behind it.
//!
//! Each invocation is parsed once into a [`ComplaintCmd`], then applied. Files: `pings` plans
//! the outbox messages, `view` renders complaints and lists, `buttons` the clicks and forms,
//! `stats` the figures of a period.

mod buttons;
mod export;
mod pings;
mod stats;
mod view;

use chrono::Duration;
use sqlx::SqliteConnection;

pub use buttons::{ComplaintButton, ComplaintForm, press, submit};
pub use pings::reschedule;
pub use stats::{Figures, figures, per_currency};
pub use view::autocomplete;

use self::view::{buttons as complaint_buttons, describe, pick};
use crate::app::access::{self, Rule};
use crate::app::input::{self, Period, checked_text, optional_text};
use crate::app::{AppResult, Ctx, Invocation, OptValue, UserError};
use crate::domain::complaint::{Outcome, Severity};
use crate::domain::history::{Change, Field, Side};
use crate::domain::in_time;
use crate::domain::money::Money;
use crate::domain::position::Position;
use crate::domain::task::Priority;
use crate::i18n::Locale;
use crate::i18n::duration_text;
use crate::message::{self, Mentions, Reply, Target, escape_user_text};
use crate::store::complaints::{self, Complaint};
use crate::store::events::Log;
use crate::store::outbox::{self, NewMessage};
use crate::store::settings::GuildSettings;
use crate::store::tasks::{self, NewTask, TaskTemplate};
use crate::tr;

/// Longest summary.
pub const SUMMARY_MAX: usize = 200;

/// Longest description or note.
pub const TEXT_MAX: usize = 4000;

/// Longest order number or buyer name.
const SHORT_MAX: usize = 64;

/// Which complaints a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Still open.
    Open,
    /// Open and handled by the reader.
    Mine,
    /// Past their limit.
    Breached,
    /// Open and resolved.
    All,
}

impl Scope {
    /// The typed form (and the `choice-<key>` label).
    pub fn key(self) -> &'static str {
        match self {
            Scope::Open => "open",
            Scope::Mine => "mine",
            Scope::Breached => "breached",
            Scope::All => "all",
        }
    }

    fn parse(s: &str) -> Option<Scope> {
        [Scope::Open, Scope::Mine, Scope::Breached, Scope::All]
            .into_iter()
            .find(|k| k.key() == s)
    }
}

/// A list's filter: its scope, and a platform and a category (configured keys) when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub scope: Scope,
    pub platform: Option<String>,
    pub category: Option<String>,
}

/// A complaint to log, read and checked.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub order_no: String,
    pub platform: String,
    pub category: String,
    pub summary: String,
    pub severity: Severity,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub attachments: Vec<String>,
}

/// A `/complaint` command, read and checked.
#[derive(Debug, Clone)]
pub enum ComplaintCmd {
    Log(NewComplaint),
    List {
        query: ListQuery,
        page: i64,
    },
    Show {
        id: i64,
        page: i64,
    },
    Claim {
        id: i64,
    },
    /// Managers: give it to `user`.
    Assign {
        id: i64,
        user: u64,
    },
    Note {
        id: i64,
        text: String,
    },
    Resolve(Resolution),
    Reopen {
        id: i64,
        note: Option<String>,
    },
    Stats {
        period: Period,
    },
    Export(crate::app::sheet::ExportRequest),
}

/// How a complaint ended, read and checked (from the command or the form).
#[derive(Debug, Clone)]
pub struct Resolution {
    pub id: i64,
    pub outcome: Outcome,
    pub amount: Option<Money>,
    pub note: Option<String>,
}

impl Resolution {
    /// Reads the outcome, the amount (needed when the outcome pays) and the note.
    fn parse(
        ctx: &Ctx<'_>,
        id: i64,
        outcome: &str,
        amount: Option<&str>,
        note: Option<&str>,
    ) -> Result<Resolution, UserError> {
        // Typed as its key or its label in either language (the form is free text).
        let outcome = Outcome::KEYS
            .iter()
            .find(|k| {
                Locale::ALL
                    .iter()
                    .any(|l| crate::app::spec::choice_label(k, *l) == outcome.trim())
            })
            .copied()
            .unwrap_or(outcome);
        let outcome = input::choice("outcome", outcome, Outcome::parse, &Outcome::KEYS)?;
        let amount = amount.map(parse_amount).transpose()?;
        if outcome.pays() && amount.is_none() {
            return Err(UserError::new("complaint-err-amount-needed")
                .arg("outcome", ctx.t(&format!("choice-{}", outcome.key()))));
        }
        Ok(Resolution {
            id,
            outcome,
            amount,
            note: note
                .map(|n| checked_text(n, TEXT_MAX, "note"))
                .transpose()?,
        })
    }
}

impl ComplaintCmd {
    /// Reads `/complaint <sub>`'s options.
    pub fn parse(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> Result<ComplaintCmd, UserError> {
        let cfg = &ctx.app.config.complaints;
        let platform = |v: &str| {
            pick(
                v,
                &cfg.platforms,
                "complaint-platform",
                "complaint-err-platform",
            )
        };
        let category = |v: &str| {
            pick(
                v,
                &cfg.categories,
                "complaint-cat",
                "complaint-err-category",
            )
        };
        let id = || inv.id("id");
        Ok(match sub {
            "log" => ComplaintCmd::Log(NewComplaint {
                order_no: checked_text(inv.req_str("order")?, SHORT_MAX, "order")?,
                platform: platform(inv.req_str("platform")?)?,
                category: category(inv.req_str("category")?)?,
                summary: checked_text(inv.req_str("summary")?, SUMMARY_MAX, "summary")?,
                severity: match inv.str("severity") {
                    Some(s) => input::choice("severity", s, Severity::parse, &Severity::KEYS)?,
                    None => Severity::Normal,
                },
                customer: optional_text(inv, "customer", SHORT_MAX)?,
                description: optional_text(inv, "description", TEXT_MAX)?,
                attachments: match inv.options.get("screenshot") {
                    Some(OptValue::Attachment { url, .. }) => vec![url.clone()],
                    _ => vec![],
                },
            }),
            "list" => ComplaintCmd::List {
                query: ListQuery {
                    scope: inv
                        .str("scope")
                        .and_then(Scope::parse)
                        .unwrap_or(Scope::Open),
                    platform: inv.str("platform").map(platform).transpose()?,
                    category: inv.str("category").map(category).transpose()?,
                },
                page: inv
                    .int_in("page", 1, crate::app::invocation::PAGE_MAX)?
                    .unwrap_or(1),
            },
            "show" => ComplaintCmd::Show {
                id: id()?,
                page: inv
                    .int_in("page", 1, crate::app::invocation::PAGE_MAX)?
                    .unwrap_or(1),
            },
            "claim" => ComplaintCmd::Claim { id: id()? },
            "assign" => ComplaintCmd::Assign {
                id: id()?,
                user: inv.user("user").map(|(u, _)| u).ok_or_else(|| {
                    UserError::new("err-missing-option")
                        .arg("option", "user")
                        .arg("example", "")
                })?,
            },
            "note" => ComplaintCmd::Note {
                id: id()?,
                text: checked_text(inv.req_str("text")?, TEXT_MAX, "text")?,
            },
            "resolve" => ComplaintCmd::Resolve(Resolution::parse(
                ctx,
                id()?,
                inv.req_str("outcome")?,
                inv.str("amount"),
                inv.str("note"),
            )?),
            "reopen" => ComplaintCmd::Reopen {
                id: id()?,
                note: optional_text(inv, "note", TEXT_MAX)?,
            },
            "export" => ComplaintCmd::Export(crate::app::sheet::ExportRequest::parse(
                inv,
                ctx.now,
                ctx.guild.timezone,
            )?),
            "stats" => ComplaintCmd::Stats {
                period: input::period(inv.str("period"), ctx.now, ctx.guild.timezone)?,
            },
            _ => return Err(inv.unknown()),
        })
    }
}

/// Routes `/complaint <sub>`: parse, then apply.
pub async fn run(ctx: &Ctx<'_>, sub: &str, inv: &Invocation) -> AppResult<Reply> {
    match ComplaintCmd::parse(ctx, sub, inv)? {
        ComplaintCmd::Log(new) => log(ctx, new).await,
        ComplaintCmd::List { query, page } => view::list(ctx, query, page).await,
        ComplaintCmd::Show { id, page } => view::show(ctx, id, page).await,
        ComplaintCmd::Claim { id } => claim(ctx, id, ctx.origin.actor.user_id).await,
        ComplaintCmd::Assign { id, user } => claim(ctx, id, user).await,
        ComplaintCmd::Note { id, text } => note(ctx, id, text).await,
        ComplaintCmd::Resolve(r) => resolve(ctx, r).await,
        ComplaintCmd::Reopen { id, note } => reopen(ctx, id, note).await,
        ComplaintCmd::Stats { period } => stats::stats(ctx, period).await,
        ComplaintCmd::Export(req) => export::export(ctx, req).await,
    }
}

/// An amount in the user's terms, or the reason it is not one (with the range allowed).
pub fn parse_amount(text: &str) -> Result<Money, UserError> {
    input::money("amount", text)
}

fn role(guild: &GuildSettings, p: Position) -> Option<u64> {
    guild.positions.get(&p).copied()
}

/// `c` as the reply to a change shows it, under `title`.
fn changed(ctx: &Ctx<'_>, c: &Complaint, title: String) -> Reply {
    let mut r = describe(ctx.locale, c, &ctx.guild, ctx.now);
    r.title = Some(title);
    r
}

async fn load(conn: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Complaint> {
    let item = complaints::get(conn, ctx.guild.guild_id, id).await?;
    crate::app::error::found(item, "complaint-err-not-found", id)
}

/// Complaint `id` read back after a change, its pings replanned from what it is now (in the
/// change's transaction).
async fn replanned(tx: &mut SqliteConnection, ctx: &Ctx<'_>, id: i64) -> AppResult<Complaint> {
    let c = load(tx, ctx, id).await?;
    reschedule(tx, &c, &ctx.guild, &ctx.app.config.complaints, ctx.now).await?;
    Ok(c)
}

fn is_service(ctx: &Ctx<'_>) -> bool {
    ctx.origin.actor.is_manager(&ctx.guild)
        || ctx
            .origin
            .actor
            .positions_in(&ctx.guild)
            .contains(&Position::CustomerService)
}

/// Whether the actor may resolve, reopen or hand on the complaint ([`Rule::Handler`]): its
/// handler, customer service while nobody handles it (they could claim it), or a manager.
fn may_handle(ctx: &Ctx<'_>, c: &Complaint) -> bool {
    ctx.origin.actor.is_manager(&ctx.guild)
        || c.owner_id == Some(ctx.origin.actor.user_id)
        || (c.owner_id.is_none() && is_service(ctx))
}

/// The handling limit of a severity.
fn limit(ctx: &Ctx<'_>, severity: Severity) -> Duration {
    let cfg = &ctx.app.config.complaints;
    match severity {
        Severity::Normal => cfg.limit_normal,
        Severity::Serious => cfg.limit_serious,
    }
}

async fn log(ctx: &Ctx<'_>, new: NewComplaint) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    // Customer service logging a complaint owns it; anyone else leaves it for the team.
    let owner = ctx
        .origin
        .actor
        .positions_in(&ctx.guild)
        .contains(&Position::CustomerService)
        .then_some(me);
    let deadline_at = ctx.now + limit(ctx, new.severity);
    let c = ctx
        .write(async |tx| {
            let mut c = Complaint {
                id: 0,
                guild_id: ctx.guild.guild_id,
                order_no: new.order_no,
                platform: new.platform,
                category: new.category,
                severity: new.severity,
                customer: new.customer,
                summary: new.summary,
                description: new.description,
                attachments: new.attachments,
                open: true,
                owner_id: owner,
                logged_by: me,
                channel_id: ctx.origin.channel_id,
                linked_to: None,
                created_at: ctx.now,
                deadline_at,
                resolved_at: None,
                outcome: None,
                amount: None,
                episode: 1,
            };
            (c.id, c.linked_to) = complaints::create(tx, &c).await?;
            if c.severity == Severity::Serious {
                alert_managers(tx, ctx, &c).await?;
            }
            // Its source is new: no ping of it is waiting to be cancelled.
            pings::schedule_new(tx, &c, &ctx.guild, &ctx.app.config.complaints, ctx.now).await?;
            Ok(c)
        })
        .await?;

    let l = ctx.locale;
    let title = tr!(
        l,
        "complaint-logged",
        id = c.id,
        order = escape_user_text(&c.order_no)
    );
    let mut r = changed(ctx, &c, title);
    if c.owner_id.is_none() {
        r.mentions = role(&ctx.guild, Position::CustomerService)
            .map(Mentions::role)
            .unwrap_or_default();
    }
    r.buttons = complaint_buttons(l, &c);
    Ok(r)
}

/// Serious complaints listed by name in one alert; more are counted.
const ALERT_LISTED: i64 = 10;

/// The outbox source of a member's serious-complaint alerts: one sequence per member, so the
/// last of them says when the next may ping.
fn alert_source(guild_id: u64, member: u64) -> String {
    format!("serious-alerts:{guild_id}:{member}")
}

/// A crisis: the managers hear of a serious complaint at once — at most once per
/// `complaints.serious_alert_cooldown` per member who logs them. Within the cooldown the
/// complaint joins the member's alert still waiting (its message is rewritten, under the same
/// key, while no send was tried), or makes one due when the cooldown ends. So every serious
/// complaint is in exactly one alert, and a member's alerts go out at least the cooldown
/// apart. The alert is keyed by its first complaint (`complaint:{id}:serious`).
async fn alert_managers(tx: &mut SqliteConnection, ctx: &Ctx<'_>, c: &Complaint) -> AppResult<()> {
    let cooldown = ctx.app.config.complaints.serious_alert_cooldown;
    let source = alert_source(c.guild_id, c.logged_by);
    let latest = outbox::latest_of_source(tx, &source).await?;
    if let Some(last) = latest.as_ref().filter(|l| {
        l.state == outbox::OutboxState::Pending && l.attempts == 0 && !cooldown.is_zero()
    }) {
        let first = last
            .dedupe_key
            .strip_prefix("complaint:")
            .and_then(|k| k.strip_suffix(":serious"))
            .and_then(|id| id.parse::<i64>().ok());
        if let Some(first) = first {
            let msg = alert_message(tx, ctx, c, first, &source, last.due_at).await?;
            if outbox::put(tx, &msg, ctx.now, &[outbox::OutboxState::Pending]).await? {
                return Ok(());
            }
        }
    }
    // When the member's last alert pinged (or will: one being sent pings now).
    let last_ping = latest.map(|l| match l.state {
        outbox::OutboxState::Sent => l.sent_at.unwrap_or(l.due_at),
        outbox::OutboxState::Pending | outbox::OutboxState::Sending => l.due_at.max(ctx.now),
        _ => l.due_at,
    });
    let due = match last_ping {
        Some(at) if ctx.now < at + cooldown => at + cooldown,
        _ => ctx.now,
    };
    let msg = alert_message(tx, ctx, c, c.id, &source, due).await?;
    outbox::enqueue(tx, &msg, ctx.now).await?;
    Ok(())
}

/// The alert covering the serious complaints `c.logged_by` logged from complaint `first` on:
/// the first in full, the others listed by number and summary.
async fn alert_message(
    tx: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    c: &Complaint,
    first: i64,
    source: &str,
    due_at: chrono::DateTime<chrono::Utc>,
) -> AppResult<NewMessage> {
    let l = ctx.guild.locale;
    let (covered, total) =
        complaints::serious_logged_from(tx, c.guild_id, c.logged_by, first, ALERT_LISTED + 1)
            .await?;
    let head = covered.first().unwrap_or(c);
    let mut alert = describe(l, head, &ctx.guild, ctx.now);
    alert.title = Some(format!(
        "{} — {}",
        tr!(l, "complaint-ping-serious", id = head.id),
        escape_user_text(&head.summary)
    ));
    let more = total - 1;
    if more > 0 {
        alert.lines.push(tr!(
            l,
            "complaint-serious-more",
            count = more,
            who = message::user_ref(c.logged_by),
            since = message::ts(head.created_at, 't'),
            cooldown = duration_text(l, ctx.app.config.complaints.serious_alert_cooldown)
        ));
        for o in covered.iter().skip(1).take(ALERT_LISTED as usize) {
            alert.lines.push(format!(
                "**#{}** {} — {}",
                o.id,
                message::ts(o.created_at, 't'),
                escape_user_text(&o.summary)
            ));
        }
        if more > ALERT_LISTED {
            alert.lines.push(tr!(
                l,
                "complaint-serious-more-rest",
                count = more - ALERT_LISTED
            ));
        }
    }
    alert.mentions = role(&ctx.guild, Position::Manager)
        .map(Mentions::role)
        .unwrap_or_default();
    alert.buttons = complaint_buttons(l, head);
    Ok(NewMessage {
        guild_id: c.guild_id,
        dedupe_key: format!("complaint:{}:serious", head.id),
        source: source.to_string(),
        target: ctx
            .guild
            .escalation_channel
            .map(Target::Channel)
            .unwrap_or(Target::Channel(head.channel_id)),
        reply: alert,
        due_at,
    })
}

async fn claim(ctx: &Ctx<'_>, id: i64, owner: u64) -> AppResult<Reply> {
    let me = ctx.origin.actor.user_id;
    let c = ctx
        .write(async |tx| {
            let c = load(tx, ctx, id).await?;
            if !c.open {
                return Err(UserError::new("complaint-err-closed")
                    .arg("id", id.to_string())
                    .into());
            }
            // Taking it: customer service (or its handler already: nothing changes hands).
            if owner == me && !is_service(ctx) && c.owner_id != Some(me) {
                return Err(UserError::new("complaint-err-not-service").into());
            }
            // Handing it to someone else: its handler or a manager.
            if owner != me && !may_handle(ctx, &c) {
                return Err(access::refused(Rule::Handler).into());
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
            complaints::set_owner(tx, id, owner).await?;
            let kind = if owner == me { "claimed" } else { "assigned" };
            let change = Change {
                field: Field::Owner,
                from: Side::owner(c.owner_id, None),
                to: Side::User(owner),
            };
            ctx.log(tx, (Log::Complaint, id), kind, Some(&change.encode()))
                .await?;
            replanned(tx, ctx, id).await
        })
        .await?;
    let l = ctx.locale;
    let title = tr!(
        l,
        "complaint-claimed",
        id = id,
        who = message::user_ref(owner)
    );
    let mut r = changed(ctx, &c, title);
    if owner != me {
        r.mentions = Mentions::user(owner);
        // The new handler's one message about it: how far past the limit it already is.
        if !in_time(ctx.now, c.deadline_at) {
            r.lines.push(tr!(
                l,
                "complaint-handed-late",
                deadline = message::ts(c.deadline_at, 'f'),
                late = duration_text(l, ctx.now - c.deadline_at)
            ));
        }
    }
    r.buttons = complaint_buttons(l, &c);
    Ok(r)
}

async fn note(ctx: &Ctx<'_>, id: i64, text: String) -> AppResult<Reply> {
    ctx.write(async |conn| {
        let c = load(conn, ctx, id).await?;
        if !(is_service(ctx) || may_handle(ctx, &c)) {
            return Err(access::refused(Rule::ServiceOrHandler).into());
        }
        ctx.log(conn, (Log::Complaint, id), "note", Some(&text))
            .await?;
        Ok(())
    })
    .await?;
    Ok(crate::app::view::noted(
        tr!(ctx.locale, "complaint-noted", id = id),
        &text,
    ))
}

async fn resolve(ctx: &Ctx<'_>, res: Resolution) -> AppResult<Reply> {
    let Resolution {
        id,
        outcome,
        amount,
        note,
    } = res;
    let (c, visit) = ctx
        .write(async |tx| {
            let c = load(tx, ctx, id).await?;
            if !may_handle(ctx, &c) {
                return Err(access::refused(Rule::Handler).into());
            }
            if !c.open {
                return Err(UserError::new("complaint-err-closed")
                    .arg("id", id.to_string())
                    .into());
            }
            complaints::resolve(tx, id, outcome, amount, ctx.now).await?;
            if let Some(amount) = amount.filter(|_| outcome.pays()) {
                let currency = payment_currency(tx, ctx, &c.platform).await?;
                let payment = complaints::Payment {
                    complaint_id: id,
                    at: ctx.now,
                    outcome,
                    amount,
                    currency,
                };
                complaints::add_payment(tx, ctx.guild.guild_id, &payment).await?;
            }
            let detail = format!(
                "{}{}{}",
                outcome.key(),
                amount.map(|a| format!(" {a}")).unwrap_or_default(),
                note.as_deref()
                    .map(|n| format!(" — {n}"))
                    .unwrap_or_default()
            );
            ctx.log(tx, (Log::Complaint, id), "resolved", Some(&detail))
                .await?;
            if c.episode > 1 {
                // Resolved again after a reopen: the new outcome as the other side.
                let after = Side::Outcome(outcome, amount.map(|a| a.0));
                if let Some(change) = Change::of(Field::Outcome, Side::Reopened, after) {
                    let detail = change.encode();
                    ctx.log(tx, (Log::Complaint, id), "outcome", Some(&detail))
                        .await?;
                }
            }
            let c = replanned(tx, ctx, id).await?;
            let visit = return_visit(tx, ctx, &c).await?;
            Ok((c, visit))
        })
        .await?;
    let l = ctx.locale;
    let took = duration_text(l, ctx.now - c.created_at);
    let title = tr!(l, "complaint-resolved-title", id = id, took = took);
    let mut r = changed(ctx, &c, title);
    r.lines.push(if in_time(ctx.now, c.deadline_at) {
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

/// Seed: "pay a return visit to customers" — a task for the owner some days after a
/// complaint is resolved (none when `complaints.return_visit_days` is 0).
async fn return_visit(
    tx: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    c: &Complaint,
) -> AppResult<Option<crate::domain::task::Task>> {
    let days = ctx.app.config.complaints.return_visit_days;
    if days <= 0 {
        return Ok(None);
    }
    let me = ctx.origin.actor.user_id;
    let l = ctx.guild.locale;
    let task = NewTask {
        template: TaskTemplate {
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
            position: None,
            assigner_id: me,
            channel_id: c.channel_id,
        },
        assignee_id: Some(c.owner_id.unwrap_or(me)),
        // In working hours on a working day, whatever the time the complaint was resolved.
        due_at: ctx
            .app
            .config
            .hours
            .within(ctx.now + Duration::days(days), ctx.guild.timezone),
        recurring: None,
    };
    let Some(t) = tasks::create(tx, &task, ctx.now, ctx.origin.actor.user_id).await? else {
        return Ok(None);
    };
    super::task::reschedule(tx, &t, &ctx.guild, &ctx.app.config.tasks, ctx.now).await?;
    Ok(Some(t))
}

/// The currency a complaint's money is paid in: that of the guild's shops on its platform when
/// they share one, else of all the guild's shops when they share one, else `defaults.currency`.
async fn payment_currency(
    conn: &mut SqliteConnection,
    ctx: &Ctx<'_>,
    platform: &str,
) -> AppResult<String> {
    let shops = crate::store::data::shops(conn, ctx.guild.guild_id).await?;
    let only = |it: &mut dyn Iterator<Item = &str>| {
        let all: std::collections::BTreeSet<&str> = it.collect();
        (all.len() == 1).then(|| all.into_iter().next().unwrap_or_default().to_string())
    };
    Ok(only(
        &mut shops
            .iter()
            .filter(|s| s.platform.eq_ignore_ascii_case(platform))
            .map(|s| s.currency.as_str()),
    )
    .or_else(|| only(&mut shops.iter().map(|s| s.currency.as_str())))
    .unwrap_or_else(|| ctx.app.config.defaults.currency.clone()))
}

async fn reopen(ctx: &Ctx<'_>, id: i64, note: Option<String>) -> AppResult<Reply> {
    let c = ctx
        .write(async |tx| {
            let c = load(tx, ctx, id).await?;
            if !may_handle(ctx, &c) {
                return Err(access::refused(Rule::Handler).into());
            }
            if c.open {
                return Err(UserError::new("complaint-err-already-open")
                    .arg("id", id.to_string())
                    .into());
            }
            complaints::reopen(tx, id, ctx.now + limit(ctx, c.severity)).await?;
            // Both sides: the outcome it had, taken back by the reopen.
            let before = match c.outcome {
                Some(o) => Side::Outcome(o, c.amount.map(|a| a.0)),
                None => Side::Nobody,
            };
            if let Some(change) = Change::of(Field::Outcome, before, Side::Reopened) {
                let detail = change.encode();
                ctx.log(tx, (Log::Complaint, id), "outcome", Some(&detail))
                    .await?;
            }
            ctx.log(tx, (Log::Complaint, id), "reopened", note.as_deref())
                .await?;
            replanned(tx, ctx, id).await
        })
        .await?;
    let mut r = changed(ctx, &c, tr!(ctx.locale, "complaint-reopened", id = id));
    r.buttons = complaint_buttons(ctx.locale, &c);
    Ok(r)
}
