//! Typed settings: the embedded defaults (`config/storeops.toml`), then the file on disk, then
//! `STOREOPS_...` environment variables, validated once at start. A wrong value stops start-up
//! with a message naming the key, the bad value and the expected form.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Duration;
use chrono_tz::Tz;
use toml::{Table, Value};

use crate::domain::deadline::{WorkingHours, parse_duration};
use crate::domain::position::Position;
use crate::i18n::Locale;

/// The defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/storeops.toml");

/// Where the configuration file is looked for when none is named.
pub const DEFAULT_PATH: &str = "config/storeops.toml";

/// A setting that cannot be used, said so that the person starting the bot can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A value of the wrong form.
    #[error("configuration key `{key}`{origin}: {value:?} is not valid; expected {expected}")]
    Invalid {
        /// Dotted key, e.g. `defaults.timezone`.
        key: String,
        /// The value as given.
        value: String,
        /// What would be accepted.
        expected: String,
        /// Where the value came from (file or environment variable), pre-formatted.
        origin: String,
    },
    /// A key that does not exist (usually a typo).
    #[error(
        "unknown configuration key `{key}` in {file}; the known keys are listed, with comments, in config/storeops.toml"
    )]
    UnknownKey {
        key: String,
        /// The file it was found in.
        file: String,
    },
    /// The file could not be read or is not TOML.
    #[error("cannot read configuration file {file}: {reason}")]
    File { file: String, reason: String },
}

/// Every setting, typed and validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite file.
    pub database: DatabaseConfig,
    /// Time zone and language when a guild has not chosen its own.
    pub defaults: Defaults,
    pub discord: DiscordConfig,
    pub channels: Channels,
    /// Default position -> Discord role id map (unmapped positions are absent).
    pub positions: BTreeMap<Position, u64>,
    pub outbox: OutboxConfig,
    pub tasks: TaskConfig,
    pub complaints: ComplaintConfig,
    /// Daily data and the summaries.
    pub summary: SummaryConfig,
    /// Fixed activities and holidays.
    pub activities: ActivityConfig,
    /// The working day in each server's time zone (`eod`, `下班前`, and a deadline
    /// without a time of day mean its end).
    pub hours: WorkingHours,
    /// The daily automatic backup.
    pub backup: BackupConfig,
    /// How the process runs.
    pub runtime: RuntimeConfig,
}

/// The process: how many threads run the bot's asynchronous work.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// tokio's worker threads (each has its own stack and, with glibc, allocator arena).
    pub worker_threads: usize,
}

/// The daily automatic backup (`[backup]`).
#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// Whether a backup is made every day.
    pub enabled: bool,
    /// Local time (in `defaults.timezone`) of the daily backup.
    pub time: chrono::NaiveTime,
    /// The folder; None = `backups/` beside the database.
    pub folder: Option<PathBuf>,
    /// How many daily backups are kept (the oldest beyond are removed).
    pub keep: usize,
}

impl Config {
    /// The folder the daily backups go to.
    pub fn backup_folder(&self) -> PathBuf {
        match &self.backup.folder {
            Some(f) => f.clone(),
            None => self.data_folder().join("backups"),
        }
    }

    /// The folder of the database file (exports and backups go beside it).
    pub fn data_folder(&self) -> PathBuf {
        self.database
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

/// Fixed activities and holidays.
#[derive(Debug, Clone)]
pub struct ActivityConfig {
    /// Create the default activities and holidays the first time a guild is seen.
    pub seed_defaults: bool,
    /// The default activities (`config/activities.toml`, or `defaults_file`).
    pub defaults: Vec<crate::domain::activity::DefaultActivity>,
    /// The shipped holidays (`config/holidays.toml`, or `holidays_file`).
    pub holidays: Vec<crate::domain::activity::DefaultHoliday>,
    /// Reminders before the start when `/activity add` gives no lead.
    pub default_lead: Vec<Duration>,
    /// One follow-up ping to the role when nobody acknowledged by half-way through the lead.
    pub follow_up: bool,
    /// Local hours in which no follow-up is sent.
    pub quiet_hours: Option<crate::domain::activity::QuietHours>,
    /// Days shown by `/activity calendar`.
    pub calendar_days: i64,
}

/// The database file and its locking.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// Path of the SQLite file.
    pub path: PathBuf,
    /// How long to wait on a lock.
    pub busy_timeout: std::time::Duration,
}

/// Guild defaults.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// IANA zone schedules and deadlines are read in.
    pub timezone: Tz,
    /// Reply language when the user's is unknown.
    pub locale: Locale,
    /// The currency of money not tied to a shop (complaint payments when no shop says), ISO code.
    pub currency: String,
}

/// Discord connection settings (never the token).
#[derive(Debug, Clone, Default)]
pub struct DiscordConfig {
    /// Guilds to register commands in; empty = global.
    pub guilds: Vec<u64>,
    /// Another base URL for all Discord traffic.
    pub api_base: Option<String>,
    /// A file holding the token.
    pub token_file: Option<PathBuf>,
    /// A command still working after this long is acknowledged ("thinking…") so Discord's
    /// 3-second answer limit never expires it; the answer follows when ready.
    pub defer_after: std::time::Duration,
    /// When Discord refuses the slash commands at start-up, the first retry waits this long;
    /// each later one twice as long, up to ten minutes.
    pub register_retry: std::time::Duration,
    /// At most this many requests to Discord in any second (Discord's global limit is 50).
    pub global_requests_per_second: usize,
    /// A connection to Discord not made within this long is given up (and retried).
    pub connect_timeout: std::time::Duration,
    /// A request to Discord not answered within this long is given up; a message's send is
    /// then retried with the same nonce, so it still shows once.
    pub request_timeout: std::time::Duration,
}

/// Default channel ids.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    /// The morning summary's channel.
    pub summary: Option<u64>,
    /// Escalations and delivery failures.
    pub escalation: Option<u64>,
}

/// How the outbox delivers.
#[derive(Debug, Clone)]
pub struct OutboxConfig {
    /// Late sends allowed within this window after downtime.
    pub grace: Duration,
    pub lease: Duration,
    /// Tries before a row is failed.
    pub max_attempts: u32,
    /// First retry delay.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Parallel sends.
    pub concurrency: usize,
    /// Rows per claim.
    pub batch_size: usize,
    /// Least gap between two sends to one channel.
    pub per_channel_interval: Duration,
    /// Sent, skipped, failed and cancelled messages are deleted this long after they were
    /// due (`keep_days`).
    pub keep: Duration,
}

/// Daily data and the summaries.
#[derive(Debug, Clone)]
pub struct SummaryConfig {
    /// Local time of the morning summary.
    pub time: chrono::NaiveTime,
    /// Local time of the missing-data check.
    pub missing_check: chrono::NaiveTime,
    /// Who enters the figures (and is pinged when they are missing).
    pub data_owner: Position,
    /// Alert when conversion falls more than this fraction week on week.
    pub conversion_drop: f64,
    /// Alert when the refund rate is above this fraction.
    pub refund_rate: f64,
    /// Alert when the amount paid falls more than this fraction against the same weekday a
    /// week before.
    pub sales_drop: f64,
}

/// Complaint handling.
#[derive(Debug, Clone)]
pub struct ComplaintConfig {
    /// Limit for a normal complaint.
    pub limit_normal: Duration,
    /// Limit for a serious complaint.
    pub limit_serious: Duration,
    /// Warning this long before the limit.
    pub warn_before: Duration,
    /// A member's serious complaints alert the managers at most once in this long; the ones
    /// logged meanwhile are summed up in the next alert (zero: every one alerts at once).
    pub serious_alert_cooldown: Duration,
    /// Return-visit task after this many days (0 = none).
    pub return_visit_days: i64,
    pub platforms: Vec<String>,
    pub categories: Vec<String>,
}

/// Task rules.
#[derive(Debug, Clone)]
pub struct TaskConfig {
    /// Whether members who are not managers may assign to others.
    pub members_assign_others: bool,
    /// Reminders before the deadline.
    pub remind_before: Vec<Duration>,
    /// Overdue: when the assigner is pinged.
    pub escalate_assigner_after: Duration,
    /// Overdue: when the escalation channel is told.
    pub escalate_manager_after: Duration,
}

impl Config {
    /// The built-in defaults alone (what tests and `shell` on a fresh machine use).
    pub fn defaults() -> Config {
        Self::from_table(base_table(), &|_| None, "built-in defaults")
            .expect("the shipped defaults are valid")
    }

    /// Loads the defaults, then `path` (or `config/storeops.toml` when it exists), then the
    /// environment read through `env`.
    pub fn load(
        path: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut table = base_table();
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_PATH)).filter(|p| p.exists()),
        };
        let label = file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "built-in defaults".into());
        if let Some(file) = &file {
            let text = std::fs::read_to_string(file).map_err(|e| ConfigError::File {
                file: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let user: Table = text
                .parse()
                .map_err(|e: toml::de::Error| ConfigError::File {
                    file: file.display().to_string(),
                    reason: e.to_string(),
                })?;
            overlay(&mut table, &user, "", &label)?;
        }
        Self::from_table(table, env, &label)
    }

    /// Loads with the process environment.
    pub fn load_from_env(path: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load(path, &|k| std::env::var(k).ok())
    }

    fn from_table(
        mut table: Table,
        env: &dyn Fn(&str) -> Option<String>,
        file: &str,
    ) -> Result<Config, ConfigError> {
        let mut origins: BTreeMap<String, String> = BTreeMap::new();
        apply_env(&mut table, "", env, &mut origins)?;
        let r = Reader {
            table: &table,
            origins: &origins,
            file,
        };

        let positions = {
            let mut map = BTreeMap::new();
            for p in Position::ALL {
                let id = r.u64("positions", p.key())?;
                if id != 0 {
                    map.insert(p, id);
                }
            }
            map
        };
        let timezone = r.parse(
            "defaults",
            "timezone",
            "an IANA time zone such as Asia/Shanghai or America/New_York",
            |s| s.parse::<Tz>().ok(),
        )?;
        let locale = r.parse("defaults", "locale", "en-US or zh-CN", |s| {
            s.parse::<Locale>().ok()
        })?;
        let currency = r.parse(
            "defaults",
            "currency",
            "a three-letter currency code such as CNY or USD",
            |s| {
                let c = s.trim().to_uppercase();
                (c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic())).then_some(c)
            },
        )?;
        let api_base = r.string("discord", "api_base")?;
        let api_base = if api_base.trim().is_empty() {
            None
        } else {
            let trimmed = api_base.trim().trim_end_matches('/').to_string();
            if !(trimmed.starts_with("http://") || trimmed.starts_with("https://"))
                || trimmed.ends_with("/api/v10")
            {
                return Err(r.invalid(
                    "discord",
                    "api_base",
                    &api_base,
                    "an http(s) base URL without /api/v10, e.g. http://127.0.0.1:8080",
                ));
            }
            Some(trimmed)
        };
        let token_file = r.string("discord", "token_file")?;
        let guilds = r.u64_list("discord", "guilds")?;
        let duration = |section: &str, key: &str| -> Result<Duration, ConfigError> {
            let s = r.string(section, key)?;
            parse_duration(&s)
                .map_err(|_| r.invalid(section, key, &s, "a duration such as 30m, 4h or 1d"))
        };
        let positive_duration = |section: &str, key: &str| -> Result<Duration, ConfigError> {
            let d = duration(section, key)?;
            if d <= Duration::zero() {
                return Err(r.invalid(
                    section,
                    key,
                    &r.string(section, key)?,
                    "a duration longer than zero, such as 24h",
                ));
            }
            Ok(d)
        };
        let keyword_list = |section: &str, key: &str| -> Result<Vec<String>, ConfigError> {
            let list = r.string_list(section, key)?;
            let ok = |s: &String| {
                !s.is_empty()
                    && s.len() <= 40
                    && s.chars().all(|c| {
                        c.is_lowercase() || c.is_ascii_digit() || c == '-' || !c.is_ascii()
                    })
            };
            if list.is_empty() || list.iter().any(|s| !ok(s)) || list.len() > 25 {
                return Err(r.invalid(
                    section,
                    key,
                    &list.join(","),
                    "a list of 1 to 25 lowercase words such as [\"tmall\", \"jd\"]",
                ));
            }
            Ok(list)
        };
        let remind_before = {
            let list = r.string_list("tasks", "remind_before")?;
            let mut out = Vec::new();
            for s in list {
                let d = parse_duration(&s)
                    .ok()
                    .filter(|d| *d > Duration::zero())
                    .ok_or_else(|| {
                        r.invalid(
                            "tasks",
                            "remind_before",
                            &s,
                            "a list of durations such as [\"24h\", \"1h\"]",
                        )
                    })?;
                out.push(d);
            }
            out.sort_by(|a, b| b.cmp(a));
            out.dedup();
            out
        };
        let positive = |section: &str, key: &str, min: i64, max: i64| -> Result<i64, ConfigError> {
            let v = r.i64(section, key)?;
            if v < min || v > max {
                return Err(r.invalid(
                    section,
                    key,
                    &v.to_string(),
                    &format!("a whole number from {min} to {max}"),
                ));
            }
            Ok(v)
        };
        let ob = |key: &str, min: i64, max: i64| positive("outbox", key, min, max);
        let outbox = OutboxConfig {
            grace: Duration::hours(ob("grace_hours", 0, 24 * 30)?),
            lease: Duration::seconds(ob("lease_seconds", 5, 3600)?),
            max_attempts: ob("max_attempts", 1, 100)? as u32,
            backoff_base: Duration::milliseconds(ob("backoff_base_ms", 1, 600_000)?),
            backoff_max: Duration::seconds(ob("backoff_max_seconds", 1, 86_400)?),
            concurrency: ob("concurrency", 1, 256)? as usize,
            batch_size: ob("batch_size", 1, 10_000)? as usize,
            per_channel_interval: Duration::milliseconds(ob("per_channel_interval_ms", 0, 60_000)?),
            keep: Duration::days(ob("keep_days", 1, 36_500)?),
        };
        // Pacing must let a whole batch to one channel finish inside the lease.
        if outbox.per_channel_interval * (outbox.batch_size as i32) >= outbox.lease {
            return Err(r.invalid(
                "outbox",
                "per_channel_interval_ms",
                &outbox.per_channel_interval.num_milliseconds().to_string(),
                "a value such that per_channel_interval_ms × batch_size is shorter than lease_seconds",
            ));
        }
        let busy = positive("database", "busy_timeout_ms", 0, 600_000)?;
        let path = r.string("database", "path")?;
        if path.trim().is_empty() {
            return Err(r.invalid(
                "database",
                "path",
                &path,
                "a file path such as data/storeops.db",
            ));
        }
        // A `[discord]` duration in milliseconds.
        let ms = |key: &str, min: i64, max: i64| {
            positive("discord", key, min, max).map(|v| std::time::Duration::from_millis(v as u64))
        };
        let channel = |key: &str| -> Result<Option<u64>, ConfigError> {
            Ok(Some(r.u64("channels", key)?).filter(|id| *id != 0))
        };
        Ok(Config {
            database: DatabaseConfig {
                path: PathBuf::from(path),
                busy_timeout: std::time::Duration::from_millis(busy as u64),
            },
            defaults: Defaults {
                timezone,
                locale,
                currency,
            },
            discord: DiscordConfig {
                guilds,
                api_base,
                token_file: Some(PathBuf::from(token_file.trim()))
                    .filter(|p| !p.as_os_str().is_empty()),
                defer_after: ms("defer_after_ms", 0, 2_500)?,
                register_retry: ms("register_retry_ms", 1, 600_000)?,
                global_requests_per_second: positive(
                    "discord",
                    "global_requests_per_second",
                    1,
                    100_000,
                )? as usize,
                connect_timeout: ms("connect_timeout_ms", 1, 600_000)?,
                request_timeout: ms("request_timeout_ms", 1, 600_000)?,
            },
            channels: Channels {
                summary: channel("summary")?,
                escalation: channel("escalation")?,
            },
            positions,
            outbox,
            tasks: TaskConfig {
                members_assign_others: r.bool("tasks", "members_assign_others")?,
                remind_before,
                escalate_assigner_after: duration("tasks", "escalate_assigner_after")?,
                escalate_manager_after: duration("tasks", "escalate_manager_after")?,
            },
            summary: SummaryConfig {
                time: r.parse("summary", "time", "a time of day such as 09:00", |s| {
                    chrono::NaiveTime::parse_from_str(s, "%H:%M").ok()
                })?,
                missing_check: r.parse(
                    "summary",
                    "missing_check",
                    "a time of day such as 08:30",
                    |s| chrono::NaiveTime::parse_from_str(s, "%H:%M").ok(),
                )?,
                data_owner: r.parse(
                    "summary",
                    "data_owner",
                    "a position such as operations",
                    |s| s.parse::<Position>().ok(),
                )?,
                conversion_drop: positive("summary", "conversion_drop_percent", 1, 100)? as f64
                    / 100.0,
                refund_rate: positive("summary", "refund_rate_percent", 1, 100)? as f64 / 100.0,
                sales_drop: positive("summary", "sales_drop_percent", 1, 100)? as f64 / 100.0,
            },
            complaints: ComplaintConfig {
                limit_normal: positive_duration("complaints", "limit_normal")?,
                limit_serious: positive_duration("complaints", "limit_serious")?,
                warn_before: duration("complaints", "warn_before")?,
                serious_alert_cooldown: duration("complaints", "serious_alert_cooldown")?,
                return_visit_days: positive("complaints", "return_visit_days", 0, 90)?,
                platforms: keyword_list("complaints", "platforms")?,
                categories: keyword_list("complaints", "categories")?,
            },
            activities: activity_config(&r)?,
            hours: working_hours(&r)?,
            backup: BackupConfig {
                enabled: r.bool("backup", "enabled")?,
                time: r.parse("backup", "time", "a time of day such as 03:00", |s| {
                    chrono::NaiveTime::parse_from_str(s, "%H:%M").ok()
                })?,
                folder: Some(PathBuf::from(r.string("backup", "folder")?.trim()))
                    .filter(|p| !p.as_os_str().is_empty()),
                keep: positive("backup", "keep", 1, 3650)? as usize,
            },
            runtime: RuntimeConfig {
                worker_threads: positive("runtime", "worker_threads", 1, 64)? as usize,
            },
        })
    }
}

/// The `[hours]` section: two times of day, the start before the end.
fn working_hours(r: &Reader) -> Result<WorkingHours, ConfigError> {
    let time = |key: &str, example: &str| {
        r.parse(
            "hours",
            key,
            &format!("a time of day (24-hour HH:MM) such as {example}"),
            |s| chrono::NaiveTime::parse_from_str(s, "%H:%M").ok(),
        )
    };
    let start = time("start", "09:00")?;
    let end = time("end", "18:00")?;
    WorkingHours::new(start, end).ok_or_else(|| {
        r.invalid(
            "hours",
            "end",
            &end.format("%H:%M").to_string(),
            &format!(
                "a time after hours.start ({}), such as 18:00",
                start.format("%H:%M")
            ),
        )
    })
}

/// The shipped default activities, compiled in.
pub const DEFAULT_ACTIVITIES: &str = include_str!("../config/activities.toml");

/// The shipped holidays, compiled in.
pub const DEFAULT_HOLIDAYS: &str = include_str!("../config/holidays.toml");

/// The data file that `[activities] key` names (`""`: the built-in one), read and parsed; a
/// file that cannot be read or parsed is refused with what it should hold.
fn data_file<T, E: std::fmt::Display>(
    r: &Reader,
    key: &str,
    built_in: &'static str,
    holds: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, ConfigError> {
    let path = r.string("activities", key)?;
    let (file, text) = if path.trim().is_empty() {
        ("(built-in)".to_string(), built_in.to_string())
    } else {
        let text = std::fs::read_to_string(path.trim()).map_err(|e| {
            r.invalid(
                "activities",
                key,
                &path,
                &format!("a readable TOML file, or \"\" for the built-in list ({e})"),
            )
        })?;
        (path, text)
    };
    parse(&text).map_err(|e| r.invalid("activities", key, &file, &format!("{holds}, but {e}")))
}

/// The `[activities]` section, with the data files it names read and checked.
fn activity_config(r: &Reader) -> Result<ActivityConfig, ConfigError> {
    use crate::domain::activity::{QuietHours, parse_defaults, parse_holidays, parse_leads};
    let defaults = data_file(
        r,
        "defaults_file",
        DEFAULT_ACTIVITIES,
        "activities in the format of config/activities.toml",
        parse_defaults,
    )?;
    let holidays = data_file(
        r,
        "holidays_file",
        DEFAULT_HOLIDAYS,
        "holidays in the format of config/holidays.toml",
        parse_holidays,
    )?;
    let lead = r.string_list("activities", "default_lead")?;
    let default_lead = parse_leads(&lead.join(",")).map_err(|_| {
        r.invalid(
            "activities",
            "default_lead",
            &lead.join(","),
            "a list of 1 to 5 durations such as [\"1h\", \"0\"] (0 = at the start)",
        )
    })?;
    let quiet = r.string("activities", "quiet_hours")?;
    let quiet_hours = if quiet.trim().is_empty() {
        None
    } else {
        Some(QuietHours::parse(&quiet).ok_or_else(|| {
            r.invalid(
                "activities",
                "quiet_hours",
                &quiet,
                "local hours such as \"22:00-08:00\", or \"\" for none",
            )
        })?)
    };
    let days = r.i64("activities", "calendar_days")?;
    if !(1..=62).contains(&days) {
        return Err(r.invalid(
            "activities",
            "calendar_days",
            &days.to_string(),
            "a whole number from 1 to 62",
        ));
    }
    Ok(ActivityConfig {
        seed_defaults: r.bool("activities", "seed_defaults")?,
        defaults,
        holidays,
        default_lead,
        follow_up: r.bool("activities", "follow_up")?,
        quiet_hours,
        calendar_days: days,
    })
}

fn base_table() -> Table {
    DEFAULT_TOML
        .parse()
        .expect("the shipped config/storeops.toml parses")
}

/// The environment variable that overrides `section.key`.
pub fn env_name(path: &str) -> String {
    format!(
        "STOREOPS_{}",
        path.to_ascii_uppercase().replace(['.', '-'], "_")
    )
}

/// Copies `user` over `base`, refusing keys the defaults do not have.
fn overlay(base: &mut Table, user: &Table, prefix: &str, file: &str) -> Result<(), ConfigError> {
    for (k, v) in user {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match (base.get_mut(k), v) {
            (Some(Value::Table(b)), Value::Table(u)) => overlay(b, u, &path, file)?,
            (Some(slot), v) => *slot = v.clone(),
            (None, _) => {
                return Err(ConfigError::UnknownKey {
                    key: path,
                    file: file.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Replaces every leaf whose `STOREOPS_...` variable is set, keeping the leaf's type.
fn apply_env(
    table: &mut Table,
    prefix: &str,
    env: &dyn Fn(&str) -> Option<String>,
    origins: &mut BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    for (k, v) in table.iter_mut() {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if let Value::Table(t) = v {
            apply_env(t, &path, env, origins)?;
            continue;
        }
        let name = env_name(&path);
        let Some(raw) = env(&name) else { continue };
        let invalid = |expected: &str| ConfigError::Invalid {
            key: path.clone(),
            value: raw.clone(),
            expected: expected.to_string(),
            origin: format!(" (from environment variable {name})"),
        };
        *v = match v {
            Value::String(_) => Value::String(raw.clone()),
            Value::Integer(_) => {
                Value::Integer(raw.trim().parse().map_err(|_| invalid("a whole number"))?)
            }
            Value::Boolean(_) => Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => return Err(invalid("true or false")),
            }),
            Value::Array(_) => Value::Array(
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| match s.parse::<i64>() {
                        Ok(n) if path != "tasks.remind_before" => Value::Integer(n),
                        _ => Value::String(s.to_string()),
                    })
                    .collect(),
            ),
            _ => Value::String(raw.clone()),
        };
        origins.insert(path, name);
    }
    Ok(())
}

struct Reader<'a> {
    table: &'a Table,
    origins: &'a BTreeMap<String, String>,
    file: &'a str,
}

impl Reader<'_> {
    fn get(&self, section: &str, key: &str) -> Option<&Value> {
        self.table.get(section)?.as_table()?.get(key)
    }

    fn invalid(&self, section: &str, key: &str, value: &str, expected: &str) -> ConfigError {
        let path = format!("{section}.{key}");
        let origin = match self.origins.get(&path) {
            Some(var) => format!(" (from environment variable {var})"),
            None => format!(" (in {})", self.file),
        };
        ConfigError::Invalid {
            key: path,
            value: value.to_string(),
            expected: expected.to_string(),
            origin,
        }
    }

    fn shown(v: Option<&Value>) -> String {
        v.map(|v| v.to_string())
            .unwrap_or_else(|| "(missing)".into())
    }

    fn string(&self, section: &str, key: &str) -> Result<String, ConfigError> {
        match self.get(section, key) {
            Some(Value::String(s)) => Ok(s.clone()),
            v => Err(self.invalid(section, key, &Self::shown(v), "a quoted string")),
        }
    }

    fn i64(&self, section: &str, key: &str) -> Result<i64, ConfigError> {
        match self.get(section, key) {
            Some(Value::Integer(n)) => Ok(*n),
            v => Err(self.invalid(section, key, &Self::shown(v), "a whole number")),
        }
    }

    fn u64(&self, section: &str, key: &str) -> Result<u64, ConfigError> {
        match self.get(section, key) {
            Some(Value::Integer(n)) if *n >= 0 => Ok(*n as u64),
            Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
                Ok(s.trim().parse().unwrap_or(0))
            }
            v => Err(self.invalid(
                section,
                key,
                &Self::shown(v),
                "a Discord id (a positive whole number), or 0 for none",
            )),
        }
    }

    fn bool(&self, section: &str, key: &str) -> Result<bool, ConfigError> {
        match self.get(section, key) {
            Some(Value::Boolean(b)) => Ok(*b),
            v => Err(self.invalid(section, key, &Self::shown(v), "true or false")),
        }
    }

    fn u64_list(&self, section: &str, key: &str) -> Result<Vec<u64>, ConfigError> {
        let expected = "a list of Discord ids such as [123456789012345678]";
        match self.get(section, key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Integer(n) if *n > 0 => Ok(*n as u64),
                    Value::String(s) => s
                        .trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| self.invalid(section, key, s, expected)),
                    other => Err(self.invalid(section, key, &other.to_string(), expected)),
                })
                .collect(),
            v => Err(self.invalid(section, key, &Self::shown(v), expected)),
        }
    }

    fn string_list(&self, section: &str, key: &str) -> Result<Vec<String>, ConfigError> {
        match self.get(section, key) {
            Some(Value::Array(items)) => Ok(items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()),
            v => Err(self.invalid(section, key, &Self::shown(v), "a list of strings")),
        }
    }

    fn parse<T>(
        &self,
        section: &str,
        key: &str,
        expected: &str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let s = self.string(section, key)?;
        f(s.trim()).ok_or_else(|| self.invalid(section, key, &s, expected))
    }
}
