//! The command line, end to end, without Kafka: enrich, check-config, schema, and
//! `run --once --sink stdout` over the offline samples.

mod common;

use common::{assert_valid_record, json_lines, record_validator, root, run, talkwire};

#[test]
fn the_shipped_schema_file_is_the_generated_one() {
    let out = run(talkwire().arg("schema"));
    assert!(out.status.success());
    let generated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/record.v1.json")).unwrap()).unwrap();
    assert_eq!(generated, shipped, "regenerate with: cargo run -q -- schema > schema/record.v1.json");
}

#[test]
fn enrich_prints_one_valid_record_per_input_in_order_and_reports_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("a.txt");
    std::fs::write(
        &text,
        "\u{201c}We are ready for a fair deal,\u{201d} Foreign Minister Abbas Araghchi said on Sunday after nuclear \
         talks with the United States in Muscat.\n\nIran has enriched uranium to 60%, the IAEA says.",
    )
    .unwrap();
    let missing = dir.path().join("missing.html");
    let out = run(talkwire().args(["enrich", "--format", "text"]).arg(&text).arg(&missing).arg(&text));
    assert!(!out.status.success(), "a missing input makes the exit status non-zero");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["error"].is_string() && lines[1]["file"] == missing.display().to_string());
    let validator = record_validator();
    for record in [&lines[0], &lines[2]] {
        assert_valid_record(&validator, record);
        assert_eq!(record["url"], text.display().to_string());
        assert_eq!(record["topic"]["relevant"], true);
        // Offsets are char offsets into the verbatim text.
        let body: Vec<char> = record["text"].as_str().unwrap().chars().collect();
        for q in record["quotes"].as_array().unwrap() {
            let (s, e) = (q["start"].as_u64().unwrap() as usize, q["end"].as_u64().unwrap() as usize);
            assert_eq!(body[s..e].iter().collect::<String>(), q["text"].as_str().unwrap());
        }
    }
}

#[test]
fn enrich_reads_a_saved_page_with_its_url() {
    let page = root().join("seeds/samples/articles").read_dir().unwrap().next().unwrap().unwrap().path();
    let out = run(talkwire().args(["enrich", "--url", "https://samplewire.example/x"]).arg(&page));
    assert!(out.status.success());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_valid_record(&record_validator(), &lines[0]);
    assert!(!lines[0]["title"].as_str().unwrap().is_empty());
    assert!(lines[0]["text"].as_str().unwrap().len() > 200);
}

#[test]
fn check_config_accepts_the_shipped_config_and_names_file_key_and_reason_of_problems() {
    let out = run(talkwire().args(["check-config", "--config", "config/talkwire.toml"]));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("[kafka]"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[kafka]\nbrokerz = \"x:1\"\ncompression = \"rar\"\n[sources]\nseeds_file = \"nope.toml\"\n")
        .unwrap();
    let out = run(talkwire().args(["check-config", "--config"]).arg(&bad));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("kafka.brokerz") && err.contains("unknown setting"), "{err}");

    // Environment overrides are validated too.
    let out = run(talkwire()
        .args(["check-config", "--config", "config/talkwire.toml"])
        .env("TALKWIRE_KAFKA__COMPRESSION", "rar"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kafka.compression"));
}

#[test]
fn run_once_to_stdout_replays_the_offline_samples_and_a_second_run_publishes_nothing() {
    let state = tempfile::tempdir().unwrap();
    let args = |cmd: &mut std::process::Command| {
        cmd.args([
            "run",
            "--once",
            "--sink",
            "stdout",
            "--feed",
            "seeds/samples/feed.xml",
            "--feed",
            "seeds/samples/atom.xml",
        ])
        .args(["--feed", "seeds/samples/feed.json", "--page", "seeds/samples/section.html", "--state-dir"])
        .arg(state.path());
    };
    let mut cmd = talkwire();
    args(&mut cmd);
    let out = run(&mut cmd);
    assert!(out.status.success());
    let records = json_lines(&out);
    assert_eq!(
        records.len(),
        4,
        "the four distinct sample articles about the talks: not the wire copy, not the futsal story"
    );
    let validator = record_validator();
    let mut ids = std::collections::HashSet::new();
    for r in &records {
        assert_valid_record(&validator, r);
        assert!(ids.insert(r["id"].as_str().unwrap().to_string()), "each article once: {}", r["url"]);
        assert_eq!(r["topic"]["relevant"], true);
        assert!(!r["entities"].as_array().unwrap().is_empty(), "entities in {}", r["url"]);
    }
    assert!(
        !records.iter().any(|r| r["title"].as_str().unwrap().to_lowercase().contains("world cup")),
        "off-topic kept"
    );
    // Logs are JSON lines carrying url and id on article events.
    let logs = String::from_utf8_lossy(&out.stderr);
    let publishing: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["message"] == "publishing")
        .collect();
    assert_eq!(publishing.len(), records.len());
    assert!(publishing.iter().all(|l| l["url"].is_string() && l["id"].is_string()));

    let mut cmd = talkwire();
    args(&mut cmd);
    let again = run(&mut cmd);
    assert!(again.status.success());
    assert!(json_lines(&again).is_empty(), "second run over unchanged sources publishes nothing");
}

#[test]
fn cursors_lists_a_polled_sources_validators_and_reset_forgets_them() {
    let site = common::FixtureServer::start(&root().join("tests/fixtures/site"));
    let feed = site.url("rss.xml");
    let state = tempfile::tempdir().unwrap();
    let state_dir = state.path().to_str().unwrap();
    let polled = run(talkwire().args([
        "run",
        "--once",
        "--sink",
        "stdout",
        "--allow-private",
        "--feed",
        &feed,
        "--state-dir",
        state_dir,
    ]));
    assert!(polled.status.success(), "{}", String::from_utf8_lossy(&polled.stderr));
    let cursors = |extra: &[&str]| run(talkwire().args(["cursors", "--state-dir", state_dir]).args(extra));

    let listed = json_lines(&cursors(&[]));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["source"], feed.as_str());
    assert!(listed[0]["cursor"]["etag"].is_string(), "the feed's ETag is saved: {}", listed[0]);

    let reset = cursors(&["--reset", &feed]);
    assert!(reset.status.success());
    assert!(json_lines(&cursors(&[])).is_empty(), "nothing left after the reset");
    // Resetting what is not there is an error that says so.
    let again = cursors(&["--reset", &feed]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no cursor"));
}

#[test]
fn topic_explain_prints_score_evidence_and_decision_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("talks.txt");
    std::fs::write(
        &text,
        "The US envoy and Iran's foreign minister will meet in the Omani capital next week for a second round \
         of talks.",
    )
    .unwrap();
    let missing = dir.path().join("missing.html");
    let out = run(talkwire().args(["topic", "explain", "--format", "text"]).arg(&text).arg(&missing));
    assert!(!out.status.success(), "an unreadable input makes the exit status non-zero");
    let shown = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[0], text.display().to_string());
    assert!(lines[1].starts_with("  story default: relevant (score 0."), "{shown}");
    assert!(lines[1].ends_with("threshold 0.45, evidence model)"), "{shown}");
    assert!(lines[2].starts_with("    bias -"), "{shown}");
    assert!(lines.iter().any(|l| l.starts_with("    signal iran") && l.contains("iran (lead 1)")), "{shown}");
    assert!(lines.iter().any(|l| l.starts_with("    pair   iran+talks")), "{shown}");
    assert_eq!(
        lines.last().unwrap(),
        &format!("{}: cannot read: No such file or directory (os error 2)", missing.display())
    );

    // A saved page: its title counts, and an off-topic page is explained as such.
    let page = root().join("seeds/samples/articles/iran-futsal-team-world-cup-qualification.html");
    let out = run(talkwire().args(["topic", "explain"]).arg(&page));
    assert!(out.status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.lines().nth(1).unwrap().starts_with("  title: "), "{shown}");
    assert!(shown.contains("  story default: not relevant (score 0."), "{shown}");
}
