//! Scale-out against the real local broker: three instances share 30 feeds and ~150 articles
//! through Kafka consumer groups; one is SIGKILLed mid-run and the other two finish the work.
//! Checks every article published exactly once by key (read_committed), no source polled by two
//! instances at once, and the killed instance's sources taken over. Fails (never skips) when no
//! broker is reachable: scripts/test.sh starts one.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use common::{require_kafka, root, talkwire, unique_topic};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use talkwire::normalize::url_id;

const FEEDS: usize = 30;
const ARTICLES: usize = 150;
const INSTANCES: usize = 3;
/// Articles appear one by one over this long, so the kill lands mid-run.
const RELEASE_SPAN: Duration = Duration::from_secs(24);
/// Each feed response is held this long: a poll is an interval, and two instances polling one
/// source at once would overlap.
const FEED_HOLD: Duration = Duration::from_millis(150);

/// One poll of a feed, as the fixture server saw it.
#[derive(Debug, Clone)]
struct Poll {
    feed: usize,
    instance: usize,
    start: Instant,
    end: Instant,
}

/// Feeds whose items appear over time, and the articles they link to.
struct Site {
    started: Instant,
    articles: Vec<String>,
    polls: Mutex<Vec<Poll>>,
}

impl Site {
    /// Article `j` is listed by feed `j % FEEDS`, and every fifth one by a second feed too.
    fn feeds_of(j: usize) -> Vec<usize> {
        let mut feeds = vec![j % FEEDS];
        if j.is_multiple_of(5) {
            feeds.push((j * 7 + 3) % FEEDS);
        }
        feeds
    }

    fn released(&self) -> usize {
        let per_article = RELEASE_SPAN.as_secs_f64() / ARTICLES as f64;
        ((self.started.elapsed().as_secs_f64() / per_article) as usize + 1).min(ARTICLES)
    }

    fn feed(&self, feed: usize) -> String {
        let items: String = (0..self.released())
            .filter(|&j| Self::feeds_of(j).contains(&feed))
            .map(|j| format!("<item><title>Story {j}</title><link>/a/story-{j}.html</link><guid>s{j}</guid></item>\n"))
            .collect();
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {feed}</title>{items}</channel></rss>"
        )
    }
}

fn instance_of(user_agent: &str) -> usize {
    user_agent
        .split("instance-")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

async fn serve(site: Arc<Site>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let user_agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Some(feed) = path.strip_prefix("/feed-").and_then(|f| f.strip_suffix(".xml")).and_then(|f| f.parse().ok()) {
        let start = Instant::now();
        let instance = instance_of(user_agent);
        tokio::time::sleep(FEED_HOLD).await;
        let body = site.feed(feed);
        let etag = format!("\"{}-{}\"", body.len(), site.released());
        site.polls.lock().unwrap().push(Poll { feed, instance, start, end: Instant::now() });
        let unchanged = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
        let builder = Response::builder().header(header::ETAG, etag);
        return if unchanged {
            builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()).unwrap()
        } else {
            builder.header(header::CONTENT_TYPE, "application/xml").body(Body::from(body)).unwrap()
        };
    }
    let article = path.strip_prefix("/a/story-").and_then(|a| a.strip_suffix(".html")).and_then(|a| a.parse().ok());
    match article.and_then(|j: usize| site.articles.get(j)) {
        Some(page) => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(page.clone()))
            .unwrap(),
        None => Response::builder().status(StatusCode::NOT_FOUND).body(Body::empty()).unwrap(),
    }
}

fn start_site() -> (SocketAddr, Arc<Site>) {
    let template = std::fs::read_to_string(
        root().join("tests/fixtures/site/articles/iran-us-nuclear-talks-resume-in-muscat.html"),
    )
    .unwrap();
    let articles = (0..ARTICLES)
        .map(|j| template.replacen("MUSCAT, Oman", &format!("MUSCAT, Oman (dispatch {j}, edition {})", j * 7919), 1))
        .collect();
    let site = Arc::new(Site { started: Instant::now(), articles, polls: Mutex::new(Vec::new()) });
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = site.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().fallback(move |req: Request<Body>| serve(shared.clone(), req));
            axum::serve(listener, app).await.unwrap();
        });
    });
    (rx.recv_timeout(Duration::from_secs(10)).unwrap(), site)
}

/// The settings all instances share (names unique to this run), as environment variables.
struct Cluster {
    brokers: String,
    topic: String,
    env: Vec<(String, String)>,
    feeds: Vec<String>,
    logs: tempfile::TempDir,
}

impl Cluster {
    fn new(brokers: &str, addr: SocketAddr) -> Self {
        let run = unique_topic("scale");
        let topic = format!("{run}-articles");
        let env = [
            ("CLUSTER__ENABLED", "true".to_string()),
            ("CLUSTER__GROUP_ID", run.clone()),
            ("CLUSTER__PARTITIONS", "12".into()),
            ("CLUSTER__SOURCES_TOPIC", format!("{run}-sources")),
            ("CLUSTER__FETCH_TOPIC", format!("{run}-fetch")),
            ("CLUSTER__STATE_TOPIC", format!("{run}-state")),
            // The broker's minimum session; its transaction cleanup runs every 10 s.
            ("CLUSTER__SESSION_TIMEOUT_MS", "6000".into()),
            ("CLUSTER__TRANSACTION_TIMEOUT_MS", "10000".into()),
            ("CLUSTER__COMMIT_INTERVAL_MS", "200".into()),
            ("KAFKA__DEAD_LETTER_TOPIC", format!("{run}-dead")),
            ("SOURCES__DEFAULT_INTERVAL_SECS", "1".into()),
            ("SOURCES__MIN_INTERVAL_SECS", "1".into()),
            ("PIPELINE__CPU_WORKERS", "1".into()),
            ("RUN__DRAIN_TIMEOUT_SECS", "20".into()),
        ]
        .into_iter()
        .map(|(k, v)| (format!("TALKWIRE_{k}"), v))
        .collect();
        let feeds = (0..FEEDS).map(|f| format!("http://{addr}/feed-{f}.xml")).collect();
        Self { brokers: brokers.into(), topic, env, feeds, logs: tempfile::tempdir().unwrap() }
    }

    fn spawn(&self, instance: usize, state: &std::path::Path) -> Child {
        let log = std::fs::File::create(self.logs.path().join(format!("{instance}.log"))).unwrap();
        let mut cmd = talkwire();
        cmd.envs(self.env.iter().cloned())
            .env("TALKWIRE_CLUSTER__INSTANCE_ID", instance.to_string())
            // The fixture server tells the instances apart by their User-Agent.
            .env("TALKWIRE_HTTP__CONTACT_URL", format!("http://instance-{instance}.test/"))
            .args(["run", "--sink", "kafka", "--allow-private", "--brokers", &self.brokers, "--topic", &self.topic]);
        for feed in &self.feeds {
            cmd.args(["--feed", feed]);
        }
        cmd.arg("--state-dir").arg(state).stdout(Stdio::null()).stderr(Stdio::from(log)).spawn().unwrap()
    }

    fn log(&self, instance: usize) -> String {
        std::fs::read_to_string(self.logs.path().join(format!("{instance}.log"))).unwrap_or_default()
    }

    /// Every instance's group events, warnings and errors, and its last lines: why a wait failed.
    fn log_tails(&self) -> String {
        (0..INSTANCES)
            .map(|i| {
                let log = self.log(i);
                let lines: Vec<&str> = log.lines().collect();
                let events: Vec<&str> = lines
                    .iter()
                    .copied()
                    .filter(|l| ["assigned", "revoked", "joined", "WARN", "ERROR"].iter().any(|w| l.contains(w)))
                    .collect();
                let last = &lines[lines.len().saturating_sub(5)..];
                format!("--- instance {i} ---\n{}\n...\n{}", events.join("\n"), last.join("\n"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The instances, SIGKILLed when the test ends early: none outlives it.
struct Instances(Vec<Child>);

impl Drop for Instances {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Keys in `topic` as a `read_committed` reader sees them, with their counts; reads until
/// `expected` keys are there and no new record came for `quiet`, or until `bound`.
fn committed_keys(
    brokers: &str,
    topic: &str,
    expected: &HashSet<String>,
    quiet: Duration,
    bound: Duration,
) -> HashMap<String, usize> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", unique_topic("scale-reader"))
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .create()
        .unwrap();
    let started = Instant::now();
    let partitions = loop {
        // The topic appears with the first record.
        if let Ok(md) = consumer.fetch_metadata(Some(topic), Duration::from_secs(5))
            && let Some(t) = md.topics().first()
            && !t.partitions().is_empty()
        {
            break t.partitions().iter().map(|p| p.id()).collect::<Vec<_>>();
        }
        assert!(started.elapsed() < bound, "topic {topic} never appeared");
        std::thread::sleep(Duration::from_millis(500));
    };
    let mut assignment = TopicPartitionList::new();
    for p in partitions {
        assignment.add_partition_offset(topic, p, Offset::Beginning).unwrap();
    }
    consumer.assign(&assignment).unwrap();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut last = Instant::now();
    while started.elapsed() < bound && (!expected.iter().all(|k| counts.contains_key(k)) || last.elapsed() < quiet) {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            let key = String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned();
            *counts.entry(key).or_insert(0) += 1;
            last = Instant::now();
        }
    }
    counts
}

fn wait_until(cluster: &Cluster, bound: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < bound, "{what} within {bound:?}\n{}", cluster.log_tails());
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn three_instances_share_the_work_and_survive_losing_one() {
    let brokers = require_kafka();
    let (addr, site) = start_site();
    let cluster = Cluster::new(&brokers, addr);
    let expected: HashSet<String> =
        (0..ARTICLES).map(|j| url_id(&url::Url::parse(&format!("http://{addr}/a/story-{j}.html")).unwrap())).collect();
    let states: Vec<tempfile::TempDir> = (0..INSTANCES).map(|_| tempfile::tempdir().unwrap()).collect();
    let started = Instant::now();
    let mut instances = Instances((0..INSTANCES).map(|i| cluster.spawn(i, states[i].path())).collect());
    let children = &mut instances.0;

    // Kill instance 0 once every instance is polling and records are flowing.
    let polled_by = |instance: usize| site.polls.lock().unwrap().iter().any(|p| p.instance == instance);
    wait_until(&cluster, Duration::from_secs(60), "all three instances polling", || (0..INSTANCES).all(polled_by));
    wait_until(&cluster, Duration::from_secs(60), "records flowing", || {
        common::records_in(&brokers, &cluster.topic) >= 20
    });
    let victim = 0;
    let killed_at = Instant::now();
    std::process::Command::new("kill").args(["-KILL", &children[victim].id().to_string()]).status().unwrap();
    let _ = children[victim].wait();
    let released_at_kill = site.released();
    eprintln!(
        "killed instance {victim} after {:?}, {released_at_kill} of {ARTICLES} articles released",
        killed_at - started
    );
    assert!(released_at_kill < ARTICLES, "the kill must land mid-run: every article was already out");

    // The survivors publish everything.
    let published =
        committed_keys(&brokers, &cluster.topic, &expected, Duration::from_secs(3), Duration::from_secs(100));
    assert!(expected.iter().all(|k| published.contains_key(k)), "the survivors published every article");
    let finished = started.elapsed();
    for (i, child) in children.iter_mut().enumerate().filter(|(i, _)| *i != victim) {
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(40);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("instance {i} did not drain in time:\n{}", cluster.log(i));
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(status.success(), "instance {i} exited with {status:?}:\n{}", cluster.log(i));
    }

    // Every article exactly once by key, counted after the survivors' shutdown and the
    // rebalances it triggered: a late duplicate from the drain shows here.
    let counts = committed_keys(&brokers, &cluster.topic, &expected, Duration::from_secs(3), Duration::from_secs(30));
    let delivered = expected.iter().filter(|k| counts.contains_key(*k)).count();
    let duplicates: usize = counts.values().map(|c| c - 1).sum();
    let unexpected: Vec<&String> = counts.keys().filter(|k| !expected.contains(*k)).collect();
    let written = common::records_in(&brokers, &cluster.topic);
    eprintln!(
        "scale-out: expected {} / delivered {delivered} / duplicate keys {duplicates} / unexpected keys {} \
         (log end offsets incl. aborted records and transaction markers: {written}; all published after {finished:?})",
        expected.len(),
        unexpected.len()
    );

    // No source polled by two instances at once; the killed instance's sources taken over.
    let polls = site.polls.lock().unwrap().clone();
    let mut by_feed: BTreeMap<usize, Vec<Poll>> = BTreeMap::new();
    for p in polls {
        by_feed.entry(p.feed).or_default().push(p);
    }
    let assignments: usize = (0..INSTANCES).map(|i| cluster.log(i).matches("sources assigned").count()).sum();
    let mut overlaps = Vec::new();
    let mut most_switches = 0;
    let mut takeover = Duration::ZERO;
    let mut orphaned = Vec::new();
    for (feed, polls) in by_feed.iter_mut() {
        polls.sort_by_key(|p| p.start);
        for (a, b) in polls.iter().zip(polls.iter().skip(1)) {
            // Sorted by start: b overlaps a when it starts before a ends.
            if a.instance != b.instance && b.start < a.end {
                overlaps.push(format!("feed {feed}: instance {} and {} at once", a.instance, b.instance));
            }
        }
        let switches = polls.windows(2).filter(|w| w[0].instance != w[1].instance).count();
        most_switches = most_switches.max(switches);
        let last_before_kill = polls.iter().rev().find(|p| p.start < killed_at);
        if last_before_kill.is_some_and(|p| p.instance == victim) {
            match polls.iter().find(|p| p.start > killed_at && p.instance != victim) {
                Some(p) => takeover = takeover.max(p.start - killed_at),
                None => orphaned.push(*feed),
            }
        }
        assert!(
            !polls.iter().any(|p| p.instance == victim && p.start > killed_at + Duration::from_millis(100)),
            "a dead instance polls nothing"
        );
    }
    let victim_feeds = by_feed
        .values()
        .filter(|polls| polls.iter().rev().find(|p| p.start < killed_at).is_some_and(|p| p.instance == victim))
        .count();
    eprintln!(
        "sources: {} feeds polled; instance {victim} held {victim_feeds} at the kill, survivors took them over within \
         {takeover:?}; overlapping polls {}; most owner switches of a feed {most_switches} (assignments logged: {assignments})",
        by_feed.len(),
        overlaps.len()
    );

    assert_eq!(by_feed.len(), FEEDS, "every feed polled");
    assert!(victim_feeds > 0, "the killed instance held sources");
    assert!(orphaned.is_empty(), "feeds of the killed instance nobody took over: {orphaned:?}");
    assert!(overlaps.is_empty(), "{overlaps:?}");
    // A source changes hands only in a rebalance: double ownership would switch it at every poll.
    assert!(most_switches <= assignments, "{most_switches} switches with {assignments} assignments");
    assert!(unexpected.is_empty(), "unexpected keys: {unexpected:?}");
    assert_eq!(delivered, expected.len(), "every article published");
    assert_eq!(duplicates, 0, "every article published once");
}
