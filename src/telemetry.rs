//! Logs, metrics and health: what operators see.
//!
//! Logs are JSON lines on stderr (text on request); metrics are Prometheus
//! text on `/metrics`; `/health` answers while the process lives and
//! `/ready` answers 200 only while the daemon accepts work: 503 while the sink
//! (the Kafka broker) is unreachable and once draining has begun.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
pub fn init_logging(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
        LogFormat::Text => builder.try_init(),
    };
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
