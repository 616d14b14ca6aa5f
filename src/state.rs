//! The embedded, crash-safe state store (redb) under `--state-dir`.
//!
//! It remembers what has been *delivered*: articles (by id, with their
//! fingerprints and revision), which discovered URLs led to them, content
//! hashes, the SimHashes of published stories (for near-duplicates), and each
//! source's cursor (ETag / Last-Modified). Writes arrive only through
//! [`Store::apply`], which the delivery committer calls once Kafka (or stdout)
//! has confirmed a record — so a crash never marks undelivered work as done.
//! Source health counters are the exception: they are operational, not
//! delivery, state.
//!
//! The near-duplicate index ([`SimIndex`]) is an in-memory view of the
//! fingerprints table: loaded when the store opens, and extended by `apply`
//! only after the transaction that made the fingerprints durable has committed.
//! So it never knows a story that a crash would forget.
//!
//! State is bounded: [`Store::expire`] drops fingerprints older than their
//! window (and beyond the index capacity) and articles, URLs and content hashes
//! older than the retention period; redb reuses the freed pages, and
//! [`Store::compact`] gives the space back to the file system.

use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use chrono::{DateTime, TimeDelta, Utc};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::config::DedupeConfig;
use crate::dedupe::index::{Match, SimIndex};

/// Page cache of the store: the working set (recent fingerprints, cursors) is small.
const STATE_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// article id → [`ArticleEntry`] (JSON).
const ARTICLES: TableDefinition<&str, &[u8]> = TableDefinition::new("articles");
/// id of a discovered URL → when it was last dealt with, then when first (RFC 3339, space-separated;
/// older stores hold the one time).
const SEEN_URLS: TableDefinition<&str, &str> = TableDefinition::new("seen_urls");
/// content hash → article id.
const HASHES: TableDefinition<&str, &str> = TableDefinition::new("content_hashes");
/// source URL → [`Cursor`] (JSON).
const CURSORS: TableDefinition<&str, &[u8]> = TableDefinition::new("cursors");
/// source URL → consecutive failures.
const SOURCE_FAILURES: TableDefinition<&str, u64> = TableDefinition::new("source_failures");
/// (Unix seconds when committed, article id) → (SimHash, id of the story's first copy). Time first, so
/// expiry is a range delete and loading yields age order.
const FINGERPRINTS: TableDefinition<(u64, &str), (u64, &str)> = TableDefinition::new("fingerprints");

/// Errors of the state store, with the path or operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The store could not be created or opened.
    #[error("cannot open state store at {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A read or write failed.
    #[error("state store {operation} failed: {source}")]
    Io {
        /// What was being done.
        operation: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn io<E: std::error::Error + Send + Sync + 'static>(operation: &'static str) -> impl FnOnce(E) -> StateError {
    move |e| StateError::Io { operation, source: Box::new(e) }
}

/// What the store knows about a delivered (or deliberately skipped) article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEntry {
    /// xxh3-128 of the normalised text.
    pub content_hash: String,
    /// SimHash of the normalised text.
    pub simhash: u64,
    /// Revision last published (0 when never published: filtered out).
    pub revision: u32,
    /// Whether the topic filter kept it.
    pub relevant: bool,
    /// When this entry was committed.
    pub committed_at: DateTime<Utc>,
}

impl ArticleEntry {
    /// The entry a record leaves behind: published, or (off-topic) deliberately not.
    pub fn of_record(r: &crate::record::Record, published: bool) -> Self {
        Self {
            content_hash: r.dedupe.content_hash.clone(),
            simhash: u64::from_str_radix(&r.dedupe.simhash, 16).unwrap_or_default(),
            revision: if published { r.revision } else { r.revision.saturating_sub(1) },
            relevant: published,
            committed_at: Utc::now(),
        }
    }
}

/// A source's conditional-GET validators, saved once all its articles are delivered,
/// and where a discovery source got to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// ETag of the last fully processed response.
    pub etag: Option<String>,
    /// Last-Modified of the last fully processed response.
    pub last_modified: Option<String>,
    /// Sitemaps: the newest `lastmod` / `news:publication_date` of the last fully delivered poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_entry: Option<DateTime<Utc>>,
    /// GDELT: the last update file (export URL) whose candidates were all delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_file: Option<String>,
    /// Sites: the feeds and sitemaps feed autodiscovery found, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered: Option<DiscoveredSources>,
    /// Sitemaps: the files read by the last poll that could not read them all (read last next time).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_last: Vec<String>,
}

/// What feed autodiscovery found on a site (kept in the site's [`Cursor`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiscoveredSources {
    /// When the site was last examined.
    pub at: Option<DateTime<Utc>>,
    /// Feed URLs.
    #[serde(default)]
    pub feeds: Vec<String>,
    /// Sitemap URLs (from robots.txt).
    #[serde(default)]
    pub sitemaps: Vec<String>,
}

/// One write that becomes durable only after delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum Commit {
    /// An article was published (or deliberately not published).
    Article {
        /// Article id.
        id: String,
        /// Its entry.
        entry: ArticleEntry,
    },
    /// A discovered URL has been dealt with (published, skipped or permanently unavailable).
    SeenUrl {
        /// Id of the discovered URL ([`crate::normalize::article_id`] of its canonical form).
        url_id: String,
    },
    /// A source's response has been fully processed.
    Cursor {
        /// The source URL.
        source: String,
        /// Its validators.
        cursor: Cursor,
    },
    /// A story was published: later near-copies of it point to `first_copy`.
    Fingerprint {
        /// Article id.
        id: String,
        /// Id of the story's first copy: `id` itself, or what `id` duplicates.
        first_copy: String,
        /// SimHash of its lead.
        simhash: u64,
    },
}

/// How long the store remembers, and when a URL seen before is looked at again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Fingerprints older than this no longer match near-duplicates.
    pub fingerprint_window: TimeDelta,
    /// At most this many fingerprints are kept (the oldest leave first).
    pub fingerprint_capacity: usize,
    /// Articles, URLs and content hashes are forgotten after this; None = never.
    pub articles: Option<TimeDelta>,
    /// A listed URL is fetched again (for a revision) at most this often; None = never.
    pub revisit_after: Option<TimeDelta>,
    /// ... and only this long after it was first dealt with.
    pub revisit_for: TimeDelta,
}

impl From<&DedupeConfig> for Retention {
    fn from(c: &DedupeConfig) -> Self {
        // Out-of-range settings saturate (and then mean "forever") rather than panic.
        let secs = |n: u64, unit: i64| {
            TimeDelta::try_seconds(i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(unit)).unwrap_or(TimeDelta::MAX)
        };
        let positive = |d: TimeDelta| (d > TimeDelta::zero()).then_some(d);
        Self {
            fingerprint_window: secs(c.near_duplicate_window_hours, 3600),
            fingerprint_capacity: c.near_duplicate_capacity,
            articles: positive(secs(c.retention_days, 86_400)),
            revisit_after: positive(secs(c.revisit_after_minutes, 60)),
            revisit_for: secs(c.revisit_for_hours, 3600),
        }
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self::from(&DedupeConfig::default())
    }
}

/// What an [`Store::expire`] sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    /// Fingerprints (too old, or beyond the capacity).
    pub fingerprints: u64,
    /// Article entries.
    pub articles: u64,
    /// Seen URLs.
    pub urls: u64,
    /// Content hashes.
    pub hashes: u64,
}

impl Expired {
    /// Whether anything was removed.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

/// The state store. Cheap to share behind an `Arc`; redb serialises writers.
pub struct Store {
    /// A lock only so that [`Store::compact`] can have the database to itself; everything else shares it.
    db: RwLock<Database>,
    /// The near-duplicate index: a view of [`FINGERPRINTS`].
    index: RwLock<SimIndex>,
    retention: RwLock<Retention>,
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn unix_secs(t: DateTime<Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}

/// A [`SEEN_URLS`] value: (last, first) time the URL was dealt with.
fn parse_seen(value: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (last, first) = value.split_once(' ').unwrap_or((value, value));
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc));
    Some((parse(last)?, parse(first)?))
}

impl Store {
    /// Open (or create) the store in `dir`, and load the near-duplicate index from it.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let path = dir.join("talkwire.redb");
        let open_err =
            |source: Box<dyn std::error::Error + Send + Sync>| StateError::Open { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(|e| open_err(Box::new(e)))?;
        // redb's default page cache is 1 GiB; a daemon with a 256 MiB memory limit needs far less.
        let db =
            Database::builder().set_cache_size(STATE_CACHE_BYTES).create(&path).map_err(|e| open_err(Box::new(e)))?;
        // Create the tables up front so readers never meet a missing table.
        let tx = db.begin_write().map_err(|e| open_err(Box::new(e)))?;
        {
            tx.open_table(ARTICLES).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(SEEN_URLS).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(HASHES).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(CURSORS).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(SOURCE_FAILURES).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(FINGERPRINTS).map_err(|e| open_err(Box::new(e)))?;
        }
        tx.commit().map_err(|e| open_err(Box::new(e)))?;
        let retention = Retention::default();
        // Load every stored fingerprint: the table was bounded by the last expiry sweep,
        // and the next one (with the configured bounds) trims the index too.
        let mut index = SimIndex::new(usize::MAX);
        {
            let tx = db.begin_read().map_err(|e| open_err(Box::new(e)))?;
            let table = tx.open_table(FINGERPRINTS).map_err(|e| open_err(Box::new(e)))?;
            for row in table.iter().map_err(|e| open_err(Box::new(e)))? {
                let (key, value) = row.map_err(|e| open_err(Box::new(e)))?;
                let ((at, _id), (simhash, first_copy)) = (key.value(), value.value());
                index.insert(at, simhash, first_copy);
            }
        }
        index.set_capacity(retention.fingerprint_capacity.max(index.len()));
        Ok(Self { db: RwLock::new(db), index: RwLock::new(index), retention: RwLock::new(retention) })
    }

    /// Set the bounds that [`Store::expire`] and [`Store::due`] apply (defaults until called).
    pub fn configure(&self, retention: Retention) {
        *self.retention.write().unwrap_or_else(PoisonError::into_inner) = retention;
    }

    /// The entry of article `id`, if it was ever committed.
    pub fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(ARTICLES).map_err(io("read articles"))?;
        match table.get(id).map_err(io("read article"))? {
            Some(bytes) => Ok(serde_json::from_slice(bytes.value()).ok()),
            None => Ok(None),
        }
    }

    /// Whether a discovered URL was dealt with before.
    pub fn seen_url(&self, url_id: &str) -> Result<bool, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(SEEN_URLS).map_err(io("read seen urls"))?;
        Ok(table.get(url_id).map_err(io("read seen url"))?.is_some())
    }

    /// Whether a discovered URL must be fetched now: it was never dealt with,
    /// or it is due for a look at a possible revision (see [`Store::due_at`]).
    pub fn due(&self, url_id: &str, updated_at: Option<DateTime<Utc>>) -> Result<bool, StateError> {
        self.due_at(url_id, updated_at, Utc::now())
    }

    /// [`Store::due`] at time `now`. A URL dealt with before is fetched again
    /// only while it is young (first dealt with less than `revisit_for` ago), at
    /// most every `revisit_after`, and not when its source gives an update time
    /// (`updated_at`, e.g. a feed entry's `<updated>`) no later than our last
    /// look: the source itself says nothing changed since. Pages and feeds
    /// without update times are simply looked at again on that schedule.
    pub fn due_at(
        &self,
        url_id: &str,
        updated_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(SEEN_URLS).map_err(io("read seen urls"))?;
        let Some(value) = table.get(url_id).map_err(io("read seen url"))? else {
            return Ok(true);
        };
        let Some((last, first)) = parse_seen(value.value()) else {
            return Ok(false);
        };
        let r = *read(&self.retention);
        let Some(after) = r.revisit_after else {
            return Ok(false);
        };
        Ok(now - first < r.revisit_for && now - last >= after && updated_at.is_none_or(|u| u > last))
    }

    /// The article that first had this content hash.
    pub fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(HASHES).map_err(io("read hashes"))?;
        Ok(table.get(content_hash).map_err(io("read hash"))?.map(|v| v.value().to_string()))
    }

    /// The committed fingerprint closest to `simhash`, within `max_distance` bits
    /// and the fingerprint window (as of the last [`Store::expire`]).
    pub fn near_duplicate(&self, simhash: u64, max_distance: u32) -> Option<Match> {
        read(&self.index).nearest(simhash, max_distance)
    }

    /// Fingerprints in the near-duplicate index.
    pub fn fingerprint_count(&self) -> usize {
        read(&self.index).len()
    }

    /// A source's saved validators.
    pub fn cursor(&self, source: &str) -> Result<Option<Cursor>, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(CURSORS).map_err(io("read cursors"))?;
        match table.get(source).map_err(io("read cursor"))? {
            Some(bytes) => Ok(serde_json::from_slice(bytes.value()).ok()),
            None => Ok(None),
        }
    }

    /// Every source's saved cursor, by source URL, in URL order.
    pub fn cursors(&self) -> Result<Vec<(String, Option<Cursor>)>, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(CURSORS).map_err(io("read cursors"))?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(io("read cursors"))? {
            let (source, bytes) = entry.map_err(io("read cursor"))?;
            out.push((source.value().to_string(), serde_json::from_slice(bytes.value()).ok()));
        }
        Ok(out)
    }

    /// Forget a source's cursor and failure count, so its next poll is unconditional and not backed
    /// off. Whether there was anything to forget.
    pub fn reset_source(&self, source: &str) -> Result<bool, StateError> {
        let tx = read(&self.db).begin_write().map_err(io("begin write"))?;
        let found = {
            let mut cursors = tx.open_table(CURSORS).map_err(io("open cursors"))?;
            let mut failures = tx.open_table(SOURCE_FAILURES).map_err(io("open source failures"))?;
            let cursor = cursors.remove(source).map_err(io("remove cursor"))?.is_some();
            let failed = failures.remove(source).map_err(io("remove source failures"))?.is_some();
            cursor || failed
        };
        tx.commit().map_err(io("commit"))?;
        Ok(found)
    }

    /// Consecutive failures of a source.
    pub fn source_failures(&self, source: &str) -> Result<u64, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(SOURCE_FAILURES).map_err(io("read source failures"))?;
        Ok(table.get(source).map_err(io("read source failures"))?.map(|v| v.value()).unwrap_or(0))
    }

    /// Record a source's poll outcome: a failure increments, a success resets.
    pub fn set_source_failures(&self, source: &str, failures: u64) -> Result<(), StateError> {
        let tx = read(&self.db).begin_write().map_err(io("begin write"))?;
        {
            let mut table = tx.open_table(SOURCE_FAILURES).map_err(io("open source failures"))?;
            if failures == 0 {
                table.remove(source).map_err(io("write source failures"))?;
            } else {
                table.insert(source, failures).map_err(io("write source failures"))?;
            }
        }
        tx.commit().map_err(io("commit"))
    }

    /// Apply delivered commits in one durable (fsynced) transaction; then, and
    /// only then, teach the near-duplicate index the new fingerprints.
    pub fn apply(&self, commits: &[Commit]) -> Result<(), StateError> {
        if commits.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let (stamp, at) = (now.to_rfc3339(), unix_secs(now));
        let tx = read(&self.db).begin_write().map_err(io("begin write"))?;
        {
            let mut articles = tx.open_table(ARTICLES).map_err(io("open articles"))?;
            let mut seen = tx.open_table(SEEN_URLS).map_err(io("open seen urls"))?;
            let mut hashes = tx.open_table(HASHES).map_err(io("open hashes"))?;
            let mut cursors = tx.open_table(CURSORS).map_err(io("open cursors"))?;
            let mut fingerprints = tx.open_table(FINGERPRINTS).map_err(io("open fingerprints"))?;
            for commit in commits {
                match commit {
                    Commit::Article { id, entry } => {
                        let json = serde_json::to_vec(entry).map_err(io("encode article"))?;
                        articles.insert(id.as_str(), json.as_slice()).map_err(io("write article"))?;
                        if hashes.get(entry.content_hash.as_str()).map_err(io("read hash"))?.is_none() {
                            hashes.insert(entry.content_hash.as_str(), id.as_str()).map_err(io("write hash"))?;
                        }
                    }
                    Commit::SeenUrl { url_id } => {
                        // Keep when it was first dealt with: revisits stop some time after that.
                        let first = seen
                            .get(url_id.as_str())
                            .map_err(io("read seen url"))?
                            .map(|v| v.value().split_once(' ').map_or(v.value(), |(_, first)| first).to_string())
                            .unwrap_or_else(|| stamp.clone());
                        let value = format!("{stamp} {first}");
                        seen.insert(url_id.as_str(), value.as_str()).map_err(io("write seen url"))?;
                    }
                    Commit::Cursor { source, cursor } => {
                        let json = serde_json::to_vec(cursor).map_err(io("encode cursor"))?;
                        cursors.insert(source.as_str(), json.as_slice()).map_err(io("write cursor"))?;
                    }
                    Commit::Fingerprint { id, first_copy, simhash } => {
                        fingerprints
                            .insert((at, id.as_str()), (*simhash, first_copy.as_str()))
                            .map_err(io("write fingerprint"))?;
                    }
                }
            }
        }
        tx.commit().map_err(io("commit"))?;
        let mut index = self.index.write().unwrap_or_else(PoisonError::into_inner);
        for commit in commits {
            if let Commit::Fingerprint { first_copy, simhash, .. } = commit {
                index.insert(at, *simhash, first_copy);
            }
        }
        Ok(())
    }

    /// Forget what is older than the configured bounds (as of `now`): fingerprints
    /// past their window or beyond the capacity, and — when a retention period
    /// is set — articles, content hashes and seen URLs past it. One transaction.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<Expired, StateError> {
        let r = *read(&self.retention);
        let window_start = unix_secs(now - r.fingerprint_window);
        let mut expired = Expired::default();
        let tx = read(&self.db).begin_write().map_err(io("begin write"))?;
        {
            let mut fingerprints = tx.open_table(FINGERPRINTS).map_err(io("open fingerprints"))?;
            let before = fingerprints.len().map_err(io("count fingerprints"))?;
            fingerprints.retain_in(..(window_start, ""), |_, _| false).map_err(io("expire fingerprints"))?;
            while fingerprints.len().map_err(io("count fingerprints"))? > r.fingerprint_capacity as u64 {
                fingerprints.pop_first().map_err(io("trim fingerprints"))?;
            }
            expired.fingerprints = before - fingerprints.len().map_err(io("count fingerprints"))?;

            if let Some(retention) = r.articles {
                let cutoff = now - retention;
                let mut articles = tx.open_table(ARTICLES).map_err(io("open articles"))?;
                let mut old: Vec<(String, String)> = Vec::new();
                articles
                    .retain(|id, json| match serde_json::from_slice::<ArticleEntry>(json) {
                        Ok(e) if e.committed_at < cutoff => {
                            old.push((id.to_string(), e.content_hash));
                            false
                        }
                        _ => true,
                    })
                    .map_err(io("expire articles"))?;
                expired.articles = old.len() as u64;
                let mut hashes = tx.open_table(HASHES).map_err(io("open hashes"))?;
                for (id, hash) in &old {
                    let points_here =
                        hashes.get(hash.as_str()).map_err(io("read hash"))?.is_some_and(|v| v.value() == id);
                    if points_here {
                        hashes.remove(hash.as_str()).map_err(io("expire hash"))?;
                        expired.hashes += 1;
                    }
                }
                let mut seen = tx.open_table(SEEN_URLS).map_err(io("open seen urls"))?;
                let before = seen.len().map_err(io("count seen urls"))?;
                seen.retain(|_, value| parse_seen(value).is_none_or(|(last, _)| last >= cutoff))
                    .map_err(io("expire seen urls"))?;
                expired.urls = before - seen.len().map_err(io("count seen urls"))?;
            }
        }
        tx.commit().map_err(io("commit"))?;
        let mut index = self.index.write().unwrap_or_else(PoisonError::into_inner);
        index.expire_before(window_start);
        index.set_capacity(r.fingerprint_capacity);
        Ok(expired)
    }

    /// Give the space freed by [`Store::expire`] back to the file system (redb
    /// reuses freed pages anyway, so the file stops growing without this). It
    /// needs the database to itself: readers and writers wait meanwhile, so call
    /// it when the pipeline is idle, e.g. at startup.
    pub fn compact(&self) -> Result<bool, StateError> {
        let mut db = self.db.write().unwrap_or_else(PoisonError::into_inner);
        db.compact().map_err(io("compact"))
    }

    /// Number of committed articles (for logs and tests).
    pub fn article_count(&self) -> Result<u64, StateError> {
        let tx = read(&self.db).begin_read().map_err(io("read"))?;
        let table = tx.open_table(ARTICLES).map_err(io("read articles"))?;
        table.len().map_err(io("count articles"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: &str) -> ArticleEntry {
        ArticleEntry { content_hash: hash.into(), simhash: 7, revision: 1, relevant: true, committed_at: Utc::now() }
    }

    #[test]
    fn commits_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .apply(&[
                    Commit::Article { id: "a1".into(), entry: entry("h1") },
                    Commit::SeenUrl { url_id: "u1".into() },
                    Commit::Cursor {
                        source: "https://x/feed".into(),
                        cursor: Cursor { etag: Some("\"v1\"".into()), ..Default::default() },
                    },
                ])
                .unwrap();
            store.set_source_failures("https://x/feed", 3).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let a1 = store.article("a1").unwrap().unwrap();
        assert_eq!((a1.content_hash.as_str(), a1.revision, a1.relevant), ("h1", 1, true));
        assert!(store.seen_url("u1").unwrap());
        assert!(!store.seen_url("u2").unwrap());
        assert_eq!(store.article_with_hash("h1").unwrap().as_deref(), Some("a1"));
        assert_eq!(store.cursor("https://x/feed").unwrap().unwrap().etag.as_deref(), Some("\"v1\""));
        assert_eq!(store.source_failures("https://x/feed").unwrap(), 3);
        assert_eq!(store.article("missing").unwrap(), None);
    }

    fn fingerprint(n: u32, simhash: u64) -> Commit {
        Commit::Fingerprint { id: format!("{n:032x}"), first_copy: format!("{n:032x}"), simhash }
    }

    #[test]
    fn fingerprints_survive_reopening_and_only_committed_ones_are_indexed() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert_eq!(store.near_duplicate(0xabcd, 3), None);
            store.apply(&[fingerprint(1, 0xabcd)]).unwrap();
            let m = store.near_duplicate(0xabcd ^ 0b101, 3).unwrap();
            assert_eq!((m.first_copy.as_str(), m.distance), (format!("{:032x}", 1).as_str(), 2));
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.fingerprint_count(), 1);
        assert!(store.near_duplicate(0xabcd, 0).is_some());
    }

    #[test]
    fn expiry_forgets_old_fingerprints_articles_urls_and_hashes_and_bounds_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let retention = Retention {
            fingerprint_window: TimeDelta::hours(72),
            fingerprint_capacity: 2,
            articles: Some(TimeDelta::days(30)),
            ..Retention::default()
        };
        store.configure(retention);
        let old = ArticleEntry { committed_at: Utc::now() - TimeDelta::days(31), ..entry("h-old") };
        store
            .apply(&[
                Commit::Article { id: "old".into(), entry: old },
                Commit::Article { id: "new".into(), entry: entry("h-new") },
                Commit::SeenUrl { url_id: "u".into() },
                fingerprint(1, 1),
                fingerprint(2, 2),
                fingerprint(3, 3),
            ])
            .unwrap();
        let now = Utc::now();
        let expired = store.expire(now).unwrap();
        assert_eq!(expired, Expired { fingerprints: 1, articles: 1, urls: 0, hashes: 1 });
        assert_eq!(store.article("old").unwrap(), None);
        assert_eq!(store.article_with_hash("h-old").unwrap(), None);
        assert_eq!(store.article_with_hash("h-new").unwrap().as_deref(), Some("new"));
        assert_eq!(store.fingerprint_count(), 2);
        assert!(store.near_duplicate(1, 0).is_none(), "the oldest fingerprint left first");

        // Three days on, the fingerprints are out of their window; a month on, everything else.
        let expired = store.expire(now + TimeDelta::hours(73)).unwrap();
        assert_eq!((expired.fingerprints, store.fingerprint_count()), (2, 0));
        let expired = store.expire(now + TimeDelta::days(31)).unwrap();
        assert_eq!((expired.articles, expired.urls, expired.hashes), (1, 1, 1));
        assert!(!store.seen_url("u").unwrap());
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!((store.fingerprint_count(), store.article_count().unwrap()), (0, 0));
    }

    #[test]
    fn compaction_gives_expired_space_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("talkwire.redb");
        let store = Store::open(dir.path()).unwrap();
        for batch in 0..20u32 {
            let commits: Vec<Commit> =
                (0..500).map(|i| fingerprint(batch * 500 + i, u64::from(batch * 500 + i))).collect();
            store.apply(&commits).unwrap();
        }
        let full = std::fs::metadata(&file).unwrap().len();
        store.configure(Retention { fingerprint_capacity: 10, ..Retention::default() });
        store.expire(Utc::now()).unwrap();
        assert!(store.compact().unwrap());
        let compacted = std::fs::metadata(&file).unwrap().len();
        assert!(compacted < full / 2, "{full} bytes before, {compacted} after");
        assert_eq!(store.fingerprint_count(), 10);
    }

    #[test]
    fn a_seen_url_is_due_again_only_for_a_possible_revision() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.configure(Retention {
            revisit_after: Some(TimeDelta::minutes(60)),
            revisit_for: TimeDelta::hours(24),
            ..Retention::default()
        });
        let now = Utc::now();
        assert!(store.due_at("u", None, now).unwrap(), "never seen");
        store.apply(&[Commit::SeenUrl { url_id: "u".into() }]).unwrap();
        assert!(!store.due_at("u", None, now + TimeDelta::minutes(30)).unwrap(), "looked at recently");
        assert!(store.due_at("u", None, now + TimeDelta::minutes(61)).unwrap(), "a page: look again");
        let unchanged = Some(now - TimeDelta::hours(1));
        let updated = Some(now + TimeDelta::minutes(45));
        assert!(!store.due_at("u", unchanged, now + TimeDelta::minutes(61)).unwrap(), "the feed says unchanged");
        assert!(store.due_at("u", updated, now + TimeDelta::minutes(61)).unwrap(), "the feed says updated");
        assert!(!store.due_at("u", updated, now + TimeDelta::hours(25)).unwrap(), "too old to revisit");
        // Seen again later: the first time is kept, so revisits still end a day after it.
        store.apply(&[Commit::SeenUrl { url_id: "u".into() }]).unwrap();
        assert!(!store.due_at("u", None, now + TimeDelta::hours(25)).unwrap());
        store.configure(Retention { revisit_after: None, ..Retention::default() });
        assert!(!store.due_at("u", None, now + TimeDelta::hours(2)).unwrap(), "revisits switched off");
    }

    #[test]
    fn first_article_keeps_its_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.apply(&[Commit::Article { id: "first".into(), entry: entry("same") }]).unwrap();
        store.apply(&[Commit::Article { id: "second".into(), entry: entry("same") }]).unwrap();
        assert_eq!(store.article_with_hash("same").unwrap().as_deref(), Some("first"));
        assert_eq!(store.article_count().unwrap(), 2);
    }
}
