//! The command table: every command, subcommand and option the bot understands, with types,
//! choices and whether they autocomplete. Front-ends build their own surface from it (Discord
//! registers slash commands; the shell parses and lists them), so there is one definition.
//! Descriptions and localized names come from the catalogs: `cmd-<path>` (description),
//! `cmdname-<path>` (zh-CN name), `opt-<option>` (option description), `optname-<option>`,
//! `choice-<value>`.

use crate::domain::activity::HolidayMode;
use crate::domain::complaint::{Outcome, Severity};
use crate::domain::position::Position;
use crate::domain::task::Priority;
use crate::i18n::Locale;

/// The type of an option value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    /// Free text.
    String,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// Yes or no.
    Boolean,
    /// A member.
    User,
    /// A role.
    Role,
    /// A channel.
    Channel,
    /// An uploaded file.
    Attachment,
}

/// One option of a command.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    /// Name (lowercase, as typed: `title:`).
    pub name: &'static str,
    pub kind: OptKind,
    pub required: bool,
    /// Allowed values (each labelled by `choice-<value>`).
    pub choices: &'static [&'static str],
    /// Values are suggested as the user types.
    pub autocomplete: bool,
}

/// A command or subcommand.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Subcommands (then `options` is empty).
    pub subs: &'static [CommandSpec],
    pub options: &'static [OptSpec],
    /// Only managers may use it (checked in the core as well).
    pub manager_only: bool,
    /// A one-line example for `/help`.
    pub example: &'static str,
}

/// A spec-building helper.
pub const fn o(name: &'static str, kind: OptKind, required: bool) -> OptSpec {
    OptSpec {
        name,
        kind,
        required,
        choices: &[],
        autocomplete: false,
    }
}
/// A spec-building helper.
pub const fn opt(name: &'static str) -> OptSpec {
    o(name, OptKind::String, false)
}
/// A spec-building helper.
pub const fn auto(mut s: OptSpec) -> OptSpec {
    s.autocomplete = true;
    s
}
/// A spec-building helper.
pub const fn choices(mut s: OptSpec, c: &'static [&'static str]) -> OptSpec {
    s.choices = c;
    s
}
/// A spec-building helper.
pub const fn cmd(
    name: &'static str,
    options: &'static [OptSpec],
    example: &'static str,
) -> CommandSpec {
    CommandSpec {
        name,
        subs: &[],
        options,
        manager_only: false,
        example,
    }
}
/// A spec-building helper.
pub const fn manager(mut c: CommandSpec) -> CommandSpec {
    c.manager_only = true;
    c
}
/// A spec-building helper.
pub const fn group(name: &'static str, subs: &'static [CommandSpec]) -> CommandSpec {
    CommandSpec {
        name,
        subs,
        options: &[],
        manager_only: false,
        example: "",
    }
}

/// Choice lists come from the domain's enums: one definition of each.
const POSITIONS: &[&str] = &Position::KEYS;
const OUTCOMES: &[&str] = &Outcome::KEYS;
const PRIORITIES: &[&str] = &Priority::KEYS;
const SEVERITIES: &[&str] = &Severity::KEYS;
const HOLIDAY_MODES: &[&str] = &HolidayMode::KEYS;
/// File formats of the exports.
const EXPORT_FORMATS: &[&str] = &["xlsx", "csv"];
/// Forms of a list: a message (default) or an iCalendar file.
const CALENDAR_FORMATS: &[&str] = &["text", "ics"];

/// A spec-building helper.
pub const fn int(name: &'static str) -> OptSpec {
    o(name, OptKind::Integer, false)
}
/// A spec-building helper.
pub const fn req_id() -> OptSpec {
    // Text, not a number: the suggestions find items by title as the user types, and
    // Discord's client sends no suggestions for text in a number option.
    auto(o("id", OptKind::String, true))
}
/// A spec-building helper.
pub const fn user() -> OptSpec {
    o("user", OptKind::User, false)
}
/// A spec-building helper.
pub const fn position() -> OptSpec {
    choices(opt("position"), POSITIONS)
}
/// A spec-building helper.
pub const fn priority() -> OptSpec {
    choices(opt("priority"), PRIORITIES)
}
/// A spec-building helper.
pub const fn req(name: &'static str) -> OptSpec {
    o(name, OptKind::String, true)
}

/// The options of `/activity add` and `edit`: the given ones, then the settings both take.
macro_rules! activity_options {
    ($($head:expr),*) => {
        &[
            $($head,)*
            choices(opt("ping"), POSITIONS),
            o("ping-role", OptKind::Role, false),
            o("channel", OptKind::Channel, false),
            opt("lead"),
            opt("message"),
            opt("checklist"),
            choices(opt("holidays"), HOLIDAY_MODES),
            opt("until"),
            int("times"),
        ]
    };
}

/// Every command.
pub static COMMANDS: &[CommandSpec] = &[
    cmd("help", &[], "/help"),
    cmd("status", &[], "/status"),
    manager(cmd(
        "setup",
        &[
            auto(opt("timezone")),
            choices(opt("language"), &["en-US", "zh-CN"]),
            o("summary-channel", OptKind::Channel, false),
            o("escalation-channel", OptKind::Channel, false),
            choices(opt("position"), POSITIONS),
            o("role", OptKind::Role, false),
        ],
        "/setup timezone:Asia/Shanghai position:customer-service role:@客服",
    )),
    group(
        "task",
        &[
            cmd(
                "assign",
                &[
                    req("title"),
                    auto(req("due")),
                    user(),
                    position(),
                    priority(),
                    opt("note"),
                ],
                "/task assign title:\"Update the homepage banner\" due:\"fri 18:00\" user:@alice",
            ),
            cmd(
                "list",
                &[
                    choices(opt("scope"), &["mine", "overdue", "all"]),
                    user(),
                    position(),
                    int("page"),
                    choices(opt("format"), CALENDAR_FORMATS),
                ],
                "/task list scope:overdue",
            ),
            cmd("show", &[req_id(), int("page")], "/task show id:42"),
            cmd("start", &[req_id()], "/task start id:42"),
            cmd(
                "done",
                &[req_id(), opt("note")],
                "/task done id:42 note:\"uploaded\"",
            ),
            cmd(
                "reopen",
                &[req_id(), opt("note")],
                "/task reopen id:42 note:\"banner still old on mobile\"",
            ),
            cmd(
                "cancel",
                &[req_id(), opt("note")],
                "/task cancel id:42 note:\"campaign dropped\"",
            ),
            cmd(
                "edit",
                &[
                    req_id(),
                    opt("title"),
                    auto(opt("due")),
                    priority(),
                    opt("note"),
                ],
                "/task edit id:42 due:\"明天 18:00\" priority:high",
            ),
            cmd(
                "reassign",
                &[req_id(), user(), position()],
                "/task reassign id:42 user:@carol",
            ),
            cmd(
                "comment",
                &[req_id(), req("text")],
                "/task comment id:42 text:\"waiting for the supplier photos\"",
            ),
            manager(cmd(
                "cover",
                &[
                    o("cover", OptKind::User, true),
                    req("from"),
                    req("to"),
                    user(),
                    position(),
                ],
                "/task cover position:customer-service cover:@bob from:2026-12-01 to:2026-12-05",
            )),
            cmd(
                "stats",
                &[opt("period"), user()],
                "/task stats period:last-month",
            ),
            manager(cmd(
                "export",
                &[
                    opt("from"),
                    opt("to"),
                    choices(opt("format"), EXPORT_FORMATS),
                ],
                "/task export from:2026-11-01 to:2026-11-30 format:xlsx",
            )),
            cmd(
                "recurring",
                &[
                    opt("title"),
                    opt("schedule"),
                    user(),
                    position(),
                    opt("due-in"),
                    priority(),
                    opt("note"),
                    int("stop"),
                    opt("until"),
                    int("times"),
                ],
                "/task recurring title:\"Check 10 chat records\" schedule:\"weekdays 10:00\" position:customer-service due-in:8h",
            ),
        ],
    ),
    group(
        "complaint",
        &[
            cmd(
                "log",
                &[
                    req("order"),
                    auto(req("platform")),
                    auto(req("category")),
                    req("summary"),
                    choices(opt("severity"), SEVERITIES),
                    opt("customer"),
                    opt("description"),
                    o("screenshot", OptKind::Attachment, false),
                ],
                "/complaint log order:2026112212345 platform:tmall category:damaged summary:\"Cup arrived broken\" severity:normal",
            ),
            cmd(
                "list",
                &[
                    choices(opt("scope"), &["open", "mine", "breached", "all"]),
                    auto(opt("platform")),
                    auto(opt("category")),
                    int("page"),
                ],
                "/complaint list scope:breached",
            ),
            cmd("show", &[req_id(), int("page")], "/complaint show id:7"),
            cmd("claim", &[req_id()], "/complaint claim id:7"),
            cmd(
                "assign",
                &[req_id(), o("user", OptKind::User, true)],
                "/complaint assign id:7 user:@bob",
            ),
            cmd(
                "note",
                &[req_id(), req("text")],
                "/complaint note id:7 text:\"Buyer sent photos\"",
            ),
            cmd(
                "resolve",
                &[
                    req_id(),
                    choices(o("outcome", OptKind::String, true), OUTCOMES),
                    opt("amount"),
                    opt("note"),
                ],
                "/complaint resolve id:7 outcome:partial-refund amount:25.00",
            ),
            cmd(
                "reopen",
                &[req_id(), opt("note")],
                "/complaint reopen id:7 note:\"Buyer wrote again\"",
            ),
            cmd(
                "stats",
                &[opt("period")],
                "/complaint stats period:last-30d",
            ),
            manager(cmd(
                "export",
                &[
                    opt("from"),
                    opt("to"),
                    choices(opt("format"), EXPORT_FORMATS),
                ],
                "/complaint export from:2026-11-01 to:2026-11-30 format:csv",
            )),
        ],
    ),
    group(
        "data",
        &[
            cmd(
                "shop",
                &[opt("name"), opt("platform"), opt("currency")],
                "/data shop name:\"Tmall flagship\" platform:tmall currency:CNY",
            ),
            cmd(
                "enter",
                &[
                    auto(opt("shop")),
                    opt("date"),
                    opt("pv"),
                    opt("uv"),
                    opt("ordering-buyers"),
                    opt("order-amount"),
                    opt("paying-buyers"),
                    opt("paid-amount"),
                    opt("paid-orders"),
                    opt("refund-amount"),
                    opt("refund-orders"),
                    opt("inquiries"),
                    opt("inquiries-paid"),
                    opt("ad-spend"),
                    opt("ad-sales"),
                    opt("shipping-cost"),
                    opt("discount-cost"),
                    o("confirm", OptKind::Boolean, false),
                ],
                "/data enter shop:\"Tmall flagship\" date:2026-11-22 uv:4000 paying-buyers:120 paid-amount:30000",
            ),
            cmd(
                "show",
                &[auto(opt("shop")), opt("date"), opt("from"), opt("to")],
                "/data show from:2026-11-01 to:2026-11-22",
            ),
            manager(cmd(
                "target",
                &[req("amount"), auto(opt("shop")), opt("month")],
                "/data target shop:\"Tmall flagship\" amount:900000 month:2026-12",
            )),
            cmd(
                "import",
                &[
                    o("file", OptKind::Attachment, true),
                    auto(opt("shop")),
                    opt("platform"),
                    choices(opt("date-order"), &["mdy", "dmy"]),
                ],
                "/data import file:export.csv shop:\"Tmall flagship\"",
            ),
            manager(cmd(
                "export",
                &[
                    auto(opt("shop")),
                    opt("from"),
                    opt("to"),
                    choices(opt("format"), EXPORT_FORMATS),
                    choices(opt("what"), &["days", "products"]),
                ],
                "/data export from:2026-11-01 to:2026-11-30 format:xlsx",
            )),
            cmd(
                "history",
                &[auto(opt("shop")), opt("date")],
                "/data history shop:\"Tmall flagship\" date:2026-11-22",
            ),
        ],
    ),
    group(
        "summary",
        &[
            cmd("now", &[opt("date")], "/summary now date:2026-11-22"),
            cmd("weekly", &[opt("date")], "/summary weekly"),
            cmd("monthly", &[opt("month")], "/summary monthly month:2026-10"),
            manager(cmd(
                "schedule",
                &[opt("time"), opt("check")],
                "/summary schedule time:09:00 check:08:30",
            )),
        ],
    ),
    manager(cmd(
        "review",
        &[opt("month"), user()],
        "/review month:2026-11",
    )),
    group(
        "activity",
        &[
            manager(cmd(
                "add",
                activity_options!(req("name"), auto(req("schedule"))),
                "/activity add name:\"Free-shipping Thursday\" schedule:\"thu 09:00\" ping:marketing lead:\"18h, 0\" checklist:\"Templates set; Page ready\" holidays:skip",
            )),
            cmd("list", &[int("page")], "/activity list"),
            manager(cmd(
                "edit",
                activity_options!(req_id(), opt("name"), auto(opt("schedule"))),
                "/activity edit id:2 schedule:\"mon 10:00\" lead:\"1d, 0\"",
            )),
            manager(cmd("remove", &[req_id()], "/activity remove id:2")),
            manager(cmd("pause", &[req_id()], "/activity pause id:2")),
            manager(cmd("resume", &[req_id()], "/activity resume id:2")),
            manager(cmd(
                "skip",
                &[req_id(), opt("day")],
                "/activity skip id:2 day:2026-12-03",
            )),
            cmd(
                "calendar",
                &[choices(opt("format"), CALENDAR_FORMATS)],
                "/activity calendar format:ics",
            ),
        ],
    ),
    group(
        "holiday",
        &[
            manager(cmd(
                "add",
                &[req("name"), req("from"), opt("to")],
                "/holiday add name:双12 from:2026-12-12",
            )),
            cmd("list", &[], "/holiday list"),
            manager(cmd("remove", &[req_id()], "/holiday remove id:3")),
        ],
    ),
    group(
        "outbox",
        &[
            manager(cmd(
                "list",
                &[choices(
                    opt("state"),
                    &["failed", "pending", "skipped", "sent"],
                )],
                "/outbox list state:failed",
            )),
            manager(cmd(
                "retry",
                &[o("id", OptKind::Integer, false)],
                "/outbox retry id:42",
            )),
        ],
    ),
];

/// Catalog key of a command path (`"task assign"` -> `task-assign`).
fn path_key(path: &str) -> String {
    path.split_whitespace().collect::<Vec<_>>().join("-")
}

/// The description of the command at `path` in `locale` (catalog key `cmd-<path>`).
pub fn command_description(path: &str, locale: Locale) -> String {
    locale.t(&format!("cmd-{}", path_key(path)))
}

/// The name of the command or subcommand at `path` in `locale` (catalog key
/// `cmdname-<path>`; the English name is the spec's own).
pub fn command_name(path: &str, locale: Locale) -> String {
    let key = format!("cmdname-{}", path_key(path));
    if locale != Locale::EnUs && locale.has(&key) {
        return locale.t(&key);
    }
    path.rsplit(' ').next().unwrap_or(path).to_string()
}

/// The description of option `option` of the command at `path`: `opt-<path>-<option>` when
/// the catalogs have one for this command (the same name can mean different things), else
/// `opt-<option>`.
pub fn option_description(path: &str, option: &str, locale: Locale) -> String {
    let specific = format!("opt-{}-{}", path_key(path), option);
    if Locale::EnUs.has(&specific) {
        locale.t(&specific)
    } else {
        locale.t(&format!("opt-{option}"))
    }
}

/// The name of option `option` in `locale` (catalog key `optname-<option>`).
pub fn option_name(option: &str, locale: Locale) -> String {
    let key = format!("optname-{option}");
    if locale != Locale::EnUs && locale.has(&key) {
        return locale.t(&key);
    }
    option.to_string()
}

/// The label of a choice value in `locale` (catalog key `choice-<value>`).
pub fn choice_label(value: &str, locale: Locale) -> String {
    locale.t(&format!("choice-{value}"))
}

/// The command at `path` as a reader of `locale` sees and types it (`task assign` ->
/// `任务 分配`), without the slash.
pub fn localized_path(path: &str, locale: Locale) -> String {
    let words: Vec<&str> = path.split_whitespace().collect();
    (1..=words.len())
        .map(|n| command_name(&words[..n].join(" "), locale))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The example of the command at `path` in `locale` (catalog key `example-<path>`; the
/// English one is the table's own, which a test keeps equal to the catalog's).
pub fn example(path: &str, locale: Locale) -> String {
    let key = format!("example-{}", path_key(path));
    if locale != Locale::EnUs && locale.has(&key) {
        return locale.t(&key);
    }
    CommandSpec::find(&path.split_whitespace().collect::<Vec<_>>())
        .map(|s| s.example.to_string())
        .unwrap_or_default()
}

/// Whether `typed` names `name` in English or in one of the other languages: the shell
/// accepts `/任务 分配 标题:…` as well as `/task assign title:…`.
fn names(typed: &str, english: &str, localized: impl Fn(Locale) -> String) -> bool {
    let typed = typed.trim().to_lowercase();
    typed == english
        || Locale::ALL
            .iter()
            .any(|l| localized(*l).to_lowercase() == typed)
}

impl CommandSpec {
    /// The English path of a command typed in any language (`["任务", "分配"]` ->
    /// `["task", "assign"]`); words past the command's depth are left as typed.
    pub fn canonical_path(words: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut level: &'static [CommandSpec] = COMMANDS;
        for w in words {
            let prefix = out.join(" ");
            let found = level.iter().find(|c| {
                let path = if prefix.is_empty() {
                    c.name.to_string()
                } else {
                    format!("{prefix} {}", c.name)
                };
                names(w, c.name, |l| command_name(&path, l))
            });
            match found {
                Some(c) => {
                    out.push(c.name.to_string());
                    level = c.subs;
                }
                None => {
                    out.push(w.to_lowercase());
                    level = &[];
                }
            }
        }
        out
    }

    /// The English name of an option typed in any language (unknown names as typed).
    pub fn canonical_option(&self, typed: &str) -> String {
        self.options
            .iter()
            .find(|o| names(typed, o.name, |l| option_name(o.name, l)))
            .map(|o| o.name.to_string())
            .unwrap_or_else(|| typed.trim().to_lowercase())
    }

    /// The command or subcommand at `path` (`["task", "assign"]`).
    pub fn find(path: &[&str]) -> Option<&'static CommandSpec> {
        let (first, rest) = path.split_first()?;
        let mut spec = COMMANDS.iter().find(|c| c.name == *first)?;
        for name in rest {
            spec = spec.subs.iter().find(|c| c.name == *name)?;
        }
        Some(spec)
    }

    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&'static OptSpec> {
        // Options live in static tables, so a reference to one is 'static.
        let options: &'static [OptSpec] = self.options;
        options.iter().find(|o| o.name == name)
    }

    /// Every leaf command with its full path, in table order.
    pub fn leaves() -> Vec<(String, &'static CommandSpec)> {
        let mut out = Vec::new();
        for c in COMMANDS {
            if c.subs.is_empty() {
                out.push((c.name.to_string(), c));
            } else {
                for s in c.subs {
                    out.push((format!("{} {}", c.name, s.name), s));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    //! The table is what Discord validates when the bot registers its commands: one fault and
    //! Discord refuses every command (last round, `/data target` declared the optional `shop`
    //! before the required `amount`). These walk the whole table in both languages.
    //! Rules: <https://discord.com/developers/docs/interactions/application-commands#application-command-object>.
    use super::*;

    /// `^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase where a letter has case
    /// (application-commands#application-command-object-application-command-naming).
    fn valid_name(name: &str) -> bool {
        let n = name.chars().count();
        (1..=32).contains(&n)
            && name
                .chars()
                .all(|c| c == '-' || c == '_' || c.is_alphanumeric())
            && name.chars().all(|c| !c.is_uppercase())
    }

    fn each_level(f: &mut impl FnMut(&str, &[&CommandSpec])) {
        let top: Vec<&CommandSpec> = COMMANDS.iter().collect();
        f("", &top);
        for c in COMMANDS {
            let subs: Vec<&CommandSpec> = c.subs.iter().collect();
            f(c.name, &subs);
        }
    }

    fn leaves() -> Vec<(String, &'static CommandSpec)> {
        CommandSpec::leaves()
    }

    #[test]
    fn required_options_come_first() {
        for (path, spec) in leaves() {
            let mut seen_optional = None;
            for o in spec.options {
                match (o.required, seen_optional) {
                    (false, None) => seen_optional = Some(o.name),
                    (true, Some(before)) => panic!(
                        "/{path}: required option `{}` after optional `{before}` (Discord refuses the whole registration)",
                        o.name
                    ),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn names_are_valid_and_unique_among_siblings_in_every_language() {
        for locale in Locale::ALL {
            each_level(&mut |parent, level| {
                let mut seen = std::collections::HashSet::new();
                assert!(level.len() <= 25, "/{parent}: {} subcommands", level.len());
                for c in level {
                    let path = if parent.is_empty() {
                        c.name.to_string()
                    } else {
                        format!("{parent} {}", c.name)
                    };
                    let name = command_name(&path, locale);
                    assert!(valid_name(&name), "/{path} in {locale}: name `{name}`");
                    assert!(
                        seen.insert(name.clone()),
                        "/{path} in {locale}: `{name}` twice"
                    );
                }
            });
            for (path, spec) in leaves() {
                assert!(spec.options.len() <= 25, "/{path}: too many options");
                let mut seen = std::collections::HashSet::new();
                for o in spec.options {
                    let name = option_name(o.name, locale);
                    assert!(
                        valid_name(&name),
                        "/{path} {}: name `{name}` in {locale}",
                        o.name
                    );
                    assert!(
                        seen.insert(name.clone()),
                        "/{path}: option `{name}` twice in {locale}"
                    );
                    assert!(
                        o.choices.len() <= 25,
                        "/{path} {}: too many choices",
                        o.name
                    );
                    assert!(
                        !o.autocomplete || o.choices.is_empty(),
                        "/{path} {}: autocomplete and choices",
                        o.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_text_fits_discords_lengths_so_nothing_is_clipped() {
        // Descriptions 1-100, choice names 1-100, and at most 8,000 characters per command
        // counting names, descriptions, choice names and values, with the longest
        // localization of each field.
        let len = |s: &str| s.chars().count();
        let longest = |f: &dyn Fn(Locale) -> String| {
            Locale::ALL.iter().map(|l| len(&f(*l))).max().unwrap_or(0)
        };
        for c in COMMANDS {
            let mut total = 0;
            let mut visit = |path: &str, spec: &CommandSpec| {
                for locale in Locale::ALL {
                    let d = command_description(path, locale);
                    assert!(
                        (1..=100).contains(&len(&d)),
                        "/{path} in {locale}: description of {} chars",
                        len(&d)
                    );
                }
                total += longest(&|l| command_name(path, l))
                    + longest(&|l| command_description(path, l));
                for o in spec.options {
                    for locale in Locale::ALL {
                        let d = option_description(path, o.name, locale);
                        assert!(
                            (1..=100).contains(&len(&d)),
                            "/{path} {} in {locale}: description of {} chars",
                            o.name,
                            len(&d)
                        );
                        for ch in o.choices {
                            let n = choice_label(ch, locale);
                            assert!(
                                (1..=100).contains(&len(&n)),
                                "/{path} {} choice {ch} in {locale}: {} chars",
                                o.name,
                                len(&n)
                            );
                        }
                    }
                    total += longest(&|l| option_name(o.name, l))
                        + longest(&|l| option_description(path, o.name, l));
                    for (i, ch) in o.choices.iter().enumerate() {
                        total += longest(&|l| choice_label(ch, l)) + i.to_string().len();
                    }
                }
            };
            if c.subs.is_empty() {
                visit(c.name, c);
            } else {
                visit(c.name, &CommandSpec { options: &[], ..*c });
                for s in c.subs {
                    visit(&format!("{} {}", c.name, s.name), s);
                }
            }
            assert!(total <= 8000, "/{}: {total} characters", c.name);
        }
        assert!(COMMANDS.len() <= 100);
    }

    #[test]
    fn chinese_names_lead_to_the_english_ones() {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            CommandSpec::canonical_path(&words("任务 分配")),
            words("task assign")
        );
        assert_eq!(
            CommandSpec::canonical_path(&words("Task ASSIGN")),
            words("task assign")
        );
        assert_eq!(
            CommandSpec::canonical_path(&words("数据 目标")),
            words("data target")
        );
        let spec = CommandSpec::find(&["task", "assign"]).expect("spec");
        assert_eq!(spec.canonical_option("标题"), "title");
        assert_eq!(spec.canonical_option("due"), "due");
        assert_eq!(spec.canonical_option("不存在"), "不存在");
    }
}
