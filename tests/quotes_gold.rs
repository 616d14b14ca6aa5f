//! Quote extraction measured on a hand-annotated gold set (`tests/fixtures/quotes/`).
//!
//! Runs the entity stage and then the quote stage over each passage, as `talkwire enrich` does, and
//! prints precision, recall, speaker attribution accuracy and mention accuracy (plus kind accuracy,
//! for information). Fails when precision, recall or attribution falls below 0.95.
//!
//! Matching: a predicted quote matches a gold quote when their char spans overlap by at least half of
//! their union (so a trailing comma inside the marks does not matter); pairs are made greedily, best
//! overlap first, one to one. Attribution is right when the predicted entity id equals the gold id, or,
//! for a gold descriptor (an anonymous source), when the predicted speaker has no entity id and its name
//! is one of the descriptors. A mention is right when it starts where the gold mention starts and reads
//! the same. Format and annotation rules: the fixtures' README.md.
//!
//! `cargo test --test quotes_gold -- --nocapture` shows the figures and every miss.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use talkwire::entities::EntityRecognizer;
use talkwire::quotes::QuoteExtractor;
use talkwire::record::{Quote, QuoteKind};

/// Floors just under the figures measured when they were set, so a regression fails.
const MIN_PRECISION: f64 = 0.98;
const MIN_RECALL: f64 = 0.98;
const MIN_ATTRIBUTION: f64 = 0.98;
const MIN_PASSAGES: usize = 40;
/// "Several times each": every pattern tag must be exercised by at least this many passages.
const MIN_PASSAGES_PER_PATTERN: usize = 2;
/// Share of the union two spans must overlap by to be the same quote.
const MIN_OVERLAP: f64 = 0.5;

/// The pattern tags a passage may declare (documented in the fixtures' README.md).
const PATTERNS: &[&str] = &[
    "curly",
    "straight",
    "guillemets",
    "nested-single",
    "multi-paragraph",
    "interrupted",
    "inherit-in-paragraph",
    "quote-only-paragraph",
    "partial",
    "not-a-quote",
    "dateline",
    "quote-cue-speaker",
    "quote-cue-title-name",
    "speaker-colon",
    "said-that",
    "according-to",
    "office-statement",
    "apposition",
    "relative-clause",
    "pronoun",
    "role",
    "organisation",
    "anonymous",
    "cue-said",
    "cue-says",
    "cue-told",
    "cue-wrote",
    "cue-posted",
    "cue-warned",
    "cue-added",
    "cue-insisted",
    "cue-stressed",
    "cue-noted",
    "cue-argued",
    "cue-declared",
    "cue-expressed",
    "cue-described",
    "cue-accused",
    "cue-denied",
    "cue-urged",
    "cue-asked",
    "told-reporters",
    "in-a-statement",
    "post-on-x",
];

const OPENING_MARKS: &[char] = &['“', '"', '«', '„'];
const CLOSING_MARKS: &[char] = &['”', '"', '»', '“'];

// ---------------------------------------------------------------- the fixture files

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageFile {
    patterns: Vec<String>,
    text: String,
    #[serde(default)]
    quote: Vec<QuoteEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteEntry {
    text: String,
    kind: String,
    speaker: Option<String>,
    descriptor: Option<Descriptors>,
    mention: String,
    mention_in: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Descriptors {
    One(String),
    Several(Vec<String>),
}

// ---------------------------------------------------------------- the gold set, with char offsets

#[derive(Debug)]
enum GoldSpeaker {
    Entity(String),
    /// Equally good descriptors of an anonymous source, the canonical one first.
    Descriptor(Vec<String>),
}

impl std::fmt::Display for GoldSpeaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoldSpeaker::Entity(id) => write!(f, "{id}"),
            GoldSpeaker::Descriptor(names) => write!(f, "{:?} (no id)", names[0]),
        }
    }
}

#[derive(Debug)]
struct Span {
    start: usize,
    end: usize,
    text: String,
}

#[derive(Debug)]
struct GoldQuote {
    quote: Span,
    kind: QuoteKind,
    speaker: GoldSpeaker,
    mention: Span,
}

#[derive(Debug)]
struct Passage {
    id: String,
    patterns: Vec<String>,
    text: String,
    quotes: Vec<GoldQuote>,
}

/// Char offsets of every occurrence of `needle` in `haystack` (both as char slices).
fn occurrences(haystack: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return Vec::new();
    }
    (0..=haystack.len() - needle.len()).filter(|&i| haystack[i..i + needle.len()] == *needle).collect()
}

/// Occurrences of `word` not glued to letters or digits on either side ("he" is not in "the").
fn word_occurrences(haystack: &[char], word: &[char]) -> Vec<usize> {
    let glued = |i: Option<&char>| i.is_some_and(|c| c.is_alphanumeric());
    occurrences(haystack, word)
        .into_iter()
        .filter(|&i| !glued(i.checked_sub(1).and_then(|p| haystack.get(p))) && !glued(haystack.get(i + word.len())))
        .collect()
}

fn locate_quote(chars: &[char], text: &str) -> Result<Span, String> {
    let needle: Vec<char> = text.chars().collect();
    let found = occurrences(chars, &needle);
    let [start] = found[..] else {
        return Err(format!("quote {text:?} occurs {} times in the passage, want once", found.len()));
    };
    let end = start + needle.len();
    let opened = start.checked_sub(1).is_some_and(|p| OPENING_MARKS.contains(&chars[p]));
    let closed = chars.get(end).is_none_or(|c| CLOSING_MARKS.contains(c) || *c == '\n');
    if !opened || !closed {
        return Err(format!("quote {text:?} must run from an opening mark to a closing mark or its paragraph's end"));
    }
    Ok(Span { start, end, text: text.to_string() })
}

fn locate_mention(chars: &[char], mention: &str, within: Option<&str>) -> Result<Span, String> {
    let word: Vec<char> = mention.chars().collect();
    let start = match within {
        Some(snippet) => {
            let snippet_chars: Vec<char> = snippet.chars().collect();
            let found = occurrences(chars, &snippet_chars);
            let [at] = found[..] else {
                return Err(format!("mention_in {snippet:?} occurs {} times, want once", found.len()));
            };
            let inside = word_occurrences(&snippet_chars, &word);
            let first = inside.first().ok_or_else(|| format!("mention {mention:?} is not in {snippet:?}"))?;
            at + first
        }
        None => {
            let found = word_occurrences(chars, &word);
            let [at] = found[..] else {
                return Err(format!("mention {mention:?} occurs {} times; give mention_in", found.len()));
            };
            at
        }
    };
    Ok(Span { start, end: start + word.len(), text: mention.to_string() })
}

fn gold_quote(chars: &[char], entry: QuoteEntry) -> Result<GoldQuote, String> {
    let kind = match entry.kind.as_str() {
        "direct" => QuoteKind::Direct,
        "partial" => QuoteKind::Partial,
        other => return Err(format!("kind {other:?}: want direct or partial")),
    };
    let speaker = match (entry.speaker, entry.descriptor) {
        (Some(id), None) if id.split_once(':').is_some_and(|(kind, slug)| !kind.is_empty() && !slug.is_empty()) => {
            GoldSpeaker::Entity(id)
        }
        (None, Some(Descriptors::One(name))) => GoldSpeaker::Descriptor(vec![name]),
        (None, Some(Descriptors::Several(names))) if !names.is_empty() => GoldSpeaker::Descriptor(names),
        _ => return Err(format!("quote {:?}: give either speaker = \"kind:slug\" or descriptor", entry.text)),
    };
    Ok(GoldQuote {
        quote: locate_quote(chars, &entry.text)?,
        kind,
        speaker,
        mention: locate_mention(chars, &entry.mention, entry.mention_in.as_deref())?,
    })
}

fn load_passage(path: &Path) -> Result<Passage, String> {
    let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file: PassageFile = toml::from_str(&src).map_err(|e| e.to_string())?;
    if let Some(unknown) = file.patterns.iter().find(|p| !PATTERNS.contains(&p.as_str())) {
        return Err(format!("unknown pattern {unknown:?} (see README.md)"));
    }
    let text = file.text.trim_end().to_string();
    let chars: Vec<char> = text.chars().collect();
    let quotes = file.quote.into_iter().map(|q| gold_quote(&chars, q)).collect::<Result<Vec<_>, _>>()?;
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    Ok(Passage { id, patterns: file.patterns, text, quotes })
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quotes")
}

fn load_all() -> Vec<Passage> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/quotes")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_passage(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).collect()
}

// ---------------------------------------------------------------- scoring

/// Lower case, one apostrophe, no leading article: "A senior U.S. official" = "a senior U.S. official".
fn normalise_descriptor(name: &str) -> String {
    let lower = name.trim().to_lowercase().replace('’', "'");
    for article in ["a ", "an ", "the "] {
        if let Some(rest) = lower.strip_prefix(article) {
            return rest.to_string();
        }
    }
    lower
}

fn overlap(gold: &Span, predicted: &Quote) -> f64 {
    let shared = gold.end.min(predicted.end).saturating_sub(gold.start.max(predicted.start));
    let union = gold.end.max(predicted.end) - gold.start.min(predicted.start);
    if union == 0 { 0.0 } else { shared as f64 / union as f64 }
}

fn speaker_right(gold: &GoldSpeaker, predicted: &Quote) -> bool {
    let Some(sp) = &predicted.speaker else { return false };
    match gold {
        GoldSpeaker::Entity(id) => sp.entity_id.as_deref() == Some(id),
        GoldSpeaker::Descriptor(names) => {
            sp.entity_id.is_none() && names.iter().any(|n| normalise_descriptor(n) == normalise_descriptor(&sp.name))
        }
    }
}

fn mention_right(gold: &GoldQuote, predicted: &Quote) -> bool {
    let Some(sp) = &predicted.speaker else { return false };
    if sp.mention.start != gold.mention.start {
        return false;
    }
    match &gold.speaker {
        GoldSpeaker::Descriptor(names) => {
            sp.mention.text == gold.mention.text
                || names.iter().any(|n| normalise_descriptor(n) == normalise_descriptor(&sp.mention.text))
        }
        GoldSpeaker::Entity(_) => sp.mention.text == gold.mention.text,
    }
}

fn describe(q: &Quote) -> String {
    let speaker = match &q.speaker {
        Some(sp) => format!(
            "{} ({}) mention {:?}@{}",
            sp.name,
            sp.entity_id.as_deref().unwrap_or("no id"),
            sp.mention.text,
            sp.mention.start
        ),
        None => "no speaker".to_string(),
    };
    format!("{:?} {:?} cue {:?}, {speaker}", q.text, q.kind, q.cue)
}

#[derive(Default)]
struct Tally {
    gold: usize,
    predicted: usize,
    matched: usize,
    attributed: usize,
    mentioned: usize,
    kinds: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.matched += other.matched;
        self.attributed += other.attributed;
        self.mentioned += other.mentioned;
        self.kinds += other.kinds;
    }

    fn share(part: usize, whole: usize) -> f64 {
        if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
    }
    fn precision(&self) -> f64 {
        Self::share(self.matched, self.predicted)
    }
    fn recall(&self) -> f64 {
        Self::share(self.matched, self.gold)
    }
    fn attribution(&self) -> f64 {
        Self::share(self.attributed, self.matched)
    }
    fn mention(&self) -> f64 {
        Self::share(self.mentioned, self.matched)
    }
    fn kind(&self) -> f64 {
        Self::share(self.kinds, self.matched)
    }
    fn perfect(&self) -> bool {
        self.gold == self.predicted && [self.matched, self.attributed, self.mentioned].iter().all(|&n| n == self.gold)
    }
}

/// Scores one passage's predictions; every disagreement is pushed to `misses`.
fn score(passage: &Passage, predicted: &[Quote], misses: &mut Vec<String>) -> Tally {
    let id = &passage.id;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (g, gold) in passage.quotes.iter().enumerate() {
        for (p, pred) in predicted.iter().enumerate() {
            let o = overlap(&gold.quote, pred);
            if o >= MIN_OVERLAP {
                pairs.push((o, g, p));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut gold_match: Vec<Option<usize>> = vec![None; passage.quotes.len()];
    let mut pred_taken = vec![false; predicted.len()];
    for (_, g, p) in pairs {
        if gold_match[g].is_none() && !pred_taken[p] {
            gold_match[g] = Some(p);
            pred_taken[p] = true;
        }
    }

    let mut tally = Tally { gold: passage.quotes.len(), predicted: predicted.len(), ..Tally::default() };
    for (gold, matched) in passage.quotes.iter().zip(&gold_match) {
        let expected = format!(
            "{:?} {:?}, {} mention {:?}@{}",
            gold.quote.text, gold.kind, gold.speaker, gold.mention.text, gold.mention.start
        );
        let Some(p) = *matched else {
            misses.push(format!("{id}: MISSED   expected {expected}"));
            continue;
        };
        let pred = &predicted[p];
        tally.matched += 1;
        let speaker_ok = speaker_right(&gold.speaker, pred);
        let mention_ok = mention_right(gold, pred);
        let kind_ok = pred.kind == gold.kind;
        tally.attributed += usize::from(speaker_ok);
        tally.mentioned += usize::from(mention_ok);
        tally.kinds += usize::from(kind_ok);
        let what = match (speaker_ok, mention_ok, kind_ok) {
            (true, true, true) => continue,
            (false, _, _) => "SPEAKER ",
            (true, false, _) => "MENTION ",
            (true, true, false) => "KIND    ",
        };
        misses.push(format!("{id}: {what} expected {expected}\n{:>14}got {}", "", describe(pred)));
    }
    for (pred, taken) in predicted.iter().zip(&pred_taken) {
        if !taken {
            misses.push(format!("{id}: EXTRA    got {}", describe(pred)));
        }
    }
    tally
}

#[test]
fn gold_set_meets_targets() {
    let passages = load_all();
    let recognizer = EntityRecognizer::builtin().expect("builtin gazetteer");
    let extractor = QuoteExtractor::new().with_offices(recognizer.offices());

    let mut total = Tally::default();
    let mut by_pattern: BTreeMap<&str, (usize, usize)> = PATTERNS.iter().map(|&p| (p, (0, 0))).collect();
    let mut misses = Vec::new();
    for passage in &passages {
        let entities = recognizer.recognize(&passage.text);
        let predicted = extractor.extract(&passage.text, &entities);
        // The record promises that a speaker's entity_id is one of the article's entities.
        for quote in &predicted {
            if let Some(id) = quote.speaker.as_ref().and_then(|s| s.entity_id.as_deref()) {
                assert!(entities.iter().any(|e| e.id == id), "{}: speaker {id} is not among the entities", passage.id);
            }
        }
        let tally = score(passage, &predicted, &mut misses);
        for pattern in &passage.patterns {
            let (used, perfect) = by_pattern.get_mut(pattern.as_str()).expect("patterns are checked on load");
            *used += 1;
            *perfect += usize::from(tally.perfect());
        }
        total.add(&tally);
    }

    println!(
        "== quotes gold set: {} passages, {} gold quotes, {} predicted, {} matched",
        passages.len(),
        total.gold,
        total.predicted,
        total.matched
    );
    println!("   precision   {:.3}", total.precision());
    println!("   recall      {:.3}", total.recall());
    println!("   attribution {:.3} ({} of {} matched quotes)", total.attribution(), total.attributed, total.matched);
    println!("   mention     {:.3} ({} of {})", total.mention(), total.mentioned, total.matched);
    println!("   kind        {:.3} ({} of {})", total.kind(), total.kinds, total.matched);
    let imperfect: Vec<String> = by_pattern
        .iter()
        .filter(|(_, (used, perfect))| perfect < used)
        .map(|(p, (used, perfect))| format!("{p} {perfect}/{used}"))
        .collect();
    if !imperfect.is_empty() {
        println!("-- patterns with errors (passages all right / passages): {}", imperfect.join(", "));
    }
    if !misses.is_empty() {
        println!("-- misses ({}):", misses.len());
        for miss in &misses {
            println!("   {miss}");
        }
    }

    let thin: Vec<&&str> =
        by_pattern.iter().filter(|(_, (used, _))| *used < MIN_PASSAGES_PER_PATTERN).map(|(p, _)| p).collect();
    assert!(passages.len() >= MIN_PASSAGES, "at least {MIN_PASSAGES} passages");
    assert!(thin.is_empty(), "patterns used by fewer than {MIN_PASSAGES_PER_PATTERN} passages: {thin:?}");
    let mut failures = Vec::new();
    for (name, value, min) in [
        ("precision", total.precision(), MIN_PRECISION),
        ("recall", total.recall(), MIN_RECALL),
        ("attribution", total.attribution(), MIN_ATTRIBUTION),
    ] {
        if value < min {
            failures.push(format!("{name} {value:.3} < {min}"));
        }
    }
    assert!(failures.is_empty(), "below target: {failures:?}");
}

#[test]
fn loader_locates_quotes_and_mentions() {
    let chars: Vec<char> = "“We are ready,” he said, and he left.\n\n“Then go,” the envoy said.".chars().collect();
    let q = locate_quote(&chars, "We are ready,").unwrap();
    assert_eq!((q.start, q.end), (1, 14));
    assert!(locate_quote(&chars, "are ready").is_err(), "a quote runs from mark to mark");
    let m = locate_mention(&chars, "he", Some("he said")).unwrap();
    assert_eq!((m.start, m.end), (16, 18));
    assert!(locate_mention(&chars, "he", None).is_err(), "\"he\" occurs twice as a word (not in \"the\")");
    assert_eq!(locate_mention(&chars, "the envoy", None).unwrap().start, 50);
    assert_eq!(normalise_descriptor("A senior U.S. official"), normalise_descriptor("the senior u.s. official"));
}
