//! Polite fetching of feeds, pages and articles over HTTP, or from local files.
//!
//! Politeness lives here and nowhere else: robots.txt per origin
//! (texting_robots), a per-host concurrency cap and minimum delay (governor),
//! an honest User-Agent, timeouts, a body size cap, bounded redirects, and
//! conditional GETs from the validators of the last response.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::{self, HeaderMap};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::HttpConfig;
use crate::location::{LocationError, SourceLocation};

mod ssrf;

/// How long a robots.txt is trusted before it is fetched again.
const ROBOTS_TTL: Duration = Duration::from_secs(6 * 3600);
/// robots.txt files larger than this are cut (Google reads 500 KiB).
const ROBOTS_MAX_BYTES: usize = 512 * 1024;

/// Select rustls's ring backend once per process (reqwest is built without a default one).
pub fn install_crypto_provider() {
    // An error only means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The User-Agent talkwire sends: product, version and a contact URL.
pub fn user_agent(contact_url: &str) -> String {
    format!("talkwire/{} (+{contact_url})", env!("CARGO_PKG_VERSION"))
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address is not one talkwire can fetch (a scheme other than http(s) or file).
    #[error(transparent)]
    Location(#[from] LocationError),
    /// robots.txt forbids the URL for talkwire.
    #[error("disallowed by robots.txt")]
    Robots,
    /// The site's robots.txt could not be read (5xx or no answer): the site is left alone until it can.
    #[error("robots.txt unavailable ({reason}); site not fetched until it can be read")]
    RobotsUnavailable {
        /// Why robots.txt could not be read.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
        /// `Retry-After`, when the server sent one (429, 503).
        retry_after: Option<Duration>,
    },
    /// The body exceeded `http.max_body_bytes`.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// Connection, TLS, timeout, redirect or decoding failure.
    #[error("request failed: {0}")]
    Network(String),
    /// The target is loopback, private, link-local or otherwise not public (SSRF protection).
    #[error("refused: {0} (allow with --allow-private)")]
    NotPublic(String),
    /// A local file could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl FetchError {
    /// Server-requested wait before retrying, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A short, stable name of the failure, for log rate limiting and metrics.
    pub fn kind(&self) -> String {
        match self {
            FetchError::Location(_) => "location".into(),
            FetchError::Robots => "robots".into(),
            FetchError::RobotsUnavailable { .. } => "robots_unavailable".into(),
            FetchError::Status { status, .. } => format!("status_{status}"),
            FetchError::TooLarge { .. } => "too_large".into(),
            FetchError::Network(_) => "network".into(),
            FetchError::NotPublic(_) => "not_public".into(),
            FetchError::File { .. } => "file".into(),
        }
    }

    /// Whether trying again later may succeed (false for robots and 4xx other than 408/429).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Location(_) | FetchError::Robots | FetchError::TooLarge { .. } | FetchError::NotPublic(_) => {
                false
            }
            FetchError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            FetchError::Network(_) | FetchError::File { .. } | FetchError::RobotsUnavailable { .. } => true,
        }
    }
}

/// A response's validators, sent back on the next request to the same URL (a conditional GET).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether the server gave any validator.
    pub fn any(&self) -> bool {
        self.etag.is_some() || self.last_modified.is_some()
    }
}

/// What a response's headers said about when to ask again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HttpTiming {
    /// `Cache-Control: max-age` (`no-cache`/`no-store` count as zero).
    pub max_age: Option<Duration>,
    /// `Retry-After`.
    pub retry_after: Option<Duration>,
}

/// A fetched body and what the response said about it.
#[derive(Debug, Clone)]
pub struct Body {
    /// Raw bytes (decompressed by the transport, not decoded).
    pub bytes: Bytes,
    /// `Content-Type`, for the charset.
    pub content_type: Option<String>,
    /// URL after redirects (the file URL for local files).
    pub final_url: Url,
    /// Validators for the next conditional GET.
    pub validators: Validators,
    /// What the headers said about asking again.
    pub timing: HttpTiming,
    /// When the body was received.
    pub fetched_at: DateTime<Utc>,
}

/// Outcome of a successful fetch.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators sent.
    NotModified(HttpTiming),
    /// A new body.
    Body(Box<Body>),
}

/// One host's politeness gate.
struct HostGate {
    slots: Semaphore,
    pace: DefaultDirectRateLimiter,
}

/// What an origin's robots.txt says, as of `fetched`.
struct RobotsEntry {
    rules: RobotsRules,
    fetched: Instant,
}

/// An origin's robots.txt: its rules, none (everything allowed), or unreadable for now.
enum RobotsRules {
    Parsed(texting_robots::Robot),
    AllowAll,
    /// 5xx or no answer: the site is left alone; the reason goes into the error.
    Unavailable(String),
    /// The host resolves to a non-public address: every URL of the origin is refused.
    Refused(String),
}

/// An origin's robots.txt, fetched at most once at a time.
type RobotsSlot = Arc<tokio::sync::Mutex<Option<Arc<RobotsEntry>>>>;

/// The polite HTTP client. Cheap to share behind an `Arc`.
pub struct Fetcher {
    client: reqwest::Client,
    allow_private: bool,
    agent_token: String,
    config: HttpConfig,
    hosts: Mutex<HashMap<String, Arc<HostGate>>>,
    robots: Mutex<HashMap<String, RobotsSlot>>,
}

impl Fetcher {
    /// Build the client from `[http]` settings.
    /// `allow_private` lets requests reach loopback and private networks (SSRF protection off).
    pub fn new(config: &HttpConfig, allow_private: bool) -> Result<Self, FetchError> {
        install_crypto_provider();
        let max_redirects = config.max_redirects;
        // Every redirect hop is checked like the first request: scheme and IP literals here,
        // host names through the resolver below.
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else if let Err(e) = ssrf::check_url(attempt.url(), allow_private) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent(&config.contact_url))
            .connect_timeout(Duration::from_secs(config.connect_timeout_secs))
            .read_timeout(Duration::from_secs(config.read_timeout_secs))
            .timeout(Duration::from_secs(config.total_timeout_secs))
            .redirect(redirects);
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(ssrf::PublicOnlyResolver));
        }
        let client = builder.build().map_err(|e| FetchError::Network(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            client,
            allow_private,
            agent_token: "talkwire".into(),
            config: config.clone(),
            hosts: Mutex::new(HashMap::new()),
            robots: Mutex::new(HashMap::new()),
        })
    }

    /// Fetch `location`, conditionally when `validators` are given.
    pub async fn fetch(
        &self,
        location: &SourceLocation,
        validators: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        let fetched = match location {
            SourceLocation::File(path) => self.read_file(path).await,
            SourceLocation::Http(url) => self.fetch_http(url, validators).await,
        };
        if let Err(FetchError::NotPublic(_)) = &fetched {
            // Counted here, whichever way the refusal was reached, since its log lines are rate-limited.
            metrics::counter!("talkwire_fetch_refused_total").increment(1);
        }
        fetched
    }

    /// Fetch what a link found in a source points to.
    pub async fn fetch_url(&self, url: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        self.fetch(&SourceLocation::from_url(url)?, validators).await
    }

    async fn fetch_http(&self, url: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        ssrf::check_url(url, self.allow_private).map_err(FetchError::NotPublic)?;
        if self.config.respect_robots {
            self.robots_check(url).await?;
        }
        self.get(url, validators).await
    }

    async fn read_file(&self, path: &std::path::Path) -> Result<Fetched, FetchError> {
        let file_err = |source| FetchError::File { path: path.display().to_string(), source };
        let meta = tokio::fs::metadata(path).await.map_err(file_err)?;
        if meta.len() > self.config.max_body_bytes as u64 {
            return Err(FetchError::TooLarge { limit: self.config.max_body_bytes });
        }
        let bytes = tokio::fs::read(path).await.map_err(file_err)?;
        Ok(Fetched::Body(Box::new(Body {
            bytes: bytes.into(),
            content_type: None,
            final_url: SourceLocation::File(path.to_path_buf()).as_url(),
            validators: Validators::default(),
            timing: HttpTiming::default(),
            fetched_at: Utc::now(),
        })))
    }

    fn gate(&self, host: &str) -> Arc<HostGate> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                let period = Duration::from_millis(self.config.per_host_min_delay_ms.max(1));
                let quota = Quota::with_period(period).expect("non-zero period").allow_burst(NonZeroU32::MIN);
                Arc::new(HostGate {
                    slots: Semaphore::new(self.config.per_host_concurrency.max(1)),
                    pace: RateLimiter::direct(quota),
                })
            })
            .clone()
    }

    async fn get(&self, url: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let gate = self.gate(url.host_str().unwrap_or_default());
        let _slot = gate.slots.acquire().await.map_err(|_| FetchError::Network("host gate closed".into()))?;
        gate.pace.until_ready().await;

        let mut request = self.client.get(url.clone());
        if let Some(c) = validators {
            if let Some(etag) = &c.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &c.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let response = request.send().await.map_err(|e| {
            let chain = error_chain(&e);
            // The resolver and redirect policy report refusals as transport errors: keep them permanent.
            let (error, kind) = if chain.contains(ssrf::REFUSAL) {
                (FetchError::NotPublic(chain), "refused")
            } else {
                (FetchError::Network(chain), if e.is_timeout() { "timeout" } else { "network" })
            };
            metrics::counter!("talkwire_fetch_responses_total", "status" => kind).increment(1);
            error
        })?;
        let status = response.status();
        metrics::counter!("talkwire_fetch_responses_total", "status" => status.as_str().to_string()).increment(1);
        let headers = response.headers().clone();
        let timing = http_timing(&headers);
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified(timing));
        }
        if !status.is_success() {
            return Err(FetchError::Status { status: status.as_u16(), retry_after: timing.retry_after });
        }
        let final_url = response.url().clone();
        let bytes = read_capped(response, self.config.max_body_bytes).await?;
        let text_header =
            |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(Fetched::Body(Box::new(Body {
            bytes,
            content_type: text_header(header::CONTENT_TYPE),
            final_url,
            validators: Validators {
                etag: text_header(header::ETAG),
                last_modified: text_header(header::LAST_MODIFIED),
            },
            timing,
            fetched_at: Utc::now(),
        })))
    }

    /// Whether robots.txt of `url`'s origin lets talkwire fetch it.
    async fn robots_check(&self, url: &Url) -> Result<(), FetchError> {
        let origin = url.origin().ascii_serialization();
        // One lock per origin: a slow robots.txt holds up its own site only.
        let slot = self.robots.lock().unwrap_or_else(|p| p.into_inner()).entry(origin).or_default().clone();
        let mut cached = slot.lock().await;
        let entry = match cached.as_ref() {
            Some(e) if e.fetched.elapsed() < ROBOTS_TTL => e.clone(),
            _ => {
                let fresh = Arc::new(self.fetch_robots(url).await);
                *cached = Some(fresh.clone());
                fresh
            }
        };
        match &entry.rules {
            RobotsRules::AllowAll => Ok(()),
            RobotsRules::Parsed(robot) if robot.allowed(url.as_str()) => Ok(()),
            RobotsRules::Parsed(_) => Err(FetchError::Robots),
            RobotsRules::Unavailable(reason) => Err(FetchError::RobotsUnavailable { reason: reason.clone() }),
            RobotsRules::Refused(reason) => Err(FetchError::NotPublic(reason.clone())),
        }
    }

    /// Google's rules: 4xx means no restrictions; 5xx or no answer means stay away for now.
    async fn fetch_robots(&self, url: &Url) -> RobotsEntry {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let entry = |rules| RobotsEntry { rules, fetched: Instant::now() };
        match self.get(&robots_url, None).await {
            Ok(Fetched::Body(body)) => {
                let cut = &body.bytes[..body.bytes.len().min(ROBOTS_MAX_BYTES)];
                match texting_robots::Robot::new(&self.agent_token, cut) {
                    Ok(robot) => entry(RobotsRules::Parsed(robot)),
                    Err(_) => entry(RobotsRules::AllowAll),
                }
            }
            Ok(Fetched::NotModified(_)) => entry(RobotsRules::AllowAll),
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => entry(RobotsRules::AllowAll),
            Err(FetchError::TooLarge { .. }) => entry(RobotsRules::AllowAll),
            // The host resolves to a non-public address: the site's pages are refused for good.
            Err(FetchError::NotPublic(reason)) => entry(RobotsRules::Refused(reason)),
            Err(e) => {
                tracing::warn!(robots_url = %robots_url, error = %e, "robots.txt unavailable; not fetching from this site for now");
                // Asked again in a minute rather than after the full TTL.
                RobotsEntry {
                    rules: RobotsRules::Unavailable(e.to_string()),
                    fetched: Instant::now() - ROBOTS_TTL + Duration::from_secs(60),
                }
            }
        }
    }
}

fn http_timing(headers: &HeaderMap) -> HttpTiming {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    HttpTiming {
        max_age: get(header::CACHE_CONTROL).and_then(parse_max_age),
        retry_after: get(header::RETRY_AFTER).and_then(|v| parse_retry_after(v, SystemTime::now())),
    }
}

/// Parse `Retry-After`: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    httpdate::parse_http_date(value).ok().map(|at| at.duration_since(now).unwrap_or_default())
}

/// `max-age` of a `Cache-Control` header (`no-cache`/`no-store` count as zero).
pub fn parse_max_age(cache_control: &str) -> Option<Duration> {
    let mut max_age = None;
    for directive in cache_control.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            max_age = v.trim_matches('"').parse().ok().map(Duration::from_secs);
        }
    }
    max_age
}

/// Read a body, refusing it as soon as it passes `limit` bytes.
async fn read_capped(response: reqwest::Response, limit: usize) -> Result<Bytes, FetchError> {
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(FetchError::TooLarge { limit });
    }
    let mut stream = response.bytes_stream();
    // Sized once from Content-Length (within the cap) rather than grown chunk by chunk. With gzip
    // the announced length is the compressed one: a floor, still a good start.
    let mut out = BytesMut::with_capacity(announced.unwrap_or(0) as usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| FetchError::Network(error_chain(&e)))?;
        if out.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge { limit });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}

/// reqwest's Display hides the cause ("error sending request"): show the chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        let at = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(parse_retry_after(&at, now), Some(Duration::from_secs(90)));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_max_age("public, max-age=600"), Some(Duration::from_secs(600)));
        assert_eq!(parse_max_age("no-cache"), Some(Duration::ZERO));
        assert_eq!(parse_max_age("public"), None);
    }

    #[test]
    fn user_agent_names_version_and_contact() {
        let ua = user_agent("https://example.org/contact");
        assert!(ua.starts_with("talkwire/") && ua.ends_with("(+https://example.org/contact)"), "{ua}");
    }

    #[test]
    fn transient_errors_are_told_apart() {
        assert!(FetchError::Status { status: 503, retry_after: None }.is_transient());
        assert!(FetchError::Status { status: 429, retry_after: None }.is_transient());
        assert!(!FetchError::Status { status: 404, retry_after: None }.is_transient());
        assert!(!FetchError::Robots.is_transient());
    }

    #[tokio::test]
    async fn a_local_file_is_read_with_the_size_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        std::fs::write(&path, vec![b'x'; 2048]).unwrap();
        let mut config = HttpConfig::default();
        let fetcher = Fetcher::new(&config, false).unwrap();
        let got = fetcher.fetch(&SourceLocation::File(path.clone()), None).await.unwrap();
        assert!(matches!(got, Fetched::Body(b) if b.bytes.len() == 2048 && b.final_url.scheme() == "file"));
        config.max_body_bytes = 1024;
        let small = Fetcher::new(&config, false).unwrap();
        assert!(matches!(
            small.fetch(&SourceLocation::File(path), None).await,
            Err(FetchError::TooLarge { limit: 1024 })
        ));
    }
}

#[cfg(test)]
mod http_tests {
    //! The fetcher against a real local HTTP server.
    use super::*;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::IntoResponse;
    use axum::routing::get;

    async fn server() -> Url {
        let app = axum::Router::new()
            .route("/robots.txt", get(|| async { "User-agent: *\nDisallow: /private/\n" }))
            .route("/hop1", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/hop2")]) }))
            .route("/hop2", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/final")]) }))
            .route("/final", get(|| async { "arrived" }))
            .route("/loop", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }))
            .route("/to-file", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "file:///etc/passwd")]) }))
            .route("/busy", get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "120")]) }))
            .route("/private/x", get(|| async { "secret" }))
            .route(
                "/feed",
                get(|h: HeaderMap| async move {
                    if h.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
                        StatusCode::NOT_MODIFIED.into_response()
                    } else {
                        ([(header::ETAG, "\"v1\""), (header::CACHE_CONTROL, "max-age=900")], "<rss/>").into_response()
                    }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Url::parse(&format!("http://{addr}/")).unwrap()
    }

    fn fetcher(min_delay_ms: u64) -> Fetcher {
        let config = HttpConfig { per_host_min_delay_ms: min_delay_ms, max_redirects: 3, ..HttpConfig::default() };
        Fetcher::new(&config, true).unwrap()
    }

    async fn get_url(f: &Fetcher, base: &Url, path: &str, v: Option<&Validators>) -> Result<Fetched, FetchError> {
        f.fetch(&SourceLocation::Http(base.join(path).unwrap()), v).await
    }

    #[tokio::test]
    async fn redirects_are_followed_to_a_recorded_final_url_and_loops_are_cut() {
        let base = server().await;
        let f = fetcher(1);
        match get_url(&f, &base, "hop1", None).await.unwrap() {
            Fetched::Body(b) => assert_eq!(b.final_url.path(), "/final"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(get_url(&f, &base, "loop", None).await, Err(FetchError::Network(_))));
    }

    /// A name other than `localhost` that resolves to loopback here (the machine's own name,
    /// as /etc/hosts gives it, or one of the usual aliases).
    async fn loopback_name() -> String {
        let own = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string();
        for name in [own.as_str(), "localhost.", "localhost.localdomain", "ip6-localhost"] {
            let resolved: Vec<_> = match tokio::net::lookup_host((name, 80)).await {
                Ok(addrs) => addrs.collect(),
                Err(_) => continue,
            };
            if !name.is_empty() && !resolved.is_empty() && resolved.iter().all(|a| a.ip().is_loopback()) {
                return name.to_string();
            }
        }
        panic!("no host name other than `localhost` resolves to loopback on this machine; add one to /etc/hosts");
    }

    /// A name that passes the literal checks is refused after resolution, which happens first
    /// for robots.txt: that refusal is as permanent as any other, never "robots.txt
    /// unavailable, retry later".
    #[tokio::test]
    async fn a_host_name_resolving_to_loopback_is_refused_for_good_even_through_robots_txt() {
        let base = server().await;
        let f = Fetcher::new(&HttpConfig::default(), false).unwrap();
        let by_name = Url::parse(&format!("http://{}:{}/final", loopback_name().await, base.port().unwrap())).unwrap();
        for _ in 0..2 {
            let error = f.fetch(&SourceLocation::Http(by_name.clone()), None).await.unwrap_err();
            assert!(matches!(error, FetchError::NotPublic(_)), "{error:?}");
            assert!(!error.is_transient());
        }
    }

    #[tokio::test]
    async fn a_redirect_to_a_local_file_is_not_followed() {
        let base = server().await;
        // Even with private targets allowed, a hop to a non-http(s) scheme never reads the file.
        let got = get_url(&fetcher(1), &base, "to-file", None).await;
        assert!(matches!(got, Err(FetchError::NotPublic(_)) | Err(FetchError::Status { status: 302, .. })), "{got:?}");
    }

    #[tokio::test]
    async fn conditional_gets_retry_after_and_robots() {
        let base = server().await;
        let f = fetcher(1);
        let Fetched::Body(first) = get_url(&f, &base, "feed", None).await.unwrap() else { panic!("body expected") };
        assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
        assert_eq!(first.timing.max_age, Some(Duration::from_secs(900)));
        assert!(matches!(get_url(&f, &base, "feed", Some(&first.validators)).await.unwrap(), Fetched::NotModified(_)));
        let busy = get_url(&f, &base, "busy", None).await.unwrap_err();
        assert_eq!(busy.retry_after(), Some(Duration::from_secs(120)));
        assert!(busy.is_transient());
        assert!(matches!(get_url(&f, &base, "private/x", None).await, Err(FetchError::Robots)));
    }

    #[tokio::test]
    async fn an_unreadable_robots_txt_is_its_own_transient_error() {
        let app = axum::Router::new()
            .route("/robots.txt", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
            .route("/feed", get(|| async { "<rss/>" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let base = Url::parse(&format!("http://{addr}/")).unwrap();
        let err = get_url(&fetcher(1), &base, "feed", None).await.unwrap_err();
        assert!(matches!(err, FetchError::RobotsUnavailable { .. }), "{err:?}");
        assert!(err.is_transient());
        assert_eq!(err.kind(), "robots_unavailable");
        assert!(err.to_string().contains("HTTP status 503"), "{err}");
    }

    #[tokio::test]
    async fn requests_to_one_host_keep_the_minimum_delay() {
        let base = server().await;
        let f = fetcher(150);
        let started = Instant::now();
        for _ in 0..4 {
            get_url(&f, &base, "final", None).await.unwrap();
        }
        // robots.txt + 4 pages = 5 requests, so at least 4 gaps of 150 ms.
        assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());
    }
}
