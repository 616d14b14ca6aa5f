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
use crate::normalize::{article_id, canonicalize_url};
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
            let url_id = article_id(&canonicalize_url(&discovered.url));
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
