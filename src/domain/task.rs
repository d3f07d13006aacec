//! Tasks: priorities, states, which transitions are allowed, who may act on a task, who
//! covers whom, and when a task's pings are due.

use chrono::{DateTime, Duration, Utc};

use super::position::Position;

/// A task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Number shown to people (`#42`).
    pub id: i64,
    pub guild_id: u64,
    pub title: String,
    pub note: Option<String>,
    pub priority: Priority,
    pub status: Status,
    /// Owner, when someone owns it (a task given to a position has none until taken).
    pub assignee_id: Option<u64>,
    /// The position it was given to.
    pub position: Option<Position>,
    pub assigner_id: u64,
    /// Where its pings go.
    pub channel_id: u64,
    pub due_at: DateTime<Utc>,
    /// The lateness episode: a new one starts when the deadline moves to an instant still
    /// ahead. Each ping level goes out once per episode.
    pub episode: i64,
    /// The recurring definition it came from.
    pub recurring_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
}

/// Who is acting on a task, as far as the rules care.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub user_id: u64,
    /// Holds the manager position (or the platform's administrator right).
    pub manager: bool,
    /// The positions the person holds.
    pub positions: &'a [Position],
}

impl Task {
    /// The outbox source of its pings.
    pub fn source(&self) -> String {
        format!("task:{}", self.id)
    }

    /// The assignee, the assigner, a manager, or (for a task nobody took yet) a holder of its
    /// position may work on it: start, finish, snooze, comment.
    pub fn may_act(&self, a: &Acting) -> bool {
        a.manager
            || self.assignee_id == Some(a.user_id)
            || self.assigner_id == a.user_id
            || (self.assignee_id.is_none()
                && self.position.is_some_and(|p| a.positions.contains(&p)))
    }

    /// Only the assigner or a manager may change what the task is: edit, reassign, cancel.
    pub fn may_manage(&self, a: &Acting) -> bool {
        a.manager || self.assigner_id == a.user_id
    }
}

/// `cover_id` stands in for a position or a member between two instants.
#[derive(Debug, Clone)]
pub struct Cover {
    pub id: i64,
    pub position: Option<Position>,
    pub user_id: Option<u64>,
    pub cover_id: u64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Who covers work of `user` (or, without one, of `position`) at `at`: the first cover in force
/// then, if any. A member's own cover wins; a position's cover applies to work nobody took.
pub fn cover_at(
    covers: &[Cover],
    user: Option<u64>,
    position: Option<Position>,
    at: DateTime<Utc>,
) -> Option<u64> {
    let mut active = covers
        .iter()
        .filter(|c| c.starts_at <= at && at < c.ends_at);
    match user {
        Some(u) => active.find(|c| c.user_id == Some(u)),
        None => active.find(|c| c.position.is_some() && c.position == position),
    }
    .map(|c| c.cover_id)
}

/// How urgent a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// The default.
    Normal,
    /// Before other work.
    High,
    /// Drop everything.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
    super::keys_of_all!(4);

    /// Stored and typed form.
    pub const fn key(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Parses the key (and Chinese words people type).
    pub fn parse(s: &str) -> Option<Priority> {
        Some(match s.trim().to_lowercase().as_str() {
            "low" | "低" => Priority::Low,
            "normal" | "medium" | "普通" | "中" => Priority::Normal,
            "high" | "高" => Priority::High,
            "urgent" | "紧急" | "急" => Priority::Urgent,
            _ => return None,
        })
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not started.
    Open,
    /// Someone is on it.
    InProgress,
    /// Finished.
    Done,
    /// Called off.
    Cancelled,
}

impl Status {
    /// Stored form.
    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "open" => Status::Open,
            "in_progress" => Status::InProgress,
            "done" => Status::Done,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }

    /// Still to be done (reminders apply).
    pub fn is_active(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

/// A change of state someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Begin work.
    Start,
    /// Finish.
    Done,
    /// Open again.
    Reopen,
    /// Call off.
    Cancel,
}

impl Transition {
    /// The state after the transition, or None when it does not apply from `from`.
    pub fn apply(self, from: Status) -> Option<Status> {
        match (self, from) {
            (Transition::Start, Status::Open) => Some(Status::InProgress),
            (Transition::Done, Status::Open | Status::InProgress) => Some(Status::Done),
            (Transition::Reopen, Status::Done | Status::Cancelled) => Some(Status::Open),
            (Transition::Cancel, Status::Open | Status::InProgress) => Some(Status::Cancelled),
            _ => None,
        }
    }

    /// The event kind recorded in the history.
    pub fn key(self) -> &'static str {
        match self {
            Transition::Start => "started",
            Transition::Done => "done",
            Transition::Reopen => "reopened",
            Transition::Cancel => "cancelled",
        }
    }
}

/// One ping of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingKind {
    /// Some time before the deadline.
    Before(Duration),
    /// At the deadline, to the assignee.
    Due,
    /// Overdue: the assigner is told too.
    Assigner,
    /// Long overdue: the escalation channel is told.
    Manager,
}

impl PingKind {
    /// Part of the outbox dedupe key.
    pub fn key(self) -> String {
        match self {
            PingKind::Before(d) => format!("before-{}m", d.num_minutes()),
            PingKind::Due => "due".into(),
            PingKind::Assigner => "overdue-assigner".into(),
            PingKind::Manager => "overdue-manager".into(),
        }
    }
}

/// When a task's pings are due. Pings already in the past when the plan is made are left
/// out, except the deadline ping and the escalations (a task assigned overdue still escalates).
pub fn ping_plan(
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    before: &[Duration],
    assigner_after: Duration,
    manager_after: Duration,
) -> Vec<(PingKind, DateTime<Utc>)> {
    let mut plan: Vec<(PingKind, DateTime<Utc>)> = before
        .iter()
        .map(|d| (PingKind::Before(*d), due - *d))
        .filter(|(_, at)| *at >= now)
        .collect();
    plan.push((PingKind::Due, due.max(now)));
    plan.push((PingKind::Assigner, (due + assigner_after).max(now)));
    plan.push((PingKind::Manager, (due + manager_after).max(now)));
    plan.sort_by_key(|(_, at)| *at);
    plan
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn task(assignee: Option<u64>, position: Option<Position>) -> Task {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        Task {
            id: 1,
            guild_id: 1,
            title: "t".into(),
            note: None,
            priority: Priority::Normal,
            status: Status::Open,
            assignee_id: assignee,
            position,
            assigner_id: 10,
            channel_id: 5,
            due_at: t,
            episode: 1,
            recurring_id: None,
            created_at: t,
            started_at: None,
            done_at: None,
        }
    }

    #[test]
    fn who_may_act_and_manage() {
        let cs = [Position::CustomerService];
        let who = |user_id, manager, positions: &'static [Position]| Acting {
            user_id,
            manager,
            positions,
        };
        let owned = task(Some(20), None);
        assert!(owned.may_act(&who(20, false, &[])), "the assignee");
        assert!(owned.may_act(&who(10, false, &[])), "the assigner");
        assert!(owned.may_act(&who(99, true, &[])), "a manager");
        assert!(
            !owned.may_act(&who(30, false, &[Position::Design])),
            "anyone else"
        );
        let offered = task(None, Some(Position::CustomerService));
        assert!(offered.may_act(&Acting {
            user_id: 30,
            manager: false,
            positions: &cs
        }));
        let taken = task(Some(20), Some(Position::CustomerService));
        assert!(!taken.may_act(&Acting {
            user_id: 30,
            manager: false,
            positions: &cs
        }));
        assert!(owned.may_manage(&who(10, false, &[])));
        assert!(
            !owned.may_manage(&who(20, false, &[])),
            "the assignee cannot edit"
        );
        assert!(owned.may_manage(&who(99, true, &[])));
    }

    #[test]
    fn a_cover_applies_inside_its_window_to_its_member_or_position() {
        let at = |h: i64| DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap_or_default();
        let covers = vec![
            Cover {
                id: 1,
                position: None,
                user_id: Some(20),
                cover_id: 21,
                starts_at: at(0),
                ends_at: at(24),
            },
            Cover {
                id: 2,
                position: Some(Position::Design),
                user_id: None,
                cover_id: 31,
                starts_at: at(10),
                ends_at: at(20),
            },
        ];
        assert_eq!(cover_at(&covers, Some(20), None, at(1)), Some(21));
        assert_eq!(
            cover_at(&covers, Some(20), None, at(24)),
            None,
            "the end is exclusive"
        );
        assert_eq!(cover_at(&covers, Some(22), None, at(1)), None);
        assert_eq!(
            cover_at(&covers, None, Some(Position::Design), at(10)),
            Some(31)
        );
        assert_eq!(cover_at(&covers, None, Some(Position::Design), at(9)), None);
        assert_eq!(
            cover_at(&covers, Some(20), Some(Position::Design), at(12)),
            Some(21),
            "a member's work follows the member"
        );
        assert_eq!(cover_at(&covers, None, None, at(12)), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_life_of_a_task() {
        assert_eq!(
            Transition::Start.apply(Status::Open),
            Some(Status::InProgress)
        );
        assert_eq!(
            Transition::Done.apply(Status::InProgress),
            Some(Status::Done)
        );
        assert_eq!(Transition::Done.apply(Status::Done), None);
        assert_eq!(Transition::Reopen.apply(Status::Open), None);
        assert_eq!(Transition::Cancel.apply(Status::Done), None);
        assert_eq!(
            Transition::Reopen.apply(Status::Cancelled),
            Some(Status::Open)
        );
    }

    #[test]
    fn the_plan_skips_reminders_already_past() {
        let now: DateTime<Utc> = "2026-11-23T01:00:00Z".parse().expect("t");
        let due = now + Duration::hours(3);
        let plan = ping_plan(
            due,
            now,
            &[Duration::hours(24), Duration::hours(1)],
            Duration::hours(4),
            Duration::hours(24),
        );
        let kinds: Vec<String> = plan.iter().map(|(k, _)| k.key()).collect();
        assert_eq!(
            kinds,
            vec!["before-60m", "due", "overdue-assigner", "overdue-manager"]
        );
        assert_eq!(plan[0].1, due - Duration::hours(1));
        assert_eq!(plan[3].1, due + Duration::hours(24));
    }
}
