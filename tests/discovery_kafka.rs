//! Discovery beyond feeds, end to end: a news sitemap index with a gzipped child, a site found by
//! feed autodiscovery, and the GDELT 2.0 update list with its zipped export and GKG files — all
//! served by the local fixture server over real sockets — through `talkwire run --once` into the
//! real local Kafka broker; and `talkwire discover`. See tests/fixtures/discovery/README.md.
//! These tests fail (never skip) when no broker is reachable: scripts/test.sh starts one.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use chrono::{SecondsFormat, TimeDelta, Utc};
use common::{FixtureServer, consume_all, records_in, require_kafka, root, run, talkwire};

const T1: &str = "/articles/iran-us-nuclear-talks-resume-in-muscat.html";
const T2: &str = "/articles/iaea-chief-grossi-demands-access-to-fordow.html";
const T3: &str = "/articles/khamenei-backs-talks-after-un-snapback.html";
const T4: &str = "/articles/e3-press-iran-on-inspections-jcpoa.html";
const D: &str = "/world/2026/11/12/delegations-meet-for-a-second-day-in-muscat.html";
const OFF: &str = "/articles/iran-futsal-team-qualifies-for-world-cup.html";
const MEMO: &str = "/private/secret-iran-talks-memo.html";
const OLD: &str = "/articles/old-story-from-last-month.html";
const STAMP: &str = "20261112183000";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    let mut child = std::process::Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("md5sum (coreutils)");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_string()
}

fn render(path: &Path, vars: &HashMap<&str, String>) {
    let mut text = std::fs::read_to_string(path).unwrap();
    for (k, v) in vars {
        text = text.replace(&format!("{{{{{k}}}}}"), v);
    }
    std::fs::write(path, text).unwrap();
}

fn zip_file(csv: &Path) -> Vec<u8> {
    let name = csv.file_name().unwrap().to_string_lossy().into_owned();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, options).unwrap();
    zip.write_all(&std::fs::read(csv).unwrap()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    std::fs::write(csv.with_file_name(format!("{}.zip", csv.file_name().unwrap().to_string_lossy())), &bytes).unwrap();
    bytes
}

/// The fixture site (articles) and the discovery fixtures in one served directory, rendered for `server`.
struct Site {
    dir: tempfile::TempDir,
    server: FixtureServer,
}

impl Site {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("tests/fixtures/site"), dir.path());
        copy_dir(&root().join("tests/fixtures/discovery"), dir.path());
        let server = FixtureServer::start(dir.path());
        let base = server.url("").trim_end_matches('/').to_string();
        let w3c = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let now = Utc::now();
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("BASE", base.clone()),
            ("HOST", server.addr.to_string()),
            ("RECENT_1", w3c(now - TimeDelta::hours(1))),
            ("RECENT_2", w3c(now - TimeDelta::hours(3))),
            ("OLD", w3c(now - TimeDelta::days(10))),
        ]);
        let p = dir.path();
        for file in ["robots.txt", "home.html", "feeds/world.xml", "sitemaps/news-index.xml", "sitemaps/news-1.xml"] {
            render(&p.join(file), &vars);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&std::fs::read(p.join("sitemaps/news-1.xml")).unwrap()).unwrap();
        std::fs::write(p.join("sitemaps/news-1.xml.gz"), gz.finish().unwrap()).unwrap();
        for (size, md5, file) in [
            ("EXPORT_SIZE", "EXPORT_MD5", "export.CSV"),
            ("MENTIONS_SIZE", "MENTIONS_MD5", "mentions.CSV"),
            ("GKG_SIZE", "GKG_MD5", "gkg.csv"),
        ] {
            let csv = p.join("gdelt").join(format!("{STAMP}.{file}"));
            render(&csv, &vars);
            let zipped = zip_file(&csv);
            vars.insert(size, zipped.len().to_string());
            vars.insert(md5, md5_hex(&zipped));
        }
        render(&p.join("gdelt/lastupdate.txt"), &vars);

        std::fs::write(
            p.join("seeds.toml"),
            format!(
                "[[source]]\nkind = \"sitemap\"\nurl = \"{base}/sitemaps/news-index.xml\"\nmax_age_hours = 48\n\n\
                 [[source]]\nkind = \"site\"\nurl = \"{base}/home.html\"\n\n\
                 [[source]]\nkind = \"gdelt\"\nurl = \"{base}/gdelt/lastupdate.txt\"\n"
            ),
        )
        .unwrap();
        std::fs::write(p.join("talkwire.toml"), "[sources]\nseeds_file = \"seeds.toml\"\n").unwrap();
        Self { dir, server }
    }

    fn run_once(&self, brokers: &str, topic: &str, state: &Path) -> std::process::Output {
        let mut cmd = talkwire();
        cmd.args(["run", "--once", "--sink", "kafka", "--allow-private", "--brokers", brokers, "--topic", topic])
            .arg("--config")
            .arg(self.dir.path().join("talkwire.toml"))
            .arg("--state-dir")
            .arg(state);
        run(&mut cmd)
    }

    fn requested(&self) -> Vec<String> {
        self.server.requests().into_iter().map(|r| r.path).collect()
    }
}

fn path_of(url: &str) -> String {
    url::Url::parse(url).unwrap().path().to_string()
}

#[test]
fn sitemaps_autodiscovered_feeds_and_gdelt_deliver_every_article_exactly_once() {
    let brokers = require_kafka();
    let site = Site::start();
    let topic = common::unique_topic("talkwire-discovery");
    let state = tempfile::tempdir().unwrap();

    let out = site.run_once(&brokers, &topic, state.path());
    assert!(out.status.success(), "talkwire run failed");

    let records = consume_all(&brokers, &topic, 5, Duration::from_secs(3));
    let paths: Vec<String> = records.iter().map(|r| path_of(r.value["url"].as_str().unwrap())).collect();
    let expected: HashSet<String> = [T1, T2, T3, T4, D].iter().map(|p| p.to_string()).collect();
    assert_eq!(paths.iter().cloned().collect::<HashSet<_>>(), expected, "got {paths:?}");
    let mut keys = HashSet::new();
    for r in &records {
        assert_eq!(r.key, r.value["id"].as_str().unwrap(), "key = record id");
        assert!(keys.insert(r.key.clone()), "{} published twice", r.value["url"]);
        assert_eq!(r.value["topic"]["relevant"], true);
    }
    assert_eq!(records.len(), 5, "exactly once each: {paths:?}");
    let by_path: HashMap<String, &serde_json::Value> =
        records.iter().map(|r| (path_of(r.value["url"].as_str().unwrap()), &r.value)).collect();
    let base = site.server.url("");
    assert_eq!(
        by_path[T2]["source"]["url"].as_str().unwrap().trim_start_matches(base.trim_end_matches('/')),
        "/sitemaps/news-index.xml"
    );
    assert!(by_path[D]["source"]["url"].as_str().unwrap().ends_with("/gdelt/lastupdate.txt"));
    assert!(
        by_path[T3]["source"]["url"].as_str().unwrap().ends_with("/feeds/world.xml"),
        "the discovered feed led to T3"
    );

    // Old entries, old child sitemaps, the mentions file and robots-disallowed candidates are never fetched.
    let requested = site.requested();
    for never in [OLD, "/sitemaps/archive-2019.xml", MEMO, &format!("/gdelt/{STAMP}.mentions.CSV.zip")] {
        assert!(!requested.iter().any(|p| p == never), "{never} was requested");
    }
    for fetched in [
        OFF,
        "/sitemaps/news-1.xml.gz",
        &format!("/gdelt/{STAMP}.export.CSV.zip"),
        &format!("/gdelt/{STAMP}.gkg.csv.zip"),
    ] {
        assert!(requested.iter().any(|p| p == fetched), "{fetched} was not requested");
    }
    let robots = requested.iter().position(|p| p == "/robots.txt").expect("robots.txt requested");
    let first_article = requested.iter().position(|p| p.starts_with("/articles/")).unwrap();
    assert!(robots < first_article);

    // A second run over the same state publishes nothing and fetches no article again.
    site.server.clear();
    let written = records_in(&brokers, &topic);
    let again = site.run_once(&brokers, &topic, state.path());
    assert!(again.status.success());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(records_in(&brokers, &topic), written, "second run publishes nothing");
    let requested = site.requested();
    assert!(
        !requested.iter().any(|p| p.starts_with("/articles/") || p.starts_with("/world/")),
        "no article fetched again: {requested:?}"
    );
    assert!(!requested.iter().any(|p| p.ends_with(".zip")), "the GDELT update was processed already: {requested:?}");
    assert!(!requested.iter().any(|p| p == "/home.html"), "the site's feeds are remembered for a day");
}

#[test]
fn discover_prints_feeds_sitemaps_and_robots_rules() {
    let site = Site::start();
    let home = site.server.url("home.html");
    let mut cmd = talkwire();
    cmd.args(["discover", &home, "--allow-private"]);
    let out = run(&mut cmd);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        site.server.url("feeds/world.xml").as_str(),
        "1 items",
        site.server.url("sitemaps/news-index.xml").as_str(),
        "sitemap index of 2 sitemaps",
        "Disallow: /private/",
        "kind = \"site\"",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    let mut cmd = talkwire();
    cmd.args(["discover", &home, "--allow-private", "--json"]);
    let out = run(&mut cmd);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["feeds"][0]["url"], site.server.url("feeds/world.xml"));
    assert_eq!(json["feeds"][0]["via"], "link");
    assert_eq!(json["feeds"][0]["check"]["ok"], true);
    assert_eq!(json["sitemaps"][0]["url"], site.server.url("sitemaps/news-index.xml"));
    assert_eq!(json["robots"]["group"], "*");
    assert_eq!(json["robots"]["rules"], serde_json::json!(["Disallow: /private/"]));

    // Loopback is refused without --allow-private; a site offering nothing fails.
    let mut cmd = talkwire();
    cmd.args(["discover", &home]);
    assert!(!run(&mut cmd).status.success());
    let empty = tempfile::tempdir().unwrap();
    let bare = FixtureServer::start(empty.path());
    let mut cmd = talkwire();
    cmd.args(["discover", &bare.url("/"), "--allow-private"]);
    let out = run(&mut cmd);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("none found"));
}
