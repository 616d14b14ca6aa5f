//! What a site offers talkwire: its feeds (from `<link rel="alternate">` and
//! the usual locations), its sitemaps (from robots.txt) and the robots.txt
//! rules that apply to talkwire. Used by `site` sources to find what to poll,
//! and by `talkwire discover URL` so an operator can add a site in a minute.
//! Every request goes through the [`Fetcher`]: robots.txt, politeness and SSRF
//! rules apply as for any poll.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

use super::SourceLocation;
use super::autodiscover::{FeedFormat, RobotsSummary, common_feed_urls, feed_links, robots_summary, robots_url};
use super::feed::parse_feed;
use super::sitemap::{EntryFilter, Sitemap, parse_sitemap};
use crate::fetch::{Body, FetchError, Fetched, Fetcher};

/// How much work discovery does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// For polling: advertised feeds are trusted (the poll fetches them next);
    /// common locations are tried only when the page advertises none.
    Quick,
    /// For people: every common location is tried, and every feed and sitemap fetched and checked.
    Full,
}

/// What discovery found on a site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteReport {
    /// The page examined.
    pub url: String,
    /// Where it ended up after redirects, and what it is.
    pub page: Check,
    /// Feeds found.
    pub feeds: Vec<FoundFeed>,
    /// Sitemaps found (named by robots.txt).
    pub sitemaps: Vec<FoundSitemap>,
    /// robots.txt.
    pub robots: RobotsReport,
}

/// The outcome of fetching one thing.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Fetched and understood.
    pub ok: bool,
    /// What it is, or why it failed.
    pub detail: String,
    /// URL after redirects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
}

/// One feed.
#[derive(Debug, Clone, Serialize)]
pub struct FoundFeed {
    /// Its URL.
    pub url: String,
    /// `link` (advertised by the page) or `common-path`.
    pub via: &'static str,
    /// As advertised.
    pub format: FeedFormat,
    /// The link's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether robots.txt lets talkwire fetch it (None: another origin, not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robots_allowed: Option<bool>,
    /// Fetched and parsed ([`Depth::Full`], and every common-path feed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
}

/// One sitemap.
#[derive(Debug, Clone, Serialize)]
pub struct FoundSitemap {
    /// Its URL.
    pub url: String,
    /// Always `robots.txt` for now.
    pub via: &'static str,
    /// Fetched and parsed ([`Depth::Full`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
}

/// What robots.txt says to talkwire.
#[derive(Debug, Clone, Serialize)]
pub struct RobotsReport {
    /// Its URL (None for local files).
    pub url: Option<String>,
    /// `found`, `none` (4xx: no restrictions) or why it is unavailable.
    pub status: String,
    /// Sitemaps, the group that applies and its rules.
    #[serde(flatten)]
    pub summary: RobotsSummary,
    /// Whether talkwire may fetch the page itself.
    pub page_allowed: bool,
}

impl SiteReport {
    /// Feed URLs worth polling (fetched fine, or not checked; allowed by robots.txt).
    pub fn feed_urls(&self) -> Vec<String> {
        let usable = |f: &&FoundFeed| f.robots_allowed != Some(false) && f.check.as_ref().is_none_or(|c| c.ok);
        self.feeds.iter().filter(usable).map(|f| f.url.clone()).collect()
    }

    /// Sitemap URLs worth polling.
    pub fn sitemap_urls(&self) -> Vec<String> {
        self.sitemaps.iter().filter(|s| s.check.as_ref().is_none_or(|c| c.ok)).map(|s| s.url.clone()).collect()
    }

    /// The report for people.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
        let _ = writeln!(out, "Site: {}", self.url);
        let _ = writeln!(out, "  page: {} {}", mark(self.page.ok), self.page.detail);
        if let Some(u) = self.page.final_url.as_ref().filter(|u| **u != self.url) {
            let _ = writeln!(out, "  (redirected to {u})");
        }
        let _ = writeln!(out, "\nFeeds ({}):", self.feeds.len());
        if self.feeds.is_empty() {
            let _ = writeln!(out, "  none found");
        }
        for f in &self.feeds {
            let ok = f.check.as_ref().is_none_or(|c| c.ok) && f.robots_allowed != Some(false);
            let format = format!("{:?}", f.format).to_uppercase();
            let _ = write!(out, "  {} {}  [{format}, via {}]", mark(ok), f.url, f.via);
            if let Some(t) = &f.title {
                let _ = write!(out, " \"{t}\"");
            }
            if let Some(c) = &f.check {
                let _ = write!(out, " — {}", c.detail);
            }
            if f.robots_allowed == Some(false) {
                let _ = write!(out, " — disallowed by robots.txt");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "\nSitemaps ({}, from robots.txt):", self.sitemaps.len());
        if self.sitemaps.is_empty() {
            let _ = writeln!(out, "  none listed");
        }
        for s in &self.sitemaps {
            let ok = s.check.as_ref().is_none_or(|c| c.ok);
            let _ = write!(out, "  {} {}", mark(ok), s.url);
            if let Some(c) = &s.check {
                let _ = write!(out, " — {}", c.detail);
            }
            out.push('\n');
        }
        let r = &self.robots;
        let _ = writeln!(out, "\nrobots.txt: {} ({})", r.url.as_deref().unwrap_or("-"), r.status);
        match &r.summary.group {
            Some(g) => {
                let _ = writeln!(out, "  rules for `{g}`:{}", if r.summary.rules.is_empty() { " none" } else { "" });
                for rule in &r.summary.rules {
                    let _ = writeln!(out, "    {rule}");
                }
            }
            None => {
                let _ = writeln!(out, "  no rules apply to talkwire");
            }
        }
        if let Some(d) = r.summary.crawl_delay {
            let _ = writeln!(out, "  crawl-delay: {d} s");
        }
        let _ = writeln!(out, "  talkwire may fetch the page: {}", if r.page_allowed { "yes" } else { "NO" });
        let _ = writeln!(out, "\nTo poll it, add to seeds/feeds.toml:\n");
        if self.feed_urls().is_empty() && self.sitemap_urls().is_empty() {
            let _ = writeln!(out, "  (nothing usable found: try a section page, or add it as kind = \"page\")");
        } else {
            let _ = writeln!(out, "  [[source]]\n  kind = \"site\"\n  url = \"{}\"\n", self.url);
            let _ = writeln!(out, "  # or what it found, one by one:");
            for f in self.feed_urls() {
                let _ = writeln!(out, "  # [[source]]\n  # kind = \"feed\"\n  # url = \"{f}\"");
            }
            for s in self.sitemap_urls() {
                let _ = writeln!(out, "  # [[source]]\n  # kind = \"sitemap\"\n  # url = \"{s}\"");
            }
        }
        out
    }
}

fn ok(detail: String, final_url: &Url) -> Check {
    Check { ok: true, detail, final_url: Some(final_url.to_string()) }
}

fn failed(detail: impl std::fmt::Display) -> Check {
    Check { ok: false, detail: detail.to_string(), final_url: None }
}

/// Fetch `url` unconditionally.
async fn get(fetcher: &Fetcher, url: &Url) -> Result<Box<Body>, FetchError> {
    match fetcher.fetch_url(url, None).await? {
        Fetched::Body(body) => Ok(body),
        Fetched::NotModified(_) => Err(FetchError::Network("304 without a conditional request".into())),
    }
}

/// Examine the site of `page`. With [`Depth::Quick`] a page that cannot be
/// fetched is an error; with [`Depth::Full`] it is reported and the rest is tried.
pub async fn discover(fetcher: &Fetcher, page: &SourceLocation, depth: Depth) -> Result<SiteReport, FetchError> {
    let page_url = page.as_url();
    let fetched = match fetcher.fetch(page, None).await {
        Ok(Fetched::Body(body)) => Ok(body),
        Ok(Fetched::NotModified(_)) => Err(FetchError::Network("304 without a conditional request".into())),
        Err(e) => Err(e),
    };
    let (page_check, links, base) = match fetched {
        Ok(body) => {
            let html = crate::extract::decode_html(&body.bytes, body.content_type.as_deref());
            let title = dom_query::Document::from(html.as_str()).select("title").text().trim().to_string();
            let links = feed_links(&html, &body.final_url);
            let detail = if title.is_empty() { "fetched".to_string() } else { format!("\"{title}\"") };
            (ok(detail, &body.final_url), links, body.final_url.clone())
        }
        Err(e) if depth == Depth::Quick => return Err(e),
        Err(e) => (failed(&e), Vec::new(), page_url.clone()),
    };

    // robots.txt: its sitemaps and what it allows.
    let robots_at = robots_url(&base);
    let (robots_status, summary, robot) = match &robots_at {
        None => ("local file: no robots.txt".to_string(), RobotsSummary::default(), None),
        Some(url) => match get(fetcher, url).await {
            Ok(body) => {
                let robot = texting_robots::Robot::new(super::autodiscover::ROBOTS_AGENT, &body.bytes).ok();
                ("found".to_string(), robots_summary(&body.bytes, &body.final_url), robot)
            }
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                (format!("none (HTTP {status}): no restrictions"), RobotsSummary::default(), None)
            }
            Err(e) => (format!("unavailable: {e}"), RobotsSummary::default(), None),
        },
    };
    let same_origin = |u: &Url| u.origin() == base.origin();
    let allowed = |u: &Url| match &robot {
        Some(r) if same_origin(u) => Some(r.allowed(u.as_str())),
        _ if same_origin(u) && robots_at.is_some() => Some(!robots_status.starts_with("unavailable")),
        _ => None,
    };

    let mut seen: HashSet<Url> = HashSet::new();
    let mut feeds = Vec::new();
    for link in links {
        seen.insert(link.url.clone());
        let check = if depth == Depth::Full { Some(check_feed(fetcher, &link.url).await) } else { None };
        if let Some(final_url) = check.as_ref().and_then(|c| c.final_url.as_ref()).and_then(|u| Url::parse(u).ok()) {
            seen.insert(final_url);
        }
        feeds.push(FoundFeed {
            robots_allowed: allowed(&link.url),
            url: link.url.to_string(),
            via: "link",
            format: link.format,
            title: link.title,
            check,
        });
    }
    // The usual places: always for people, for polls only when the page advertises nothing.
    if depth == Depth::Full || feeds.is_empty() {
        for url in common_feed_urls(&base) {
            if seen.contains(&url) || allowed(&url) == Some(false) {
                continue;
            }
            let check = check_feed(fetcher, &url).await;
            let final_url = check.final_url.as_ref().and_then(|u| Url::parse(u).ok());
            if !check.ok || final_url.as_ref().is_some_and(|f| !seen.insert(f.clone())) {
                continue;
            }
            seen.insert(url.clone());
            feeds.push(FoundFeed {
                robots_allowed: allowed(&url),
                url: url.to_string(),
                via: "common-path",
                format: FeedFormat::Unknown,
                title: None,
                check: Some(check),
            });
        }
    }

    let mut sitemaps = Vec::new();
    for raw in &summary.sitemaps {
        let Ok(url) = Url::parse(raw) else { continue };
        let check = if depth == Depth::Full { Some(check_sitemap(fetcher, &url).await) } else { None };
        sitemaps.push(FoundSitemap { url: url.to_string(), via: "robots.txt", check });
    }
    let page_allowed = allowed(&base).unwrap_or(true);
    let robots = RobotsReport { url: robots_at.map(|u| u.to_string()), status: robots_status, summary, page_allowed };
    Ok(SiteReport { url: page_url.to_string(), page: page_check, feeds, sitemaps, robots })
}

/// Fetch and parse a feed.
async fn check_feed(fetcher: &Fetcher, url: &Url) -> Check {
    let body = match get(fetcher, url).await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    match parse_feed(&body.bytes, &body.final_url) {
        Ok(feed) => {
            let newest = feed.items.iter().filter_map(|i| i.hints.published_at.or(i.hints.updated_at)).max();
            ok(format!("{} items{}", feed.items.len(), newest_text(newest)), &body.final_url)
        }
        Err(e) => failed(e),
    }
}

/// Fetch and parse a sitemap (counting what a poll would take with the default window).
async fn check_sitemap(fetcher: &Fetcher, url: &Url) -> Check {
    let body = match get(fetcher, url).await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    let hours = crate::config::SourcesConfig::default().sitemap_max_age_hours;
    let filter = EntryFilter {
        not_before: Some(Utc::now() - chrono::TimeDelta::hours(hours as i64)),
        keep_undated: false,
        max_kept: 1,
    };
    let final_url = body.final_url.clone();
    let parsed =
        tokio::task::spawn_blocking(move || parse_sitemap(&body.bytes, &body.final_url, &filter, &mut |_| true)).await;
    match parsed {
        Ok(Ok(Sitemap::Index(children))) => ok(format!("sitemap index of {} sitemaps", children.len()), &final_url),
        Ok(Ok(Sitemap::UrlSet(set))) => {
            let recent = set.total - set.old - set.undated;
            let news = if set.news > 0 { format!(" ({} with Google News tags)", set.news) } else { String::new() };
            let detail =
                format!("{} URLs{news}, {recent} from the last {hours} h{}", set.total, newest_text(set.newest));
            ok(detail, &final_url)
        }
        Ok(Err(e)) => failed(e),
        Err(e) => failed(e),
    }
}

fn newest_text(newest: Option<DateTime<Utc>>) -> String {
    newest.map(|n| format!(", newest {}", n.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! Discovery against a real local HTTP server.
    use axum::routing::get as route;

    use super::*;
    use crate::config::HttpConfig;

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
        <item><title>A</title><link>/a/iran-talks-resume-in-muscat</link><pubDate>Tue, 10 Nov 2026 10:00:00 GMT</pubDate></item>
        </channel></rss>"#;

    async fn server(home: &'static str, robots: &'static str) -> Url {
        let app = axum::Router::new()
            .route("/", route(move || async move { axum::response::Html(home) }))
            .route("/robots.txt", route(move || async move { robots }))
            .route("/world/rss.xml", route(|| async { RSS }))
            .route("/feed", route(|| async { RSS }))
            .route("/atom.xml", route(|| async { "<html>not a feed</html>" }))
            .route(
                "/sitemap.xml",
                route(|| async {
                    r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/x</loc></url></urlset>"#
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Url::parse(&format!("http://{addr}/")).unwrap()
    }

    fn fetcher() -> Fetcher {
        Fetcher::new(&HttpConfig { per_host_min_delay_ms: 1, ..HttpConfig::default() }, true).unwrap()
    }

    #[tokio::test]
    async fn link_tags_robots_sitemaps_and_rules_are_found() {
        let home = r#"<html><head><title>News Example</title>
            <link rel="alternate" type="application/rss+xml" title="World" href="/world/rss.xml"></head></html>"#;
        let robots = "User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n";
        let base = server(home, robots).await;
        let f = fetcher();
        let quick = discover(&f, &SourceLocation::Http(base.clone()), Depth::Quick).await.unwrap();
        assert_eq!(quick.feed_urls(), vec![base.join("/world/rss.xml").unwrap().to_string()]);
        assert!(quick.feeds[0].check.is_none(), "quick discovery trusts advertised feeds");
        assert_eq!(quick.sitemap_urls(), vec![base.join("/sitemap.xml").unwrap().to_string()]);
        assert_eq!(quick.robots.summary.rules, vec!["Disallow: /private/"]);

        let full = discover(&f, &SourceLocation::Http(base.clone()), Depth::Full).await.unwrap();
        let urls: Vec<(&str, &str)> = full.feeds.iter().map(|f| (f.url.as_str(), f.via)).collect();
        let feed = base.join("/feed").unwrap().to_string();
        let world = base.join("/world/rss.xml").unwrap().to_string();
        assert_eq!(urls, vec![(world.as_str(), "link"), (feed.as_str(), "common-path")], "/atom.xml is not a feed");
        assert!(full.feeds[0].check.as_ref().unwrap().detail.starts_with("1 items"));
        assert!(full.sitemaps[0].check.as_ref().unwrap().detail.contains("1 URLs"));
        let text = full.render_text();
        assert!(
            text.contains("News Example") && text.contains("Disallow: /private/") && text.contains("kind = \"site\"")
        );
        let json = serde_json::to_value(&full).unwrap();
        assert_eq!(json["robots"]["group"], "*");
        assert_eq!(json["feeds"][1]["via"], "common-path");
    }

    #[tokio::test]
    async fn without_link_tags_common_paths_are_tried() {
        let base = server("<html><head><title>Bare</title></head></html>", "User-agent: *\nDisallow:\n").await;
        let report = discover(&fetcher(), &SourceLocation::Http(base.clone()), Depth::Quick).await.unwrap();
        assert_eq!(report.feed_urls(), vec![base.join("/feed").unwrap().to_string()]);
        assert!(report.sitemaps.is_empty());
    }

    #[tokio::test]
    async fn an_unreachable_page_fails_a_quick_discovery() {
        let base = server("", "").await;
        let missing = SourceLocation::Http(base.join("/nope").unwrap());
        assert!(matches!(
            discover(&fetcher(), &missing, Depth::Quick).await,
            Err(FetchError::Status { status: 404, .. })
        ));
        let full = discover(&fetcher(), &missing, Depth::Full).await.unwrap();
        assert!(!full.page.ok);
        assert_eq!(full.feed_urls(), vec![base.join("/feed").unwrap().to_string()], "the rest is still tried");
    }
}
