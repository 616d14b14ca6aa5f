//! Scale-out: several instances share the work through Kafka itself.
//!
//! ```text
//!  sources topic (N partitions, no records)        fetch topic (N, key = URL id)        records topic
//!  group <id>.sources: partition p ⇒ the     ──►  group <id>.articles: partition p ⇒ ──► (transactional)
//!  sources with hash(url) % N = p are polled       the URLs of p are fetched, enriched,      │
//!  here (sources.rs); found URLs are handed        published here (intake.rs, publisher.rs)  │
//!  off to the fetch topic (handoff.rs)              ▲ restored on assignment                 │
//!                                                  state topic (N, compacted, key = URL id) ◄┘
//! ```
//!
//! * **Sources**: an instance polls only the sources of the `sources` partitions the consumer
//!   group gave it. On revocation it stops them and waits for their polls to end before the
//!   callback returns; the classic (eager) protocol hands a partition to its next owner only after
//!   every member has given its partitions up, so two instances never poll one source at once.
//! * **Articles**: a source's cursor is committed when every URL its poll found is on the fetch
//!   topic (the delivery-ticket rule, one hop earlier). Whoever owns a fetch partition runs the
//!   article stages for its URLs. The record, the URL's state and the fetch offset are written in
//!   one Kafka transaction ([`publisher`]), so a record is visible to `read_committed` readers exactly
//!   when its state is, and a partition's next owner — after restoring the state partition of the
//!   same number, up to its end, into its local store ([`intake`]) — skips what was published.
//!   A dead instance's unfinished transaction is aborted by the broker after
//!   `cluster.transaction_timeout_ms`; the next owner's restore waits for it.
//!
//! Stages know nothing of this: they see tickets, as with one instance.

pub mod handoff;
pub mod intake;
pub mod publisher;
pub mod sources;
pub mod topics;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::config::{ClusterConfig, KafkaConfig};
use crate::kafka::client_config;
use crate::record::SourceRef;
use crate::sources::FeedHints;
use crate::state::ArticleEntry;

/// Why the cluster machinery failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A Kafka client could not be created or a Kafka call failed.
    #[error("Kafka: {context}: {source}")]
    Kafka {
        /// What was being done.
        context: String,
        /// Why.
        #[source]
        source: KafkaError,
    },
    /// A topic exists with another partition count than `cluster.partitions`.
    #[error(
        "topic {topic} has {found} partitions, cluster.partitions says {expected}: sources and URLs would map to the \
         wrong partitions"
    )]
    PartitionCount {
        /// Topic name.
        topic: String,
        /// What the broker has.
        found: usize,
        /// What the configuration says.
        expected: i32,
    },
    /// The local state store failed.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// Revoked partitions still had articles in flight at the end of the drain bound: their late
    /// records could be published by the partitions' next owner too, so this instance stops.
    #[error("articles of revoked partitions still in flight after {0:?}")]
    RevokeTimeout(std::time::Duration),
}

impl ClusterError {
    fn kafka(context: impl Into<String>) -> impl FnOnce(KafkaError) -> Self {
        let context = context.into();
        move |source| Self::Kafka { context, source }
    }
}

/// The partition of `key` (a source URL or a URL id) among `partitions`: stable across
/// instances, versions and restarts, so every instance agrees on who owns what.
pub fn partition_of(key: &str, partitions: i32) -> i32 {
    (xxh3_64(key.as_bytes()) % partitions.max(1) as u64) as i32
}

/// A discovered article URL on the fetch topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchRequest {
    /// The article's URL.
    pub url: String,
    /// The feed or page that led here.
    pub source: SourceRef,
    /// What the source said about the article.
    pub hints: FeedHints,
    /// 1 for the first try; a transient failure puts the URL back with the next number.
    pub attempt: u32,
}

/// What a URL led to, on the state topic (key = URL id): the articles it published or
/// deliberately skipped. Its presence alone says the URL was dealt with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrlState {
    /// Article id → its entry.
    pub articles: Vec<(String, ArticleEntry)>,
}

/// Join the consumer group `{group_id}.{role}` and subscribe to `topic`, with `context` for its
/// rebalance callbacks. Members have short sessions so a dead instance's partitions move soon, the
/// classic eager protocol (a partition changes hands only after its owner gave it up), and offsets
/// committed only by talkwire.
fn join_group<C: ConsumerContext>(
    kafka: &KafkaConfig,
    cluster: &ClusterConfig,
    role: &str,
    topic: &str,
    context: C,
) -> Result<BaseConsumer<C>, ClusterError> {
    let group = format!("{}.{role}", cluster.group_id);
    let consumer: BaseConsumer<C> = client_config(kafka)
        .set("group.id", &group)
        .set("client.id", format!("talkwire-{}", cluster.instance_id))
        .set("session.timeout.ms", cluster.session_timeout_ms.to_string())
        .set("heartbeat.interval.ms", (cluster.session_timeout_ms / 3).max(100).to_string())
        .set("partition.assignment.strategy", "roundrobin")
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .create_with_context(context)
        .map_err(ClusterError::kafka(format!("joining consumer group {group}")))?;
    consumer.subscribe(&[topic]).map_err(ClusterError::kafka(format!("subscribing to {topic}")))?;
    Ok(consumer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_stable_and_spread() {
        assert_eq!(partition_of("https://a.example/rss", 12), partition_of("https://a.example/rss", 12));
        let used: std::collections::HashSet<i32> =
            (0..200).map(|i| partition_of(&format!("https://s{i}.example/feed"), 12)).collect();
        assert_eq!(used.len(), 12, "200 sources reach every partition");
        assert!(used.iter().all(|p| (0..12).contains(p)));
    }

    #[test]
    fn fetch_requests_round_trip() {
        let request = FetchRequest {
            url: "https://news.example/a".into(),
            source: SourceRef {
                kind: crate::record::SourceKind::Feed,
                url: "https://news.example/rss".into(),
                site: "news.example".into(),
            },
            hints: FeedHints { title: Some("T".into()), ..FeedHints::default() },
            attempt: 2,
        };
        let json = serde_json::to_vec(&request).unwrap();
        assert_eq!(serde_json::from_slice::<FetchRequest>(&json).unwrap(), request);
    }
}
