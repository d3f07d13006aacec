//! `/help`: every command with a one-line description and an example, in the user's language.

use crate::app::Ctx;
use crate::app::spec::{self, CommandSpec};
use crate::message::Reply;

/// The command list. Commands only managers may use are marked, not hidden, so people know
/// whom to ask.
pub fn run(ctx: &Ctx<'_>) -> Reply {
    let mut reply = Reply::titled(ctx.t("help-title")).line(ctx.t("help-intro"));
    for (path, spec) in CommandSpec::leaves() {
        // The command by its names in the reader's language (`/任务 分配`), as Discord shows
        // it to them (the shell reads the English names too).
        let mut line = format!("`/{}`", spec::localized_path(&path, ctx.locale));
        let description = spec::command_description(&path, ctx.locale);
        line.push_str(&format!(" — {description}"));
        // Most managers' commands say so in their description already (Discord shows only it).
        let marker = ctx.t("help-manager-only");
        if spec.manager_only && !description.contains(&marker) {
            line.push_str(&format!(" ({marker})"));
        }
        let example = spec::example(&path, ctx.locale);
        if !example.is_empty() {
            line.push_str(&format!("\n    `{example}`"));
        }
        reply.lines.push(line);
    }
    reply.ephemeral = true;
    reply
}
