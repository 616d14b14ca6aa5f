//! Logs, metrics and health: what operators see.
//!
//! Logs are JSON lines on stderr (text on request); metrics are Prometheus
//! text on `/metrics`; `/health` answers while the process lives and
//! `/ready` answers 200 only while the daemon accepts work: 503 while the sink
//! (the Kafka broker) is unreachable and once draining has begun.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Install the global tracing subscriber. `RUST_LOG` wins over `level`.
///
/// A bare level (`info`, `debug`) applies to talkwire's own events; libraries speak only at
/// ERROR, because their warnings (an HTML parser's notes on malformed tables) are nothing an
/// operator can act on. A full filter (`info,html5ever=debug`) is taken as written.
/// Colour only on a terminal, and never with `NO_COLOR` set.
pub fn init_logging(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter_directives(level)))
        .unwrap_or_else(|_| EnvFilter::new("error,talkwire=info"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(|| RedactingStderr).with_ansi(colour);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The filter for `level`: a bare level is talkwire's, libraries stay at ERROR.
fn filter_directives(level: &str) -> String {
    let bare = !level.contains(['=', ',']);
    if bare { format!("error,talkwire={level}") } else { level.to_string() }
}

/// stderr, with the userinfo of every URL masked: a source or link written as
/// `https://user:secret@host/` must not put its password into the log.
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The formatter hands over one whole event per call.
        let line = redact_credentials_bytes(buf);
        std::io::stderr().write_all(&line)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// `scheme://` followed by userinfo (anything up to an `@` before the host's end).
static URL_USERINFO: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s"'<>@]+@"#).expect("valid pattern")
});

fn redact_credentials_bytes(text: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr::memchr(b'@', text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    URL_USERINFO.replace_all(text, &b"${1}***@"[..])
}

/// `text` with the userinfo of every URL in it replaced by `***`.
pub fn redact_credentials(text: &str) -> String {
    String::from_utf8_lossy(&redact_credentials_bytes(text.as_bytes())).into_owned()
}

/// Install the Prometheus recorder and keep its histograms bounded.
pub fn init_metrics() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new().install_recorder().ok()?;
    let upkeep = handle.clone();
    tokio::spawn(async move {
        // Without upkeep the exporter's histogram buffers grow without bound.
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    Some(handle)
}

/// Lets one log line per key through per window and counts what it holds back,
/// so a storm of identical errors from one source costs one line a minute.
pub struct LogLimiter {
    window: std::time::Duration,
    seen: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u64)>>,
}

/// Keys remembered at most; beyond this the memory is reset rather than grown.
const LOG_LIMITER_KEYS: usize = 10_000;

impl LogLimiter {
    /// One line per key per `window`.
    pub fn new(window: std::time::Duration) -> Self {
        Self { window, seen: Default::default() }
    }

    /// `Some(suppressed)` when a line for `key` may be logged now (with how many were
    /// held back since the last one), `None` when it must be dropped.
    pub fn check(&self, key: &str) -> Option<u64> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= LOG_LIMITER_KEYS && !seen.contains_key(key) {
            seen.clear();
        }
        let now = std::time::Instant::now();
        match seen.get_mut(key) {
            Some((last, held)) if now.duration_since(*last) < self.window => {
                *held += 1;
                None
            }
            Some((last, held)) => {
                let suppressed = *held;
                (*last, *held) = (now, 0);
                Some(suppressed)
            }
            None => {
                seen.insert(key.to_string(), (now, 0));
                Some(0)
            }
        }
    }

    /// Log how many lines each key held back since its last line, and forget them: called
    /// when the limiter's owner stops, so a run that ends inside a window still tells.
    pub fn report_suppressed(&self, what: &'static str) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        for (key, (_, held)) in seen.iter_mut().filter(|(_, (_, held))| *held > 0) {
            tracing::warn!(what, key = %key, suppressed = *held, "repeated log lines held back");
            *held = 0;
        }
    }
}

/// What `/ready` reports: ready unless draining or the sink is unreachable.
#[derive(Debug, Default)]
pub struct Readiness {
    draining: AtomicBool,
    sink_unreachable: AtomicBool,
}

impl Readiness {
    /// Whether the daemon accepts work.
    pub fn is_ready(&self) -> bool {
        !self.draining.load(Ordering::Acquire) && !self.sink_unreachable.load(Ordering::Acquire)
    }

    /// Draining has begun: not ready any more.
    pub fn set_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// The sink's broker answered (true) or did not (false).
    pub fn set_sink_reachable(&self, reachable: bool) {
        self.sink_unreachable.store(!reachable, Ordering::Release);
        metrics::gauge!("talkwire_sink_reachable").set(if reachable { 1.0 } else { 0.0 });
    }
}

#[derive(Clone)]
struct Endpoints {
    metrics: Option<PrometheusHandle>,
    ready: Arc<Readiness>,
}

/// The health/metrics router.
pub fn router(metrics: Option<PrometheusHandle>, ready: Arc<Readiness>) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok\n" }))
        .route(
            "/ready",
            get(|State(e): State<Endpoints>| async move {
                if e.ready.is_ready() {
                    (StatusCode::OK, "ready\n")
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
                }
            }),
        )
        .route(
            "/metrics",
            get(|State(e): State<Endpoints>| async move { e.metrics.map(|h| h.render()).unwrap_or_default() }),
        )
        .with_state(Endpoints { metrics, ready })
}

/// Serve `/health`, `/ready` and `/metrics` on `addr` until `stop` fires.
pub async fn serve(addr: SocketAddr, router: Router, stop: CancellationToken) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving /health, /ready and /metrics");
    axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_errors_are_logged_once_per_window_with_a_count() {
        let limiter = LogLimiter::new(Duration::from_millis(50));
        assert_eq!(limiter.check("src:timeout"), Some(0));
        assert_eq!(limiter.check("src:timeout"), None);
        assert_eq!(limiter.check("src:timeout"), None);
        assert_eq!(limiter.check("other:timeout"), Some(0), "keys are independent");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(limiter.check("src:timeout"), Some(2), "the next line says how many were held back");
    }

    #[test]
    fn held_back_lines_are_reported_once_at_the_end() {
        let limiter = LogLimiter::new(Duration::from_secs(60));
        for _ in 0..20 {
            limiter.check("feed refused");
        }
        limiter.report_suppressed("fetch");
        assert_eq!(limiter.seen.lock().unwrap()["feed refused"].1, 0, "counted once, then reset");
    }

    #[test]
    fn credentials_in_urls_are_masked_wherever_they_stand() {
        assert_eq!(
            redact_credentials(r#"{"url":"http://user:pass@example.com/a","source":"https://tok@feeds.example/rss"}"#),
            r#"{"url":"http://***@example.com/a","source":"https://***@feeds.example/rss"}"#
        );
        assert_eq!(
            redact_credentials("mail me at a@b.example, see https://example.com/@user"),
            "mail me at a@b.example, see https://example.com/@user"
        );
    }

    #[test]
    fn a_bare_level_is_talkwires_and_libraries_speak_only_at_error() {
        assert_eq!(filter_directives("debug"), "error,talkwire=debug");
        assert_eq!(filter_directives("info,html5ever=warn"), "info,html5ever=warn");
    }

    #[tokio::test]
    async fn readiness_follows_the_flag() {
        let ready = Arc::new(Readiness::default());
        let stop = CancellationToken::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let server = tokio::spawn(serve(addr, router(None, ready.clone()), stop.clone()));
        crate::fetch::install_crypto_provider();
        let client = reqwest::Client::new();
        let get = |path: &str| client.get(format!("http://{addr}{path}")).send();
        let mut answered = None;
        for _ in 0..50 {
            if let Ok(r) = get("/ready").await {
                answered = Some(r.status());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(answered, Some(reqwest::StatusCode::OK));
        ready.set_sink_reachable(false);
        assert_eq!(get("/ready").await.unwrap().status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
        ready.set_sink_reachable(true);
        assert_eq!(get("/ready").await.unwrap().status(), reqwest::StatusCode::OK);
        ready.set_draining();
        assert_eq!(get("/ready").await.unwrap().status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(get("/health").await.unwrap().status(), reqwest::StatusCode::OK);
        stop.cancel();
        server.await.unwrap().unwrap();
    }
}
