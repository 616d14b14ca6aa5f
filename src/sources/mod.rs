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

use url::Url;

use crate::fetch::Validators;
pub use crate::location::{LocationError, SourceLocation};
pub use crate::normalize::FeedHints;
use crate::record::SourceRef;
use crate::state::Cursor;

/// The HTTP validators a source's saved cursor holds, for its next conditional GET.
pub fn validators_of(cursor: &Cursor) -> Validators {
    Validators { etag: cursor.etag.clone(), last_modified: cursor.last_modified.clone() }
}

/// A cursor holding a response's validators (and nothing else yet).
pub fn cursor_of(validators: Validators) -> Cursor {
    Cursor { etag: validators.etag, last_modified: validators.last_modified, ..Cursor::default() }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
