//! Many sources, two daemon runs of the release binary on one state directory:
//!
//! * memory: 5,000 feeds of 2 items each (10,000 articles), polled every 10 s; RSS and peak RSS
//!   (VmRSS, VmHWM) sampled every 250 ms until every record is acknowledged by the broker, then
//!   for 30 s more of polling (304s only), to show RSS settles rather than keeps growing;
//! * polling: the same daemon restarted on that state with a 1 s interval, so every poll is a
//!   conditional GET; feeds change every 10 s (new validators, items already seen) so about one
//!   answer in ten is a 200 to parse, the rest 304. Polls/s and the daemon's CPU seconds
//!   (utime + stime of all its threads, /proc/PID/stat) over a measured window give polls/s per core.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::broker;
use crate::daemon::{Daemon, DaemonSetup};
use crate::site::{Site, SiteConfig};

pub struct Memory {
    pub sources: usize,
    pub articles: usize,
    pub seconds: f64,
    pub peak_rss_kb: u64,
    /// (articles acknowledged so far, VmRSS kB), one per `SAMPLE_EVERY` while articles are processed.
    pub samples: Vec<(i64, u64)>,
    /// VmRSS at the end of the quiet polling after the last article.
    pub settled_rss_kb: u64,
}

impl Memory {
    /// RSS at the first sample taken once `fraction` of the articles were acknowledged.
    pub fn rss_at(&self, fraction: f64) -> u64 {
        let due = (self.articles as f64 * fraction) as i64;
        self.samples.iter().find(|(done, _)| *done >= due).or(self.samples.last()).map_or(0, |s| s.1)
    }
}

pub struct Polling {
    pub sources: usize,
    pub window_secs: f64,
    pub polls: u64,
    pub not_modified: u64,
    pub cpu_seconds: f64,
}

impl Polling {
    pub fn polls_per_second(&self) -> f64 {
        self.polls as f64 / self.window_secs
    }

    pub fn polls_per_cpu_second(&self) -> f64 {
        self.polls as f64 / self.cpu_seconds
    }
}

const ITEMS_PER_FEED: usize = 2;
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// Print every this many samples (2 s).
const PRINT_EVERY: u32 = 8;
const MEMORY_INTERVAL_SECS: u64 = 10;
/// Three poll rounds after the last article: a leak per poll would show.
pub const SETTLE: Duration = Duration::from_secs(3 * MEMORY_INTERVAL_SECS);
const HOSTS: usize = 16;

pub fn run(
    rt: &tokio::runtime::Runtime,
    brokers: &str,
    fixtures: &Path,
    sources: usize,
    poll_window: Duration,
) -> (Memory, Polling) {
    let site = Site::start(
        SiteConfig { feeds: sources, hosts: HOSTS, items_per_feed: ITEMS_PER_FEED, window: 20, items_per_second: None },
        fixtures,
    );
    let work = tempfile::tempdir().expect("work dir");
    let state = work.path().join("state");
    let feeds: Vec<String> = (0..sources).map(|f| site.feed_url(f)).collect();
    let memory = memory(rt, brokers, &site, feeds.clone(), &state, work.path());
    let polling = polling(brokers, &site, feeds, &state, work.path(), poll_window);
    (memory, polling)
}

fn memory(
    rt: &tokio::runtime::Runtime,
    brokers: &str,
    site: &Site,
    feeds: Vec<String>,
    state: &Path,
    work: &Path,
) -> Memory {
    let (sources, articles) = (feeds.len(), feeds.len() * ITEMS_PER_FEED);
    let topic = broker::fresh_topic("memory");
    rt.block_on(broker::create_topic(brokers, &topic, false));
    println!(
        "memory: {sources} feeds on {HOSTS} loopback hosts, {articles} articles, polled every {MEMORY_INTERVAL_SECS} s; topic {topic}"
    );
    println!("memory: {:>6} {:>9} {:>9} {:>9}", "t_s", "records", "rss_MB", "peak_MB");
    let mut daemon = Daemon::start(&DaemonSetup {
        feeds,
        interval_secs: MEMORY_INTERVAL_SECS,
        brokers,
        topic: &topic,
        state_dir: state,
        work_dir: work,
    });
    let counter = broker::Counter::new(brokers);
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut peak_rss_kb = 0;
    for sample in 1.. {
        std::thread::sleep(SAMPLE_EVERY);
        daemon.assert_running();
        let done = counter.records(&topic);
        let (rss, peak) = daemon.rss_kb();
        peak_rss_kb = peak_rss_kb.max(peak);
        samples.push((done, rss));
        let t = started.elapsed().as_secs_f64();
        if sample % PRINT_EVERY == 0 || done >= articles as i64 {
            println!("memory: {t:>6.1} {done:>9} {:>9.1} {:>9.1}", mb(rss), mb(peak));
        }
        if done >= articles as i64 {
            break;
        }
        assert!(t < 900.0, "memory: only {done} of {articles} records after {t:.0} s; see {}", daemon.log.display());
    }
    let seconds = started.elapsed().as_secs_f64();
    let settle_until = Instant::now() + SETTLE;
    while Instant::now() < settle_until {
        std::thread::sleep(SAMPLE_EVERY * PRINT_EVERY);
        daemon.assert_running();
        let (rss, peak) = daemon.rss_kb();
        peak_rss_kb = peak_rss_kb.max(peak);
        let t = started.elapsed().as_secs_f64();
        println!("memory: {t:>6.1} {:>9} {:>9.1} {:>9.1}", counter.records(&topic), mb(rss), mb(peak));
    }
    let (settled_rss_kb, _) = daemon.rss_kb();
    let log = daemon.log.clone();
    assert!(daemon.stop(), "memory: talkwire did not exit 0 after SIGTERM; see {}", log.display());
    println!(
        "memory: {articles} records in {seconds:.0} s ({:.0}/s), then {SETTLE:?} of polling; site served {:?}",
        articles as f64 / seconds,
        site.counts()
    );
    Memory { sources, articles, seconds, peak_rss_kb, samples, settled_rss_kb }
}

fn polling(brokers: &str, site: &Site, feeds: Vec<String>, state: &Path, work: &Path, window: Duration) -> Polling {
    const WARM_UP: Duration = Duration::from_secs(5);
    let sources = feeds.len();
    site.refresh_feeds_every(Duration::from_secs(10));
    // Nothing new is published: the topic only has to exist for the producer.
    let topic = broker::fresh_topic("polling");
    println!(
        "polling: {sources} feeds, 1 s interval, conditional GETs; feeds change every 10 s; measured over {window:?}"
    );
    let mut daemon = Daemon::start(&DaemonSetup {
        feeds,
        interval_secs: 1,
        brokers,
        topic: &topic,
        state_dir: state,
        work_dir: work,
    });
    std::thread::sleep(WARM_UP);
    daemon.assert_running();
    let (before, cpu_before, started) = (site.counts(), daemon.cpu_seconds(), Instant::now());
    std::thread::sleep(window);
    let (after, cpu_after, window_secs) = (site.counts(), daemon.cpu_seconds(), started.elapsed().as_secs_f64());
    daemon.assert_running();
    let log = daemon.log.clone();
    let (rss, peak) = daemon.rss_kb();
    assert!(daemon.stop(), "polling: talkwire did not exit 0 after SIGTERM; see {}", log.display());
    let not_modified = after.feeds_not_modified - before.feeds_not_modified;
    let polls = not_modified + after.feeds_ok - before.feeds_ok;
    let result = Polling { sources, window_secs, polls, not_modified, cpu_seconds: cpu_after - cpu_before };
    println!(
        "polling: {polls} polls in {window_secs:.1} s ({:.0}/s, {:.1} % answered 304), {:.2} CPU s ({:.0} % of one core), \
         {:.0} polls per CPU second; {} articles fetched; RSS {:.1} MB, peak {:.1} MB",
        result.polls_per_second(),
        100.0 * not_modified as f64 / polls.max(1) as f64,
        result.cpu_seconds,
        100.0 * result.cpu_seconds / window_secs,
        result.polls_per_cpu_second(),
        after.articles - before.articles,
        mb(rss),
        mb(peak),
    );
    result
}

pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}
