//! Shared test helpers: a local HTTP fixture server (real sockets), the talkwire
//! binary, and a Kafka consumer for the real local broker.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};

/// One request the fixture server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request path.
    pub path: String,
    /// Whether it carried If-None-Match.
    pub conditional: bool,
    /// Its User-Agent.
    pub user_agent: String,
}

/// A static-file HTTP server on 127.0.0.1 that answers conditional GETs with 304.
pub struct FixtureServer {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl FixtureServer {
    /// Serve `dir` on an ephemeral port, on a runtime of its own thread.
    pub fn start(dir: &Path) -> Self {
        let dir = dir.to_path_buf();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(move |req: Request<Body>| {
                    let (dir, log) = (dir.clone(), log.clone());
                    async move {
                        if req.uri().path().starts_with("/__hang") {
                            // A server that accepts and never answers.
                            tokio::time::sleep(Duration::from_secs(600)).await;
                        }
                        serve_file(&dir, req, &log)
                    }
                });
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv_timeout(Duration::from_secs(10)).expect("fixture server did not start");
        Self { addr, seen }
    }

    /// URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Requests seen so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Forget the requests seen so far.
    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn serve_file(dir: &Path, req: Request<Body>, log: &Mutex<Vec<Seen>>) -> Response<Body> {
    let headers: &HeaderMap = req.headers();
    let path = req.uri().path().to_string();
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    log.lock().unwrap().push(Seen {
        path: path.clone(),
        conditional: if_none_match.is_some(),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string(),
    });
    // Fault injection: /__status/CODE answers CODE (with Retry-After); /__hang is handled in `start`.
    if let Some(code) = path.strip_prefix("/__status/").and_then(|c| c.parse::<u16>().ok()) {
        return Response::builder()
            .status(StatusCode::from_u16(code).unwrap())
            .header(header::RETRY_AFTER, "1")
            .body(Body::empty())
            .unwrap();
    }
    let rel = path.trim_start_matches('/');
    if rel.contains("..") {
        return status(StatusCode::BAD_REQUEST);
    }
    let Ok(bytes) = std::fs::read(dir.join(rel)) else {
        return status(StatusCode::NOT_FOUND);
    };
    let etag = format!("\"{:x}\"", bytes.len() as u64 * 31 + bytes.iter().map(|&b| b as u64).sum::<u64>());
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Body::empty())
            .unwrap();
    }
    let content_type = match Path::new(rel).extension().and_then(|e| e.to_str()) {
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        _ => "text/plain",
    };
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ETAG, etag)
        .body(Body::from(bytes))
        .unwrap()
}

fn status(code: StatusCode) -> Response<Body> {
    Response::builder().status(code).body(Body::empty()).unwrap()
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `talkwire` command with test-friendly settings: no metrics port, no politeness delay
/// towards the fixture server, loopback allowed.
pub fn talkwire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_talkwire"));
    cmd.current_dir(root())
        .env("TALKWIRE_METRICS__LISTEN", "")
        .env("TALKWIRE_HTTP__PER_HOST_MIN_DELAY_MS", "0")
        .env("TALKWIRE_HTTP__PER_HOST_CONCURRENCY", "4")
        .env("RUST_LOG", "info");
    cmd
}

/// Run and capture; print stderr when the test fails to help diagnosis.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("cannot run talkwire");
    eprintln!("--- talkwire stderr ---\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// JSON lines of stdout.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The record JSON Schema shipped in the repository, compiled.
pub fn record_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema/record.v1.json")).expect("schema/record.v1.json");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("valid JSON Schema")
}

/// Assert `record` is valid against the shipped schema.
pub fn assert_valid_record(validator: &jsonschema::Validator, record: &serde_json::Value) {
    let errors: Vec<String> =
        validator.iter_errors(record).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "record does not match schema/record.v1.json: {errors:?}");
}

/// Kafka bootstrap servers of the real local broker (scripts/test.sh starts one).
pub fn brokers() -> String {
    std::env::var("TALKWIRE_TEST_BROKERS").unwrap_or_else(|_| "127.0.0.1:9092".into())
}

/// The broker's address, or a loud failure: these tests never skip.
pub fn require_kafka() -> String {
    let brokers = brokers();
    let first = brokers.split(',').next().unwrap_or_default().to_string();
    let reachable = first
        .parse::<SocketAddr>()
        .ok()
        .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok());
    assert!(
        reachable,
        "no Kafka broker reachable at {brokers}: run `scripts/kafka-local.sh start` (scripts/test.sh does it), \
         or set TALKWIRE_TEST_BROKERS"
    );
    brokers
}

/// A topic name no other test (or earlier run) uses.
pub fn unique_topic(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// A record read back from Kafka.
#[derive(Debug, Clone)]
pub struct Consumed {
    pub key: String,
    pub headers: Vec<(String, String)>,
    pub value: serde_json::Value,
}

/// Read `topic` from the beginning (partitions assigned directly: no group rebalance to wait
/// for) until at least `expected` records arrived, then for `quiet` more to catch extras.
pub fn consume_all(brokers: &str, topic: &str, expected: usize, quiet: Duration) -> Vec<Consumed> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::{Headers, Message};
    use rdkafka::{ClientConfig, Offset, TopicPartitionList};

    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", unique_topic("test-reader"))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let md = consumer.fetch_metadata(Some(topic), Duration::from_secs(10)).unwrap();
    let mut assignment = TopicPartitionList::new();
    for p in md.topics()[0].partitions() {
        assignment.add_partition_offset(topic, p.id(), Offset::Beginning).unwrap();
    }
    consumer.assign(&assignment).unwrap();
    let mut out = Vec::new();
    let mut last = std::time::Instant::now();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while (out.len() < expected || last.elapsed() < quiet) && std::time::Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => {
                let headers = m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| {
                                (h.key.to_string(), String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Consumed {
                    key: String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned(),
                    headers,
                    value: serde_json::from_slice(m.payload().unwrap_or_default()).expect("payload is JSON"),
                });
                last = std::time::Instant::now();
            }
            Some(Err(e)) => eprintln!("consumer: {e}"),
            None => {}
        }
    }
    out
}

/// Sum of the topic's high watermarks: how many records were ever written.
pub fn records_in(brokers: &str, topic: &str) -> i64 {
    use rdkafka::ClientConfig;
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer =
        ClientConfig::new().set("bootstrap.servers", brokers).set("group.id", unique_topic("wm")).create().unwrap();
    let md = consumer.fetch_metadata(Some(topic), Duration::from_secs(10)).unwrap();
    md.topics()[0]
        .partitions()
        .iter()
        .map(|p| consumer.fetch_watermarks(topic, p.id(), Duration::from_secs(10)).map(|(lo, hi)| hi - lo).unwrap_or(0))
        .sum()
}

/// A site of `n` distinct on-topic articles and an RSS feed `feed.xml` listing them, built
/// from the fixture article T1 with a numbered dateline so no two are exact duplicates.
pub fn generated_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(
        root().join("tests/fixtures/site/articles/iran-us-nuclear-talks-resume-in-muscat.html"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    let mut items = String::new();
    for i in 0..n {
        let page = template.replacen("MUSCAT, Oman", &format!("MUSCAT, Oman (dispatch {i}, edition {})", i * 7919), 1);
        std::fs::write(dir.path().join(format!("a/story-number-{i}.html")), page).unwrap();
        items.push_str(&format!(
            "<item><title>Story {i}</title><link>/a/story-number-{i}.html</link><guid>s{i}</guid></item>\n"
        ));
    }
    let feed =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gen</title>{items}</channel></rss>");
    std::fs::write(dir.path().join("feed.xml"), feed).unwrap();
    dir
}
