//! Polling sources: the async edge of the sources stage.
//!
//! A poll fetches a source (conditionally), parses it as a feed or a page,
//! and queues every article not delivered before (or due for a revisit, to
//! catch revisions), each with a ticket of the poll. The source's cursor is committed only once all those tickets are
//! delivered. Queueing waits when the pipeline is full: backpressure reaches
//! the pollers.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::feed::{FeedError, parse_feed};
use super::page::{LinkRules, discover_links};
use super::schedule::{Schedule, TimingHints};
use super::{Discovered, FeedHints, SourceLocation};
use crate::config::{SourceSpec, SourceSpecKind};
use crate::delivery::{CommitSender, Inflight, PollHandle, Ticketed};
use crate::fetch::{FetchError, Fetched, Fetcher};
use crate::normalize::{site_of, url_id};
use crate::record::SourceRef;
use crate::state::{Commit, StateError, Store};

/// Why a poll failed.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// The source address is unusable.
    #[error(transparent)]
    Location(#[from] super::LocationError),
    /// The source could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The body is not a feed.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// A sitemap, site or GDELT source failed.
    #[error(transparent)]
    Discovery(#[from] super::discovery_polls::DiscoveryError),
    /// The state store failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The pipeline is shutting down.
    #[error("pipeline closed")]
    Closed,
}

/// What one successful poll found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollSummary {
    /// 304: nothing new.
    pub not_modified: bool,
    /// Article links in the source.
    pub found: usize,
    /// Links queued for fetching (not seen before, not in flight).
    pub queued: usize,
    /// Server hints for the next poll.
    pub hints: TimingHints,
}

/// What every poller shares.
#[derive(Clone)]
pub struct Poller {
    /// The polite HTTP client.
    pub fetcher: Arc<Fetcher>,
    /// Delivered state: cursors and seen URLs.
    pub store: Arc<Store>,
    /// Where tickets send their commits.
    pub commits: CommitSender,
    /// Articles being processed now.
    pub inflight: Inflight,
    /// Articles taken from one poll.
    pub max_articles_per_poll: usize,
    /// The fetch stage's input.
    pub out: async_channel::Sender<Ticketed<Discovered>>,
    /// Holds back repeats of the same failure of the same source.
    pub log_limiter: Arc<crate::telemetry::LogLimiter>,
}

fn error_kind(error: &PollError) -> String {
    match error {
        PollError::Fetch(e) => e.kind(),
        PollError::Location(_) => "location".into(),
        PollError::Feed(_) => "feed".into(),
        PollError::Discovery(_) => "discovery".into(),
        PollError::State(_) => "state".into(),
        PollError::Closed => "closed".into(),
    }
}

impl Poller {
    /// Poll `spec` once and queue its new articles.
    pub async fn poll(&self, spec: &SourceSpec) -> Result<PollSummary, PollError> {
        if !matches!(spec.kind, SourceSpecKind::Feed | SourceSpecKind::Page) {
            return self.poll_discovery(spec).await;
        }
        let location = SourceLocation::parse(&spec.url)?;
        let cursor = self.store.cursor(&spec.url)?;
        let validators = cursor.as_ref().map(super::validators_of);
        let body = match self.fetcher.fetch(&location, validators.as_ref()).await? {
            Fetched::NotModified(timing) => {
                return Ok(PollSummary { not_modified: true, hints: timing.into(), ..Default::default() });
            }
            Fetched::Body(body) => body,
        };
        let base = body.final_url.clone();
        let (links, mut hints) = match spec.kind {
            SourceSpecKind::Feed => {
                let feed = parse_feed(&body.bytes, &base)?;
                let ttl = feed.ttl_minutes.map(|m| Duration::from_secs(u64::from(m) * 60));
                let links: Vec<(url::Url, FeedHints)> = feed.items.into_iter().map(|i| (i.url, i.hints)).collect();
                (links, TimingHints { ttl, ..body.timing.into() })
            }
            SourceSpecKind::Page => {
                let html = crate::extract::decode_html(&body.bytes, body.content_type.as_deref());
                let rules =
                    LinkRules { selector: spec.link_selector.as_deref(), follow_other_sites: spec.follow_other_sites };
                let links = discover_links(&html, &base, &rules);
                (links.into_iter().map(|u| (u, FeedHints::default())).collect(), body.timing.into())
            }
            SourceSpecKind::Sitemap | SourceSpecKind::Site | SourceSpecKind::Gdelt => {
                unreachable!("discovery sources are polled by poll_discovery")
            }
        };
        hints.retry_after = None;
        // Feed lag: how old the newest item is — a stalled feed shows up here before users notice.
        if let Some(newest) = links.iter().filter_map(|(_, h)| h.published_at.or(h.updated_at)).max() {
            let lag = (chrono::Utc::now() - newest).num_milliseconds().max(0) as f64 / 1000.0;
            metrics::histogram!("talkwire_feed_lag_seconds").record(lag);
        }

        // The cursor is worth saving only when the server gave validators.
        let cursor_commit = body
            .validators
            .any()
            .then(|| Commit::Cursor { source: spec.url.clone(), cursor: super::cursor_of(body.validators.clone()) });
        let poll = PollHandle::new(cursor_commit, self.commits.clone());
        let source = SourceRef {
            kind: super::discovery_polls::record_kind(spec.kind),
            url: spec.url.clone(),
            site: String::new(),
        };

        let mut summary = PollSummary { found: links.len(), hints, ..Default::default() };
        summary.queued = self.queue_links(&poll, &source, links).await?;
        Ok(summary)
    }

    /// Queue the links of one poll (newest first, at most `max_articles_per_poll`) that are
    /// due and not in flight, each with a ticket of `poll`; returns how many were queued.
    pub(crate) async fn queue_links(
        &self,
        poll: &PollHandle,
        source: &SourceRef,
        links: Vec<(url::Url, FeedHints)>,
    ) -> Result<usize, PollError> {
        let mut queued = 0;
        for (url, item_hints) in links.into_iter().take(self.max_articles_per_poll) {
            let url_id = url_id(&url);
            if !self.store.due(&url_id, item_hints.updated_at)? {
                continue;
            }
            let by_this_source = format!("{}|{url_id}", source.url);
            if self.inflight.contains(&url_id) {
                // An earlier poll of this same source is still delivering the article: this poll
                // must not commit a cursor that would hide it if that delivery fails or the process
                // dies. (Another source holding it keeps its own cursor back instead.)
                if self.inflight.contains(&by_this_source) {
                    poll.abandon();
                }
                continue;
            }
            let mut ticket = poll.ticket();
            if !self.inflight.claim(&url_id, &mut ticket) {
                continue; // lost a race: the unresolved ticket holds this poll's cursor back (safe)
            }
            self.inflight.claim(&by_this_source, &mut ticket);
            ticket.add_commit(Commit::SeenUrl { url_id: url_id.clone() });
            let source = SourceRef { site: site_of(&url), ..source.clone() };
            tracing::debug!(url = %url, id = %url_id, source = %source.url, "queued");
            let item = Discovered { url, source, hints: item_hints };
            if self.out.send(Ticketed { item, ticket }).await.is_err() {
                poll.abandon();
                return Err(PollError::Closed);
            }
            queued += 1;
        }
        Ok(queued)
    }

    /// Poll `spec` and log the outcome; returns the consecutive failure count after this poll.
    pub async fn poll_and_log(&self, spec: &SourceSpec) -> (u64, TimingHints) {
        let started = std::time::Instant::now();
        let previous_failures = self.store.source_failures(&spec.url).unwrap_or(0);
        let result = self.poll(spec).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let (failures, hints, outcome) = match &result {
            Ok(s) => {
                tracing::info!(
                    source = %spec.url, found = s.found, queued = s.queued, not_modified = s.not_modified,
                    elapsed_ms, "polled source"
                );
                (0, s.hints, if s.not_modified { "not_modified" } else { "ok" })
            }
            Err(PollError::Closed) => (previous_failures, TimingHints::default(), "closed"),
            Err(error) => {
                let failures = previous_failures + 1;
                if let Some(suppressed) = self.log_limiter.check(&format!("{} {}", spec.url, error_kind(error))) {
                    tracing::warn!(source = %spec.url, %error, failures, elapsed_ms, suppressed, "source failed; will retry");
                }
                let retry_after = match error {
                    PollError::Fetch(e) => e.retry_after(),
                    _ => None,
                };
                (failures, TimingHints { retry_after, ..Default::default() }, "error")
            }
        };
        metrics::counter!("talkwire_polls_total", "outcome" => outcome).increment(1);
        if failures != previous_failures
            && let Err(e) = self.store.set_source_failures(&spec.url, failures)
        {
            tracing::error!(source = %spec.url, error = %e, "cannot record source health");
        }
        (failures, hints)
    }

    /// Poll `spec` on its schedule until `cancel` fires. Failing sources back
    /// off exponentially (capped) and keep being retried.
    pub async fn run(self, spec: SourceSpec, schedule: Schedule, cancel: CancellationToken) {
        loop {
            let (failures, hints) = tokio::select! {
                _ = cancel.cancelled() => return,
                polled = self.poll_and_log(&spec) => polled,
            };
            let delay = schedule.next_delay(failures.min(u64::from(u32::MAX)) as u32, hints);
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }
}
