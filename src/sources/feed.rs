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
    // feed-rs 3.0 (quick-xml 0.42) panics when an XML declaration switches the encoding once the
    // parser is past the document's first 64 bytes or so (a long declaration, whitespace before
    // it, a second one anywhere): it only ever gets valid UTF-8, with at most one declaration, at
    // the start, saying UTF-8.
    let mut bytes = utf8_feed(bytes);
    if std::str::from_utf8(&bytes).is_err() {
        // Bytes that are not UTF-8 even now are damage: U+FFFD, as any decoder would read them.
        bytes = Cow::Owned(String::from_utf8_lossy(&bytes).into_owned().into_bytes());
    }
    if bytes.starts_with(&[0, b'<', 0, b'?']) || bytes.starts_with(&[b'<', 0, b'?', 0]) {
        return Err(FeedError("NUL characters at the start".into())); // would read as UTF-16 again
    }
    disarm_late_declarations(&mut bytes);
    let parse = |bytes: &[u8]| {
        let parser = feed_rs::parser::Builder::new().base_uri(Some(base.as_str())).sanitize_content(false).build();
        // A parser panic must cost this feed at most, never the poller that runs it.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
    };
    let feed = match parse(&bytes) {
        Ok(parsed) => parsed,
        // feed-rs 3.0 also panics on an email next to a multi-byte character (a no-break space,
        // a dash) in an RSS author or a JSON Feed author name: try again without the authors.
        Err(_) => {
            tracing::warn!(feed = %base, "feed parser panicked; parsing again without authors");
            parse(&without_authors(&bytes)).map_err(|_| FeedError("the feed parser panicked".into()))?
        }
    }
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
    // quick-xml also reads a document starting `<?` in UTF-16 without a byte-order mark as UTF-16.
    let utf16 = if bytes.starts_with(&[b'<', 0, b'?', 0]) {
        Some((UTF_16LE, 0))
    } else if bytes.starts_with(&[0, b'<', 0, b'?']) {
        Some((UTF_16BE, 0))
    } else {
        None
    };
    if let Some((encoding, bom)) = Encoding::for_bom(bytes).or(utf16) {
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

/// The XML declaration at the start of `bytes` (after whitespace and comments, which XML does not
/// allow there but quick-xml accepted) and what follows it.
fn split_declaration(mut bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let find = |b: &[u8], end: &[u8]| b.windows(end.len()).position(|w| w == end).map(|p| p + end.len());
    loop {
        bytes = bytes.trim_ascii_start();
        match bytes.strip_prefix(b"<!--") {
            Some(comment) => bytes = &comment[find(comment, b"-->")?..],
            None => break,
        }
    }
    if !bytes.starts_with(b"<?xml") || !bytes.get(5).is_some_and(|&c| c == b'?' || c.is_ascii_whitespace()) {
        return None;
    }
    Some(bytes.split_at(find(bytes, b"?>")?))
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

/// Turn every XML declaration past the start (`<?xml ...?>`) into a harmless processing
/// instruction (`<?_ml ...?>`), wherever it is: inside a CDATA section or a comment that changes a
/// quoted text a little; anywhere else it is not well-formed, and quick-xml would act on it.
fn disarm_late_declarations(bytes: &mut Cow<'_, [u8]>) {
    let late = |b: &[u8], at: usize| {
        b[at..].starts_with(b"<?")
            && b.get(at + 2..at + 5).is_some_and(|t| t.eq_ignore_ascii_case(b"xml"))
            && b.get(at + 5).is_none_or(|&c| c == b'?' || c.is_ascii_whitespace())
    };
    let found: Vec<usize> = (1..bytes.len()).filter(|&at| bytes[at] == b'<' && late(bytes, at)).collect();
    if !found.is_empty() {
        let owned = bytes.to_mut();
        for at in found {
            owned[at + 2] = b'_';
        }
    }
}

/// The feed without the fields feed-rs reads people from: RSS `author`, `managingEditor`,
/// `webMaster` and `*:creator` elements, JSON Feed `author` and `authors`.
fn without_authors(bytes: &[u8]) -> Vec<u8> {
    static PEOPLE: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        let name = r"(?:author|managingEditor|webMaster|[A-Za-z0-9_.-]+:creator)";
        regex::bytes::Regex::new(&format!(r"(?s)<{name}\b[^>]*?(?:/>|>.*?</{name}\s*>)")).expect("static regex")
    });
    if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let strip = |v: &mut serde_json::Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("author");
                o.remove("authors");
            }
        };
        strip(&mut json);
        json.get_mut("items").and_then(|i| i.as_array_mut()).into_iter().flatten().for_each(strip);
        return serde_json::to_vec(&json).unwrap_or_default();
    }
    PEOPLE.replace_all(bytes, &b""[..]).into_owned()
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
    fn any_xml_declaration_and_encoding_parses_without_panicking() {
        let rss = r#"<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>W</title>
            <item><title>Téhéran</title><link>https://news.example/a/1</link></item></channel></rss>"#;
        let latin1 = |s: &str| encoding_rs::WINDOWS_1252.encode(s).0.into_owned();
        let title = |bytes: &[u8]| {
            let feed = parse_feed(bytes, &base()).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)));
            feed.items[0].hints.title.clone().unwrap()
        };
        assert_eq!(title(&latin1(rss)), "Téhéran");
        // feed-rs alone panicked on each of these: whitespace before a Latin-1 declaration, a long
        // declaration, a second declaration, one inside the document.
        for odd in [
            format!("{}{rss}", " ".repeat(200)),
            rss.replace("?>", &format!("{}?>", " ".repeat(100))),
            rss.replacen("?>", r#"?><?xml version="1.0" encoding="UTF-8"?>"#, 1),
            rss.replace("<title>W</title>", &format!("<title>{}</title><?xml encoding='KOI8-R'?>", "w".repeat(300))),
            rss.replace("<?xml", "<!-- x --><?xml"),
        ] {
            assert_eq!(title(&latin1(&odd)), "Téhéran", "{odd}");
        }
        // A byte-order mark wins over the declaration; UTF-16 without one is recognised too.
        for (bom, le) in [(&[0xff, 0xfe][..], true), (&[][..], true), (&[0xfe, 0xff][..], false)] {
            let mut utf16 = bom.to_vec();
            utf16.extend(rss.encode_utf16().flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() }));
            assert_eq!(title(&utf16), "Téhéran");
        }
        // Quoted in text or a CDATA section, a declaration stays text (disarmed).
        let quoted = r#"<rss version="2.0"><channel><title>&lt;?xml?&gt;</title><item><title>T</title>
            <description><![CDATA[<?xml version="1.0" encoding="ISO-8859-1"?> ok]]></description>
            <link>https://news.example/a/2</link></item></channel></rss>"#;
        let feed = parse_feed(quoted.as_bytes(), &base()).unwrap();
        // (and then, read as HTML, a bogus comment)
        assert_eq!(feed.items[0].hints.summary.as_deref(), Some("ok"));
    }

    #[test]
    fn an_email_next_to_a_no_break_space_costs_the_authors_not_the_feed() {
        // feed-rs 3.0 slices inside the multi-byte character and panics.
        let rss = "<rss version=\"2.0\"><channel><title>x</title><managingEditor>ed@news.example\u{a0}(Ed)</managingEditor>
            <item><title>a</title><link>https://news.example/a</link><author>Jane Roe\u{a0}jane@news.example</author></item>
            <item><title>b</title><link>https://news.example/b</link><dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">x</dc:creator></item>
            </channel></rss>";
        let feed = parse_feed(rss.as_bytes(), &base()).unwrap();
        assert_eq!(feed.items.len(), 2);
        assert!(feed.items.iter().all(|i| i.hints.authors.is_empty()));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","authors":[{"name":"x"}],
            "items":[{"id":"1","url":"https://news.example/j/1","author":{"name":"Jane\u00a0jane@news.example"}}]}"#;
        assert_eq!(parse_feed(json.as_bytes(), &base()).unwrap().items[0].url.as_str(), "https://news.example/j/1");
    }

    #[test]
    fn html_is_not_a_feed() {
        assert!(parse_feed(b"<html><body>hi</body></html>", &base()).is_err());
    }
}
