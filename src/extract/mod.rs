//! Extraction stage: a fetched page → what it says about itself (title, authors, summary,
//! dates, language, canonical URL, paywall flag) and its main text.
//!
//! The page is decoded once and parsed once with `dom_query`. Metadata is read from that
//! document first; the same document is then moved (not cloned) into `dom_smoothie`'s
//! Readability, which mutates it while isolating the article body.

mod boilerplate;
mod canonical;
mod clean;
mod dates;
mod decode;
mod guard;
mod jsonld;
mod lang;
mod page;

use chrono::{DateTime, Utc};
use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use url::Url;

pub use decode::decode_html;

use clean::{author_names, collapse_ws, dedupe_names, strip_title_site, tidy};
use page::Signals;

/// `html` cut before the tag at which its element nesting becomes absurd, and the cut offset;
/// `html` whole (and `None`) when it is sane. Run untrusted markup through this before any
/// html5ever parse: the tree builder's cost per tag grows with the depth, so 100 000 nested
/// `<div>`s would keep a parser busy for many minutes.
pub fn without_excessive_nesting(html: &str) -> (&str, Option<usize>) {
    match guard::excessive_nesting_at(html, guard::MAX_RAW_NESTING) {
        Some(cut) => (&html[..cut], Some(cut)),
        None => (html, None),
    }
}

/// Raw page as fetched.
pub struct PageInput<'a> {
    /// Response body, in whatever encoding the server sent.
    pub body: &'a [u8],
    /// HTTP Content-Type header value, if any (its charset wins over detection).
    pub content_type: Option<&'a str>,
    /// Final URL of the page (after redirects), for relative links and canonical checks.
    pub url: Option<&'a Url>,
}

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Headline, without the site name.
    pub title: String,
    /// Person names (no "By", no publishers), in byline order.
    pub authors: Vec<String>,
    /// The desk, agency or outlet the page credits when it names no person ("dpa", "AFP",
    /// "BBC News"): `None` whenever `authors` is not empty.
    pub credit: Option<String>,
    /// Standfirst / description.
    pub summary: Option<String>,
    /// First publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Last update time (never earlier than `published_at`).
    pub updated_at: Option<DateTime<Utc>>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// Trusted canonical only (same site, not the home page).
    pub canonical_url: Option<Url>,
    /// Main text, paragraphs separated by "\n\n".
    pub text: String,
    /// `isAccessibleForFree: false` seen in the page's JSON-LD.
    pub paywalled: bool,
}

/// `<meta>` keys carrying authors, best first.
const AUTHOR_METAS: &[&str] = &[
    "author",
    "article:author",
    "og:article:author",
    "article:author_name",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
];

/// `<meta>` keys carrying the publication time, best first.
const PUBLISHED_METAS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "citation_publication_date",
    "originalpublicationdate",
    "article.published",
];

/// `<meta>` keys carrying the last modification time, best first.
const MODIFIED_METAS: &[&str] = &[
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "article.updated",
    "lastmod",
];

/// `<meta>` keys naming the site or publisher (never an author, stripped from titles).
const SITE_METAS: &[&str] =
    &["og:site_name", "application-name", "apple-mobile-web-app-title", "publisher", "dc.publisher"];

/// The extraction stage. Build once and share; `extract` takes `&self`, and the type is
/// `Send + Sync`.
pub struct Extractor {
    readability: Config,
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

impl Extractor {
    /// Compile the selectors and set up the readability configuration.
    pub fn new() -> Self {
        let readability = Config {
            // Formatted text keeps block boundaries as blank lines: our paragraphs.
            text_mode: TextMode::Formatted,
            // We read JSON-LD ourselves (serde_json, with repairs); no need to parse it twice.
            disable_json_ld: true,
            ..Config::default()
        };
        Extractor { readability }
    }

    /// Extract metadata and main text from a page. Never fails: a page without an article
    /// yields empty `text`, and a panic inside the HTML libraries yields an empty result.
    pub fn extract(&self, page: &PageInput) -> Extracted {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.extract_inner(page))) {
            Ok(extracted) => extracted,
            Err(_) => {
                tracing::warn!(url = page.url.map(Url::as_str), "extraction panicked; page skipped");
                Extracted::default()
            }
        }
    }

    fn extract_inner(&self, page: &PageInput) -> Extracted {
        let doc = parse_page(page);
        let flattened = guard::cap_depth(&doc, guard::MAX_DOM_DEPTH);
        if flattened > 0 {
            tracing::debug!(url = page.url.map(Url::as_str), flattened, "deep subtrees flattened");
        }
        let signals = Signals::collect(&doc);
        // After metadata: bylines and dates live in the furniture this removes.
        boilerplate::strip(&doc);
        let (paragraphs, byline) = self.main_text(doc, page.url);
        assemble(&signals, paragraphs, byline, page.url, Utc::now())
    }

    /// Run readability on the document; returns the text's paragraphs and its byline guess.
    fn main_text(&self, doc: Document, url: Option<&Url>) -> (Vec<String>, Option<String>) {
        // Readability only accepts absolute http(s)-like URLs; file:// pages go without.
        let doc_url = url.filter(|u| matches!(u.scheme(), "http" | "https")).map(Url::as_str);
        let Ok(mut readability) = Readability::with_document(doc, doc_url, Some(self.readability.clone())) else {
            return (Vec::new(), None);
        };
        match readability.parse() {
            Ok(article) => (paragraphs(&article.text_content), article.byline),
            Err(err) => {
                tracing::debug!(%err, "no article content found");
                (Vec::new(), None)
            }
        }
    }
}

/// Decode a page and parse it, once: the work every extraction starts with (the extract bench
/// times it alone as the floor under extraction).
pub fn parse_page(page: &PageInput) -> Document {
    Document::from(prepared_html(page))
}

/// A page decoded and made ready for the parser: one pass over the raw text drops what nothing
/// reads (scripts, styles, drawings, comments, empty furniture) and cuts absurd nesting. The
/// extract bench tokenizes this alone: the floor under any html5ever parse of the page.
pub fn prepared_html(page: &PageInput) -> String {
    let html = decode::decode_cow(page.body, page.content_type);
    let (html, cut) = guard::prescan(&html, guard::MAX_RAW_NESTING);
    if let Some(cut) = cut {
        tracing::warn!(url = page.url.map(Url::as_str), cut, "absurdly nested HTML; rest of page dropped");
    }
    html
}

/// Split readability's formatted text into paragraphs, whitespace inside each collapsed.
///
/// Single line breaks (list items, `<br>`) also start a new paragraph: joining them would glue
/// unrelated sentences together for the quote and entity stages.
fn paragraphs(raw: &str) -> Vec<String> {
    raw.lines().map(collapse_ws).filter(|line| !line.is_empty()).collect()
}

/// How many times longer than the extracted text the JSON-LD `articleBody` must be to replace it.
const ARTICLE_BODY_GAIN: usize = 2;

/// Whether the page's JSON-LD `articleBody` tells the story the extraction only began: the same
/// opening, and [`ARTICLE_BODY_GAIN`] times the text. Buying guides and pages built from parts
/// spread their sections over containers that readability does not join.
fn tells_more(article_body: &str, extracted: &[String]) -> bool {
    let extracted_chars: usize = extracted.iter().map(|p| p.len()).sum();
    let Some(opening) = extracted.first().map(|p| p.split_whitespace().take(8).collect::<Vec<_>>().join(" ")) else {
        return false;
    };
    article_body.len() >= ARTICLE_BODY_GAIN * extracted_chars
        && !opening.is_empty()
        && collapse_ws(article_body).contains(&opening)
}

/// Turn the collected signals into the final record fields.
fn assemble(
    s: &Signals,
    paragraphs: Vec<String>,
    byline: Option<String>,
    url: Option<&Url>,
    now: DateTime<Utc>,
) -> Extracted {
    let ld = &s.jsonld;

    let mut sites: Vec<String> = SITE_METAS.iter().filter_map(|k| s.meta(k)).map(tidy).collect();
    sites.extend(ld.org_names.iter().map(|n| tidy(n)));
    sites.retain(|n| !n.is_empty());
    let host =
        url.filter(|u| matches!(u.scheme(), "http" | "https")).and_then(Url::host_str).map(str::to_string).or_else(
            || {
                // Without a page URL, the page's own claims still tell us the site's name.
                [s.link_canonical.as_deref(), s.meta("og:url")]
                    .into_iter()
                    .flatten()
                    .find_map(|u| Url::parse(u).ok()?.host_str().map(str::to_string))
            },
        );
    let host_label = host.as_deref().and_then(canonical::site_label);

    let title = pick_title(s, &sites, host_label.as_deref());
    let authors = pick_authors(s, byline.as_deref(), &sites, host_label.as_deref());
    let credit = if authors.is_empty() { pick_credit(s) } else { None };
    let paragraphs = match ld.article_body.as_deref() {
        Some(body) if tells_more(body, &paragraphs) => self::paragraphs(&clean::decode_entities(body)),
        _ => paragraphs,
    };
    // Paragraphs separated by exactly one blank line.
    let text = boilerplate::clean_paragraphs(paragraphs, &title).join("\n\n");

    let summary =
        [s.meta("og:description"), s.meta("description"), s.meta("twitter:description"), ld.description.as_deref()]
            .into_iter()
            .flatten()
            .map(tidy)
            .find(|d| !d.is_empty());

    let published_candidates = date_candidates(s, ld.date_published.as_deref(), PUBLISHED_METAS, "datePublished")
        .chain(s.time_datetime.as_deref())
        // Site-specific names such as "sn-post-date" or "publish-time".
        .chain(s.metas.iter().filter(|(k, _)| is_publish_key(k)).map(|(_, v)| v.as_str()));
    let published = first_stamp(published_candidates, now).or_else(|| {
        // No date in the metadata: the page's own dateline, as wall-clock time.
        s.text_date.and_then(|wall| dates::Stamp { wall, offset: None }.plausible(now))
    });
    let published_at = published.map(|p| p.utc());
    let updated_at = first_stamp(date_candidates(s, ld.date_modified.as_deref(), MODIFIED_METAS, "dateModified"), now)
        // A time without offset is in the page's zone, as far as the publication time tells.
        .map(|u| u.with_offset_if_none(published.and_then(|p| p.offset)).utc())
        .filter(|u| published_at.is_none_or(|p| *u >= p));

    let declared = [
        s.html_lang.as_deref(),
        s.meta("og:locale"),
        ld.in_language.as_deref(),
        s.itemprop("inLanguage"),
        s.meta("content-language"),
        s.meta("language"),
        s.meta("dc.language"),
    ]
    .into_iter()
    .flatten()
    .find_map(lang::normalise_tag);
    let language = if text.is_empty() {
        // No body: title and summary are all there is to detect from.
        let probe = format!("{title} {}", summary.as_deref().unwrap_or_default());
        lang::decide(declared, &probe)
    } else {
        lang::decide(declared, &text)
    };

    let canonical_url =
        [s.link_canonical.as_deref(), s.meta("og:url"), ld.url.as_deref(), ld.main_entity_of_page.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|c| canonical::trusted(c, url));

    Extracted {
        title,
        authors,
        credit,
        summary,
        published_at,
        updated_at,
        language,
        canonical_url,
        text,
        paywalled: ld.paywalled,
    }
}

/// JSON-LD, then `<meta>` keys, then microdata, in that order of trust.
fn date_candidates<'s>(
    s: &'s Signals,
    ld: Option<&'s str>,
    metas: &'static [&'static str],
    itemprop: &'static str,
) -> impl Iterator<Item = &'s str> + 's {
    ld.into_iter()
        .chain(metas.iter().flat_map(move |k| s.metas_of(k)))
        .chain(s.itemprops.iter().filter(move |(k, _)| k == itemprop).map(|(_, v)| v.as_str()))
}

/// The first candidate that parses; when it gives no UTC offset (JSON-LD often omits it), the
/// offset of a later candidate naming the same wall-clock minute (`<meta name="date">` with
/// `+02:00`).
fn first_stamp<'s>(candidates: impl Iterator<Item = &'s str>, now: DateTime<Utc>) -> Option<dates::Stamp> {
    let mut stamps = candidates.filter_map(|d| dates::parse_stamp(d, now));
    let first = stamps.next()?;
    if first.offset.is_some() {
        return Some(first);
    }
    let minute = |wall: chrono::NaiveDateTime| wall.and_utc().timestamp() / 60;
    let offset = stamps.find(|s| s.offset.is_some() && minute(s.wall) == minute(first.wall)).and_then(|s| s.offset);
    Some(first.with_offset_if_none(offset))
}

fn is_publish_key(key: &str) -> bool {
    (key.contains("publish") && !key.contains("publisher"))
        || key.contains("pubdate")
        || key.contains("post-date")
        || key.contains("post_date")
        || key.contains("postdate")
}

fn pick_title(s: &Signals, sites: &[String], host_label: Option<&str>) -> String {
    let h1 = s.h1.as_deref();
    let strip = |t: &str| strip_title_site(&tidy(t), sites, host_label, h1);
    // JSON-LD headlines are sometimes cut at 110 characters ("…"): then prefer a full one.
    let ld = s.jsonld.headline.as_deref().map(tidy).filter(|h| !h.is_empty());
    let truncated = ld.as_deref().is_some_and(|h| h.ends_with('…') || h.ends_with("..."));
    let others = [s.meta("og:title"), s.meta("twitter:title"), s.itemprop("headline"), s.title_tag.as_deref(), h1]
        .into_iter()
        .flatten()
        .map(strip)
        .find(|t| !t.is_empty());
    match (ld, others) {
        (Some(ld), Some(other)) if truncated => {
            let stem = ld.trim_end_matches(['…', '.']).trim_end();
            if other.starts_with(stem) { other } else { ld }
        }
        (Some(ld), _) => strip(&ld),
        (None, Some(other)) => other,
        (None, None) => String::new(),
    }
}

fn pick_authors(s: &Signals, byline: Option<&str>, sites: &[String], host_label: Option<&str>) -> Vec<String> {
    let clean = |raw: &str| author_names(raw, sites, host_label);
    let from_ld: Vec<String> = s.jsonld.authors.iter().filter(|a| !a.is_org).flat_map(|a| clean(&a.name)).collect();
    if !from_ld.is_empty() {
        return dedupe_names(from_ld);
    }
    for key in AUTHOR_METAS {
        let names: Vec<String> = s.metas_of(key).flat_map(clean).collect();
        if !names.is_empty() {
            return dedupe_names(names);
        }
    }
    let from_social_card: Vec<String> = s.social_card_author().map(clean).unwrap_or_default();
    if !from_social_card.is_empty() {
        return dedupe_names(from_social_card);
    }
    let from_microdata: Vec<String> =
        s.itemprops.iter().filter(|(k, _)| k == "author" || k == "creator").flat_map(|(_, v)| clean(v)).collect();
    if !from_microdata.is_empty() {
        return dedupe_names(from_microdata);
    }
    let from_links: Vec<String> = s.rel_authors.iter().flat_map(|a| clean(a)).collect();
    if !from_links.is_empty() {
        return dedupe_names(from_links);
    }
    byline.map(|b| dedupe_names(clean(b))).unwrap_or_default()
}

/// The first credit the page gives in its author fields, person or not: asked for only when
/// none of them names a person, so what it names is a desk, an agency or the outlet itself.
fn pick_credit(s: &Signals) -> Option<String> {
    let from_ld = s.jsonld.authors.iter().map(|a| a.name.as_str());
    let from_metas = AUTHOR_METAS.iter().flat_map(|k| s.metas_of(k));
    let from_microdata = s.itemprops.iter().filter(|(k, _)| k == "author" || k == "creator").map(|(_, v)| v.as_str());
    from_ld.chain(from_metas).chain(from_microdata).find_map(clean::credit_name)
}

#[cfg(test)]
mod tests;
