//! The pollers' output in a cluster: every URL a poll found goes to the fetch topic, keyed by
//! its URL id, and its ticket resolves on the broker's acknowledgement — so a source's cursor is
//! committed once the URLs it led to are safely in Kafka, whoever will fetch them.

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureRecord, Producer as _};
use tokio_util::task::TaskTracker;

use super::{ClusterError, FetchRequest, partition_of};
use crate::config::{ClusterConfig, KafkaConfig};
use crate::delivery::Ticketed;
use crate::kafka::{ClientLog, Producer, producer_config};
use crate::normalize::url_id;
use crate::sources::Discovered;

/// How long to wait before retrying when librdkafka's queue is full.
const QUEUE_FULL_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// Hands discovered URLs over to the fetch topic.
pub struct Handoff {
    producer: Producer,
    topic: String,
    partitions: i32,
}

impl Handoff {
    /// An idempotent producer for the fetch topic.
    pub fn new(kafka: &KafkaConfig, cluster: &ClusterConfig) -> Result<Self, ClusterError> {
        let producer = producer_config(kafka)
            .set("client.id", format!("talkwire-{}-handoff", cluster.instance_id))
            .create_with_context(ClientLog)
            .map_err(ClusterError::kafka("creating the fetch-topic producer"))?;
        Ok(Self { producer, topic: cluster.fetch_topic.clone(), partitions: cluster.partitions })
    }

    /// Hand over every URL from `input` until it closes, then wait for the last acknowledgements.
    pub async fn run(self, input: async_channel::Receiver<Ticketed<Discovered>>) {
        let acks = TaskTracker::new();
        while let Ok(Ticketed { item: discovered, ticket }) = input.recv().await {
            let url_id = url_id(&discovered.url);
            let request = FetchRequest {
                url: discovered.url.to_string(),
                source: discovered.source,
                hints: discovered.hints,
                attempt: 1,
            };
            let payload = serde_json::to_vec(&request).expect("a fetch request serialises");
            let mut message = FutureRecord::to(&self.topic)
                .key(url_id.as_str())
                .payload(&payload)
                .partition(partition_of(&url_id, self.partitions));
            let delivery = loop {
                match self.producer.send_result(message) {
                    Ok(delivery) => break Ok(delivery),
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                        message = returned;
                        tokio::time::sleep(QUEUE_FULL_PAUSE).await;
                    }
                    Err((error, _)) => break Err(error),
                }
            };
            match delivery {
                Ok(delivery) => {
                    acks.spawn(async move {
                        match delivery.await {
                            Ok(Ok(_)) => ticket.delivered(),
                            Ok(Err((error, _))) => {
                                tracing::warn!(url = %request.url, %error, "URL not handed over; its source will be polled again");
                                ticket.failed();
                            }
                            Err(_canceled) => ticket.failed(),
                        }
                    });
                }
                Err(error) => {
                    tracing::warn!(url = %request.url, %error, "URL not handed over; its source will be polled again");
                    ticket.failed();
                }
            }
        }
        acks.close();
        let producer = self.producer.clone();
        let _ = tokio::task::spawn_blocking(move || producer.flush(std::time::Duration::from_secs(10))).await;
        acks.wait().await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use rdkafka::ClientConfig;
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::Message;
    use rdkafka::mocking::MockCluster;
    use rdkafka::{Offset, TopicPartitionList};

    use super::*;
    use crate::delivery::PollHandle;
    use crate::record::{SourceKind, SourceRef};

    fn discovered(n: usize) -> Discovered {
        Discovered {
            url: url::Url::parse(&format!("https://news.example/a/{n}")).unwrap(),
            source: SourceRef { kind: SourceKind::Feed, url: "https://news.example/rss".into(), site: String::new() },
            hints: Default::default(),
        }
    }

    /// Hand `count` URLs over to `brokers`; returns whether their poll completed as delivered.
    async fn hand_over(brokers: String, partitions: i32, count: usize, message_timeout_ms: u64) -> bool {
        let kafka = KafkaConfig { brokers, message_timeout_ms, ..Default::default() };
        let cluster = ClusterConfig { partitions, fetch_topic: "fetch".into(), ..Default::default() };
        let handoff = Handoff::new(&kafka, &cluster).unwrap();
        let (commits, _committed) = tokio::sync::mpsc::unbounded_channel();
        let outcome = Arc::new(Mutex::new(None));
        let poll = {
            let outcome = outcome.clone();
            PollHandle::with_completion(commits, move |delivered| *outcome.lock().unwrap() = Some(delivered))
        };
        let (tx, rx) = async_channel::unbounded();
        for n in 0..count {
            tx.send(Ticketed { item: discovered(n), ticket: poll.ticket() }).await.unwrap();
        }
        drop((tx, poll));
        handoff.run(rx).await;
        outcome.lock().unwrap().expect("the poll completed once every ticket resolved")
    }

    /// librdkafka's in-process mock cluster: the handoff's own logic, not the broker.
    #[tokio::test]
    async fn every_url_lands_on_its_partition_keyed_by_url_id_and_its_poll_completes_delivered() {
        let mock = MockCluster::new(1).unwrap();
        mock.create_topic("fetch", 4, 1).unwrap();
        assert!(hand_over(mock.bootstrap_servers(), 4, 20, 20_000).await, "every ticket was delivered");

        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", mock.bootstrap_servers())
            .set("group.id", "t")
            .create()
            .unwrap();
        let mut assignment = TopicPartitionList::new();
        for p in 0..4 {
            assignment.add_partition_offset("fetch", p, Offset::Beginning).unwrap();
        }
        consumer.assign(&assignment).unwrap();
        let mut seen = 0;
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while seen < 20 && std::time::Instant::now() < deadline {
            let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) else { continue };
            let key = std::str::from_utf8(m.key().unwrap()).unwrap();
            let request: FetchRequest = serde_json::from_slice(m.payload().unwrap()).unwrap();
            assert_eq!(key, url_id(&url::Url::parse(&request.url).unwrap()));
            assert_eq!(m.partition(), partition_of(key, 4), "{}", request.url);
            assert_eq!(request.attempt, 1);
            seen += 1;
        }
        assert_eq!(seen, 20);
    }

    #[tokio::test]
    async fn urls_the_broker_never_acknowledges_fail_their_poll() {
        // Nothing listens on port 9: every hand-over times out.
        assert!(!hand_over("127.0.0.1:9".into(), 4, 3, 1_000).await, "the cursor must not be committed");
    }
}
