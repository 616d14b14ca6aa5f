//! Wiring: stages connected by bounded channels, and nothing else.
//!
//! ```text
//! pollers ─► fetch (async, N in flight) ─► extract ─► normalize ─► dedupe ─► relevance ─► entities ─► quotes ─► sink
//!                                           └──────────── blocking worker threads ─────────────────────┘
//! ```
//! Every hop is a bounded channel, so a slow sink or a slow stage makes the
//! pollers wait. CPU-heavy stages run on their own threads, never on the
//! async runtime. Tickets travel with the articles; the sink resolves them
//! and the committer writes what they promised to the store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::cluster;
use crate::cluster::intake::Intake;
use crate::cluster::publisher::{Inputs as PublisherInputs, Publisher};
use crate::config::{Config, SinkKind, SourceSpec};
use crate::dedupe::{Deduper, fingerprint_commit};
use crate::delivery::{CommitBatch, Inflight, Ticketed, Unacknowledged};
use crate::enrich::Stages;
use crate::extract::{Extracted, PageInput};
use crate::fetch::{Body, Fetched, Fetcher};
use crate::normalize::{Parts, assemble, url_id};
use crate::record::Record;
use crate::sink::{DeadLetter, KafkaSink, Sink, StdoutSink};
use crate::sources::Discovered;
use crate::sources::poller::Poller;
use crate::sources::schedule::Schedule;
use crate::state::{ArticleEntry, Commit, Retention, Store};
use crate::telemetry::Readiness;

/// Part of the drain bound kept for leaving: the runtime's shutdown and the producer's teardown
/// come after the drain, and the process must be gone within the bound.
const EXIT_MARGIN: Duration = Duration::from_millis(500);

/// How long the drain itself may take: the bound, less the margin for leaving (a quarter of
/// the bound at most).
fn drain_budget(bound: Duration) -> Duration {
    bound.saturating_sub(EXIT_MARGIN.min(bound / 4))
}

/// A storm of one source's identical errors is logged once per this window.
const SOURCE_LOG_WINDOW: Duration = Duration::from_secs(300);

/// How the pipeline runs.
pub struct RunOptions {
    /// Effective configuration (flags applied).
    pub config: Config,
    /// Sources to poll.
    pub sources: Vec<SourceSpec>,
    /// Poll every source once, process everything, exit.
    pub once: bool,
    /// Fires on SIGTERM/SIGINT.
    pub shutdown: CancellationToken,
    /// What `/ready` reports: the pipeline marks draining, the Kafka sink broker reachability.
    pub ready: Arc<Readiness>,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Articles fetched and still unacknowledged at exit, whatever stage they were in: failed and
    /// not delivered since, or cut off by the drain bound. They are fetched again next time.
    pub unacknowledged: u64,
    /// Whether the drain bound cut the shutdown short.
    pub drain_timed_out: bool,
}

/// A fetched page on its way to extraction.
struct FetchedPage {
    discovered: Discovered,
    body: Box<Body>,
}

/// An extracted page on its way to normalisation.
struct ExtractedPage {
    discovered: Discovered,
    extracted: Extracted,
    final_url: Url,
    fetched_at: chrono::DateTime<chrono::Utc>,
}

/// Run the daemon (or one pass with `once`) until done or shut down.
pub async fn run(options: RunOptions) -> anyhow::Result<RunReport> {
    let RunOptions { config, sources, once, shutdown, ready } = options;
    if config.cluster.enabled && (once || config.sink.kind != SinkKind::Kafka) {
        anyhow::bail!(
            "cluster.enabled: instances share their work through Kafka, as daemons (--sink kafka, no --once)"
        );
    }
    let store = Arc::new(
        Store::open(&config.run.state_dir)
            .with_context(|| format!("opening state in {}", config.run.state_dir.display()))?,
    );
    let stages = Arc::new(Stages::new(&config).context("loading the entity gazetteer")?);
    let fetcher = Arc::new(Fetcher::new(&config.http, config.run.allow_private)?);
    let capacity = config.pipeline.channel_capacity;
    let workers = match config.pipeline.cpu_workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    };
    let inflight = Inflight::default();
    let unacknowledged = Unacknowledged::default();

    // Committer: makes delivered tickets' writes durable, in batches.
    let (commit_tx, commit_rx) = mpsc::unbounded_channel();
    let committer = tokio::spawn(commit_loop(store.clone(), commit_rx));

    let (discovered_tx, discovered_rx) = async_channel::bounded::<Ticketed<Discovered>>(capacity);
    let (fetched_tx, fetched_rx) = async_channel::bounded::<Ticketed<FetchedPage>>(capacity);
    let fetch_stage = tokio::spawn(fetch_loop(
        fetcher.clone(),
        config.http.fetch_concurrency,
        unacknowledged.clone(),
        discovered_rx,
        fetched_tx,
    ));

    // Articles that can never be published go straight to the sink's dead-letter path.
    let (dead_tx, dead_rx) = async_channel::bounded::<Ticketed<DeadLetter>>(capacity);
    let extracted_rx = spawn_ticketed_stage("extract", workers, capacity, fetched_rx, {
        let (stages, dead_tx) = (stages.clone(), dead_tx.clone());
        move |Ticketed { item: page, ticket }: Ticketed<FetchedPage>| {
            let FetchedPage { discovered, body } = page;
            let extracted = stages.extractor.extract(&PageInput {
                body: &body.bytes,
                content_type: body.content_type.as_deref(),
                url: Some(&body.final_url),
            });
            if extracted.text.trim().is_empty() {
                let letter = DeadLetter {
                    id: url_id(&body.final_url),
                    url: display_url(&body.final_url),
                    source: discovered.source.url,
                    stage: "extract",
                    reason: "no_article_text",
                    error: format!("no article text in {} bytes of {}", body.bytes.len(), content_type_of(&body)),
                };
                let _ = dead_tx.send_blocking(Ticketed { item: letter, ticket });
                return None;
            }
            let item = ExtractedPage { discovered, extracted, final_url: body.final_url, fetched_at: body.fetched_at };
            Some(Ticketed { item, ticket })
        }
    });
    drop(dead_tx);
    let max_text_chars = config.pipeline.max_text_chars;
    let normalized_rx = spawn_stage("normalize", 1, capacity, extracted_rx, move |page: ExtractedPage| {
        let display_url = display_url(&page.final_url);
        Some(assemble(Parts {
            fetched_url: &page.final_url,
            display_url,
            source: page.discovered.source,
            hints: &page.discovered.hints,
            extracted: page.extracted,
            fetched_at: page.fetched_at,
            max_text_chars,
        }))
    });
    let deduped_rx = spawn_ticketed_stage("dedupe", 1, capacity, normalized_rx, {
        let deduper =
            Deduper::start(store.clone(), inflight.clone(), &config.dedupe).context("preparing the dedupe state")?;
        move |t: Ticketed<Record>| deduper.process(t)
    });
    let relevant_rx = spawn_ticketed_stage("relevance", 1, capacity, deduped_rx, {
        let stages = stages.clone();
        move |mut t: Ticketed<Record>| {
            let r = &mut t.item;
            r.topic = stages.topic.assess_record(r);
            if r.topic.relevant {
                // Once delivered, later copies of this story point to its first copy.
                if let Some(commit) = fingerprint_commit(r) {
                    t.ticket.add_commit(commit);
                }
                return Some(t);
            }
            tracing::info!(url = %r.url, id = %r.id, score = r.topic.score, "off topic; not published");
            metrics::counter!("talkwire_articles_total", "outcome" => "off_topic").increment(1);
            let entry = ArticleEntry::of_record(r, false);
            t.ticket.add_commit(Commit::Article { id: r.id.clone(), entry });
            t.ticket.delivered();
            None
        }
    });
    let entities_rx = spawn_stage("entities", workers, capacity, relevant_rx, {
        let stages = stages.clone();
        move |mut r: Record| {
            stages.find_entities(&mut r);
            Some(r)
        }
    });
    let quoted_rx = spawn_stage("quotes", workers, capacity, entities_rx, {
        let stages = stages.clone();
        move |mut r: Record| {
            stages.find_quotes(&mut r);
            Some(r)
        }
    });

    if config.cluster.enabled {
        let article_path =
            ArticlePath { inflight, unacknowledged, discovered_tx, quoted_rx, dead_rx, fetch_stage, committer };
        return run_cluster(config, sources, shutdown, ready, fetcher, store, commit_tx, article_path).await;
    }
    let mut sink = match config.sink.kind {
        SinkKind::Stdout => Sink::Stdout(StdoutSink::default()),
        SinkKind::Kafka => {
            let sink = KafkaSink::new(&config.kafka)?;
            sink.watch_broker(ready.clone(), shutdown.clone());
            Sink::Kafka(sink)
        }
    };

    // Pollers: once, or on their schedules until shutdown.
    let source_log_limiter = Arc::new(crate::telemetry::LogLimiter::new(SOURCE_LOG_WINDOW));
    let poller = Poller {
        fetcher,
        store: store.clone(),
        commits: commit_tx,
        inflight,
        max_articles_per_poll: config.sources.max_articles_per_poll,
        out: discovered_tx,
        log_limiter: source_log_limiter.clone(),
    };
    let pollers = tokio::spawn(run_pollers(poller, sources, config.clone(), once, shutdown.clone()));

    // The drain's deadline is set when draining begins, by whichever of the sink task and this
    // one gets there first: the bound covers the whole shutdown, the producer's flush included.
    let drain_bound = Duration::from_secs(config.run.drain_timeout_secs);
    let drain_deadline = Arc::new(std::sync::OnceLock::new());
    let deadline = {
        let deadline = drain_deadline.clone();
        move || *deadline.get_or_init(|| tokio::time::Instant::now() + drain_budget(drain_bound))
    };
    let sink_deadline = deadline.clone();
    let sink_task = tokio::spawn(async move {
        let queue_depth = metrics::gauge!("talkwire_queue_depth", "stage" => "sink");
        loop {
            // Dead letters first: they are few, and each holds up its poll's cursor.
            let Ticketed { item: record, mut ticket } = tokio::select! {
                biased;
                Ok(Ticketed { item: letter, ticket }) = dead_rx.recv() => {
                    sink.dead_letter(letter, ticket).await;
                    continue;
                }
                received = quoted_rx.recv() => match received {
                    Ok(t) => t,
                    // Records are done; drain what dead letters remain, then stop.
                    Err(_) => {
                        while let Ok(Ticketed { item: letter, ticket }) = dead_rx.recv().await {
                            sink.dead_letter(letter, ticket).await;
                        }
                        break;
                    }
                },
            };
            queue_depth.set(quoted_rx.len() as f64);
            let entry = ArticleEntry::of_record(&record, true);
            ticket.add_commit(Commit::Article { id: record.id.clone(), entry });
            tracing::info!(
                url = %record.url, id = %record.id, revision = record.revision, entities = record.entities.len(),
                quotes = record.quotes.len(), "publishing"
            );
            metrics::counter!("talkwire_articles_total", "outcome" => "published").increment(1);
            if let Err(error) = sink.send(&record, ticket).await {
                tracing::error!(url = %record.url, id = %record.id, %error, "sink refused the record");
            }
        }
        sink.flush(sink_deadline()).await
    });

    // Wait for the pollers to finish (once) or for shutdown (daemon), then drain.
    pollers.await.context("poller task")?;
    source_log_limiter.report_suppressed("sources");
    ready.set_draining();
    let started = Instant::now();
    let drain = async {
        let _ = fetch_stage.await;
        let reports_complete = sink_task.await.unwrap_or(false);
        let _ = committer.await;
        reports_complete
    };
    // Cut short when the bound passed, or when the sink's flush ran into it.
    let drain_timed_out = !tokio::time::timeout_at(deadline(), drain).await.unwrap_or(false);
    Ok(drain_report(&unacknowledged, drain_timed_out, started, drain_bound))
}

/// What a drain left, logged: "drained", or "drain bound reached" when it was cut short.
fn drain_report(
    unacknowledged: &Unacknowledged,
    drain_timed_out: bool,
    started: Instant,
    bound: Duration,
) -> RunReport {
    let report = RunReport { unacknowledged: unacknowledged.count(), drain_timed_out };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if drain_timed_out {
        tracing::warn!(
            bound_secs = bound.as_secs(),
            elapsed_ms,
            unacknowledged = report.unacknowledged,
            "drain bound reached; unfinished articles will be fetched again"
        );
    } else {
        tracing::info!(elapsed_ms, unacknowledged = report.unacknowledged, "drained");
    }
    report
}

fn content_type_of(body: &Body) -> &str {
    body.content_type.as_deref().unwrap_or("unknown content type")
}

/// The record's `url`: the fetched URL, or the plain path for local files.
fn display_url(url: &Url) -> String {
    match url.scheme() {
        "file" => url.to_file_path().map(|p| p.display().to_string()).unwrap_or_else(|_| url.to_string()),
        _ => url.to_string(),
    }
}

async fn run_pollers(
    poller: Poller,
    sources: Vec<SourceSpec>,
    config: Config,
    once: bool,
    shutdown: CancellationToken,
) {
    if once {
        let polls = futures::stream::iter(sources.iter()).for_each_concurrent(config.http.fetch_concurrency, |spec| {
            let poller = poller.clone();
            let shutdown = shutdown.clone();
            async move {
                tokio::select! {
                    _ = shutdown.cancelled() => {}
                    _ = poller.poll_and_log(spec) => {}
                }
            }
        });
        polls.await;
        return;
    }
    let mut tasks = tokio::task::JoinSet::new();
    for spec in sources {
        let schedule = Schedule::for_source(&spec, &config.sources);
        tasks.spawn(poller.clone().run(spec, schedule, shutdown.clone()));
    }
    drop(poller);
    while tasks.join_next().await.is_some() {}
}

/// The article stages' ends, as the cluster wires them.
struct ArticlePath {
    inflight: Inflight,
    unacknowledged: Unacknowledged,
    discovered_tx: async_channel::Sender<Ticketed<Discovered>>,
    quoted_rx: async_channel::Receiver<Ticketed<Record>>,
    dead_rx: async_channel::Receiver<Ticketed<DeadLetter>>,
    fetch_stage: tokio::task::JoinHandle<()>,
    committer: tokio::task::JoinHandle<()>,
}

/// One instance of a cluster (see `src/cluster/`): the sources group decides which sources are
/// polled here, and what they find goes to the fetch topic; the articles group decides which
/// URLs enter the stages here, and the publisher commits their records transactionally.
#[allow(clippy::too_many_arguments)] // the pieces `run` built: naming them is the clearest
async fn run_cluster(
    config: Config,
    sources: Vec<SourceSpec>,
    shutdown: CancellationToken,
    ready: Arc<Readiness>,
    fetcher: Arc<Fetcher>,
    article_store: Arc<Store>,
    local_commits: crate::delivery::CommitSender,
    articles: ArticlePath,
) -> anyhow::Result<RunReport> {
    cluster::topics::ensure(&config.kafka, &config.cluster, config.dedupe.retention_days)
        .await
        .context("preparing the cluster's topics")?;

    // The pollers' own store: cursors, and which URLs were handed over (not which were published).
    let sources_dir = config.run.state_dir.join("sources");
    let sources_store =
        Arc::new(Store::open(&sources_dir).with_context(|| format!("opening state in {}", sources_dir.display()))?);
    sources_store.configure(Retention::from(&config.dedupe));
    sources_store.expire(chrono::Utc::now()).context("expiring old source state")?;
    let (sources_commit_tx, sources_commit_rx) = mpsc::unbounded_channel();
    let sources_committer = tokio::spawn(commit_loop(sources_store.clone(), sources_commit_rx));
    let (handoff_tx, handoff_rx) = async_channel::bounded(config.pipeline.channel_capacity);
    let handoff = cluster::handoff::Handoff::new(&config.kafka, &config.cluster)?;
    let handoff = tokio::spawn(handoff.run(handoff_rx));
    let poller = Poller {
        fetcher,
        store: sources_store,
        commits: sources_commit_tx,
        inflight: Inflight::default(),
        max_articles_per_poll: config.sources.max_articles_per_poll,
        out: handoff_tx,
        log_limiter: Arc::new(crate::telemetry::LogLimiter::new(SOURCE_LOG_WINDOW)),
    };

    let ArticlePath { inflight, unacknowledged, discovered_tx, quoted_rx, dead_rx, fetch_stage, committer } = articles;
    let (ticket_commits_tx, ticket_commits_rx) = mpsc::unbounded_channel();
    let (events_tx, events_rx) = mpsc::unbounded_channel();
    let publisher = Publisher::new(&config, local_commits).await?;
    crate::kafka::watch_broker(publisher.producer(), ready.clone(), shutdown.clone());
    let published = CancellationToken::new();
    let inputs =
        PublisherInputs { records: quoted_rx, dead_letters: dead_rx, commits: ticket_commits_rx, events: events_rx };
    let publisher = tokio::spawn({
        let (published, shutdown) = (published.clone(), shutdown.clone());
        async move {
            let result = publisher.run(inputs).await;
            if let Err(error) = &result {
                tracing::error!(%error, "publishing failed; this instance stops");
                shutdown.cancel();
            }
            published.cancel();
            result
        }
    });
    let intake =
        Intake { store: article_store, inflight, out: discovered_tx, commits: ticket_commits_tx, events: events_tx };
    let intake = intake.spawn(&config, shutdown.clone(), published)?;
    let sources_group = cluster::sources::spawn(&config, sources, poller, shutdown.clone())?;
    tracing::info!(instance = %config.cluster.instance_id, group = %config.cluster.group_id, "joined the cluster");

    shutdown.cancelled().await;
    ready.set_draining();
    let drain_bound = Duration::from_secs(config.run.drain_timeout_secs);
    let drain = async {
        let _ = tokio::task::spawn_blocking(move || sources_group.join()).await;
        let _ = handoff.await;
        let _ = sources_committer.await;
        let _ = fetch_stage.await;
        let published = publisher.await.context("publisher task")?;
        let intake = tokio::task::spawn_blocking(move || intake.join()).await.context("articles group task")?;
        let _ = committer.await;
        published.context("publishing")?;
        match intake {
            Ok(restored) => restored.context("articles group"),
            Err(_) => anyhow::bail!("the articles group thread panicked"),
        }
    };
    let started = Instant::now();
    let drain_timed_out = match tokio::time::timeout(drain_budget(drain_bound), drain).await {
        Ok(published) => {
            published?;
            false
        }
        Err(_) => true,
    };
    // In a cluster, what was not finished goes to the partitions' next owner.
    Ok(drain_report(&unacknowledged, drain_timed_out, started, drain_bound))
}

/// Fetch articles, `concurrency` at a time (per-host limits live in the fetcher). A fetched
/// article is owed from here on: `unacknowledged` holds it until its ticket is acknowledged.
async fn fetch_loop(
    fetcher: Arc<Fetcher>,
    concurrency: usize,
    unacknowledged: Unacknowledged,
    input: async_channel::Receiver<Ticketed<Discovered>>,
    output: async_channel::Sender<Ticketed<FetchedPage>>,
) {
    // Identical failures from one source (a host that 403s every article) log once a minute.
    let limiter = Arc::new(crate::telemetry::LogLimiter::new(Duration::from_secs(60)));
    let depth_probe = input.clone();
    let queue_depth = metrics::gauge!("talkwire_queue_depth", "stage" => "fetch");
    input
        .inspect(|_| queue_depth.set(depth_probe.len() as f64))
        .for_each_concurrent(concurrency, |Ticketed { item: discovered, ticket }| {
            let (fetcher, output, limiter) = (fetcher.clone(), output.clone(), limiter.clone());
            let unacknowledged = unacknowledged.clone();
            async move {
                let url = discovered.url.clone();
                let id = url_id(&url);
                let fetched = fetcher.fetch_url(&url, None).await;
                match fetched {
                    Ok(Fetched::Body(body)) => {
                        let mut ticket = ticket;
                        unacknowledged.track(&id, &mut ticket);
                        let _ = output.send(Ticketed { item: FetchedPage { discovered, body }, ticket }).await;
                    }
                    Ok(Fetched::NotModified(_)) => ticket.delivered(),
                    Err(error) => {
                        let transient = error.is_transient();
                        let key = format!("{} {}", discovered.source.url, error.kind());
                        if let Some(suppressed) = limiter.check(&key) {
                            let source = &discovered.source.url;
                            if transient {
                                tracing::warn!(url = %url, %id, %source, %error, suppressed, "article fetch failed; will retry on a later poll");
                            } else {
                                tracing::warn!(url = %url, %id, %source, %error, suppressed, "article unavailable; skipped");
                            }
                        }
                        let outcome = if transient { "fetch_retry" } else { "unavailable" };
                        metrics::counter!("talkwire_articles_total", "outcome" => outcome).increment(1);
                        if transient { ticket.failed() } else { ticket.delivered() }
                    }
                }
            }
        })
        .await;
    limiter.report_suppressed("article fetches");
}

/// Run `f` on `workers` dedicated threads between two bounded channels,
/// passing tickets through untouched. Returns the output channel.
fn spawn_stage<In, Out, F>(
    name: &'static str,
    workers: usize,
    capacity: usize,
    input: async_channel::Receiver<Ticketed<In>>,
    f: F,
) -> async_channel::Receiver<Ticketed<Out>>
where
    In: Send + 'static,
    Out: Send + 'static,
    F: Fn(In) -> Option<Out> + Send + Sync + 'static,
{
    // A stage that drops an article drops its ticket unresolved: it fails, and is fetched again later.
    spawn_ticketed_stage(name, workers, capacity, input, move |Ticketed { item, ticket }| {
        f(item).map(|item| Ticketed { item, ticket })
    })
}

/// Like [`spawn_stage`], for stages that resolve tickets themselves (dedupe, relevance).
fn spawn_ticketed_stage<In, Out, F>(
    name: &'static str,
    workers: usize,
    capacity: usize,
    input: async_channel::Receiver<Ticketed<In>>,
    f: F,
) -> async_channel::Receiver<Ticketed<Out>>
where
    In: Send + 'static,
    Out: Send + 'static,
    F: Fn(Ticketed<In>) -> Option<Ticketed<Out>> + Send + Sync + 'static,
{
    let (tx, rx) = async_channel::bounded(capacity);
    let f = Arc::new(f);
    for n in 0..workers.max(1) {
        let (input, tx, f) = (input.clone(), tx.clone(), f.clone());
        std::thread::Builder::new()
            .name(format!("tw-{name}-{n}"))
            .spawn(move || {
                let received = metrics::counter!("talkwire_stage_received_total", "stage" => name);
                let emitted = metrics::counter!("talkwire_stage_emitted_total", "stage" => name);
                let seconds = metrics::histogram!("talkwire_stage_seconds", "stage" => name);
                let queue_depth = metrics::gauge!("talkwire_queue_depth", "stage" => name);
                while let Ok(item) = input.recv_blocking() {
                    received.increment(1);
                    queue_depth.set(input.len() as f64);
                    let started = Instant::now();
                    let out = f(item);
                    seconds.record(started.elapsed().as_secs_f64());
                    let Some(out) = out else { continue };
                    emitted.increment(1);
                    if tx.send_blocking(out).is_err() {
                        break;
                    }
                }
            })
            .expect("cannot spawn a stage thread");
    }
    rx
}

/// Apply delivered commits in batches: one fsync per batch, not per article.
/// Claims held by the batches are released once their writes are durable.
async fn commit_loop(store: Arc<Store>, mut rx: mpsc::UnboundedReceiver<CommitBatch>) {
    const MAX_COMMITS: usize = 256;
    // Delivery reports come in bursts (the producer lingers too): waiting this long after the
    // first one gathers a burst into one transaction and one fsync. Commits only ever follow
    // deliveries, so the wait delays state, never weakens it.
    const LINGER: Duration = Duration::from_millis(10);
    while let Some(first) = rx.recv().await {
        let mut count = first.commits.len();
        let mut batches = vec![first];
        let deadline = tokio::time::Instant::now() + LINGER;
        while count < MAX_COMMITS {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(more)) => {
                    count += more.commits.len();
                    batches.push(more);
                }
                Ok(None) | Err(_) => break,
            }
        }
        let store = store.clone();
        let applied = tokio::task::spawn_blocking(move || {
            let commits: Vec<Commit> = batches.iter().flat_map(|b| b.commits.iter().cloned()).collect();
            store.apply(&commits)
            // `batches` drops here, after the write: their claims end now.
        })
        .await;
        match applied {
            Ok(Ok(())) => tracing::debug!(count, "committed"),
            Ok(Err(error)) => tracing::error!(%error, count, "cannot commit delivered state; it will be redone"),
            Err(error) => tracing::error!(%error, "commit task failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_files_show_as_paths() {
        let url = Url::parse("file:///srv/replay/a.html").unwrap();
        assert_eq!(display_url(&url), "/srv/replay/a.html");
        let url = Url::parse("https://x.example/a").unwrap();
        assert_eq!(display_url(&url), "https://x.example/a");
    }
}
