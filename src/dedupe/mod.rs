//! Exact deduplication and revisions, decided against what was delivered before.
//!
//! The decision is a pure function of the article's id and fingerprints and of
//! the [`History`] of committed articles; the pipeline adds the in-flight view
//! (two copies arriving in the same run) and commits the outcome on delivery.

use crate::normalize::hamming;
use crate::state::{ArticleEntry, StateError, Store};

/// SimHash bits that must differ before a changed article counts as a new revision:
/// below this the change is a timestamp, an ad slot or a typo fix.
pub const REVISION_MIN_BITS: u32 = 4;

/// What was committed before.
pub trait History {
    /// The entry of article `id`.
    fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError>;
    /// The first article that had this content hash.
    fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError>;
}

impl History for Store {
    fn article(&self, id: &str) -> Result<Option<ArticleEntry>, StateError> {
        Store::article(self, id)
    }
    fn article_with_hash(&self, content_hash: &str) -> Result<Option<String>, StateError> {
        Store::article_with_hash(self, content_hash)
    }
}

/// The dedupe verdict for one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Publish with this revision (1 for a new article, n+1 for a material change).
    Publish {
        /// Revision number to publish.
        revision: u32,
    },
    /// Same article, no material change since it was published: skip.
    Unchanged,
    /// The same text was already published under another id: skip.
    DuplicateOf(String),
}

/// Decide whether an article with `id`, `content_hash` and `simhash` must be published.
pub fn decide(history: &impl History, id: &str, content_hash: &str, simhash: u64) -> Result<Verdict, StateError> {
    if let Some(previous) = history.article(id)? {
        let changed = previous.content_hash != content_hash && hamming(previous.simhash, simhash) >= REVISION_MIN_BITS;
        return Ok(if changed { Verdict::Publish { revision: previous.revision + 1 } } else { Verdict::Unchanged });
    }
    match history.article_with_hash(content_hash)? {
        Some(first) if first != id => Ok(Verdict::DuplicateOf(first)),
        _ => Ok(Verdict::Publish { revision: 1 }),
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
    }

    impl Memory {
        fn with(id: &str, hash: &str, simhash: u64, revision: u32) -> Self {
            let mut m = Memory::default();
            let entry =
                ArticleEntry { content_hash: hash.into(), simhash, revision, relevant: true, committed_at: Utc::now() };
            m.articles.insert(id.into(), entry);
            m.hashes.insert(hash.into(), id.into());
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
    }

    #[test]
    fn a_new_article_is_published_as_revision_one() {
        assert_eq!(decide(&Memory::default(), "a", "h", 0).unwrap(), Verdict::Publish { revision: 1 });
    }

    #[test]
    fn the_same_article_unchanged_is_skipped() {
        let m = Memory::with("a", "h", 0, 1);
        assert_eq!(decide(&m, "a", "h", 0).unwrap(), Verdict::Unchanged);
        // A different hash but nearly the same text (a timestamp changed) is not a revision.
        assert_eq!(decide(&m, "a", "h2", 0b11).unwrap(), Verdict::Unchanged);
    }

    #[test]
    fn a_material_change_is_the_next_revision() {
        let m = Memory::with("a", "h", 0, 2);
        assert_eq!(decide(&m, "a", "h2", 0xffff).unwrap(), Verdict::Publish { revision: 3 });
    }

    #[test]
    fn the_same_text_under_another_url_is_a_duplicate() {
        let m = Memory::with("a", "h", 0, 1);
        assert_eq!(decide(&m, "b", "h", 0).unwrap(), Verdict::DuplicateOf("a".into()));
    }
}
