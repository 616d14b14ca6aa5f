//! Normalisation: canonical URLs, stable ids, clean text and fingerprints.
//!
//! Everything later stages compare — ids, content hashes, SimHashes — is
//! computed here from normalised input, so two fetches of the same article
//! through different URLs or with different whitespace agree.

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;
use url::Url;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::extract::Extracted;
use crate::record::{Dedupe, Record, SCHEMA_VERSION, SourceRef, Topic};
use crate::sources::FeedHints;

/// Query parameters that only track the reader; removing them never changes the content.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "yclid",
    "igshid",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "smid",
    "smtyp",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "sr_share",
    "share",
    "__twitter_impression",
    "s_cid",
    "ito",
    "guccounter",
];

/// Prefixes of tracking parameter families (utm_source, utm_medium, ...).
const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hsa_", "oly_"];

fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str()) || TRACKING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Canonical form of a URL: lowercase scheme and host (the `url` crate does
/// that and drops default ports and dot segments), no fragment, no tracking
/// parameters, remaining parameters sorted, no empty query.
pub fn canonicalize_url(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    if matches!(out.scheme(), "http" | "https") {
        let mut kept: Vec<(String, String)> =
            url.query_pairs().filter(|(k, _)| !is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        if kept.is_empty() {
            out.set_query(None);
        } else {
            kept.sort();
            out.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    out
}

/// Stable id of an article: xxh3-128 of its canonical URL, hex. The same URL
/// gives the same id on every machine and release (xxh3 is a fixed algorithm).
pub fn article_id(canonical_url: &Url) -> String {
    format!("{:032x}", xxh3_128(canonical_url.as_str().as_bytes()))
}

/// Publisher host of a URL without a leading `www.`.
pub fn site_of(url: &Url) -> String {
    url.host_str().map(|h| h.strip_prefix("www.").unwrap_or(h).to_string()).unwrap_or_default()
}

/// Clean article text: Unicode NFC, line endings `\n`, spaces collapsed inside
/// paragraphs, paragraphs separated by exactly one blank line.
pub fn normalize_text(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for para in nfc.replace("\r\n", "\n").replace('\r', "\n").split("\n\n") {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&line);
        }
    }
    out
}

/// Lowercased words of a text, for hashing: punctuation and case do not change a fingerprint.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// xxh3-128 of the text's words, hex: equal for texts that differ only in punctuation, case or spacing.
pub fn content_hash(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for w in words(text) {
        joined.push_str(&w);
        joined.push(' ');
    }
    format!("{:032x}", xxh3_128(joined.as_bytes()))
}

/// 64-bit SimHash over 3-word shingles: near-identical texts differ in few bits.
pub fn simhash(text: &str) -> u64 {
    let ws: Vec<String> = words(text).collect();
    let mut counts = [0i32; 64];
    let mut add = |h: u64| {
        for (bit, c) in counts.iter_mut().enumerate() {
            *c += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    if ws.len() < 3 {
        ws.iter().for_each(|w| add(xxh3_64(w.as_bytes())));
    } else {
        let mut buf = String::new();
        for shingle in ws.windows(3) {
            buf.clear();
            for w in shingle {
                buf.push_str(w);
                buf.push(' ');
            }
            add(xxh3_64(buf.as_bytes()));
        }
    }
    counts.iter().enumerate().filter(|(_, c)| **c > 0).fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

/// Number of differing bits between two SimHashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Everything known about a fetched article before the record is built.
pub struct Parts<'a> {
    /// The URL fetched, after redirects (a `file://` URL for local files).
    pub fetched_url: &'a Url,
    /// What `url` shows in the record: the fetched URL, or the file path as given.
    pub display_url: String,
    /// The source that led here.
    pub source: SourceRef,
    /// What the feed said.
    pub hints: &'a FeedHints,
    /// What the page said.
    pub extracted: Extracted,
    /// When it was fetched.
    pub fetched_at: DateTime<Utc>,
}

/// Build the record of an article: canonical URL and id, clean text,
/// fingerprints, and the page's metadata with the feed's as fallback. Topic,
/// entities and quotes are left empty for their stages.
pub fn assemble(parts: Parts) -> Record {
    let Parts { fetched_url, display_url, source, hints, extracted, fetched_at } = parts;
    let canonical = canonicalize_url(extracted.canonical_url.as_ref().unwrap_or(fetched_url));
    let text = normalize_text(&extracted.text);
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = Some(clean(&extracted.title))
        .filter(|t| !t.is_empty())
        .or_else(|| hints.title.as_deref().map(clean))
        .unwrap_or_default();
    let authors = if extracted.authors.is_empty() { hints.authors.clone() } else { extracted.authors };
    let summary = extracted.summary.map(|s| clean(&s)).filter(|s| !s.is_empty()).or_else(|| hints.summary.clone());
    Record {
        schema_version: SCHEMA_VERSION,
        id: article_id(&canonical),
        revision: 1,
        url: display_url,
        canonical_url: canonical.to_string(),
        source,
        title,
        authors,
        summary,
        published_at: extracted.published_at.or(hints.published_at),
        updated_at: extracted.updated_at.or(hints.updated_at),
        fetched_at,
        language: extracted.language,
        dedupe: Dedupe {
            content_hash: content_hash(&text),
            simhash: format!("{:016x}", simhash(&text)),
            duplicate_of: None,
        },
        text,
        topic: Topic { relevant: false, score: 0.0, matched: Vec::new() },
        entities: Vec::new(),
        quotes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn tracking_parameters_fragments_and_order_are_normalised() {
        let a = canonicalize_url(&u("HTTPS://Example.COM:443/a/../news/1?utm_source=x&b=2&fbclid=y&a=1#top"));
        assert_eq!(a.as_str(), "https://example.com/news/1?a=1&b=2");
        let b = canonicalize_url(&u("https://example.com/news/1?utm_medium=rss"));
        assert_eq!(b.as_str(), "https://example.com/news/1");
    }

    #[test]
    fn content_parameters_are_kept_and_canonicalisation_is_idempotent() {
        let a = canonicalize_url(&u("https://example.com/story?id=42&page=2&gclid=z"));
        assert_eq!(a.as_str(), "https://example.com/story?id=42&page=2");
        assert_eq!(canonicalize_url(&a), a);
    }

    #[test]
    fn id_is_stable_and_differs_per_url() {
        let a = article_id(&u("https://example.com/a"));
        assert_eq!(a, article_id(&u("https://example.com/a")));
        assert_ne!(a, article_id(&u("https://example.com/b")));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn text_is_collapsed_into_paragraphs() {
        let t = normalize_text("  First   line\r\nstill first.\r\n\r\n\r\n\n  Second\tparagraph.  \n\n");
        assert_eq!(t, "First line still first.\n\nSecond paragraph.");
        // NFC: e + combining acute becomes é.
        assert_eq!(normalize_text("Cafe\u{301}"), "Caf\u{e9}");
    }

    #[test]
    fn content_hash_ignores_case_punctuation_and_spacing_only() {
        assert_eq!(content_hash("Iran said: talks resume."), content_hash("iran said talks   resume"));
        assert_ne!(content_hash("Iran said talks resume"), content_hash("Iran said talks stall"));
    }

    #[test]
    fn the_page_wins_over_the_feed_and_the_canonical_link_gives_the_id() {
        let fetched = u("https://news.example/a/1?utm_source=rss");
        let hints =
            FeedHints { title: Some("Feed title".into()), authors: vec!["Feed Author".into()], ..Default::default() };
        let extracted = Extracted {
            title: "  Page   title ".into(),
            canonical_url: Some(u("https://news.example/a/1#x")),
            text: "One.\n\n\nTwo.".into(),
            ..Default::default()
        };
        let source = SourceRef {
            kind: crate::record::SourceKind::Feed,
            url: "https://news.example/rss".into(),
            site: "news.example".into(),
        };
        let r = assemble(Parts {
            fetched_url: &fetched,
            display_url: fetched.to_string(),
            source,
            hints: &hints,
            extracted,
            fetched_at: Utc::now(),
        });
        assert_eq!(r.title, "Page title");
        assert_eq!(r.authors, vec!["Feed Author".to_string()]);
        assert_eq!(r.canonical_url, "https://news.example/a/1");
        assert_eq!(r.id, article_id(&u("https://news.example/a/1")));
        assert_eq!(r.text, "One.\n\nTwo.");
        assert_eq!(r.dedupe.content_hash, content_hash("One. Two."));
    }

    #[test]
    fn simhash_is_close_for_copies_and_far_for_different_texts() {
        // A wire story of realistic length (a few hundred words, no repeated sentences).
        let base: String = (0..40)
            .map(|i| {
                format!(
                    "In round {i} the delegations from Tehran and Washington discussed item {} of the draft. ",
                    i * 7
                )
            })
            .collect();
        let copy = format!("{base} Reporting by Reuters.");
        let other = "The central bank raised interest rates by a quarter point on Wednesday, citing \
                     persistent inflation in services and a tight labour market across the eurozone.";
        assert!(hamming(simhash(&base), simhash(&copy)) <= 10);
        assert!(hamming(simhash(&base), simhash(other)) > 16);
    }
}
