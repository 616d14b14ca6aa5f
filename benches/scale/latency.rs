//! Latency: from the feed request that first listed an item to the broker's acknowledgement of
//! its record, through the real daemon (release binary, 1 s poll interval).
//!
//! Start: the fixture site's clock when that feed request arrived (the wait for the poll is not
//! counted). End: the record's LogAppendTime, the broker's clock when it appended the record, just
//! before it acknowledges it to the producer (acks=all on a single broker). Same machine, same clock.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::broker;
use crate::daemon::{Daemon, DaemonSetup};
use crate::site::{Site, SiteConfig};

pub struct Latency {
    pub items: usize,
    pub p50_ms: u64,
    pub p95_ms: u64,
    pub p99_ms: u64,
    pub max_ms: u64,
}

pub fn run(rt: &tokio::runtime::Runtime, brokers: &str, fixtures: &Path, items: usize, rate: f64) -> Latency {
    const FEEDS: usize = 20;
    let site = Site::start(
        SiteConfig {
            feeds: FEEDS,
            hosts: 4,
            items_per_feed: items.div_ceil(FEEDS),
            window: 20,
            items_per_second: Some(rate),
        },
        fixtures,
    );
    let items = items.div_ceil(FEEDS) * FEEDS;
    let topic = broker::fresh_topic("latency");
    rt.block_on(broker::create_topic(brokers, &topic, true));
    let work = tempfile::tempdir().expect("work dir");
    let state = work.path().join("state");
    println!(
        "latency: {items} items over {FEEDS} feeds at {rate} items/s, polled every 1 s; topic {topic} \
         (LogAppendTime)"
    );
    let mut daemon = Daemon::start(&DaemonSetup {
        feeds: (0..FEEDS).map(|f| site.feed_url(f)).collect(),
        interval_secs: 1,
        brokers,
        topic: &topic,
        state_dir: &state,
        work_dir: work.path(),
    });
    let counter = broker::Counter::new(brokers);
    let deadline = Instant::now() + Duration::from_secs_f64(items as f64 / rate) + Duration::from_secs(120);
    while counter.records(&topic) < items as i64 {
        assert!(Instant::now() < deadline, "latency: only {} of {items} records arrived", counter.records(&topic));
        daemon.assert_running();
        std::thread::sleep(Duration::from_millis(500));
    }
    let log = daemon.log.clone();
    assert!(daemon.stop(), "latency: talkwire did not exit 0 after SIGTERM; see {}", log.display());

    let mut latencies: Vec<u64> = broker::read_all(brokers, &topic, items)
        .iter()
        .map(|(appended_ms, payload)| {
            let record: serde_json::Value = serde_json::from_slice(payload).expect("record JSON");
            let url = record["url"].as_str().expect("record url");
            let listed_ms = site.first_listed_ms(url).unwrap_or_else(|| panic!("{url} was never listed"));
            (*appended_ms as u64).saturating_sub(listed_ms)
        })
        .collect();
    assert_eq!(latencies.len(), items, "latency: records read back");
    latencies.sort_unstable();
    let percentile = |p: f64| latencies[((p / 100.0 * latencies.len() as f64).ceil() as usize).max(1) - 1];
    let result = Latency {
        items,
        p50_ms: percentile(50.0),
        p95_ms: percentile(95.0),
        p99_ms: percentile(99.0),
        max_ms: *latencies.last().expect("latencies"),
    };
    println!(
        "latency: p50 {} ms, p95 {} ms, p99 {} ms, max {} ms over {} records",
        result.p50_ms, result.p95_ms, result.p99_ms, result.max_ms, result.items
    );
    result
}
