//! Section and live pages: the article links on an HTML page.

use std::collections::HashSet;

use url::Url;

use crate::normalize::site_of;

/// Path endings that are never articles.
const NOT_ARTICLES: &[&str] =
    &[".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".pdf", ".css", ".js", ".xml", ".rss", ".mp3", ".mp4", ".zip"];

/// How to pick links on a page.
#[derive(Debug, Clone, Default)]
pub struct LinkRules<'a> {
    /// CSS selector of the article links; when set, every match is taken.
    pub selector: Option<&'a str>,
    /// Keep links to other sites too.
    pub follow_other_sites: bool,
}

/// Article links of `html`, resolved against `base`, fragments dropped, in
/// page order without repeats. Without a selector, only links that look like
/// articles are kept (a long slug or a numeric id in the path), so navigation,
/// section fronts and media are skipped.
pub fn discover_links(html: &str, base: &Url, rules: &LinkRules) -> Vec<Url> {
    let (html, cut) = crate::extract::without_excessive_nesting(html);
    if let Some(cut) = cut {
        tracing::warn!(page = %base, cut, "absurdly nested HTML; links after the cut ignored");
    }
    let doc = dom_query::Document::from(html);
    // A <base href> changes what relative links mean.
    let base =
        doc.select("base[href]").attr("href").and_then(|h| base.join(h.trim()).ok()).unwrap_or_else(|| base.clone());
    // A selector may name the links themselves or their containers.
    let hrefs: Vec<String> = match rules.selector {
        Some(sel) => match doc.try_select(sel) {
            Some(picked) => picked
                .nodes()
                .iter()
                .flat_map(|n| match n.attr("href") {
                    Some(h) => vec![h.to_string()],
                    None => n.find(&["a"]).iter().filter_map(|a| a.attr("href")).map(|h| h.to_string()).collect(),
                })
                .collect(),
            None => return Vec::new(),
        },
        None => doc.select("a[href]").nodes().iter().filter_map(|a| a.attr("href")).map(|h| h.to_string()).collect(),
    };
    let home_site = site_of(&base);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for href in hrefs {
        let Ok(mut url) = base.join(href.trim()) else {
            continue;
        };
        url.set_fragment(None);
        if !super::link_allowed(&url, &base) || url == base {
            continue;
        }
        if !rules.follow_other_sites && url.scheme() != "file" && site_of(&url) != home_site {
            continue;
        }
        if rules.selector.is_none() && !looks_like_article(&url) {
            continue;
        }
        if seen.insert(url.clone()) {
            out.push(url);
        }
    }
    out
}

/// An article URL usually ends in a slug of several words or carries a long numeric id.
fn looks_like_article(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    if NOT_ARTICLES.iter().any(|ext| path.ends_with(ext)) {
        return false;
    }
    path.split('/').any(|seg| {
        let slug_words = seg.split(['-', '_']).filter(|w| !w.is_empty()).count();
        let digits = seg.chars().filter(char::is_ascii_digit).count();
        slug_words >= 3 || digits >= 5
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<html><body>
        <nav><a href="/">Home</a><a href="/world">World</a><a href="https://social.example/share">Share</a></nav>
        <main>
          <a class="headline" href="/news/2026/02/03/iran-us-talks-resume-in-muscat#comments">Talks resume</a>
          <a class="headline" href="https://news.example/news/world-middle-east-71234567">Second</a>
          <a href="/news/2026/02/03/iran-us-talks-resume-in-muscat">Same again</a>
          <a href="https://other.example/story/some-long-article-slug">Elsewhere</a>
          <a href="/img/photo-of-the-day-2026.jpg">Photo</a>
          <a href="mailto:desk@news.example">Mail</a>
        </main></body></html>"##;

    fn base() -> Url {
        Url::parse("https://news.example/world").unwrap()
    }

    #[test]
    fn same_site_article_links_are_found_once_without_fragments() {
        let links = discover_links(PAGE, &base(), &LinkRules::default());
        let links: Vec<&str> = links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            vec![
                "https://news.example/news/2026/02/03/iran-us-talks-resume-in-muscat",
                "https://news.example/news/world-middle-east-71234567",
            ]
        );
    }

    #[test]
    fn a_selector_picks_links_and_other_sites_can_be_followed() {
        let rules = LinkRules { selector: Some("a.headline"), follow_other_sites: false };
        assert_eq!(discover_links(PAGE, &base(), &rules).len(), 2);
        let rules = LinkRules { selector: None, follow_other_sites: true };
        assert!(discover_links(PAGE, &base(), &rules).iter().any(|u| u.host_str() == Some("other.example")));
    }

    #[test]
    fn relative_links_resolve_against_a_local_file() {
        let base = Url::parse("file:///srv/replay/section.html").unwrap();
        let links =
            discover_links(r#"<a href="articles/iran-talks-resume-today.html">x</a>"#, &base, &LinkRules::default());
        assert_eq!(links[0].as_str(), "file:///srv/replay/articles/iran-talks-resume-today.html");
    }
}
