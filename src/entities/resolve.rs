//! One entity per real-world thing.
//!
//! Gazetteer matches name their entity directly. Candidates from the general recogniser are
//! linked, in this order:
//!
//! 1. names of two or more words: exact alias of a listed entity, then a fuzzy match
//!    (Jaro-Winkler on folded keys, see [`Gazetteer::fuzzy`]), then the same or a near-same
//!    name found earlier in the article, else a new entity;
//! 2. single words, after every full name is known: a lone surname is the person of the
//!    same surname mentioned closest before it (or first after it) — "Araghchi" after
//!    "Abbas Araghchi", "Smith" after "John Smith"; then a fuzzy match of a listed person;
//!    then a titled single name ("Mr. Smith") or an acronym becomes an entity of its own.
//!    A lone surname the article misspells ("Kowalcyzk" after "Ferdinand Kowalczyk") joins
//!    the one full name it is a letter or two from; an untyped full name ("Évariste Galois")
//!    becomes a person when its last word later stands alone as the subject of a verb.
//!
//! Weak candidates (see [`super::names`]) are kept only when they link to something.

use std::collections::HashMap;

use super::gazetteer::{FUZZY_MIN, FUZZY_MIN_LEN, Gazetteer, GzMatch};
use super::names::Cand;
use super::text::{ALPHA, CAP, Doc, Gap, POSSESSIVE};
use crate::record::{Entity, EntityType, Mention};

struct DocEnt {
    gz: Option<u32>,
    kind: EntityType,
    /// Unknown entities: key of the best (longest) mention.
    key: String,
    /// Key of the last word of the name.
    last_key: String,
    /// Key of the first word of the name.
    first_key: String,
    /// Words in the name.
    words: u32,
    qualifier: Option<u32>,
    /// Token span of the best mention (unknown entities).
    best: (u32, u32),
    mentions: Vec<(u32, u32)>,
    /// Adjectives and nationals of a listed place ("Iranian"), kept apart from the mentions.
    demonyms: Vec<(u32, u32)>,
}

struct Resolver<'a, 'd> {
    doc: &'a Doc<'d>,
    gz: &'a Gazetteer,
    ents: Vec<DocEnt>,
    by_gz: HashMap<u32, usize>,
    by_key: HashMap<(Option<u32>, String), usize>,
    /// Unknown entities by the first byte of their key, in creation order.
    by_first: HashMap<u8, Vec<usize>>,
    /// People with full names by the key of their last word (built before single words).
    by_surname: HashMap<String, Vec<usize>>,
    /// Generic organisation names written with their place ("Iran's Foreign Ministry"), so a
    /// later bare "the Foreign Ministry" is the same body.
    generic_by_key: HashMap<String, usize>,
    key: String,
}

/// Irregular verbs in the singular that a person's surname is the subject of ("Byron was").
const SUBJECT_VERBS: &[&str] = &[
    "was", "is", "has", "had", "became", "becomes", "wrote", "writes", "said", "says", "told", "tells", "made", "took",
    "left", "won", "met", "began", "gave", "found", "saw", "went", "came", "knew", "thought", "felt", "taught",
    "spent", "fell", "sought", "held",
];

/// How many earlier unknown names a new one is compared with.
const NEAR_WINDOW: usize = 64;

fn compatible(cand: Option<EntityType>, listed: EntityType) -> bool {
    match cand {
        None | Some(EntityType::Other) => true,
        Some(k) => k == listed || listed == EntityType::Other,
    }
}

fn prefix(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "person",
        EntityType::Org => "org",
        EntityType::Place => "place",
        EntityType::Other => "other",
    }
}

impl Resolver<'_, '_> {
    fn add_gz(&mut self, e: u32, span: (u32, u32)) {
        let idx = self.gz_entity(e, span);
        self.ents[idx].mentions.push(span);
    }

    /// A demonym of listed place `e`.
    fn add_gz_demonym(&mut self, e: u32, span: (u32, u32)) {
        let idx = self.gz_entity(e, span);
        self.ents[idx].demonyms.push(span);
    }

    /// The article's entity for listed entity `e`, created at `span` when new.
    fn gz_entity(&mut self, e: u32, span: (u32, u32)) -> usize {
        match self.by_gz.get(&e) {
            Some(&i) => i,
            None => {
                let g = &self.gz.entities[e as usize];
                self.ents.push(DocEnt {
                    gz: Some(e),
                    kind: g.kind,
                    key: String::new(),
                    last_key: g.last_key.to_string(),
                    first_key: g.first_key.to_string(),
                    words: g.name_words as u32,
                    qualifier: None,
                    best: span,
                    mentions: Vec::new(),
                    demonyms: Vec::new(),
                });
                self.by_gz.insert(e, self.ents.len() - 1);
                self.ents.len() - 1
            }
        }
    }

    fn add_unknown(&mut self, idx: usize, c: &Cand) {
        let ent = &mut self.ents[idx];
        ent.mentions.push((c.t0, c.t1));
        if let Some(k) = c.kind
            && ent.kind == EntityType::Other
            && k != EntityType::Other
        {
            ent.kind = k;
        }
        if c.words > ent.words {
            ent.words = c.words;
            ent.best = (c.k0, c.t1);
            ent.key.clone_from(&self.key);
            ent.last_key = self.key.rsplit(' ').next().unwrap_or("").to_string();
            ent.first_key = self.key.split(' ').next().unwrap_or("").to_string();
            self.by_key.insert((ent.qualifier, self.key.clone()), idx);
        }
    }

    fn new_unknown(&mut self, c: &Cand, kind: EntityType) {
        if let Some(&first) = self.key.as_bytes().first() {
            self.by_first.entry(first).or_default().push(self.ents.len());
        }
        let last_key = self.key.rsplit(' ').next().unwrap_or("").to_string();
        let first_key = self.key.split(' ').next().unwrap_or("").to_string();
        self.ents.push(DocEnt {
            gz: None,
            kind,
            key: self.key.clone(),
            last_key,
            first_key,
            words: c.words,
            qualifier: c.qualifier,
            best: (c.k0, c.t1),
            mentions: vec![(c.t0, c.t1)],
            demonyms: Vec::new(),
        });
        self.by_key.insert((c.qualifier, self.key.clone()), self.ents.len() - 1);
    }

    /// A listed entity for the candidate's key: a listed organisation of the place written
    /// before it, an exact alias, then fuzzy.
    fn listed(&self, c: &Cand, fuzzy: bool) -> Option<u32> {
        if let Some(e) = c.possessor.and_then(|p| self.gz.qualified(p, &self.key)) {
            return Some(e);
        }
        if c.qualifier.is_some() {
            return None;
        }
        let ok = |k| compatible(c.kind, k);
        self.gz.lookup(&self.key, ok).or_else(|| fuzzy.then(|| self.gz.fuzzy(&self.key, ok)).flatten())
    }

    /// An unknown entity of this article with a near-same name. Only the latest
    /// [`NEAR_WINDOW`] unknown names with the same first letter are compared, which bounds
    /// the work on pages that are long lists of names.
    fn near_unknown(&self, c: &Cand) -> Option<usize> {
        if self.key.len() < FUZZY_MIN_LEN {
            return None;
        }
        let first = self.key.as_bytes()[0];
        let bucket = self.by_first.get(&first)?;
        let mut best: Option<(f64, usize)> = None;
        for &i in bucket.iter().rev().take(NEAR_WINDOW) {
            let e = &self.ents[i];
            if e.qualifier != c.qualifier || e.key.len() < FUZZY_MIN_LEN || e.key.len().abs_diff(self.key.len()) > 3 {
                continue;
            }
            if !(compatible(c.kind, e.kind) || e.kind == EntityType::Other) {
                continue;
            }
            let s = super::gazetteer::similarity(&self.key, &e.key);
            if s >= FUZZY_MIN && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// Index people with full names by the key of their last word, and unknown names of two or
    /// three words with no type ("Évariste Galois"): a later lone last word shows they are people.
    fn index_surnames(&mut self) {
        self.by_surname.clear();
        for (i, e) in self.ents.iter().enumerate() {
            let untyped_name = e.kind == EntityType::Other && e.gz.is_none() && (2..=3).contains(&e.words);
            if (e.kind == EntityType::Person && e.words >= 2) || untyped_name {
                self.by_surname.entry(e.last_key.clone()).or_default().push(i);
            }
        }
    }

    /// The person whose surname is `self.key`: the closest mentioned before `t0`, else the
    /// first mentioned after it.
    fn surname_owner(&self, t0: u32) -> Option<usize> {
        let mut before: Option<(u32, usize)> = None;
        let mut after: Option<(u32, usize)> = None;
        for &i in self.by_surname.get(&self.key)? {
            let e = &self.ents[i];
            for &(m0, _) in &e.mentions {
                if m0 < t0 {
                    if before.is_none_or(|(b, _)| m0 > b) {
                        before = Some((m0, i));
                    }
                } else if after.is_none_or(|(a, _)| m0 < a) {
                    after = Some((m0, i));
                }
            }
        }
        before.or(after).map(|(_, i)| i)
    }

    /// A lone name standing as the subject of a verb in the singular past or a verb of a life,
    /// not after an article: "Galois returned", "Byron was" (not "the House did", "Polaroids
    /// were", "Senators when", "at Berkeley,").
    fn acts_like_a_person(&self, c: &Cand) -> bool {
        let (t0, t1) = (c.t0 as usize, c.t1 as usize);
        let toks = &self.doc.tokens;
        let after_article = t0 > 0 && matches!(self.doc.plain(t0 - 1), "the" | "a" | "an" | "this" | "that" | "its");
        let verb_after = t1 < toks.len()
            && toks[t1].gap == Gap::Space
            && toks[t1].has(ALPHA)
            && !toks[t1].has(CAP)
            && !toks[t0..t1].iter().any(|t| t.has(POSSESSIVE))
            && {
                let next = self.doc.plain(t1);
                (next.ends_with("ed") && next.len() > 4) || SUBJECT_VERBS.contains(&next)
            };
        !after_article && verb_after
    }

    /// The person whose surname `self.key` misspells: the article writes the same surname with a
    /// letter or two changed, dropped or swapped ("Kowalcyzk" after "Ferdinand Kowalczyk"). The
    /// first letter must agree and the surname must be long enough for the edit to be a slip, and
    /// only one surname of the article may be that close.
    fn misspelled_surname_owner(&self, t0: u32) -> Option<usize> {
        if self.key.len() < FUZZY_MIN_LEN || self.key.contains(' ') {
            return None;
        }
        let max_edits = if self.key.len() >= 8 { 2 } else { 1 };
        let mut close = self.by_surname.keys().filter(|k| {
            k.len() >= FUZZY_MIN_LEN
                && k.as_bytes()[0] == self.key.as_bytes()[0]
                && k.len().abs_diff(self.key.len()) <= max_edits
                && strsim::damerau_levenshtein(k, &self.key) <= max_edits
        });
        let surname = close.next()?;
        if close.next().is_some() {
            return None;
        }
        let people = &self.by_surname[surname];
        let before = people.iter().copied().rev().find(|&i| self.ents[i].mentions.iter().any(|&(m0, _)| m0 < t0));
        before.or_else(|| people.first().copied())
    }

    /// The one person of this article with a full name starting with `self.key`
    /// ("Sheikh Mohammed" after "Mohammed bin Abdulrahman Al Thani").
    fn given_name_owner(&self) -> Option<usize> {
        let mut found = None;
        for (i, e) in self.ents.iter().enumerate() {
            if e.kind == EntityType::Person && e.words >= 2 && e.first_key == self.key {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        found
    }

    /// The person of this article whose full name ends with the words of `self.key`
    /// ("Von der Leyen" after "Ursula von der Leyen"), the closest before `t0`.
    fn name_suffix_owner(&self, t0: u32) -> Option<usize> {
        let mut best: Option<(u32, usize)> = None;
        for (i, e) in self.ents.iter().enumerate() {
            if e.kind != EntityType::Person || e.words < 2 {
                continue;
            }
            let full: &str = match e.gz {
                Some(g) => &self.gz.entities[g as usize].key,
                None => &e.key,
            };
            let suffix = full.len() > self.key.len()
                && full.ends_with(self.key.as_str())
                && full.as_bytes()[full.len() - self.key.len() - 1] == b' ';
            if !suffix {
                continue;
            }
            for &(m0, _) in &e.mentions {
                if m0 < t0 && best.is_none_or(|(b, _)| m0 > b) {
                    best = Some((m0, i));
                }
            }
        }
        best.map(|(_, i)| i)
    }

    fn multi(&mut self, c: &Cand) {
        self.doc.span_key(c.k0 as usize, c.t1 as usize, &mut self.key);
        if self.key.is_empty() {
            return;
        }
        let before = self.ents.len();
        let linked = self.link_multi(c);
        // Remember generic names written with their place ("Iran's Foreign Ministry").
        if c.generic
            && (c.qualifier.is_some() || c.possessor.is_some())
            && let Some(i) = linked.or_else(|| (self.ents.len() > before).then(|| self.ents.len() - 1))
        {
            self.generic_by_key.entry(self.key.clone()).or_insert(i);
        }
    }

    /// Link a candidate of two or more words; the entity it joined, if it joined one.
    fn link_multi(&mut self, c: &Cand) -> Option<usize> {
        if let Some(e) = self.listed(c, true) {
            self.add_gz(e, (c.t0, c.t1));
            return self.by_gz.get(&e).copied();
        }
        if let Some(&i) = self.by_key.get(&(c.qualifier, self.key.clone())) {
            self.add_unknown(i, c);
            return Some(i);
        }
        // "the Foreign Ministry" after "Iran's Foreign Ministry".
        if c.generic
            && c.qualifier.is_none()
            && c.possessor.is_none()
            && let Some(&i) = self.generic_by_key.get(&self.key)
        {
            self.add_mention(i, c);
            return Some(i);
        }
        if matches!(c.kind, None | Some(EntityType::Person))
            && let Some(i) = self.name_suffix_owner(c.t0)
        {
            self.add_mention(i, c);
            return Some(i);
        }
        if let Some(i) = self.near_unknown(c) {
            self.add_unknown(i, c);
            return Some(i);
        }
        if let Some(kind) = c.kind {
            self.new_unknown(c, kind);
        }
        None
    }

    /// Add a mention to a listed or unknown entity.
    fn add_mention(&mut self, i: usize, c: &Cand) {
        match self.ents[i].gz {
            Some(e) => self.add_gz(e, (c.t0, c.t1)),
            None => self.add_unknown(i, c),
        }
    }

    fn single(&mut self, c: &Cand) {
        self.doc.span_key(c.k0 as usize, c.t1 as usize, &mut self.key);
        if self.key.is_empty() {
            return;
        }
        if let Some(e) = c.possessor.and_then(|p| self.gz.qualified(p, &self.key)) {
            self.add_gz(e, (c.t0, c.t1));
            return;
        }
        // A lone surname; a lone given name ("Sheikh Mohammed", "Wang" after "Wang Yi") of
        // the one person of the article whose full name starts with it.
        let person_like = matches!(c.kind, None | Some(EntityType::Person));
        let owner = self
            .surname_owner(c.t0)
            .filter(|&i| {
                self.ents[i].kind == EntityType::Person
                    || (person_like && (c.kind == Some(EntityType::Person) || self.acts_like_a_person(c)))
            })
            .or_else(|| (person_like && self.key.contains(' ')).then(|| self.name_suffix_owner(c.t0)).flatten())
            .or_else(|| person_like.then(|| self.misspelled_surname_owner(c.t0)).flatten());
        let owner = owner.or_else(|| {
            (matches!(c.kind, None | Some(EntityType::Person)) && c.qualifier.is_none())
                .then(|| self.given_name_owner())
                .flatten()
        });
        if let Some(i) = owner {
            // An untyped full name referred to by its last word alone is a person's.
            if self.ents[i].kind == EntityType::Other {
                self.ents[i].kind = EntityType::Person;
            }
            self.add_mention(i, c);
            return;
        }
        if self.key.len() > FUZZY_MIN_LEN
            && let Some(e) = self.gz.fuzzy(&self.key, |k| k == EntityType::Person)
        {
            self.add_gz(e, (c.t0, c.t1));
            return;
        }
        if let Some(&i) = self.by_key.get(&(None, self.key.clone())) {
            self.add_unknown(i, c);
            return;
        }
        if let Some(kind) = c.kind {
            self.new_unknown(c, kind);
        }
    }
}

/// Link matches and candidates into entities, sorted by first mention.
pub(crate) fn resolve(
    doc: &Doc,
    gz: &Gazetteer,
    matches: &[GzMatch],
    absorbed: &[bool],
    cands: &[Cand],
) -> Vec<Entity> {
    let mut r = Resolver {
        doc,
        gz,
        ents: Vec::new(),
        by_gz: HashMap::new(),
        by_key: HashMap::new(),
        by_first: HashMap::new(),
        by_surname: HashMap::new(),
        generic_by_key: HashMap::new(),
        key: String::new(),
    };
    for (m, _) in matches.iter().zip(absorbed).filter(|(_, a)| !**a) {
        if m.demonym {
            r.add_gz_demonym(m.entity, (m.t0, m.t1));
        } else {
            r.add_gz(m.entity, (m.t0, m.t1));
        }
    }
    for c in cands.iter().filter(|c| c.words >= 2 && c.kind.is_some()) {
        r.multi(c);
    }
    for c in cands.iter().filter(|c| c.words >= 2 && c.kind.is_none()) {
        r.multi(c);
    }
    r.index_surnames();
    for c in cands.iter().filter(|c| c.words < 2) {
        r.single(c);
    }
    build(doc, gz, r.ents)
}

/// Readable id part of a span: its plain-folded words joined by '-' ("kazem-gharibabadi").
fn slug(doc: &Doc, (t0, t1): (u32, u32)) -> String {
    let mut s = String::new();
    for i in t0 as usize..t1 as usize {
        let p = doc.plain(i);
        if p.is_empty() {
            continue;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(p);
    }
    s
}

fn build(doc: &Doc, gz: &Gazetteer, ents: Vec<DocEnt>) -> Vec<Entity> {
    let mut out: Vec<(u32, Entity)> = Vec::with_capacity(ents.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for mut e in ents {
        e.mentions.sort_unstable();
        e.mentions.dedup();
        e.demonyms.sort_unstable();
        e.demonyms.dedup();
        let Some(first) = e.mentions.first().into_iter().chain(e.demonyms.first()).map(|&(t0, _)| t0).min() else {
            continue;
        };
        let (id, name, wikidata) = match e.gz {
            Some(g) => {
                let g = &gz.entities[g as usize];
                (g.id.to_string(), g.name.to_string(), g.wikidata.as_ref().map(|q| q.to_string()))
            }
            None => {
                let slug = slug(doc, e.best);
                let surface = doc.surface(e.best.0 as usize, e.best.1 as usize);
                match e.qualifier.map(|q| &gz.entities[q as usize]) {
                    Some(place) => (
                        format!("{}:{}-{}", prefix(e.kind), place.slug(), slug),
                        format!("{surface} ({})", place.name),
                        None,
                    ),
                    None => (format!("{}:{}", prefix(e.kind), slug), surface.to_string(), None),
                }
            }
        };
        let to_mention = |&(t0, t1): &(u32, u32)| {
            let (a, b) = (&doc.tokens[t0 as usize], &doc.tokens[t1 as usize - 1]);
            Mention {
                text: doc.surface(t0 as usize, t1 as usize).to_string(),
                start: a.c0 as usize,
                end: b.c1 as usize,
            }
        };
        let mentions = e.mentions.iter().map(to_mention);
        let demonyms = e.demonyms.iter().map(to_mention);
        match by_id.get(&id) {
            Some(&i) => {
                let target = &mut out[i];
                target.1.mentions.extend(mentions);
                target.1.mentions.sort_unstable_by_key(|m| (m.start, m.end));
                target.1.mentions.dedup();
                target.1.demonyms.extend(demonyms);
                target.1.demonyms.sort_unstable_by_key(|m| (m.start, m.end));
                target.1.demonyms.dedup();
                target.0 = target.0.min(first);
            }
            None => {
                by_id.insert(id.clone(), out.len());
                let (mentions, demonyms) = (mentions.collect(), demonyms.collect());
                out.push((first, Entity { id, name, kind: e.kind, wikidata, mentions, demonyms }));
            }
        }
    }
    out.sort_by_key(|(first, _)| *first);
    out.into_iter().map(|(_, e)| e).collect()
}
