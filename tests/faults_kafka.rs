//! Faults against the real local broker: dead letters, a broker that goes away and
//! comes back, SIGKILL and restart, SIGTERM under load, and sources that hang or fail.
//! Each test reports expected / delivered / duplicate keys. They fail (never skip)
//! when no broker is reachable: scripts/test.sh starts one.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{FixtureServer, consume_all, generated_site, require_kafka, root, run, talkwire, unique_topic};

/// Keys of `topic`, with how often each was written.
fn key_counts(brokers: &str, topic: &str, expected: usize) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in consume_all(brokers, topic, expected, Duration::from_secs(2)) {
        *counts.entry(r.key).or_insert(0) += 1;
    }
    counts
}

fn report(name: &str, expected: usize, counts: &HashMap<String, usize>) -> usize {
    let duplicates: usize = counts.values().map(|c| c - 1).sum();
    eprintln!("{name}: expected {expected} / delivered {} / duplicate keys {duplicates}", counts.len());
    duplicates
}

/// The drain bound the daemons of these tests run with.
const DRAIN_SECS: u64 = 20;

fn daemon(server: &FixtureServer, brokers: &str, topic: &str, state: &std::path::Path) -> Child {
    daemon_with(server, brokers, topic, state, &[])
}

fn daemon_with(
    server: &FixtureServer,
    brokers: &str,
    topic: &str,
    state: &std::path::Path,
    env: &[(&str, &str)],
) -> Child {
    talkwire()
        .env("TALKWIRE_SOURCES__DEFAULT_INTERVAL_SECS", "1")
        .env("TALKWIRE_SOURCES__MIN_INTERVAL_SECS", "1")
        .env("TALKWIRE_RUN__DRAIN_TIMEOUT_SECS", DRAIN_SECS.to_string())
        .envs(env.iter().copied())
        .args(["run", "--sink", "kafka", "--allow-private", "--brokers", brokers, "--topic", topic])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, sig: &str) {
    std::process::Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap();
}

/// Wait for exit within `bound`; panics (after killing it) otherwise.
fn wait_exit(child: &mut Child, bound: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            panic!("did not exit within {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child's stderr, read line by line as it comes (so the pipe never fills and blocks it).
#[derive(Clone, Default)]
struct LogTail(Arc<Mutex<Vec<String>>>);

impl LogTail {
    fn follow(child: &mut Child) -> Self {
        let tail = Self::default();
        let (lines, stderr) = (tail.0.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        tail
    }

    /// How many lines were read so far.
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Lines from `from` on whose `message` is `message`.
    fn count(&self, from: usize, message: &str) -> usize {
        let needle = format!("\"message\":\"{message}\"");
        self.0.lock().unwrap()[from..].iter().filter(|l| l.contains(&needle)).count()
    }

    /// The first line (from `from` on) whose `message` is `message`.
    fn find(&self, from: usize, message: &str) -> Option<serde_json::Value> {
        let lines = self.0.lock().unwrap();
        lines[from..]
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["message"] == message)
    }

    fn all(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

/// Wait until `topic` holds at least `n` records.
fn wait_records(brokers: &str, topic: &str, n: i64, bound: Duration) {
    let started = Instant::now();
    while common::records_in(brokers, topic) < n {
        assert!(started.elapsed() < bound, "fewer than {n} records in {topic} after {bound:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn kafka_local(port: u16, command: &[&str]) {
    let status = std::process::Command::new(root().join("scripts/kafka-local.sh"))
        .args(command)
        .env("KAFKA_PORT", port.to_string())
        .env("KAFKA_EXTRA_PROPERTIES", "broker.session.timeout.ms=3000 broker.heartbeat.interval.ms=500")
        .status()
        .unwrap();
    assert!(status.success(), "scripts/kafka-local.sh {command:?} on port {port} failed");
}

/// Stops the test's own broker however the test ends.
struct StopBroker(u16);

impl Drop for StopBroker {
    fn drop(&mut self) {
        kafka_local(self.0, &["stop"]);
    }
}

#[test]
fn unparseable_pages_and_oversized_records_go_to_the_dead_letter_topic() {
    let brokers = require_kafka();
    let site = generated_site(2);
    std::fs::write(site.path().join("a/empty-page-with-no-article.html"), "<html><body><nav>Menu</nav></body></html>")
        .unwrap();
    let feed = std::fs::read_to_string(site.path().join("feed.xml")).unwrap().replace(
        "</channel>",
        "<item><title>Empty</title><link>/a/empty-page-with-no-article.html</link></item></channel>",
    );
    std::fs::write(site.path().join("feed.xml"), feed).unwrap();
    let server = FixtureServer::start(site.path());
    let (topic, dead) = (unique_topic("talkwire-dlq-main"), unique_topic("talkwire-dlq"));
    let state = tempfile::tempdir().unwrap();
    let mut cmd = talkwire();
    // Records of the generated site are ~20 KB: a 4 KB limit makes them too large for the broker.
    cmd.env("TALKWIRE_KAFKA__DEAD_LETTER_TOPIC", &dead)
        .env("TALKWIRE_KAFKA__PROPERTIES__message.max.bytes", "4000")
        .args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path());
    let out = run(&mut cmd);
    assert!(out.status.success(), "dead-lettered articles are handled, not failures");

    let letters = consume_all(&brokers, &dead, 3, Duration::from_secs(2));
    let reasons: HashSet<String> =
        letters.iter().map(|l| l.headers.iter().find(|(k, _)| k == "talkwire.dlq.reason").unwrap().1.clone()).collect();
    eprintln!("dead letters: expected 3 / delivered {}", letters.len());
    assert_eq!(letters.len(), 3);
    assert_eq!(reasons, HashSet::from(["no_article_text".to_string(), "record_too_large".to_string()]));
    for l in &letters {
        for header in ["talkwire.dlq.stage", "talkwire.dlq.error", "talkwire.dlq.url", "talkwire.dlq.at"] {
            assert!(l.headers.iter().any(|(k, v)| k == header && !v.is_empty()), "{header} in {:?}", l.headers);
        }
        assert_eq!(l.value["id"].as_str().unwrap(), l.key);
    }
    // Nothing reached the main topic, and nothing blocks the next run.
    assert_eq!(common::records_in(&brokers, &topic), 0);
    let again = run(&mut cmd);
    assert!(again.status.success());
    assert_eq!(consume_all(&brokers, &dead, 3, Duration::from_secs(1)).len(), 3, "dead letters are final");
}

/// A feed of the first `n` items of `full_feed`.
fn first_items(full_feed: &str, n: usize) -> String {
    full_feed.split("</item>").take(n).collect::<Vec<_>>().join("</item>") + "</item></channel></rss>"
}

/// A broker outage of a minute while the daemon keeps polling: deliveries time out and fail,
/// later polls fetch the articles again, and once the broker is back every article is on the
/// topic once. The Kafka client says so in a few lines, not hundreds, and a SIGTERM after the
/// recovery exits 0: failures that were re-delivered are not owed.
#[test]
fn a_broker_that_stops_mid_run_gets_every_article_once_it_is_back() {
    require_kafka();
    const PORT: u16 = 19092;
    const OUTAGE: Duration = Duration::from_secs(60);
    // A fresh data dir: what earlier runs left must not slow down this broker's restart below.
    kafka_local(PORT, &["start", "--fresh"]);
    let _stop_at_end = StopBroker(PORT);
    let brokers = format!("127.0.0.1:{PORT}");
    let site = generated_site(12);
    let full_feed = std::fs::read_to_string(site.path().join("feed.xml")).unwrap();
    // Start with the first 4 items; the rest appear while the broker is down.
    std::fs::write(site.path().join("feed.xml"), first_items(&full_feed, 4)).unwrap();
    let server = FixtureServer::start(site.path());
    let topic = unique_topic("talkwire-bounce");
    let state = tempfile::tempdir().unwrap();
    // Deliveries time out within the outage, so some fail and are fetched again later.
    let mut child =
        daemon_with(&server, &brokers, &topic, state.path(), &[("TALKWIRE_KAFKA__MESSAGE_TIMEOUT_MS", "10000")]);
    let logs = LogTail::follow(&mut child);
    wait_records(&brokers, &topic, 4, Duration::from_secs(60));

    kafka_local(PORT, &["stop"]);
    let outage_began = logs.len();
    std::fs::write(site.path().join("feed.xml"), &full_feed).unwrap();
    std::thread::sleep(OUTAGE); // polls find 8 new articles; none can be delivered
    let client_lines = logs.count(outage_began, "kafka client");
    let failure_lines = logs.count(outage_began, "not delivered; it will be fetched again");
    kafka_local(PORT, &["start"]);
    wait_records(&brokers, &topic, 12, Duration::from_secs(120));
    std::thread::sleep(Duration::from_secs(11)); // the broker probe's interval: it sees the recovery

    eprintln!("a {OUTAGE:?} outage: {client_lines} Kafka client lines, {failure_lines} delivery failure lines");
    // One limit covers every client line, so a line just before the outage may hold back the
    // outage's own: at most a few, whatever came before.
    assert!(client_lines <= 3, "Kafka client lines in a minute's outage:\n{}", logs.all());
    assert!(failure_lines <= 2, "failed deliveries are logged once a minute:\n{}", logs.all());
    assert_eq!(logs.count(outage_began, "Kafka broker unreachable; records wait in the producer queue"), 1);
    let recovered = logs.find(outage_began, "Kafka broker reachable again").expect("the recovery is logged");
    assert!(recovered["outage_secs"].as_u64().unwrap() >= OUTAGE.as_secs() - 10, "{recovered}");
    assert!(!logs.all().contains("log.file"), "no build-host paths in the log");

    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(DRAIN_SECS + 2));
    let drained = logs.find(0, "drained").unwrap_or_else(|| panic!("no drained line:\n{}", logs.all()));
    assert_eq!(drained["unacknowledged"], 0, "{drained}");
    assert!(status.success(), "re-delivered failures are not owed: {status:?}");
    let counts = key_counts(&brokers, &topic, 12);
    let duplicates = report("broker bounce", 12, &counts);
    assert_eq!(counts.len(), 12, "every article delivered once the broker is back");
    assert_eq!(duplicates, 0, "idempotent producer + delivery-gated state: no duplicate keys");
}

/// SIGTERM while the broker is down: the drain ends at its bound (the producer flush included),
/// the articles fetched since the outage began are still owed, and the exit code and the log
/// line say so. A run after the broker is back publishes exactly those.
#[test]
fn a_daemon_stopped_while_the_broker_is_down_exits_non_zero_within_the_bound_with_the_count() {
    require_kafka();
    const PORT: u16 = 19094; // 19093 is the controller port of the broker above
    const BOUND_SECS: u64 = 5;
    kafka_local(PORT, &["start", "--fresh"]);
    let _stop_at_end = StopBroker(PORT);
    let brokers = format!("127.0.0.1:{PORT}");
    let site = generated_site(7);
    let full_feed = std::fs::read_to_string(site.path().join("feed.xml")).unwrap();
    std::fs::write(site.path().join("feed.xml"), first_items(&full_feed, 4)).unwrap();
    let server = FixtureServer::start(site.path());
    let topic = unique_topic("talkwire-down-at-stop");
    let state = tempfile::tempdir().unwrap();
    let bound = BOUND_SECS.to_string();
    let mut child =
        daemon_with(&server, &brokers, &topic, state.path(), &[("TALKWIRE_RUN__DRAIN_TIMEOUT_SECS", &bound)]);
    let logs = LogTail::follow(&mut child);
    wait_records(&brokers, &topic, 4, Duration::from_secs(60));

    kafka_local(PORT, &["stop"]);
    std::fs::write(site.path().join("feed.xml"), &full_feed).unwrap();
    let started = Instant::now();
    while logs.count(0, "publishing") < 7 {
        assert!(started.elapsed() < Duration::from_secs(30), "the 3 new articles were not fetched:\n{}", logs.all());
        std::thread::sleep(Duration::from_millis(100));
    }
    signal(&child, "-TERM");
    let stopping = Instant::now();
    let status = wait_exit(&mut child, Duration::from_secs(BOUND_SECS + 10));
    let took = stopping.elapsed();
    eprintln!("stopped with the broker down: exit {status:?} after {took:?} (bound {BOUND_SECS} s)");
    // The bound, and the 50 ms `wait_exit` may take to notice the exit.
    assert!(took < Duration::from_millis(BOUND_SECS * 1000 + 50), "the drain bound is the bound: {took:?}");
    assert_eq!(status.code(), Some(2), "articles still owed at exit");
    let cut = logs
        .find(0, "drain bound reached; unfinished articles will be fetched again")
        .unwrap_or_else(|| panic!("no drain-bound line:\n{}", logs.all()));
    assert_eq!(cut["unacknowledged"], 3, "{cut}");
    assert_eq!(logs.count(0, "drained"), 0, "a cut-short drain does not claim to have drained");

    kafka_local(PORT, &["start"]);
    let mut cmd = talkwire();
    cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path());
    assert!(run(&mut cmd).status.success());
    let counts = key_counts(&brokers, &topic, 7);
    let duplicates = report("stopped while the broker was down", 7, &counts);
    assert_eq!(counts.len(), 7, "the owed articles are published by the next run");
    assert_eq!(duplicates, 0);
}

#[test]
fn sigkill_mid_run_loses_nothing_and_the_state_reopens() {
    let brokers = require_kafka();
    const N: usize = 40;
    let site = generated_site(N);
    let server = FixtureServer::start(site.path());
    let topic = unique_topic("talkwire-kill");
    let state = tempfile::tempdir().unwrap();
    let mut child = daemon(&server, &brokers, &topic, state.path());
    wait_records(&brokers, &topic, 20, Duration::from_secs(60));
    signal(&child, "-KILL");
    let _ = child.wait();
    let delivered_before_kill = common::records_in(&brokers, &topic) as usize;

    let mut cmd = talkwire();
    cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path());
    let out = run(&mut cmd);
    assert!(out.status.success(), "the state store opens cleanly after SIGKILL");
    let counts = key_counts(&brokers, &topic, N);
    let duplicates = report("SIGKILL and restart", N, &counts);
    eprintln!("SIGKILL: {delivered_before_kill} records on the topic at the kill");
    assert_eq!(counts.len(), N, "nothing lost");
    // Only what was delivered but not yet committed at the kill is published again: the commit
    // follows each delivery report by one batched fsync, so that is a few articles, never most
    // of what was delivered (which is what a daemon that commits nothing would republish).
    assert!(
        duplicates * 2 < delivered_before_kill,
        "{duplicates} of {delivered_before_kill} delivered before the kill were published again"
    );
}

#[test]
fn sigterm_under_load_drains_flushes_and_exits_zero_within_the_bound() {
    let brokers = require_kafka();
    const N: usize = 60;
    let site = generated_site(N);
    let server = FixtureServer::start(site.path());
    let topic = unique_topic("talkwire-term");
    let state = tempfile::tempdir().unwrap();
    let mut child = daemon(&server, &brokers, &topic, state.path());
    let logs = LogTail::follow(&mut child);
    wait_records(&brokers, &topic, 3, Duration::from_secs(60));
    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(DRAIN_SECS + 2));
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(200)); // the last lines reach the reader
    let drained = logs.find(0, "drained").unwrap_or_else(|| panic!("no drained line:\n{}", logs.all()));
    assert_eq!(drained["unacknowledged"], 0, "{drained}");

    // What was delivered is committed: a second pass publishes only the rest, each once.
    let mut cmd = talkwire();
    cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path());
    assert!(run(&mut cmd).status.success());
    let counts = key_counts(&brokers, &topic, N);
    let duplicates = report("SIGTERM under load", N, &counts);
    assert_eq!(counts.len(), N);
    assert_eq!(duplicates, 0, "a graceful drain commits what it delivered");
}

#[test]
fn hanging_failing_and_unresolvable_sources_do_not_hold_up_the_others() {
    let brokers = require_kafka();
    let site = generated_site(3);
    let server = FixtureServer::start(site.path());
    let topic = unique_topic("talkwire-sick");
    let state = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut cmd = talkwire();
    cmd.env("TALKWIRE_HTTP__TOTAL_TIMEOUT_SECS", "3")
        .env("TALKWIRE_HTTP__READ_TIMEOUT_SECS", "2")
        .args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("__hang/feed.xml"), "--feed", &server.url("__status/503")])
        .args(["--feed", &server.url("__status/429"), "--feed", "http://no-such-host.invalid/feed.xml"])
        .args(["--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path());
    let out = run(&mut cmd);
    let elapsed = started.elapsed();
    assert!(out.status.success());
    assert!(elapsed < Duration::from_secs(30), "bounded by timeouts: {elapsed:?}");
    let logs = String::from_utf8_lossy(&out.stderr);
    for (what, needle) in
        [("hang", "__hang"), ("503", "HTTP status 503"), ("429", "HTTP status 429"), ("dns", "no-such-host")]
    {
        assert!(logs.contains(needle), "{what} logged: {needle}");
    }
    let counts = key_counts(&brokers, &topic, 3);
    report("sick neighbours", 3, &counts);
    assert_eq!(counts.len(), 3, "the healthy feed's articles are all published");
}
