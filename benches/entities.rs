//! Entity recognition cost on ~5 KB articles made of the gold paragraphs, and the gazetteer's build time.
//!
//! ```text
//! cargo bench --bench entities
//! ```
//!
//! Prints figures only (the machines are shared and noisy: no timing is asserted anywhere). The
//! paragraphs come from tests/fixtures/entities/ with their `[text](id)` markup read as plain text.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use talkwire::entities::EntityRecognizer;

/// A gold paragraph's text: `[Iran](place:iran)` reads as `Iran`.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find("](").and_then(|mid| after[mid..].find(')').map(|close| (mid, mid + close))) {
            Some((mid, close)) => {
                out.push_str(&after[..mid]);
                rest = &after[close + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Consecutive gold paragraphs joined into articles of at least 5,000 bytes.
fn articles() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entities");
    let mut articles = Vec::new();
    let mut current = String::new();
    for file in ["tune.txt", "heldout.txt"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("entity gold fixtures");
        for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            if !current.is_empty() {
                current.push_str("\n\n");
            }
            current.push_str(&plain(line));
            if current.len() >= 5000 {
                articles.push(std::mem::take(&mut current));
            }
        }
    }
    articles
}

fn main() {
    let build = Instant::now();
    let recognizer = EntityRecognizer::builtin().expect("builtin gazetteer");
    let build_ms = build.elapsed().as_secs_f64() * 1e3;

    let articles = articles();
    let average = articles.iter().map(String::len).sum::<usize>() as f64 / articles.len() as f64;
    let rounds = 300;
    let mut entities = 0usize;
    let start = Instant::now();
    for _ in 0..rounds {
        for article in &articles {
            entities += black_box(recognizer.recognize(black_box(article))).len();
        }
    }
    let calls = (rounds * articles.len()) as f64;
    let per_call_us = start.elapsed().as_secs_f64() / calls * 1e6;
    println!(
        "recognize: {} articles of {average:.0} bytes on average, {per_call_us:.1} µs per article, \
         {:.1} µs per 5 KB, {:.1} entities per article",
        articles.len(),
        per_call_us * 5000.0 / average,
        entities as f64 / calls
    );
    println!("EntityRecognizer::builtin(): {build_ms:.1} ms");
}
