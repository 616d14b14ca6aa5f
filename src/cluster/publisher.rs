//! The cluster's sink: records, the URLs' state and the fetch offsets in one Kafka transaction.
//!
//! One task owns the transactional producer. A record is produced into the open transaction and
//! its ticket resolved at once; the ticket's commits (what the URL led to) come back on the
//! commit channel. Every `commit_interval_ms` the transaction gets the state records of those
//! commits, the URLs to try again, and each fetch partition's offset up to its first message
//! still in flight — then commits. Only after the commit do the commits reach the local store
//! (and the in-flight claims end). So a reader with `isolation.level=read_committed` sees a
//! record exactly when the state that stops its URL from being published again is visible to
//! the partition's next owner; a transaction cut short by a crash shows neither.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use rdkafka::consumer::ConsumerGroupMetadata;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureRecord, Producer as _};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;

use super::intake::Event;
use super::{ClusterError, FetchRequest, UrlState, partition_of};
use crate::config::Config;
use crate::delivery::{CommitBatch, CommitSender, Ticketed};
use crate::kafka::{ClientLog, Producer, producer_config};
use crate::record::{Record, SCHEMA_VERSION};
use crate::sink::DeadLetter;
use crate::sink::dead_letter::DeadLetters;
use crate::state::{ArticleEntry, Commit};

/// Bound of the blocking transaction calls.
const TRANSACTION_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait before retrying when librdkafka's queue is full.
const QUEUE_FULL_PAUSE: Duration = Duration::from_millis(20);

/// Messages of one fetch partition between consumption and commit.
#[derive(Default)]
struct Progress {
    /// Consumed, not done.
    in_flight: BTreeSet<i64>,
    /// One past the last message consumed.
    next: i64,
    /// The offset last committed (or the first consumed).
    committed: i64,
}

impl Progress {
    /// The offset to commit: the first message still in flight, or the next one.
    fn committable(&self) -> i64 {
        self.in_flight.first().copied().unwrap_or(self.next)
    }
}

/// The pipeline's channels the publisher reads.
pub struct Inputs {
    /// Enriched records with their tickets.
    pub records: async_channel::Receiver<Ticketed<Record>>,
    /// Articles that can never be published.
    pub dead_letters: async_channel::Receiver<Ticketed<DeadLetter>>,
    /// Resolved tickets' state writes.
    pub commits: mpsc::UnboundedReceiver<CommitBatch>,
    /// From the intake: consumption, completion, assignments, revocations.
    pub events: mpsc::UnboundedReceiver<Event>,
}

/// Publishes transactionally; see the module docs.
pub struct Publisher {
    producer: Producer,
    dead_letters: DeadLetters,
    records_topic: String,
    fetch_topic: String,
    state_topic: String,
    partitions: i32,
    max_attempts: u32,
    commit_interval: Duration,
    revoke_bound: Duration,
    /// Where commits go once their transaction committed: the local store's committer.
    local: CommitSender,
    metadata: Option<ConsumerGroupMetadata>,
    progress: HashMap<i32, Progress>,
    /// Commits written in the open transaction.
    held: Vec<CommitBatch>,
    retries: Vec<FetchRequest>,
    open: bool,
    revoking: Option<(std::sync::mpsc::SyncSender<()>, Instant)>,
}

impl Publisher {
    /// A handle on the producer, for the readiness probe.
    pub fn producer(&self) -> Producer {
        self.producer.clone()
    }

    /// Create the transactional producer (`transactional.id` = group and instance id, so a
    /// restarted instance fences its predecessor's unfinished transaction) and initialise it.
    pub async fn new(config: &Config, local: CommitSender) -> Result<Self, ClusterError> {
        let cluster = &config.cluster;
        let producer: Producer = producer_config(&config.kafka)
            .set("client.id", format!("talkwire-{}", cluster.instance_id))
            .set("transactional.id", format!("{}.{}", cluster.group_id, cluster.instance_id))
            .set("transaction.timeout.ms", cluster.transaction_timeout_ms.to_string())
            // librdkafka insists: a record cannot outlive the transaction it belongs to.
            .set("message.timeout.ms", config.kafka.message_timeout_ms.min(cluster.transaction_timeout_ms).to_string())
            .create_with_context(ClientLog)
            .map_err(ClusterError::kafka("creating the transactional producer"))?;
        let init = producer.clone();
        tokio::task::spawn_blocking(move || init.init_transactions(TRANSACTION_CALL_TIMEOUT))
            .await
            .expect("init_transactions does not panic")
            .map_err(ClusterError::kafka("initialising transactions"))?;
        let dead_letter_topic = Some(config.kafka.dead_letter_topic.clone()).filter(|t| !t.is_empty());
        Ok(Self {
            dead_letters: DeadLetters::new(producer.clone(), dead_letter_topic),
            producer,
            records_topic: config.kafka.topic.clone(),
            fetch_topic: cluster.fetch_topic.clone(),
            state_topic: cluster.state_topic.clone(),
            partitions: cluster.partitions,
            max_attempts: cluster.max_fetch_attempts,
            commit_interval: Duration::from_millis(cluster.commit_interval_ms),
            revoke_bound: Duration::from_secs(config.run.drain_timeout_secs),
            local,
            metadata: None,
            progress: HashMap::new(),
            held: Vec::new(),
            retries: Vec::new(),
            open: false,
            revoking: None,
        })
    }

    /// Publish until the pipeline's channels close, committing every `commit_interval`; the
    /// last commit happens after the stages drained. An error ends the instance: the
    /// transaction was aborted, and a restart (or the partitions' next owner) redoes its work.
    pub async fn run(mut self, mut inputs: Inputs) -> Result<(), ClusterError> {
        let mut tick = tokio::time::interval(self.commit_interval);
        let (mut records_open, mut letters_open) = (true, true);
        while records_open || letters_open {
            tokio::select! {
                biased;
                Some(event) = inputs.events.recv() => self.on_event(event),
                letter = inputs.dead_letters.recv(), if letters_open => match letter {
                    Ok(Ticketed { item, ticket }) => {
                        self.begin()?;
                        // Waits for the broker's acknowledgement; the ticket resolves then.
                        self.dead_letters.send(item, ticket).await;
                    }
                    Err(_) => letters_open = false,
                },
                record = inputs.records.recv(), if records_open => match record {
                    Ok(t) => self.publish(t).await?,
                    Err(_) => records_open = false,
                },
                _ = tick.tick() => self.commit(&mut inputs).await?,
            }
            self.finish_revocation(&mut inputs).await?;
        }
        self.commit(&mut inputs).await?;
        // Revocations announced during the drain are answered: nothing is in flight any more.
        while let Ok(event) = inputs.events.try_recv() {
            self.on_event(event);
        }
        self.revoking = None;
        Ok(())
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Assigned { metadata } => self.metadata = Some(metadata),
            Event::Consumed { partition, offset } => {
                let p = self
                    .progress
                    .entry(partition)
                    .or_insert_with(|| Progress { committed: offset, ..Progress::default() });
                p.in_flight.insert(offset);
                p.next = p.next.max(offset + 1);
            }
            Event::Done { partition, offset, retry } => {
                if let Some(p) = self.progress.get_mut(&partition) {
                    p.in_flight.remove(&offset);
                }
                if let Some(request) = retry {
                    self.retries.push(*request);
                }
            }
            Event::Revoked { reply } => self.revoking = Some((reply, Instant::now())),
        }
    }

    /// Answer a pending revocation once nothing of the revoked partitions is in flight: commit
    /// what was done, forget the partitions, and let the rebalance go on.
    async fn finish_revocation(&mut self, inputs: &mut Inputs) -> Result<(), ClusterError> {
        let Some((_, since)) = &self.revoking else {
            return Ok(());
        };
        if self.progress.values().any(|p| !p.in_flight.is_empty()) {
            if since.elapsed() > self.revoke_bound {
                return Err(ClusterError::RevokeTimeout(self.revoke_bound));
            }
            return Ok(());
        }
        self.commit(inputs).await?;
        self.progress.clear();
        self.metadata = None;
        if let Some((reply, _)) = self.revoking.take() {
            let _ = reply.send(());
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<(), ClusterError> {
        if !self.open {
            self.producer.begin_transaction().map_err(ClusterError::kafka("beginning a transaction"))?;
            self.open = true;
        }
        Ok(())
    }

    /// Produce `record` into the open transaction and resolve its ticket: it is delivered
    /// exactly when the transaction commits, together with the commits the ticket now sends.
    async fn publish(&mut self, Ticketed { item: record, mut ticket }: Ticketed<Record>) -> Result<(), ClusterError> {
        self.begin()?;
        ticket.add_commit(Commit::Article { id: record.id.clone(), entry: ArticleEntry::of_record(&record, true) });
        tracing::info!(
            url = %record.url, id = %record.id, revision = record.revision, entities = record.entities.len(),
            quotes = record.quotes.len(), "publishing"
        );
        metrics::counter!("talkwire_articles_total", "outcome" => "published").increment(1);
        let payload = serde_json::to_vec(&record).expect("a record serialises");
        let version = SCHEMA_VERSION.to_string();
        let headers = OwnedHeaders::new()
            .insert(Header { key: "schema_version", value: Some(version.as_str()) })
            .insert(Header { key: "content-type", value: Some("application/json") });
        let message = FutureRecord::to(&self.records_topic).key(record.id.as_str()).payload(&payload).headers(headers);
        match self.produce(message).await {
            Ok(()) => ticket.delivered(),
            Err(error) if crate::sink::dead_letter::is_permanent(&error) => {
                let letter = DeadLetter {
                    id: record.id.clone(),
                    url: record.url.clone(),
                    source: record.source.url.clone(),
                    stage: "sink",
                    reason: "record_too_large",
                    error: error.to_string(),
                };
                self.dead_letters.send(letter, ticket).await;
            }
            Err(source) => return Err(ClusterError::Kafka { context: format!("publishing {}", record.id), source }),
        }
        Ok(())
    }

    /// Enqueue into the open transaction; a full queue is backpressure. Delivery failures
    /// surface when the transaction commits.
    async fn produce(&self, mut message: FutureRecord<'_, str, Vec<u8>>) -> Result<(), KafkaError> {
        loop {
            match self.producer.send_result(message) {
                Ok(_delivery) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                    message = returned;
                    tokio::time::sleep(QUEUE_FULL_PAUSE).await;
                }
                Err((error, _)) => return Err(error),
            }
        }
    }

    /// Write the resolved tickets' state, the retries and the offsets, and commit.
    async fn commit(&mut self, inputs: &mut Inputs) -> Result<(), ClusterError> {
        // Events first: a message's commits were sent before its completion, so every finished
        // message's commits are in the channel by now.
        while let Ok(event) = inputs.events.try_recv() {
            self.on_event(event);
        }
        while let Ok(batch) = inputs.commits.try_recv() {
            self.begin()?;
            self.write_state(&batch).await?;
            self.held.push(batch);
        }
        for request in std::mem::take(&mut self.retries) {
            self.begin()?;
            self.retry(request).await?;
        }
        let mut offsets = TopicPartitionList::new();
        for (&partition, p) in &self.progress {
            if p.committable() > p.committed {
                offsets
                    .add_partition_offset(&self.fetch_topic, partition, Offset::Offset(p.committable()))
                    .map_err(ClusterError::kafka("listing offsets"))?;
            }
        }
        if offsets.count() > 0 && self.metadata.is_some() {
            self.begin()?;
            let (producer, metadata) = (&self.producer, self.metadata.as_ref().expect("checked"));
            let sent = tokio::task::block_in_place(|| {
                producer.send_offsets_to_transaction(&offsets, metadata, TRANSACTION_CALL_TIMEOUT)
            });
            if let Err(error) = sent {
                return Err(self.abort(error, "adding the fetch offsets to the transaction"));
            }
        }
        if !self.open {
            return Ok(());
        }
        let committed = tokio::task::block_in_place(|| self.producer.commit_transaction(TRANSACTION_CALL_TIMEOUT));
        if let Err(error) = committed {
            return Err(self.abort(error, "committing a transaction"));
        }
        self.open = false;
        for element in offsets.elements() {
            if let (Some(p), Some(offset)) = (self.progress.get_mut(&element.partition()), element.offset().to_raw()) {
                p.committed = offset;
            }
        }
        for batch in self.held.drain(..) {
            // The committer applies them to the local store, then releases their claims.
            let _ = self.local.send(batch);
        }
        Ok(())
    }

    /// Abort the open transaction after `error`: nothing of it becomes visible.
    fn abort(&mut self, error: KafkaError, context: &str) -> ClusterError {
        if let Err(abort_error) =
            tokio::task::block_in_place(|| self.producer.abort_transaction(TRANSACTION_CALL_TIMEOUT))
        {
            tracing::error!(error = %abort_error, "cannot abort the transaction; the broker will time it out");
        }
        self.open = false;
        // Their claims end; the work is redone by whoever owns the partitions next.
        self.held.clear();
        ClusterError::Kafka { context: context.into(), source: error }
    }

    /// The state record of one resolved ticket: what its URL led to.
    async fn write_state(&self, batch: &CommitBatch) -> Result<(), ClusterError> {
        let Some(url_id) = batch.commits.iter().find_map(|c| match c {
            Commit::SeenUrl { url_id } => Some(url_id.as_str()),
            _ => None,
        }) else {
            return Ok(()); // a URL carried by a twin message: its state comes with the twin
        };
        let articles = batch
            .commits
            .iter()
            .filter_map(|c| match c {
                Commit::Article { id, entry } => Some((id.clone(), entry.clone())),
                _ => None,
            })
            .collect();
        let payload = serde_json::to_vec(&UrlState { articles }).expect("state serialises");
        let message = FutureRecord::to(&self.state_topic)
            .key(url_id)
            .payload(&payload)
            .partition(partition_of(url_id, self.partitions));
        self.produce(message)
            .await
            .map_err(|source| ClusterError::Kafka { context: format!("writing the state of {url_id}"), source })
    }

    /// Put a failed URL back on the fetch topic, unless it used up its attempts.
    async fn retry(&self, mut request: FetchRequest) -> Result<(), ClusterError> {
        if request.attempt >= self.max_attempts {
            tracing::warn!(url = %request.url, attempts = request.attempt, "giving up on the article");
            return Ok(());
        }
        request.attempt += 1;
        let url_id = crate::normalize::article_id(&crate::normalize::canonicalize_url(
            &url::Url::parse(&request.url).expect("fetch requests carry parsed URLs"),
        ));
        let payload = serde_json::to_vec(&request).expect("a fetch request serialises");
        let message = FutureRecord::to(&self.fetch_topic)
            .key(url_id.as_str())
            .payload(&payload)
            .partition(partition_of(&url_id, self.partitions));
        self.produce(message).await.map_err(|source| ClusterError::Kafka {
            context: format!("putting {} back on the fetch topic", request.url),
            source,
        })
    }
}
