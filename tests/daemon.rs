//! The daemon's behaviour over real sockets, without Kafka: SSRF refusal, the body
//! size cap, metrics and health endpoints, and the graceful drain on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{FixtureServer, json_lines, root, run, talkwire};

fn site() -> FixtureServer {
    FixtureServer::start(&root().join("tests/fixtures/site"))
}

#[test]
fn loopback_sources_are_refused_unless_allowed() {
    let server = site();
    let state = tempfile::tempdir().unwrap();
    let out = run(talkwire()
        .args(["run", "--once", "--sink", "stdout", "--feed", &server.url("rss.xml"), "--state-dir"])
        .arg(state.path()));
    assert!(out.status.success(), "a refused source is logged, not fatal");
    assert!(json_lines(&out).is_empty());
    assert!(server.requests().is_empty(), "nothing may reach 127.0.0.1 without --allow-private");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-private"));
}

#[test]
fn bodies_over_the_size_cap_are_refused_and_logged() {
    let server = site();
    let state = tempfile::tempdir().unwrap();
    let out = run(talkwire()
        .env("TALKWIRE_HTTP__MAX_BODY_BYTES", "4096")
        .args(["run", "--once", "--sink", "stdout", "--allow-private", "--feed", &server.url("rss.xml"), "--state-dir"])
        .arg(state.path()));
    assert!(out.status.success());
    assert!(json_lines(&out).is_empty(), "every article page is larger than 4 KiB");
    assert!(String::from_utf8_lossy(&out.stderr).contains("body larger than 4096 bytes"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn the_daemon_serves_health_and_metrics_and_drains_on_sigterm() {
    let server = site();
    let state = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = talkwire()
        .env("TALKWIRE_METRICS__LISTEN", format!("127.0.0.1:{port}"))
        .env("TALKWIRE_RUN__DRAIN_TIMEOUT_SECS", "10")
        .args(["run", "--sink", "stdout", "--allow-private", "--feed", &server.url("rss.xml")])
        .args(["--page", &server.url("section.html"), "--state-dir"])
        .arg(state.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Wait for the first published record.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"schema_version\":1"), "{first}");

    let get = |path: &str| {
        let body = std::process::Command::new("curl")
            .args(["-s", "-o", "-", "-w", "\n%{http_code}", &format!("http://127.0.0.1:{port}{path}")])
            .output()
            .unwrap();
        String::from_utf8_lossy(&body.stdout).into_owned()
    };
    assert!(get("/health").ends_with("200"));
    assert!(get("/ready").ends_with("200"));
    let metrics = get("/metrics");
    assert!(metrics.contains("talkwire_polls_total"), "{metrics}");

    let started = Instant::now();
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "did not drain within its bound");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "SIGTERM drains and exits 0, got {status:?}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    assert!(logs.contains("SIGTERM") && logs.contains("\"message\":\"drained\""), "{logs}");
    assert!(!logs.contains("drain bound reached"), "{logs}");
}

/// Twenty links to a loopback address, with credentials in them: one line says why they were
/// refused, the line at exit counts the other nineteen, and the password appears nowhere.
#[test]
fn refusals_are_all_accounted_for_at_exit_and_credentials_are_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..20)
        .map(|i| format!("<item><title>T{i}</title><link>http://editor:hunter2@127.0.0.1:9/a/{i}.html</link></item>"))
        .collect();
    let feed = dir.path().join("feed.xml");
    std::fs::write(&feed, format!("<rss version=\"2.0\"><channel><title>F</title>{items}</channel></rss>")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = run(talkwire()
        .args(["run", "--once", "--sink", "stdout", "--feed"])
        .arg(&feed)
        .arg("--state-dir")
        .arg(state.path()));
    assert!(out.status.success(), "a refused link is not owed");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(!logs.contains("hunter2"), "credentials in the log:\n{logs}");
    let lines: Vec<serde_json::Value> = logs.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let skipped = lines.iter().filter(|l| l["message"] == "article unavailable; skipped").count();
    assert_eq!(skipped, 1, "{logs}");
    let held: u64 = lines
        .iter()
        .filter(|l| l["message"] == "repeated log lines held back")
        .filter_map(|l| l["suppressed"].as_u64())
        .sum();
    assert_eq!(held, 19, "{logs}");
}

/// A host that never answers holds an article fetch when SIGTERM comes: the daemon still exits
/// within `run.drain_timeout_secs` and says the drain was cut short. The article was never
/// fetched, so nothing is owed and the exit is 0; the next run fetches it again.
#[test]
fn a_slow_host_cannot_stretch_the_drain_past_its_bound() {
    const BOUND_SECS: u64 = 2;
    let dir = tempfile::tempdir().unwrap();
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow</title>\
        <item><title>Held</title><link>/__hang/a/held.html</link></item></channel></rss>";
    std::fs::write(dir.path().join("feed.xml"), feed).unwrap();
    let server = FixtureServer::start(dir.path());
    let state = tempfile::tempdir().unwrap();
    let mut child = talkwire()
        .env("TALKWIRE_METRICS__LISTEN", "")
        .env("TALKWIRE_RUN__DRAIN_TIMEOUT_SECS", BOUND_SECS.to_string())
        .args(["run", "--sink", "stdout", "--allow-private", "--feed", &server.url("feed.xml"), "--state-dir"])
        .arg(state.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The poll queued the article; once robots.txt was read its fetch hangs.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut logs = String::new();
    while !logs.contains("\"message\":\"polled source\"") {
        assert!(stderr.read_line(&mut logs).unwrap() > 0, "exited early: {logs}");
    }
    while !server.requests().iter().any(|r| r.path == "/robots.txt") {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let stopping = Instant::now();
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(stopping.elapsed() < Duration::from_secs(BOUND_SECS + 10), "no exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = stopping.elapsed();
    // The bound, and the 50 ms this loop may take to notice the exit.
    assert!(took < Duration::from_millis(BOUND_SECS * 1000 + 50), "drain bound {BOUND_SECS} s, took {took:?}");
    assert!(status.success(), "nothing fetched is owed: {status:?}");
    std::io::Read::read_to_string(&mut stderr, &mut logs).unwrap();
    assert!(logs.contains("drain bound reached"), "{logs}");
    assert!(!logs.contains("\"message\":\"drained\""), "a cut-short drain does not claim to have drained: {logs}");
}
