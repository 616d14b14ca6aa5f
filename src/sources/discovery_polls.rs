//! Polling the discovery sources — sitemaps, sites and GDELT — at the async edge.
//!
//! Each poll ends like a feed poll: the article links it found go through
//! [`Poller::queue_links`] (skip what was delivered or is in flight, one ticket
//! per article), and its cursor — the newest sitemap entry, the last GDELT
//! file — rides on the poll's [`PollHandle`], so it is committed only once
//! every article it led to was delivered. A poll that could not take every
//! candidate (a per-poll cap, a child sitemap that failed) commits no cursor:
//! the next poll looks again, and what was delivered meanwhile is skipped.
//! Every request goes through the [`crate::fetch::Fetcher`].

use std::collections::{HashSet, VecDeque};

use chrono::{TimeDelta, Utc};
use url::Url;

use super::autodiscover::robots_summary;
use super::discover::{Depth, discover};
use super::gdelt::{
    Candidates, GdeltError, Prefilter, UpdateFile, export_candidates, file_timestamp, gkg_candidates, gkg_for_export,
    missed_exports, parse_update_list,
};
use super::poller::{PollError, PollSummary, Poller};
use super::schedule::TimingHints;
use super::sitemap::{EntryFilter, Sitemap, SitemapEntry, SitemapError, parse_sitemap, sort_newest_first};
use super::{FeedHints, SourceLocation};
use crate::config::{SourceSpec, SourceSpecKind, SourcesConfig};
use crate::delivery::PollHandle;
use crate::fetch::{Body, FetchError, Fetched};
use crate::normalize::url_id;
use crate::record::{SourceKind, SourceRef};
use crate::state::{Commit, Cursor, DiscoveredSources};

/// Deepest chain of sitemap indexes followed (index → index → URL set).
pub const MAX_SITEMAP_DEPTH: usize = 3;
/// Sitemap files fetched in one poll of one source (indexes included).
pub const MAX_SITEMAP_FILES: usize = 25;
/// Entries up to this much older than the newest one of the last poll are looked at again:
/// publishers add articles late, with earlier dates.
pub const CURSOR_OVERLAP: TimeDelta = TimeDelta::hours(2);
/// A site's feeds are looked for again after this.
pub const REDISCOVER_AFTER: TimeDelta = TimeDelta::hours(24);
/// GDELT updates missed while not polling that are fetched (15 minutes each).
pub const GDELT_BACKFILL_FILES: usize = 4;

/// Why a discovery source failed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A sitemap could not be read.
    #[error(transparent)]
    Sitemap(#[from] SitemapError),
    /// A GDELT file could not be used.
    #[error(transparent)]
    Gdelt(#[from] GdeltError),
    /// Nothing to poll was found.
    #[error("{0}")]
    NothingFound(String),
    /// A parsing task died.
    #[error("parser task failed: {0}")]
    Task(String),
}

/// The record's `source.kind` for a configured kind: discovery sources list
/// articles as feeds do (the source URL tells which one it was).
pub fn record_kind(kind: SourceSpecKind) -> SourceKind {
    match kind {
        SourceSpecKind::Page => SourceKind::Page,
        SourceSpecKind::Feed | SourceSpecKind::Sitemap | SourceSpecKind::Site | SourceSpecKind::Gdelt => {
            SourceKind::Feed
        }
    }
}

fn discovery(e: impl Into<DiscoveryError>) -> PollError {
    PollError::Discovery(e.into())
}

fn task_failed(e: tokio::task::JoinError) -> PollError {
    PollError::Discovery(DiscoveryError::Task(e.to_string()))
}

/// Longest of each hint.
fn merge_hints(a: TimingHints, b: TimingHints) -> TimingHints {
    TimingHints {
        ttl: a.ttl.max(b.ttl),
        max_age: a.max_age.max(b.max_age),
        retry_after: a.retry_after.max(b.retry_after),
    }
}

impl Poller {
    /// Poll a sitemap, site or GDELT source.
    pub(crate) async fn poll_discovery(&self, spec: &SourceSpec) -> Result<PollSummary, PollError> {
        match spec.kind {
            SourceSpecKind::Sitemap => self.poll_sitemap(spec).await,
            SourceSpecKind::Site => self.poll_site(spec).await,
            SourceSpecKind::Gdelt => self.poll_gdelt(spec).await,
            SourceSpecKind::Feed | SourceSpecKind::Page => Box::pin(self.poll(spec)).await,
        }
    }

    /// Fetch `url` unconditionally.
    async fn fetch_body(&self, url: &Url) -> Result<Box<Body>, PollError> {
        match self.fetcher.fetch(&SourceLocation::from_url(url)?, None).await? {
            Fetched::Body(body) => Ok(body),
            Fetched::NotModified(_) => Err(FetchError::Network("304 without a conditional request".into()).into()),
        }
    }

    /// Whether an article link still needs fetching (a store error says yes: the queue checks again).
    fn is_due(&self, url: &Url) -> bool {
        self.store.due(&url_id(url), None).unwrap_or(true)
    }

    /// A sitemap or sitemap index (recursively, bounded), or every sitemap a robots.txt names.
    async fn poll_sitemap(&self, spec: &SourceSpec) -> Result<PollSummary, PollError> {
        let location = SourceLocation::parse(&spec.url)?;
        let old = self.store.cursor(&spec.url)?.unwrap_or_default();
        let hours = spec.max_age_hours.unwrap_or_else(|| SourcesConfig::default().sitemap_max_age_hours);
        let window_start = Utc::now() - TimeDelta::hours(i64::try_from(hours).unwrap_or(i64::MAX / 3600));
        let not_before = old.newest_entry.map_or(window_start, |n| (n - CURSOR_OVERLAP).max(window_start));

        // The roots: the sitemap itself, conditionally; or what robots.txt names.
        let from_robots = location.as_url().path() == "/robots.txt";
        let mut queue: VecDeque<(Url, usize, Option<Box<Body>>)> = VecDeque::new();
        let (validators, mut hints) = if from_robots {
            let body = self.fetch_body(&location.as_url()).await?;
            let summary = robots_summary(&body.bytes, &body.final_url);
            if summary.sitemaps.is_empty() {
                let reason = format!("{} names no sitemaps", body.final_url);
                return Err(discovery(DiscoveryError::NothingFound(reason)));
            }
            queue.extend(summary.sitemaps.iter().filter_map(|s| Url::parse(s).ok()).map(|u| (u, 0, None)));
            (Cursor::default(), TimingHints::from(body.timing))
        } else {
            match self.fetcher.fetch(&location, Some(&super::validators_of(&old))).await? {
                Fetched::NotModified(timing) => {
                    return Ok(PollSummary { not_modified: true, hints: timing.into(), ..Default::default() });
                }
                Fetched::Body(body) => {
                    let validators = super::cursor_of(body.validators.clone());
                    let hints = TimingHints::from(body.timing);
                    queue.push_back((body.final_url.clone(), 0, Some(body)));
                    (validators, hints)
                }
            }
        };
        hints.retry_after = None;

        let filter =
            EntryFilter { not_before: Some(not_before), keep_undated: false, max_kept: self.max_articles_per_poll };
        // When a poll cannot read every sitemap, the next one reads the others first.
        let progress_key = format!("{} #read-last", spec.url);
        let read_last: HashSet<String> =
            self.store.cursor(&progress_key)?.map(|c| c.read_last.into_iter().collect()).unwrap_or_default();
        let mut visited = HashSet::new();
        let (mut files, mut read, mut complete, mut root_is_index, mut first_error) = (0, 0, true, false, None);
        let (mut total, mut old_entries, mut undated, mut overflow) = (0, 0, 0, 0);
        let mut newest = old.newest_entry;
        let mut entries: Vec<SitemapEntry> = Vec::new();
        while let Some((url, depth, body)) = queue.pop_front() {
            if visited.contains(&url) {
                continue;
            }
            if files >= MAX_SITEMAP_FILES {
                if let Some(suppressed) = self.log_limiter.check(&format!("{} too many sitemaps", spec.url)) {
                    tracing::warn!(source = %spec.url, limit = MAX_SITEMAP_FILES, suppressed, "too many sitemap files for one poll; the rest next time");
                }
                queue.push_front((url, depth, body));
                complete = false;
                break;
            }
            visited.insert(url.clone());
            files += 1;
            let body = match body {
                Some(b) => b,
                None => match self.fetch_body(&url).await {
                    Ok(b) => b,
                    Err(PollError::Closed) => return Err(PollError::Closed),
                    Err(error) => {
                        if let Some(suppressed) = self.log_limiter.check(&format!("{} {url}", spec.url)) {
                            tracing::warn!(source = %spec.url, sitemap = %url, %error, suppressed, "sitemap unavailable; skipped");
                        }
                        // A child that may come back holds the cursor; a gone or forbidden one does not.
                        complete &= !matches!(&error, PollError::Fetch(e) if e.is_transient());
                        first_error.get_or_insert(error);
                        continue;
                    }
                },
            };
            let parsed = {
                let (filter, store) = (filter.clone(), self.store.clone());
                tokio::task::spawn_blocking(move || {
                    // Entries delivered before are dropped while reading (a store error keeps them: the queue checks again).
                    let mut due = |e: &SitemapEntry| store.due(&url_id(&e.url), e.lastmod).unwrap_or(true);
                    parse_sitemap(&body.bytes, &body.final_url, &filter, &mut due)
                })
                .await
                .map_err(task_failed)?
            };
            read += usize::from(parsed.is_ok());
            match parsed {
                Err(error) => {
                    if let Some(suppressed) = self.log_limiter.check(&format!("{} {url}", spec.url)) {
                        tracing::warn!(source = %spec.url, sitemap = %url, %error, suppressed, "unreadable sitemap; skipped");
                    }
                    first_error.get_or_insert(discovery(error));
                }
                Ok(Sitemap::Index(children)) => {
                    root_is_index |= depth == 0;
                    if depth + 1 > MAX_SITEMAP_DEPTH {
                        if let Some(suppressed) = self.log_limiter.check(&format!("{} {url}", spec.url)) {
                            tracing::warn!(source = %spec.url, sitemap = %url, suppressed, "sitemap indexes nested too deep; not followed");
                        }
                        continue;
                    }
                    // Children that changed within the window, newest first; undated ones too (they may have).
                    let mut fresh: Vec<_> =
                        children.into_iter().filter(|c| c.lastmod.is_none_or(|m| m >= not_before)).collect();
                    fresh.sort_by_key(|c| (read_last.contains(c.url.as_str()), std::cmp::Reverse(c.lastmod)));
                    queue.extend(fresh.into_iter().map(|c| (c.url, depth + 1, None)));
                }
                Ok(Sitemap::UrlSet(set)) => {
                    newest = newest.max(set.newest);
                    total += set.total;
                    old_entries += set.old;
                    undated += set.undated;
                    overflow += set.overflow;
                    entries.extend(set.kept);
                }
            }
        }
        if let Some(error) = first_error.filter(|_| read == 0) {
            // Not one sitemap could be read: the source is broken, and backs off.
            return Err(error);
        }
        let cut_short = queue.iter().any(|(u, ..)| !visited.contains(u));
        if cut_short || !read_last.is_empty() {
            // Remembered at once (it only orders the next poll's reading).
            // Files read since every file was last read; once only those remain, a new round starts.
            let new_round = queue.iter().all(|(u, ..)| visited.contains(u) || read_last.contains(u.as_str()));
            let read_last: Vec<String> = match (cut_short, new_round) {
                (false, _) => Vec::new(),
                (true, true) => visited.iter().map(Url::to_string).collect(),
                (true, false) => read_last
                    .iter()
                    .cloned()
                    .chain(visited.iter().map(Url::to_string))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect(),
            };
            let cursor = Cursor { read_last, ..Cursor::default() };
            drop(PollHandle::new(Some(Commit::Cursor { source: progress_key, cursor }), self.commits.clone()));
        }
        sort_newest_first(&mut entries);
        let mut seen = HashSet::new();
        entries.retain(|e| seen.insert(e.url.clone()));
        let truncated = overflow > 0 || entries.len() > self.max_articles_per_poll;
        tracing::info!(
            source = %spec.url, files, entries = total, old = old_entries, undated, due = entries.len(), truncated,
            "sitemaps read"
        );

        // The cursor: the newest entry, once all are delivered. Validators only for a plain
        // URL set: an index may stay the same while its children change.
        let validators = if from_robots || root_is_index { Cursor::default() } else { validators };
        let cursor = Cursor { newest_entry: newest, ..validators };
        let commit = (complete && !truncated).then(|| Commit::Cursor { source: spec.url.clone(), cursor });
        let poll = PollHandle::new(commit, self.commits.clone());
        let source = SourceRef { kind: record_kind(spec.kind), url: spec.url.clone(), site: String::new() };
        let links: Vec<(Url, FeedHints)> = entries.into_iter().map(|e| (e.url.clone(), e.hints())).collect();
        let found = links.len();
        let queued = self.queue_links(&poll, &source, links).await?;
        Ok(PollSummary { not_modified: false, found, queued, hints })
    }

    /// A site: its feeds and sitemaps (found by autodiscovery, at most daily), each polled as its own source.
    async fn poll_site(&self, spec: &SourceSpec) -> Result<PollSummary, PollError> {
        let location = SourceLocation::parse(&spec.url)?;
        let old = self.store.cursor(&spec.url)?.unwrap_or_default();
        let now = Utc::now();
        let found = match old.discovered.filter(|d| d.at.is_some_and(|at| now - at < REDISCOVER_AFTER)) {
            Some(found) => found,
            None => {
                let report = discover(&self.fetcher, &location, Depth::Quick).await?;
                let found =
                    DiscoveredSources { at: Some(now), feeds: report.feed_urls(), sitemaps: report.sitemap_urls() };
                if found.feeds.is_empty() && found.sitemaps.is_empty() {
                    let reason = format!("no feeds or sitemaps found on {}", spec.url);
                    return Err(discovery(DiscoveryError::NothingFound(reason)));
                }
                tracing::info!(source = %spec.url, feeds = ?found.feeds, sitemaps = ?found.sitemaps, "discovered the site's feeds");
                // What was found is remembered at once: it is not an article's state.
                self.remember_discovery(&spec.url, Some(found.clone()));
                found
            }
        };
        let subs = found.feeds.iter().map(|f| SourceSpec::new(SourceSpecKind::Feed, f.clone())).chain(
            found.sitemaps.iter().map(|s| SourceSpec {
                max_age_hours: spec.max_age_hours,
                ..SourceSpec::new(SourceSpecKind::Sitemap, s.clone())
            }),
        );
        let mut summary = PollSummary { not_modified: true, ..Default::default() };
        let (mut succeeded, mut first_error) = (0, None);
        for sub in subs {
            let polled = match sub.kind {
                SourceSpecKind::Sitemap => self.poll_sitemap(&sub).await,
                _ => Box::pin(self.poll(&sub)).await,
            };
            match polled {
                Ok(s) => {
                    succeeded += 1;
                    summary.not_modified &= s.not_modified;
                    summary.found += s.found;
                    summary.queued += s.queued;
                    summary.hints = merge_hints(summary.hints, s.hints);
                }
                Err(PollError::Closed) => return Err(PollError::Closed),
                Err(error) => {
                    tracing::warn!(source = %spec.url, feed = %sub.url, %error, "a feed of the site failed");
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            // Everything found failed: look for the feeds again next time.
            Some(error) if succeeded == 0 => {
                self.remember_discovery(&spec.url, None);
                Err(error)
            }
            _ => {
                summary.hints.retry_after = None;
                Ok(summary)
            }
        }
    }

    fn remember_discovery(&self, site: &str, found: Option<DiscoveredSources>) {
        let cursor = Cursor { discovered: found, ..Cursor::default() };
        // A poll without tickets commits its cursor when dropped.
        drop(PollHandle::new(Some(Commit::Cursor { source: site.to_string(), cursor }), self.commits.clone()));
    }

    /// GDELT 2.0: the newest update (and those missed since the cursor), prefiltered.
    async fn poll_gdelt(&self, spec: &SourceSpec) -> Result<PollSummary, PollError> {
        let location = SourceLocation::parse(&spec.url)?;
        let old = self.store.cursor(&spec.url)?.unwrap_or_default();
        let body = match self.fetcher.fetch(&location, Some(&super::validators_of(&old))).await? {
            Fetched::NotModified(timing) => {
                return Ok(PollSummary { not_modified: true, hints: timing.into(), ..Default::default() });
            }
            Fetched::Body(body) => body,
        };
        let mut hints = TimingHints::from(body.timing);
        hints.retry_after = None;
        let list = parse_update_list(&String::from_utf8_lossy(&body.bytes), &body.final_url).map_err(discovery)?;
        let last = old.last_file.as_deref().and_then(|u| Url::parse(u).ok());
        let cursor = |last_file: &Url| Cursor {
            etag: body.validators.etag.clone(),
            last_modified: body.validators.last_modified.clone(),
            last_file: Some(last_file.to_string()),
            ..Cursor::default()
        };
        let (latest, done) = (file_timestamp(&list.export.url), last.as_ref().and_then(file_timestamp));
        if last.as_ref() == Some(&list.export.url) || latest.zip(done).is_some_and(|(l, d)| l <= d) {
            // Nothing new since the last file processed.
            let last = last.unwrap_or_else(|| list.export.url.clone());
            drop(PollHandle::new(
                Some(Commit::Cursor { source: spec.url.clone(), cursor: cursor(&last) }),
                self.commits.clone(),
            ));
            return Ok(PollSummary { hints, ..Default::default() });
        }

        let terms = spec.terms.clone().unwrap_or_else(|| SourcesConfig::default().gdelt_terms);
        let prefilter = Prefilter::new(&terms);
        let mut candidates = Candidates::default();
        let missed =
            last.as_ref().map(|l| missed_exports(l, &list.export.url, GDELT_BACKFILL_FILES)).unwrap_or_default();
        for export in &missed {
            let gkg = gkg_for_export(export);
            match self.gdelt_update(spec, export, None, gkg.as_ref().map(|g| (g, None)), &prefilter).await {
                Ok(c) => candidates.merge(c),
                // GDELT skips an update now and then: a missing file is no reason to stop.
                Err(PollError::Fetch(e)) if !e.is_transient() => {
                    tracing::warn!(source = %spec.url, file = %export, error = %e, "missed GDELT update unavailable; skipped");
                }
                Err(e) => return Err(e),
            }
        }
        let gkg = list.gkg.as_ref().map(|g| (&g.url, Some(g)));
        candidates.merge(self.gdelt_update(spec, &list.export.url, Some(&list.export), gkg, &prefilter).await?);

        let links: Vec<(Url, FeedHints)> = candidates
            .candidates
            .into_iter()
            .filter(|c| self.is_due(&c.url))
            .map(|c| {
                tracing::debug!(source = %spec.url, url = %c.url, matched = ?c.matched, "GDELT candidate");
                (c.url, c.hints)
            })
            .collect();
        let truncated = links.len() > self.max_articles_per_poll;
        tracing::info!(
            source = %spec.url, file = %list.export.url, backfilled = missed.len(), rows = candidates.rows,
            malformed = candidates.malformed, due = links.len(), truncated, "GDELT update read"
        );
        let commit =
            (!truncated).then(|| Commit::Cursor { source: spec.url.clone(), cursor: cursor(&list.export.url) });
        let poll = PollHandle::new(commit, self.commits.clone());
        let source = SourceRef { kind: record_kind(spec.kind), url: spec.url.clone(), site: String::new() };
        let found = links.len();
        let queued = self.queue_links(&poll, &source, links).await?;
        Ok(PollSummary { not_modified: false, found, queued, hints })
    }

    /// The candidates of one update: its events export (required) and its GKG (best effort).
    async fn gdelt_update(
        &self,
        spec: &SourceSpec,
        export: &Url,
        listed: Option<&UpdateFile>,
        gkg: Option<(&Url, Option<&UpdateFile>)>,
        prefilter: &Prefilter,
    ) -> Result<Candidates, PollError> {
        let body = self.fetch_body(export).await?;
        if let Some(listed) = listed {
            listed.check_size(body.bytes.len()).map_err(discovery)?;
        }
        let p = prefilter.clone();
        let mut candidates = tokio::task::spawn_blocking(move || export_candidates(&body.bytes, &p))
            .await
            .map_err(task_failed)?
            .map_err(discovery)?;
        let Some((gkg_url, gkg_listed)) = gkg else {
            return Ok(candidates);
        };
        let gkg = match self.fetch_body(gkg_url).await {
            Ok(body) => match gkg_listed.map(|l| l.check_size(body.bytes.len())).transpose() {
                Ok(_) => {
                    let p = prefilter.clone();
                    tokio::task::spawn_blocking(move || gkg_candidates(&body.bytes, &p))
                        .await
                        .map_err(task_failed)?
                        .map_err(discovery)
                }
                Err(e) => Err(discovery(e)),
            },
            Err(e) => Err(e),
        };
        match gkg {
            Ok(g) => candidates.merge(g),
            Err(PollError::Closed) => return Err(PollError::Closed),
            Err(error) => {
                // The export alone still names the articles (a GKG file may exceed http.max_body_bytes).
                if let Some(suppressed) = self.log_limiter.check(&format!("{} gkg", spec.url)) {
                    tracing::warn!(source = %spec.url, file = %gkg_url, %error, suppressed, "GDELT GKG file unusable; prefiltering on the events export only");
                }
            }
        }
        Ok(candidates)
    }
}

#[cfg(test)]
mod tests {
    //! Discovery polls against a real local HTTP server, with the delivery side played by hand.
    use std::collections::HashMap;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::http::{StatusCode, Uri};
    use axum::response::IntoResponse;
    use chrono::DateTime;
    use tokio::sync::mpsc;

    use super::*;
    use crate::config::HttpConfig;
    use crate::delivery::{CommitBatch, Inflight, Ticketed};
    use crate::fetch::Fetcher;
    use crate::sources::Discovered;
    use crate::state::Store;

    type Log = Arc<Mutex<Vec<String>>>;

    /// Serve the files `build` makes for the server's base URL; returns the base and the request log.
    async fn serve(build: impl FnOnce(&Url) -> Vec<(String, Vec<u8>)>) -> (Url, Log) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let files: Arc<HashMap<String, Vec<u8>>> = Arc::new(build(&base).into_iter().collect());
        let log: Log = Arc::default();
        let seen = log.clone();
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let (files, seen) = (files.clone(), seen.clone());
            async move {
                seen.lock().unwrap().push(uri.path().to_string());
                if let Some(code) = uri.path().strip_prefix("/__status/").and_then(|c| c.parse().ok()) {
                    return StatusCode::from_u16(code).unwrap().into_response();
                }
                match files.get(uri.path()) {
                    Some(body) => (StatusCode::OK, body.clone()).into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, log)
    }

    struct Harness {
        poller: Poller,
        queue: async_channel::Receiver<Ticketed<Discovered>>,
        commits: mpsc::UnboundedReceiver<CommitBatch>,
        store: Arc<Store>,
        _dir: tempfile::TempDir,
    }

    impl Harness {
        fn new(max_articles_per_poll: usize) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let store = Arc::new(Store::open(dir.path()).unwrap());
            let (commit_tx, commits) = mpsc::unbounded_channel();
            let (out, queue) = async_channel::bounded(10_000);
            let http = HttpConfig { per_host_min_delay_ms: 1, per_host_concurrency: 4, ..HttpConfig::default() };
            let poller = Poller {
                fetcher: Arc::new(Fetcher::new(&http, true).unwrap()),
                store: store.clone(),
                commits: commit_tx,
                inflight: Inflight::default(),
                max_articles_per_poll,
                out,
                log_limiter: Arc::new(crate::telemetry::LogLimiter::new(std::time::Duration::from_secs(60))),
            };
            Self { poller, queue, commits, store, _dir: dir }
        }

        /// Everything queued so far.
        fn queued(&self) -> Vec<Ticketed<Discovered>> {
            std::iter::from_fn(|| self.queue.try_recv().ok()).collect()
        }

        /// Apply the commits resolved so far to the store (the committer's job); returns them.
        fn commit(&mut self) -> Vec<Commit> {
            let mut out = Vec::new();
            while let Ok(batch) = self.commits.try_recv() {
                self.store.apply(&batch.commits).unwrap();
                out.extend(batch.commits.iter().cloned());
            }
            out
        }

        fn cursor(&self, source: &str) -> Option<Cursor> {
            self.store.cursor(source).unwrap()
        }
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        gz.finish().unwrap()
    }

    fn w3c(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    fn news_url(loc: &str, published: DateTime<Utc>, title: &str) -> String {
        format!(
            "<url><loc>{loc}</loc><news:news><news:publication><news:name>N</news:name><news:language>en</news:language>\
             </news:publication><news:publication_date>{}</news:publication_date><news:title>{title}</news:title></news:news></url>",
            w3c(published)
        )
    }

    fn urlset(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>"#
        )
    }

    fn index(children: &[(String, Option<DateTime<Utc>>)]) -> String {
        let items: String = children
            .iter()
            .map(|(loc, m)| match m {
                Some(m) => format!("<sitemap><loc>{loc}</loc><lastmod>{}</lastmod></sitemap>", w3c(*m)),
                None => format!("<sitemap><loc>{loc}</loc></sitemap>"),
            })
            .collect();
        format!(
            r#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>"#
        )
    }

    fn sitemap_spec(url: &Url) -> SourceSpec {
        SourceSpec { max_age_hours: Some(48), ..SourceSpec::new(SourceSpecKind::Sitemap, url.as_str()) }
    }

    #[tokio::test]
    async fn an_index_leads_to_a_gzipped_news_sitemap_whose_cursor_waits_for_delivery() {
        let now = Utc::now();
        let (base, log) = serve(|b| {
            let news = urlset(
                &[
                    news_url(
                        b.join("/a/talks-resume-in-muscat").unwrap().as_str(),
                        now - TimeDelta::hours(1),
                        "Talks resume",
                    ),
                    news_url(
                        b.join("/a/iaea-inspectors-return").unwrap().as_str(),
                        now - TimeDelta::hours(3),
                        "Inspectors",
                    ),
                    news_url(b.join("/a/last-weeks-story").unwrap().as_str(), now - TimeDelta::days(6), "Old"),
                ]
                .concat(),
            );
            vec![
                (
                    "/sitemap_index.xml".into(),
                    index(&[
                        (b.join("/news.xml.gz").unwrap().to_string(), Some(now - TimeDelta::hours(1))),
                        (b.join("/archive-2019.xml").unwrap().to_string(), Some(now - TimeDelta::days(2000))),
                    ])
                    .into_bytes(),
                ),
                ("/news.xml.gz".into(), gzip(&news)),
            ]
        })
        .await;
        let mut h = Harness::new(100);
        let spec = sitemap_spec(&base.join("/sitemap_index.xml").unwrap());
        let summary = h.poller.poll(&spec).await.unwrap();
        assert_eq!((summary.found, summary.queued), (2, 2));
        let queued = h.queued();
        assert_eq!(queued[0].item.url.path(), "/a/talks-resume-in-muscat", "newest first");
        assert_eq!(queued[0].item.hints.title.as_deref(), Some("Talks resume"));
        assert_eq!(queued[0].item.hints.language.as_deref(), Some("en"));
        assert_eq!(queued[0].item.source.url, spec.url);
        assert!(!log.lock().unwrap().iter().any(|p| p == "/archive-2019.xml"), "an old child is not fetched");

        // The cursor is committed only once both articles are delivered.
        let mut tickets = queued.into_iter().map(|t| t.ticket);
        tickets.next().unwrap().delivered();
        assert!(!h.commit().iter().any(|c| matches!(c, Commit::Cursor { .. })));
        tickets.next().unwrap().delivered();
        assert!(h.commit().iter().any(|c| matches!(c, Commit::Cursor { .. })));
        let cursor = h.cursor(&spec.url).unwrap();
        assert_eq!(cursor.newest_entry.map(|t| t.timestamp()), Some((now - TimeDelta::hours(1)).timestamp()));
        assert_eq!(cursor.etag, None, "an index's validators are not kept: its children change under it");

        // Next poll: delivered articles are not queued again.
        let again = h.poller.poll(&spec).await.unwrap();
        assert_eq!(again.queued, 0);
    }

    #[tokio::test]
    async fn a_failed_delivery_leaves_the_cursor_where_it_was() {
        let now = Utc::now();
        let (base, _) = serve(|b| {
            let body = news_url(b.join("/a/story-one-two-three").unwrap().as_str(), now, "One");
            vec![("/news.xml".into(), urlset(&body).into_bytes())]
        })
        .await;
        let mut h = Harness::new(100);
        let spec = sitemap_spec(&base.join("/news.xml").unwrap());
        h.poller.poll(&spec).await.unwrap();
        h.queued().into_iter().for_each(|t| t.ticket.failed());
        assert!(h.commit().is_empty());
        assert_eq!(h.cursor(&spec.url), None);
        // So the next poll queues it again.
        assert_eq!(h.poller.poll(&spec).await.unwrap().queued, 1);
    }

    #[tokio::test]
    async fn index_recursion_is_bounded_in_depth_and_in_files() {
        let now = Utc::now();
        let (base, log) = serve(|b| {
            let mut files: Vec<(String, Vec<u8>)> = (0..10)
                .map(|i| {
                    // A chain of indexes, each also naming itself.
                    let children = [
                        (b.join(&format!("/deep/{}.xml", i + 1)).unwrap().to_string(), None),
                        (b.join(&format!("/deep/{i}.xml")).unwrap().to_string(), None),
                    ];
                    (format!("/deep/{i}.xml"), index(&children).into_bytes())
                })
                .collect();
            let wide: Vec<(String, Option<DateTime<Utc>>)> =
                (0..60).map(|i| (b.join(&format!("/wide/{i}.xml")).unwrap().to_string(), Some(now))).collect();
            files.push(("/wide.xml".into(), index(&wide).into_bytes()));
            for i in 0..60 {
                let body = news_url(b.join(&format!("/a/wide-story-number-{i}")).unwrap().as_str(), now, "W");
                files.push((format!("/wide/{i}.xml"), urlset(&body).into_bytes()));
            }
            files
        })
        .await;
        let mut h = Harness::new(1000);
        let deep = sitemap_spec(&base.join("/deep/0.xml").unwrap());
        h.poller.poll(&deep).await.unwrap();
        let fetched: Vec<String> = log.lock().unwrap().iter().filter(|p| p.starts_with("/deep/")).cloned().collect();
        assert_eq!(
            fetched,
            vec!["/deep/0.xml", "/deep/1.xml", "/deep/2.xml", "/deep/3.xml"],
            "depth {MAX_SITEMAP_DEPTH}, each once"
        );

        let wide = sitemap_spec(&base.join("/wide.xml").unwrap());
        let summary = h.poller.poll(&wide).await.unwrap();
        let children = log.lock().unwrap().iter().filter(|p| p.starts_with("/wide/")).count();
        assert_eq!(children, MAX_SITEMAP_FILES - 1);
        assert_eq!(summary.queued, MAX_SITEMAP_FILES - 1);
        h.queued().into_iter().for_each(|t| t.ticket.delivered());
        let cursors =
            h.commit().into_iter().filter(|c| matches!(c, Commit::Cursor { source, .. } if *source == wide.url));
        assert_eq!(cursors.count(), 0, "an incomplete poll keeps no cursor");
        // The next polls read the others first, until every one was read.
        let mut queued = vec![summary.queued];
        loop {
            let next = h.poller.poll(&wide).await.unwrap();
            h.queued().into_iter().for_each(|t| t.ticket.delivered());
            h.commit();
            if next.queued == 0 {
                break;
            }
            queued.push(next.queued);
        }
        assert_eq!(queued, vec![24, 24, 12]);
    }

    #[tokio::test]
    async fn a_gone_child_sitemap_does_not_hold_the_cursor_but_a_failing_one_does() {
        let now = Utc::now();
        let (base, _) = serve(|b| {
            let body = news_url(b.join("/a/one-story-from-the-child").unwrap().as_str(), now, "C");
            let child = |p: &str| (b.join(p).unwrap().to_string(), Some(now));
            vec![
                ("/gone.xml".into(), index(&[child("/child.xml"), child("/missing.xml")]).into_bytes()),
                ("/failing.xml".into(), index(&[child("/child.xml"), child("/__status/503")]).into_bytes()),
                ("/child.xml".into(), urlset(&body).into_bytes()),
            ]
        })
        .await;
        let mut h = Harness::new(100);
        for (path, kept) in [("/gone.xml", true), ("/failing.xml", false)] {
            let spec = sitemap_spec(&base.join(path).unwrap());
            h.poller.poll(&spec).await.unwrap();
            h.queued().into_iter().for_each(|t| t.ticket.delivered());
            h.commit();
            assert_eq!(h.cursor(&spec.url).is_some(), kept, "{path}");
        }
    }

    #[tokio::test]
    async fn robots_txt_names_the_sitemaps() {
        let now = Utc::now();
        let (base, _) = serve(|b| {
            let body = news_url(b.join("/a/robots-listed-story-here").unwrap().as_str(), now, "R");
            vec![
                (
                    "/robots.txt".into(),
                    format!("User-agent: *\nDisallow: /private/\nSitemap: {}\n", b.join("/n.xml").unwrap())
                        .into_bytes(),
                ),
                ("/n.xml".into(), urlset(&body).into_bytes()),
            ]
        })
        .await;
        let h = Harness::new(100);
        let summary = h.poller.poll(&sitemap_spec(&base.join("/robots.txt").unwrap())).await.unwrap();
        assert_eq!(summary.queued, 1);
        let (empty, _) = serve(|_| vec![("/robots.txt".into(), b"User-agent: *\nDisallow:\n".to_vec())]).await;
        let err = h.poller.poll(&sitemap_spec(&empty.join("/robots.txt").unwrap())).await.unwrap_err();
        assert!(err.to_string().contains("names no sitemaps"), "{err}");
    }

    #[tokio::test]
    async fn a_site_polls_the_feeds_it_advertises_and_remembers_them() {
        let (base, log) = serve(|b| {
            let rss = format!(
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
                <item><title>A</title><link>{}</link></item></channel></rss>"#,
                b.join("/a/iran-talks-resume-in-muscat").unwrap()
            );
            vec![
                (
                    "/".into(),
                    br#"<html><head><link rel="alternate" type="application/rss+xml" href="/world.rss"></head></html>"#
                        .to_vec(),
                ),
                ("/world.rss".into(), rss.into_bytes()),
            ]
        })
        .await;
        let mut h = Harness::new(100);
        let spec = SourceSpec { max_age_hours: Some(48), ..SourceSpec::new(SourceSpecKind::Site, base.as_str()) };
        let summary = h.poller.poll(&spec).await.unwrap();
        assert_eq!(summary.queued, 1);
        let queued = h.queued();
        assert_eq!(queued[0].item.source.url, base.join("/world.rss").unwrap().as_str(), "the feed led here");
        let found = h.commit();
        assert!(found.iter().any(
            |c| matches!(c, Commit::Cursor { source, cursor } if *source == spec.url && cursor.discovered.is_some())
        ));
        // Within a day the site is not examined again: only its feed is polled.
        log.lock().unwrap().clear();
        h.poller.poll(&spec).await.unwrap();
        assert_eq!(log.lock().unwrap().as_slice(), ["/world.rss"]);
    }

    #[tokio::test]
    async fn gdelt_candidates_are_queued_and_the_last_file_is_the_cursor() {
        use crate::sources::gdelt::tests::{export_row, zipped};
        let stamp = "20261110121500";
        let (base, log) = serve(|b| {
            let rows = [
                export_row(
                    1,
                    "IRAN",
                    "UNITED STATES",
                    "Muscat, Oman",
                    b.join("/a/iran-us-talks-in-muscat").unwrap().as_str(),
                ),
                export_row(2, "FRANCE", "GERMANY", "Paris, France", b.join("/a/eu-budget-row").unwrap().as_str()),
            ];
            let export = zipped(&format!("{stamp}.export.CSV"), &rows.join("\n"));
            let list = format!(
                "{} 0123456789abcdef0123456789abcdef {}\n",
                export.len(),
                b.join(&format!("/gdeltv2/{stamp}.export.CSV.zip")).unwrap()
            );
            vec![
                ("/gdeltv2/lastupdate.txt".into(), list.into_bytes()),
                (format!("/gdeltv2/{stamp}.export.CSV.zip"), export),
            ]
        })
        .await;
        let mut h = Harness::new(100);
        let spec = SourceSpec {
            terms: Some(vec!["iran".into()]),
            ..SourceSpec::new(SourceSpecKind::Gdelt, base.join("/gdeltv2/lastupdate.txt").unwrap().as_str())
        };
        let summary = h.poller.poll(&spec).await.unwrap();
        assert_eq!(summary.queued, 1);
        let queued = h.queued();
        assert_eq!(queued[0].item.url.path(), "/a/iran-us-talks-in-muscat");
        queued.into_iter().for_each(|t| t.ticket.delivered());
        h.commit();
        let last = h.cursor(&spec.url).unwrap().last_file.unwrap();
        assert!(last.ends_with(&format!("{stamp}.export.CSV.zip")));

        // The same update again: the zip is not fetched again.
        log.lock().unwrap().clear();
        assert_eq!(h.poller.poll(&spec).await.unwrap().queued, 0);
        assert_eq!(log.lock().unwrap().as_slice(), ["/gdeltv2/lastupdate.txt"]);

        // Behind by three updates: the two missed in between are fetched too (a missing one is skipped).
        let behind = "http://x.example/gdeltv2/20261110113000.export.CSV.zip".to_string();
        let cursor = Cursor { last_file: Some(behind), ..Cursor::default() };
        h.store.apply(&[Commit::Cursor { source: spec.url.clone(), cursor }]).unwrap();
        log.lock().unwrap().clear();
        h.poller.poll(&spec).await.unwrap();
        let requested = log.lock().unwrap().clone();
        for missed in ["/gdeltv2/20261110114500.export.CSV.zip", "/gdeltv2/20261110120000.export.CSV.zip"] {
            assert!(requested.iter().any(|p| p == missed), "{missed} not requested: {requested:?}");
        }
        assert!(h.commit().iter().any(|c| matches!(c, Commit::Cursor { cursor, .. } if cursor.last_file.as_deref().is_some_and(|f| f.ends_with(&format!("{stamp}.export.CSV.zip"))))));
    }
}
