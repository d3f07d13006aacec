//! What the bot sent on its own, read out of the shell's output. The shell prints each such
//! message after the command's own reply as `[bot → #target]`, then the ping line (if anyone
//! is pinged), then `== title ==` and the rest.

/// A message the bot sent on its own, as the shell printed it.
#[derive(Debug, Clone)]
pub struct Sent {
    /// `#shell`, `#esc`, `#daily`.
    pub target: String,
    /// The ping line (`@bob @manager`), empty when nobody is pinged.
    pub mentions: String,
    /// The headline.
    pub title: String,
    /// Everything printed for it, from the target on.
    pub text: String,
}

/// Every message the bot sent, in the order printed (the command's own reply is left out).
pub fn all_sent(out: &str) -> Vec<Sent> {
    out.split("[bot → ")
        .skip(1)
        .map(|chunk| {
            let mut lines = chunk.lines();
            let target = lines.next().unwrap_or("").trim_end_matches(']').to_string();
            let rest: Vec<&str> = lines.collect();
            let (mentions, rest) = match rest.first() {
                Some(l) if !l.starts_with("== ") => (l.to_string(), &rest[1..]),
                _ => (String::new(), &rest[..]),
            };
            let title = rest
                .first()
                .map(|l| {
                    l.trim_start_matches("== ")
                        .trim_end_matches(" ==")
                        .to_string()
                })
                .unwrap_or_default();
            Sent {
                target,
                mentions,
                title,
                text: chunk.to_string(),
            }
        })
        .collect()
}

/// The task messages the bot sent, in the order printed; other features' messages (e.g.
/// scheduled activities) share the outbox and are left out.
pub fn sent_tasks(out: &str) -> Vec<Sent> {
    all_sent(out)
        .into_iter()
        .filter(|m| m.text.contains("/press task:") || m.title.to_lowercase().contains("task #"))
        .collect()
}

/// Exactly one task message was sent; returns it.
pub fn one_task(out: &str) -> Sent {
    let msgs = sent_tasks(out);
    assert_eq!(msgs.len(), 1, "exactly one message expected:\n{out}");
    msgs[0].clone()
}

/// The messages about complaints (warnings, escalations, alerts) among those sent; other
/// features' messages (activity reminders, task pings) are left out.
pub fn sent_complaints(out: &str) -> Vec<Sent> {
    all_sent(out)
        .into_iter()
        .filter(|s| {
            s.title.starts_with("Complaint #") || s.title.starts_with("Serious complaint #")
        })
        .collect()
}

/// Exactly one message about a complaint was sent; returns it.
pub fn one_complaint(out: &str) -> Sent {
    let msgs = sent_complaints(out);
    assert_eq!(
        msgs.len(),
        1,
        "exactly one complaint message expected:\n{out}"
    );
    msgs[0].clone()
}

/// The messages sent whose title starts with `prefix` (`Morning summary — `).
pub fn sent_titled(out: &str, prefix: &str) -> Vec<Sent> {
    all_sent(out)
        .into_iter()
        .filter(|m| m.title.starts_with(prefix))
        .collect()
}

/// The titles of the messages sent whose title starts with `prefix`.
pub fn titles(out: &str, prefix: &str) -> Vec<String> {
    sent_titled(out, prefix)
        .into_iter()
        .map(|m| m.title)
        .collect()
}
