//! Who may run what: one table for every command and every button, the single truth. The core
//! checks the positions a rule needs before a command runs ([`check`]); a rule about an item
//! (the task's assignee, the complaint's handler) is checked by the command on the item it
//! loads, with the same [`Rule`]. `/help` and the README's command table say what this table
//! says (a test compares them), and a permission-matrix test runs every command and button as a
//! member, customer service, the item's handler and a manager against it.

use super::Ctx;
use super::error::UserError;
use crate::domain::position::Position;

/// Who may run a command or press a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Every member.
    Everyone,
    /// Managers (and anyone with "Manage Server").
    Managers,
    /// Operations, marketing, the summary's data owner (`summary.data_owner`) and managers.
    DataTeam,
    /// Customer service and managers.
    Service,
    /// Every member for themselves; for someone else, managers (`/task list user:`, `/task
    /// assign` to another unless `tasks.members_assign_others`).
    OwnOrManagers,
    /// Every member sees the list; adding, changing or stopping: managers.
    ListOrManagers,
    /// The task's assignee, the members of its position while nobody has taken it, its
    /// assigner, and managers.
    TaskParty,
    /// The task's assigner and managers.
    TaskAssigner,
    /// The complaint's handler (customer service while nobody handles it: they could claim
    /// it) and managers.
    Handler,
    /// Customer service, the complaint's handler and managers.
    ServiceOrHandler,
    /// Seeing a complaint: customer service and managers see every complaint; any other
    /// member only those they logged or handle ([`sees_complaint`]). Lists, autocomplete and
    /// `/complaint show` keep to it.
    ComplaintViewer,
}

impl Rule {
    /// How the README's command table says it (column "who").
    pub fn readme(self) -> &'static str {
        match self {
            Rule::Everyone => "everyone",
            Rule::Managers => "managers",
            Rule::DataTeam => "operations, marketing, managers",
            Rule::Service => "customer service, managers",
            Rule::OwnOrManagers => "everyone for themselves; others: managers",
            Rule::ListOrManagers => "everyone lists; changes: managers",
            Rule::TaskParty => "assignee, its position, assigner, managers",
            Rule::TaskAssigner => "assigner, managers",
            Rule::Handler => "handler (customer service while nobody handles it), managers",
            Rule::ServiceOrHandler => "customer service, handler, managers",
            Rule::ComplaintViewer => {
                "customer service, managers; others: those they logged or handle"
            }
        }
    }

    /// The catalog key of the refusal.
    pub fn refusal(self) -> &'static str {
        match self {
            Rule::Managers | Rule::OwnOrManagers | Rule::ListOrManagers => "err-manager-only",
            Rule::DataTeam => "err-access-data-team",
            Rule::Service => "err-access-service",
            Rule::TaskParty => "err-access-task-party",
            Rule::TaskAssigner => "err-access-task-assigner",
            Rule::Handler => "err-access-handler",
            Rule::ServiceOrHandler => "err-access-service-handler",
            Rule::ComplaintViewer => "err-access-complaint-viewer",
            Rule::Everyone => "err-manager-only",
        }
    }
}

/// Every command (by path) and button (by its id's first two parts) with its rule.
pub const TABLE: &[(&str, Rule)] = &[
    ("help", Rule::Everyone),
    ("status", Rule::Everyone),
    ("setup", Rule::Managers),
    ("task assign", Rule::OwnOrManagers),
    ("task list", Rule::OwnOrManagers),
    ("task show", Rule::TaskParty),
    ("task start", Rule::TaskParty),
    ("task done", Rule::TaskParty),
    ("task reopen", Rule::TaskParty),
    ("task cancel", Rule::TaskAssigner),
    ("task edit", Rule::TaskAssigner),
    ("task reassign", Rule::TaskAssigner),
    ("task comment", Rule::TaskParty),
    ("task cover", Rule::Managers),
    ("task stats", Rule::Everyone),
    ("task export", Rule::Managers),
    ("task recurring", Rule::ListOrManagers),
    ("complaint log", Rule::Everyone),
    ("complaint list", Rule::ComplaintViewer),
    ("complaint show", Rule::ComplaintViewer),
    ("complaint claim", Rule::Service),
    ("complaint assign", Rule::Handler),
    ("complaint note", Rule::ServiceOrHandler),
    ("complaint resolve", Rule::Handler),
    ("complaint reopen", Rule::Handler),
    ("complaint stats", Rule::Everyone),
    ("complaint export", Rule::Managers),
    ("data shop", Rule::ListOrManagers),
    ("data enter", Rule::DataTeam),
    ("data show", Rule::Everyone),
    ("data target", Rule::Managers),
    ("data import", Rule::DataTeam),
    ("data export", Rule::Managers),
    ("data history", Rule::Everyone),
    ("summary now", Rule::Everyone),
    ("summary weekly", Rule::Everyone),
    ("summary monthly", Rule::Everyone),
    ("summary schedule", Rule::Managers),
    ("review", Rule::Managers),
    ("activity add", Rule::Managers),
    ("activity list", Rule::Everyone),
    ("activity edit", Rule::Managers),
    ("activity remove", Rule::Managers),
    ("activity pause", Rule::Managers),
    ("activity resume", Rule::Managers),
    ("activity skip", Rule::Managers),
    ("activity calendar", Rule::Everyone),
    ("holiday add", Rule::Managers),
    ("holiday list", Rule::Everyone),
    ("holiday remove", Rule::Managers),
    ("outbox list", Rule::Managers),
    ("outbox retry", Rule::Managers),
    // Buttons and the forms they open.
    ("task:done", Rule::TaskParty),
    ("task:start", Rule::TaskParty),
    ("task:take", Rule::TaskParty),
    ("task:snooze1h", Rule::TaskParty),
    ("task:snoozetmr", Rule::TaskParty),
    ("task:page", Rule::Everyone),
    ("cmp:claim", Rule::Service),
    ("cmp:resolve", Rule::Handler),
    ("cmp:note", Rule::ServiceOrHandler),
    ("cmp:page", Rule::ComplaintViewer),
    ("act:ack", Rule::Everyone),
    ("act:tick", Rule::Everyone),
    ("imp:confirm", Rule::DataTeam),
    ("imp:cancel", Rule::DataTeam),
];

/// The rule of a command path (`task assign`) or a button id (`task:done:42`).
pub fn rule(key: &str) -> Option<Rule> {
    let key = if key.contains(':') {
        let mut parts = key.splitn(3, ':');
        format!(
            "{}:{}",
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("")
        )
    } else {
        key.to_string()
    };
    TABLE.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
}

/// What a rule needs of an actor's positions alone (`manager`: a manager or an admin); rules
/// about an item pass here and are checked on the item.
pub fn allows_positions(
    rule: Rule,
    manager: bool,
    positions: &[Position],
    data_owner: Position,
) -> bool {
    manager
        || match rule {
            Rule::Managers => false,
            Rule::DataTeam => positions.iter().any(|p| {
                matches!(p, Position::Operations | Position::Marketing) || *p == data_owner
            }),
            Rule::Service => positions.contains(&Position::CustomerService),
            Rule::Everyone
            | Rule::OwnOrManagers
            | Rule::ListOrManagers
            | Rule::TaskParty
            | Rule::TaskAssigner
            | Rule::Handler
            | Rule::ServiceOrHandler
            | Rule::ComplaintViewer => true,
        }
}

/// Whether positions alone let a member see every complaint ([`Rule::ComplaintViewer`]):
/// customer service and managers.
pub fn sees_all_complaints(manager: bool, positions: &[Position]) -> bool {
    manager || positions.contains(&Position::CustomerService)
}

/// Whether `user` may see a complaint that `logged_by` logged and `owner` handles
/// ([`Rule::ComplaintViewer`]): customer service and managers see all; anyone else those they
/// logged or handle.
pub fn sees_complaint(
    manager: bool,
    positions: &[Position],
    user: u64,
    owner: Option<u64>,
    logged_by: u64,
) -> bool {
    sees_all_complaints(manager, positions) || owner == Some(user) || logged_by == user
}

/// The member of `ctx` whose complaints alone they see, or `None` when they see every one.
pub fn complaint_party(ctx: &Ctx<'_>) -> Option<u64> {
    let actor = &ctx.origin.actor;
    (!sees_all_complaints(
        actor.is_manager(&ctx.guild),
        &actor.positions_in(&ctx.guild),
    ))
    .then_some(actor.user_id)
}

/// Whether the actor of `ctx` has the positions `rule` needs.
pub fn has(ctx: &Ctx<'_>, rule: Rule) -> bool {
    let actor = &ctx.origin.actor;
    allows_positions(
        rule,
        actor.is_manager(&ctx.guild),
        &actor.positions_in(&ctx.guild),
        ctx.app.config.summary.data_owner,
    )
}

/// Refuses the actor of `ctx` when `key`'s rule needs positions they do not hold. A key the
/// table does not know is refused as managers-only: a new command is closed until listed.
pub fn check(ctx: &Ctx<'_>, key: &str) -> Result<(), UserError> {
    let rule = rule(key).unwrap_or(Rule::Managers);
    if has(ctx, rule) {
        Ok(())
    } else {
        Err(UserError::new(rule.refusal()))
    }
}

/// [`check`] for a button or form id the table knows; an unknown one is left to its feature,
/// which says it is no button of the bot's.
pub fn check_known(ctx: &Ctx<'_>, key: &str) -> Result<(), UserError> {
    match rule(key) {
        Some(rule) if !has(ctx, rule) => Err(UserError::new(rule.refusal())),
        _ => Ok(()),
    }
}

/// The refusal of an item rule, for the command that checked the item.
pub fn refused(rule: Rule) -> UserError {
    UserError::new(rule.refusal())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::spec::{COMMANDS, CommandSpec};

    fn leaves(prefix: &str, specs: &[CommandSpec], out: &mut Vec<(String, bool)>) {
        for s in specs {
            let path = if prefix.is_empty() {
                s.name.to_string()
            } else {
                format!("{prefix} {}", s.name)
            };
            if s.subs.is_empty() {
                out.push((path, s.manager_only));
            } else {
                leaves(&path, s.subs, out);
            }
        }
    }

    /// Every command of the command table has exactly one rule, the table names no command
    /// that does not exist, and the spec's managers-only mark says the same as the rule.
    #[test]
    fn every_command_has_one_rule_and_the_spec_agrees() {
        let mut all = vec![];
        leaves("", COMMANDS, &mut all);
        for (path, manager_only) in &all {
            let n = TABLE.iter().filter(|(k, _)| k == path).count();
            assert_eq!(n, 1, "{path} has {n} rules");
            assert_eq!(
                rule(path) == Some(Rule::Managers),
                *manager_only,
                "{path}: the spec's managers-only mark and the table disagree"
            );
        }
        for (k, _) in TABLE.iter().filter(|(k, _)| !k.contains(':')) {
            assert!(all.iter().any(|(p, _)| p == k), "{k} is no command");
        }
    }

    /// The position check, exhaustively: every rule × manager or not × every single position
    /// and none.
    #[test]
    fn positions_each_rule_needs() {
        let owner = Position::Operations;
        let mut sets: Vec<Vec<Position>> = vec![vec![]];
        sets.extend(Position::ALL.iter().map(|p| vec![*p]));
        for (_, rule) in TABLE {
            for set in &sets {
                let got = allows_positions(*rule, false, set, owner);
                let want = match rule {
                    Rule::Managers => false,
                    Rule::DataTeam => set
                        .iter()
                        .any(|p| [Position::Operations, Position::Marketing].contains(p)),
                    Rule::Service => set == &vec![Position::CustomerService],
                    _ => true,
                };
                assert_eq!(got, want, "{rule:?} {set:?}");
                assert!(
                    allows_positions(*rule, true, set, owner),
                    "{rule:?} manager"
                );
            }
        }
    }

    /// The README's command table (column "who") says what this table says, row for row, and
    /// lists every command.
    #[test]
    fn the_readme_table_matches() {
        let readme = include_str!("../../README.md");
        let mut seen = vec![];
        for line in readme.lines().filter(|l| l.starts_with("| `/")) {
            let cells: Vec<&str> = line.split(" | ").collect();
            let path = cells[0].trim_start_matches("| `/").trim_end_matches('`');
            let Some(rule) = rule(path) else {
                panic!("README lists /{path}, which the permission table does not know")
            };
            assert_eq!(cells[1], rule.readme(), "README row of /{path}");
            seen.push(path.to_string());
        }
        for (k, _) in TABLE.iter().filter(|(k, _)| !k.contains(':')) {
            assert!(seen.iter().any(|p| p == k), "README does not list /{k}");
        }
    }

    #[test]
    fn buttons_are_found_by_their_first_two_parts() {
        assert_eq!(rule("task:done:42"), Some(Rule::TaskParty));
        assert_eq!(rule("cmp:note:7"), Some(Rule::ServiceOrHandler));
        assert_eq!(rule("imp:confirm:abc:def"), Some(Rule::DataTeam));
        assert_eq!(rule("task:nope:1"), None);
        assert_eq!(rule("complaint note"), Some(Rule::ServiceOrHandler));
    }
}
