//! Feed autodiscovery, the plain parts: the feeds a page advertises in
//! `<link rel="alternate">`, the places feeds usually live, and what a
//! robots.txt says (its `Sitemap:` lines and the rules that apply to talkwire).
//! [`super::discover`] fetches and checks them.

use std::collections::HashSet;

use url::Url;

/// Feed media types a `<link rel="alternate">` may carry.
const FEED_TYPES: &[(&str, FeedFormat)] = &[
    ("application/rss+xml", FeedFormat::Rss),
    ("application/atom+xml", FeedFormat::Atom),
    ("application/feed+json", FeedFormat::Json),
    ("application/rdf+xml", FeedFormat::Rss),
];

/// Where feeds usually live when a page does not say (tried against the site's root).
pub const COMMON_FEED_PATHS: &[&str] = &["/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml"];

/// The product token talkwire answers to in robots.txt.
pub const ROBOTS_AGENT: &str = "talkwire";

/// A feed's format, as advertised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    /// RSS (0.9x, 1.0/RDF, 2.0).
    Rss,
    /// Atom.
    Atom,
    /// JSON Feed.
    Json,
    /// Not advertised (a common location that parsed as a feed).
    Unknown,
}

/// A feed a page links to.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedLink {
    /// The feed's URL, resolved, fragment dropped.
    pub url: Url,
    /// The link's `title`.
    pub title: Option<String>,
    /// From the link's `type`.
    pub format: FeedFormat,
}

/// Feeds advertised by `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`
/// in `html`, resolved against `base` (or the page's `<base href>`), in page order without repeats.
pub fn feed_links(html: &str, base: &Url) -> Vec<FeedLink> {
    let (html, _) = crate::extract::without_excessive_nesting(html);
    let doc = dom_query::Document::from(html);
    let base =
        doc.select("base[href]").attr("href").and_then(|h| base.join(h.trim()).ok()).unwrap_or_else(|| base.clone());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for link in doc.select("link[href]").nodes() {
        let rel = link.attr("rel").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let media_type = link.attr("type").map(|t| t.to_ascii_lowercase()).unwrap_or_default();
        let media_type = media_type.split(';').next().unwrap_or_default().trim();
        let Some(&(_, format)) = FEED_TYPES.iter().find(|(t, _)| *t == media_type) else {
            continue;
        };
        let Some(href) = link.attr("href") else { continue };
        let Ok(mut url) = base.join(href.trim()) else { continue };
        url.set_fragment(None);
        if !super::link_allowed(&url, &base) || !seen.insert(url.clone()) {
            continue;
        }
        let title = link.attr("title").map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
        out.push(FeedLink { url, title: title.filter(|t| !t.is_empty()), format });
    }
    out
}

/// The common feed locations of `page`'s site, in [`COMMON_FEED_PATHS`] order.
pub fn common_feed_urls(page: &Url) -> Vec<Url> {
    if page.scheme() == "file" {
        return Vec::new();
    }
    COMMON_FEED_PATHS.iter().filter_map(|p| page.join(p).ok()).collect()
}

/// The robots.txt URL of `page`'s origin (None for local files).
pub fn robots_url(page: &Url) -> Option<Url> {
    if !matches!(page.scheme(), "http" | "https") {
        return None;
    }
    let mut url = page.join("/robots.txt").ok()?;
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

/// What robots.txt says, as far as talkwire is concerned.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RobotsSummary {
    /// `Sitemap:` lines, resolved, without repeats.
    pub sitemaps: Vec<String>,
    /// The group that applies: `talkwire` when one names it, else `*`; None when no group applies.
    pub group: Option<String>,
    /// That group's `Allow:` / `Disallow:` lines, as written (e.g. `Disallow: /private/`).
    pub rules: Vec<String>,
    /// That group's `Crawl-delay`, seconds.
    pub crawl_delay: Option<f32>,
}

/// Read a robots.txt fetched from `robots_url`: its sitemaps (via texting_robots,
/// which also decides what is allowed) and, for people, the rules of the group
/// that applies to talkwire.
pub fn robots_summary(robots: &[u8], robots_url: &Url) -> RobotsSummary {
    let mut summary = RobotsSummary::default();
    if let Ok(robot) = texting_robots::Robot::new(ROBOTS_AGENT, robots) {
        let mut seen = HashSet::new();
        for raw in robot.sitemaps {
            if let Ok(url) = robots_url.join(raw.trim())
                && matches!(url.scheme(), "http" | "https")
                && seen.insert(url.clone())
            {
                summary.sitemaps.push(url.to_string());
            }
        }
        summary.crawl_delay = robot.delay;
    }
    let text = String::from_utf8_lossy(robots);
    let groups = robots_groups(&text);
    let named = |agent: &str| groups.iter().find(|g| g.agents.iter().any(|a| a == agent));
    if let Some((agent, group)) = [ROBOTS_AGENT, "*"].into_iter().find_map(|a| named(a).map(|g| (a, g))) {
        summary.group = Some(agent.to_string());
        summary.rules = group.rules.clone();
    }
    summary
}

/// A robots.txt group: its user agents (lowercase) and its rules.
struct RobotsGroup {
    agents: Vec<String>,
    rules: Vec<String>,
}

/// Split robots.txt into groups (consecutive `User-agent` lines open one).
fn robots_groups(text: &str) -> Vec<RobotsGroup> {
    let mut groups: Vec<RobotsGroup> = Vec::new();
    let mut open_agents = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        let Some((key, value)) = line.split_once(':') else { continue };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "user-agent" => {
                if !open_agents {
                    groups.push(RobotsGroup { agents: Vec::new(), rules: Vec::new() });
                }
                open_agents = true;
                if let Some(g) = groups.last_mut() {
                    g.agents.push(value.to_ascii_lowercase());
                }
            }
            "allow" | "disallow" | "crawl-delay" => {
                open_agents = false;
                if let Some(g) = groups.last_mut()
                    && key != "crawl-delay"
                {
                    let name = if key == "allow" { "Allow" } else { "Disallow" };
                    g.rules.push(format!("{name}: {value}"));
                }
            }
            _ => {}
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example/world/middle-east/").unwrap()
    }

    #[test]
    fn link_tags_advertise_feeds() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="Middle East  — RSS" href="rss.xml">
            <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://news.example/atom.xml#x">
            <link rel="alternate" type="application/feed+json" href="/feed.json">
            <link rel="alternate" hreflang="fr" href="https://news.example/fr/">
            <link rel="alternate" type="application/rss+xml" href="rss.xml">
            <link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
            </head><body><a href="/feed">not a link tag</a></body></html>"#;
        let found = feed_links(html, &page());
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://news.example/world/middle-east/rss.xml",
                "https://news.example/atom.xml",
                "https://news.example/feed.json"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("Middle East — RSS"));
        assert_eq!(
            found.iter().map(|f| f.format).collect::<Vec<_>>(),
            vec![FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json]
        );
    }

    #[test]
    fn a_base_href_changes_what_relative_feed_links_mean() {
        let html = r#"<head><base href="https://cdn.news.example/x/"><link rel="alternate" type="application/rss+xml" href="feed.xml"></head>"#;
        assert_eq!(feed_links(html, &page())[0].url.as_str(), "https://cdn.news.example/x/feed.xml");
    }

    #[test]
    fn common_paths_are_at_the_site_root() {
        let urls: Vec<String> = common_feed_urls(&page()).iter().map(Url::to_string).collect();
        assert_eq!(urls[0], "https://news.example/feed");
        assert_eq!(urls.len(), COMMON_FEED_PATHS.len());
        assert!(urls.contains(&"https://news.example/index.xml".to_string()));
        assert!(common_feed_urls(&Url::parse("file:///srv/site/index.html").unwrap()).is_empty());
        assert_eq!(robots_url(&page()).unwrap().as_str(), "https://news.example/robots.txt");
    }

    #[test]
    fn robots_sitemaps_and_the_rules_for_talkwire() {
        let robots = b"# hello\nUser-agent: *\nDisallow: /private/\nAllow: /private/ok\n\n\
            User-agent: Talkwire\nUser-agent: otherbot\nDisallow: /drafts/\nCrawl-delay: 2\n\n\
            Sitemap: https://news.example/sitemap_index.xml\nSitemap: /news-sitemap.xml\n\
            Sitemap: https://news.example/sitemap_index.xml\n";
        let url = Url::parse("https://news.example/robots.txt").unwrap();
        let s = robots_summary(robots, &url);
        assert_eq!(s.sitemaps, vec!["https://news.example/sitemap_index.xml", "https://news.example/news-sitemap.xml"]);
        assert_eq!(s.group.as_deref(), Some("talkwire"));
        assert_eq!(s.rules, vec!["Disallow: /drafts/"]);
        assert_eq!(s.crawl_delay, Some(2.0));

        let star = robots_summary(b"User-agent: *\nDisallow: /private/\n", &url);
        assert_eq!((star.group.as_deref(), star.rules.len()), (Some("*"), 1));
        assert!(star.sitemaps.is_empty());
        assert_eq!(robots_summary(b"", &url), RobotsSummary::default());
    }
}
