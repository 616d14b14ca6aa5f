//! Whole-stage tests: decoding, each metadata source through `Extractor::extract`, and main text.

use super::*;
use encoding_rs::{WINDOWS_1252, WINDOWS_1256};

const ARTICLE: &str = include_str!("../../tests/fixtures/extract/article_boilerplate.html");
const ARTICLE_URL: &str = "https://www.dailyplanet.example/world/2025/11/20/nuclear-talks-resume?utm_source=feed";

fn extract_html(html: &str, url: Option<&str>) -> Extracted {
    let url = url.map(|u| Url::parse(u).expect("test url"));
    Extractor::new().extract(&PageInput {
        body: html.as_bytes(),
        content_type: Some("text/html; charset=utf-8"),
        url: url.as_ref(),
    })
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test date").with_timezone(&Utc)
}

/// A page with enough body text for readability to accept it.
fn page(head: &str, body_extra: &str) -> String {
    let para = "<p>Officials from both governments met on Tuesday to discuss the proposal, which would \
                reopen the border crossing to commercial traffic for the first time in two years, \
                according to people familiar with the talks.</p>";
    format!(
        "<!DOCTYPE html><html><head>{head}</head><body>{body_extra}<article>{}</article></body></html>",
        para.repeat(4)
    )
}

#[test]
fn extractor_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Extractor>();
}

// ---- decoding ----

const LATIN: &str = "Caf\u{e9} \u{2013} \u{201c}na\u{ef}ve\u{201d} prices rose \u{20ac}5";
const ARABIC: &str = "\u{642}\u{627}\u{644} \u{648}\u{632}\u{64a}\u{631} \u{627}\u{644}\u{62e}\u{627}\u{631}\u{62c}\u{64a}\u{629} \u{625}\u{646} \u{627}\u{644}\u{645}\u{62d}\u{627}\u{62f}\u{62b}\u{627}\u{62a} \u{633}\u{62a}\u{633}\u{62a}\u{623}\u{646}\u{641}";

fn encoded(enc: &'static encoding_rs::Encoding, html: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = enc.encode(html);
    assert!(!had_errors, "test text must be representable in {}", enc.name());
    bytes.into_owned()
}

#[test]
fn windows_1252_with_http_charset() {
    let body = encoded(WINDOWS_1252, &format!("<html><body><p>{LATIN}</p></body></html>"));
    let text = decode_html(&body, Some("text/html; charset=windows-1252"));
    assert!(text.contains(LATIN), "{text}");
    // iso-8859-1 labels mean windows-1252 (the WHATWG mapping), so € and curly quotes survive.
    let text = decode_html(&body, Some("text/html; Charset=\"ISO-8859-1\""));
    assert!(text.contains(LATIN), "{text}");
}

#[test]
fn windows_1252_with_only_meta_charset() {
    let body = encoded(
        WINDOWS_1252,
        &format!("<html><head><meta charset=\"windows-1252\"></head><body><p>{LATIN}</p></body></html>"),
    );
    assert!(decode_html(&body, None).contains(LATIN));
    assert!(decode_html(&body, Some("text/html")).contains(LATIN));
}

#[test]
fn windows_1256_with_http_charset() {
    let body = encoded(WINDOWS_1256, &format!("<html><body><p>{ARABIC}</p></body></html>"));
    let text = decode_html(&body, Some("text/html;charset=windows-1256"));
    assert!(text.contains(ARABIC), "{text}");
}

#[test]
fn windows_1256_with_only_http_equiv_meta() {
    let body = encoded(
        WINDOWS_1256,
        &format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">\
             </head><body><p>{ARABIC}</p></body></html>"
        ),
    );
    assert!(decode_html(&body, None).contains(ARABIC));
}

#[test]
fn windows_1256_with_only_meta_charset() {
    let body = encoded(
        WINDOWS_1256,
        &format!("<html><head><meta charset=\"windows-1256\"></head><body><p>{ARABIC}</p></body></html>"),
    );
    assert!(decode_html(&body, None).contains(ARABIC));
    assert!(decode_html(&body, Some("text/html")).contains(ARABIC));
}

/// A whole Arabic article saved in windows-1256 with only `<meta charset>` to say so.
#[test]
fn windows_1256_article_page_end_to_end() {
    let body = include_bytes!("../../tests/fixtures/extract/arabic_windows1256.html");
    let url = Url::parse("https://www.daily.example/politics/2025/11/18/talks").expect("url");
    for content_type in [None, Some("text/html"), Some("text/html; charset=windows-1256")] {
        let out = Extractor::new().extract(&PageInput { body, content_type, url: Some(&url) });
        assert_eq!(
            out.title,
            "\u{648}\u{632}\u{64a}\u{631} \u{627}\u{644}\u{62e}\u{627}\u{631}\u{62c}\u{64a}\u{629}: \u{627}\u{644}\u{645}\u{62d}\u{627}\u{62f}\u{62b}\u{627}\u{62a} \u{627}\u{644}\u{646}\u{648}\u{648}\u{64a}\u{629} \u{633}\u{62a}\u{633}\u{62a}\u{623}\u{646}\u{641} \u{627}\u{644}\u{623}\u{633}\u{628}\u{648}\u{639} \u{627}\u{644}\u{645}\u{642}\u{628}\u{644}",
            "site name stripped, Arabic decoded"
        );
        assert_eq!(out.text.split("\n\n").count(), 4, "{}", out.text);
        assert!(out.text.starts_with("\u{642}\u{627}\u{644} \u{648}\u{632}\u{64a}\u{631}"));
        assert!(!out.text.contains('\u{fffd}'));
        assert_eq!(out.authors, ["\u{623}\u{62d}\u{645}\u{62f} \u{62d}\u{633}\u{646}"]);
        assert_eq!(out.language.as_deref(), Some("ar"));
        assert_eq!(out.published_at, Some(utc("2025-11-18T11:30:00Z")));
    }
}

#[test]
fn http_charset_beats_meta() {
    let body = encoded(
        WINDOWS_1256,
        &format!("<html><head><meta charset=\"windows-1252\"></head><body><p>{ARABIC}</p></body></html>"),
    );
    assert!(decode_html(&body, Some("text/html; charset=windows-1256")).contains(ARABIC));
}

#[test]
fn bom_detected_and_stripped() {
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend_from_slice(format!("<p>{LATIN}</p>").as_bytes());
    let text = decode_html(&body, None);
    assert!(text.starts_with("<p>"), "BOM must be stripped: {text:?}");
    assert!(text.contains(LATIN));
    // A BOM is unambiguous: it wins over a wrong header, as in browsers.
    assert!(decode_html(&body, Some("text/html; charset=windows-1252")).contains(LATIN));

    // encoding_rs never encodes to UTF-16; build it by hand.
    let mut body = vec![0xFF, 0xFE];
    for unit in format!("<p>{ARABIC}</p>").encode_utf16() {
        body.extend_from_slice(&unit.to_le_bytes());
    }
    assert!(decode_html(&body, None).contains(ARABIC));
}

#[test]
fn undeclared_legacy_encoding_detected() {
    let para = format!("<p>{LATIN} \u{2014} the caf\u{e9}s of Paris were full on Sunday.</p>");
    let body = encoded(WINDOWS_1252, &format!("<html><body>{}</body></html>", para.repeat(5)));
    assert!(decode_html(&body, None).contains(LATIN));
    let arabic = format!("<p>{ARABIC} {ARABIC}</p>").repeat(5);
    let body = encoded(WINDOWS_1256, &format!("<html><body>{arabic}</body></html>"));
    assert!(decode_html(&body, None).contains(ARABIC));
}

#[test]
fn utf8_header_on_non_utf8_bytes_falls_back_to_meta() {
    let body = encoded(
        WINDOWS_1256,
        &format!("<html><head><meta charset=\"windows-1256\"></head><body><p>{ARABIC}</p></body></html>"),
    );
    assert!(decode_html(&body, Some("text/html; charset=utf-8")).contains(ARABIC));
}

#[test]
fn utf8_with_a_few_bad_bytes_stays_utf8() {
    let mut body = format!("<html><body><p>{ARABIC}</p><p>{LATIN}</p>").into_bytes();
    body.push(0xFF); // one stray byte, e.g. from a broken ad snippet
    body.extend_from_slice(format!("<p>{ARABIC}</p></body></html>").as_bytes());
    for content_type in [None, Some("text/html; charset=utf-8")] {
        let text = decode_html(&body, content_type);
        assert!(text.contains(ARABIC) && text.contains(LATIN), "{text}");
        assert_eq!(text.matches('\u{fffd}').count(), 1);
    }
}

#[test]
fn extract_uses_decoded_text() {
    let html = page("<meta charset=\"windows-1252\"><title>Caf\u{e9} prices</title>", &format!("<p>{LATIN}</p>"));
    let body = encoded(WINDOWS_1252, &html);
    let out = Extractor::new().extract(&PageInput { body: &body, content_type: None, url: None });
    assert_eq!(out.title, "Caf\u{e9} prices");
}

// ---- the realistic page ----

#[test]
fn realistic_article_keeps_body_drops_boilerplate() {
    let out = extract_html(ARTICLE, Some(ARTICLE_URL));
    let paragraphs: Vec<&str> = out.text.split("\n\n").collect();
    for needle in [
        "Negotiators from six countries sat down in Geneva",
        "with a serious proposal",
        "the main obstacles remained the pace of sanctions relief",
        "technical teams would meet separately on Thursday",
        "neither can be seen to blink first",
    ] {
        assert!(paragraphs.iter().any(|p| p.contains(needle)), "missing {needle:?} in:\n{}", out.text);
    }
    for junk in [
        "Politics",
        "Markets tumble",
        "Most read",
        "Celebrity chef",
        "Sign up for our World Briefing",
        "top stories in your inbox",
        "Privacy policy",
        "All rights reserved",
        "Share on Facebook",
        "Sanctions explained in five charts",
    ] {
        assert!(!out.text.contains(junk), "boilerplate {junk:?} kept in:\n{}", out.text);
    }
    // Paragraph shape: one blank line between, none inside, no stray whitespace.
    assert!(!out.text.contains("\n\n\n"));
    assert!(!out.text.starts_with(char::is_whitespace) && !out.text.ends_with(char::is_whitespace));
    for p in &paragraphs {
        assert!(!p.contains('\n') && !p.contains("  ") && p.trim() == *p, "{p:?}");
    }
}

#[test]
fn realistic_article_metadata() {
    let out = extract_html(ARTICLE, Some(ARTICLE_URL));
    assert_eq!(out.title, "Nuclear talks resume in Geneva as envoys seek deal");
    // "By " stripped, the publisher listed as an author dropped.
    assert_eq!(out.authors, ["Lois Lane", "Clark Kent"]);
    assert_eq!(out.summary.as_deref(), Some("Envoys returned to the table on Tuesday after a three-month pause."));
    assert_eq!(out.published_at, Some(utc("2025-11-20T08:15:00Z")));
    assert_eq!(out.updated_at, Some(utc("2025-11-20T10:40:00Z")));
    assert_eq!(out.language.as_deref(), Some("en"));
    assert_eq!(
        out.canonical_url.as_ref().map(Url::as_str),
        Some("https://www.dailyplanet.example/world/2025/11/20/nuclear-talks-resume")
    );
    assert!(!out.paywalled);
}

// ---- each metadata source on its own ----

#[test]
fn title_sources_in_order() {
    let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"From JSON-LD"}</script>"#;
    let og = r#"<meta property="og:title" content="From the OG tag | Site">"#;
    let tt = "<title>From title tag - Example Times</title>";
    assert_eq!(extract_html(&page(&format!("{ld}{og}{tt}"), ""), None).title, "From JSON-LD");
    assert_eq!(extract_html(&page(&format!("{og}{tt}"), ""), None).title, "From the OG tag");
    assert_eq!(
        extract_html(&page(tt, ""), Some("https://www.example-times.com/a/b")).title,
        "From title tag - Example Times",
        "no site name known: a ' - ' suffix is kept"
    );
    assert_eq!(
        extract_html(&page(tt, ""), Some("https://www.exampletimes.com/a/b")).title,
        "From title tag",
        "the host names the site"
    );
    assert_eq!(extract_html(&page("", "<h1>Only an h1</h1>"), None).title, "Only an h1");
}

#[test]
fn title_suffix_stripped_by_site_name_and_h1() {
    let head = r#"<meta property="og:site_name" content="BBC News"><title>Iran talks resume - BBC News</title>"#;
    assert_eq!(extract_html(&page(head, ""), None).title, "Iran talks resume");
    let head = "<title>Iran talks resume \u{2013} The Planet</title>";
    assert_eq!(extract_html(&page(head, "<h1>Iran talks resume</h1>"), None).title, "Iran talks resume");
    let head = "<title>Iran talks resume | Reuters</title>";
    assert_eq!(extract_html(&page(head, ""), None).title, "Iran talks resume");
}

#[test]
fn truncated_jsonld_headline_replaced_by_full_title() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"A very long headline that was cut…"}</script>
        <meta property="og:title" content="A very long headline that was cut at 110 characters">"#;
    assert_eq!(extract_html(&page(head, ""), None).title, "A very long headline that was cut at 110 characters");
}

#[test]
fn authors_from_each_source() {
    let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},"Bo Chen"]}</script>"#;
    assert_eq!(extract_html(&page(ld, ""), None).authors, ["Ann Lee", "Bo Chen"]);

    let meta = r#"<meta name="author" content="By Ann Lee and Bo Chen">"#;
    assert_eq!(extract_html(&page(meta, ""), None).authors, ["Ann Lee", "Bo Chen"]);

    // article:author as a profile URL is not a name; the next source is used.
    let meta = r#"<meta property="article:author" content="https://facebook.com/annlee"><meta name="parsely-author" content="Ann Lee">"#;
    assert_eq!(extract_html(&page(meta, ""), None).authors, ["Ann Lee"]);
    let meta = r#"<meta property="article:author" content="Ann Lee">"#;
    assert_eq!(extract_html(&page(meta, ""), None).authors, ["Ann Lee"]);

    let micro = r#"<div itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ann Lee</span></div>"#;
    assert_eq!(extract_html(&page("", micro), None).authors, ["Ann Lee"]);

    let rel = r#"<div class="meta">By <a rel="author" href="/a/ann">Ann Lee</a></div>"#;
    assert_eq!(extract_html(&page("", rel), None).authors, ["Ann Lee"]);
}

#[test]
fn publisher_names_never_authors() {
    let head = r#"<meta property="og:site_name" content="The Planet">
        <script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"The Planet"},
        {"@type":"Organization","name":"Planet Wire"},{"@type":"Person","name":"Ann Lee"}],
        "publisher":{"@type":"Organization","name":"Planet Media Group"}}</script>"#;
    assert_eq!(extract_html(&page(head, ""), None).authors, ["Ann Lee"]);
    let head = r#"<meta property="og:site_name" content="The Planet"><meta name="author" content="The Planet">"#;
    assert!(extract_html(&page(head, ""), None).authors.is_empty());
}

#[test]
fn summary_sources_in_order() {
    let og = r#"<meta property="og:description" content="From OG.">"#;
    let md = r#"<meta name="description" content="From meta.">"#;
    let ld =
        r#"<script type="application/ld+json">{"@type":"NewsArticle","description":"From &amp; JSON-LD."}</script>"#;
    assert_eq!(extract_html(&page(&format!("{ld}{md}{og}"), ""), None).summary.as_deref(), Some("From OG."));
    assert_eq!(extract_html(&page(&format!("{ld}{md}"), ""), None).summary.as_deref(), Some("From meta."));
    assert_eq!(extract_html(&page(ld, ""), None).summary.as_deref(), Some("From & JSON-LD."));
    assert_eq!(extract_html(&page("", ""), None).summary, None);
}

#[test]
fn dates_from_each_source() {
    let cases = [
        (r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},{"@type":"NewsArticle","datePublished":"2025-03-01T10:00:00+02:00","dateModified":"2025-03-02T10:00:00+02:00"}]}</script>"#.to_string(), ""),
        (r#"<meta property="article:published_time" content="2025-03-01T08:00:00Z"><meta property="article:modified_time" content="2025-03-02T08:00:00Z">"#.to_string(), ""),
        (r#"<meta itemprop="datePublished" content="2025-03-01T08:00:00Z"><meta itemprop="dateModified" content="2025-03-02T08:00:00Z">"#.to_string(), ""),
        (r#"<meta name="pubdate" content="2025-03-01T08:00:00Z"><meta name="last-modified" content="2025-03-02T08:00:00Z">"#.to_string(), ""),
        (r#"<meta name="DC.date.issued" content="2025-03-01T08:00:00Z"><meta name="dcterms.modified" content="2025-03-02T08:00:00Z">"#.to_string(), ""),
    ];
    for (head, body) in &cases {
        let out = extract_html(&page(head, body), None);
        assert_eq!(out.published_at, Some(utc("2025-03-01T08:00:00Z")), "{head}");
        assert_eq!(out.updated_at, Some(utc("2025-03-02T08:00:00Z")), "{head}");
    }
    // Microdata on an element and a bare <time datetime>.
    let out = extract_html(&page("", r#"<span itemprop="datePublished" content="2025-03-01">1 March</span>"#), None);
    assert_eq!(out.published_at, Some(utc("2025-03-01T00:00:00Z")));
    let out = extract_html(&page("", r#"<time datetime="2025-03-01 08:00">1 March</time>"#), None);
    assert_eq!(out.published_at, Some(utc("2025-03-01T08:00:00Z")));
    let out = extract_html(&page(r#"<meta name="date" content="2025-03-01">"#, ""), None);
    assert_eq!(out.published_at, Some(utc("2025-03-01T00:00:00Z")));
}

#[test]
fn future_and_inconsistent_dates_rejected() {
    let head = r#"<meta property="article:published_time" content="2999-01-01T00:00:00Z">
        <meta name="pubdate" content="2025-03-01T08:00:00Z">
        <meta property="article:modified_time" content="2020-01-01T00:00:00Z">"#;
    let out = extract_html(&page(head, ""), None);
    // The future date is skipped for the next candidate; an update before publication is dropped.
    assert_eq!(out.published_at, Some(utc("2025-03-01T08:00:00Z")));
    assert_eq!(out.updated_at, None);
}

#[test]
fn language_sources() {
    assert_eq!(extract_html(&page("", ""), None).language.as_deref(), Some("en"), "detected");
    let html = page("", "").replace("<html>", "<html lang=\"en-US\">");
    assert_eq!(extract_html(&html, None).language.as_deref(), Some("en"));
    let head = r#"<meta property="og:locale" content="fr_FR">"#;
    assert_eq!(extract_html(&page(head, ""), None).language.as_deref(), Some("fr"), "short text: declaration kept");
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","inLanguage":"de-DE"}</script>"#;
    assert_eq!(extract_html(&page(head, ""), None).language.as_deref(), Some("de"));
}

#[test]
fn wrong_declared_language_overruled_on_long_text() {
    let html = page("", "")
        .replace("<html>", "<html lang=\"fa\">")
        .replace("<article>", &format!("<article>{}", "<p>Diplomats said on Monday that the negotiations over the agreement would continue next week in Vienna, where technical experts are expected to review the latest draft.</p>".repeat(6)));
    assert_eq!(extract_html(&html, None).language.as_deref(), Some("en"));
}

#[test]
fn canonical_sources_and_distrust() {
    let url = "https://news.example.com/world/story-1?utm_medium=rss";
    let link = |href: &str| format!(r#"<link rel="canonical" href="{href}">"#);
    let canon = |head: &str| extract_html(&page(head, ""), Some(url)).canonical_url.map(String::from);
    assert_eq!(canon(&link("/world/story-1")).as_deref(), Some("https://news.example.com/world/story-1"));
    assert_eq!(
        canon(r#"<meta property="og:url" content="https://www.example.com/world/story-1">"#).as_deref(),
        Some("https://www.example.com/world/story-1")
    );
    assert_eq!(
        canon(r#"<script type="application/ld+json">{"@type":"NewsArticle","mainEntityOfPage":{"@id":"https://example.com/world/story-1"}}</script>"#).as_deref(),
        Some("https://example.com/world/story-1")
    );
    // Another site: distrusted, and the next (trusted) claim is used.
    assert_eq!(
        canon(&format!(
            "{}<meta property=\"og:url\" content=\"/world/story-1\">",
            link("https://aggregator.example.net/world/story-1")
        ))
        .as_deref(),
        Some("https://news.example.com/world/story-1")
    );
    assert_eq!(canon(&link("https://aggregator.example.net/story-1")), None);
    // The home page: distrusted.
    assert_eq!(canon(&link("https://www.example.com/")), None);
    assert_eq!(canon(&link("/")), None);
}

#[test]
fn paywall_flag() {
    let head = r#"<script type="application/ld+json">{"@context":"http://schema.org","@type":"NewsArticle","isAccessibleForFree":"False","hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".paywall"}}</script>"#;
    assert!(extract_html(&page(head, ""), None).paywalled);
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>"#;
    assert!(extract_html(&page(head, ""), None).paywalled);
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true}</script>"#;
    assert!(!extract_html(&page(head, ""), None).paywalled);
}

// ---- robustness ----

#[test]
fn page_without_article_gives_empty_text() {
    let out = extract_html("<html><head><title>Login</title></head><body><form><input></form></body></html>", None);
    assert_eq!(out.text, "");
    assert_eq!(out.title, "Login");
}

#[test]
fn garbage_inputs_never_panic() {
    let ex = Extractor::new();
    let deep = "<div>".repeat(20_000) + "text" + &"</div>".repeat(20_000);
    let deep_ok = "<div><b>".repeat(600) + &"<p>Some text in the deep end.</p>".repeat(50);
    let bad_ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":{"x":[1,2,{}]}},"headline":7,"datePublished":null}</script><script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]</script>"#;
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\x00\xff\xfe\x00garbage\x80\x81".to_vec(),
        b"plain text, no html at all".to_vec(),
        deep.into_bytes(),
        deep_ok.into_bytes(),
        page(bad_ld, "").into_bytes(),
        b"<html><head><meta charset=\"bogus-charset\"><link rel=canonical href=\"http://[::1\"></head></html>".to_vec(),
    ];
    for body in &inputs {
        let _ = ex.extract(&PageInput { body, content_type: Some("text/html; charset=nonsense"), url: None });
    }
}

#[test]
fn large_page_is_fine() {
    let para = "<p>Paragraph of reasonably long article text that repeats to make a big page, \
                with enough words to be scored as content by readability.</p>";
    let nav = "<nav><a href=\"/x\">Link</a></nav>";
    let html = format!("<html><body>{}<article>{}</article></body></html>", nav.repeat(5_000), para.repeat(5_000));
    let out = extract_html(&html, None);
    assert!(out.text.len() > 100_000);
}

#[test]
fn an_embedded_post_in_a_social_box_is_the_storys_text() {
    let para = "<p>Officials from both governments met on Tuesday to discuss the proposal, which would reopen \
                the talks for the first time in two years, according to people familiar with them.</p>";
    let html = format!(
        r#"<html><body><article>{para}{para}<div class="social-media-embed"><blockquote class="twitter-tweet">
        <p lang="en">Talks with the E3 will resume in Geneva next week. Diplomacy is the only way.</p>
        — Abbas Araghchi (@araghchi) <a href="https://x.com/araghchi/status/1">November 18, 2025</a></blockquote>
        <script async src="https://platform.twitter.com/widgets.js"></script></div>{para}
        <div class="social-share"><a href="/s">Share</a></div></article></body></html>"#
    );
    let text = extract_html(&html, None).text;
    assert!(text.contains("Talks with the E3 will resume in Geneva next week."), "{text}");
    assert!(!text.contains("Share"), "{text}");
}

// ---- pages from sites never seen before ----

#[test]
fn agency_or_desk_credit_when_no_person_is_named() {
    let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
        "author":[{"@type":"Person","name":"dpa"}]}</script>"#;
    let e = extract_html(&page(ld, ""), None);
    assert!(e.authors.is_empty());
    assert_eq!(e.credit.as_deref(), Some("dpa"));

    let org = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
        "author":{"@type":"Organization","name":"Example Wire"}}</script>"#;
    assert_eq!(extract_html(&page(org, ""), None).credit.as_deref(), Some("Example Wire"));

    let meta = r#"<meta name="author" content="AFP">"#;
    assert_eq!(extract_html(&page(meta, ""), None).credit.as_deref(), Some("AFP"));

    // A person named: no credit.
    let person = r#"<meta name="author" content="Jane Doe">"#;
    let e = extract_html(&page(person, ""), None);
    assert_eq!(e.authors, ["Jane Doe"]);
    assert_eq!(e.credit, None);
}

#[test]
fn jsonld_date_without_offset_takes_the_offset_of_a_meta_with_the_same_time() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
        "datePublished":"2024-04-28T18:11:01","dateModified":"2024-04-28T19:00:00"}</script>
        <meta name="date" content="2024-04-28T18:11:01+02:00">"#;
    let e = extract_html(&page(head, ""), None);
    assert_eq!(e.published_at, Some(utc("2024-04-28T16:11:01Z")));
    assert_eq!(e.updated_at, Some(utc("2024-04-28T17:00:00Z")));
    // A meta of another time lends nothing.
    let other = r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-04-28T18:11:01"}</script>
        <meta name="date" content="2024-04-27T09:00:00+02:00">"#;
    assert_eq!(extract_html(&page(other, ""), None).published_at, Some(utc("2024-04-28T18:11:01Z")));
}

#[test]
fn dateline_in_page_text_when_metadata_has_no_date() {
    let numeric =
        r#"<h3>Hotel reopens as a theatre</h3><div class="line">Do 25.04.24 | 14:07 Uhr | Von Jane Doe</div>"#;
    assert_eq!(extract_html(&page("", numeric), None).published_at, Some(utc("2024-04-25T14:07:00Z")));
    let worded = r#"<h1>Tireless work</h1><span>erstellt: <strong>01. April 2025, 15:25</strong></span>"#;
    assert_eq!(extract_html(&page("", worded), None).published_at, Some(utc("2025-04-01T15:25:00Z")));
    // Metadata wins; text before the first headline (a masthead's "today") is not read.
    let meta = r#"<meta property="article:published_time" content="2024-01-02T03:04:05Z">"#;
    assert_eq!(extract_html(&page(meta, worded), None).published_at, Some(utc("2024-01-02T03:04:05Z")));
    let masthead = r#"<div>Montag, 07.12.2026</div><h1>Tireless work</h1>"#;
    assert_eq!(extract_html(&page("", masthead), None).published_at, None);
}

#[test]
fn accented_entities_in_jsonld_headline_decoded() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
        "headline":"Samsung soll Smartphones zerst&ouml;ren"}</script>"#;
    assert_eq!(extract_html(&page(head, ""), None).title, "Samsung soll Smartphones zerstören");
}

#[test]
fn author_from_a_social_card_label_when_metas_hold_an_address() {
    let head = r#"<meta name="author" content="j.doe@example.com"><meta name="twitter:label1" content="Written by">
        <meta name="twitter:data1" content="Jane Doe"><meta name="twitter:label2" content="Est. reading time">
        <meta name="twitter:data2" content="4 Minuten">"#;
    assert_eq!(extract_html(&page(head, ""), None).authors, ["Jane Doe"]);
}

#[test]
fn jsonld_article_body_replaces_an_extraction_that_only_began_the_story() {
    let sections = "Our pick for cold nights keeps its loft when wet and packs small. ".repeat(30);
    let intro = "Officials from both governments met on Tuesday to discuss the proposal, which would \
                 reopen the border crossing to commercial traffic for the first time in two years, \
                 according to people familiar with the talks.";
    let ld = format!(
        r#"<script type="application/ld+json">{{"@type":"NewsArticle","headline":"H",
        "articleBody":"{intro} {intro} {intro} {intro}\n\n{sections}"}}</script>"#
    );
    let e = extract_html(&page(&ld, ""), None);
    assert!(e.text.contains("keeps its loft"), "{}", e.text);
    // A body that says no more than the page, or another story, is not taken.
    let short =
        format!(r#"<script type="application/ld+json">{{"@type":"NewsArticle","articleBody":"{intro}"}}</script>"#);
    assert!(!extract_html(&page(&short, ""), None).text.contains("keeps its loft"));
    let other =
        format!(r#"<script type="application/ld+json">{{"@type":"NewsArticle","articleBody":"{sections}"}}</script>"#);
    assert!(!extract_html(&page(&other, ""), None).text.contains("keeps its loft"));
}
