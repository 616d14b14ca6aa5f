//! Sources: where articles are found.
//!
//! A source is a feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed) or an HTML section
//! page whose links are articles, reached over http(s) or read from a local
//! file for offline replay; or a discovery source: a news sitemap, a site
//! whose feeds are found by autodiscovery, or the GDELT 2.0 event stream.
//! This module holds the plain parts — parsing a feed, a sitemap or a GDELT
//! file, discovering a page's links or feeds, scheduling the next poll — and
//! [`poller`] (with [`discovery_polls`]) runs them on a schedule at the async edge.

pub mod autodiscover;
pub mod discover;
pub mod discovery_polls;
pub mod feed;
pub mod gdelt;
pub mod page;
pub mod poller;
pub mod schedule;
pub mod sitemap;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use url::Url;

use crate::record::SourceRef;

/// Where a source (or an article) lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLocation {
    /// An http or https URL.
    Http(Url),
    /// A local file, given as a path or `file://` URL.
    File(PathBuf),
}

/// A source address that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    /// Neither http(s), file:// nor a path.
    #[error("unsupported scheme `{0}`: use http, https, file:// or a local path")]
    Scheme(String),
    /// A file:// URL that names no local file.
    #[error("`{0}` is not a local file URL")]
    BadFileUrl(String),
    /// Empty.
    #[error("empty source address")]
    Empty,
}

impl SourceLocation {
    /// Parse an http(s) URL, a `file://` URL or a local path.
    pub fn parse(raw: &str) -> Result<Self, LocationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(LocationError::Empty);
        }
        match Url::parse(raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self::Http(url)),
            Ok(url) if url.scheme() == "file" => {
                url.to_file_path().map(Self::File).map_err(|_| LocationError::BadFileUrl(raw.into()))
            }
            // A one-letter scheme is a Windows drive letter, i.e. a path.
            Ok(url) if url.scheme().len() > 1 => Err(LocationError::Scheme(url.scheme().into())),
            _ => Ok(Self::File(PathBuf::from(raw))),
        }
    }

    /// The location as a URL (`file://` with an absolute path for files), so
    /// relative links in a replayed page resolve against it.
    pub fn as_url(&self) -> Url {
        match self {
            Self::Http(u) => u.clone(),
            Self::File(p) => {
                let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                Url::from_file_path(&abs).unwrap_or_else(|_| Url::parse("file:///").expect("static URL"))
            }
        }
    }

    /// From a URL found in a feed or page (http(s) or file://).
    pub fn from_url(url: &Url) -> Result<Self, LocationError> {
        Self::parse(url.as_str())
    }
}

/// Links may be http(s); `file://` links only from a local source (offline
/// replay), never from a feed or page on the web.
pub fn link_allowed(link: &Url, source: &Url) -> bool {
    match link.scheme() {
        "http" | "https" => true,
        "file" => source.scheme() == "file",
        _ => false,
    }
}

/// An article link found by a source, with what the source said about it.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The article's URL (fragment dropped).
    pub url: Url,
    /// The feed or page that led here.
    pub source: SourceRef,
    /// What the feed said, to fill gaps the page leaves.
    pub hints: FeedHints,
}

/// Metadata a feed entry carries about its article (serialisable: in a cluster it travels on the fetch topic).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert!(matches!(SourceLocation::parse("https://a.example/rss"), Ok(SourceLocation::Http(_))));
        assert_eq!(
            SourceLocation::parse("file:///tmp/feed.xml"),
            Ok(SourceLocation::File(PathBuf::from("/tmp/feed.xml")))
        );
        assert_eq!(
            SourceLocation::parse("seeds/samples/feed.xml"),
            Ok(SourceLocation::File(PathBuf::from("seeds/samples/feed.xml")))
        );
        assert_eq!(SourceLocation::parse("ftp://x/y"), Err(LocationError::Scheme("ftp".into())));
        assert_eq!(SourceLocation::parse("  "), Err(LocationError::Empty));
    }

    #[test]
    fn web_sources_cannot_point_at_local_files() {
        let web = Url::parse("https://news.example/rss").unwrap();
        let local = Url::parse("file:///srv/replay/feed.xml").unwrap();
        let file_link = Url::parse("file:///etc/passwd").unwrap();
        let web_link = Url::parse("https://news.example/a").unwrap();
        assert!(!link_allowed(&file_link, &web));
        assert!(link_allowed(&file_link, &local));
        assert!(link_allowed(&web_link, &web) && link_allowed(&web_link, &local));
        assert!(!link_allowed(&Url::parse("javascript:alert(1)").unwrap(), &web));
    }

    #[test]
    fn a_local_path_becomes_an_absolute_file_url() {
        let url = SourceLocation::parse("seeds/x.xml").unwrap().as_url();
        assert_eq!(url.scheme(), "file");
        assert!(url.path().ends_with("/seeds/x.xml"));
    }
}
