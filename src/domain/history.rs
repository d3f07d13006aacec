//! What a history entry says changed: the field and both sides ("@dana → @erin", "@erin →
//! Design", a deadline from one instant to another). Stored as a small JSON object in the
//! event's `detail`, language-free, so each reader sees it in their own language.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::complaint::Outcome;
use super::position::Position;
use super::task::Priority;

/// Which property of a task or complaint changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// Who owns it (a member, a position, nobody).
    Owner,
    /// The deadline.
    Due,
    /// The title.
    Title,
    /// The priority.
    Priority,
    /// The note.
    Note,
    /// A complaint's outcome (and the money paid with it); reopening takes it back.
    Outcome,
}

impl Field {
    /// Stored form (also the message key's suffix).
    pub const fn key(self) -> &'static str {
        match self {
            Field::Owner => "owner",
            Field::Due => "due",
            Field::Title => "title",
            Field::Priority => "priority",
            Field::Note => "note",
            Field::Outcome => "outcome",
        }
    }
}

/// One side of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// Nobody / no value.
    Nobody,
    /// A member.
    User(u64),
    /// A position nobody took yet.
    Position(Position),
    /// An instant.
    At(DateTime<Utc>),
    /// A priority.
    Priority(Priority),
    /// Text a person typed.
    Text(String),
    /// A complaint's outcome with the amount paid in cents, if any.
    Outcome(Outcome, Option<i64>),
    /// A complaint reopened: no outcome until it is resolved again.
    Reopened,
}

impl Side {
    fn encode(&self) -> String {
        match self {
            Side::Nobody => "-".into(),
            Side::User(u) => format!("u:{u}"),
            Side::Position(p) => format!("p:{}", p.key()),
            Side::At(t) => format!("t:{}", t.timestamp_millis()),
            Side::Priority(p) => format!("r:{}", p.key()),
            Side::Text(s) => format!("x:{s}"),
            Side::Outcome(o, None) => format!("o:{}", o.key()),
            Side::Outcome(o, Some(c)) => format!("o:{}:{c}", o.key()),
            Side::Reopened => "reopened".into(),
        }
    }

    fn decode(s: &str) -> Option<Side> {
        if s == "-" {
            return Some(Side::Nobody);
        }
        if s == "reopened" {
            return Some(Side::Reopened);
        }
        let (tag, rest) = s.split_once(':')?;
        Some(match tag {
            "u" => Side::User(rest.parse().ok()?),
            "p" => Side::Position(rest.parse().ok()?),
            "t" => Side::At(DateTime::from_timestamp_millis(rest.parse().ok()?)?),
            "r" => Side::Priority(Priority::parse(rest)?),
            "x" => Side::Text(rest.to_string()),
            "o" => match rest.split_once(':') {
                Some((o, c)) => Side::Outcome(Outcome::parse(o)?, Some(c.parse().ok()?)),
                None => Side::Outcome(Outcome::parse(rest)?, None),
            },
            _ => return None,
        })
    }

    /// The owner side of an item owned by `user`, else offered to `position`, else nobody.
    pub fn owner(user: Option<u64>, position: Option<Position>) -> Side {
        match (user, position) {
            (Some(u), _) => Side::User(u),
            (None, Some(p)) => Side::Position(p),
            (None, None) => Side::Nobody,
        }
    }
}

/// A field going from one value to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub field: Field,
    /// Before.
    pub from: Side,
    /// After.
    pub to: Side,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    field: Field,
    from: String,
    to: String,
}

impl Change {
    /// A change, or None when both sides are the same (nothing to record).
    pub fn of(field: Field, from: Side, to: Side) -> Option<Change> {
        (from != to).then_some(Change { field, from, to })
    }

    /// The stored form (an event's detail).
    pub fn encode(&self) -> String {
        serde_json::to_string(&Stored {
            field: self.field,
            from: self.from.encode(),
            to: self.to.encode(),
        })
        .unwrap_or_default()
    }

    /// Reads [`Change::encode`]'s form; None for details written before changes were stored
    /// this way (free text).
    pub fn decode(detail: &str) -> Option<Change> {
        let s: Stored = serde_json::from_str(detail).ok()?;
        Some(Change {
            field: s.field,
            from: Side::decode(&s.from)?,
            to: Side::decode(&s.to)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_and_equal_sides_are_no_change() {
        let at = DateTime::from_timestamp_millis(1_790_000_000_123).unwrap();
        for (f, a, b) in [
            (
                Field::Owner,
                Side::User(7),
                Side::Position(Position::Design),
            ),
            (Field::Owner, Side::Nobody, Side::User(u64::MAX)),
            (
                Field::Due,
                Side::At(at),
                Side::At(at + chrono::Duration::hours(1)),
            ),
            (
                Field::Priority,
                Side::Priority(Priority::Low),
                Side::Priority(Priority::Urgent),
            ),
            (
                Field::Outcome,
                Side::Outcome(Outcome::PartialRefund, Some(2_550)),
                Side::Reopened,
            ),
            (
                Field::Outcome,
                Side::Reopened,
                Side::Outcome(Outcome::Exchange, None),
            ),
            (
                Field::Title,
                Side::Text("a → \"b\" {x:1}".into()),
                Side::Text("x:=1+2".into()),
            ),
        ] {
            let c = Change::of(f, a, b).expect("a change");
            assert_eq!(Change::decode(&c.encode()), Some(c));
        }
        assert!(Change::of(Field::Owner, Side::User(1), Side::User(1)).is_none());
        assert!(Change::decode("<@123>").is_none());
        assert!(Change::decode("123").is_none());
    }
}
