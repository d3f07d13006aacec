//! Failures of a command, split by whose they are: the user's (bad input, not allowed: said in
//! their language with what to type instead) or the system's (disk, database: logged, and the
//! user told that nothing was changed).

use super::spec;
use crate::i18n::{Arg, Locale};
use crate::store::StoreError;

/// Something the user can fix; rendered from the message catalogs.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// The catalog prefix labelling the keys of the `choices` argument (`choice`,
    /// `complaint-cat`): readers of another language than English see the labels.
    pub labels: Option<&'static str>,
}

impl UserError {
    /// An error with no arguments.
    pub fn new(key: &'static str) -> Self {
        UserError {
            key,
            args: vec![],
            labels: None,
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// Adds the `choices` argument: `keys`, shown to an English reader as they are typed and to
    /// others by their labels (catalog key `<prefix>-<key>`).
    pub fn choices<S: AsRef<str>>(mut self, prefix: &'static str, keys: &[S]) -> Self {
        let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
        self.args.push(("choices", keys.join(", ")));
        self.labels = Some(prefix);
        self
    }

    /// The message in `locale`. Arguments that are names of the command table are shown as
    /// the reader sees them: an option (`option`) by its name in their language, an example
    /// (`example`) of a command by its example in their language.
    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, Arg)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, Arg::Str(self.shown(k, v, locale))))
            .collect();
        locale.t_args(self.key, &args)
    }

    fn shown(&self, name: &str, value: &str, locale: Locale) -> String {
        if locale == Locale::EnUs {
            return value.to_string();
        }
        match name {
            "option" => spec::option_name(value, locale),
            "example" => spec::CommandSpec::leaves()
                .into_iter()
                .find(|(_, c)| !value.is_empty() && c.example == value)
                .map_or_else(
                    || value.to_string(),
                    |(path, _)| spec::example(&path, locale),
                ),
            "choices" => match self.labels {
                Some(prefix) => value
                    .split(", ")
                    .map(|key| {
                        let k = format!("{prefix}-{key}");
                        if locale.has(&k) {
                            locale.t(&k)
                        } else {
                            key.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                None => value.to_string(),
            },
            _ => value.to_string(),
        }
    }
}

/// Why a command did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The user's input or rights.
    #[error("user error: {}", .0.key)]
    User(UserError),
    /// The disk or the database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<UserError> for AppError {
    fn from(e: UserError) -> Self {
        AppError::User(e)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Store(StoreError::Sql(e))
    }
}

/// Result of a command.
pub type AppResult<T> = Result<T, AppError>;

/// The item numbered `id`, or the error `key` (which names that number) when there is none.
pub fn found<T>(item: Option<T>, key: &'static str, id: i64) -> AppResult<T> {
    item.ok_or_else(|| UserError::new(key).arg("id", id.to_string()).into())
}

/// Autocomplete suggestions: (what the user sees, the value sent back), at most 25.
pub type Suggestions = AppResult<Vec<(String, String)>>;

/// Work the bot does on its own (the jobs) reports its failures as the store's: a job has no
/// user to show a user error to, so one (a bug) becomes a corrupt-state error, logged.
impl From<AppError> for StoreError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(s) => s,
            AppError::User(u) => {
                StoreError::Corrupt(format!("unexpected user error in a job: {}", u.key))
            }
        }
    }
}
