//! The command table: every command, subcommand and option the bot understands, with types,
//! choices and whether they autocomplete. Front-ends build their own surface from it (Discord
//! registers slash commands; the shell parses and lists them), so there is one definition.
//! Descriptions and localized names come from the catalogs: `cmd-<path>` (description),
//! `cmdname-<path>` (zh-CN name), `opt-<option>` (option description), `optname-<option>`,
//! `choice-<value>`.

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
    /// Type.
    pub kind: OptKind,
    /// Must be given.
    pub required: bool,
    /// Allowed values (each labelled by `choice-<value>`).
    pub choices: &'static [&'static str],
    /// Values are suggested as the user types.
    pub autocomplete: bool,
}

/// A command or subcommand.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    /// Name.
    pub name: &'static str,
    /// Subcommands (then `options` is empty).
    pub subs: &'static [CommandSpec],
    /// Options.
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

/// Position keys, as choices.
pub const POSITIONS: &[&str] = &[
    "manager",
    "operations",
    "marketing",
    "customer-service",
    "design",
    "copywriting",
    "warehouse",
    "product",
];

/// Complaint outcomes, as choices.
pub const OUTCOMES: &[&str] = &[
    "refund",
    "partial-refund",
    "return",
    "exchange",
    "reship",
    "compensation",
    "explanation",
    "rejected",
];

/// Task priorities, as choices.
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];

/// What an activity does on a holiday, as choices.
pub const HOLIDAY_MODES: &[&str] = &["fire", "skip", "note"];

/// A spec-building helper.
pub const fn int(name: &'static str) -> OptSpec {
    o(name, OptKind::Integer, false)
}
/// A spec-building helper.
pub const fn req_id() -> OptSpec {
    auto(o("id", OptKind::Integer, true))
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
                ],
                "/task list scope:overdue",
            ),
            cmd("show", &[req_id()], "/task show id:42"),
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
                    choices(opt("severity"), &["normal", "serious"]),
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
            cmd("show", &[req_id()], "/complaint show id:7"),
            cmd("claim", &[req_id()], "/complaint claim id:7"),
            manager(cmd(
                "assign",
                &[req_id(), o("user", OptKind::User, true)],
                "/complaint assign id:7 user:@bob",
            )),
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
                &[auto(opt("shop")), req("amount"), opt("month")],
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
    group(
        "activity",
        &[
            manager(cmd(
                "add",
                &[
                    req("name"),
                    auto(req("schedule")),
                    choices(opt("ping"), POSITIONS),
                    o("ping-role", OptKind::Role, false),
                    o("channel", OptKind::Channel, false),
                    opt("lead"),
                    opt("message"),
                    opt("checklist"),
                    choices(opt("holidays"), HOLIDAY_MODES),
                ],
                "/activity add name:\"Free-shipping Thursday\" schedule:\"thu 09:00\" ping:marketing lead:\"18h, 0\" checklist:\"Templates set; Page ready\" holidays:skip",
            )),
            cmd("list", &[int("page")], "/activity list"),
            manager(cmd(
                "edit",
                &[
                    req_id(),
                    opt("name"),
                    auto(opt("schedule")),
                    choices(opt("ping"), POSITIONS),
                    o("ping-role", OptKind::Role, false),
                    o("channel", OptKind::Channel, false),
                    opt("lead"),
                    opt("message"),
                    opt("checklist"),
                    choices(opt("holidays"), HOLIDAY_MODES),
                ],
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
            cmd("calendar", &[], "/activity calendar"),
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
            cmd(
                "list",
                &[choices(
                    opt("state"),
                    &["failed", "pending", "skipped", "sent"],
                )],
                "/outbox list state:failed",
            ),
            manager(cmd(
                "retry",
                &[o("id", OptKind::Integer, false)],
                "/outbox retry id:42",
            )),
        ],
    ),
];

impl CommandSpec {
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
