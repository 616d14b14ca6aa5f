//! Which instance polls which source: membership of the `<group_id>.sources` consumer group.
//!
//! The sources topic holds no records; its partitions are only tokens the group hands out. A
//! source belongs to partition `partition_of(url)`, and an instance polls the sources of the
//! partitions it holds. The rebalance callbacks run on this module's own thread, inside
//! `poll`: a revocation cancels the partitions' poll tasks and waits for them to end before
//! returning, and the eager protocol assigns nothing before every member has returned from it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, ConsumerContext, Rebalance};
use rdkafka::{ClientContext, TopicPartitionList};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{ClusterError, join_group, partition_of};
use crate::config::{Config, SourceSpec};
use crate::sources::poller::Poller;
use crate::sources::schedule::Schedule;

/// The poll tasks of one held partition.
struct Running {
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts and stops poll tasks as partitions come and go.
struct Assignment {
    sources_topic: String,
    by_partition: HashMap<i32, Vec<SourceSpec>>,
    poller: Poller,
    config: Config,
    runtime: Handle,
    shutdown: CancellationToken,
    running: Mutex<HashMap<i32, Running>>,
}

impl Assignment {
    fn partitions(&self, list: &TopicPartitionList) -> Vec<i32> {
        list.elements().iter().filter(|e| e.topic() == self.sources_topic).map(|e| e.partition()).collect()
    }

    fn start(&self, partitions: &[i32]) {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let mut started = 0;
        for &partition in partitions {
            let cancel = self.shutdown.child_token();
            let specs = self.by_partition.get(&partition).map(Vec::as_slice).unwrap_or_default();
            let tasks = specs
                .iter()
                .map(|spec| {
                    let schedule = Schedule::for_source(spec, &self.config.sources);
                    self.runtime.spawn(self.poller.clone().run(spec.clone(), schedule, cancel.clone()))
                })
                .collect();
            started += specs.len();
            running.insert(partition, Running { cancel, tasks });
        }
        tracing::info!(?partitions, sources = started, "sources assigned");
    }

    /// Stop the partitions' polls and wait until none is running.
    fn stop(&self, partitions: &[i32]) {
        let stopping: Vec<Running> = {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            partitions.iter().filter_map(|p| running.remove(p)).collect()
        };
        let sources: usize = stopping.iter().map(|r| r.tasks.len()).sum();
        for r in &stopping {
            r.cancel.cancel();
        }
        // This thread is not a runtime thread: blocking on the tasks here is what makes the
        // revocation wait for the polls.
        self.runtime.block_on(async {
            for r in stopping {
                for task in r.tasks {
                    let _ = task.await;
                }
            }
        });
        tracing::info!(?partitions, sources, "sources revoked; their polls have ended");
    }
}

/// The consumer's callbacks.
struct AssignmentContext(Arc<Assignment>);

impl ClientContext for AssignmentContext {
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        crate::kafka::client_log(level, fac, message);
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        crate::kafka::client_error(error, reason);
    }
}

impl ConsumerContext for AssignmentContext {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance {
            self.0.stop(&self.0.partitions(list));
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(list) => self.0.start(&self.0.partitions(list)),
            Rebalance::Revoke(_) => {}
            Rebalance::Error(error) => tracing::warn!(%error, "sources rebalance failed"),
        }
    }
}

/// Join the sources group and poll the sources of the partitions held, on a thread of its own,
/// until `shutdown`; then stop every poll and leave the group, so the others take over at once.
pub fn spawn(
    config: &Config,
    sources: Vec<SourceSpec>,
    poller: Poller,
    shutdown: CancellationToken,
) -> Result<std::thread::JoinHandle<()>, ClusterError> {
    let cluster = &config.cluster;
    let mut by_partition: HashMap<i32, Vec<SourceSpec>> = HashMap::new();
    for spec in sources {
        by_partition.entry(partition_of(&spec.url, cluster.partitions)).or_default().push(spec);
    }
    let assignment = Arc::new(Assignment {
        sources_topic: cluster.sources_topic.clone(),
        by_partition,
        poller,
        config: config.clone(),
        runtime: Handle::current(),
        shutdown: shutdown.clone(),
        running: Mutex::new(HashMap::new()),
    });
    let consumer =
        join_group(&config.kafka, cluster, "sources", &cluster.sources_topic, AssignmentContext(assignment.clone()))?;
    let thread = std::thread::Builder::new()
        .name("tw-sources-group".into())
        .spawn(move || {
            while !shutdown.is_cancelled() {
                // Rebalance callbacks run in here; the topic itself has no records to read.
                if let Some(Err(error)) = consumer.poll(Duration::from_millis(200)) {
                    tracing::warn!(%error, "sources group");
                }
            }
            let held: Vec<i32> =
                assignment.running.lock().unwrap_or_else(PoisonError::into_inner).keys().copied().collect();
            assignment.stop(&held);
            // Dropping the consumer leaves the group.
            drop(consumer);
        })
        .expect("cannot spawn the sources group thread");
    Ok(thread)
}
