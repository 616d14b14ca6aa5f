//! Feed parsing: RSS, Atom and JSON Feed bytes → article links with hints.

use url::Url;

use super::FeedHints;

/// One article link found in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The article URL (resolved, fragment dropped).
    pub url: Url,
    /// What the entry says about the article.
    pub hints: FeedHints,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    /// Entries with a usable link, newest first when the feed dates them.
    pub items: Vec<FeedItem>,
    /// RSS `<ttl>`: minutes the feed may be cached.
    pub ttl_minutes: Option<u32>,
}

/// A feed that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("not a readable RSS, Atom or JSON feed: {0}")]
pub struct FeedError(String);

/// Parse raw feed bytes (feed-rs sniffs the format and the XML encoding). Entry
/// links are resolved against `base`; entries without a link are skipped, and
/// feed-rs's generated ids are not used: the article's canonical URL is its key.
pub fn parse_feed(bytes: &[u8], base: &Url) -> Result<ParsedFeed, FeedError> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .sanitize_content(false)
        .build()
        .parse(bytes)
        .map_err(|e| FeedError(e.to_string()))?;
    let mut items: Vec<FeedItem> = feed.entries.into_iter().filter_map(|entry| item(entry, base)).collect();
    // Newest first, so a capped poll takes the freshest articles; undated entries keep feed order at the end.
    items.sort_by_key(|i| std::cmp::Reverse(i.hints.published_at.or(i.hints.updated_at)));
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.url.clone()));
    Ok(ParsedFeed { items, ttl_minutes: feed.ttl })
}

fn item(entry: feed_rs::model::Entry, base: &Url) -> Option<FeedItem> {
    let href = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.clone())
        // An RSS guid that is a permalink is a link too.
        .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()))?;
    let mut url = base.join(href.trim()).ok()?;
    if !super::link_allowed(&url, base) {
        return None;
    }
    url.set_fragment(None);
    let text = |t: Option<feed_rs::model::Text>| t.map(|t| html_to_text(&t.content, base)).filter(|s| !s.is_empty());
    Some(FeedItem {
        url,
        hints: FeedHints {
            title: text(entry.title),
            summary: text(entry.summary),
            authors: entry.authors.into_iter().filter_map(|p| p.name.filter(|n| !n.trim().is_empty())).collect(),
            published_at: entry.published,
            updated_at: entry.updated,
            language: entry.language,
        },
    })
}

/// Feed titles and summaries often carry HTML: keep the words.
fn html_to_text(s: &str, feed: &Url) -> String {
    let (s, cut) = crate::extract::without_excessive_nesting(s);
    if let Some(cut) = cut {
        tracing::warn!(feed = %feed, cut, "absurdly nested HTML in a feed entry; rest of it dropped");
    }
    let text = if s.contains('<') || s.contains('&') {
        dom_query::Document::fragment(s).text().to_string()
    } else {
        s.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feeds/world.xml").unwrap()
    }

    #[test]
    fn rss2_items_are_resolved_and_sorted_newest_first() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><ttl>15</ttl>
            <item><title>Old</title><link>/a/old#frag</link><pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate></item>
            <item><title>New &amp; &lt;b&gt;bold&lt;/b&gt;</title><link>https://news.example/a/new?utm_source=rss</link>
              <pubDate>Tue, 03 Feb 2026 10:00:00 +0100</pubDate><description>&lt;p&gt;Hello&lt;/p&gt;</description></item>
            <item><title>No link</title></item>
            </channel></rss>"#;
        let feed = parse_feed(rss, &base()).unwrap();
        assert_eq!(feed.ttl_minutes, Some(15));
        assert_eq!(feed.items.len(), 2);
        assert_eq!(feed.items[0].hints.title.as_deref(), Some("New & bold"));
        assert_eq!(feed.items[0].hints.summary.as_deref(), Some("Hello"));
        assert_eq!(feed.items[0].hints.published_at.unwrap().to_rfc3339(), "2026-02-03T09:00:00+00:00");
        assert_eq!(feed.items[1].url.as_str(), "https://news.example/a/old");
    }

    #[test]
    fn atom_rdf_and_json_feeds_parse() {
        let atom = br#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <entry><title>T</title><id>urn:x</id><link rel="alternate" href="https://news.example/atom/1"/>
            <author><name>Jane Roe</name></author><updated>2026-02-03T10:00:00Z</updated></entry></feed>"#;
        let f = parse_feed(atom, &base()).unwrap();
        assert_eq!(f.items[0].url.as_str(), "https://news.example/atom/1");
        assert_eq!(f.items[0].hints.authors, vec!["Jane Roe".to_string()]);

        let rdf = br#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
            xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title><link>https://news.example</link></channel>
            <item rdf:about="https://news.example/rdf/1"><title>R1</title><link>https://news.example/rdf/1</link></item></rdf:RDF>"#;
        assert_eq!(parse_feed(rdf, &base()).unwrap().items[0].url.as_str(), "https://news.example/rdf/1");

        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
            "items":[{"id":"1","url":"https://news.example/json/1","title":"J1","date_published":"2026-02-03T10:00:00Z"}]}"#;
        assert_eq!(parse_feed(json, &base()).unwrap().items[0].url.as_str(), "https://news.example/json/1");
    }

    #[test]
    fn html_is_not_a_feed() {
        assert!(parse_feed(b"<html><body>hi</body></html>", &base()).is_err());
    }
}
