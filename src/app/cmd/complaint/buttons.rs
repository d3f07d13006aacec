//! Clicks and forms on a complaint's messages. Button and form ids name the action and the
//! complaint (or the list page), so they work after a restart; [`ComplaintButton`] and
//! [`ComplaintForm`] are the one place that writes and reads them.

use std::fmt;

use super::view::{list, visible};
use super::{ListQuery, Resolution, Scope, claim, is_service, load, may_handle, note, resolve};
use crate::app::access::{self, Rule};
use crate::app::input::checked_text;
use crate::app::{AppResult, Ctx, UserError};
use crate::domain::complaint::Outcome;
use crate::message::{Form, FormField, Reply};
use crate::tr;

/// A button on a complaint's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintButton {
    Claim(i64),
    /// Opens the resolve form.
    Resolve(i64),
    /// Opens the note form.
    Note(i64),
    /// Another page of a list.
    Page {
        query: ListQuery,
        page: i64,
    },
}

impl fmt::Display for ComplaintButton {
    /// `cmp:<action>:<id>`, or `cmp:page:<scope>:<platform>:<category>:<page>` (configured keys
    /// hold no `:`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComplaintButton::Claim(id) => write!(f, "cmp:claim:{id}"),
            ComplaintButton::Resolve(id) => write!(f, "cmp:resolve:{id}"),
            ComplaintButton::Note(id) => write!(f, "cmp:note:{id}"),
            ComplaintButton::Page { query, page } => write!(
                f,
                "cmp:page:{}:{}:{}:{page}",
                query.scope.key(),
                query.platform.as_deref().unwrap_or(""),
                query.category.as_deref().unwrap_or("")
            ),
        }
    }
}

impl ComplaintButton {
    /// Reads an id written by [`ComplaintButton`]'s `Display`.
    pub fn parse(id: &str) -> Option<ComplaintButton> {
        let parts: Vec<&str> = id.split(':').collect();
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        Some(match parts.as_slice() {
            ["cmp", "page", scope, platform, category, page] => ComplaintButton::Page {
                query: ListQuery {
                    scope: Scope::parse(scope)?,
                    platform: some(platform),
                    category: some(category),
                },
                page: page.parse().ok()?,
            },
            ["cmp", "claim", id] => ComplaintButton::Claim(id.parse().ok()?),
            ["cmp", "resolve", id] => ComplaintButton::Resolve(id.parse().ok()?),
            ["cmp", "note", id] => ComplaintButton::Note(id.parse().ok()?),
            _ => return None,
        })
    }
}

/// A form about a complaint (a Discord modal; elsewhere its lines say which command to type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintForm {
    Resolve(i64),
    Note(i64),
}

impl fmt::Display for ComplaintForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComplaintForm::Resolve(id) => write!(f, "cmp:resolve:{id}"),
            ComplaintForm::Note(id) => write!(f, "cmp:note:{id}"),
        }
    }
}

impl ComplaintForm {
    /// Reads an id written by [`ComplaintForm`]'s `Display`.
    pub fn parse(id: &str) -> Option<ComplaintForm> {
        match ComplaintButton::parse(id)? {
            ComplaintButton::Resolve(id) => Some(ComplaintForm::Resolve(id)),
            ComplaintButton::Note(id) => Some(ComplaintForm::Note(id)),
            _ => None,
        }
    }
}

/// Runs a click: claim, open a form, or turn a list's page.
pub async fn press(ctx: &Ctx<'_>, button: ComplaintButton) -> AppResult<Reply> {
    let l = ctx.locale;
    match button {
        ComplaintButton::Page { query, page } => {
            let mut r = list(ctx, query, page).await?;
            r.update_message = true;
            Ok(r)
        }
        ComplaintButton::Claim(id) => {
            let mut r = claim(ctx, id, ctx.origin.actor.user_id).await?;
            r.update_message = true;
            Ok(r)
        }
        ComplaintButton::Resolve(id) => {
            // Refused before the form opens, not after it is filled in.
            let c = load(&mut *ctx.conn().await?, ctx, id).await?;
            visible(ctx, &c)?;
            if !may_handle(ctx, &c) {
                return Err(access::refused(Rule::Handler).into());
            }
            let field = |fid: &str, long, required, placeholder: String| FormField {
                id: fid.into(),
                label: l.t(&format!("complaint-form-{fid}")),
                long,
                required,
                placeholder: Some(placeholder),
            };
            Ok(Reply {
                lines: vec![tr!(l, "complaint-form-hint", id = id)],
                form: Some(Form {
                    id: ComplaintForm::Resolve(id).to_string(),
                    title: tr!(l, "complaint-form-resolve-title", id = id),
                    fields: vec![
                        field(
                            "outcome",
                            false,
                            true,
                            Outcome::KEYS
                                .iter()
                                .map(|k| crate::app::spec::choice_label(k, l))
                                .collect::<Vec<_>>()
                                .join(" / "),
                        ),
                        field("amount", false, false, "25.00".into()),
                        field("note", true, false, String::new()),
                    ],
                }),
                ephemeral: true,
                ..Reply::default()
            })
        }
        ComplaintButton::Note(id) => {
            let c = load(&mut *ctx.conn().await?, ctx, id).await?;
            visible(ctx, &c)?;
            if !(is_service(ctx) || may_handle(ctx, &c)) {
                return Err(access::refused(Rule::ServiceOrHandler).into());
            }
            Ok(Reply {
                lines: vec![tr!(l, "complaint-form-note-hint", id = id)],
                form: Some(Form {
                    id: ComplaintForm::Note(id).to_string(),
                    title: tr!(l, "complaint-form-note-title", id = id),
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
            })
        }
    }
}

/// Runs a submitted form: the fields are read like the command's options.
pub async fn submit(
    ctx: &Ctx<'_>,
    form: ComplaintForm,
    fields: &[(String, String)],
) -> AppResult<Reply> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(id, _)| id == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    match form {
        ComplaintForm::Resolve(id) => {
            let outcome = get("outcome").ok_or_else(|| {
                UserError::new("err-missing-option")
                    .arg("option", "outcome")
                    .arg("example", "")
            })?;
            let res = Resolution::parse(ctx, id, outcome, get("amount"), get("note"))?;
            resolve(ctx, res).await
        }
        ComplaintForm::Note(id) => {
            let text = checked_text(get("text").unwrap_or(""), super::TEXT_MAX, "text")?;
            note(ctx, id, text).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_and_form_id_reads_back_as_itself() {
        let query = |scope, platform: Option<&str>, category: Option<&str>| ListQuery {
            scope,
            platform: platform.map(str::to_string),
            category: category.map(str::to_string),
        };
        let all = [
            ComplaintButton::Claim(7),
            ComplaintButton::Resolve(8),
            ComplaintButton::Note(9),
            ComplaintButton::Page {
                query: query(Scope::Open, None, None),
                page: 2,
            },
            ComplaintButton::Page {
                query: query(Scope::Breached, Some("tmall"), Some("破损")),
                page: 3,
            },
            ComplaintButton::Page {
                query: query(Scope::All, None, Some("quality")),
                page: 1,
            },
        ];
        let bad = [
            "cmp:claim:x",
            "cmp:page:lost:::1",
            "task:done:1",
            "cmp:resolve",
        ];
        crate::app::cmd::assert_ids_round_trip(all, &bad, ComplaintButton::parse);
        let forms = [ComplaintForm::Resolve(3), ComplaintForm::Note(4)];
        crate::app::cmd::assert_ids_round_trip(forms, &["cmp:claim:3"], ComplaintForm::parse);
    }
}
