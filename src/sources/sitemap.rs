//! Sitemaps (sitemaps.org): URL sets, sitemap indexes, gzip, and the Google
//! News extension — read as a stream.
//!
//! A sitemap may list 50,000 URLs; the parser never builds a tree of it. It
//! reads XML events one at a time (quick-xml), decompressing a gzipped file on
//! the fly, drops entries older than the window while it reads, and keeps at
//! most a bounded number of the newest remaining entries. The async edge
//! (fetching the files, following indexes, cursors) lives in
//! [`super::discovery_polls`].

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::Event;
use url::Url;

use super::FeedHints;

/// The protocol's limit of URLs in one sitemap (and of sitemaps in one index); the rest is ignored.
pub const MAX_URLS_PER_SITEMAP: usize = 50_000;
/// The protocol's limit of an uncompressed sitemap (50 MiB): a gzip bomb stops here.
pub const MAX_DECOMPRESSED_BYTES: u64 = 50 * 1024 * 1024;

/// One `<url>` of a URL set.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapEntry {
    /// `<loc>`, resolved, fragment dropped.
    pub url: Url,
    /// `<lastmod>`.
    pub lastmod: Option<DateTime<Utc>>,
    /// `<news:news>` (Google News sitemap extension).
    pub news: Option<NewsInfo>,
}

/// What the Google News extension says about an entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewsInfo {
    /// `news:publication_date`.
    pub publication_date: Option<DateTime<Utc>>,
    /// `news:title`.
    pub title: Option<String>,
    /// `news:publication/news:language` (ISO 639 code).
    pub language: Option<String>,
    /// `news:publication/news:name`.
    pub publication: Option<String>,
}

impl SitemapEntry {
    /// The entry's date: its news publication date, else its lastmod.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.news.as_ref().and_then(|n| n.publication_date).or(self.lastmod)
    }

    /// What the sitemap says about the article, for gaps the page leaves.
    pub fn hints(&self) -> FeedHints {
        let news = self.news.clone().unwrap_or_default();
        FeedHints {
            title: news.title,
            published_at: news.publication_date,
            updated_at: self.lastmod,
            language: news.language,
            ..FeedHints::default()
        }
    }
}

/// One `<sitemap>` of a sitemap index.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildSitemap {
    /// `<loc>`.
    pub url: Url,
    /// `<lastmod>`: when the child last changed.
    pub lastmod: Option<DateTime<Utc>>,
}

/// Which entries of a URL set to keep.
#[derive(Debug, Clone)]
pub struct EntryFilter {
    /// Entries dated before this are dropped.
    pub not_before: Option<DateTime<Utc>>,
    /// Keep entries with neither a lastmod nor a publication date (their age is unknown).
    pub keep_undated: bool,
    /// Keep at most this many entries, the newest (a poll takes no more anyway).
    pub max_kept: usize,
}

/// A parsed URL set: the entries kept, and counts of the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlSet {
    /// Entries that passed the filter, newest first (undated last), at most `max_kept`.
    pub kept: Vec<SitemapEntry>,
    /// `<url>` elements read.
    pub total: usize,
    /// Dropped for being older than the window.
    pub old: usize,
    /// Dropped for having no date.
    pub undated: usize,
    /// Passed the filter but beyond `max_kept` (the oldest of them).
    pub overflow: usize,
    /// Rejected by the caller's `accept` (e.g. already delivered).
    pub rejected: usize,
    /// Entries carrying the Google News extension.
    pub news: usize,
    /// Newest date of any entry read (kept or not).
    pub newest: Option<DateTime<Utc>>,
    /// The file listed more than [`MAX_URLS_PER_SITEMAP`] URLs: the rest were ignored.
    pub cut: bool,
}

/// A parsed sitemap file.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// `<sitemapindex>`: child sitemaps.
    Index(Vec<ChildSitemap>),
    /// `<urlset>`: articles.
    UrlSet(UrlSet),
}

/// A sitemap that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SitemapError {
    /// Malformed XML (or a broken gzip stream).
    #[error("malformed sitemap: {0}")]
    Xml(String),
    /// Well-formed, but its root is neither `<urlset>` nor `<sitemapindex>`.
    #[error("not a sitemap: root element <{0}>")]
    NotASitemap(String),
}

/// Whether `bytes` start like a gzip stream.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A reader of the sitemap bytes, gunzipping on the fly when they are gzip
/// (whatever the URL says: a transport may already have decompressed a `.gz`).
pub fn open(bytes: &[u8]) -> Box<dyn BufRead + '_> {
    open_capped(bytes, MAX_DECOMPRESSED_BYTES)
}

fn open_capped(bytes: &[u8], limit: u64) -> Box<dyn BufRead + '_> {
    if is_gzip(bytes) {
        Box::new(BufReader::new(Capped { inner: flate2::read::MultiGzDecoder::new(bytes), limit, left: limit }))
    } else {
        Box::new(bytes)
    }
}

/// A reader that fails once more than `left` bytes came out of it.
struct Capped<R> {
    inner: R,
    limit: u64,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let limit = self.limit;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| std::io::Error::other(format!("decompressed sitemap larger than {limit} bytes")))?;
        Ok(n)
    }
}

/// Parse sitemap `bytes` (plain or gzip) fetched from `base`. For a URL set,
/// entries outside `filter` are dropped as they are read, and `accept` is asked
/// about the rest (return false to drop one, e.g. when it was delivered before).
pub fn parse_sitemap(
    bytes: &[u8],
    base: &Url,
    filter: &EntryFilter,
    accept: &mut dyn FnMut(&SitemapEntry) -> bool,
) -> Result<Sitemap, SitemapError> {
    parse_reader(open(bytes), base, filter, accept)
}

/// Fields of the `<url>` or `<sitemap>` being read.
#[derive(Default)]
struct Partial {
    loc: Option<String>,
    lastmod: Option<DateTime<Utc>>,
    news: Option<NewsInfo>,
}

#[derive(Clone, Copy, PartialEq)]
enum Root {
    UrlSet,
    Index,
}

/// [`parse_sitemap`] over any buffered reader.
pub fn parse_reader<R: BufRead>(
    reader: R,
    base: &Url,
    filter: &EntryFilter,
    accept: &mut dyn FnMut(&SitemapEntry) -> bool,
) -> Result<Sitemap, SitemapError> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    // Local names of the open elements: `<news:title>` is ["urlset", "url", "news", "title"].
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut root = None;
    let mut item = Partial::default();
    let mut set = UrlSet::default();
    let mut children = Vec::new();
    let max_kept = filter.max_kept.max(1);
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| SitemapError::Xml(format!("{e} (near byte {})", xml.error_position())))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if path.is_empty() {
                    root = Some(root_kind(&name)?);
                }
                if path.len() == 1 {
                    item = Partial::default();
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) if path.is_empty() => {
                // `<urlset/>`: an empty sitemap.
                root = Some(root_kind(e.local_name().as_ref())?);
            }
            Event::Text(t) => push_capped(&mut text, &t.xml10_content()),
            Event::CData(c) => push_capped(&mut text, &c),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => push_capped(&mut text, c.encode_utf8(&mut [0; 4])),
                _ => push_capped(&mut text, quick_xml::escape::resolve_predefined_entity(&r).unwrap_or_default()),
            },
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let value = text.trim();
                let parents: Vec<&str> = path.iter().skip(1).map(String::as_str).collect();
                match (parents.as_slice(), name.as_str()) {
                    (["url" | "sitemap"], "loc") => item.loc = Some(value.to_string()),
                    (["url" | "sitemap"], "lastmod") => item.lastmod = parse_w3c_datetime(value),
                    (["url", "news"], field) => {
                        let news = item.news.get_or_insert_with(NewsInfo::default);
                        match field {
                            "publication_date" => news.publication_date = parse_w3c_datetime(value),
                            "title" => news.title = Some(collapse(value)).filter(|t| !t.is_empty()),
                            _ => {}
                        }
                    }
                    (["url", "news", "publication"], field) => {
                        let news = item.news.get_or_insert_with(NewsInfo::default);
                        match field {
                            "language" => news.language = Some(value.to_ascii_lowercase()).filter(|l| !l.is_empty()),
                            "name" => news.publication = Some(collapse(value)).filter(|n| !n.is_empty()),
                            _ => {}
                        }
                    }
                    ([], "url") if root == Some(Root::UrlSet) => {
                        set.total += 1;
                        if set.total > MAX_URLS_PER_SITEMAP {
                            set.total -= 1;
                            set.cut = true;
                            break;
                        }
                        if let Some(entry) = finish_entry(std::mem::take(&mut item), base) {
                            offer(&mut set, entry, filter, max_kept, accept);
                        }
                    }
                    ([], "sitemap") if root == Some(Root::Index) => {
                        if children.len() >= MAX_URLS_PER_SITEMAP {
                            break;
                        }
                        let partial = std::mem::take(&mut item);
                        if let Some(url) = partial.loc.as_deref().and_then(|l| resolve(l, base)) {
                            children.push(ChildSitemap { url, lastmod: partial.lastmod });
                        }
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof if !path.is_empty() => {
                return Err(SitemapError::Xml(format!("truncated: <{}> is never closed", path.join("><"))));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    match root {
        Some(Root::Index) => Ok(Sitemap::Index(children)),
        Some(Root::UrlSet) => {
            sort_newest_first(&mut set.kept);
            if set.kept.len() > max_kept {
                set.overflow += set.kept.len() - max_kept;
                set.kept.truncate(max_kept);
            }
            Ok(Sitemap::UrlSet(set))
        }
        None => Err(SitemapError::Xml("empty document".into())),
    }
}

/// The longest text of one element kept (a `<loc>` or a title longer than this is junk).
const MAX_TEXT: usize = 64 * 1024;

fn push_capped(text: &mut String, more: &str) {
    if text.len() + more.len() <= MAX_TEXT {
        text.push_str(more);
    }
}

fn root_kind(name: &str) -> Result<Root, SitemapError> {
    match name {
        "urlset" => Ok(Root::UrlSet),
        "sitemapindex" => Ok(Root::Index),
        other => Err(SitemapError::NotASitemap(other.to_string())),
    }
}

fn finish_entry(partial: Partial, base: &Url) -> Option<SitemapEntry> {
    let url = resolve(partial.loc.as_deref()?, base)?;
    Some(SitemapEntry { url, lastmod: partial.lastmod, news: partial.news })
}

/// Filter one entry into the bounded set of kept entries.
fn offer(
    set: &mut UrlSet,
    entry: SitemapEntry,
    filter: &EntryFilter,
    max_kept: usize,
    accept: &mut dyn FnMut(&SitemapEntry) -> bool,
) {
    let date = entry.date();
    set.news += usize::from(entry.news.is_some());
    if let Some(d) = date {
        set.newest = set.newest.max(Some(d));
    }
    match (date, filter.not_before) {
        (None, _) if !filter.keep_undated => set.undated += 1,
        (Some(d), Some(from)) if d < from => set.old += 1,
        _ if !accept(&entry) => set.rejected += 1,
        _ => {
            set.kept.push(entry);
            // Bounded memory: trim to the newest `max_kept` now and then.
            if set.kept.len() >= max_kept.saturating_mul(2) {
                sort_newest_first(&mut set.kept);
                set.overflow += set.kept.len() - max_kept;
                set.kept.truncate(max_kept);
            }
        }
    }
}

/// Newest first; undated entries last, in document order (the sort is stable).
pub fn sort_newest_first(entries: &mut [SitemapEntry]) {
    entries.sort_by_key(|e| std::cmp::Reverse(e.date()));
}

/// A `<loc>` as a URL: resolved against the sitemap, http(s) (or file:// from a local sitemap).
fn resolve(loc: &str, base: &Url) -> Option<Url> {
    let mut url = base.join(loc.trim()).ok()?;
    url.set_fragment(None);
    super::link_allowed(&url, base).then_some(url)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A W3C Datetime (the sitemap protocol's date format): `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, or with a time `hh:mm[:ss[.s]]` and a zone (`Z` or `±hh:mm`).
/// Times without a zone are taken as UTC.
pub fn parse_w3c_datetime(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let zoned = if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        format!("{rest}+00:00")
    } else {
        s.to_string()
    };
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%:z"] {
        if let Ok(t) = DateTime::parse_from_str(&zoned, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01-01"), "%Y-%m-%d"))
        .ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use chrono::TimeZone;

    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/sitemaps/news.xml").unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn all() -> EntryFilter {
        EntryFilter { not_before: None, keep_undated: true, max_kept: 1000 }
    }

    fn parse(bytes: &[u8], filter: &EntryFilter) -> Sitemap {
        parse_sitemap(bytes, &base(), filter, &mut |_| true).unwrap()
    }

    fn urlset(bytes: &[u8], filter: &EntryFilter) -> UrlSet {
        match parse(bytes, filter) {
            Sitemap::UrlSet(s) => s,
            other => panic!("expected a urlset, got {other:?}"),
        }
    }

    const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example/2026/11/10/iran-us-talks-resume?ref=a&amp;b=1#top</loc>
    <lastmod>2026-11-10T12:30:00+01:00</lastmod>
    <image:image><image:loc>https://cdn.news.example/photo.jpg</image:loc></image:image>
    <news:news>
      <news:publication><news:name>News Example</news:name><news:language>EN</news:language></news:publication>
      <news:publication_date>2026-11-10T11:00:00Z</news:publication_date>
      <news:title><![CDATA[Iran & US]]> resume   talks &#8212; in Muscat</news:title>
    </news:news>
  </url>
  <url><loc>/2026/11/01/old-story-about-the-talks</loc><lastmod>2026-11-01</lastmod></url>
  <url><loc>https://news.example/about-us</loc></url>
  <url><loc>javascript:alert(1)</loc><lastmod>2026-11-10</lastmod></url>
</urlset>"#;

    #[test]
    fn a_news_sitemap_fills_hints_and_skips_old_and_undated_entries() {
        let filter = EntryFilter { not_before: Some(at(2026, 11, 9, 0)), keep_undated: false, max_kept: 100 };
        let set = urlset(NEWS.as_bytes(), &filter);
        assert_eq!((set.total, set.old, set.undated), (4, 1, 1));
        assert_eq!(set.kept.len(), 1, "{set:?}");
        let e = &set.kept[0];
        assert_eq!(e.url.as_str(), "https://news.example/2026/11/10/iran-us-talks-resume?ref=a&b=1");
        assert_eq!(e.lastmod, Some(at(2026, 11, 10, 11) + chrono::TimeDelta::minutes(30)));
        let hints = e.hints();
        assert_eq!(hints.title.as_deref(), Some("Iran & US resume talks — in Muscat"));
        assert_eq!(hints.published_at, Some(at(2026, 11, 10, 11)));
        assert_eq!(hints.language.as_deref(), Some("en"));
        assert_eq!(e.news.as_ref().unwrap().publication.as_deref(), Some("News Example"));
        assert_eq!(set.newest, Some(at(2026, 11, 10, 11)), "the publication date wins over lastmod");
    }

    #[test]
    fn relative_locs_resolve_and_undated_entries_can_be_kept() {
        let set = urlset(NEWS.as_bytes(), &all());
        let urls: Vec<&str> = set.kept.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://news.example/2026/11/10/iran-us-talks-resume?ref=a&b=1",
                "https://news.example/2026/11/01/old-story-about-the-talks",
                "https://news.example/about-us",
            ],
            "newest first, undated last; javascript: dropped"
        );
    }

    #[test]
    fn an_index_lists_its_children() {
        let index = br#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>https://news.example/sitemaps/news-1.xml.gz</loc><lastmod>2026-11-10T10:00:00Z</lastmod></sitemap>
            <sitemap><loc>archive-2019.xml</loc></sitemap>
        </sitemapindex>"#;
        let Sitemap::Index(children) = parse(index, &all()) else { panic!("an index") };
        assert_eq!(children.len(), 2);
        assert_eq!(children[0].lastmod, Some(at(2026, 11, 10, 10)));
        assert_eq!(children[1].url.as_str(), "https://news.example/sitemaps/archive-2019.xml");
    }

    #[test]
    fn gzip_is_recognised_by_its_magic_bytes() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(NEWS.as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        assert!(is_gzip(&bytes) && !is_gzip(NEWS.as_bytes()));
        assert_eq!(urlset(&bytes, &all()).total, 4);
        // A truncated gzip stream is an error, not a silently short sitemap.
        assert!(parse_sitemap(&bytes[..bytes.len() / 2], &base(), &all(), &mut |_| true).is_err());
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_decompression_limit() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(b"<urlset>").unwrap();
        gz.write_all(&vec![b' '; 3 << 20]).unwrap();
        gz.write_all(b"</urlset>").unwrap();
        let bytes = gz.finish().unwrap();
        assert!(bytes.len() < 20_000, "compressed {}", bytes.len());
        let err = parse_reader(open_capped(&bytes, 1 << 20), &base(), &all(), &mut |_| true).unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
        assert!(parse_reader(open_capped(&bytes, 4 << 20), &base(), &all(), &mut |_| true).is_ok());
    }

    #[test]
    fn other_documents_are_not_sitemaps() {
        let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>";
        assert!(
            matches!(parse_sitemap(rss, &base(), &all(), &mut |_| true), Err(SitemapError::NotASitemap(r)) if r == "rss")
        );
        assert!(parse_sitemap(b"<urlset><url><loc>x</loc></urlset>", &base(), &all(), &mut |_| true).is_err());
        assert!(parse_sitemap(b"<urlset><url><loc>x</loc>", &base(), &all(), &mut |_| true).is_err(), "truncated");
        assert!(matches!(parse(b"<urlset/>", &all()), Sitemap::UrlSet(s) if s.total == 0));
    }

    #[test]
    fn the_caller_can_reject_entries_it_has_delivered() {
        let mut asked = 0;
        let set = match parse_sitemap(NEWS.as_bytes(), &base(), &all(), &mut |e| {
            asked += 1;
            !e.url.path().contains("old-story")
        })
        .unwrap()
        {
            Sitemap::UrlSet(s) => s,
            _ => unreachable!(),
        };
        assert_eq!((asked, set.rejected, set.kept.len()), (3, 1, 2));
    }

    /// A 50,000-URL news sitemap (about 12 MB), generated here, read as a stream:
    /// only the bounded set of recent entries is ever held.
    #[test]
    fn a_50000_url_sitemap_is_streamed_and_only_recent_entries_are_kept() {
        let now = at(2026, 11, 10, 12);
        let mut xml = String::with_capacity(13 << 20);
        xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">"#);
        for i in 0..MAX_URLS_PER_SITEMAP {
            // One entry a minute going back ~35 days: the newest 48 h are 2,880 entries.
            let date = now - chrono::TimeDelta::minutes(i as i64);
            xml.push_str(&format!(
                "<url><loc>https://news.example/{}/story-number-{i}</loc><lastmod>{}</lastmod><news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>Story {i} about the nuclear talks</news:title></news:news></url>\n",
                date.format("%Y/%m/%d"),
                date.to_rfc3339(),
                date.to_rfc3339()
            ));
        }
        xml.push_str("<url><loc>https://news.example/one-too-many</loc></url></urlset>");
        assert!(xml.len() > 10 << 20);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(xml.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();

        let filter =
            EntryFilter { not_before: Some(now - chrono::TimeDelta::hours(48)), keep_undated: false, max_kept: 200 };
        let started = std::time::Instant::now();
        let set = urlset(&gz, &filter);
        eprintln!("50,000 URLs streamed in {:?}", started.elapsed());
        assert_eq!(set.total, MAX_URLS_PER_SITEMAP);
        assert!(set.cut, "URLs past the protocol limit are ignored");
        assert_eq!(set.old, MAX_URLS_PER_SITEMAP - 2881);
        assert_eq!(set.kept.len(), 200);
        assert_eq!(set.overflow, 2881 - 200);
        assert_eq!(set.kept[0].url.path(), "/2026/11/10/story-number-0");
        assert_eq!(set.kept[199].url.path(), "/2026/11/10/story-number-199");
        assert_eq!(set.newest, Some(now));
    }

    #[test]
    fn w3c_datetimes_parse() {
        assert_eq!(parse_w3c_datetime("2026-11-10"), Some(at(2026, 11, 10, 0)));
        assert_eq!(parse_w3c_datetime("2026-11"), Some(at(2026, 11, 1, 0)));
        assert_eq!(parse_w3c_datetime("2026"), Some(at(2026, 1, 1, 0)));
        assert_eq!(parse_w3c_datetime("2026-11-10T13:00+01:00"), Some(at(2026, 11, 10, 12)));
        assert_eq!(parse_w3c_datetime("2026-11-10T12:00Z"), Some(at(2026, 11, 10, 12)));
        assert_eq!(
            parse_w3c_datetime("2026-11-10T12:00:00.250Z").unwrap().timestamp(),
            at(2026, 11, 10, 12).timestamp()
        );
        assert_eq!(parse_w3c_datetime("2026-11-10T12:00:00"), Some(at(2026, 11, 10, 12)));
        assert_eq!(parse_w3c_datetime(" 2026-11-10T12:00:00-0500 "), Some(at(2026, 11, 10, 17)));
        assert_eq!(parse_w3c_datetime("yesterday"), None);
    }
}
