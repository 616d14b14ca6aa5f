//! The general recogniser: names that are on no list, found from the text alone.
//!
//! Runs of capitalised words (with name connectors such as "bin", "al-", "von", and "of"/"for"
//! inside organisation names) are cut into candidates:
//!
//! * a run with an organisation head word ("Ministry", "Agency", "Council", ...) is an ORG;
//!   a listed place before a generic organisation name (titles, head words and generic
//!   modifiers such as "Security" only) qualifies it ("Oman's Foreign Ministry", "Omani
//!   Foreign Ministry" → "Foreign Ministry (Oman)"); a place inside or before a proper one is
//!   part of it ("Tehran Times", "Central Bank of Iran", "Washington Institute for Near East
//!   Policy"). A listed generic name right after another place is released to this rule
//!   ("Russia's Security Council" is not the UN's);
//! * leading titles are stripped and mark a PERSON ("Deputy Foreign Minister Kazem
//!   Gharibabadi" → "Kazem Gharibabadi"; a role noun capitalised at a sentence start counts),
//!   as do a role noun before the name ("spokesman X", "his counterpart, X,"), an apposition
//!   after it ("X, a deputy minister,"), a relative "X, who", a speech verb next to it ("X
//!   said"), or a known given name;
//! * an organisation noun next to a name makes it an ORG ("the Kayhan newspaper", "the daily
//!   Etemad"), as does being a lone acronym;
//! * a place preposition before an unlisted name, or "-based" after it, makes it a PLACE
//!   ("clerics in Najaf", "a Karachi-based analyst"), unless it looks like an adjective;
//! * a listed place inside a short run of plain capitalised words is part of that name, not
//!   the place ("Pittsburgh Pirates", "Environment Canada" are ORGs, "Volgograd Arena" a PLACE);
//! * a lone first name is a PERSON ("Daniel refused"); "the Senate", "the Church" are ORGs;
//! * an unmarked span of two or more words is OTHER, or *weak* at the start of a sentence;
//!   single unmarked words are weak. Weak candidates survive only when they link to an
//!   entity found elsewhere (a lone surname or given name, a fuzzy match of a listed name).
//!
//! Stopwords (sentence starters, pronouns, days, months), lines that look like headlines,
//! and words already matched by the gazetteer are never part of a candidate.

use super::data::Lexicon;
use super::gazetteer::{Gazetteer, GzMatch};
use super::text::{ALL_CAPS, ALPHA, CAP, Doc, GAP_COMMA, GAP_NEWLINE, GAP_STOP, Gap, PARTICLE, POSSESSIVE, SENT_START};
use crate::record::EntityType;

const NONE: u32 = u32::MAX;

/// A name found by the general recogniser, in token indices (`t0..t1`).
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub t0: u32,
    pub t1: u32,
    /// First token of the name proper (`k0..t1`): after a place that qualifies a generic
    /// organisation name written inside the mention ("Omani Foreign Ministry" → "Foreign
    /// Ministry"); `t0` otherwise. Keys and ids are made from `k0..t1`.
    pub k0: u32,
    /// None: weak, kept only if it links to an entity found elsewhere.
    pub kind: Option<EntityType>,
    /// A listed place that qualifies a generic ORG name.
    pub qualifier: Option<u32>,
    /// A listed place written just before an ORG name, with a possessive or as an adjective
    /// ("Iran's National Security Council"): the pair may name a listed organisation.
    pub possessor: Option<u32>,
    /// An ORG name made of generic words only ("Foreign Ministry").
    pub generic: bool,
    /// Capitalised words in the span.
    pub words: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// Capitalised word that may be part of a name.
    Name,
    /// Name connector ("bin", "al", "von"), lower case or not.
    Connector,
    /// Lower-case "of", "for", "the", "and", "on".
    OrgConnector,
    /// Anything else.
    Breaker,
}

#[derive(Clone, Copy, Debug)]
enum Unit {
    Tok(u32),
    /// A gazetteer place match (index into matches).
    Place(u32),
}

struct Ctx<'a, 'd> {
    doc: &'a Doc<'d>,
    lx: &'a Lexicon,
    gz: &'a Gazetteer,
    matches: &'a [GzMatch],
    covered: Vec<u32>,
    class: Vec<Class>,
    absorbed: Vec<bool>,
    out: Vec<Cand>,
}

/// Find candidates in `doc`. Returns them with, per gazetteer match, whether a candidate
/// took it in (a place inside an organisation name, a given name like "Israel Katz").
pub(crate) fn find(doc: &Doc, gz: &Gazetteer, matches: &[GzMatch], lx: &Lexicon) -> (Vec<Cand>, Vec<bool>) {
    let n = doc.tokens.len();
    let mut covered = vec![NONE; n];
    for (mi, m) in matches.iter().enumerate() {
        for c in &mut covered[m.t0 as usize..m.t1 as usize] {
            *c = mi as u32;
        }
    }
    let headline = headline_lines(doc, lx);
    let class = (0..n)
        .map(|i| {
            let t = &doc.tokens[i];
            let p = doc.plain(i);
            if headline[t.line as usize] {
                Class::Breaker
            } else if t.has(PARTICLE) || lx.name_connectors.contains(p) {
                Class::Connector
            } else if !t.has(CAP) && lx.org_connectors.contains(p) {
                Class::OrgConnector
            } else if t.has(CAP) && t.has(ALPHA) && !lx.stopwords.contains(p) {
                Class::Name
            } else {
                Class::Breaker
            }
        })
        .collect();
    let mut cx = Ctx { doc, lx, gz, matches, covered, class, absorbed: vec![false; matches.len()], out: Vec::new() };
    cx.release_surnames();
    cx.release_generic_orgs();
    let mut run: Vec<Unit> = Vec::new();
    let mut i = 0usize;
    while i < n {
        let next = cx.collect_run(i, &mut run);
        if !run.is_empty() {
            cx.process_run(&mut run);
        }
        i = next.max(i + 1);
    }
    (cx.out, cx.absorbed)
}

/// Prepositions after which a name is not the subject of the next verb.
const PREPOSITIONS: &[&str] =
    &["at", "of", "from", "in", "with", "for", "by", "to", "on", "about", "against", "near", "into"];

/// Organisation head words that name one body on their own after "the" ("the Senate voted").
const BODIES_NAMED_BY_HEAD: &[&str] =
    &["senate", "congress", "parliament", "assembly", "army", "navy", "academy", "society", "church", "house"];

/// Words that turn a place name into a part of it ("Northern California", "Greater London").
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "upper",
    "lower",
    "greater",
    "inner",
    "outer",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

/// Short words that title case leaves in lower case.
const TITLE_SMALL: &[&str] =
    &["a", "an", "in", "to", "at", "by", "with", "as", "from", "vs", "or", "nor", "but", "up", "via", "over"];

/// Lines that look like headlines or bylines: mostly Capitalised Words or ALL CAPS.
fn headline_lines(doc: &Doc, lx: &Lexicon) -> Vec<bool> {
    let lines = doc.lines as usize;
    let mut words = vec![0u32; lines];
    let mut caps = vec![0u32; lines];
    let mut all_caps = vec![0u32; lines];
    let mut stops = vec![0u32; lines];
    let mut commas = vec![0u32; lines];
    for (i, t) in doc.tokens.iter().enumerate() {
        if !t.has(ALPHA) {
            continue;
        }
        let l = t.line as usize;
        if !t.has(CAP) && (lx.org_connectors.contains(doc.plain(i)) || TITLE_SMALL.contains(&doc.plain(i))) {
            continue;
        }
        words[l] += 1;
        if t.has(CAP) {
            caps[l] += 1;
        }
        if t.has(ALL_CAPS) {
            all_caps[l] += 1;
        }
        if t.gap_flags & GAP_STOP != 0 && t.gap_flags & GAP_NEWLINE == 0 {
            stops[l] += 1;
        }
        if t.gap_flags & GAP_COMMA != 0 && t.gap_flags & GAP_NEWLINE == 0 {
            commas[l] += 1;
        }
    }
    (0..lines)
        .map(|l| {
            let w = words[l];
            // "Jerome, Ambrose, Augustine and Gregory": commas make a list of names, not a headline.
            stops[l] == 0
                && commas[l] < 2
                && ((w >= 4 && caps[l] * 10 >= w * 9) || (w >= 3 && all_caps[l] * 5 >= w * 3))
        })
        .collect()
}

impl Ctx<'_, '_> {
    fn plain(&self, t: u32) -> &str {
        self.doc.plain(t as usize)
    }

    fn tok(&self, t: u32) -> &super::text::Token {
        &self.doc.tokens[t as usize]
    }

    fn is_place_match(&self, mi: u32) -> bool {
        let m = &self.matches[mi as usize];
        self.gz.entities[m.entity as usize].kind == EntityType::Place
    }

    fn first_tok(&self, u: Unit) -> u32 {
        match u {
            Unit::Tok(t) => t,
            Unit::Place(m) => self.matches[m as usize].t0,
        }
    }

    fn end_tok(&self, u: Unit) -> u32 {
        match u {
            Unit::Tok(t) => t + 1,
            Unit::Place(m) => self.matches[m as usize].t1,
        }
    }

    fn is_name(&self, u: Unit) -> bool {
        match u {
            Unit::Tok(t) => self.class[t as usize] == Class::Name,
            Unit::Place(_) => true,
        }
    }

    fn is_title(&self, u: Unit) -> bool {
        matches!(u, Unit::Tok(t) if self.class[t as usize] == Class::Name && self.lx.title_words.contains(self.plain(t)))
    }

    fn is_head(&self, u: Unit) -> bool {
        matches!(u, Unit::Tok(t) if self.class[t as usize] == Class::Name && self.lx.org_heads.contains(self.plain(t)))
    }

    fn is_org_connector(&self, u: Unit) -> bool {
        matches!(u, Unit::Tok(t) if self.class[t as usize] == Class::OrgConnector)
    }

    fn is_connector(&self, u: Unit) -> bool {
        matches!(u, Unit::Tok(t) if self.class[t as usize] == Class::Connector)
    }

    /// A listed single word right after a first name is someone else's surname, or a place
    /// in a person's name: "Eric Trump", "George Washington". Such matches are released to
    /// the general recogniser.
    fn release_surnames(&mut self) {
        for (mi, m) in self.matches.iter().enumerate() {
            if m.t1 != m.t0 + 1 || m.t0 == 0 || m.demonym {
                continue;
            }
            let (t, prev) = (m.t0, m.t0 - 1);
            // "Lara Trump": a first name that is also a listed place still opens a person's name.
            let prev_given_place = {
                let pm = self.covered[prev as usize];
                pm != NONE && {
                    let p = &self.matches[pm as usize];
                    p.t1 == p.t0 + 1
                        && !p.demonym
                        && self.is_place_match(pm)
                        && self.lx.given_names.contains(self.plain(prev))
                }
            };
            if self.tok(t).gap != Gap::Space
                || (self.covered[prev as usize] != NONE && !prev_given_place)
                || self.class[prev as usize] != Class::Name
                || self.tok(prev).has(ALL_CAPS)
            {
                continue;
            }
            let p = self.plain(prev);
            if self.lx.title_words.contains(p) || self.lx.org_heads.contains(p) {
                continue;
            }
            let release = match self.gz.entities[m.entity as usize].kind {
                EntityType::Person => true,
                // "Gov. Jeb Bush": a name after a title is a person's first name.
                EntityType::Place => {
                    self.lx.first_names.contains(p)
                        || (prev > 0
                            && self.tok(prev).gap == Gap::Space
                            && self.lx.title_words.contains(self.plain(prev - 1)))
                }
                _ => false,
            };
            if release {
                self.absorbed[mi] = true;
                self.covered[t as usize] = NONE;
            }
        }
    }

    /// Whether every word of `t0..t1` is a title, head word or modifier of generic
    /// organisation names ("Security Council", "Foreign Ministry").
    fn generic_words(&self, t0: u32, t1: u32) -> bool {
        (t0..t1).all(|t| {
            let p = self.plain(t);
            self.tok(t).has(PARTICLE)
                || self.lx.title_words.contains(p)
                || self.lx.org_heads.contains(p)
                || self.lx.org_modifiers.contains(p)
        })
    }

    /// A listed organisation with a generic name right after a place is that place's body,
    /// not the listed one: "Russia's Security Council", "the Russian Security Council" (the
    /// listed "Security Council" is the UN's). Unless the place and name together are listed
    /// ("America's Congress"), such matches are released to the general recogniser, which
    /// qualifies the name by the place.
    fn release_generic_orgs(&mut self) {
        for (mi, m) in self.matches.iter().enumerate() {
            if m.t0 == 0 || self.absorbed[mi] || self.gz.entities[m.entity as usize].kind != EntityType::Org {
                continue;
            }
            let prev = self.covered[m.t0 as usize - 1];
            if prev == NONE || !self.is_place_match(prev) || self.matches[prev as usize].t1 != m.t0 {
                continue;
            }
            let before = self.tok(m.t0 - 1);
            if !(before.has(POSSESSIVE) || self.tok(m.t0).gap == Gap::Space) || !self.generic_words(m.t0, m.t1) {
                continue;
            }
            let mut key = String::new();
            self.doc.span_key(m.t0 as usize, m.t1 as usize, &mut key);
            let place = self.matches[prev as usize].entity;
            if self.gz.qualified(place, &key) == Some(m.entity) {
                continue;
            }
            self.absorbed[mi] = true;
            for t in m.t0..m.t1 {
                self.covered[t as usize] = NONE;
            }
        }
    }

    /// The unit starting at token `i`, if it can be part of a run.
    fn unit_at(&self, i: usize) -> Option<Unit> {
        let mi = self.covered[i];
        if mi != NONE {
            let m = &self.matches[mi as usize];
            return (m.t0 as usize == i && self.is_place_match(mi)).then_some(Unit::Place(mi));
        }
        match self.class[i] {
            Class::Breaker => None,
            _ => Some(Unit::Tok(i as u32)),
        }
    }

    /// Collect the run starting at token `i` into `run` (empty if none starts there).
    /// Returns the token index after it.
    fn collect_run(&self, i: usize, run: &mut Vec<Unit>) -> usize {
        run.clear();
        let n = self.doc.tokens.len();
        let Some(first) = self.unit_at(i) else {
            let mi = self.covered[i];
            return if mi != NONE { self.matches[mi as usize].t1 as usize } else { i + 1 };
        };
        if self.is_org_connector(first) {
            return i + 1;
        }
        run.push(first);
        let mut next = self.end_tok(first) as usize;
        while next < n {
            let prev_end = &self.doc.tokens[next - 1];
            let t = &self.doc.tokens[next];
            if t.gap == Gap::Break || prev_end.has(POSSESSIVE) {
                break;
            }
            let Some(u) = self.unit_at(next) else { break };
            run.push(u);
            next = self.end_tok(u) as usize;
        }
        // A run neither ends with a connector nor starts with one that is not a particle.
        while run.last().is_some_and(|&u| !self.is_name(u)) {
            run.pop();
        }
        // A run starts with a name, a particle ("al-Busaidi") or a capitalised connector
        // ("Von der Leyen", "Bin Salman").
        let lead = run
            .iter()
            .take_while(|&&u| {
                !self.is_name(u)
                    && !matches!(u, Unit::Tok(t) if self.tok(t).has(PARTICLE)
                        || (self.class[t as usize] == Class::Connector && self.tok(t).has(CAP)))
            })
            .count();
        run.drain(..lead);
        if !run.iter().any(|&u| self.is_name(u)) {
            run.clear();
        }
        next
    }

    fn process_run(&mut self, run: &mut [Unit]) {
        // "Members of the National Security Council": what comes before the first "of" is
        // part of an organisation's name only if it has a head word ("Bank of England").
        if let Some(c) = run.iter().position(|&u| self.is_org_connector(u))
            && run.iter().skip(c).any(|&u| self.is_head(u))
            && !run[..c].iter().any(|&u| self.is_head(u))
            && !run[..c].iter().all(|&u| self.is_title(u))
        {
            let rest = c + run[c..].iter().take_while(|&&u| self.is_org_connector(u)).count();
            self.free(&run[..c]);
            if rest < run.len() {
                self.process_run(&mut run[rest..]);
            }
            return;
        }
        // "Israel Katz", "Defense Minister Israel Katz", "Jordan Bardella": a listed place that
        // is a given name before a name.
        for i in 0..run.len().saturating_sub(1) {
            let (Unit::Place(mi), second) = (run[i], run[i + 1]) else { continue };
            let m = self.matches[mi as usize];
            if m.t1 == m.t0 + 1
                && !m.demonym
                && self.lx.given_names.contains(self.plain(m.t0))
                && matches!(second, Unit::Tok(_))
                && self.is_name(second)
                && !self.is_title(second)
                && !self.is_head(second)
                && (i == 0 || !matches!(run[i - 1], Unit::Tok(t) if !self.is_title(Unit::Tok(t))))
            {
                self.absorbed[mi as usize] = true;
                run[i] = Unit::Tok(m.t0);
            }
        }
        let head = run.iter().rposition(|&u| self.is_head(u));
        match head {
            Some(h) => {
                // "Ministry of Foreign Affairs" goes on after its head; "Foreign Ministry and Iran"
                // does not ("and" joins two names).
                let goes_on = run.get(h + 1).is_some_and(|&u| {
                    self.is_org_connector(u)
                        && matches!(u, Unit::Tok(t) if matches!(self.plain(t), "of" | "for" | "on"))
                });
                let org_end = if goes_on { run.len() } else { h + 1 };
                self.org(&run[..org_end]);
                if org_end < run.len() {
                    self.free(&run[org_end..]);
                }
            }
            None => {
                if !self.name_around_place(run) {
                    self.free(run);
                }
            }
        }
    }

    /// A listed place written inside a longer name is part of that name, not a mention of the
    /// place: "Pittsburgh Pirates", "Environment Canada", "Real Madrid" (organisations),
    /// "Volgograd Arena", "Northern California" (places), "Valeska Paris" (a person's given name
    /// first). Only short runs of one place and plain capitalised words; a sentence-initial word
    /// before the place may be capitalised for the sentence ("Visiting Paris, ...").
    fn name_around_place(&mut self, run: &[Unit]) -> bool {
        if run.len() < 2 || run.len() > 4 {
            return false;
        }
        let places: Vec<usize> = (0..run.len()).filter(|&i| matches!(run[i], Unit::Place(_))).collect();
        let [p] = places[..] else { return false };
        let Unit::Place(mi) = run[p] else { return false };
        if self.matches[mi as usize].demonym {
            return false;
        }
        let plain_word = |u: Unit| {
            matches!(u, Unit::Tok(t) if self.class[t as usize] == Class::Name
                && !self.is_title(u)
                && !self.is_head(u)
                && !self.tok(t).has(POSSESSIVE))
        };
        if !run.iter().enumerate().all(|(i, &u)| i == p || plain_word(u)) {
            return false;
        }
        let t0 = self.first_tok(run[0]);
        let t1 = self.end_tok(run[run.len() - 1]);
        if (t0 + 1..t1).any(|t| self.tok(t).gap != Gap::Space || self.tok(t - 1).has(POSSESSIVE)) {
            return false;
        }
        let first = self.plain(t0);
        let last = self.plain(t1 - 1);
        let kind = if self.lx.place_heads.contains(last) || (p > 0 && DIRECTIONS.contains(&first)) {
            EntityType::Place
        } else if p > 0 && self.lx.first_names.contains(first) {
            EntityType::Person
        } else if p > 0 && self.tok(t0).has(SENT_START) {
            return false;
        } else {
            EntityType::Org
        };
        self.absorbed[mi as usize] = true;
        let words = run.len() as u32;
        self.out.push(Cand {
            t0,
            t1,
            k0: t0,
            kind: Some(kind),
            qualifier: None,
            possessor: None,
            generic: false,
            words,
        });
        true
    }

    /// An organisation span.
    fn org(&mut self, units: &[Unit]) {
        let lead_places = units.iter().take_while(|u| matches!(u, Unit::Place(_))).count();
        let rest = &units[lead_places..];
        let rest_words = rest.iter().filter(|&&u| self.is_name(u)).count();
        let mut qualifier = None;
        let mut possessor = None;
        // Only generic names are qualified ("Omani Foreign Ministry" → "Foreign Ministry
        // (Oman)"); a proper name keeps its place ("Washington Institute for Near East Policy").
        // The place stays part of the mention either way; the name proper is what follows it.
        let generic = rest.iter().all(|&u| match u {
            Unit::Tok(t) => !self.is_name(u) || self.generic_words(t, t + 1),
            Unit::Place(_) => false,
        });
        let mut name: &[Unit] = units;
        if lead_places > 0
            && !rest.is_empty()
            && let Unit::Place(mi) = units[lead_places - 1]
        {
            possessor = Some(self.matches[mi as usize].entity);
            if rest_words >= 2 && generic {
                qualifier = possessor;
                name = rest;
            }
        }
        if lead_places == 0 {
            // "Oman's Foreign Ministry", "Iran's National Security Council"
            let t0 = self.first_tok(units[0]) as usize;
            if t0 > 0 && self.doc.tokens[t0 - 1].has(POSSESSIVE) {
                let mi = self.covered[t0 - 1];
                if mi != NONE && self.is_place_match(mi) {
                    possessor = Some(self.matches[mi as usize].entity);
                    if generic {
                        qualifier = possessor;
                    }
                }
            }
        }
        let words = name.iter().filter(|&&u| self.is_name(u)).count() as u32;
        if words < 2 && qualifier.is_none() {
            if let [Unit::Tok(t)] = *units
                && self.body_named_by_head(t)
            {
                self.out.push(Cand {
                    t0: t,
                    t1: t + 1,
                    k0: t,
                    kind: Some(EntityType::Org),
                    qualifier: None,
                    possessor: None,
                    generic: false,
                    words: 1,
                });
            }
            return;
        }
        for u in units {
            if let Unit::Place(mi) = *u {
                self.absorbed[mi as usize] = true;
            }
        }
        self.out.push(Cand {
            t0: self.first_tok(units[0]),
            t1: self.end_tok(units[units.len() - 1]),
            k0: self.first_tok(name[0]),
            kind: Some(EntityType::Org),
            qualifier,
            possessor,
            generic,
            words,
        });
    }

    /// "the Senate", "the Army": a body whose head word alone, capitalised after "the" inside a
    /// sentence, is its name (unlike "the Government", which stands for whichever one).
    fn body_named_by_head(&self, t: u32) -> bool {
        t > 0
            && BODIES_NAMED_BY_HEAD.contains(&self.plain(t))
            && !self.tok(t).has(SENT_START | ALL_CAPS)
            && self.tok(t).gap == Gap::Space
            && self.plain(t - 1) == "the"
            && !self.tok(t - 1).has(CAP)
    }

    /// A span without organisation head: titles, then names split at places and connectors.
    fn free(&mut self, units: &[Unit]) {
        let mut pos = 0;
        while pos < units.len() {
            // Skip places and org connectors between pieces.
            while pos < units.len() && (matches!(units[pos], Unit::Place(_)) || self.is_org_connector(units[pos])) {
                pos += 1;
            }
            // Leading titles ("Secretary of State", "Deputy Foreign Minister").
            let mut titled = false;
            while pos < units.len() {
                let u = units[pos];
                // A role noun capitalised at the start of a sentence is a title too:
                // "Lawmaker Ebrahim Azizi said".
                let sentence_role = matches!(u, Unit::Tok(t) if self.tok(t).has(SENT_START)
                    && self.lx.person_roles.contains(self.plain(t)))
                    && units.get(pos + 1).is_some_and(|&v| self.is_name(v));
                if self.is_title(u) || sentence_role {
                    titled = true;
                    pos += 1;
                } else if titled
                    && self.is_org_connector(u)
                    && units.get(pos + 1).is_some_and(|&v| self.is_title(v) || self.is_org_connector(v))
                {
                    pos += 1;
                } else {
                    break;
                }
            }
            let start = pos;
            while pos < units.len() && matches!(units[pos], Unit::Tok(_)) && !self.is_org_connector(units[pos]) {
                pos += 1;
            }
            let mut piece = &units[start..pos];
            while piece.last().is_some_and(|&u| !self.is_name(u)) {
                piece = &piece[..piece.len() - 1];
            }
            while piece.first().is_some_and(|&u| {
                self.is_connector(u) && !matches!(u, Unit::Tok(t) if self.tok(t).has(PARTICLE) || self.tok(t).has(CAP))
            }) {
                piece = &piece[1..];
            }
            if !piece.is_empty() {
                self.classify(piece, titled);
            }
            if pos == start {
                pos += 1;
            }
        }
    }

    fn classify(&mut self, piece: &[Unit], titled: bool) {
        let t0 = self.first_tok(piece[0]);
        let t1 = self.end_tok(piece[piece.len() - 1]);
        let words = piece.iter().filter(|&&u| self.is_name(u)).count() as u32;
        if words == 0 {
            return;
        }
        let first_name = piece.iter().copied().find(|&u| self.is_name(u));
        let n = self.doc.tokens.len() as u32;
        let lower = |t: u32| !self.tok(t).has(CAP);
        // "spokesman Esmaeil Baghaei", "His German counterpart, Johann Wadephul, posted".
        let role_before = t0 > 0
            && (self.tok(t0).gap == Gap::Space || self.tok(t0).gap_flags == GAP_COMMA)
            && lower(t0 - 1)
            && self.lx.person_roles.contains(self.plain(t0 - 1));
        // "Analysts at the X Institute said": X is not the speaker.
        let after_preposition = t0 > 0 && lower(t0 - 1) && PREPOSITIONS.contains(&self.plain(t0 - 1));
        let verb_after = !after_preposition
            && t1 < n
            && self.tok(t1).gap == Gap::Space
            && lower(t1)
            && self.lx.speech_verbs.contains(self.plain(t1));
        let verb_before = t0 > 0
            && lower(t0 - 1)
            && (self.lx.speech_verbs.contains(self.plain(t0 - 1))
                || (t0 > 1 && self.plain(t0 - 1) == "to" && self.plain(t0 - 2) == "according"));
        let appositive = t1 < n && self.tok(t1).gap_flags & GAP_COMMA != 0 && {
            let mut found = false;
            for j in t1..(t1 + 5).min(n) {
                let t = self.tok(j);
                if j > t1 && t.gap_flags & (GAP_STOP | GAP_NEWLINE | GAP_COMMA) != 0 {
                    break;
                }
                if self.lx.person_roles.contains(self.plain(j)) {
                    found = true;
                    break;
                }
            }
            found
        };
        let given = matches!(first_name, Some(Unit::Tok(t)) if self.lx.first_names.contains(self.plain(t)));
        // "X, who": people, not organisations ("which") or places ("where").
        let who_after = t1 < n && self.tok(t1).gap_flags & GAP_COMMA != 0 && self.plain(t1) == "who";
        // "the Kayhan newspaper", "the reformist daily Etemad".
        let org_noun =
            (t1 < n && self.tok(t1).gap == Gap::Space && lower(t1) && self.lx.org_nouns.contains(self.plain(t1)))
                || (t0 > 0
                    && self.tok(t0).gap == Gap::Space
                    && lower(t0 - 1)
                    && self.lx.org_nouns.contains(self.plain(t0 - 1)));
        // "clerics in Najaf", "a Tehran-based analyst" (not "in Vaez's view", "in Asian futsal").
        let possessive = self.tok(t1 - 1).has(POSSESSIVE);
        let last = self.plain(t1 - 1);
        let adjectival = ["ian", "ean", "ese", "ish", "ic"].iter().any(|s| last.ends_with(s));
        // "in Parliament", "in Court" name bodies, not places.
        let body = self.lx.org_heads.contains(last) || self.lx.title_words.contains(last);
        let place_cue = !possessive
            && !adjectival
            && !body
            && ((t0 > 0
                && self.tok(t0).gap == Gap::Space
                && lower(t0 - 1)
                && self.lx.place_prepositions.contains(self.plain(t0 - 1)))
                || (t1 < n && self.tok(t1).gap == Gap::Hyphen && self.plain(t1) == "based"));
        let initial = self.tok(t0).has(SENT_START);
        // "IRAN REJECTS OFFER": capitals for emphasis, not a name.
        let shouting = words >= 2
            && piece.iter().all(|&u| !self.is_name(u) || matches!(u, Unit::Tok(t) if self.tok(t).has(ALL_CAPS)));
        if shouting {
            return;
        }
        let kind = if words == 1 {
            let t = t0 + piece.iter().position(|&u| self.is_name(u)).unwrap_or(0) as u32;
            let tok = self.tok(t);
            let letters = self.plain(t).len();
            // Not part of a run of capitals ("DEATH TO NOBODY").
            let caps_around = (t > 0 && tok.gap == Gap::Space && self.tok(t - 1).has(ALL_CAPS))
                || (t + 1 < n && self.tok(t + 1).gap == Gap::Space && self.tok(t + 1).has(ALL_CAPS));
            let acronym = !caps_around
                && tok.has(ALL_CAPS)
                && (2..=6).contains(&letters)
                && self.plain(t).bytes().all(|b| b.is_ascii_alphabetic())
                && !self.lx.acronym_stoplist.contains(self.plain(t));
            if titled || role_before || appositive || who_after {
                Some(EntityType::Person)
            } else if org_noun || acronym || self.body_named_by_head(t) {
                Some(EntityType::Org)
            } else if place_cue && !self.lx.given_names.contains(self.plain(t)) {
                Some(EntityType::Place)
            } else if !tok.has(ALL_CAPS) && self.lx.given_names.contains(self.plain(t)) {
                // "Daniel refused": a first name on its own is a person's.
                Some(EntityType::Person)
            } else {
                None
            }
        } else if self.lx.place_heads.contains(self.plain(t1 - 1)) {
            Some(EntityType::Place)
        } else if titled || role_before || appositive || who_after {
            Some(EntityType::Person)
        } else if org_noun {
            Some(EntityType::Org)
        } else if verb_after || verb_before || given || self.gz.person_surnames.contains(self.doc.key(t1 as usize - 1))
        {
            Some(EntityType::Person)
        } else if place_cue {
            Some(EntityType::Place)
        } else if initial {
            None
        } else {
            Some(EntityType::Other)
        };
        self.out.push(Cand { t0, t1, k0: t0, kind, qualifier: None, possessor: None, generic: false, words });
    }
}
