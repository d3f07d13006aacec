//! Tasks: priorities, states, which transitions are allowed, and when a task's pings are due.

use chrono::{DateTime, Duration, Utc};

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
    /// Stored and typed form.
    pub fn key(self) -> &'static str {
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
        .filter(|(_, at)| *at > now)
        .collect();
    plan.push((PingKind::Due, due.max(now)));
    plan.push((PingKind::Assigner, (due + assigner_after).max(now)));
    plan.push((PingKind::Manager, (due + manager_after).max(now)));
    plan.sort_by_key(|(_, at)| *at);
    plan
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
