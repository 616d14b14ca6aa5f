//! A loopback news site for the scale benches: RSS feeds spread over several 127.0.0.x hosts,
//! answering conditional GETs (If-None-Match, If-Modified-Since) with 304, and article pages
//! generated from the on-topic fixture articles so that no two have the same text.
//!
//! It remembers, for every item, when the first feed request whose answer listed it arrived:
//! the start of the latency measurement (the wait for the next poll is deliberately left out).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};

/// How the site publishes.
#[derive(Debug, Clone, Copy)]
pub struct SiteConfig {
    /// Number of feeds (`/feed/N.xml`); feed N lives on host N % hosts.
    pub feeds: usize,
    /// Loopback hosts 127.0.0.1 .. 127.0.0.<hosts>, one listener each: talkwire's per-host
    /// politeness applies per host, as with real sites.
    pub hosts: usize,
    /// Items each feed publishes in total.
    pub items_per_feed: usize,
    /// A feed lists its newest `window` items.
    pub window: usize,
    /// Items per second across the whole site, round-robin over the feeds; `None`: every item is
    /// published when the site starts.
    pub items_per_second: Option<f64>,
}

/// Responses served so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Feed answers with a body.
    pub feeds_ok: u64,
    /// Feed answers 304 Not Modified.
    pub feeds_not_modified: u64,
    /// Article pages.
    pub articles: u64,
}

pub struct Site {
    hosts: Vec<SocketAddr>,
    state: Arc<SiteState>,
}

struct SiteState {
    config: SiteConfig,
    started_ms: u64,
    /// Unix ms of the first feed request whose answer listed item `n * feeds + feed`; 0 = not yet.
    first_listed_ms: Vec<AtomicU64>,
    /// Every feed changes (new validators, same items) once per this many ms; 0 = never.
    refresh_period_ms: AtomicU64,
    feeds_ok: AtomicU64,
    feeds_not_modified: AtomicU64,
    articles: AtomicU64,
    pages: ArticlePages,
}

pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_millis() as u64
}

impl Site {
    /// Serve on ephemeral ports, from a single-threaded runtime on a thread of its own.
    pub fn start(config: SiteConfig, fixtures: &Path) -> Self {
        let state = Arc::new(SiteState {
            config,
            started_ms: unix_ms(),
            first_listed_ms: (0..config.feeds * config.items_per_feed).map(|_| AtomicU64::new(0)).collect(),
            refresh_period_ms: AtomicU64::new(0),
            feeds_ok: AtomicU64::new(0),
            feeds_not_modified: AtomicU64::new(0),
            articles: AtomicU64::new(0),
            pages: ArticlePages::load(fixtures),
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let served = state.clone();
        std::thread::Builder::new()
            .name("bench-site".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("site runtime");
                rt.block_on(async move {
                    let mut servers = Vec::new();
                    for h in 1..=config.hosts {
                        let listener = tokio::net::TcpListener::bind(format!("127.0.0.{h}:0")).await.expect("bind");
                        tx.send(listener.local_addr().expect("address")).expect("site addresses");
                        let state = served.clone();
                        let app = axum::Router::new().fallback(move |req: Request<Body>| {
                            let state = state.clone();
                            async move { state.answer(&req) }
                        });
                        servers.push(tokio::spawn(async move { axum::serve(listener, app).await }));
                    }
                    futures::future::join_all(servers).await;
                });
            })
            .expect("site thread");
        let hosts = (0..config.hosts).map(|_| rx.recv_timeout(Duration::from_secs(10)).expect("site start")).collect();
        Self { hosts, state }
    }

    pub fn feed_url(&self, feed: usize) -> String {
        format!("http://{}/feed/{feed}.xml", self.hosts[feed % self.hosts.len()])
    }

    /// Unix ms at which the feed request that first listed the article at `url` arrived.
    pub fn first_listed_ms(&self, url: &str) -> Option<u64> {
        let (feed, n) = parse_article_path(url::Url::parse(url).ok()?.path())?;
        let ms = self.state.first_listed_ms.get(self.state.item_index(feed, n)?)?.load(Ordering::Relaxed);
        (ms > 0).then_some(ms)
    }

    /// From now on every feed changes every `period` (new ETag and Last-Modified, same items),
    /// each at its own phase, so a poll now and then gets a 200 to parse.
    pub fn refresh_feeds_every(&self, period: Duration) {
        self.state.refresh_period_ms.store(period.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn counts(&self) -> Counts {
        Counts {
            feeds_ok: self.state.feeds_ok.load(Ordering::Relaxed),
            feeds_not_modified: self.state.feeds_not_modified.load(Ordering::Relaxed),
            articles: self.state.articles.load(Ordering::Relaxed),
        }
    }
}

fn parse_article_path(path: &str) -> Option<(usize, usize)> {
    let (feed, n) = path.strip_prefix("/a/")?.strip_suffix(".html")?.split_once('/')?;
    Some((feed.parse().ok()?, n.parse().ok()?))
}

impl SiteState {
    fn item_index(&self, feed: usize, n: usize) -> Option<usize> {
        (feed < self.config.feeds && n < self.config.items_per_feed).then_some(n * self.config.feeds + feed)
    }

    /// Unix ms at which item `n` of `feed` is published.
    fn published_ms(&self, feed: usize, n: usize) -> u64 {
        match self.config.items_per_second {
            None => self.started_ms,
            Some(rate) => self.started_ms + ((n * self.config.feeds + feed) as f64 * 1000.0 / rate) as u64,
        }
    }

    /// How many items of `feed` are published at `now_ms`.
    fn published(&self, feed: usize, now_ms: u64) -> usize {
        let all = self.config.items_per_feed;
        (0..all).rev().find(|&n| self.published_ms(feed, n) <= now_ms).map_or(0, |n| n + 1)
    }

    /// The feed's current version: (items published, refresh generation, unix ms of the last change).
    fn version(&self, feed: usize, now_ms: u64) -> (usize, u64, u64) {
        let count = self.published(feed, now_ms);
        let mut changed_ms = if count > 0 { self.published_ms(feed, count - 1) } else { self.started_ms };
        let period = self.refresh_period_ms.load(Ordering::Relaxed);
        let mut generation = 0;
        if period > 0 {
            // Feeds change at staggered phases, as real feeds do, not all in the same second.
            let phase = feed as u64 * period / self.config.feeds as u64;
            let since_start = now_ms.saturating_sub(self.started_ms) + phase;
            generation = since_start / period;
            changed_ms = changed_ms.max(self.started_ms + (generation * period).saturating_sub(phase));
        }
        (count, generation, changed_ms)
    }

    fn answer(&self, req: &Request<Body>) -> Response<Body> {
        let now_ms = unix_ms();
        let path = req.uri().path();
        if path == "/robots.txt" {
            return respond(StatusCode::OK, "text/plain", "User-agent: *\nAllow: /\n".into());
        }
        if let Some(feed) = path.strip_prefix("/feed/").and_then(|f| f.strip_suffix(".xml")?.parse::<usize>().ok())
            && feed < self.config.feeds
        {
            return self.feed(feed, req.headers(), now_ms);
        }
        if let Some((feed, n)) = parse_article_path(path)
            && self.item_index(feed, n).is_some()
            && n < self.published(feed, now_ms)
        {
            self.articles.fetch_add(1, Ordering::Relaxed);
            return respond(StatusCode::OK, "text/html; charset=utf-8", self.pages.page(feed, n));
        }
        respond(StatusCode::NOT_FOUND, "text/plain", "not found\n".into())
    }

    fn feed(&self, feed: usize, headers: &HeaderMap, now_ms: u64) -> Response<Body> {
        let (count, generation, changed_ms) = self.version(feed, now_ms);
        let etag = format!("\"f{feed}-{count}-{generation}\"");
        let last_modified = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(changed_ms));
        let header_text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        // RFC 9110: If-None-Match wins; If-Modified-Since counts only without it.
        let unchanged = match (header_text(header::IF_NONE_MATCH), header_text(header::IF_MODIFIED_SINCE)) {
            (Some(tag), _) => tag == etag,
            (None, Some(since)) => httpdate::parse_http_date(since)
                .is_ok_and(|since| since >= UNIX_EPOCH + Duration::from_secs(changed_ms / 1000)),
            (None, None) => false,
        };
        if unchanged {
            self.feeds_not_modified.fetch_add(1, Ordering::Relaxed);
            return Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::ETAG, etag)
                .header(header::LAST_MODIFIED, last_modified)
                .body(Body::empty())
                .expect("response");
        }
        self.feeds_ok.fetch_add(1, Ordering::Relaxed);
        let newest_first = (count.saturating_sub(self.config.window)..count).rev();
        let mut items = String::new();
        for n in newest_first {
            if let Some(i) = self.item_index(feed, n) {
                let _ = self.first_listed_ms[i].compare_exchange(0, now_ms, Ordering::Relaxed, Ordering::Relaxed);
            }
            let published = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(self.published_ms(feed, n)));
            items.push_str(&format!(
                "<item><title>Dispatch {feed}-{n}</title><link>/a/{feed}/{n}.html</link>\
                 <guid isPermaLink=\"false\">bench-{feed}-{n}</guid><pubDate>{published}</pubDate></item>\n"
            ));
        }
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Bench feed {feed}</title>\
             <link>/</link><description>talkwire scale bench</description>\
             <lastBuildDate>{last_modified}</lastBuildDate>\n{items}</channel></rss>"
        );
        Response::builder()
            .header(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")
            .header(header::ETAG, etag)
            .header(header::LAST_MODIFIED, last_modified)
            .body(Body::from(body))
            .expect("response")
    }
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("response")
}

/// Article pages: the on-topic fixture articles' page around a story body recombined from all
/// their paragraphs, behind a lead of its own, so that every article has different text (exact
/// duplicates would be dropped, not published) and most are not near-duplicates either.
pub struct ArticlePages {
    /// (page up to the story body, page from the end of the story body)
    frames: Vec<(String, String)>,
    paragraphs: Vec<String>,
}

const BODY_START: &str = "<div class=\"story-body\">";
const PARAGRAPHS_PER_ARTICLE: usize = 8;
const LEAD_WORDS: &[&str] = &[
    "envoy",
    "delegation",
    "uranium",
    "inspectors",
    "Muscat",
    "Vienna",
    "sanctions",
    "proposal",
    "centrifuges",
    "Fordow",
    "Natanz",
    "ministers",
    "technical",
    "guarantees",
    "verification",
    "stockpile",
    "timeline",
    "Oman",
];

impl ArticlePages {
    pub fn load(dir: &Path) -> Self {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture articles")
            .map(|e| e.expect("fixture entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .filter(|p| !p.to_string_lossy().contains("futsal")) // the one off-topic fixture
            .collect();
        names.sort();
        let (mut frames, mut paragraphs) = (Vec::new(), Vec::new());
        for name in names {
            let page = std::fs::read_to_string(&name).expect("fixture article");
            let start = page.find(BODY_START).expect("story body") + BODY_START.len();
            let end = start + page[start..].find("</div>").expect("end of story body");
            let mut rest = &page[start..end];
            while let Some(open) = rest.find("<p>") {
                let close = open + rest[open..].find("</p>").expect("closed paragraph") + "</p>".len();
                paragraphs.push(rest[open..close].to_string());
                rest = &rest[close..];
            }
            frames.push((page[..start].to_string(), page[end..].to_string()));
        }
        Self { frames, paragraphs }
    }

    pub fn page(&self, feed: usize, n: usize) -> String {
        let mut random = SplitMix((feed as u64) << 32 | n as u64);
        let (head, tail) = &self.frames[(feed + n) % self.frames.len()];
        let words: Vec<&str> = (0..12).map(|_| LEAD_WORDS[random.below(LEAD_WORDS.len())]).collect();
        let mut body = format!(
            "\n<p>Dispatch {feed}-{n}: correspondents following the file reported new movement on {}, according \
             to officials who spoke on condition of anonymity.</p>\n",
            words.join(" ")
        );
        // A partial Fisher-Yates shuffle: distinct paragraphs in a random order.
        let mut order: Vec<usize> = (0..self.paragraphs.len()).collect();
        for i in 0..PARAGRAPHS_PER_ARTICLE.min(order.len()) {
            let j = i + random.below(order.len() - i);
            order.swap(i, j);
            body.push_str(&self.paragraphs[order[i]]);
            body.push('\n');
        }
        format!("{head}{body}{tail}")
    }
}

/// splitmix64: a tiny deterministic generator, so every run serves the same articles.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % bound as u64) as usize
    }
}
