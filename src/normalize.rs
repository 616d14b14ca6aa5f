//! Normalisation: canonical URLs, stable ids, clean text and fingerprints.
//!
//! Everything later stages compare — ids, content hashes, SimHashes — is
//! computed here from normalised input, so two fetches of the same article
//! through different URLs or with different whitespace agree.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization};
use url::Url;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::extract::Extracted;
use crate::record::{Dedupe, Record, SCHEMA_VERSION, SourceRef, Topic, Truncated};

/// Query parameters that only track the reader (campaign, click and share ids):
/// removing them never changes the page served. Matched case-insensitively.
/// Deliberately absent, because some sites select content with them: `ref`,
/// `source`, `cid`, `id`, `page`, `p`, `s`, `q`, `lang`, `amp`, `output`.
pub const TRACKING_PARAMS: &[&str] = &[
    // Ad-click ids: Facebook, Google (gclid/dclid/gbraid/wbraid/gclsrc), Microsoft, Yandex,
    // Twitter/X, TikTok, LinkedIn, Instagram, Adobe, Reddit.
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "igsh",
    "ef_id",
    "s_kwcid",
    "rdt_cid",
    "epik",
    // Mailing tools: Mailchimp, HubSpot, Marketo, Vero.
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "mkt_tok",
    "vero_id",
    "vero_conv",
    // Analytics cookies passed in links (Google Analytics linker).
    "_ga",
    "_gl",
    // Publishers' own campaign and share markers (Twitter's ref_src, NYT smid, Guardian CMP,
    // BBC at_*, Microsoft ocid, Yahoo ncid, CNN/Telegraph icid, Le Monde xtor).
    "ref_src",
    "ref_url",
    "cmpid",
    "cmp",
    "ocid",
    "ncid",
    "icid",
    "smid",
    "smtyp",
    "xtor",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "at_link_id",
    "at_link_origin",
    "at_link_type",
    "at_ptr_name",
    "at_bbc_team",
    "sr_share",
    "share",
    "__twitter_impression",
    "s_cid",
    "ito",
    "guccounter",
    "guce_referrer",
    "guce_referrer_sig",
    "mibextid",
    "wt.mc_id",
    "wt.tsrc",
];

/// Prefixes of tracking parameter families (utm_source, utm_medium, ..., Matomo pk_/mtm_, HubSpot hsa_).
pub const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hsa_", "oly_"];

/// Whether a query parameter only tracks the reader.
pub fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str()) || TRACKING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Canonical form of a URL, so that every way of writing one address gives one id:
/// lowercase scheme and host, no default port and no dot segments (the `url`
/// crate does those on parsing), no trailing dot on the host, percent-escapes in
/// the path in one form (RFC 3986 §6.2.2: unreserved characters decoded, hex
/// uppercase), no fragment, no tracking parameters, the remaining parameters
/// sorted, no empty query. Path case and trailing slashes are kept: servers may
/// treat them as different pages.
pub fn canonicalize_url(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    if !matches!(out.scheme(), "http" | "https") {
        return out;
    }
    if let Some(host) =
        out.host_str().filter(|h| h.len() > 1 && h.ends_with('.')).map(|h| h.trim_end_matches('.').to_string())
    {
        // An absolute DNS name ("example.com.") is the same host; ignore failures (IP literals never end in a dot).
        let _ = out.set_host(Some(&host));
    }
    let path = normalize_escapes(out.path());
    if path != out.path() {
        out.set_path(&path);
    }
    let mut kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        kept.sort();
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out
}

/// Percent-escapes of unreserved characters decoded (`%7E` → `~`), the others in uppercase hex (`%2f` → `%2F`).
fn normalize_escapes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            let b = (h * 16 + l) as u8;
            // A hex digit decoded right after a stray '%' ("%%33D" → "%3D") would make a new
            // escape, and a second pass would decode that: keep such digits escaped.
            let after_stray_percent = out.ends_with('%')
                || (out.len() >= 2
                    && out.as_bytes()[out.len() - 2] == b'%'
                    && hex(out.as_bytes()[out.len() - 1]).is_some());
            if (b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
                && !(b.is_ascii_hexdigit() && after_stray_percent)
            {
                out.push(b as char);
            } else {
                out.push('%');
                out.push_str(&format!("{b:02X}"));
            }
            i += 3;
        } else {
            // Multi-byte characters never start with '%': copy the char whole.
            let c = path[i..].chars().next().expect("i is on a char boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Stable id of an article: xxh3-128 of its canonical URL, hex. The same URL
/// gives the same id on every machine and release (xxh3 is a fixed algorithm).
pub fn article_id(canonical_url: &Url) -> String {
    format!("{:032x}", xxh3_128(canonical_url.as_str().as_bytes()))
}

/// Id of a URL as a link names it: the [`article_id`] of its canonical form. Links are
/// remembered and claimed by it, before the page says what its own canonical URL is.
pub fn url_id(url: &Url) -> String {
    article_id(&canonicalize_url(url))
}

/// Publisher host of a URL without a leading `www.`.
pub fn site_of(url: &Url) -> String {
    url.host_str().map(|h| h.strip_prefix("www.").unwrap_or(h).to_string()).unwrap_or_default()
}

/// Whether `c` is alphanumeric: exactly [`char::is_alphanumeric`], read from a table for the
/// Basic Multilingual Plane. The standard library searches a compressed table for every non-ASCII
/// char (about 300 instructions), which the tokenizers made 6 % of the article path on pages in
/// other scripts.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    CHAR_CLASSES.alphanumeric.get(c).unwrap_or_else(|| c.is_alphanumeric())
}

/// Whether `c` is alphabetic: exactly [`char::is_alphabetic`], read from a table like
/// [`is_alphanumeric`].
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    CHAR_CLASSES.alphabetic.get(c).unwrap_or_else(|| c.is_alphabetic())
}

/// One bit per char of the Basic Multilingual Plane (8 KB).
struct BmpSet(Box<[u64]>);

impl BmpSet {
    fn of(class: impl Fn(char) -> bool) -> Self {
        let mut bits = vec![0u64; 0x10000 / 64];
        for (i, c) in (0..0x10000u32).filter_map(|i| Some((i as usize, char::from_u32(i)?))) {
            if class(c) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        BmpSet(bits.into_boxed_slice())
    }

    /// Whether `c` is in the set; `None` beyond the Basic Multilingual Plane.
    fn get(&self, c: char) -> Option<bool> {
        let i = c as usize;
        self.0.get(i / 64).map(|word| (word >> (i % 64)) & 1 == 1)
    }
}

struct CharClasses {
    alphabetic: BmpSet,
    alphanumeric: BmpSet,
}

/// Built on first use, from the standard library's own answers (a few milliseconds).
static CHAR_CLASSES: std::sync::LazyLock<CharClasses> = std::sync::LazyLock::new(|| CharClasses {
    alphabetic: BmpSet::of(char::is_alphabetic),
    alphanumeric: BmpSet::of(char::is_alphanumeric),
});

/// Whether `c`, not a letter or digit, met inside a word and followed by `rest`, belongs to that
/// word: a combining mark (a decomposed accent, `e` + U+0301), or a leftover of text decoded twice
/// (`François` read as Latin-1 twice is `FranÃ\u{83}Â§ois`: a C1 control or Latin-1 symbol before a
/// letter or another such leftover, which real text never puts between letters). Tokenizers keep
/// the word whole rather than cutting a name in two.
pub fn joins_word(c: char, rest: &str) -> bool {
    if c.is_ascii() || is_alphanumeric(c) {
        return false;
    }
    let stray = |c: char| matches!(c, '\u{80}'..='\u{9f}' | '\u{a1}'..='\u{bf}');
    is_combining_mark(c) || (stray(c) && rest.starts_with(|n: char| is_alphabetic(n) || stray(n)))
}

/// Clean article text: Unicode NFC, line endings `\n`, spaces collapsed inside
/// paragraphs, paragraphs separated by exactly one blank line.
pub fn normalize_text(text: &str) -> String {
    // Almost every article is already NFC: the quick check (a table lookup per char) spares
    // recomposing the whole text, which was ~4% of the article path.
    let nfc: Cow<str> = match unicode_normalization::is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        IsNormalized::No | IsNormalized::Maybe => Cow::Owned(text.nfc().collect()),
    };
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
    raw_words(text).map(str::to_lowercase)
}

/// Paragraphs shorter than this many words are page furniture, not content:
/// datelines, "Updated 12:15 GMT", "Advertisement", bylines.
const MIN_CONTENT_WORDS: usize = 8;
/// Paragraphs shorter than this that do not end like a sentence are furniture too:
/// "Read more: ..." links, photo credits, "(Reporting by ...; editing by ...)".
const MIN_UNPUNCTUATED_WORDS: usize = 25;

/// Whether a paragraph of normalised text is content rather than page furniture.
fn is_content(paragraph: &str) -> bool {
    let n = paragraph.split(|c: char| !is_alphanumeric(c)).filter(|w| !w.is_empty()).count();
    let sentence_end = paragraph
        .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', '\u{bb}', ')', ']'])
        .ends_with(['.', '!', '?', '\u{2026}']);
    n >= MIN_CONTENT_WORDS && (sentence_end || n >= MIN_UNPUNCTUATED_WORDS)
}

/// The words of a normalised text's content paragraphs (all of its words when
/// no paragraph qualifies, e.g. a one-line text). Fingerprints are computed on
/// these, so a changed timestamp, ad label or credit line changes neither the
/// content hash nor the SimHash: it is not a new revision, and two copies that
/// differ only there are the same content.
pub fn content_words(text: &str) -> Vec<String> {
    let content: Vec<&str> = text.split("\n\n").filter(|p| is_content(p)).collect();
    if content.is_empty() { words(text).collect() } else { content.iter().flat_map(|p| words(p)).collect() }
}

/// xxh3-128 of the text's content words, hex: equal for texts that differ only
/// in punctuation, case, spacing or furniture lines (see [`content_words`]).
pub fn content_hash(text: &str) -> String {
    content_hash_of_words(&content_words(text))
}

fn content_hash_of_words(words: &[String]) -> String {
    let mut joined = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for w in words {
        joined.push_str(w);
        joined.push(' ');
    }
    format!("{:032x}", xxh3_128(joined.as_bytes()))
}

/// Words per SimHash shingle. Measured on the corpus of `tests/near_duplicates.rs`
/// (3, 4 and 5 tried): 4 keeps copies closest while distinct stories stay apart.
pub const SHINGLE_WORDS: usize = 4;
/// The SimHash covers the first this-many content words (the lead). Wire copies
/// keep the top of a story and trim the end, so hashing the lead makes a trimmed
/// copy identical where a whole-text hash would drift by 10-20 bits; 200 words
/// (4-6 paragraphs) still tolerate a rewritten first paragraph. Measured with
/// 150, 200, 250, 300 and whole texts (see `tests/near_duplicates.rs`).
pub const SIMHASH_WORDS: usize = 200;
/// Below this many content words a SimHash says little: such articles are only
/// deduplicated exactly, never matched as near-duplicates.
pub const MIN_NEAR_DUPLICATE_WORDS: usize = 50;

/// 64-bit SimHash over [`SHINGLE_WORDS`]-word shingles of the first
/// [`SIMHASH_WORDS`] content words: near-identical leads differ in few bits.
pub fn simhash(text: &str) -> u64 {
    simhash_of_words(&content_words(text))
}

fn simhash_of_words(all: &[String]) -> u64 {
    let ws = &all[..all.len().min(SIMHASH_WORDS)];
    let mut counts = [0i32; 64];
    let mut add = |h: u64| {
        for (bit, c) in counts.iter_mut().enumerate() {
            *c += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    let mut buf = String::new();
    for shingle in ws.windows(SHINGLE_WORDS.min(ws.len()).max(1)) {
        buf.clear();
        for w in shingle {
            buf.push_str(w);
            buf.push(' ');
        }
        add(xxh3_64(buf.as_bytes()));
    }
    counts.iter().enumerate().filter(|(_, c)| **c > 0).fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

/// Whether the text is long enough for near-duplicate matching (see [`MIN_NEAR_DUPLICATE_WORDS`]):
/// the content words of [`content_words`], counted only as far as the bound.
pub fn near_duplicate_eligible(text: &str) -> bool {
    let count = |words: &mut dyn Iterator<Item = &str>| words.take(MIN_NEAR_DUPLICATE_WORDS).count();
    let mut content = text.split("\n\n").filter(|p| is_content(p)).peekable();
    let n =
        if content.peek().is_none() { count(&mut raw_words(text)) } else { count(&mut content.flat_map(raw_words)) };
    n >= MIN_NEAR_DUPLICATE_WORDS
}

/// The words of `text` as they stand (what [`words`] lowercases).
fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !is_alphanumeric(c)).filter(|w| !w.is_empty())
}

/// Number of differing bits between two SimHashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Metadata a source carries about an article (a feed entry, a sitemap entry, a GDELT row):
/// the fallback for what the page leaves out. Serialisable: in a cluster it travels on the fetch topic.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeedHints {
    /// Entry title.
    pub title: Option<String>,
    /// Entry summary, as text.
    pub summary: Option<String>,
    /// Entry authors.
    pub authors: Vec<String>,
    /// Entry publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Entry update time.
    pub updated_at: Option<DateTime<Utc>>,
    /// Language the source declares (e.g. a news sitemap's `news:language`), ISO 639.
    pub language: Option<String>,
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
    /// The most body text kept, in chars (`pipeline.max_text_chars`).
    pub max_text_chars: usize,
}

/// Build the record of an article: canonical URL and id, clean text,
/// fingerprints, and the page's metadata with the feed's as fallback. Topic,
/// entities and quotes are left empty for their stages.
pub fn assemble(parts: Parts) -> Record {
    let Parts { fetched_url, display_url, source, hints, extracted, fetched_at, max_text_chars } = parts;
    let canonical = canonicalize_url(extracted.canonical_url.as_ref().unwrap_or(fetched_url));
    let mut text = normalize_text(&extracted.text);
    let text_cut = cut_text(&mut text, max_text_chars);
    let content = content_words(&text);
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = Some(clean(&extracted.title))
        .filter(|t| !t.is_empty())
        .or_else(|| hints.title.as_deref().map(clean))
        .unwrap_or_default();
    let authors = if extracted.authors.is_empty() { hints.authors.clone() } else { extracted.authors };
    // A credit stands in for a byline only: a feed's author names a person.
    let credit = extracted.credit.filter(|_| authors.is_empty());
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
        credit,
        summary,
        published_at: extracted.published_at.or(hints.published_at),
        updated_at: extracted.updated_at.or(hints.updated_at),
        fetched_at,
        language: extracted.language,
        dedupe: Dedupe {
            content_hash: content_hash_of_words(&content),
            simhash: format!("{:016x}", simhash_of_words(&content)),
            duplicate_of: None,
        },
        text,
        topic: Topic { relevant: false, score: 0.0, matched: Vec::new() },
        entities: Vec::new(),
        quotes: Vec::new(),
        truncated: text_cut.then(|| Truncated { text: true, ..Truncated::default() }),
    }
}

/// Cut `text` to at most `max_chars` chars: at the last paragraph break when one falls in the
/// second half of the allowance, else at the last whitespace, else mid-word. Returns whether
/// anything was cut. Offsets into what is kept stay valid: only the end goes.
pub fn cut_text(text: &mut String, max_chars: usize) -> bool {
    let Some((limit, _)) = text.char_indices().nth(max_chars) else {
        return false;
    };
    let kept = &text[..limit];
    let at = kept
        .rfind("\n\n")
        .filter(|&at| at >= limit / 2)
        .or_else(|| kept.rfind(char::is_whitespace).filter(|&at| at > 0))
        .unwrap_or(limit);
    text.truncate(at);
    text.truncate(text.trim_end().len());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn char_class_tables_answer_as_the_standard_library() {
        let every_char = (0..=0x10FFFFu32).filter_map(char::from_u32);
        for c in every_char {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
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
    fn the_tracking_parameters_people_meet_are_removed_and_content_parameters_kept() {
        let a = canonicalize_url(&u("https://news.example/world/iran-talks?id=7&utm_campaign=x&UTM_Source=tw&gclid=1\
             &dclid=2&gbraid=3&wbraid=4&msclkid=5&mc_cid=6&mc_eid=7&_ga=8&yclid=9&igshid=10&ref_src=twsrc&cmpid=11\
             &ocid=12&CMP=share_btn_tw&smid=nytcore&at_medium=RSS&xtor=RSS-3208&fbclid=13&page=2&ref=hp"));
        assert_eq!(a.as_str(), "https://news.example/world/iran-talks?id=7&page=2&ref=hp");
    }

    #[test]
    fn ports_escapes_host_dots_and_empty_queries_are_normalised() {
        let a = canonicalize_url(&u("http://News.Example.:80/a/./b/%7ejane/%2f%e2%82%ac?"));
        assert_eq!(a.as_str(), "http://news.example/a/b/~jane/%2F%E2%82%AC");
        // Stray '%' signs next to escapes of hex digits (found by the url_canonical fuzz target).
        for stray in ["/hts&b=D&%3%2D&%3%33D&", "/a/%%33d&%6D=x", "/%%%333%33%33%%/y", "/4%%44e", "/%%6666-6"] {
            let once = canonicalize_url(&u(&format!("https://news.example{stray}")));
            assert_eq!(canonicalize_url(&once), once, "{stray}");
        }
        // Path case and trailing slashes are the server's business: kept.
        assert_ne!(canonicalize_url(&u("https://x.example/A/")), canonicalize_url(&u("https://x.example/a")));
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

    const STORY: &str = "MUSCAT, Oman \u{2014} Iranian and American negotiators resumed indirect talks on Tuesday, \
        with Oman's foreign minister carrying messages between the two delegations.\n\n\
        Updated 10 November 2026, 12:15 GMT\n\n\
        The session lasted nearly four hours and centred on how much enrichment Iran would keep.\n\n\
        Advertisement\n\n\
        \u{201c}The ball is now in Washington's court,\u{201d} Foreign Minister Abbas Araghchi told reporters.\n\n\
        (Reporting by Jane Roe in Muscat; editing by Mark Poe)";

    #[test]
    fn furniture_lines_change_no_fingerprint_but_content_does() {
        let retimed = STORY.replace("12:15 GMT", "14:40 GMT").replace("Advertisement", "Sponsored content");
        assert_eq!(content_hash(STORY), content_hash(&retimed));
        assert_eq!(simhash(STORY), simhash(&retimed));
        let changed = STORY.replace("nearly four hours", "nearly six hours");
        assert_ne!(content_hash(STORY), content_hash(&changed));
        let words = content_words(STORY);
        assert_eq!(words.first().map(String::as_str), Some("muscat"));
        assert!(!words.iter().any(|w| w == "advertisement" || w == "gmt" || w == "reporting"), "{words:?}");
    }

    #[test]
    fn a_long_text_is_cut_at_a_paragraph_then_a_word_boundary() {
        let mut text = format!("{}\n\n{}", "word ".repeat(30).trim_end(), "more ".repeat(30));
        assert!(cut_text(&mut text, 200));
        assert_eq!(text, "word ".repeat(30).trim_end(), "the paragraph break in the allowance's second half");
        let mut one_paragraph = "wörd ".repeat(100);
        assert!(cut_text(&mut one_paragraph, 52));
        assert_eq!(one_paragraph, "wörd ".repeat(10).trim_end());
        let mut short = "Talks resume.".to_string();
        assert!(!cut_text(&mut short, 13));
        assert_eq!(short, "Talks resume.");
    }

    #[test]
    fn a_one_line_text_is_fingerprinted_whole() {
        assert_eq!(content_words("Talks resume"), vec!["talks".to_string(), "resume".to_string()]);
        assert_ne!(simhash("Talks resume"), 0);
        assert_eq!(simhash(""), 0);
        assert!(near_duplicate_eligible(STORY) && !near_duplicate_eligible(STORY.split("\n\n").next().unwrap()));
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
            max_text_chars: 100_000,
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
        // The SimHash covers the lead: a copy trimmed after it is identical.
        let trimmed: String = base.split(". ").take(30).collect::<Vec<_>>().join(". ");
        assert_eq!(simhash(&base), simhash(&trimmed));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn segment() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9_~-]{1,12}",
                Just("..".to_string()),
                Just(".".to_string()),
                "[a-z]{1,4}%[0-9a-fA-F]{2}",
                Just("caf\u{e9}".to_string()),
            ]
        }

        /// Content parameters: any name that is not a tracking one, any value.
        fn content_param() -> impl Strategy<Value = (String, String)> {
            ("[a-zA-Z][a-zA-Z0-9_]{0,8}", "[a-zA-Z0-9 %+/=&?-]{0,10}")
                .prop_filter("not tracking", |(k, _)| !is_tracking(k))
        }

        fn tracking_param() -> impl Strategy<Value = (String, String)> {
            let exact = proptest::sample::select(TRACKING_PARAMS).prop_map(str::to_string);
            let family =
                (proptest::sample::select(TRACKING_PREFIXES), "[a-z]{1,8}").prop_map(|(p, s)| format!("{p}{s}"));
            let name = prop_oneof![exact, family];
            (name, any::<bool>(), "[a-zA-Z0-9_.-]{0,12}")
                .prop_map(|(n, upper, v)| (if upper { n.to_uppercase() } else { n }, v))
        }

        fn query(pairs: &[(String, String)]) -> String {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(pairs);
            q.finish()
        }

        fn base_url() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
            (
                prop_oneof![Just("http"), Just("https"), Just("HTTPS")],
                // A label starting with "xn--" is punycode and must decode, so random ones are not hosts.
                "[a-zA-Z][a-zA-Z0-9-]{0,10}\\.(com|org|CO\\.uk|example)"
                    .prop_filter("not a punycode label", |host| !host.to_ascii_lowercase().starts_with("xn--")),
                prop_oneof![
                    Just(String::new()),
                    Just(":80".to_string()),
                    Just(":443".to_string()),
                    Just(":8080".to_string())
                ],
                proptest::collection::vec(segment(), 0..5),
                any::<bool>(),
                proptest::collection::vec(content_param(), 0..4),
                proptest::option::of("[a-z0-9]{0,8}"),
            )
                .prop_map(|(scheme, host, port, segments, slash, params, fragment)| {
                    let mut s = format!("{scheme}://{host}{port}/{}", segments.join("/"));
                    if slash {
                        s.push('/');
                    }
                    if !params.is_empty() {
                        s.push('?');
                        s.push_str(&query(&params));
                    }
                    if let Some(f) = fragment {
                        s.push('#');
                        s.push_str(&f);
                    }
                    (s, params)
                })
        }

        proptest! {
            #[test]
            fn canonicalisation_is_idempotent(
                (raw, _) in base_url(),
                tracking in proptest::collection::vec(tracking_param(), 0..4),
            ) {
                let mut url = Url::parse(&raw).unwrap();
                if !tracking.is_empty() {
                    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                    pairs.extend(tracking);
                    url.set_query(Some(&query(&pairs)));
                }
                let once = canonicalize_url(&url);
                prop_assert_eq!(canonicalize_url(&once), once.clone());
                prop_assert!(once.fragment().is_none());
                prop_assert!(!once.query_pairs().any(|(k, _)| is_tracking(&k)));
            }

            #[test]
            fn tracking_parameters_anywhere_give_the_clean_url(
                (raw, params) in base_url(),
                tracking in proptest::collection::vec(tracking_param(), 1..5),
                seed in any::<u64>(),
            ) {
                let clean = Url::parse(&raw).unwrap();
                // Interleave the tracking parameters among the content ones, in a seed-given order.
                let mut mixed = params.clone();
                for (i, t) in tracking.into_iter().enumerate() {
                    let at = (seed.rotate_left(i as u32 * 7) as usize) % (mixed.len() + 1);
                    mixed.insert(at, t);
                }
                let mut tracked = clean.clone();
                tracked.set_query(Some(&query(&mixed)));
                prop_assert_eq!(canonicalize_url(&tracked), canonicalize_url(&clean));
            }
        }
    }
}
