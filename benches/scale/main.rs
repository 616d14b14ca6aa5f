//! Scale figures of the whole daemon against a real local Kafka broker, printed next to their
//! targets (issue 7). Nothing here asserts a time: the machine is shared and noisy.
//!
//! ```text
//! scripts/bench-scale.sh                          starts a broker if none is up, runs this, stops it
//! TALKWIRE_BENCH_BROKERS=127.0.0.1:9092 cargo bench --bench scale
//! ```
//!
//! 1. latency — feed request that first listed an item → broker acknowledgement (LogAppendTime),
//!    p50/p95/p99 through the release binary in daemon mode (`latency.rs`);
//! 2. producer — records/s through talkwire's Kafka sink vs a bare rdkafka producer with the same
//!    settings, in process (`producer.rs`);
//! 3. memory — peak and sampled RSS of the daemon with 5,000 sources and 10,000 articles, then
//! 4. polling — polls/s and polls per CPU second with conditional GETs, mostly 304 (`sources.rs`);
//! 5. cost — articles per CPU-second of `talkwire run --once --sink kafka` against `talkwire enrich`
//!    on the same saved pages of `../shared/bench/` (`cost.rs`).
//!
//! Settings (environment): `TALKWIRE_BENCH_BROKERS` (default 127.0.0.1:9092), `BENCH_ONLY` (comma
//! list of latency, producer, sources, cost), `BENCH_LATENCY_ITEMS` (500), `BENCH_LATENCY_RATE` (items/s,
//! 20), `BENCH_PRODUCER_RECORDS` (20000), `BENCH_PRODUCER_ROUNDS` (2), `BENCH_SOURCES` (5000),
//! `BENCH_POLL_SECONDS` (20).

mod broker;
mod cost;
mod daemon;
mod latency;
mod producer;
mod site;
mod sources;

use std::path::Path;
use std::time::Duration;

use sources::mb;

const LATENCY_P99_TARGET_MS: u64 = 250;
const PRODUCER_RATIO_TARGET: f64 = 0.8;
const PEAK_RSS_TARGET_MB: f64 = 150.0;
const COST_RATIO_TARGET: f64 = 0.9;
/// "Flat": RSS after the last article, and after the quiet polling that follows, within this
/// factor of RSS a quarter of the way through.
const FLAT_RSS_FACTOR: f64 = 1.2;

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let brokers = std::env::var("TALKWIRE_BENCH_BROKERS").unwrap_or_else(|_| "127.0.0.1:9092".into());
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/articles");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!("scale bench: broker {brokers}, talkwire {}", env!("CARGO_BIN_EXE_talkwire"));

    let mut rows: Vec<[String; 4]> = Vec::new();
    if wanted("latency") {
        let items = setting("BENCH_LATENCY_ITEMS", 500);
        let l = latency::run(&rt, &brokers, &fixtures, items, setting("BENCH_LATENCY_RATE", 20.0));
        rows.push([
            format!("latency, feed fetch -> broker ack (LogAppendTime), {} items", l.items),
            format!("p50 {} / p95 {} / p99 {} ms", l.p50_ms, l.p95_ms, l.p99_ms),
            format!("p99 < {LATENCY_P99_TARGET_MS} ms"),
            verdict(l.p99_ms < LATENCY_P99_TARGET_MS),
        ]);
    }
    if wanted("producer") {
        let count = setting("BENCH_PRODUCER_RECORDS", 20_000);
        let p = producer::run(&rt, &brokers, &fixtures, count, setting("BENCH_PRODUCER_ROUNDS", 2).max(1));
        rows.push([
            format!(
                "producer, {} records of {:.1} KB: sink / bare rdkafka",
                p.records,
                p.mean_payload_bytes as f64 / 1024.0
            ),
            format!("{:.0} / {:.0} records/s = {:.2}", p.sink_per_second, p.bare_per_second, p.ratio()),
            format!("ratio >= {PRODUCER_RATIO_TARGET}"),
            verdict(p.ratio() >= PRODUCER_RATIO_TARGET),
        ]);
    }
    if wanted("sources") {
        let (m, p) = sources::run(
            &rt,
            &brokers,
            &fixtures,
            setting("BENCH_SOURCES", 5_000),
            Duration::from_secs(setting("BENCH_POLL_SECONDS", 20)),
        );
        let (quarter, end) = (m.rss_at(0.25), m.rss_at(1.0));
        let flat = end.max(m.settled_rss_kb) as f64 <= quarter as f64 * FLAT_RSS_FACTOR;
        rows.push([
            format!("memory, {} sources, {} articles ({:.0} s)", m.sources, m.articles, m.seconds),
            format!(
                "peak {:.1} MB; RSS {:.1} / {:.1} / {:.1} / {:.1} MB at 25/50/75/100 %, {:.1} MB {} s later",
                mb(m.peak_rss_kb),
                mb(quarter),
                mb(m.rss_at(0.5)),
                mb(m.rss_at(0.75)),
                mb(end),
                mb(m.settled_rss_kb),
                sources::SETTLE.as_secs()
            ),
            format!("< {PEAK_RSS_TARGET_MB} MB, flat"),
            verdict(mb(m.peak_rss_kb) < PEAK_RSS_TARGET_MB && flat),
        ]);
        rows.push([
            format!(
                "polling, {} sources, {:.0} % answered 304",
                p.sources,
                100.0 * p.not_modified as f64 / p.polls as f64
            ),
            format!(
                "{:.0} polls/s on {:.2} CPU s/s = {:.0} polls/s per core",
                p.polls_per_second(),
                p.cpu_seconds / p.window_secs,
                p.polls_per_cpu_second()
            ),
            "(figure only)".into(),
            String::new(),
        ]);
    }
    if wanted("cost") {
        let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
        if let Some(c) = cost::run(&rt, &brokers, &bench) {
            rows.push([
                format!("cost, {} saved pages ({} published): daemon / enrich", c.pages, c.published),
                format!(
                    "{:.0} / {:.0} articles per CPU s ({:.1} / {:.1} CPU s) = {:.2}",
                    c.daemon_per_cpu_second(),
                    c.enrich_per_cpu_second(),
                    c.daemon_cpu_seconds,
                    c.enrich_cpu_seconds,
                    c.ratio()
                ),
                format!("ratio >= {COST_RATIO_TARGET}"),
                verdict(c.ratio() >= COST_RATIO_TARGET),
            ]);
        }
    }
    print_table(&rows);
}

fn verdict(met: bool) -> String {
    if met { "met" } else { "MISSED" }.into()
}

fn print_table(rows: &[[String; 4]]) {
    let header = ["figure", "measured", "target", ""].map(String::from);
    let widths: Vec<usize> =
        (0..4).map(|c| rows.iter().chain([&header]).map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    println!("\nscale bench summary (one run)");
    for row in [&header].into_iter().chain(rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        println!("  {}", cells.join("  ").trim_end());
    }
}
