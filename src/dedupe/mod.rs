//! Duplicates, near-duplicates and revisions, decided against what was delivered before.
//!
//! * **Exact duplicate**: the same canonical URL with unchanged content, or the
//!   same content (hash) under another URL — not published.
//! * **Revision**: the same canonical URL with changed content — published with
//!   the same id and `revision` + 1. "Changed" means the content words changed
//!   ([`crate::normalize::content_words`]): timestamps, ad labels and credit lines
//!   do not count.
//! * **Near-duplicate**: another URL whose lead's SimHash is within
//!   `near_duplicate_max_bits` of a story published in the window — published,
//!   with `dedupe.duplicate_of` = the id of that story's first copy.
//!
//! The decision ([`decide`]) is a pure function of the article's id and
//! fingerprints and of a [`History`]. [`Deduper`] runs it in the pipeline: its
//! history is the store (what was delivered) plus the articles in flight (a
//! copy may arrive before the first one is delivered). What it lets through
//! becomes history only on delivery: the store learns a fingerprint from the
//! [`Commit::Fingerprint`] the relevance stage adds to the ticket of a published
//! article ([`fingerprint_commit`]), applied once the sink confirmed it.

pub mod index;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::config::DedupeConfig;
use crate::delivery::{Inflight, Ticketed};
use crate::normalize::near_duplicate_eligible;
use crate::record::Record;
use crate::state::{ArticleEntry, Commit, Retention, StateError, Store};

/// How often the running daemon sweeps expired state.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// What was committed before (and, in the pipeline, what is in flight).
pub trait History {
    /// The entry of article `id`.
    fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError>;
    /// The first article that had this content hash.
    fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError>;
    /// The first copy of the story whose SimHash is closest to `simhash`, within `max_distance` bits.
    fn near_duplicate(&self, simhash: u64, max_distance: u32) -> Option<String>;
}

impl History for Store {
    fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
        Store::article(self, id)
    }
    fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        Store::article_with_hash(self, content_hash)
    }
    fn near_duplicate(&self, simhash: u64, max_distance: u32) -> Option<String> {
        Store::near_duplicate(self, simhash, max_distance).map(|m| m.first_copy)
    }
}

/// An article's fingerprints, as the normalize stage computed them.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprints<'a> {
    /// Hash of the content words.
    pub content_hash: &'a str,
    /// SimHash of the lead.
    pub simhash: u64,
    /// Whether the text is long enough for the SimHash to mean something.
    pub near_duplicate_eligible: bool,
}

impl<'a> Fingerprints<'a> {
    /// The fingerprints of a record.
    pub fn of(record: &'a Record) -> Self {
        Self {
            content_hash: &record.dedupe.content_hash,
            simhash: u64::from_str_radix(&record.dedupe.simhash, 16).unwrap_or_default(),
            near_duplicate_eligible: near_duplicate_eligible(&record.text),
        }
    }
}

/// The dedupe verdict for one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Publish with this revision (1 for a new article, n+1 for a material change).
    Publish {
        /// Revision number to publish.
        revision: u32,
        /// The first copy of the story, when this is a near-duplicate of it.
        duplicate_of: Option<String>,
    },
    /// Same article, no material change since it was published: skip.
    Unchanged,
    /// The same content was already published under another id: skip.
    DuplicateOf(String),
}

/// Decide whether article `id` with these fingerprints must be published;
/// `max_distance` is the near-duplicate threshold in bits (0: exact only).
pub fn decide(history: &impl History, id: &str, fp: &Fingerprints, max_distance: u32) -> Result<Verdict, StateError> {
    // A story is never its own duplicate; a revision keeps pointing to its first copy.
    let near = || {
        if !fp.near_duplicate_eligible || max_distance == 0 {
            return None;
        }
        history.near_duplicate(fp.simhash, max_distance).filter(|first| first != id)
    };
    if let Some(previous) = history.article(id)? {
        if previous.content_hash == fp.content_hash {
            return Ok(Verdict::Unchanged);
        }
        return Ok(Verdict::Publish { revision: previous.revision + 1, duplicate_of: near() });
    }
    match history.article_with_hash(fp.content_hash)? {
        Some(first) if first != id => Ok(Verdict::DuplicateOf(first)),
        _ => Ok(Verdict::Publish { revision: 1, duplicate_of: near() }),
    }
}

/// The state write that makes a published article a story later copies point
/// to; None when its text is too short to fingerprint. The relevance stage adds
/// it to the ticket of every article it passes on, so it is applied only when
/// the article is delivered, and off-topic articles never become first copies.
pub fn fingerprint_commit(record: &Record) -> Option<Commit> {
    let fp = Fingerprints::of(record);
    fp.near_duplicate_eligible.then(|| Commit::Fingerprint {
        id: record.id.clone(),
        first_copy: record.dedupe.duplicate_of.clone().unwrap_or_else(|| record.id.clone()),
        simhash: fp.simhash,
    })
}

/// An article that passed dedupe and is not delivered yet.
struct Pending {
    /// Its in-flight claim: the entry is live while the claim is held.
    claim: String,
    first_copy: String,
    simhash: u64,
}

/// The store plus the articles in flight, as one history.
struct InFlightView<'a> {
    store: &'a Store,
    pending: &'a [Pending],
}

impl History for InFlightView<'_> {
    fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
        self.store.article(id)
    }
    fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        self.store.article_with_hash(content_hash)
    }
    fn near_duplicate(&self, simhash: u64, max_distance: u32) -> Option<String> {
        // In-flight articles are few (bounded by the pipeline's channels): a scan is fine.
        let in_flight = self
            .pending
            .iter()
            .map(|p| ((p.simhash ^ simhash).count_ones(), &p.first_copy))
            .filter(|(d, _)| *d <= max_distance)
            .min_by_key(|(d, _)| *d);
        let committed = self.store.near_duplicate(simhash, max_distance);
        match (committed, in_flight) {
            // Committed stories are older than in-flight ones: on a tie, the older wins.
            (Some(c), Some((d, p))) => Some(if c.distance <= d { c.first_copy } else { p.clone() }),
            (Some(c), None) => Some(c.first_copy),
            (None, Some((_, p))) => Some(p.clone()),
            (None, None) => None,
        }
    }
}

/// The dedupe stage: decides, claims, and keeps state bounded.
pub struct Deduper {
    store: Arc<Store>,
    inflight: Inflight,
    max_distance: u32,
    pending: Mutex<Vec<Pending>>,
    last_sweep: Mutex<Instant>,
}

impl Deduper {
    /// Configure the store's bounds from `config`, sweep what expired while
    /// talkwire was stopped, compact the state file, and start deduplicating.
    /// Call it before the pollers start: compaction has the store to itself.
    pub fn start(store: Arc<Store>, inflight: Inflight, config: &DedupeConfig) -> Result<Self, StateError> {
        store.configure(Retention::from(config));
        let started = Instant::now();
        let expired = store.expire(chrono::Utc::now())?;
        let compacted = store.compact()?;
        tracing::info!(
            fingerprints = store.fingerprint_count(),
            expired_fingerprints = expired.fingerprints,
            expired_articles = expired.articles,
            expired_urls = expired.urls,
            compacted,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "dedupe state ready"
        );
        Ok(Self {
            store,
            inflight,
            max_distance: config.near_duplicate_max_bits,
            pending: Mutex::new(Vec::new()),
            last_sweep: Mutex::new(Instant::now()),
        })
    }

    /// Decide on one article: pass it on (with its revision and `duplicate_of`
    /// set) or resolve its ticket here. A failed state read drops the ticket
    /// unresolved, so the article is fetched again later.
    pub fn process(&self, mut t: Ticketed<Record>) -> Option<Ticketed<Record>> {
        self.sweep_if_due();
        let r = &t.item;
        let fp = Fingerprints::of(r);
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        // Delivered (now in the store) or failed: either way no longer in flight.
        pending.retain(|p| self.inflight.contains(&p.claim));
        let view = InFlightView { store: &self.store, pending: &pending };
        let verdict = match decide(&view, &r.id, &fp, self.max_distance) {
            Ok(v) => v,
            Err(error) => {
                tracing::error!(url = %r.url, id = %r.id, %error, "dedupe lookup failed; will retry");
                return None;
            }
        };
        let outcome = match verdict {
            Verdict::Publish { revision, duplicate_of } => {
                let id_claim = format!("id:{}", r.id);
                let claims = [id_claim.clone(), format!("hash:{}", fp.content_hash)];
                if claims.iter().all(|k| self.inflight.claim(k, &mut t.ticket)) {
                    if let Some(first) = &duplicate_of {
                        tracing::info!(url = %t.item.url, id = %t.item.id, duplicate_of = %first, "near-duplicate");
                    }
                    if fp.near_duplicate_eligible {
                        let first_copy = duplicate_of.clone().unwrap_or_else(|| t.item.id.clone());
                        pending.push(Pending { claim: id_claim, first_copy, simhash: fp.simhash });
                    }
                    t.item.revision = revision;
                    t.item.dedupe.duplicate_of = duplicate_of;
                    return Some(t);
                }
                "in_flight_copy"
            }
            Verdict::Unchanged => "unchanged",
            Verdict::DuplicateOf(_) => "duplicate",
        };
        drop(pending);
        tracing::info!(url = %t.item.url, id = %t.item.id, outcome, "not published");
        metrics::counter!("talkwire_articles_total", "outcome" => outcome).increment(1);
        t.ticket.delivered();
        None
    }

    /// Expire old state once an hour (no compaction: redb reuses the freed pages).
    fn sweep_if_due(&self) {
        let mut last = self.last_sweep.lock().unwrap_or_else(PoisonError::into_inner);
        if last.elapsed() < SWEEP_EVERY {
            return;
        }
        *last = Instant::now();
        match self.store.expire(chrono::Utc::now()) {
            Ok(expired) if expired.any() => tracing::info!(?expired, "expired old dedupe state"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot expire old dedupe state; will try again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Memory {
        articles: HashMap<String, ArticleEntry>,
        hashes: HashMap<String, String>,
        stories: Vec<(u64, String)>,
    }

    impl Memory {
        fn with(id: &str, hash: &str, simhash: u64, revision: u32) -> Self {
            let mut m = Memory::default();
            let entry =
                ArticleEntry { content_hash: hash.into(), simhash, revision, relevant: true, committed_at: Utc::now() };
            m.articles.insert(id.into(), entry);
            m.hashes.insert(hash.into(), id.into());
            m.stories.push((simhash, id.into()));
            m
        }
    }

    impl History for Memory {
        fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
            Ok(self.articles.get(id).cloned())
        }
        fn article_with_hash(&self, h: &str) -> Result<Option<String>, StateError> {
            Ok(self.hashes.get(h).cloned())
        }
        fn near_duplicate(&self, simhash: u64, max_distance: u32) -> Option<String> {
            self.stories
                .iter()
                .filter(|(s, _)| (s ^ simhash).count_ones() <= max_distance)
                .min_by_key(|(s, _)| (s ^ simhash).count_ones())
                .map(|(_, id)| id.clone())
        }
    }

    fn fp(hash: &str, simhash: u64) -> Fingerprints<'_> {
        Fingerprints { content_hash: hash, simhash, near_duplicate_eligible: true }
    }

    fn publish(revision: u32, duplicate_of: Option<&str>) -> Verdict {
        Verdict::Publish { revision, duplicate_of: duplicate_of.map(String::from) }
    }

    #[test]
    fn a_new_article_is_published_as_revision_one() {
        assert_eq!(decide(&Memory::default(), "a", &fp("h", 0), 11).unwrap(), publish(1, None));
    }

    #[test]
    fn the_same_article_unchanged_is_skipped() {
        let m = Memory::with("a", "h", 0, 1);
        assert_eq!(decide(&m, "a", &fp("h", 0), 11).unwrap(), Verdict::Unchanged);
    }

    #[test]
    fn a_material_change_is_the_next_revision_and_not_its_own_duplicate() {
        let m = Memory::with("a", "h", 0, 2);
        assert_eq!(decide(&m, "a", &fp("h2", 0b11), 11).unwrap(), publish(3, None));
    }

    #[test]
    fn the_same_text_under_another_url_is_a_duplicate() {
        let m = Memory::with("a", "h", 0, 1);
        assert_eq!(decide(&m, "b", &fp("h", 0), 11).unwrap(), Verdict::DuplicateOf("a".into()));
    }

    #[test]
    fn a_near_copy_is_published_pointing_to_the_first_copy() {
        let m = Memory::with("a", "h", 0, 1);
        assert_eq!(decide(&m, "b", &fp("h2", 0b111), 11).unwrap(), publish(1, Some("a")));
        // Too far, too short, or near-duplicates switched off: a story of its own.
        assert_eq!(decide(&m, "b", &fp("h2", 0xfff), 11).unwrap(), publish(1, None));
        let short = Fingerprints { near_duplicate_eligible: false, ..fp("h2", 0b111) };
        assert_eq!(decide(&m, "b", &short, 11).unwrap(), publish(1, None));
        assert_eq!(decide(&m, "b", &fp("h2", 0b111), 0).unwrap(), publish(1, None));
    }
}
