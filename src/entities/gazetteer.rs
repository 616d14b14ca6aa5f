//! The compiled gazetteer: every name, alias, code and demonym of every listed entity,
//! folded into token keys and searched with one Aho-Corasick automaton.
//!
//! The text is turned into a *key stream*: the name keys of its tokens, each followed by a
//! space, with `|` wherever punctuation, a line break or a possessive separates two tokens:
//!
//! ```text
//! "Iran's al-Busaidi met U.S. envoys."  →  " iran | busaidi met us envoys "
//! ```
//!
//! A pattern is the stream of an alias built the same way (" abas araqchi "), so a match
//! always starts and ends on token boundaries and never crosses punctuation. Matches are
//! found overlapping, checked against their alias's capitalisation rule, and then chosen
//! leftmost-longest over tokens.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::EntityError;
use super::data::{Lexicon, Sourced};
use super::text::{CAP, Doc, FxBuild, Gap, PARTICLE, POSSESSIVE, tokenize};
use crate::record::EntityType;

/// Alias owner for phrases that block shorter matches (lexicon `block`).
const BLOCK: u32 = u32::MAX;

/// Jaro-Winkler score a fuzzy match needs.
pub(crate) const FUZZY_MIN: f64 = 0.92;
/// How far the best fuzzy match must be ahead of the best other entity.
const FUZZY_MARGIN: f64 = 0.02;
/// Names shorter than this (in key bytes) are never matched fuzzily (Iran ≠ Iraq).
pub(crate) const FUZZY_MIN_LEN: usize = 6;

/// A listed entity.
#[derive(Debug)]
pub(crate) struct GzEntity {
    pub id: Box<str>,
    pub name: Box<str>,
    pub kind: EntityType,
    pub wikidata: Option<Box<str>>,
    /// Key of the last word of the canonical name ("araqchi"), for lone surnames.
    pub last_key: Box<str>,
    /// Key of the first word of the canonical name ("abas"), for lone given names.
    pub first_key: Box<str>,
    /// Key of the canonical name ("abas araqchi").
    pub key: Box<str>,
    /// Number of words in the canonical name.
    pub name_words: usize,
}

impl GzEntity {
    /// The id without its kind prefix ("place:iran" → "iran").
    pub fn slug(&self) -> &str {
        self.id.split_once(':').map_or(&*self.id, |(_, s)| s)
    }
}

#[derive(Debug, Clone, Copy)]
enum CaseRule {
    /// Bit i set: the i-th word must be capitalised in the text.
    Caps(u64),
    /// Letters and digits must equal `exact[i]`, case included.
    Exact(u32),
}

#[derive(Debug, Clone, Copy)]
struct AliasRef {
    entity: u32,
    rule: CaseRule,
    demonym: bool,
}

#[derive(Debug)]
struct Pattern {
    words: u32,
    aliases: Vec<u32>,
}

/// One accepted gazetteer match, in token indices (`t0..t1`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GzMatch {
    pub t0: u32,
    pub t1: u32,
    pub entity: u32,
    pub demonym: bool,
}

/// Per-call buffers.
#[derive(Default)]
pub(crate) struct Stream {
    pub text: String,
    /// (byte position in `text`, token index) of every token in the stream.
    pub emitted: Vec<(u32, u32)>,
}

/// Build the key stream of `doc` (see the module docs).
pub(crate) fn build_stream(doc: &Doc, out: &mut Stream) {
    out.text.clear();
    out.emitted.clear();
    out.text.push(' ');
    let mut pending_break = false;
    for (i, t) in doc.tokens.iter().enumerate() {
        if t.gap == Gap::Break && !out.emitted.is_empty() {
            pending_break = true;
        }
        let key = doc.key(i);
        if key.is_empty() {
            pending_break = true;
            continue;
        }
        if t.has(PARTICLE) {
            continue;
        }
        if pending_break {
            out.text.push_str("| ");
            pending_break = false;
        }
        out.emitted.push((out.text.len() as u32, i as u32));
        out.text.push_str(key);
        out.text.push(' ');
        if t.has(POSSESSIVE) {
            pending_break = true;
        }
    }
}

pub(crate) struct Gazetteer {
    pub entities: Vec<GzEntity>,
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
    aliases: Vec<AliasRef>,
    exact: Vec<Box<str>>,
    /// Trimmed pattern ("abas araqchi") → pattern index.
    by_key: HashMap<Box<str>, u32, FxBuild>,
    /// Alias keys for fuzzy matching, by first byte: (key, entity).
    fuzzy: HashMap<u8, Vec<(Box<str>, u32)>, FxBuild>,
    /// Last-word keys of listed people: a name ending in one is a person's ("Lara Trump").
    pub person_surnames: HashSet<Box<str>, FxBuild>,
    /// (place, key of the rest) → organisation, from listed names that start with a place or
    /// its adjective: "Iranian Foreign Ministry" gives (Iran, "foreign ministry") → the
    /// ministry, so "Iran's Foreign Ministry" finds it too.
    qualified: HashMap<(u32, Box<str>), u32, FxBuild>,
}

fn alnum_eq(text: &str, expected: &str) -> bool {
    text.chars().filter(|c| c.is_alphanumeric()).eq(expected.chars().filter(|c| c.is_alphanumeric()))
}

impl Gazetteer {
    pub fn compile(entities: &[Sourced], lexicon: &Lexicon) -> Result<Gazetteer, EntityError> {
        let mut gz = GzEntityBuilder {
            patterns: Vec::new(),
            pattern_text: Vec::new(),
            aliases: Vec::new(),
            exact: Vec::new(),
            index: HashMap::new(),
            fuzzy: HashMap::default(),
            lexicon,
            stream: Stream::default(),
        };
        let mut out = Vec::with_capacity(entities.len());
        for (ei, s) in entities.iter().enumerate() {
            let def = &s.def;
            let e = ei as u32;
            let invalid = |reason: String| EntityError::Invalid {
                file: s.file.clone(),
                reason: format!("entity {:?}: {reason}", def.id),
            };
            gz.add(&def.name, e, false, false).map_err(invalid)?;
            for a in &def.aliases {
                gz.add(a, e, false, false).map_err(invalid)?;
            }
            for a in &def.exact {
                gz.add(a, e, true, false).map_err(invalid)?;
            }
            for a in &def.demonyms {
                gz.add(a, e, false, true).map_err(invalid)?;
            }
            let name_doc = tokenize(&def.name, &lexicon.particles);
            let words: Vec<usize> = (0..name_doc.tokens.len())
                .filter(|&i| !name_doc.tokens[i].has(PARTICLE) && !name_doc.key(i).is_empty())
                .collect();
            let last_key = words.last().map_or("", |&i| name_doc.key(i));
            let first_key = words.first().map_or("", |&i| name_doc.key(i));
            let mut key = String::new();
            name_doc.span_key(0, name_doc.tokens.len(), &mut key);
            out.push(GzEntity {
                id: def.id.clone().into(),
                name: def.name.clone().into(),
                kind: def.kind,
                wikidata: def.wikidata.clone().map(Into::into),
                last_key: last_key.into(),
                first_key: first_key.into(),
                key: key.into(),
                name_words: words.len(),
            });
        }
        for phrase in &lexicon.block {
            gz.add(phrase, BLOCK, false, false).map_err(|reason| EntityError::Invalid {
                file: Path::new("lexicon").to_path_buf(),
                reason: format!("block {phrase:?}: {reason}"),
            })?;
        }
        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&gz.pattern_text).map_err(|e| {
            EntityError::Invalid {
                file: Path::new("config/entities").to_path_buf(),
                reason: format!("cannot build the name automaton: {e}"),
            }
        })?;
        let by_key = gz.pattern_text.iter().enumerate().map(|(i, p)| (p.trim().into(), i as u32)).collect();
        let person_surnames = out
            .iter()
            .filter(|e| e.kind == EntityType::Person && !e.last_key.is_empty())
            .map(|e| e.last_key.clone())
            .collect();
        let mut g = Gazetteer {
            person_surnames,
            entities: out,
            ac,
            patterns: gz.patterns,
            aliases: gz.aliases,
            exact: gz.exact,
            by_key,
            fuzzy: gz.fuzzy,
            qualified: HashMap::default(),
        };
        let mut stream = Stream::default();
        let mut key = String::new();
        for (ei, s) in entities.iter().enumerate() {
            if s.def.kind != EntityType::Org {
                continue;
            }
            for alias in std::iter::once(&s.def.name).chain(&s.def.aliases) {
                let doc = tokenize(alias, &lexicon.particles);
                if let Some((place, t1)) = g.place_prefix(&doc, &mut stream)
                    && (t1 as usize) < doc.tokens.len()
                {
                    doc.span_key(t1 as usize, doc.tokens.len(), &mut key);
                    if !key.is_empty() {
                        g.qualified.entry((place, key.as_str().into())).or_insert(ei as u32);
                    }
                }
            }
        }
        Ok(g)
    }

    /// The longest listed place (or its adjective) that `doc` starts with: (entity, end token).
    fn place_prefix(&self, doc: &Doc, stream: &mut Stream) -> Option<(u32, u32)> {
        build_stream(doc, stream);
        let mut best: Option<(u32, u32)> = None;
        for m in self.ac.find_overlapping_iter(stream.text.as_str()) {
            if m.start() != 0 {
                continue;
            }
            let p = &self.patterns[m.pattern().as_usize()];
            let words = p.words as usize;
            if words >= stream.emitted.len() {
                continue;
            }
            let place = p.aliases.iter().map(|&a| self.aliases[a as usize]).find(|r| {
                r.entity != BLOCK
                    && self.entities[r.entity as usize].kind == EntityType::Place
                    && self.rule_ok(r.rule, doc, stream, 0, words)
            });
            if let Some(r) = place {
                let t1 = stream.emitted[words - 1].1 + 1;
                if best.is_none_or(|(_, b)| t1 > b) {
                    best = Some((r.entity, t1));
                }
            }
        }
        best
    }

    /// The listed organisation named by `place` + a name with this key ("Foreign Ministry"
    /// after "Iran's"), if any.
    pub fn qualified(&self, place: u32, key: &str) -> Option<u32> {
        self.qualified.get(&(place, Box::<str>::from(key))).copied()
    }

    fn rule_ok(&self, rule: CaseRule, doc: &Doc, stream: &Stream, k0: usize, words: usize) -> bool {
        match rule {
            CaseRule::Caps(mask) => (0..words).all(|i| {
                mask & (1 << i) == 0 || {
                    let t = stream.emitted[k0 + i].1 as usize;
                    doc.tokens[t].has(CAP)
                }
            }),
            CaseRule::Exact(x) => {
                let t0 = stream.emitted[k0].1 as usize;
                let t1 = stream.emitted[k0 + words - 1].1 as usize + 1;
                alnum_eq(doc.surface(t0, t1), &self.exact[x as usize])
            }
        }
    }

    /// Every listed name in `doc`, leftmost-longest, as token spans.
    pub fn scan(&self, doc: &Doc, stream: &mut Stream) -> Vec<GzMatch> {
        build_stream(doc, stream);
        // (first stream word, last stream word, alias)
        let mut found: Vec<(u32, u32, u32)> = Vec::new();
        for m in self.ac.find_overlapping_iter(stream.text.as_str()) {
            let p = &self.patterns[m.pattern().as_usize()];
            let pos = (m.start() + 1) as u32;
            let Ok(k0) = stream.emitted.binary_search_by_key(&pos, |e| e.0) else {
                continue;
            };
            let words = p.words as usize;
            if k0 + words > stream.emitted.len() {
                continue;
            }
            let ok = p.aliases.iter().copied().find(|&a| {
                let r = self.aliases[a as usize];
                self.rule_ok(r.rule, doc, stream, k0, words)
            });
            if let Some(a) = ok {
                found.push((k0 as u32, (k0 + words - 1) as u32, a));
            }
        }
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut next_free = 0u32;
        for (k0, k1, a) in found {
            if k0 < next_free {
                continue;
            }
            next_free = k1 + 1;
            let r = self.aliases[a as usize];
            if r.entity == BLOCK {
                continue;
            }
            let mut t0 = stream.emitted[k0 as usize].1;
            let t1 = stream.emitted[k1 as usize].1 + 1;
            // "The Wall Street Journal": a leading article is not part of the mention.
            if t1 > t0 + 1 && doc.plain(t0 as usize) == "the" {
                t0 += 1;
            }
            // Take in a particle written before the name: "al-Busaidi", "Al Thani".
            if t0 > 0 {
                let prev = &doc.tokens[t0 as usize - 1];
                let gap = doc.tokens[t0 as usize].gap;
                if prev.has(PARTICLE) && (gap == Gap::Hyphen || (gap == Gap::Space && prev.has(CAP))) {
                    t0 -= 1;
                }
            }
            out.push(GzMatch { t0, t1, entity: r.entity, demonym: r.demonym });
        }
        out
    }

    /// The listed entity whose name or alias has exactly this key, if its kind fits.
    pub fn lookup(&self, key: &str, kind_ok: impl Fn(EntityType) -> bool) -> Option<u32> {
        let p = *self.by_key.get(key)?;
        self.patterns[p as usize].aliases.iter().find_map(|&a| {
            let r = self.aliases[a as usize];
            let usable = r.entity != BLOCK
                && !r.demonym
                && matches!(r.rule, CaseRule::Caps(_))
                && kind_ok(self.entities[r.entity as usize].kind);
            usable.then_some(r.entity)
        })
    }

    /// The listed entity whose name or alias is closest to `key` by [`similarity`], when the
    /// score is at least [`FUZZY_MIN`], clearly ahead of any other entity, and both names are
    /// at least [`FUZZY_MIN_LEN`] long.
    pub fn fuzzy(&self, key: &str, kind_ok: impl Fn(EntityType) -> bool) -> Option<u32> {
        if key.len() < FUZZY_MIN_LEN {
            return None;
        }
        let bucket = self.fuzzy.get(key.as_bytes().first()?)?;
        let mut best: Option<(f64, u32)> = None;
        let mut runner_up = 0.0f64;
        for (alias, e) in bucket {
            if alias.len().abs_diff(key.len()) > 3 || !kind_ok(self.entities[*e as usize].kind) {
                continue;
            }
            let s = similarity(key, alias);
            match best {
                Some((bs, be)) if s > bs => {
                    if be != *e {
                        runner_up = runner_up.max(bs);
                    }
                    best = Some((s, *e));
                }
                Some((_, be)) if be != *e => runner_up = runner_up.max(s),
                Some(_) => {}
                None => best = Some((s, *e)),
            }
        }
        let (score, e) = best?;
        (score >= FUZZY_MIN && score - runner_up >= FUZZY_MARGIN).then_some(e)
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Same length, and apart from at most two vowels written differently, the same letters:
/// "khamanei" / "khamenei", "rohani" / "ruhani" (transliterations disagree on vowels far
/// more than on consonants). "khomeini" / "khamenei" differ in a consonant position.
fn vowel_variant(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.len() < FUZZY_MIN_LEN {
        return false;
    }
    let mut diffs = 0;
    for (&x, &y) in a.iter().zip(b) {
        if x != y {
            if !(is_vowel(x) && is_vowel(y)) {
                return false;
            }
            diffs += 1;
        }
    }
    diffs <= 2
}

/// How alike two folded name keys are, 0..=1: Jaro-Winkler, raised to 0.95 for vowel
/// variants. Names of several words must have as many words and alike last words (a shared
/// given name is not enough: "Ebrahim Azizi" is not "Ebrahim Raisi").
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let (wa, wb) = (a.split(' ').count(), b.split(' ').count());
    if wa != wb {
        return 0.0;
    }
    if wa > 1 {
        let (la, lb) = (a.rsplit(' ').next().unwrap_or(""), b.rsplit(' ').next().unwrap_or(""));
        if la != lb && !vowel_variant(la, lb) && strsim::jaro_winkler(la, lb) < SURNAME_MIN {
            return 0.0;
        }
    }
    let s = strsim::jaro_winkler(a, b);
    if vowel_variant(a, b) { s.max(0.95) } else { s }
}

/// Jaro-Winkler the last words of two names of several words need.
const SURNAME_MIN: f64 = 0.88;

struct GzEntityBuilder<'l> {
    patterns: Vec<Pattern>,
    pattern_text: Vec<String>,
    aliases: Vec<AliasRef>,
    exact: Vec<Box<str>>,
    index: HashMap<String, u32>,
    fuzzy: HashMap<u8, Vec<(Box<str>, u32)>, FxBuild>,
    lexicon: &'l Lexicon,
    stream: Stream,
}

impl GzEntityBuilder<'_> {
    fn add(&mut self, alias: &str, entity: u32, exact: bool, demonym: bool) -> Result<(), String> {
        let doc = tokenize(alias, &self.lexicon.particles);
        build_stream(&doc, &mut self.stream);
        let words = self.stream.emitted.len();
        if words == 0 {
            return Err(format!("name {alias:?} has no letters or digits"));
        }
        if words > 64 {
            return Err(format!("name {alias:?} is longer than 64 words"));
        }
        let rule = if exact {
            self.exact.push(alias.into());
            CaseRule::Exact(self.exact.len() as u32 - 1)
        } else {
            let mut mask = 0u64;
            for (i, &(_, t)) in self.stream.emitted.iter().enumerate() {
                if doc.tokens[t as usize].has(CAP) {
                    mask |= 1 << i;
                }
            }
            CaseRule::Caps(mask)
        };
        let pattern = self.stream.text.clone();
        let pi = match self.index.get(&pattern) {
            Some(&pi) => pi,
            None => {
                let pi = self.patterns.len() as u32;
                self.index.insert(pattern.clone(), pi);
                self.patterns.push(Pattern { words: words as u32, aliases: Vec::new() });
                self.pattern_text.push(pattern.clone());
                pi
            }
        };
        let duplicate = self.patterns[pi as usize].aliases.iter().any(|&a| {
            let r = self.aliases[a as usize];
            r.entity == entity
                && r.demonym == demonym
                && match (r.rule, rule) {
                    (CaseRule::Caps(x), CaseRule::Caps(y)) => x == y,
                    (CaseRule::Exact(x), CaseRule::Exact(y)) => {
                        alnum_eq(&self.exact[x as usize], &self.exact[y as usize])
                    }
                    _ => false,
                }
        });
        if !duplicate {
            self.aliases.push(AliasRef { entity, rule, demonym });
            let ai = self.aliases.len() as u32 - 1;
            self.patterns[pi as usize].aliases.push(ai);
        }
        let key = pattern.trim();
        if !exact
            && !demonym
            && entity != BLOCK
            && key.len() >= FUZZY_MIN_LEN
            && !key.contains('|')
            && let Some(&first) = key.as_bytes().first()
        {
            let bucket = self.fuzzy.entry(first).or_default();
            if !bucket.iter().any(|(k, e)| *e == entity && **k == *key) {
                bucket.push((key.into(), entity));
            }
        }
        Ok(())
    }
}
