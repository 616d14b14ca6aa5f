//! Feed parsing: RSS, Atom and JSON Feed bytes → article links with hints.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
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

/// Parse raw feed bytes (feed-rs sniffs the format; the XML encoding is decoded here first). Entry
/// links are resolved against `base`; entries without a link are skipped, and
/// feed-rs's generated ids are not used: the article's canonical URL is its key.
pub fn parse_feed(bytes: &[u8], base: &Url) -> Result<ParsedFeed, FeedError> {
    // feed-rs 3.0 (quick-xml 0.42) panics when a declaration switches the encoding once the
    // parser is past the document's first 64 bytes or so (a long declaration, whitespace before
    // it, a second one): it only ever sees UTF-8 with a UTF-8 declaration, and a misplaced
    // declaration is an error.
    let bytes = utf8_feed(bytes);
    if misplaced_xml_declaration(&bytes) {
        return Err(FeedError("XML declaration after the start of the document".into()));
    }
    let parser = feed_rs::parser::Builder::new().base_uri(Some(base.as_str())).sanitize_content(false).build();
    // A parser panic must cost this feed only, never the poller that runs it.
    let feed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(&bytes[..])))
        .map_err(|_| FeedError("the feed parser panicked".into()))?
        .map_err(|e| FeedError(e.to_string()))?;
    let mut items: Vec<FeedItem> = feed.entries.into_iter().filter_map(|entry| item(entry, base)).collect();
    // Newest first, so a capped poll takes the freshest articles; undated entries keep feed order at the end.
    items.sort_by_key(|i| std::cmp::Reverse(i.hints.published_at.or(i.hints.updated_at)));
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.url.clone()));
    Ok(ParsedFeed { items, ttl_minutes: feed.ttl })
}

const UTF8_DECLARATION: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The feed as UTF-8, from the encoding its byte-order mark or else its XML declaration names,
/// with that declaration replaced by a short one saying UTF-8 (whatever else it said), and
/// leading whitespace, which XML does not allow but feeds have, dropped. Feeds without a
/// declaration (JSON) pass through uncopied.
fn utf8_feed(bytes: &[u8]) -> Cow<'_, [u8]> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        // The byte-order mark wins over the declaration.
        let text = encoding.decode_without_bom_handling(&bytes[bom..]).0;
        let text = text.trim_start().as_bytes();
        return match split_declaration(text) {
            Some((_, rest)) => Cow::Owned([UTF8_DECLARATION, rest].concat()),
            None => Cow::Owned(text.to_vec()),
        };
    }
    let bytes = bytes.trim_ascii_start();
    let Some((declaration, rest)) = split_declaration(bytes) else { return Cow::Borrowed(bytes) };
    match declared_encoding(declaration) {
        // Without a byte-order mark the declaration was just read as ASCII: not UTF-16 (as in HTML).
        Some(e) if e != UTF_8 && e != UTF_16LE && e != UTF_16BE => {
            Cow::Owned([UTF8_DECLARATION, e.decode_without_bom_handling(rest).0.as_bytes()].concat())
        }
        _ => Cow::Owned([UTF8_DECLARATION, rest].concat()),
    }
}

/// The XML declaration at the start of `bytes` and what follows it.
fn split_declaration(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    if !bytes.starts_with(b"<?xml") || !bytes.get(5).is_some_and(|&c| c == b'?' || c.is_ascii_whitespace()) {
        return None;
    }
    let end = bytes.windows(2).position(|w| w == b"?>")? + 2;
    Some(bytes.split_at(end))
}

/// The encoding an XML declaration names, if it names one encoding_rs knows.
fn declared_encoding(declaration: &[u8]) -> Option<&'static Encoding> {
    let at = declaration.windows(8).position(|w| w == b"encoding")? + 8;
    let rest = declaration[at..].trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let (&quote, rest) = rest.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let label = &rest[..rest.iter().position(|&c| c == quote)?];
    Encoding::for_label(label)
}

/// Whether an XML declaration appears anywhere but at the very start of (UTF-8) feed bytes: not
/// well-formed, and what makes feed-rs panic. Comments, CDATA sections and the
/// DOCTYPE are skipped, so a declaration quoted in them does not count. Linear: every scan moves on.
fn misplaced_xml_declaration(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b'{') {
        return false; // a JSON Feed: never read as XML
    }
    let after =
        |from: usize, end: &[u8]| bytes[from..].windows(end.len()).position(|w| w == end).map(|p| from + p + end.len());
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<').map(|p| i + p) {
        let rest = &bytes[at..];
        let next = if rest.starts_with(b"<?") {
            let target = rest.get(2..5).is_some_and(|t| t.eq_ignore_ascii_case(b"xml"));
            if target && rest.get(5).is_none_or(|&c| c == b'?' || c.is_ascii_whitespace()) && at != 0 {
                return true;
            }
            after(at, b"?>")
        } else if rest.starts_with(b"<!--") {
            after(at + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            after(at + 9, b"]]>")
        } else if rest.starts_with(b"<!") {
            // A DOCTYPE, perhaps with an internal subset in brackets.
            let close = rest.iter().position(|&c| c == b'>');
            match close.and_then(|close| rest[..close].iter().position(|&c| c == b'[')) {
                Some(open) => after(at + open, b"]").and_then(|j| after(j, b">")),
                None => close.map(|close| at + close + 1),
            }
        } else {
            Some(at + 1)
        };
        match next {
            Some(j) => i = j,
            None => return false,
        }
    }
    false
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
    fn misplaced_xml_declarations_are_errors_not_panics() {
        let rss = r#"<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>W</title>
            <item><title>T</title><link>https://news.example/a/1</link></item></channel></rss>"#;
        // Leading whitespace and long declarations are fine (feed-rs alone panicked on both with a
        // non-UTF-8 encoding), and the Latin-1 text is decoded.
        let latin1 = |s: &str| encoding_rs::WINDOWS_1252.encode(s).0.into_owned();
        let padded = latin1(&format!("{}{}", " ".repeat(200), rss.replace("<title>T", "<title>Téhéran")));
        let long = latin1(&rss.replace("?>", &format!("{}?>", " ".repeat(100))));
        for ok in [padded, long] {
            let feed = parse_feed(&ok, &base()).unwrap();
            assert_eq!(feed.items.len(), 1);
        }
        let feed = parse_feed(&latin1(&rss.replace("<title>T", "<title>Téhéran")), &base()).unwrap();
        assert_eq!(feed.items[0].hints.title.as_deref(), Some("Téhéran"));
        // A byte-order mark wins over the declaration.
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(rss.replace("<title>T", "<title>Téhéran").encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(parse_feed(&utf16, &base()).unwrap().items[0].hints.title.as_deref(), Some("Téhéran"));
        for bad in [
            r#"<?xml version="1.0" encoding="ISO-8859-1"?><?xml version="1.0" encoding="UTF-8"?><rss/>"#,
            r#"<!-- x --><?xml version="1.0" encoding="ISO-8859-1"?><rss/>"#,
            r#"<!DOCTYPE rss [<!ENTITY a "b">]><?xml version="1.0" encoding="UTF-16"?><rss/>"#,
            r#"<rss version="2.0"><channel><title>x</title><?xml version="1.0" encoding="ISO-8859-1"?></channel></rss>"#,
        ] {
            assert!(parse_feed(bad.as_bytes(), &base()).is_err(), "{bad}");
        }
        // Quoted in text or in a CDATA section, a declaration is content.
        let inside = r#"<rss version="2.0"><channel><title>&lt;?xml?&gt;</title><item><title>T</title>
            <description><![CDATA[<?xml version="1.0" encoding="ISO-8859-1"?>]]></description>
            <link>https://news.example/a/2</link></item></channel></rss>"#;
        assert_eq!(parse_feed(inside.as_bytes(), &base()).unwrap().items.len(), 1);
    }

    #[test]
    fn html_is_not_a_feed() {
        assert!(parse_feed(b"<html><body>hi</body></html>", &base()).is_err());
    }
}
