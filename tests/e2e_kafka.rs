//! The daemon path end to end: fixture feeds and pages served over real sockets,
//! `talkwire run --once` into the real local Kafka broker, the topic consumed back.
//! These tests fail (never skip) when no broker is reachable: scripts/test.sh starts one.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{
    FixtureServer, assert_valid_record, consume_all, record_validator, records_in, require_kafka, root, run, talkwire,
};

const T1: &str = "/articles/iran-us-nuclear-talks-resume-in-muscat.html";
const W1: &str = "/wire/2026/11/10/oman-hosts-iran-us-nuclear-negotiations.html";
const T2: &str = "/articles/iaea-chief-grossi-demands-access-to-fordow.html";
const T3: &str = "/articles/khamenei-backs-talks-after-un-snapback.html";
const T4: &str = "/articles/e3-press-iran-on-inspections-jcpoa.html";
const OFF: &str = "/articles/iran-futsal-team-qualifies-for-world-cup.html";
const MEMO: &str = "/private/secret-iran-talks-memo.html";

fn site() -> FixtureServer {
    FixtureServer::start(&root().join("tests/fixtures/site"))
}

/// `run --once` over every fixture source (and the broken feed) into `topic`.
fn run_once(server: &FixtureServer, brokers: &str, topic: &str, state: &std::path::Path) -> std::process::Output {
    let mut cmd = talkwire();
    cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", brokers, "--topic", topic])
        .args(["--feed", &server.url("rss.xml"), "--feed", &server.url("atom.xml"), "--feed", &server.url("feed.json")])
        .args(["--feed", &server.url("broken.xml"), "--page", &server.url("section.html"), "--state-dir"])
        .arg(state);
    run(&mut cmd)
}

fn path_of(url: &str) -> String {
    url::Url::parse(url).unwrap().path().to_string()
}

#[test]
fn feeds_and_pages_become_deduplicated_on_topic_records_on_the_topic_and_a_second_run_publishes_nothing() {
    let brokers = require_kafka();
    let server = site();
    let topic = common::unique_topic("talkwire-e2e");
    let state = tempfile::tempdir().unwrap();

    let out = run_once(&server, &brokers, &topic, state.path());
    assert!(out.status.success(), "a broken source is logged, not fatal");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.xml") && stderr.contains("source failed"),
        "the broken feed is logged with its URL"
    );

    let records = consume_all(&brokers, &topic, 4, Duration::from_secs(2));
    let paths: Vec<String> = records.iter().map(|r| path_of(r.value["url"].as_str().unwrap())).collect();
    assert_eq!(records.len(), 4, "T2, T3, T4 and one of T1/W1; got {paths:?}");
    for p in [T2, T3, T4] {
        assert!(paths.contains(&p.to_string()), "{p} missing from {paths:?}");
    }
    assert_eq!(paths.iter().filter(|p| *p == T1 || *p == W1).count(), 1, "the wire copy is an exact duplicate");
    assert!(!paths.iter().any(|p| p == OFF || p == MEMO), "off-topic and robots-disallowed never published");

    let validator = record_validator();
    let mut keys = HashSet::new();
    let mut hashes = HashSet::new();
    for r in &records {
        assert_valid_record(&validator, &r.value);
        assert_eq!(r.key, r.value["id"].as_str().unwrap(), "key = record id");
        assert!(keys.insert(r.key.clone()), "duplicate key {}", r.key);
        assert!(hashes.insert(r.value["dedupe"]["content_hash"].as_str().unwrap().to_string()));
        assert!(r.headers.contains(&("schema_version".into(), "1".into())), "{:?}", r.headers);
        assert!(r.headers.contains(&("content-type".into(), "application/json".into())), "{:?}", r.headers);
        assert_eq!(r.value["schema_version"], 1);
        assert_eq!(r.value["revision"], 1);
        assert_eq!(r.value["topic"]["relevant"], true);
        assert_eq!(r.value["language"], "en");
        assert_eq!(r.value["authors"], serde_json::json!(["Jane Roe"]));
        assert!(
            r.value["published_at"].as_str().unwrap().ends_with('Z')
                || r.value["published_at"].as_str().unwrap().ends_with("+00:00")
        );
        assert!(!r.value["entities"].as_array().unwrap().is_empty());
    }

    // Politeness: robots.txt read first, the disallowed memo never requested, an honest User-Agent.
    let requests = server.requests();
    assert!(!requests.iter().any(|r| r.path == MEMO), "robots.txt disallows {MEMO}");
    let first_article = requests.iter().position(|r| r.path.starts_with("/articles/")).unwrap();
    let robots = requests.iter().position(|r| r.path == "/robots.txt").expect("robots.txt requested");
    assert!(robots < first_article);
    assert!(requests.iter().all(|r| r.user_agent.starts_with("talkwire/") && r.user_agent.contains("(+http")));

    // Second run over unchanged sources: conditional GETs, nothing published.
    server.clear();
    let written = records_in(&brokers, &topic);
    let again = run_once(&server, &brokers, &topic, state.path());
    assert!(again.status.success());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(records_in(&brokers, &topic), written, "second run publishes nothing");
    let requests = server.requests();
    for feed in ["/rss.xml", "/atom.xml", "/feed.json", "/section.html"] {
        let r = requests.iter().find(|r| r.path == feed).unwrap_or_else(|| panic!("{feed} polled again"));
        assert!(r.conditional, "{feed} polled with If-None-Match");
    }
    assert!(
        !requests.iter().any(|r| r.path.starts_with("/articles/") || r.path.starts_with("/wire/")),
        "no article refetched"
    );
}

#[test]
fn when_the_broker_cannot_be_reached_nothing_is_marked_done() {
    let brokers = require_kafka();
    let server = site();
    let state = tempfile::tempdir().unwrap();
    let topic = common::unique_topic("talkwire-down");

    // Nothing listens on port 1: every record times out undelivered.
    let mut cmd = talkwire();
    cmd.env("TALKWIRE_KAFKA__MESSAGE_TIMEOUT_MS", "2000")
        .args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", "127.0.0.1:1", "--topic", &topic])
        .args(["--feed", &server.url("rss.xml"), "--state-dir"])
        .arg(state.path());
    let down = run(&mut cmd);
    assert_eq!(down.status.code(), Some(2), "undelivered records make --once fail");
    let owed = String::from_utf8_lossy(&down.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l["level"] == "ERROR" && l["unacknowledged"].is_u64())
        .expect("the exit is explained with a count");
    assert_eq!(owed["unacknowledged"], 2, "both on-topic articles were fetched and are owed: {owed}");

    // The same state, the real broker: everything is fetched and published, and the feed is
    // fetched in full (its cursor was not committed either).
    server.clear();
    let mut cmd = talkwire();
    cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", &brokers, "--topic", &topic])
        .args(["--feed", &server.url("rss.xml"), "--state-dir"])
        .arg(state.path());
    let up = run(&mut cmd);
    assert!(up.status.success());
    assert!(
        !server.requests().iter().any(|r| r.path == "/rss.xml" && r.conditional),
        "cursor not committed while down"
    );
    let records = consume_all(&brokers, &topic, 2, Duration::from_secs(2));
    let paths: HashSet<String> = records.iter().map(|r| path_of(r.value["url"].as_str().unwrap())).collect();
    assert_eq!(paths, HashSet::from([T1.to_string(), T2.to_string()]));
}
