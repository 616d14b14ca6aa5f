//! Kafka client settings and the client's own logging, shared by the sink and the cluster.
//!
//! librdkafka reports a broker outage from its log callback and its error callback alike, every
//! few hundred milliseconds. Left to rdkafka's defaults that is two identical lines twice a
//! second, carrying the build host's file paths. Here the client's warnings and errors share one
//! rate limit (a line a minute, with how many were held back), and reachability is reported once
//! when the broker goes away and once when it is back, with the outage's length.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, Producer as _};

use crate::config::KafkaConfig;
use crate::telemetry::{LogLimiter, Readiness};

/// How often the broker's reachability is checked for `/ready`.
const PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// The client's warnings and errors are logged at most once per this window.
const CLIENT_LOG_WINDOW: Duration = Duration::from_secs(60);

/// Every talkwire producer: rdkafka's future producer with talkwire's client logging.
pub type Producer = FutureProducer<ClientLog>;

/// The producer settings talkwire insists on, then the user's extra properties (which
/// `config` has already checked do not weaken idempotence or `acks=all`).
pub fn producer_config(config: &KafkaConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("enable.idempotence", "true")
        .set("acks", "all")
        .set("compression.type", &config.compression)
        .set("message.timeout.ms", config.message_timeout_ms.to_string())
        .set("linger.ms", "20")
        .set("client.id", format!("talkwire-{}", env!("CARGO_PKG_VERSION")));
    set_brokers_and_properties(&mut c, config);
    c
}

/// Settings every talkwire Kafka client shares: the brokers and the user's extra properties
/// (security settings above all). Producer-only properties are ignored by consumers.
pub fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    set_brokers_and_properties(&mut c, config);
    c
}

/// The brokers and `[kafka.properties]`, set last so the user's properties win over defaults.
fn set_brokers_and_properties(c: &mut ClientConfig, config: &KafkaConfig) {
    c.set("bootstrap.servers", &config.brokers);
    for (k, v) in &config.properties {
        c.set(k, v);
    }
}

/// A client context whose log and error callbacks go through [`client_log`] and [`client_error`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientLog;

impl ClientContext for ClientLog {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        client_log(level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        client_error(error, reason);
    }
}

impl ConsumerContext for ClientLog {}

/// One limiter for every client in the process: an outage is one story, whichever client tells it.
static CLIENT_LOG_LIMITER: LazyLock<LogLimiter> = LazyLock::new(|| LogLimiter::new(CLIENT_LOG_WINDOW));

/// Log a librdkafka log line: notices and below at DEBUG, warnings and errors rate-limited.
pub fn client_log(level: RDKafkaLogLevel, fac: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Debug | RDKafkaLogLevel::Info | RDKafkaLogLevel::Notice => {
            tracing::debug!(fac, detail = message, "kafka client")
        }
        RDKafkaLogLevel::Warning => {
            if let Some(suppressed) = CLIENT_LOG_LIMITER.check("client") {
                tracing::warn!(fac, detail = message, suppressed, "kafka client");
            }
        }
        _ => {
            if let Some(suppressed) = CLIENT_LOG_LIMITER.check("client") {
                tracing::error!(fac, detail = message, suppressed, "kafka client");
            }
        }
    }
}

/// Log a librdkafka error callback: a fatal error always, anything else rate-limited.
pub fn client_error(error: KafkaError, reason: &str) {
    if error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal) {
        tracing::error!(%error, reason, "kafka client fatal error");
    } else if let Some(suppressed) = CLIENT_LOG_LIMITER.check("client") {
        tracing::error!(%error, reason, suppressed, "kafka client");
    }
}

/// Report whether `producer`'s brokers answer to `readiness` every few seconds until `stop`, and
/// log the start and the end of each outage.
pub fn watch_broker(producer: Producer, readiness: Arc<Readiness>, stop: tokio_util::sync::CancellationToken) {
    tokio::spawn(async move {
        let mut outage = Outage::default();
        loop {
            let probe = producer.clone();
            // A metadata request is the cheapest round trip that proves a broker answers.
            let reachable = tokio::task::spawn_blocking(move || {
                probe.client().fetch_metadata(None, Duration::from_secs(5)).is_ok()
            })
            .await
            .unwrap_or(false);
            readiness.set_sink_reachable(reachable);
            outage.observe(reachable, Instant::now());
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(PROBE_INTERVAL) => {}
            }
        }
    });
}

/// Turns reachability probes into one line when an outage starts and one when it ends.
#[derive(Debug, Default)]
struct Outage {
    since: Option<Instant>,
}

/// What a probe changed.
#[derive(Debug, PartialEq, Eq)]
enum Transition {
    Unchanged,
    Began,
    Ended(Duration),
}

impl Outage {
    fn observe(&mut self, reachable: bool, now: Instant) -> Transition {
        let transition = match (self.since, reachable) {
            (None, false) => {
                self.since = Some(now);
                Transition::Began
            }
            (Some(began), true) => {
                self.since = None;
                Transition::Ended(now.duration_since(began))
            }
            _ => Transition::Unchanged,
        };
        match &transition {
            Transition::Began => tracing::error!("Kafka broker unreachable; records wait in the producer queue"),
            Transition::Ended(length) => {
                tracing::info!(outage_secs = length.as_secs(), "Kafka broker reachable again")
            }
            Transition::Unchanged => {}
        }
        transition
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_reported_once_when_it_begins_and_once_when_it_ends() {
        let mut outage = Outage::default();
        let t0 = Instant::now();
        assert_eq!(outage.observe(true, t0), Transition::Unchanged);
        assert_eq!(outage.observe(false, t0), Transition::Began);
        for n in 1..6 {
            assert_eq!(outage.observe(false, t0 + Duration::from_secs(10 * n)), Transition::Unchanged);
        }
        assert_eq!(outage.observe(true, t0 + Duration::from_secs(61)), Transition::Ended(Duration::from_secs(61)));
        assert_eq!(outage.observe(true, t0 + Duration::from_secs(71)), Transition::Unchanged);
    }
}
