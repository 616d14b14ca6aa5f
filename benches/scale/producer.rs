//! Producer efficiency: records/s into the local broker through talkwire's Kafka sink vs a bare
//! rdkafka `FutureProducer` with the same settings (`producer_config`: acks=all, idempotence, zstd,
//! linger.ms=20), the same keys, headers and records, in the same run.
//!
//! Both sides serialise each `Record` to JSON while sending (the sink has to), and both time from
//! the first send to the last delivery report. The sink also does what the daemon does around each
//! record: a delivery ticket, a task awaiting the report, metrics (a Prometheus recorder is
//! installed, as in the daemon).

use std::path::Path;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use talkwire::config::{Config, KafkaConfig};
use talkwire::delivery::{PollHandle, Unacknowledged};
use talkwire::enrich::{InputFormat, Stages, enrich_saved};
use talkwire::kafka::producer_config;
use talkwire::record::{Record, SCHEMA_VERSION};
use talkwire::sink::KafkaSink;

use crate::broker;
use crate::site::ArticlePages;

/// Distinct enriched articles the records are made from.
const DISTINCT_ARTICLES: usize = 50;

pub struct ProducerEfficiency {
    pub records: usize,
    pub mean_payload_bytes: usize,
    pub sink_per_second: f64,
    pub bare_per_second: f64,
}

impl ProducerEfficiency {
    pub fn ratio(&self) -> f64 {
        self.sink_per_second / self.bare_per_second
    }
}

pub fn run(
    rt: &tokio::runtime::Runtime,
    brokers: &str,
    fixtures: &Path,
    count: usize,
    rounds: usize,
) -> ProducerEfficiency {
    let records = enriched_records(fixtures, count);
    let mean_payload_bytes =
        records.iter().take(DISTINCT_ARTICLES).map(|r| serde_json::to_vec(r).expect("JSON").len()).sum::<usize>()
            / DISTINCT_ARTICLES.min(records.len());
    println!(
        "producer: {count} enriched records (mean {:.1} KB of JSON), best of {rounds} alternating rounds per side",
        mean_payload_bytes as f64 / 1024.0
    );
    rt.block_on(async {
        let _recorder = talkwire::telemetry::init_metrics();
        let (mut sink_best, mut bare_best) = (0.0f64, 0.0f64);
        for round in 1..=rounds {
            let bare = records_per_second(count, bare_producer(brokers, &records).await);
            let sink = records_per_second(count, talkwire_sink(brokers, &records).await);
            println!(
                "producer: round {round}: talkwire sink {sink:.0} records/s, bare FutureProducer {bare:.0} records/s"
            );
            sink_best = sink_best.max(sink);
            bare_best = bare_best.max(bare);
        }
        ProducerEfficiency {
            records: count,
            mean_payload_bytes,
            sink_per_second: sink_best,
            bare_per_second: bare_best,
        }
    })
}

fn records_per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

/// `count` records made from the bench site's articles, each with an id and URL of its own.
fn enriched_records(fixtures: &Path, count: usize) -> Vec<Record> {
    let stages = Stages::new(&Config::default()).expect("stages");
    let pages = ArticlePages::load(fixtures);
    let distinct: Vec<Record> = (0..DISTINCT_ARTICLES)
        .map(|n| {
            let url = url::Url::parse(&format!("https://news.example/a/0/{n}.html")).expect("url");
            enrich_saved(&stages, pages.page(0, n).as_bytes(), "", Some(&url), InputFormat::Html)
        })
        .collect();
    (0..count)
        .map(|i| {
            let mut record = distinct[i % distinct.len()].clone();
            record.id = format!("{i:016x}");
            record.url = format!("https://news.example/a/{i}.html");
            record
        })
        .collect()
}

fn kafka_config(brokers: &str, topic: &str) -> KafkaConfig {
    KafkaConfig { brokers: brokers.into(), topic: topic.into(), dead_letter_topic: String::new(), ..Default::default() }
}

async fn talkwire_sink(brokers: &str, records: &[Record]) -> Duration {
    let topic = broker::fresh_topic("producer-sink");
    broker::create_topic(brokers, &topic, false).await;
    let mut sink = KafkaSink::new(&kafka_config(brokers, &topic)).expect("sink");
    // Delivered tickets send their commits here, as they would to the daemon's committer.
    let (commits, mut committed) = tokio::sync::mpsc::unbounded_channel();
    let drain = tokio::spawn(async move { while committed.recv().await.is_some() {} });
    let owed = Unacknowledged::default();
    let started = Instant::now();
    for record in records {
        let mut ticket = PollHandle::new(None, commits.clone()).ticket();
        owed.track(&record.id, &mut ticket);
        sink.send(record, ticket).await.expect("sink send");
    }
    sink.flush(tokio::time::Instant::now() + Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    assert_eq!(owed.count(), 0, "producer: the sink did not deliver every record");
    drop(commits);
    let _ = drain.await;
    elapsed
}

async fn bare_producer(brokers: &str, records: &[Record]) -> Duration {
    let topic = broker::fresh_topic("producer-bare");
    broker::create_topic(brokers, &topic, false).await;
    let producer: FutureProducer = producer_config(&kafka_config(brokers, &topic)).create().expect("producer");
    let version = SCHEMA_VERSION.to_string();
    let mut pending = FuturesUnordered::new();
    let mut failed = 0;
    let started = Instant::now();
    for record in records {
        let payload = serde_json::to_vec(record).expect("JSON");
        let headers = OwnedHeaders::new()
            .insert(Header { key: "schema_version", value: Some(version.as_str()) })
            .insert(Header { key: "content-type", value: Some("application/json") });
        let mut message = FutureRecord::to(&topic).key(record.id.as_str()).payload(&payload).headers(headers);
        loop {
            match producer.send_result(message) {
                Ok(delivery) => {
                    pending.push(delivery);
                    break;
                }
                // Queue full: wait for a delivery report to make room.
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                    message = returned;
                    if let Some(report) = pending.next().await {
                        failed += usize::from(!matches!(report, Ok(Ok(_))));
                    }
                }
                Err((error, _)) => panic!("bare producer: {error}"),
            }
        }
    }
    while let Some(report) = pending.next().await {
        failed += usize::from(!matches!(report, Ok(Ok(_))));
    }
    let elapsed = started.elapsed();
    assert_eq!(failed, 0, "producer: the bare producer did not deliver every record");
    elapsed
}
