//! Extraction quality on the shared benchmark pages, as a gate: the Zyte article-extraction set
//! (`../shared/bench/zyte-article-extraction`, scored by the benchmark's own metric through
//! `run_zyte.sh`). Fails below a floor just under today's figure, so a regression fails CI.
//!
//! The pages are data of the workplace, not of this repository: when `../shared/bench` is not
//! there the test says so and checks nothing.
//!
//! `cargo test --test extraction_bench -- --nocapture` prints the figures.

use std::path::PathBuf;
use std::process::Command;

/// Zyte F1, just under today's measurement.
const ZYTE_F1_FLOOR: f64 = 0.975;

fn bench_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if dir.join("run_zyte.sh").exists() {
        Some(dir)
    } else {
        eprintln!("extraction bench: {} is not here; nothing checked", dir.display());
        None
    }
}

/// The value after `label ` in `line`, e.g. `F1 0.980`.
fn figure(line: &str, label: &str) -> f64 {
    let rest = line.split(&format!("{label} ")).nth(1).unwrap_or_else(|| panic!("no {label} in {line}"));
    rest.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {label} in {line}"))
}

#[test]
fn zyte_pages_extract_at_or_above_the_floor() {
    let Some(bench) = bench_dir() else { return };
    let out = Command::new(bench.join("run_zyte.sh")).arg(env!("CARGO_BIN_EXE_talkwire")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "run_zyte.sh failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let scored = stdout.lines().find(|l| l.contains(": F1 ")).unwrap_or_else(|| panic!("no score in:\n{stdout}"));
    let (f1, precision, recall) = (figure(scored, "F1"), figure(scored, "precision"), figure(scored, "recall"));
    eprintln!("Zyte extraction: F1 {f1:.3}, precision {precision:.3}, recall {recall:.3} (floor {ZYTE_F1_FLOOR})");
    assert!(f1 >= ZYTE_F1_FLOOR, "Zyte F1 {f1:.3} below {ZYTE_F1_FLOOR}");
}
