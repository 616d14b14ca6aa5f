//! Cost per article: the daemon's whole path against the article stages alone, on the same saved
//! pages, in articles per CPU-second of the talkwire process (user + system, every thread).
//!
//! The pages are the benchmark corpora in `../shared/bench/` (Zyte and fundus-dev), served from
//! loopback behind one feed with per-host limits off. `talkwire run --once --sink kafka` fetches,
//! extracts, dedupes, enriches, publishes to the local broker and commits state on the delivery
//! reports; `talkwire enrich` runs the same article stages on the same files. The config makes every
//! page relevant, so both runs do the entity and quote work on every page.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};

use crate::broker;

/// What one cost run measured.
pub struct Cost {
    pub pages: usize,
    pub enrich_cpu_seconds: f64,
    pub daemon_cpu_seconds: f64,
    pub published: i64,
}

impl Cost {
    pub fn enrich_per_cpu_second(&self) -> f64 {
        self.pages as f64 / self.enrich_cpu_seconds
    }

    pub fn daemon_per_cpu_second(&self) -> f64 {
        self.pages as f64 / self.daemon_cpu_seconds
    }

    pub fn ratio(&self) -> f64 {
        self.daemon_per_cpu_second() / self.enrich_per_cpu_second()
    }
}

/// The saved pages of the shared benchmark corpora, decompressed into `dir`; None when the
/// corpora are not there (the bench says so and skips this section).
fn saved_pages(bench: &Path, dir: &Path) -> Option<Vec<PathBuf>> {
    let mut gz = Vec::new();
    let zyte = bench.join("zyte-article-extraction/html");
    gz.extend(std::fs::read_dir(&zyte).ok()?.filter_map(|e| e.ok().map(|e| e.path())));
    for country in std::fs::read_dir(bench.join("fundus-dev")).ok()?.filter_map(Result::ok) {
        for publisher in std::fs::read_dir(country.path()).into_iter().flatten().filter_map(Result::ok) {
            gz.extend(
                std::fs::read_dir(publisher.path()).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())),
            );
        }
    }
    gz.retain(|p| p.to_string_lossy().ends_with(".html.gz"));
    gz.sort();
    let mut pages = Vec::new();
    for (n, path) in gz.iter().enumerate() {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).ok()?).read_to_end(&mut html).ok()?;
        let page = dir.join(format!("page-{n:04}.html"));
        std::fs::write(&page, html).ok()?;
        pages.push(page);
    }
    Some(pages)
}

/// Serve `dir` on loopback (robots.txt: 404, i.e. everything allowed).
fn serve(rt: &tokio::runtime::Runtime, dir: PathBuf) -> SocketAddr {
    let dir = Arc::new(dir);
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let dir = dir.clone();
        async move {
            let name = req.uri().path().trim_start_matches('/').to_string();
            match (name.contains(".."), tokio::fs::read(dir.join(&name)).await) {
                (false, Ok(bytes)) => {
                    let kind = if name.ends_with(".xml") { "application/rss+xml" } else { "text/html" };
                    Response::builder().header(header::CONTENT_TYPE, kind).body(Body::from(bytes)).expect("response")
                }
                _ => Response::builder().status(StatusCode::NOT_FOUND).body(Body::empty()).expect("response"),
            }
        }
    });
    rt.spawn(async move { axum::serve(listener, app).await });
    addr
}

/// CPU seconds (user + system) of every child reaped so far.
fn children_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Run `command` to its end; returns the CPU seconds it spent.
fn cpu_seconds_of(command: &mut Command, what: &str) -> f64 {
    let before = children_cpu_seconds();
    let status = command.status().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(status.success(), "{what} failed: {status}");
    children_cpu_seconds() - before
}

pub fn run(rt: &tokio::runtime::Runtime, brokers: &str, bench: &Path) -> Option<Cost> {
    let work = tempfile::tempdir().expect("work dir");
    let site = work.path().join("site");
    std::fs::create_dir_all(&site).expect("site dir");
    let Some(pages) = saved_pages(bench, &site) else {
        println!("cost: the benchmark pages are not in {} (skipped)", bench.display());
        return None;
    };
    let addr = serve(rt, site.clone());
    let items: String = pages
        .iter()
        .map(|p| {
            let name = p.file_name().expect("page name").to_string_lossy();
            format!("<item><title>{name}</title><link>http://{addr}/{name}</link></item>\n")
        })
        .collect();
    std::fs::write(
        site.join("feed.xml"),
        format!("<rss version=\"2.0\"><channel><title>Pages</title>{items}</channel></rss>"),
    )
    .expect("feed");

    let topic = broker::fresh_topic("cost");
    rt.block_on(broker::create_topic(brokers, &topic, false));
    let state = work.path().join("state");
    // Production settings except: loopback allowed, no per-host politeness towards this machine,
    // one poll takes every page, and every page is on topic so both runs do the whole article path.
    let config = work.path().join("talkwire.toml");
    std::fs::write(
        &config,
        format!(
            "[run]\nstate_dir = {state:?}\nallow_private = true\n\n\
             [http]\nper_host_concurrency = 16\nper_host_min_delay_ms = 0\nfetch_concurrency = 16\n\n\
             [sources]\nmax_articles_per_poll = 100000\n\n\
             [topic]\nthreshold = 0.0\nrequire = []\n\n[topic.exclude]\n\n\
             [sink]\nkind = \"kafka\"\n\n\
             [kafka]\nbrokers = {brokers:?}\ntopic = {topic:?}\ndead_letter_topic = \"\"\n\n\
             [metrics]\nlisten = \"\"\n",
            state = state.display().to_string(),
        ),
    )
    .expect("config");

    let talkwire = env!("CARGO_BIN_EXE_talkwire");
    let enrich_cpu_seconds = cpu_seconds_of(
        Command::new(talkwire)
            .args(["enrich", "--config"])
            .arg(&config)
            .args(&pages)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "talkwire enrich",
    );
    let daemon_cpu_seconds = cpu_seconds_of(
        Command::new(talkwire)
            .args(["run", "--once", "--config"])
            .arg(&config)
            .args(["--feed", &format!("http://{addr}/feed.xml")])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(work.path().join("daemon.log")).expect("daemon log")),
        "talkwire run --once",
    );
    let published = broker::Counter::new(brokers).records(&topic);
    Some(Cost { pages: pages.len(), enrich_cpu_seconds, daemon_cpu_seconds, published })
}
