//! Waits before Discord would refuse a request, rather than learning from 429s: Discord bans a
//! bot that makes too many invalid requests (10,000 in 10 minutes, 429s included;
//! <https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit>).
//!
//! Per route: every response carries `X-RateLimit-Remaining` and `X-RateLimit-Reset-After`
//! (<https://discord.com/developers/docs/topics/rate-limits#header-format>); when none remain,
//! the next request on that route waits until the reset. Message creation is limited per
//! channel (the channel id is the route's major parameter), so the route key includes it.
//! Globally: at most `global_per_second` requests in any second (Discord's global limit is 50
//! a second; <https://discord.com/developers/docs/topics/rate-limits#global-rate-limit>); a 429
//! marked global pauses every route for its `retry_after`.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// What Discord told us about one route.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u64,
    reset_at: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// When the last requests (at most `global_per_second`) were let through.
    recent: VecDeque<Instant>,
    /// No request before this (a global 429).
    global_until: Option<Instant>,
    buckets: HashMap<String, Bucket>,
}

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers {
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset-After`, seconds.
    pub reset_after: Option<f64>,
    /// A 429's wait, seconds (body `retry_after`, or the `Retry-After` header).
    pub retry_after: Option<f64>,
    /// A 429 that applies to every route (`"global": true` or `X-RateLimit-Scope: global`).
    pub global: bool,
}

impl Headers {
    /// Reads the headers (and a 429's body) of a response.
    pub fn read(
        headers: &reqwest::header::HeaderMap,
        status: u16,
        body: &serde_json::Value,
    ) -> Self {
        let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let num = |name: &str| h(name).and_then(|v| v.trim().parse::<f64>().ok());
        let limited = status == 429;
        Headers {
            remaining: h("x-ratelimit-remaining").and_then(|v| v.trim().parse().ok()),
            reset_after: num("x-ratelimit-reset-after"),
            retry_after: limited
                .then(|| body["retry_after"].as_f64().or_else(|| num("retry-after")))
                .flatten(),
            global: limited
                && (body["global"].as_bool() == Some(true)
                    || h("x-ratelimit-scope") == Some("global")
                    || h("x-ratelimit-global").is_some()),
        }
    }
}

/// The bot's view of Discord's rate limits, shared by every outbound request of the sink.
#[derive(Debug)]
pub struct RateLimiter {
    global_per_second: usize,
    state: Mutex<State>,
}

impl RateLimiter {
    /// A limiter letting at most `global_per_second` requests through in any second.
    pub fn new(global_per_second: usize) -> Self {
        RateLimiter {
            global_per_second: global_per_second.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// Waits until a request on `route` would not be refused, and counts it as made.
    pub async fn acquire(&self, route: &str) {
        loop {
            let wait_until = {
                let mut st = self.state.lock().await;
                let now = Instant::now();
                let second = Duration::from_secs(1);
                while st.recent.front().is_some_and(|t| *t + second <= now) {
                    st.recent.pop_front();
                }
                let mut until = st.global_until.filter(|g| *g > now);
                if st.recent.len() >= self.global_per_second
                    && let Some(oldest) = st.recent.front()
                {
                    until = until.max(Some(*oldest + second));
                }
                if let Some(b) = st.buckets.get(route)
                    && b.remaining == 0
                    && b.reset_at > now
                {
                    until = until.max(Some(b.reset_at));
                }
                match until {
                    Some(t) => t,
                    None => {
                        st.recent.push_back(now);
                        if let Some(b) = st.buckets.get_mut(route)
                            && b.reset_at > now
                        {
                            b.remaining = b.remaining.saturating_sub(1);
                        }
                        return;
                    }
                }
            };
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// Learns from a response on `route`.
    pub async fn update(&self, route: &str, h: &Headers) {
        let mut st = self.state.lock().await;
        let now = Instant::now();
        let secs = |s: f64| Duration::from_secs_f64(s.clamp(0.0, 3600.0));
        if let Some(wait) = h.retry_after {
            if h.global {
                st.global_until = Some(now + secs(wait));
            } else {
                st.buckets.insert(
                    route.to_string(),
                    Bucket {
                        remaining: 0,
                        reset_at: now + secs(wait),
                    },
                );
            }
            return;
        }
        if let (Some(remaining), Some(reset_after)) = (h.remaining, h.reset_after) {
            st.buckets.insert(
                route.to_string(),
                Bucket {
                    remaining,
                    reset_at: now + secs(reset_after),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_spent_route_waits_for_its_reset_and_others_do_not() {
        let rl = RateLimiter::new(50);
        let start = Instant::now();
        rl.acquire("POST /channels/1/messages").await;
        rl.update(
            "POST /channels/1/messages",
            &Headers {
                remaining: Some(0),
                reset_after: Some(2.5),
                ..Headers::default()
            },
        )
        .await;
        rl.acquire("POST /channels/2/messages").await;
        assert_eq!(Instant::now() - start, Duration::ZERO);
        rl.acquire("POST /channels/1/messages").await;
        assert_eq!(Instant::now() - start, Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_the_global_rate_goes_out_in_any_second() {
        let rl = RateLimiter::new(50);
        let start = Instant::now();
        for _ in 0..120 {
            rl.acquire(&format!(
                "POST /channels/{}/messages",
                rand::random::<u32>()
            ))
            .await;
        }
        // 50 at once, 50 a second later, the last 20 after two seconds.
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_global_429_pauses_every_route() {
        let rl = RateLimiter::new(50);
        let start = Instant::now();
        rl.update(
            "POST /channels/1/messages",
            &Headers {
                retry_after: Some(1.25),
                global: true,
                ..Headers::default()
            },
        )
        .await;
        rl.acquire("POST /channels/9/messages").await;
        assert_eq!(Instant::now() - start, Duration::from_millis(1250));
    }

    #[test]
    fn headers_are_read_as_discord_sends_them() {
        let mut map = reqwest::header::HeaderMap::new();
        map.insert("x-ratelimit-remaining", "3".parse().expect("value"));
        map.insert("x-ratelimit-reset-after", "1.5".parse().expect("value"));
        map.insert("x-ratelimit-scope", "global".parse().expect("value"));
        let ok = Headers::read(&map, 200, &serde_json::Value::Null);
        assert_eq!(
            (ok.remaining, ok.reset_after, ok.global),
            (Some(3), Some(1.5), false)
        );
        let body = serde_json::json!({"retry_after": 0.75, "global": false});
        let limited = Headers::read(&map, 429, &body);
        assert_eq!(limited.retry_after, Some(0.75));
        assert!(limited.global, "the scope header says global");
    }
}
