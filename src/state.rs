//! The embedded, crash-safe state store (redb) under `--state-dir`.
//!
//! It remembers what has been *delivered*: articles (by id, with their
//! fingerprints and revision), which discovered URLs led to them, content
//! hashes, and each source's cursor (ETag / Last-Modified). Writes arrive only
//! through [`Store::apply`], which the delivery committer calls once Kafka (or
//! stdout) has confirmed a record — so a crash never marks undelivered work as
//! done. Source health counters are the exception: they are operational, not
//! delivery, state.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

/// article id → [`ArticleEntry`] (JSON).
const ARTICLES: TableDefinition<&str, &[u8]> = TableDefinition::new("articles");
/// id of a discovered URL → when it was dealt with (RFC 3339).
const SEEN_URLS: TableDefinition<&str, &str> = TableDefinition::new("seen_urls");
/// content hash → article id.
const HASHES: TableDefinition<&str, &str> = TableDefinition::new("content_hashes");
/// source URL → [`Cursor`] (JSON).
const CURSORS: TableDefinition<&str, &[u8]> = TableDefinition::new("cursors");
/// source URL → consecutive failures.
const SOURCE_FAILURES: TableDefinition<&str, u64> = TableDefinition::new("source_failures");

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

/// A source's conditional-GET validators, saved once all its articles are delivered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// ETag of the last fully processed response.
    pub etag: Option<String>,
    /// Last-Modified of the last fully processed response.
    pub last_modified: Option<String>,
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
}

/// The state store. Cheap to share behind an `Arc`; redb serialises writers.
pub struct Store {
    db: Database,
}

impl Store {
    /// Open (or create) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let path = dir.join("talkwire.redb");
        let open_err =
            |source: Box<dyn std::error::Error + Send + Sync>| StateError::Open { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(|e| open_err(Box::new(e)))?;
        let db = Database::create(&path).map_err(|e| open_err(Box::new(e)))?;
        // Create the tables up front so readers never meet a missing table.
        let tx = db.begin_write().map_err(|e| open_err(Box::new(e)))?;
        {
            tx.open_table(ARTICLES).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(SEEN_URLS).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(HASHES).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(CURSORS).map_err(|e| open_err(Box::new(e)))?;
            tx.open_table(SOURCE_FAILURES).map_err(|e| open_err(Box::new(e)))?;
        }
        tx.commit().map_err(|e| open_err(Box::new(e)))?;
        Ok(Self { db })
    }

    /// The entry of article `id`, if it was ever committed.
    pub fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
        let table = tx.open_table(ARTICLES).map_err(io("read articles"))?;
        match table.get(id).map_err(io("read article"))? {
            Some(bytes) => Ok(serde_json::from_slice(bytes.value()).ok()),
            None => Ok(None),
        }
    }

    /// Whether a discovered URL was dealt with before.
    pub fn seen_url(&self, url_id: &str) -> Result<bool, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
        let table = tx.open_table(SEEN_URLS).map_err(io("read seen urls"))?;
        Ok(table.get(url_id).map_err(io("read seen url"))?.is_some())
    }

    /// The article that first had this content hash.
    pub fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
        let table = tx.open_table(HASHES).map_err(io("read hashes"))?;
        Ok(table.get(content_hash).map_err(io("read hash"))?.map(|v| v.value().to_string()))
    }

    /// A source's saved validators.
    pub fn cursor(&self, source: &str) -> Result<Option<Cursor>, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
        let table = tx.open_table(CURSORS).map_err(io("read cursors"))?;
        match table.get(source).map_err(io("read cursor"))? {
            Some(bytes) => Ok(serde_json::from_slice(bytes.value()).ok()),
            None => Ok(None),
        }
    }

    /// Consecutive failures of a source.
    pub fn source_failures(&self, source: &str) -> Result<u64, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
        let table = tx.open_table(SOURCE_FAILURES).map_err(io("read source failures"))?;
        Ok(table.get(source).map_err(io("read source failures"))?.map(|v| v.value()).unwrap_or(0))
    }

    /// Record a source's poll outcome: a failure increments, a success resets.
    pub fn set_source_failures(&self, source: &str, failures: u64) -> Result<(), StateError> {
        let tx = self.db.begin_write().map_err(io("begin write"))?;
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

    /// Apply delivered commits in one durable (fsynced) transaction.
    pub fn apply(&self, commits: &[Commit]) -> Result<(), StateError> {
        if commits.is_empty() {
            return Ok(());
        }
        let now = Utc::now().to_rfc3339();
        let tx = self.db.begin_write().map_err(io("begin write"))?;
        {
            let mut articles = tx.open_table(ARTICLES).map_err(io("open articles"))?;
            let mut seen = tx.open_table(SEEN_URLS).map_err(io("open seen urls"))?;
            let mut hashes = tx.open_table(HASHES).map_err(io("open hashes"))?;
            let mut cursors = tx.open_table(CURSORS).map_err(io("open cursors"))?;
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
                        seen.insert(url_id.as_str(), now.as_str()).map_err(io("write seen url"))?;
                    }
                    Commit::Cursor { source, cursor } => {
                        let json = serde_json::to_vec(cursor).map_err(io("encode cursor"))?;
                        cursors.insert(source.as_str(), json.as_slice()).map_err(io("write cursor"))?;
                    }
                }
            }
        }
        tx.commit().map_err(io("commit"))
    }

    /// Number of committed articles (for logs and tests).
    pub fn article_count(&self) -> Result<u64, StateError> {
        let tx = self.db.begin_read().map_err(io("read"))?;
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
                        cursor: Cursor { etag: Some("\"v1\"".into()), last_modified: None },
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
