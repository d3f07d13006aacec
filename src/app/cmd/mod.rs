//! One file per command family, each with a parse step (options -> typed request, errors in
//! the user's language) and an apply step. This module routes to them.

pub mod activity;
pub mod complaint;
pub mod data;
pub mod help;
pub mod import;
pub mod outbox;
pub mod review;
pub mod setup;
pub mod status;
pub mod summary;
pub mod task;

use super::{AppResult, Ctx, Invocation, Reply, Suggestions, UserError};
use activity::ActivityButton;
use complaint::{ComplaintButton, ComplaintForm};
use import::ImportButton;
use task::TaskButton;

/// Runs a checked invocation.
pub async fn run(ctx: &Ctx<'_>, inv: &Invocation) -> AppResult<Reply> {
    let path: Vec<&str> = inv.path.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["help"] => Ok(help::run(ctx)),
        ["status"] => status::run(ctx).await,
        ["setup"] => {
            let r = setup::run(ctx, inv).await;
            // Settings decide where and how activities remind: let the jobs re-plan them now.
            ctx.app.outbox_wake.notify_one();
            r
        }
        ["task", sub] => task::run(ctx, sub, inv).await,
        ["activity", sub] => activity::run(ctx, sub, inv).await,
        ["holiday", sub] => activity::holiday(ctx, sub, inv).await,
        ["complaint", sub] => complaint::run(ctx, sub, inv).await,
        ["data", "import"] => import::run(ctx, inv).await,
        ["data", sub] => data::run(ctx, sub, inv).await,
        ["summary", sub] => summary::run(ctx, sub, inv).await,
        ["review"] => review::run(ctx, inv).await,
        ["outbox", "list"] => outbox::list(ctx, inv).await,
        ["outbox", "retry"] => outbox::retry(ctx, inv).await,
        _ => Err(inv.unknown().into()),
    }
}

/// Runs a button press: the id's first part names the family that reads it.
pub async fn press(ctx: &Ctx<'_>, button_id: &str) -> AppResult<Reply> {
    match button_id.split(':').next().unwrap_or_default() {
        "task" => task::press(ctx, known(TaskButton::parse(button_id))?).await,
        "act" => activity::press(ctx, known(ActivityButton::parse(button_id))?).await,
        "cmp" => complaint::press(ctx, known(ComplaintButton::parse(button_id))?).await,
        "imp" => import::press(ctx, known(ImportButton::parse(button_id))?).await,
        _ => Err(UserError::new("err-unknown-button").into()),
    }
}

/// Runs a submitted form: the form id names the command, the fields are its options.
pub async fn submit(ctx: &Ctx<'_>, form_id: &str, fields: &[(String, String)]) -> AppResult<Reply> {
    match form_id.split(':').next().unwrap_or_default() {
        "cmp" => complaint::submit(ctx, known(ComplaintForm::parse(form_id))?, fields).await,
        _ => Err(UserError::new("err-unknown-button").into()),
    }
}

/// A button (or form) id its family could read, or the error for an unknown one (drawn by an
/// older version of the bot, for instance).
fn known<B>(parsed: Option<B>) -> AppResult<B> {
    Ok(parsed.ok_or_else(|| UserError::new("err-unknown-button"))?)
}

/// The test of a button (or form) family: every id of `good` fits Discord's 100 characters
/// and reads back as itself; every id of `bad` is refused.
#[cfg(test)]
pub(crate) fn assert_ids_round_trip<B>(
    good: impl IntoIterator<Item = B>,
    bad: &[&str],
    parse: impl Fn(&str) -> Option<B>,
) where
    B: std::fmt::Display + PartialEq + std::fmt::Debug,
{
    for b in good {
        let id = b.to_string();
        assert!(id.len() <= 100, "{id}");
        assert_eq!(parse(&id), Some(b), "{id}");
    }
    for bad in bad {
        assert_eq!(parse(bad), None, "{bad}");
    }
}

/// Suggestions for an option being typed.
pub async fn autocomplete(ctx: &Ctx<'_>, inv: &Invocation, focused: &str) -> Suggestions {
    let path: Vec<&str> = inv.path.iter().map(String::as_str).collect();
    match (path.as_slice(), focused) {
        (["task", _], _) => task::autocomplete(ctx, inv, focused).await,
        (["activity" | "holiday", _], _) => activity::autocomplete(ctx, inv, focused).await,
        (["complaint", _], _) => complaint::autocomplete(ctx, inv, focused).await,
        (["data", _], _) => data::autocomplete(ctx, inv, focused).await,
        (["setup"], "timezone") => Ok(setup::timezone_choices(inv.str("timezone").unwrap_or(""))),
        _ => {
            let _ = ctx;
            Ok(vec![])
        }
    }
}
