//! Configuration: the shipped defaults load, environment variables win, and every kind of bad
//! value stops start-up with a message naming the key, the value and the expected form; also
//! for the activities' settings and the data files they name.

use std::collections::HashMap;

use storeops::config::{Config, ConfigError};
use storeops::domain::position::Position;
use storeops::i18n::Locale;

/// The environment as `Config::load` reads it, with only these variables set.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

/// Loads a configuration file holding `file` (empty when `None`) with the environment `pairs`.
fn load_with(file: Option<&str>, pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("storeops.toml");
    std::fs::write(&path, file.unwrap_or("")).expect("write");
    Config::load(Some(&path), &env(pairs))
}

#[test]
fn the_shipped_defaults_load_and_work() {
    let c = Config::defaults();
    assert_eq!(c.database.path.to_str(), Some("data/storeops.db"));
    assert_eq!(c.defaults.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(c.outbox.grace, chrono::Duration::hours(6));
    assert_eq!(
        c.tasks.remind_before,
        vec![chrono::Duration::hours(24), chrono::Duration::hours(1)]
    );
    assert!(c.discord.api_base.is_none());
    assert!(c.positions.is_empty());
    // The committed file is the same as the embedded defaults.
    let on_disk = Config::load(
        Some(std::path::Path::new("config/storeops.toml")),
        &env(&[]),
    )
    .expect("file loads");
    assert_eq!(on_disk.defaults.timezone, c.defaults.timezone);
}

#[test]
fn environment_overrides_win_over_the_file() {
    let c = load_with(
        Some("[defaults]\ntimezone = \"Europe/Berlin\"\n[positions]\nmanager = 111\n"),
        &[
            ("STOREOPS_DEFAULTS_TIMEZONE", "America/New_York"),
            ("STOREOPS_DISCORD_GUILDS", "123, 456"),
            ("STOREOPS_DISCORD_API_BASE", "http://127.0.0.1:9999/"),
            ("STOREOPS_POSITIONS_CUSTOMER_SERVICE", "222"),
            ("STOREOPS_OUTBOX_GRACE_HOURS", "12"),
            ("STOREOPS_TASKS_REMIND_BEFORE", "2h,30m"),
            ("STOREOPS_TASKS_MEMBERS_ASSIGN_OTHERS", "yes"),
        ],
    )
    .expect("loads");
    assert_eq!(c.defaults.timezone, chrono_tz::America::New_York);
    assert_eq!(c.discord.guilds, vec![123, 456]);
    assert_eq!(c.discord.api_base.as_deref(), Some("http://127.0.0.1:9999"));
    assert_eq!(c.positions.get(&Position::Manager), Some(&111));
    assert_eq!(c.positions.get(&Position::CustomerService), Some(&222));
    assert_eq!(c.outbox.grace, chrono::Duration::hours(12));
    assert_eq!(
        c.tasks.remind_before,
        vec![chrono::Duration::hours(2), chrono::Duration::minutes(30)]
    );
    assert!(c.tasks.members_assign_others);
}

/// The message of a configuration that must be refused.
fn invalid(file: Option<&str>, pairs: &[(&str, &str)]) -> String {
    match load_with(file, pairs) {
        Ok(_) => panic!("should be refused: {file:?} {pairs:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_kind_of_bad_value_names_the_key_the_value_and_the_expected_form() {
    let e = invalid(None, &[("STOREOPS_DEFAULTS_TIMEZONE", "Mars/Olympus")]);
    assert!(
        e.contains("defaults.timezone")
            && e.contains("Mars/Olympus")
            && e.contains("IANA")
            && e.contains("STOREOPS_DEFAULTS_TIMEZONE"),
        "{e}"
    );

    let e = invalid(Some("[defaults]\nlocale = \"fr-FR\"\n"), &[]);
    assert!(
        e.contains("defaults.locale") && e.contains("fr-FR") && e.contains("en-US or zh-CN"),
        "{e}"
    );

    let e = invalid(None, &[("STOREOPS_OUTBOX_GRACE_HOURS", "six")]);
    assert!(
        e.contains("outbox.grace_hours") && e.contains("six") && e.contains("whole number"),
        "{e}"
    );

    let e = invalid(Some("[outbox]\nconcurrency = 0\n"), &[]);
    assert!(
        e.contains("outbox.concurrency") && e.contains("from 1 to 256"),
        "{e}"
    );

    let e = invalid(None, &[("STOREOPS_DISCORD_GUILDS", "abc")]);
    assert!(e.contains("discord.guilds") && e.contains("abc"), "{e}");

    let e = invalid(
        None,
        &[("STOREOPS_DISCORD_API_BASE", "http://127.0.0.1:1/api/v10")],
    );
    assert!(
        e.contains("discord.api_base") && e.contains("without /api/v10"),
        "{e}"
    );

    let e = invalid(Some("[tasks]\nremind_before = [\"soon\"]\n"), &[]);
    assert!(
        e.contains("tasks.remind_before") && e.contains("soon"),
        "{e}"
    );

    let e = invalid(Some("[tasks]\nescalate_assigner_after = \"later\"\n"), &[]);
    assert!(
        e.contains("tasks.escalate_assigner_after")
            && e.contains("later")
            && e.contains("duration"),
        "{e}"
    );

    let e = invalid(None, &[("STOREOPS_TASKS_MEMBERS_ASSIGN_OTHERS", "maybe")]);
    assert!(
        e.contains("tasks.members_assign_others") && e.contains("true or false"),
        "{e}"
    );

    let e = invalid(Some("[defaults]\ntimezon = \"UTC\"\n"), &[]);
    assert!(
        e.contains("unknown configuration key `defaults.timezon`"),
        "{e}"
    );

    let e = invalid(Some("[positions]\nmanager = -5\n"), &[]);
    assert!(e.contains("positions.manager") && e.contains("-5"), "{e}");

    let e = invalid(Some("this is not toml ["), &[]);
    assert!(e.contains("cannot read configuration file"), "{e}");
}

#[test]
fn the_token_never_comes_from_the_committed_file() {
    let text = std::fs::read_to_string("config/storeops.toml").expect("read");
    assert!(!text.lines().any(|l| l.trim_start().starts_with("token =")));
    let c = Config::defaults();
    let token = storeops::adapters::discord::read_token(&c, &env(&[("DISCORD_TOKEN", " abc ")]));
    assert_eq!(token.as_deref(), Some("abc"));
    assert_eq!(storeops::adapters::discord::read_token(&c, &env(&[])), None);
}

#[test]
fn activity_settings_come_from_the_file_the_environment_and_data_files_checked_at_start() {
    let c = load_with(None, &[]).expect("defaults");
    let a = &c.activities;
    assert!(a.seed_defaults && a.follow_up);
    assert_eq!(
        a.default_lead,
        vec![chrono::Duration::hours(1), chrono::Duration::zero()]
    );
    assert_eq!(a.calendar_days, 14);
    assert!(a.quiet_hours.is_some());
    assert!(a.defaults.len() >= 8 && !a.holidays.is_empty());

    let dir = tempfile::tempdir().expect("dir");
    let acts = dir.path().join("acts.toml");
    std::fs::write(
        &acts,
        r#"
[[activity]]
name = { en-US = "Stand-up", zh-CN = "站会" }
schedule = "weekdays 09:30"
ping = "operations"
lead = ["0"]
"#,
    )
    .expect("write");
    let c = load_with(
        None,
        &[
            ("STOREOPS_ACTIVITIES_DEFAULT_LEAD", "1d,0"),
            ("STOREOPS_ACTIVITIES_QUIET_HOURS", ""),
            ("STOREOPS_ACTIVITIES_SEED_DEFAULTS", "false"),
            ("STOREOPS_ACTIVITIES_CALENDAR_DAYS", "7"),
            (
                "STOREOPS_ACTIVITIES_DEFAULTS_FILE",
                acts.to_str().expect("path"),
            ),
        ],
    )
    .expect("overrides");
    let a = &c.activities;
    assert_eq!(
        a.default_lead,
        vec![chrono::Duration::days(1), chrono::Duration::zero()]
    );
    assert!(a.quiet_hours.is_none() && !a.seed_defaults);
    assert_eq!(a.calendar_days, 7);
    assert_eq!(a.defaults.len(), 1);
    assert_eq!(a.defaults[0].name.get(Locale::ZhCn), "站会");

    let e = invalid(None, &[("STOREOPS_ACTIVITIES_QUIET_HOURS", "late")]);
    assert!(
        e.contains("activities.quiet_hours") && e.contains("22:00-08:00"),
        "{e}"
    );
    let e = invalid(None, &[("STOREOPS_ACTIVITIES_DEFAULT_LEAD", "soon")]);
    assert!(e.contains("activities.default_lead"), "{e}");
    let e = invalid(None, &[("STOREOPS_ACTIVITIES_CALENDAR_DAYS", "0")]);
    assert!(e.contains("activities.calendar_days"), "{e}");
    let e = invalid(
        None,
        &[(
            "STOREOPS_ACTIVITIES_HOLIDAYS_FILE",
            "/nonexistent/holidays.toml",
        )],
    );
    assert!(
        e.contains("activities.holidays_file") && e.contains("/nonexistent/holidays.toml"),
        "{e}"
    );
    std::fs::write(
        &acts,
        r#"
[[activity]]
name = { en-US = "Broken", zh-CN = "坏" }
schedule = "someday"
ping = "operations"
lead = ["0"]
"#,
    )
    .expect("write");
    let e = invalid(
        None,
        &[(
            "STOREOPS_ACTIVITIES_DEFAULTS_FILE",
            acts.to_str().expect("path"),
        )],
    );
    assert!(
        e.contains("activities.defaults_file")
            && e.contains("activity 1 (\"Broken\")")
            && e.contains("schedule"),
        "{e}"
    );
}
