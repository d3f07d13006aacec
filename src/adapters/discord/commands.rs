//! Slash commands built from the core's command table, one generic action for all of them,
//! autocomplete, button clicks, and the one `on_error` that turns any failure into a polite,
//! private, translated reply.

use std::borrow::Cow;

use futures::future::BoxFuture;
use poise::serenity_prelude as serenity;
use serenity::{CommandOptionType, CreateCommandOption, ResolvedValue};

use super::render::{LIMITS, attached, clip, filled, render};
use super::{Data, Error};
use crate::app::spec::{self, COMMANDS, CommandSpec, OptKind, OptSpec};
use crate::app::{Actor, Invocation, OptValue, Origin, Reply};
use crate::i18n::Locale;
use crate::message::fit::fit;

type Command = poise::Command<Data, Error>;
type AppCtx<'a> = poise::ApplicationContext<'a, Data, Error>;

/// Localized texts by Discord locale.
type Localizations = Vec<(Cow<'static, str>, Cow<'static, str>)>;

/// A text in English and its other translations, keyed by Discord's locale names
/// (<https://discord.com/developers/docs/reference#locales>). Lengths are the spec's business:
/// its unit tests keep every name and description inside Discord's limits, so nothing is
/// clipped here.
fn localized(text: impl Fn(Locale) -> String) -> (String, Localizations) {
    let en = text(Locale::EnUs);
    let others = Locale::ALL
        .iter()
        .filter(|l| **l != Locale::EnUs)
        .map(|l| (Cow::Borrowed(l.tag()), Cow::Owned(text(*l))))
        .collect();
    (en, others)
}

/// Every command, as poise commands.
pub fn build() -> Vec<Command> {
    COMMANDS.iter().map(|c| command(c, c.name)).collect()
}

fn command(spec: &'static CommandSpec, path: &str) -> Command {
    let (description, description_localizations) =
        localized(|l| spec::command_description(path, l));
    let (_, name_localizations) = localized(|l| spec::command_name(path, l));
    let subcommands: Vec<Command> = spec
        .subs
        .iter()
        .map(|s| command(s, &format!("{path} {}", s.name)))
        .collect();
    let is_group = !subcommands.is_empty();
    Command {
        name: Cow::Borrowed(spec.name),
        name_localizations: Cow::Owned(name_localizations),
        qualified_name: Cow::Owned(path.to_string()),
        identifying_name: Cow::Owned(path.to_string()),
        source_code_name: Cow::Owned(path.replace(' ', "_")),
        description: Some(Cow::Owned(description)),
        description_localizations: Cow::Owned(description_localizations),
        subcommands,
        subcommand_required: is_group,
        // poise registers only commands with an action, groups included (a group's is never run).
        slash_action: Some(slash_action),
        parameters: spec.options.iter().map(|o| parameter(path, o)).collect(),
        guild_only: true,
        ..Default::default()
    }
}

/// An option, with its names and description in every language.
fn parameter(path: &str, o: &'static OptSpec) -> poise::CommandParameter<Data, Error> {
    let (description, description_localizations) =
        localized(|l| spec::option_description(path, o.name, l));
    let (_, name_localizations) = localized(|l| spec::option_name(o.name, l));
    let choices = o
        .choices
        .iter()
        .map(|c| {
            let (name, localizations) = localized(|l| spec::choice_label(c, l));
            poise::CommandParameterChoice {
                name: Cow::Owned(name),
                localizations: Cow::Owned(localizations),
                __non_exhaustive: (),
            }
        })
        .collect::<Vec<_>>();
    let type_setter: fn(CreateCommandOption) -> CreateCommandOption = if !o.choices.is_empty() {
        |b| b.kind(CommandOptionType::Integer)
    } else {
        match o.kind {
            OptKind::String => |b| b.kind(CommandOptionType::String),
            OptKind::Integer => |b| b.kind(CommandOptionType::Integer),
            OptKind::Number => |b| b.kind(CommandOptionType::Number),
            OptKind::Boolean => |b| b.kind(CommandOptionType::Boolean),
            OptKind::User => |b| b.kind(CommandOptionType::User),
            OptKind::Role => |b| b.kind(CommandOptionType::Role),
            OptKind::Channel => |b| b.kind(CommandOptionType::Channel),
            OptKind::Attachment => |b| b.kind(CommandOptionType::Attachment),
        }
    };
    poise::CommandParameter {
        name: Cow::Borrowed(o.name),
        name_localizations: Cow::Owned(name_localizations),
        description: Some(Cow::Owned(description)),
        description_localizations: Cow::Owned(description_localizations),
        required: o.required,
        channel_types: None,
        choices: Cow::Owned(choices),
        type_setter: Some(type_setter),
        autocomplete_callback: if o.autocomplete {
            Some(autocomplete)
        } else {
            None
        },
        __non_exhaustive: (),
    }
}

/// The person behind an interaction.
fn actor(user: &serenity::User, member: Option<&serenity::Member>, locale: &str) -> Actor {
    let name = member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone());
    let is_admin = member
        .and_then(|m| m.permissions)
        .map(|p| p.administrator() || p.manage_guild())
        .unwrap_or(false);
    Actor {
        user_id: user.id.get(),
        name,
        role_ids: member
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default(),
        positions: vec![],
        is_admin,
        locale: Locale::from_client_tag(locale),
    }
}

/// The core's view of the options of the invoked (sub)command.
fn invocation(spec_path: &str, args: &[serenity::ResolvedOption<'_>]) -> Invocation {
    let mut inv = Invocation::new(spec_path);
    let path: Vec<&str> = spec_path.split(' ').collect();
    let spec = CommandSpec::find(&path);
    for a in args {
        let o = spec.and_then(|s| s.option(a.name));
        let value = match &a.value {
            ResolvedValue::String(s) => OptValue::Str((*s).to_string()),
            ResolvedValue::Integer(i) => match o.filter(|o| !o.choices.is_empty()) {
                Some(o) => OptValue::Str(
                    o.choices
                        .get(*i as usize)
                        .copied()
                        .unwrap_or("")
                        .to_string(),
                ),
                None => OptValue::Int(*i),
            },
            ResolvedValue::Number(n) => OptValue::Num(*n),
            ResolvedValue::Boolean(b) => OptValue::Bool(*b),
            ResolvedValue::User(u, m) => OptValue::User {
                id: u.id.get(),
                name: m
                    .and_then(|m| m.nick.clone())
                    .or_else(|| u.global_name.clone())
                    .unwrap_or_else(|| u.name.clone()),
            },
            ResolvedValue::Role(r) => OptValue::Role {
                id: r.id.get(),
                name: r.name.clone(),
            },
            ResolvedValue::Channel(c) => OptValue::Channel {
                id: c.id.get(),
                name: c.name.clone().unwrap_or_default(),
            },
            ResolvedValue::Attachment(a) => OptValue::Attachment {
                url: a.url.clone(),
                filename: a.filename.clone(),
                size: u64::from(a.size),
            },
            // Autocomplete sends the partial text of the focused option.
            ResolvedValue::Autocomplete { value, .. } => OptValue::Str((*value).to_string()),
            _ => continue,
        };
        inv.options.insert(a.name.to_string(), value);
    }
    inv
}

/// The reply as poise sends it.
fn create_reply(reply: &Reply) -> poise::CreateReply {
    let out = filled!(poise::CreateReply::default(), render(reply)).ephemeral(reply.ephemeral);
    attached!(out, attachment, reply)
}

fn slash_action(
    ctx: AppCtx<'_>,
) -> BoxFuture<'_, Result<(), poise::FrameworkError<'_, Data, Error>>> {
    Box::pin(async move {
        let i = ctx.interaction;
        let inv = invocation(&ctx.command().qualified_name, ctx.args);
        let locale = Locale::from_client_tag(&i.locale).unwrap_or_default();
        let (reply, deferred) = match i.guild_id {
            Some(guild) => {
                let origin = Origin {
                    guild_id: guild.get(),
                    channel_id: i.channel_id.get(),
                    actor: actor(&i.user, i.member.as_deref(), &i.locale),
                };
                // The core remembers the names the options give: that counts towards the
                // patience too.
                let work = ctx.data().app.handle(&origin, &inv);
                let patience = ctx.data().app.config.discord.defer_after;
                // Still working (a large import): acknowledge now, privately, because whether
                // the answer is private is not known yet.
                match in_time(work, patience, || ctx.defer_ephemeral()).await {
                    Answer::Now(reply) => (reply, false),
                    Answer::Later(reply) => (reply, true),
                }
            }
            None => (Reply::error(locale.t("err-guild-only")), false),
        };
        let send = |r: Reply| async move {
            ctx.send(create_reply(&r))
                .await
                .map_err(|e| poise::FrameworkError::new_command(ctx.into(), Box::new(e) as Error))
        };
        if deferred && !reply.ephemeral {
            // The private acknowledgement turns into a short note (the first followup edits
            // it and keeps it private); the answer itself goes to everyone, pings included.
            let mut note = Reply::titled(locale.t("answer-below"));
            note.ephemeral = true;
            send(note).await?;
        }
        for part in parts(&reply) {
            send(part).await?;
        }
        Ok(())
    })
}

fn autocomplete<'a>(
    ctx: AppCtx<'a>,
    partial: &'a str,
) -> BoxFuture<'a, serenity::CreateAutocompleteResponse> {
    Box::pin(async move {
        let i = ctx.interaction;
        let mut inv = invocation(&ctx.command().qualified_name, ctx.args);
        let focused = i
            .data
            .autocomplete()
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        inv.options
            .insert(focused.clone(), OptValue::Str(partial.to_string()));
        let choices = match i.guild_id {
            Some(guild) => {
                let origin = Origin {
                    guild_id: guild.get(),
                    channel_id: i.channel_id.get(),
                    actor: actor(&i.user, i.member.as_deref(), &i.locale),
                };
                ctx.data().app.autocomplete(&origin, &inv, &focused).await
            }
            None => vec![],
        };
        let path: Vec<&str> = ctx.command().qualified_name.split(' ').collect();
        let kind = CommandSpec::find(&path)
            .and_then(|s| s.option(&focused))
            .map(|o| o.kind);
        serenity::CreateAutocompleteResponse::new().set_choices(choice_values(kind, choices))
    })
}

/// Autocomplete choices as Discord takes them: the value must have the option's own type (an
/// integer option's choices carry integers; a string would fail the whole response).
fn choice_values(
    kind: Option<OptKind>,
    choices: Vec<(String, String)>,
) -> Vec<serenity::AutocompleteChoice> {
    choices
        .into_iter()
        .filter_map(|(value, label)| {
            let name = clip(&label, 100);
            Some(match kind {
                Some(OptKind::Integer) => {
                    serenity::AutocompleteChoice::new(name, value.trim().parse::<i64>().ok()?)
                }
                Some(OptKind::Number) => {
                    serenity::AutocompleteChoice::new(name, value.trim().parse::<f64>().ok()?)
                }
                _ => serenity::AutocompleteChoice::new(name, clip(&value, 100)),
            })
        })
        .take(25)
        .collect()
}

/// The [`Incoming`] of a component or modal interaction (serenity gives both the same fields).
macro_rules! incoming {
    ($i:expr) => {
        Incoming {
            guild_id: $i.guild_id,
            channel_id: $i.channel_id.get(),
            user: &$i.user,
            member: $i.member.as_ref(),
            locale: &$i.locale,
            token: &$i.token,
        }
    };
}

/// Buttons (and, later, modals): the custom id goes to the core as it is.
pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let ctx = framework.serenity_context;
    let data = framework.user_data;
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    match interaction {
        serenity::Interaction::Component(ci) => {
            let incoming = incoming!(ci);
            // DEFERRED_UPDATE_MESSAGE when slow: acknowledged, the message is edited later.
            let defer = || ci.defer(&ctx.http);
            let respond = |r| ci.create_response(&ctx.http, r);
            let work = Work::Press(&ci.data.custom_id);
            answer_interaction(ctx, data, incoming, work, defer, respond).await?;
        }
        serenity::Interaction::Modal(mi) => {
            let fields: Vec<(String, String)> = mi
                .data
                .components
                .iter()
                .flat_map(|row| row.components.iter())
                .filter_map(|c| match c {
                    serenity::ActionRowComponent::InputText(t) => {
                        Some((t.custom_id.clone(), t.value.clone().unwrap_or_default()))
                    }
                    _ => None,
                })
                .collect();
            let incoming = incoming!(mi);
            let defer = || mi.defer(&ctx.http);
            let respond = |r| mi.create_response(&ctx.http, r);
            let work = Work::Submit(&mi.data.custom_id, fields);
            answer_interaction(ctx, data, incoming, work, defer, respond).await?;
        }
        _ => {}
    }
    Ok(())
}

/// What a click and a submitted form have in common, for answering them the same way.
struct Incoming<'a> {
    guild_id: Option<serenity::GuildId>,
    channel_id: u64,
    user: &'a serenity::User,
    member: Option<&'a serenity::Member>,
    locale: &'a str,
    token: &'a str,
}

/// What the core is asked to do.
enum Work<'a> {
    /// A button's id.
    Press(&'a str),
    /// A form's id and its fields.
    Submit(&'a str, Vec<(String, String)>),
}

/// Runs the work in the core and answers the interaction: at once when the core is quick,
/// else acknowledged first (`defer`) and answered after; parts past the first follow up.
async fn answer_interaction<D, DF, R, RF>(
    ctx: &serenity::Context,
    data: &Data,
    incoming: Incoming<'_>,
    work: Work<'_>,
    defer: D,
    respond: R,
) -> Result<(), Error>
where
    D: FnOnce() -> DF,
    DF: std::future::Future<Output = Result<(), serenity::Error>>,
    R: FnOnce(serenity::CreateInteractionResponse) -> RF,
    RF: std::future::Future<Output = Result<(), serenity::Error>>,
{
    let reply = match incoming.guild_id {
        Some(guild) => {
            let origin = Origin {
                guild_id: guild.get(),
                channel_id: incoming.channel_id,
                actor: actor(incoming.user, incoming.member, incoming.locale),
            };
            let app = &data.app;
            let run = async {
                match &work {
                    Work::Press(id) => app.press(&origin, id).await,
                    Work::Submit(id, fields) => app.submit(&origin, id, fields).await,
                }
            };
            match in_time(run, app.config.discord.defer_after, defer).await {
                Answer::Now(reply) => reply,
                Answer::Later(reply) => return answer_late(ctx, incoming.token, &reply).await,
            }
        }
        None => Reply::error(
            Locale::from_client_tag(incoming.locale)
                .unwrap_or_default()
                .t("err-guild-only"),
        ),
    };
    let first = respond(interaction_response(&reply));
    answer(ctx, first, incoming.token, &reply).await
}

/// The core's answer, ready before Discord's deadline or after the interaction was deferred.
enum Answer {
    /// Ready in time: answer the interaction itself.
    Now(Reply),
    /// Deferred first: edit the message or follow up.
    Later(Reply),
}

/// Waits up to `patience` for `work`; past that, acknowledges the interaction with `defer` so
/// Discord's 3-second limit cannot expire it, then waits for the rest. The work always runs to
/// its end (a failed acknowledgement is logged; sending the answer will report its own error).
async fn in_time<D, DF>(
    work: impl std::future::Future<Output = Reply>,
    patience: std::time::Duration,
    defer: D,
) -> Answer
where
    D: FnOnce() -> DF,
    DF: std::future::Future<Output = Result<(), serenity::Error>>,
{
    tokio::pin!(work);
    tokio::select! {
        biased;
        reply = &mut work => Answer::Now(reply),
        () = tokio::time::sleep(patience) => {
            if let Err(e) = defer().await {
                tracing::warn!(error = %e, "cannot acknowledge a slow interaction");
            }
            Answer::Later(work.await)
        }
    }
}

/// A reply as the messages Discord takes ([`fit`]: what does not fit one message continues
/// in the next, nothing is cut).
fn parts(reply: &Reply) -> Vec<Reply> {
    fit(reply, &LIMITS)
}

/// Sends `first` (the response to the interaction, made from the reply's first part), then the
/// reply's other parts as followups.
async fn answer(
    ctx: &serenity::Context,
    first: impl std::future::Future<Output = Result<(), serenity::Error>>,
    token: &str,
    reply: &Reply,
) -> Result<(), Error> {
    first.await?;
    for part in parts(reply).iter().skip(1) {
        followup(ctx, token, part).await?;
    }
    Ok(())
}

/// Sends one part as a followup message (private when the reply is).
async fn followup(ctx: &serenity::Context, token: &str, part: &Reply) -> Result<(), Error> {
    let followup = filled!(
        serenity::CreateInteractionResponseFollowup::new(),
        render(part)
    )
    .ephemeral(part.ephemeral || part.form.is_some());
    let followup = attached!(followup, add_file, part);
    serenity::Builder::execute(followup, &ctx.http, (None, token)).await?;
    Ok(())
}

/// The answer to a click or a form that was deferred: the clicked message is edited, or the
/// reply follows up (privately when it is private). A form cannot follow a deferral; its
/// title and lines are sent instead, which only happens if building a form got slow.
async fn answer_late(ctx: &serenity::Context, token: &str, reply: &Reply) -> Result<(), Error> {
    let all = parts(reply);
    let Some((first, rest)) = all.split_first() else {
        return Ok(());
    };
    if reply.update_message && reply.form.is_none() {
        let edit = filled!(serenity::EditInteractionResponse::new(), render(first));
        serenity::Builder::execute(edit, &ctx.http, token).await?;
    } else {
        followup(ctx, token, first).await?;
    }
    for part in rest {
        followup(ctx, token, part).await?;
    }
    Ok(())
}

/// The answer to a click or a form: a form to fill in, an edit of the clicked message, or a
/// new (possibly private) message.
fn interaction_response(reply: &Reply) -> serenity::CreateInteractionResponse {
    if let Some(form) = &reply.form {
        let rows = form
            .fields
            .iter()
            .take(5)
            .map(|f| {
                let style = if f.long {
                    serenity::InputTextStyle::Paragraph
                } else {
                    serenity::InputTextStyle::Short
                };
                let mut input =
                    serenity::CreateInputText::new(style, clip(&f.label, 45), f.id.clone())
                        .required(f.required);
                if let Some(p) = f.placeholder.as_deref().filter(|p| !p.is_empty()) {
                    input = input.placeholder(clip(p, 100));
                }
                serenity::CreateActionRow::InputText(input)
            })
            .collect();
        return serenity::CreateInteractionResponse::Modal(
            serenity::CreateModal::new(form.id.clone(), clip(&form.title, 45)).components(rows),
        );
    }
    let first = parts(reply).swap_remove(0);
    let message = filled!(
        serenity::CreateInteractionResponseMessage::new(),
        render(&first)
    )
    .ephemeral(reply.ephemeral && !reply.update_message);
    let message = attached!(message, add_file, first);
    if reply.update_message {
        serenity::CreateInteractionResponse::UpdateMessage(message)
    } else {
        serenity::CreateInteractionResponse::Message(message)
    }
}

/// Every failure becomes an ephemeral, translated reply; nothing is swallowed silently.
pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %error, "start-up failed (command registration)");
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(error = %error, event = event.snake_case_name(), "event handling failed");
        }
        other => {
            let locale = match other.ctx() {
                Some(poise::Context::Application(a)) => {
                    Locale::from_client_tag(&a.interaction.locale).unwrap_or_default()
                }
                _ => Locale::default(),
            };
            tracing::warn!(error = %other, "command failed");
            if let Some(ctx) = other.ctx() {
                let reply = Reply::error(locale.t("err-discord"));
                if let Err(e) = ctx.send(create_reply(&reply)).await {
                    tracing::error!(error = %e, "could not even send the error reply");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_options_get_integer_choices() {
        let choices = vec![
            ("12".to_string(), "#12 Restock".to_string()),
            ("oops".to_string(), "not a number".to_string()),
        ];
        let out = choice_values(Some(OptKind::Integer), choices.clone());
        let json = |c: &serenity::AutocompleteChoice| serde_json::to_value(c).expect("json");
        assert_eq!(out.len(), 1);
        assert_eq!(json(&out[0])["value"], serde_json::json!(12));
        let out = choice_values(Some(OptKind::String), choices);
        assert_eq!(json(&out[1])["value"], serde_json::json!("oops"));
    }
}
