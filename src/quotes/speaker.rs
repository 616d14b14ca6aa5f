//! Turning a speaker phrase into a [`Speaker`]: an entity, a name, a descriptor, or a pronoun's antecedent.
//!
//! An entity mention (from the entity stage) on the phrase gives the canonical name, the id and the
//! mention; otherwise a name is read from the capitalised words, titles dropped ("Foreign Minister Abbas
//! Araghchi" → "Abbas Araghchi"), or the phrase itself is the descriptor ("a senior U.S. official", entity
//! id null). `he`/`she` resolve to the nearest preceding person (an entity mention outside quotes, or a
//! named speaker found earlier), `they`/`it` to the nearest organisation; the mention stays the pronoun.
//! A person found that way gives way to the person its sentence is about (the first one named outside a
//! prepositional phrase: "Rubio, who spoke with Netanyahu, said …" is about Rubio). A definite role
//! ("the foreign minister", "Iran's president") resolves like `he`, a definite organisation noun ("the
//! agency", "the Guards") to the nearest organisation whose name holds that noun, and "Netanyahu's office"
//! to Netanyahu. Each result comes with a factor that scales the pattern's confidence.

use super::Extraction;
use super::doc::{Doc, EntityMention};
use super::lexicon::{
    F_CAP, F_DESC, F_DET, F_DOCUMENT, F_LINK, F_ORGHEAD, F_PARTICLE, F_POSS, F_PREP, F_STOP, F_TITLE,
};
use super::phrases::Phrase;
use super::tokens::Kind;
use crate::entities::Office;
use crate::record::{Entity, EntityType, Mention, Speaker};

/// How many mentions to look back over: on the phrase, and for a pronoun's antecedent.
const MENTIONS_ON_PHRASE: usize = 64;
const MENTIONS_FOR_PRONOUN: usize = 400;
/// How many tokens back "the official" looks for the "an Iranian official" it refers to.
const DESCRIPTOR_LOOKBACK: usize = 250;

/// Nouns for documents that speak for their author: `a statement from the ministry`.
const DOCUMENT_NOUNS: [&str; 6] = ["statement", "report", "letter", "communique", "communiqué", "readout"];

/// A speaker known only by its own words: a descriptor, or a pronoun left unresolved.
fn unresolved(mention: Mention) -> Speaker {
    Speaker { name: mention.text.clone(), entity_id: None, mention }
}

/// Whether char `pos` lies inside one of the quotes' contents (char ranges in text order).
fn inside_quote(quote_chars: &[(usize, usize)], pos: usize) -> bool {
    let k = quote_chars.partition_point(|&(s, _)| s <= pos);
    k > 0 && quote_chars[k - 1].1 > pos
}

impl Extraction<'_> {
    /// The speaker a phrase names, and the factor for the pattern's confidence.
    pub(super) fn speaker(&self, phrase: Phrase) -> (Speaker, f64) {
        let d = self.doc;
        if let Some(who) = phrase.relative {
            let (named, factor) = self.speaker(Phrase { relative: None, ..phrase });
            let mention = d.mention(d.tok(who).start, d.tok(who).end);
            return (Speaker { mention, ..named }, factor);
        }
        let mention = d.mention(d.tok(phrase.start).start, d.tok(phrase.end - 1).end);
        if phrase.pronoun {
            return self.pronoun_speaker(mention);
        }
        if let Some((m, e)) = d.entity_on(phrase) {
            let mention = d.mention(d.byte_pos(m.start), d.byte_pos(m.end));
            return (Speaker { name: e.name.clone(), entity_id: Some(e.id.clone()), mention }, 1.0);
        }
        if let Some((m, e)) = d.author_of_document(phrase) {
            let mention = d.mention(d.byte_pos(m.start), d.byte_pos(m.end));
            return (Speaker { name: e.name.clone(), entity_id: Some(e.id.clone()), mention }, 0.9);
        }
        if let Some((name, entity_id)) = self.resolve_description(phrase, mention.start) {
            return (Speaker { name, entity_id, mention }, 0.85);
        }
        match d.name_in(phrase) {
            Some(name) => (Speaker { name, entity_id: None, mention }, 1.0),
            None => (unresolved(mention), 0.95),
        }
    }

    /// Remembers a named speaker as a possible antecedent for later pronouns.
    pub(super) fn remember_named(&mut self, speaker: &Speaker) {
        let end = speaker.mention.end;
        let at = self.named.partition_point(|&(e, _)| e <= end);
        self.named.insert(at, (end, speaker.clone()));
    }

    fn pronoun_speaker(&self, mention: Mention) -> (Speaker, f64) {
        let lower = mention.text.to_lowercase().replace('’', "'");
        let kind = match lower.trim_end_matches("'s") {
            "he" | "she" | "his" | "her" => Some(EntityType::Person),
            "they" | "it" | "their" | "its" => Some(EntityType::Org),
            _ => None,
        };
        if let Some(kind) = kind
            && let Some((name, entity_id)) = self.resolve_pronoun(mention.start, kind)
        {
            return (Speaker { name, entity_id, mention }, 0.9);
        }
        (unresolved(mention), 0.7)
    }

    /// The nearest person (or organisation) before char `pos`: an entity mention outside quotes (for a
    /// person, the one its sentence is about), or a named speaker found earlier. Returns the name and the
    /// entity id.
    fn resolve_pronoun(&self, pos: usize, kind: EntityType) -> Option<(String, Option<String>)> {
        let d = self.doc;
        let mut found: Option<(usize, String, Option<String>)> = d
            .mentions_before(pos)
            .take(MENTIONS_FOR_PRONOUN)
            .find(|(m, e)| m.end <= pos && e.kind == kind && !inside_quote(&self.quote_chars, m.start))
            .map(|(m, e)| {
                let (_, topic) =
                    if kind == EntityType::Person { self.sentence_topic(m) } else { None }.unwrap_or((m, e));
                (m.end, topic.name.clone(), Some(topic.id.clone()))
            });
        if kind == EntityType::Person {
            let k = self.named.partition_point(|&(e, _)| e <= pos);
            if let Some((end, sp)) = k.checked_sub(1).and_then(|i| self.named.get(i))
                && found.as_ref().is_none_or(|f| *end > f.0)
            {
                let person = match &sp.entity_id {
                    Some(id) => d.entities.iter().any(|e| &e.id == id && e.kind == EntityType::Person),
                    None => true,
                };
                if person {
                    found = Some((*end, sp.name.clone(), sp.entity_id.clone()));
                }
            }
        }
        if kind == EntityType::Person
            && let Some(role) = self.role_subject_since(found.as_ref().map_or(0, |f| f.0), pos)
        {
            return Some(role);
        }
        found.map(|(_, name, id)| (name, id))
    }

    /// `The country's president later acknowledged … "…," he wrote`: a sentence opened by a definite
    /// role, from the sentence holding char `since` (the last person named) up to `pos`, is about
    /// that office holder, more salient than a person named before it or later in its sentence. The
    /// nearest such sentence wins; the role resolves to the holder the entity data names, else stays
    /// as written.
    fn role_subject_since(&self, since: usize, pos: usize) -> Option<(String, Option<String>)> {
        let d = self.doc;
        let mut floor = d.token_at(d.byte_pos(since));
        while floor > 0 && !d.at_sentence_start(floor) {
            floor -= 1;
        }
        let last = d.token_at(d.byte_pos(pos));
        for k in (floor..last).rev() {
            if !d.at_sentence_start(k) || inside_quote(&self.quote_chars, d.char_pos(d.tok(k).start)) {
                continue;
            }
            let Some(end) = d.role_phrase_at(k, last) else { continue };
            let phrase = Phrase::new(k, end);
            return Some(self.office_holder(phrase, pos).unwrap_or_else(|| (d.tok_text(k, end).to_string(), None)));
        }
        None
    }

    /// The person the sentence holding `m` is about: the first person it names outside quotes, not as a
    /// possessive and not after a preposition ("In a call with Trump, Araghchi said" is about Araghchi).
    fn sentence_topic(&self, m: EntityMention) -> Option<(EntityMention, &Entity)> {
        let d = self.doc;
        let mut first = d.token_at(d.byte_pos(m.start));
        while first > 0 && !d.sentence_end(first - 1) {
            first -= 1;
        }
        let sentence_start = d.char_pos(d.tok(first).start);
        d.mentions_before(m.start + 1)
            .take_while(|(x, _)| x.start >= sentence_start)
            .filter(|(x, e)| {
                e.kind == EntityType::Person
                    && !inside_quote(&self.quote_chars, x.start)
                    && !d.possessive_at(x.end)
                    && !d.after_preposition(x.start)
            })
            .last()
    }

    /// `Iran's president`, `the Iranian foreign minister`, `the president of Iran`: a title and the
    /// place or organisation it belongs to, whose holder the entity data names. A holder the article
    /// does not mention leaves the role as it is written (`entity_id` must be one of the record's
    /// entities), rather than letting it fall to whichever person was named last.
    ///
    /// A bare role (`the foreign minister`) names the person of the article who holds an office with
    /// that title; when several do, the one the text points at, else the one named last before it.
    /// The longest title wins ("vice president" over "president").
    fn office_holder(&self, phrase: Phrase, pos: usize) -> Option<(String, Option<String>)> {
        let d = self.doc;
        let start = d.char_pos(d.tok(phrase.start).start);
        let end = d.char_pos(d.tok(phrase.end - 1).end);
        let words = format!(" {} ", d.tok_text(phrase.start, phrase.end).to_lowercase());
        let owners: Vec<&str> = d
            .mentions_before(end)
            .filter(|(m, e)| m.start >= start && m.end <= end && e.kind != EntityType::Person)
            .map(|(_, e)| e.id.as_str())
            .collect();
        let in_article = |o: &Office| d.entities.iter().any(|e| e.id == o.holder_id);
        let fits = |o: &&Office| {
            let owner_fits = if owners.is_empty() { in_article(o) } else { owners.contains(&o.of.as_str()) };
            owner_fits && words.contains(&format!(" {} ", o.title))
        };
        // The offices with the longest fitting title.
        let mut best: Vec<&Office> = Vec::new();
        for office in self.offices.iter().filter(fits) {
            match best.first() {
                Some(b) if b.title.len() > office.title.len() => {}
                Some(b) if b.title.len() == office.title.len() => best.push(office),
                _ => best = vec![office],
            }
        }
        let office = match best.as_slice() {
            [] => return None,
            [one] => *one,
            several if several.iter().all(|o| o.holder_id == several[0].holder_id) => several[0],
            // Two foreign ministers in the article: the one the text points at (as for a pronoun),
            // else the one named last before the role.
            several if owners.is_empty() => {
                let holds = |id: &str| several.iter().find(|o| o.holder_id == id).copied();
                let topic = self.resolve_pronoun(pos, EntityType::Person).and_then(|(_, id)| holds(id.as_deref()?));
                let last = || d.mentions_before(start).find_map(|(_, e)| holds(&e.id));
                topic.or_else(last)?
            }
            _ => return None,
        };
        if in_article(office) {
            Some((office.holder_name.clone(), Some(office.holder_id.clone())))
        } else {
            Some((d.tok_text(phrase.start, phrase.end).to_string(), None))
        }
    }

    /// A definite description standing for someone named before: an office whose holder the entity data
    /// names ([`Extraction::office_holder`]), else a role ("the foreign minister", "Iran's president",
    /// "The IAEA chief") for the person a pronoun would be, an organisation noun ("the agency",
    /// "the Guards") for the nearest organisation whose name holds it, "Netanyahu's office" for Netanyahu.
    /// Indefinite phrases ("a senior official") and possessive pronouns ("his spokesman": someone else)
    /// stay descriptors.
    fn resolve_description(&self, phrase: Phrase, pos: usize) -> Option<(String, Option<String>)> {
        let d = self.doc;
        let head = d.tok(phrase.end - 1);
        if phrase.end - phrase.start < 2 || !head.word() || head.has(F_POSS) {
            return None;
        }
        if let Some(holder) = self.office_holder(phrase, pos) {
            return Some(holder);
        }
        let first = d.tok(phrase.start);
        let head_word = d.tok_text(phrase.end - 1, phrase.end).to_lowercase();
        if first.has(F_POSS) && first.has(F_CAP) {
            let owner_start = d.char_pos(first.start);
            let owner = d.mentions_before(owner_start + 1).find(|(m, _)| m.start == owner_start).map(|(_, e)| e);
            match owner {
                Some(e) if e.kind == EntityType::Person => {
                    // The office speaks for its holder; anyone else the person has is someone else.
                    return (phrase.end - phrase.start == 2 && head_word == "office")
                        .then(|| (e.name.clone(), Some(e.id.clone())));
                }
                _ => {}
            }
        } else if !d.word_is(phrase.start, "the") {
            return None;
        }
        if head.has(F_ORGHEAD) {
            let noun = head_word.trim_end_matches('s');
            return d
                .mentions_before(pos)
                .take(MENTIONS_FOR_PRONOUN)
                .find(|(m, e)| {
                    e.kind == EntityType::Org
                        && m.end <= pos
                        && !inside_quote(&self.quote_chars, m.start)
                        && e.name.to_lowercase().split_whitespace().any(|w| w.trim_end_matches('s') == noun)
                })
                .map(|(_, e)| (e.name.clone(), Some(e.id.clone())));
        }
        if head.has(F_TITLE) && !head_word.ends_with('s') {
            return self.resolve_pronoun(pos, EntityType::Person);
        }
        if head.has(F_DESC) {
            return d.indefinite_descriptor_before(phrase.start, &head_word).map(|name| (name, None));
        }
        None
    }
}

impl<'a> Doc<'a> {
    /// `The country's president`, `The Nigerian president`, `the former minister` opening a clause at
    /// token `k`, before a lowercase word (its verb or an adverb): the end of the role phrase.
    fn role_phrase_at(&self, k: usize, hi: usize) -> Option<usize> {
        if !self.word_is(k, "the") {
            return None;
        }
        let head = (k + 1..(k + 4).min(hi)).find(|&j| {
            let t = self.tok(j);
            let next_is_title = self.toks.get(j + 1).is_some_and(|n| n.has(F_TITLE));
            t.has(F_TITLE) && !t.has(F_CAP | F_POSS) && !next_is_title && !self.tok_text(j, j + 1).ends_with('s')
        })?;
        let words_between = (k + 1..head).all(|j| self.tok(j).word() && !self.tok(j).has(F_PREP | F_STOP));
        let next = self.toks.get(head + 1)?;
        let verb_next = next.word() && !next.has(F_CAP | F_PREP | F_TITLE) && !self.word_is(head + 1, "and");
        (words_between && verb_next).then_some(head + 1)
    }

    /// The index of the token holding byte `byte` (or the last one starting before it).
    fn token_at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.start <= byte).saturating_sub(1)
    }

    /// Whether a possessive `'s` follows char `end`.
    fn possessive_at(&self, end: usize) -> bool {
        let rest = &self.text[self.byte_pos(end)..];
        rest.starts_with("'s") || rest.starts_with("’s")
    }

    /// Whether the name starting at char `start`, with the capitalised words and titles before it, follows a
    /// preposition: "with Israeli Prime Minister Benjamin Netanyahu".
    fn after_preposition(&self, start: usize) -> bool {
        let mut i = self.token_at(self.byte_pos(start));
        while i > 0 && self.tok(i - 1).has(F_CAP | F_TITLE) && !self.tok(i - 1).has(F_PREP) {
            i -= 1;
        }
        i > 0 && self.tok(i - 1).has(F_PREP)
    }

    /// `a statement from the Omani Foreign Ministry`, `a report by the IAEA`: the organisation or person
    /// whose document the phrase names.
    fn author_of_document(&self, phrase: Phrase) -> Option<(EntityMention, &'a Entity)> {
        let head = self.tok_text(phrase.end - 1, phrase.end).to_lowercase();
        if !DOCUMENT_NOUNS.contains(&head.as_str()) || !["from", "by", "of"].iter().any(|w| self.word_is(phrase.end, w))
        {
            return None;
        }
        let mut k = phrase.end + 1;
        if self.word_is(k, "the") {
            k += 1;
        }
        let at = self.char_pos(self.toks.get(k)?.start);
        self.mentions_before(at + 1)
            .take_while(|(m, _)| m.start == at)
            .find(|(_, e)| matches!(e.kind, EntityType::Org | EntityType::Person))
    }

    /// "the official" after "An Iranian official who spoke on condition of anonymity": the nearest
    /// indefinite phrase before token `before` with the same head noun, outside quotes, as written.
    fn indefinite_descriptor_before(&self, before: usize, head: &str) -> Option<String> {
        let mut in_quote = false;
        for k in (before.saturating_sub(DESCRIPTOR_LOOKBACK)..before).rev() {
            let t = self.tok(k);
            if t.kind == Kind::Mark {
                // Walking backwards, marks alternate closing and opening (close enough for a lookback).
                in_quote = !in_quote;
                continue;
            }
            if in_quote || !t.word() || !self.tok_text(k, k + 1).eq_ignore_ascii_case(head) {
                continue;
            }
            let mut j = k;
            while j > 0 && k - j < 4 {
                let p = self.tok(j - 1);
                if ["a", "an", "one"].iter().any(|w| self.word_is(j - 1, w)) {
                    return Some(self.tok_text(j - 1, k + 1).to_string());
                }
                if (!p.word() && !self.attached_abbr_period(j - 1)) || p.has(F_STOP | F_PREP | F_POSS) {
                    break;
                }
                j -= 1;
            }
        }
        None
    }

    /// The entity mention on a phrase: a person anywhere in it (not as a possessive: "Iran's foreign
    /// ministry" is not Iran), another kind only on its head word. A person beats an organisation beats
    /// anything else; then the mention ending last wins.
    fn entity_on(&self, phrase: Phrase) -> Option<(EntityMention, &'a Entity)> {
        let start = self.char_pos(self.tok(phrase.start).start);
        let end = self.char_pos(self.tok(phrase.end - 1).end);
        let head_start = self.char_pos(self.tok(phrase.end - 1).start);
        let complement = self.complement_of_role(phrase);
        let mut best: Option<(u8, EntityMention, &'a Entity)> = None;
        for (m, e) in self.mentions_before(end).take(MENTIONS_ON_PHRASE) {
            if m.end <= start || complement.contains(&m.start) {
                continue;
            }
            if self.possessive_at(m.end) {
                continue;
            }
            let covers_head = m.end > head_start;
            let rank = match e.kind {
                EntityType::Person => 3,
                EntityType::Org if covers_head => 2,
                _ if covers_head => 1,
                _ => continue,
            };
            if best.is_none_or(|(r, b, _)| (rank, m.end) > (r, b.end)) {
                best = Some((rank, m, e));
            }
        }
        best.map(|(_, m, e)| (m, e))
    }

    /// The chars of the prepositional phrase after a lowercase role, up to an apposition's comma: in
    /// `a spokesman for Araghchi`, `an aide to Netanyahu`, `officials in Tehran` the people and places
    /// named there are whom the speaker belongs to, not the speaker. A document's are its author
    /// (`a statement from the ministry`). So are those after a full name: `Del. Stacey Plaskett of the
    /// Virgin Islands` (but not after a title: `Secretary of State John Kerry`).
    fn complement_of_role(&self, phrase: Phrase) -> std::ops::Range<usize> {
        let role_then_preposition = (phrase.start + 1..phrase.end).find(|&k| {
            let (role, prep) = (self.tok(k - 1), self.tok(k));
            let lowercase_role =
                role.has(F_DESC | F_TITLE) && !role.has(F_CAP | F_DOCUMENT) && prep.has(F_PREP | F_LINK);
            let full_name = k >= phrase.start + 2
                && role.has(F_CAP)
                && !role.has(F_TITLE | F_DESC)
                && self.tok(k - 2).has(F_CAP)
                && !self.tok(k - 2).has(F_TITLE)
                && (self.word_is(k, "of") || self.word_is(k, "from"));
            role.word() && (lowercase_role || full_name)
        });
        let Some(prep) = role_then_preposition else {
            return 0..0;
        };
        let end = (prep..phrase.end).find(|&k| self.tok(k).punct(',')).unwrap_or(phrase.end);
        self.char_pos(self.tok(prep).start)..self.char_pos(self.tok(end - 1).end)
    }

    /// The proper name in a phrase whose head is capitalised, titles stripped:
    /// "Iran's Foreign Minister Abbas Araghchi" → "Abbas Araghchi". None for descriptors.
    pub(super) fn name_in(&self, phrase: Phrase) -> Option<String> {
        // The phrase may be an apposition: take the first capitalised run that ends a part, outside
        // the complement of a role (`a spokesman for Araghchi` names nobody).
        let complement = self.complement_of_role(phrase);
        let mut best: Option<(usize, usize)> = None;
        let mut i = phrase.start;
        while i < phrase.end {
            let t = self.tok(i);
            if t.punct(',') {
                i += 1;
                continue;
            }
            // A capitalised run: names, initials, particles between capitals, "of" between capitals.
            if t.has(F_CAP) && !t.has(F_DET) && !t.has(F_POSS) {
                let s = i;
                let mut e = i + 1;
                while e < phrase.end {
                    let u = self.tok(e);
                    if (u.has(F_CAP) && !u.has(F_POSS))
                        || self.abbr_period(e)
                        || ((u.has(F_PARTICLE) || u.has(F_LINK)) && e + 1 < phrase.end && self.tok(e + 1).has(F_CAP))
                    {
                        e += 1;
                    } else {
                        break;
                    }
                }
                // `Del. Stacey Plaskett of the Virgin Islands`: a name ends where its complement starts.
                let ends_part = e == phrase.end
                    || self.tok(e).punct(',')
                    || (!complement.is_empty() && complement.start == self.char_pos(self.tok(e).start));
                let in_complement = complement.contains(&self.char_pos(self.tok(s).start));
                if ends_part && !in_complement && best.is_none() {
                    best = Some((s, e));
                }
                i = e;
            } else {
                i += 1;
            }
        }
        let (s, e) = best?;
        let last = self.tok(e - 1);
        if last.has(F_DESC) && !last.has(F_ORGHEAD) && e - s == 1 {
            // "Officials said": a capitalised descriptor at a sentence start.
            return None;
        }
        // Strip titles: everything up to the last title word, unless nothing would remain or the run
        // names an organisation ("State Department").
        let mut from = s;
        if !last.has(F_ORGHEAD) {
            for k in s..e {
                let t = self.tok(k);
                if t.has(F_TITLE) || (t.punct('.') && k > s && self.tok(k - 1).has(F_TITLE)) {
                    from = k + 1;
                }
            }
            while from < e && (self.tok(from).has(F_LINK) || self.tok(from).kind == Kind::Punct) {
                from += 1;
            }
            if from >= e {
                from = s;
            }
        }
        Some(self.tok_text(from, e).to_string())
    }
}
