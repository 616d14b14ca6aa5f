//! The Kafka sink: an idempotent rdkafka producer whose delivery reports resolve tickets.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureRecord, Producer as _};
use tokio::time::Instant;
use tokio_util::task::TaskTracker;

use super::dead_letter::{DeadLetter, DeadLetters, is_permanent};
use crate::config::KafkaConfig;
use crate::delivery::Ticket;
use crate::kafka::{ClientLog, Producer, producer_config};
use crate::record::{Record, SCHEMA_VERSION};
use crate::telemetry::LogLimiter;

/// Failed deliveries are logged once per this window (an outage fails them by the hundred).
const DELIVERY_LOG_WINDOW: Duration = Duration::from_secs(60);

/// How long to wait before retrying when librdkafka's queue is full.
const QUEUE_FULL_PAUSE: Duration = Duration::from_millis(20);

/// Why a record could not be handed to the sink.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The producer could not be created.
    #[error("cannot create Kafka producer for {brokers}: {source}")]
    Create {
        /// Bootstrap servers.
        brokers: String,
        /// Why.
        #[source]
        source: KafkaError,
    },
    /// The record could not be serialised.
    #[error("cannot encode record: {0}")]
    Encode(String),
    /// librdkafka refused the record outright (e.g. larger than message.max.bytes).
    #[error("Kafka refused record {id}: {source}")]
    Refused {
        /// Record id.
        id: String,
        /// Why.
        #[source]
        source: KafkaError,
    },
    /// Writing to stdout failed.
    #[error("cannot write to stdout: {0}")]
    Stdout(String),
}

/// Publishes records to one topic with key = record id and the schema headers.
pub struct KafkaSink {
    producer: Producer,
    topic: String,
    dead_letters: DeadLetters,
    deliveries: TaskTracker,
}

static DELIVERY_LOG_LIMITER: LazyLock<LogLimiter> = LazyLock::new(|| LogLimiter::new(DELIVERY_LOG_WINDOW));

/// The dead letter of a record the broker rejected.
fn rejected(record: &Record) -> DeadLetter {
    DeadLetter {
        id: record.id.clone(),
        url: record.url.clone(),
        source: record.source.url.clone(),
        stage: "sink",
        reason: "record_rejected",
        error: String::new(),
    }
}

/// The dead letter of a record refused before it left (larger than `message.max.bytes`).
fn too_large(record: &Record, error: &KafkaError) -> DeadLetter {
    DeadLetter { reason: "record_too_large", error: error.to_string(), ..rejected(record) }
}

impl KafkaSink {
    /// Create the producer (no connection is made until the first record).
    pub fn new(config: &KafkaConfig) -> Result<Self, SinkError> {
        let producer: Producer = producer_config(config)
            .create_with_context(ClientLog)
            .map_err(|source| SinkError::Create { brokers: config.brokers.clone(), source })?;
        let dead_letter_topic = Some(config.dead_letter_topic.clone()).filter(|t| !t.is_empty());
        Ok(Self {
            dead_letters: DeadLetters::new(producer.clone(), dead_letter_topic),
            producer,
            topic: config.topic.clone(),
            deliveries: TaskTracker::new(),
        })
    }

    /// Report the broker's reachability to `readiness` every few seconds until `stop`.
    pub fn watch_broker(&self, readiness: Arc<crate::telemetry::Readiness>, stop: tokio_util::sync::CancellationToken) {
        crate::kafka::watch_broker(self.producer.clone(), readiness, stop);
    }

    /// Enqueue a record; its ticket resolves on the broker's delivery report.
    /// A full producer queue is backpressure: wait and retry, never drop.
    pub async fn send(&mut self, record: &Record, ticket: Ticket) -> Result<(), SinkError> {
        let payload = serde_json::to_vec(record).map_err(|e| SinkError::Encode(e.to_string()))?;
        let version = SCHEMA_VERSION.to_string();
        let headers = OwnedHeaders::new()
            .insert(Header { key: "schema_version", value: Some(version.as_str()) })
            .insert(Header { key: "content-type", value: Some("application/json") });
        let mut message = FutureRecord::to(&self.topic).key(record.id.as_str()).payload(&payload).headers(headers);
        let delivery = loop {
            match self.producer.send_result(message) {
                Ok(delivery) => break delivery,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                    message = returned;
                    tokio::time::sleep(QUEUE_FULL_PAUSE).await;
                }
                Err((source, _)) if is_permanent(&source) => {
                    self.dead_letter(too_large(record, &source), ticket);
                    return Ok(());
                }
                Err((source, _)) => {
                    metrics::counter!("talkwire_delivery_failures_total").increment(1);
                    return Err(SinkError::Refused { id: record.id.clone(), source });
                }
            }
        };
        let (id, url) = (record.id.clone(), record.url.clone());
        let (dead_letters, letter_if_rejected) = (self.dead_letters.clone(), rejected(record));
        let enqueued = std::time::Instant::now();
        self.deliveries.spawn(async move {
            let outcome = delivery.await;
            metrics::histogram!("talkwire_kafka_delivery_seconds").record(enqueued.elapsed().as_secs_f64());
            match outcome {
                Ok(Ok(report)) => {
                    tracing::debug!(%url, %id, partition = report.partition, offset = report.offset, "delivered");
                    metrics::counter!("talkwire_records_delivered_total").increment(1);
                    ticket.delivered();
                }
                Ok(Err((error, _))) if is_permanent(&error) => {
                    let letter = DeadLetter { error: error.to_string(), ..letter_if_rejected };
                    dead_letters.send(letter, ticket).await;
                }
                Ok(Err((error, _))) => {
                    metrics::counter!("talkwire_delivery_failures_total").increment(1);
                    if let Some(suppressed) = DELIVERY_LOG_LIMITER.check("not delivered") {
                        tracing::error!(%url, %id, %error, suppressed, "not delivered; it will be fetched again");
                    }
                    ticket.failed();
                }
                Err(_canceled) => {
                    metrics::counter!("talkwire_delivery_failures_total").increment(1);
                    tracing::debug!(%url, %id, "producer closed before the delivery report; it will be fetched again");
                    ticket.failed();
                }
            }
        });
        Ok(())
    }

    /// Send `letter` to the dead-letter topic; its ticket resolves on that delivery.
    pub fn dead_letter(&mut self, letter: DeadLetter, ticket: Ticket) {
        let dead_letters = self.dead_letters.clone();
        self.deliveries.spawn(async move { dead_letters.send(letter, ticket).await });
    }

    /// Flush the producer and wait for every delivery report, until `deadline` at the latest.
    /// Returns whether every report arrived; what is still unreported stays owed.
    pub async fn flush(&mut self, deadline: Instant) -> bool {
        let producer = self.producer.clone();
        let timeout = deadline.saturating_duration_since(Instant::now());
        let flushed = tokio::task::spawn_blocking(move || producer.flush(timeout)).await;
        if let Ok(Err(e)) = flushed {
            tracing::warn!(error = %e, "Kafka flush did not complete");
        }
        self.deliveries.close();
        tokio::time::timeout_at(deadline, self.deliveries.wait()).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::{PollHandle, Unacknowledged};
    use crate::state::{Commit, Cursor};
    use rdkafka::ClientConfig;
    use rdkafka::consumer::{Consumer, StreamConsumer};
    use rdkafka::message::{Headers, Message};
    use rdkafka::mocking::MockCluster;

    fn record(id: &str) -> Record {
        let mut r = crate::enrich::enrich_saved(
            &crate::enrich::Stages::new(&crate::config::Config::default()).unwrap(),
            b"Iran and the United States held nuclear talks.",
            "x.txt",
            None,
            crate::enrich::InputFormat::Text,
        );
        r.id = id.into();
        r
    }

    /// Managed Kafka services want TLS and SASL: librdkafka must be built with them (the `ssl`
    /// feature), or the producer refuses the settings the config file documents.
    #[test]
    fn tls_and_sasl_settings_are_accepted() {
        let properties = [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanisms", "SCRAM-SHA-512"),
            ("sasl.username", "talkwire"),
            ("sasl.password", "secret"),
        ];
        let config = KafkaConfig {
            brokers: "127.0.0.1:1".into(),
            properties: properties.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        };
        if let Err(e) = KafkaSink::new(&config) {
            panic!("{e}");
        }
    }

    /// librdkafka's in-process mock cluster: fast, for the sink's own logic only.
    #[tokio::test]
    async fn records_carry_key_and_headers_and_resolve_tickets_on_delivery() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic("t", 1, 1).unwrap();
        let config = KafkaConfig {
            brokers: cluster.bootstrap_servers(),
            topic: "t".into(),
            message_timeout_ms: 10_000,
            ..Default::default()
        };
        let mut sink = KafkaSink::new(&config).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let cursor = Commit::Cursor { source: "s".into(), cursor: Cursor::default() };
        let poll = PollHandle::new(Some(cursor.clone()), tx);
        for id in ["a", "b"] {
            let mut ticket = poll.ticket();
            ticket.add_commit(Commit::SeenUrl { url_id: id.into() });
            sink.send(&record(id), ticket).await.unwrap();
        }
        drop(poll);
        sink.flush(Instant::now() + Duration::from_secs(10)).await;
        let mut commits = Vec::new();
        while let Ok(batch) = rx.try_recv() {
            commits.extend(batch.commits);
        }
        assert_eq!(commits.len(), 3, "{commits:?}");
        assert_eq!(commits.last(), Some(&cursor));

        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", cluster.bootstrap_servers())
            .set("group.id", "g")
            .set("auto.offset.reset", "earliest")
            .create()
            .unwrap();
        consumer.subscribe(&["t"]).unwrap();
        let m = tokio::time::timeout(Duration::from_secs(20), consumer.recv()).await.unwrap().unwrap();
        assert_eq!(m.key(), Some(&b"a"[..]));
        let headers = m.headers().unwrap();
        let pairs: Vec<(String, String)> = headers
            .iter()
            .map(|h| (h.key.to_string(), String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned()))
            .collect();
        assert!(pairs.contains(&("schema_version".into(), "1".into())), "{pairs:?}");
        assert!(pairs.contains(&("content-type".into(), "application/json".into())), "{pairs:?}");
    }

    #[tokio::test]
    async fn an_undeliverable_record_fails_its_ticket() {
        // Nothing listens on port 9: the record times out and nothing is committed.
        let config = KafkaConfig { brokers: "127.0.0.1:9".into(), message_timeout_ms: 500, ..Default::default() };
        let mut sink = KafkaSink::new(&config).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let poll = PollHandle::new(Some(Commit::Cursor { source: "s".into(), cursor: Cursor::default() }), tx);
        let mut ticket = poll.ticket();
        ticket.add_commit(Commit::SeenUrl { url_id: "a".into() });
        let owed = Unacknowledged::default();
        owed.track("a", &mut ticket);
        drop(poll);
        sink.send(&record("a"), ticket).await.unwrap();
        sink.flush(Instant::now() + Duration::from_secs(10)).await;
        assert!(rx.try_recv().is_err());
        assert_eq!(owed.count(), 1, "the record is still owed");
    }
}
