//! Article ownership: membership of the `<group_id>.articles` consumer group on the fetch topic.
//!
//! When a fetch partition is assigned, the state partition of the same number is first read up
//! to its end (`read_committed`; an unfinished transaction of a dead owner holds the end back
//! until the broker aborts it) into the local store — Kafka Streams' changelog restore. Then each
//! URL of the partition enters the article stages with a ticket whose completion the
//! [`super::publisher`] hears about, so it can commit the partition's offset past it; a URL the
//! store says was dealt with (and is not due for a revision) is done at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, ConsumerGroupMetadata, Rebalance};
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{ClusterError, FetchRequest, UrlState, join_group};
use crate::config::Config;
use crate::delivery::{CommitSender, Inflight, PollHandle, Ticketed};
use crate::kafka::{ClientLog, client_config};
use crate::sources::Discovered;
use crate::state::{Commit, Store};

/// How long the end of a state partition is asked for before the instance gives up.
const WATERMARK_RETRY_BOUND: Duration = Duration::from_secs(30);

/// State records applied to the store per transaction while restoring.
const RESTORE_BATCH: usize = 500;

/// What the intake tells the publisher, in order.
pub enum Event {
    /// A (new) assignment: offsets are committed with this group metadata from now on.
    Assigned {
        /// The group generation that owns the partitions now.
        metadata: ConsumerGroupMetadata,
    },
    /// The message at `offset` of `partition` entered the pipeline.
    Consumed {
        /// Fetch-topic partition.
        partition: i32,
        /// Its offset.
        offset: i64,
    },
    /// It left it: with the request to put back on the fetch topic when it failed.
    Done {
        /// Fetch-topic partition.
        partition: i32,
        /// Its offset.
        offset: i64,
        /// Present when the article failed and may be tried again.
        retry: Option<Box<FetchRequest>>,
    },
    /// Every partition is being revoked: reply once nothing of them is in flight and what was
    /// done is committed.
    Revoked {
        /// Answered when the publisher is done with the partitions.
        reply: std::sync::mpsc::SyncSender<()>,
    },
}

/// Where restored state goes and how far each partition was read.
struct Restorer {
    store: Arc<Store>,
    state_topic: String,
    /// Reads the state topic, `read_committed`, by explicit assignment.
    reader: BaseConsumer<ClientLog>,
    /// Asks for high watermarks `read_uncommitted`: the restore must wait for in-doubt transactions.
    watermarks: BaseConsumer<ClientLog>,
    /// Next offset to read, per partition, of what this process restored or wrote itself before.
    restored_up_to: Mutex<HashMap<i32, i64>>,
    shutdown: CancellationToken,
    /// A restore that failed: the instance stops, and its exit status must say why.
    failure: Mutex<Option<ClusterError>>,
}

impl Restorer {
    /// The partition's low and high watermarks. Retried for a while: right after the topic was
    /// created, or while a leader moves, the broker answers "not leader" for a moment.
    fn watermarks(&self, partition: i32) -> Result<(i64, i64), ClusterError> {
        let topic = self.state_topic.as_str();
        let started = std::time::Instant::now();
        loop {
            match self.watermarks.fetch_watermarks(topic, partition, Duration::from_secs(10)) {
                Ok(marks) => return Ok(marks),
                Err(error) if started.elapsed() < WATERMARK_RETRY_BOUND && !self.shutdown.is_cancelled() => {
                    tracing::debug!(%error, partition, "state partition not readable yet; retrying");
                    std::thread::sleep(Duration::from_millis(250));
                }
                Err(error) => {
                    return Err(ClusterError::Kafka {
                        context: format!("reading the end of {topic}/{partition}"),
                        source: error,
                    });
                }
            }
        }
    }

    /// Read state partition `partition` from where this process left it up to its end.
    fn restore(&self, partition: i32) -> Result<(), ClusterError> {
        let topic = self.state_topic.as_str();
        let started = std::time::Instant::now();
        let (low, high) = self.watermarks(partition)?;
        let from = self.restored_up_to.lock().unwrap_or_else(PoisonError::into_inner).get(&partition).copied();
        let from = from.unwrap_or(low).max(low);
        if from >= high {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        list.add_partition_offset(topic, partition, Offset::Offset(from))
            .map_err(ClusterError::kafka("assigning the state reader"))?;
        self.reader.assign(&list).map_err(ClusterError::kafka("assigning the state reader"))?;
        let mut commits = Vec::new();
        let mut applied = 0usize;
        while !self.shutdown.is_cancelled() {
            match self.reader.poll(Duration::from_millis(200)) {
                Some(Ok(m)) => {
                    if let Some(restored) = url_commits(&m) {
                        commits.extend(restored);
                        applied += 1;
                    }
                    if commits.len() >= RESTORE_BATCH {
                        self.store.apply(&std::mem::take(&mut commits))?;
                    }
                }
                Some(Err(rdkafka::error::KafkaError::PartitionEOF(_))) | None => {}
                Some(Err(error)) => tracing::warn!(%error, partition, "reading the state topic"),
            }
            let position = self
                .reader
                .position()
                .ok()
                .and_then(|p| p.find_partition(topic, partition).and_then(|e| e.offset().to_raw()))
                .unwrap_or(from);
            if position >= high {
                break;
            }
        }
        self.store.apply(&commits)?;
        self.reader.unassign().map_err(ClusterError::kafka("unassigning the state reader"))?;
        self.restored_up_to.lock().unwrap_or_else(PoisonError::into_inner).insert(partition, high);
        tracing::info!(partition, urls = applied, elapsed_ms = started.elapsed().as_millis() as u64, "restored state");
        Ok(())
    }
}

/// The store writes one state record stands for (None for a record that is not ours).
fn url_commits(m: &BorrowedMessage<'_>) -> Option<Vec<Commit>> {
    let url_id = std::str::from_utf8(m.key()?).ok()?.to_string();
    let state: UrlState = serde_json::from_slice(m.payload()?).ok()?;
    let mut commits: Vec<Commit> =
        state.articles.into_iter().map(|(id, entry)| Commit::Article { id, entry }).collect();
    commits.push(Commit::SeenUrl { url_id });
    Some(commits)
}

/// The consumer's callbacks.
struct IntakeContext {
    fetch_topic: String,
    restorer: Restorer,
    events: mpsc::UnboundedSender<Event>,
}

impl ClientContext for IntakeContext {
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        crate::kafka::client_log(level, fac, message);
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        crate::kafka::client_error(error, reason);
    }
}

impl ConsumerContext for IntakeContext {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(_) => {
                let (reply, replied) = std::sync::mpsc::sync_channel(1);
                if self.events.send(Event::Revoked { reply }).is_ok() {
                    // An error means the publisher is gone: nothing of ours can be committed any more.
                    let _ = replied.recv();
                }
                tracing::info!("article partitions revoked");
            }
            // Before the partitions are assigned, so nothing of them is fetched before their state is here.
            Rebalance::Assign(list) => {
                let partitions: Vec<i32> =
                    list.elements().iter().filter(|e| e.topic() == self.fetch_topic).map(|e| e.partition()).collect();
                for &partition in &partitions {
                    if let Err(error) = self.restorer.restore(partition) {
                        // Without its state the partition would publish again what was published:
                        // stop rather than risk it (a restart retries).
                        tracing::error!(%error, partition, "cannot restore the state partition; stopping");
                        self.restorer.failure.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(error);
                        self.restorer.shutdown.cancel();
                    }
                }
                tracing::info!(?partitions, "article partitions assigned");
            }
            Rebalance::Error(error) => tracing::warn!(%error, "articles rebalance failed"),
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let (Rebalance::Assign(_), Some(metadata)) = (rebalance, consumer.group_metadata()) {
            let _ = self.events.send(Event::Assigned { metadata });
        }
    }
}

/// What the intake thread needs.
pub struct Intake {
    /// The local article store: what was dealt with.
    pub store: Arc<Store>,
    /// Articles in flight in this instance.
    pub inflight: Inflight,
    /// The article stages' input.
    pub out: async_channel::Sender<Ticketed<Discovered>>,
    /// Tickets' commits: to the publisher, which writes them in its transactions.
    pub commits: CommitSender,
    /// Consumption and completion, to the publisher.
    pub events: mpsc::UnboundedSender<Event>,
}

impl Intake {
    /// Join the articles group on a thread of its own and feed the URLs of the partitions held
    /// to the stages until `shutdown`; then stop reading, let the stages drain, and leave the
    /// group once `published` fires (the publisher's last commit needs the membership).
    pub fn spawn(
        self,
        config: &Config,
        shutdown: CancellationToken,
        published: CancellationToken,
    ) -> Result<std::thread::JoinHandle<Result<(), ClusterError>>, ClusterError> {
        let cluster = &config.cluster;
        let reader_config = |isolation: &str| {
            let mut c = client_config(&config.kafka);
            c.set("group.id", format!("{}.restore", cluster.group_id))
                .set("enable.auto.commit", "false")
                .set("isolation.level", isolation);
            c
        };
        let restorer = Restorer {
            store: self.store.clone(),
            state_topic: cluster.state_topic.clone(),
            reader: reader_config("read_committed")
                .create_with_context(ClientLog)
                .map_err(ClusterError::kafka("creating the state reader"))?,
            watermarks: reader_config("read_uncommitted")
                .create_with_context(ClientLog)
                .map_err(ClusterError::kafka("creating the state watermark reader"))?,
            restored_up_to: Mutex::new(HashMap::new()),
            shutdown: shutdown.clone(),
            failure: Mutex::new(None),
        };
        let context = IntakeContext { fetch_topic: cluster.fetch_topic.clone(), restorer, events: self.events.clone() };
        let consumer = join_group(&config.kafka, cluster, "articles", &cluster.fetch_topic, context)?;
        let thread = std::thread::Builder::new()
            .name("tw-articles-group".into())
            .spawn(move || {
                let Intake { store, inflight, out, commits, events } = self;
                while !shutdown.is_cancelled() {
                    match consumer.poll(Duration::from_millis(200)) {
                        Some(Ok(m)) if !queue(&m, &store, &inflight, &out, &commits, &events) => break,
                        Some(Ok(_)) => {}
                        Some(Err(error)) => tracing::warn!(%error, "articles group"),
                        None => {}
                    }
                }
                // Stop reading; the stages drain and the publisher commits what they finish.
                drop(out);
                if let Ok(assigned) = consumer.assignment() {
                    let _ = consumer.pause(&assigned);
                }
                while !published.is_cancelled() {
                    // Keep serving rebalances; messages still buffered are left for the next owner.
                    let _ = consumer.poll(Duration::from_millis(100));
                }
                let failure = consumer.context().restorer.failure.lock().unwrap_or_else(PoisonError::into_inner).take();
                drop(consumer);
                failure.map_or(Ok(()), Err)
            })
            .expect("cannot spawn the articles group thread");
        Ok(thread)
    }
}

/// Put one fetch-topic message into the stages; false when the stages are closed.
fn queue(
    m: &BorrowedMessage<'_>,
    store: &Store,
    inflight: &Inflight,
    out: &async_channel::Sender<Ticketed<Discovered>>,
    commits: &CommitSender,
    events: &mpsc::UnboundedSender<Event>,
) -> bool {
    let (partition, offset) = (m.partition(), m.offset());
    let _ = events.send(Event::Consumed { partition, offset });
    let done = events.clone();
    let parsed = m.key().and_then(|k| std::str::from_utf8(k).ok()).zip(
        m.payload()
            .and_then(|p| serde_json::from_slice::<FetchRequest>(p).ok())
            .and_then(|r| url::Url::parse(&r.url).ok().map(|url| (url, r))),
    );
    let Some((url_id, (url, request))) = parsed else {
        tracing::warn!(partition, offset, "not a fetch request; skipped");
        let _ = done.send(Event::Done { partition, offset, retry: None });
        return true;
    };
    let retry = request.clone();
    let poll = PollHandle::with_completion(commits.clone(), move |delivered| {
        let retry = (!delivered).then(|| Box::new(retry));
        let _ = done.send(Event::Done { partition, offset, retry });
    });
    match store.due(url_id, request.hints.updated_at) {
        Ok(true) => {}
        Ok(false) => return true, // dealt with before: done when `poll` drops
        Err(error) => {
            tracing::error!(%error, url = %request.url, "state lookup failed; will retry");
            poll.abandon();
            return true;
        }
    }
    let mut ticket = poll.ticket();
    if !inflight.claim(url_id, &mut ticket) {
        // The same URL from an earlier message is in flight here: that one carries it.
        ticket.delivered();
        return true;
    }
    ticket.add_commit(Commit::SeenUrl { url_id: url_id.to_string() });
    let item = Discovered { url, source: request.source, hints: request.hints };
    out.send_blocking(Ticketed { item, ticket }).is_ok()
}
