//! `/help`: every command with a one-line description and an example, in the user's language.

use crate::app::Ctx;
use crate::app::reply::Reply;
use crate::app::spec::CommandSpec;

/// The command list. Commands only managers may use are marked, not hidden, so people know
/// whom to ask.
pub fn run(ctx: &Ctx<'_>) -> Reply {
    let mut reply = Reply::titled(ctx.t("help-title")).line(ctx.t("help-intro"));
    for (path, spec) in CommandSpec::leaves() {
        let key = format!("cmd-{}", path.replace(' ', "-"));
        let mut line = format!("`/{path}` — {}", ctx.t(&key));
        if spec.manager_only {
            line.push_str(&format!(" ({})", ctx.t("help-manager-only")));
        }
        if !spec.example.is_empty() {
            line.push_str(&format!("\n    `{}`", spec.example));
        }
        reply.lines.push(line);
    }
    reply.ephemeral = true;
    reply
}
