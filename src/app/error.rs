//! Failures of a command, split by whose they are: the user's (bad input, not allowed: said in
//! their language with what to type instead) or the system's (disk, database: logged, and the
//! user told that nothing was changed).

use crate::i18n::{Arg, Locale};
use crate::store::StoreError;

/// Something the user can fix; rendered from the message catalogs.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl UserError {
    /// An error with no arguments.
    pub fn new(key: &'static str) -> Self {
        UserError { key, args: vec![] }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message in `locale`.
    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, Arg)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, Arg::Str(v.clone())))
            .collect();
        locale.t_args(self.key, &args)
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
