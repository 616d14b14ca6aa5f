//! Extraction speed on the 181 real pages of the Zyte article-extraction benchmark, side by side
//! with Python trafilatura in the same run.
//!
//! ```text
//! cargo bench --bench extract                                  talkwire only
//! TRAFILATURA_PYTHON=PATH/TO/venv/bin/python cargo bench --bench extract   + trafilatura and ratios
//! scripts/bench-extract.sh                                     sets up the venv, then the above
//! ```
//!
//! Prints pages/s on one thread for html5ever's tokenizer alone over the prepared page
//! (`prepared_html`: decoding and pre-scan; no tree: the floor under any html5ever parse), for the
//! parse alone (`parse_page`: the same, then html5ever builds the tree; the floor under extraction), for `Extractor::extract` alone and for the full article path
//! (`enrich_saved`: extraction, normalisation, topic, entities, quotes), like `talkwire enrich`.
//! The pages are read from `../shared/bench/zyte-article-extraction/` (or `$ZYTE_DIR`) and never
//! copied into the repository; without them the bench says so and exits 0.
//!
//! Other settings: `BENCH_ROUNDS` (timed passes over all pages per path, default 5; the median
//! pass is reported), `BENCH_ONLY=tokenize|parse|extract|enrich` (one path, e.g. under a profiler),
//! `BENCH_DUMP=FILE` (write the enriched texts for `score_extraction.py`: a quick F1 while tuning;
//! `run_zyte.sh` remains the reference).

use std::cell::Cell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use talkwire::config::{self, Config};
use talkwire::enrich::{InputFormat, Stages, enrich_saved};
use talkwire::extract::{Extractor, PageInput, parse_page, prepared_html};

/// The allocator `talkwire` itself runs with (src/main.rs), so the figures are the daemon's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Targets from issue 3: how many times trafilatura's pages/s each path must reach.
const EXTRACT_TARGET: f64 = 25.0;
const ENRICH_TARGET: f64 = 10.0;

struct Page {
    name: String,
    html: Vec<u8>,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bench_dir = root.join("../shared/bench");
    let data = std::env::var_os("ZYTE_DIR").map_or_else(|| bench_dir.join("zyte-article-extraction"), PathBuf::from);
    let pages = match load_pages(&data) {
        Ok(pages) => pages,
        Err(why) => {
            println!("extract bench skipped: Zyte pages not available at {} ({why})", data.display());
            return;
        }
    };
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    println!(
        "{} Zyte pages, {:.1} MB of HTML; one thread; median of {rounds} passes per path",
        pages.len(),
        bytes as f64 / 1e6
    );

    // The floor under any html5ever parse: its tokenizer reading the prepared page, with no tree.
    let mut tokenize_rate = None;
    if only.is_empty() || only == "tokenize" {
        let rate = measure(&pages, rounds, |page| {
            let html = prepared_html(&PageInput { body: &page.html, content_type: None, url: None });
            let tokenizer = Tokenizer::new(TokenCounter::default(), TokenizerOpts::default());
            let input = BufferQueue::default();
            input.push_back(html.as_str().into());
            let _ = tokenizer.feed(&input);
            tokenizer.end();
            tokenizer.sink.tokens.get()
        });
        println!("talkwire tokenize alone (html5ever, no tree):{rate:8.1} pages/s");
        tokenize_rate = Some(rate);
    }

    // The floor under extraction: decoding, the pre-scan and html5ever building the tree, nothing else.
    let mut parse_rate = None;
    if only.is_empty() || only == "parse" {
        let rate = measure(&pages, rounds, |page| {
            let document = parse_page(&PageInput { body: &page.html, content_type: None, url: None });
            document.root().children().len()
        });
        println!("talkwire parse alone (extract::parse_page): {rate:8.1} pages/s");
        parse_rate = Some(rate);
    }

    let mut extract_rate = None;
    if only.is_empty() || only == "extract" {
        let extractor = Extractor::new();
        let rate = measure(&pages, rounds, |page| {
            let extracted = extractor.extract(&PageInput { body: &page.html, content_type: None, url: None });
            extracted.text.len()
        });
        println!("talkwire extract (Extractor::extract):      {rate:8.1} pages/s");
        extract_rate = Some(rate);
    }

    let mut enrich_rate = None;
    if only.is_empty() || only == "enrich" {
        // The same configuration `talkwire enrich` uses when run from the project root.
        let config_file = root.join("config/talkwire.toml");
        let config =
            match config_file.exists().then(|| config::load(Some(&config_file), std::env::vars(), config::Seeds::Skip))
            {
                Some(Ok(loaded)) => loaded.config,
                Some(Err(e)) => {
                    println!("note: {} not usable ({e}); built-in defaults used", config_file.display());
                    Config::default()
                }
                None => Config::default(),
            };
        let stages = Stages::new(&config).expect("stages build");
        let rate = measure(&pages, rounds, |page| {
            let record = enrich_saved(&stages, &page.html, &page.name, None, InputFormat::Html);
            record.text.len()
        });
        println!("talkwire enrich (enrich_saved, Stages):     {rate:8.1} pages/s");
        enrich_rate = Some(rate);
        if let Some(path) = std::env::var_os("BENCH_DUMP") {
            // The texts in score_extraction.py's format, for a quick F1 while tuning.
            let texts: serde_json::Map<String, serde_json::Value> = pages
                .iter()
                .map(|page| {
                    let record = enrich_saved(&stages, &page.html, &page.name, None, InputFormat::Html);
                    let id = page.name.trim_end_matches(".html").to_string();
                    (id, serde_json::json!({ "articleBody": record.text }))
                })
                .collect();
            std::fs::write(&path, serde_json::to_vec(&texts).expect("json")).expect("BENCH_DUMP written");
        }
    }

    let Some(python) = std::env::var_os("TRAFILATURA_PYTHON") else {
        println!(
            "trafilatura: not run (set TRAFILATURA_PYTHON to a python with trafilatura 2.3.1, or use scripts/bench-extract.sh)"
        );
        return;
    };
    // The script reads the pages next to it.
    let script = data.parent().unwrap_or(&bench_dir).join("trafilatura_zyte.py");
    match trafilatura_rate(Path::new(&python), &script) {
        Ok((line, rate)) => {
            println!("{line}");
            let ratio = |name: &str, ours: Option<f64>, target: f64| {
                if let Some(ours) = ours {
                    let x = ours / rate;
                    let verdict = if x >= target { "meets" } else { "BELOW" };
                    println!("ratio {name}: {x:5.1}x trafilatura ({verdict} the {target:.0}x target)");
                }
            };
            if let Some(tokenize) = tokenize_rate {
                println!(
                    "ratio tokenize: {:5.1}x trafilatura (the ceiling for any parse with html5ever's tokenizer)",
                    tokenize / rate
                );
            }
            if let Some(parse) = parse_rate {
                println!(
                    "ratio parse  : {:5.1}x trafilatura (the ceiling for any extraction on this parser)",
                    parse / rate
                );
            }
            ratio("extract", extract_rate, EXTRACT_TARGET);
            ratio("enrich ", enrich_rate, ENRICH_TARGET);
        }
        Err(why) => println!("trafilatura: failed to run ({why})"),
    }
}

/// Counts tokens, and switches the tokenizer into raw text where html5ever's tree builder would
/// (scripts, styles, titles, text areas), so it reads a page the way the real parse does.
#[derive(Default)]
struct TokenCounter {
    tokens: Cell<usize>,
}

impl TokenSink for TokenCounter {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.tokens.set(self.tokens.get() + 1);
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag || tag.self_closing {
            return TokenSinkResult::Continue;
        }
        match &*tag.name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => TokenSinkResult::RawData(RawKind::Rawtext),
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

/// The pages listed in the ground truth, decompressed, in id order (as `run_zyte.sh` does).
fn load_pages(data: &Path) -> Result<Vec<Page>, String> {
    let truth_path = data.join("ground-truth.json");
    let truth = std::fs::read(&truth_path).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&truth).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let path = data.join("html").join(format!("{id}.html.gz"));
            let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut html = Vec::new();
            flate2::read::GzDecoder::new(file)
                .read_to_end(&mut html)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(Page { name: format!("{id}.html"), html })
        })
        .collect()
}

/// One warm-up pass, then `rounds` timed passes over all pages; pages/s of the median pass.
fn measure(pages: &[Page], rounds: usize, mut run: impl FnMut(&Page) -> usize) -> f64 {
    let mut sink = 0usize;
    let mut pass = |sink: &mut usize| {
        let start = Instant::now();
        for page in pages {
            *sink = sink.wrapping_add(run(page));
        }
        start.elapsed()
    };
    pass(&mut sink);
    let mut times: Vec<Duration> = (0..rounds).map(|_| pass(&mut sink)).collect();
    std::hint::black_box(sink);
    times.sort();
    pages.len() as f64 / times[times.len() / 2].as_secs_f64()
}

/// Run `trafilatura_zyte.py` and read its "= N pages/s" line.
fn trafilatura_rate(python: &Path, script: &Path) -> Result<(String, f64), String> {
    let out = std::env::temp_dir().join(format!("talkwire-bench-trafilatura-{}.json", std::process::id()));
    let result = Command::new(python).arg(script).arg(&out).output().map_err(|e| format!("{}: {e}", python.display()));
    let _ = std::fs::remove_file(&out);
    let output = result?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim()));
    }
    let line = stdout.lines().find(|l| l.contains("pages/s")).ok_or("no pages/s line in its output")?.to_string();
    let rate = line
        .rsplit_once("= ")
        .and_then(|(_, tail)| tail.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .ok_or_else(|| format!("cannot read pages/s from {line:?}"))?;
    Ok((line, rate))
}
