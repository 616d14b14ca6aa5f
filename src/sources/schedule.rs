//! When to poll a source next.

use std::time::Duration;

use crate::fetch::HttpTiming;

/// Longest wait any server hint can impose: a day.
const MAX_HINTED_WAIT: Duration = Duration::from_secs(24 * 3600);

/// What the last poll said about timing: the response's headers, and the feed's own `<ttl>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimingHints {
    /// RSS `<ttl>`.
    pub ttl: Option<Duration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Retry-After`.
    pub retry_after: Option<Duration>,
}

impl From<HttpTiming> for TimingHints {
    fn from(http: HttpTiming) -> Self {
        Self { ttl: None, max_age: http.max_age, retry_after: http.retry_after }
    }
}

/// Polling policy of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Normal interval.
    pub interval: Duration,
    /// Shortest interval honoured.
    pub min_interval: Duration,
    /// Cap of the failure backoff.
    pub max_backoff: Duration,
}

impl Schedule {
    /// The schedule of `spec`: its own interval, else the configured default.
    pub fn for_source(spec: &crate::config::SourceSpec, sources: &crate::config::SourcesConfig) -> Self {
        Self {
            interval: Duration::from_secs(spec.interval_secs.unwrap_or(sources.default_interval_secs)),
            min_interval: Duration::from_secs(sources.min_interval_secs),
            max_backoff: Duration::from_secs(sources.max_backoff_secs),
        }
    }

    /// Delay before the next poll, after `consecutive_failures` failures
    /// (0 = the last poll succeeded). Success waits the interval or what the
    /// server asked for (ttl, max-age, Retry-After), whichever is longer;
    /// failures back off exponentially up to the cap, and are always retried.
    pub fn next_delay(&self, consecutive_failures: u32, hints: TimingHints) -> Duration {
        let base = self.interval.max(self.min_interval);
        let wait = if consecutive_failures == 0 {
            let hinted = hints.ttl.into_iter().chain(hints.max_age).max().unwrap_or_default().min(MAX_HINTED_WAIT);
            base.max(hinted)
        } else {
            let factor = 2u32.saturating_pow(consecutive_failures.min(20));
            base.saturating_mul(factor).min(self.max_backoff.max(base))
        };
        wait.max(hints.retry_after.unwrap_or_default().min(MAX_HINTED_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Schedule = Schedule {
        interval: Duration::from_secs(300),
        min_interval: Duration::from_secs(60),
        max_backoff: Duration::from_secs(3600),
    };

    #[test]
    fn success_waits_the_longest_of_interval_and_server_hints() {
        assert_eq!(S.next_delay(0, TimingHints::default()), Duration::from_secs(300));
        let ttl = TimingHints { ttl: Some(Duration::from_secs(900)), ..Default::default() };
        assert_eq!(S.next_delay(0, ttl), Duration::from_secs(900));
        let max_age = TimingHints { max_age: Some(Duration::from_secs(30)), ..Default::default() };
        assert_eq!(S.next_delay(0, max_age), Duration::from_secs(300));
        let absurd = TimingHints { max_age: Some(Duration::from_secs(10_000_000)), ..Default::default() };
        assert_eq!(S.next_delay(0, absurd), MAX_HINTED_WAIT);
    }

    #[test]
    fn failures_back_off_exponentially_to_a_cap_and_honour_retry_after() {
        assert_eq!(S.next_delay(1, TimingHints::default()), Duration::from_secs(600));
        assert_eq!(S.next_delay(2, TimingHints::default()), Duration::from_secs(1200));
        assert_eq!(S.next_delay(50, TimingHints::default()), Duration::from_secs(3600));
        let later = TimingHints { retry_after: Some(Duration::from_secs(7200)), ..Default::default() };
        assert_eq!(S.next_delay(1, later), Duration::from_secs(7200));
    }
}
