//! The cluster's topics, created with the AdminClient when missing and checked when present.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::types::RDKafkaErrorCode;

use super::ClusterError;
use crate::config::{ClusterConfig, KafkaConfig};
use crate::kafka::{ClientLog, client_config};

/// How long a new topic may take to show in the metadata with all its partitions.
const METADATA_WAIT: Duration = Duration::from_secs(30);

/// Create the sources, fetch and state topics when missing (all with `cluster.partitions`
/// partitions; the state topic compacted, and also expiring after `retention_days` when set),
/// then check that each has the configured partition count: every instance maps sources and
/// URLs to partitions with it.
pub async fn ensure(kafka: &KafkaConfig, cluster: &ClusterConfig, retention_days: u64) -> Result<(), ClusterError> {
    let admin: AdminClient<ClientLog> = client_config(kafka)
        .create_with_context(ClientLog)
        .map_err(ClusterError::kafka("creating the admin client"))?;
    let replication = || TopicReplication::Fixed(cluster.replication_factor);
    let retention_ms = retention_days.saturating_mul(86_400_000).to_string();
    let state_policy = if retention_days > 0 { "compact,delete" } else { "compact" };
    let mut state =
        NewTopic::new(&cluster.state_topic, cluster.partitions, replication()).set("cleanup.policy", state_policy);
    if retention_days > 0 {
        state = state.set("retention.ms", &retention_ms);
    }
    let topics = [
        NewTopic::new(&cluster.sources_topic, cluster.partitions, replication()),
        NewTopic::new(&cluster.fetch_topic, cluster.partitions, replication()),
        state,
    ];
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin.create_topics(&topics, &options).await.map_err(ClusterError::kafka("creating topics"))?;
    for result in results {
        match result {
            Ok(topic) => tracing::info!(%topic, partitions = cluster.partitions, "created topic"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(ClusterError::Kafka {
                    context: format!("creating topic {topic}"),
                    source: rdkafka::error::KafkaError::AdminOp(code),
                });
            }
        }
    }
    for topic in [&cluster.sources_topic, &cluster.fetch_topic, &cluster.state_topic] {
        check_partitions(&admin, topic, cluster.partitions).await?;
    }
    Ok(())
}

/// Wait for `topic` to show in the metadata with a leader for each partition, and check its partition count.
async fn check_partitions(admin: &AdminClient<ClientLog>, topic: &str, expected: i32) -> Result<(), ClusterError> {
    let started = std::time::Instant::now();
    loop {
        let metadata = admin
            .inner()
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .map_err(ClusterError::kafka(format!("reading the metadata of {topic}")))?;
        let partitions = metadata.topics().first().map(|t| t.partitions()).unwrap_or_default();
        let found = partitions.len();
        // Ready once every partition has a leader: a new topic's reads fail until then.
        if found == expected as usize && partitions.iter().all(|p| p.leader() >= 0) {
            return Ok(());
        }
        // A topic just created may show fewer partitions for a moment; a wrong count stays wrong.
        if found > 0 && started.elapsed() > Duration::from_secs(2) || started.elapsed() > METADATA_WAIT {
            return Err(ClusterError::PartitionCount { topic: topic.into(), found, expected });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::mocking::MockCluster;

    use super::*;

    fn admin(brokers: String) -> AdminClient<ClientLog> {
        let kafka = KafkaConfig { brokers, ..Default::default() };
        client_config(&kafka).create_with_context(ClientLog).unwrap()
    }

    #[tokio::test]
    async fn a_topic_with_the_configured_partitions_passes_and_another_count_is_an_error() {
        let mock = MockCluster::new(1).unwrap();
        mock.create_topic("talkwire.fetch", 12, 1).unwrap();
        let admin = admin(mock.bootstrap_servers());
        check_partitions(&admin, "talkwire.fetch", 12).await.unwrap();
        match check_partitions(&admin, "talkwire.fetch", 6).await {
            Err(ClusterError::PartitionCount { found: 12, expected: 6, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
