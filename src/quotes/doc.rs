//! The article as the stage sees it: tokens, paragraphs, a byte → char table (the output speaks in
//! chars, the code in bytes), the entity mentions, and the token queries the other parts share.

use super::lexicon::{
    F_ABBR, F_ACCORDING, F_CAP, F_CUE, F_DESC, F_DET, F_NAMING, F_PHRASAL, F_POSS, F_PRONOUN, F_QUANT, F_STOP, F_TITLE,
    F_WHO, Lexicon, PARTICLES_OF_CUES,
};
use super::tokens::{Kind, Token, tokenize};
use crate::record::{Entity, Mention};

/// Words that make a number approximate (see [`Doc::approximator`]).
const APPROXIMATORS: [&str; 8] = ["about", "around", "over", "under", "nearly", "almost", "roughly", "approximately"];

/// Cues that name an action rather than speech when `to` follows them.
const ACTION_CUES_BEFORE_TO: [&str; 4] = ["offered", "reacted", "reacts", "reacting"];

/// An entity mention in chars, with the index of its entity. Ordered by start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct EntityMention {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) entity: usize,
}

/// The tokenised text and the indexes built over it.
pub(super) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) toks: Vec<Token>,
    /// Token ranges of the paragraphs.
    pub(super) paras: Vec<(usize, usize)>,
    /// Char offset of each byte (the index of the char it belongs to; `text.len()` maps to the count).
    char_of_byte: Vec<u32>,
    pub(super) entities: &'a [Entity],
    /// The mentions that lie inside the text, sorted.
    mentions: Vec<EntityMention>,
    /// Token ranges of datelines (`WASHINGTON, Dec. 8 (UPI) —`): never a speaker.
    datelines: Vec<(usize, usize)>,
    pub(super) lexicon: &'a Lexicon,
}

/// How many tokens a dateline may hold before its dash: `WASHINGTON, Dec. 8 (UPI) —`.
const MAX_DATELINE_TOKENS: usize = 14;

impl<'a> Doc<'a> {
    pub(super) fn new(text: &'a str, lexicon: &'a Lexicon, entities: &'a [Entity]) -> Self {
        let toks = tokenize(text, lexicon);
        let char_of_byte = char_table(text);
        let paras = paragraphs(&toks);
        let mentions = mentions_in_text(entities, char_of_byte[text.len()] as usize);
        let datelines = paras.iter().filter_map(|&(start, end)| dateline(text, &toks, start, end)).collect();
        Doc { text, toks, paras, char_of_byte, entities, mentions, datelines, lexicon }
    }

    /// Whether token `i` lies in a paragraph's dateline.
    pub(super) fn in_dateline(&self, i: usize) -> bool {
        self.datelines.iter().any(|&(start, end)| (start..end).contains(&i))
    }

    /// Char offset of byte offset `byte`.
    pub(super) fn char_pos(&self, byte: usize) -> usize {
        self.char_of_byte.get(byte).copied().unwrap_or(0) as usize
    }

    /// Byte offset of char offset `c` (binary search in the char table).
    pub(super) fn byte_pos(&self, c: usize) -> usize {
        self.char_of_byte.partition_point(|&x| (x as usize) < c).min(self.text.len())
    }

    pub(super) fn prev_char(&self, byte: usize) -> Option<char> {
        self.text[..byte].chars().next_back()
    }

    pub(super) fn next_char(&self, byte: usize) -> Option<char> {
        self.text[byte..].chars().next()
    }

    /// A mention of the text between two byte offsets, in chars.
    pub(super) fn mention(&self, byte_start: usize, byte_end: usize) -> Mention {
        Mention {
            text: self.text[byte_start..byte_end].to_string(),
            start: self.char_pos(byte_start),
            end: self.char_pos(byte_end),
        }
    }

    /// The entity mentions starting before char `pos`, nearest first.
    pub(super) fn mentions_before(&self, pos: usize) -> impl Iterator<Item = (EntityMention, &'a Entity)> {
        let k = self.mentions.partition_point(|m| m.start < pos);
        let entities = self.entities;
        self.mentions[..k].iter().rev().map(move |&m| (m, &entities[m.entity]))
    }

    /// Turns the quote marks at tokens `marks` into plain punctuation: marks that set off an excerpt
    /// rather than open a quote (see `Doc::pair_marks`).
    pub(super) fn demote_marks(&mut self, marks: &[usize]) {
        for &i in marks {
            self.toks[i].kind = Kind::Punct;
        }
    }

    pub(super) fn tok(&self, i: usize) -> &Token {
        &self.toks[i]
    }

    /// The text from token `s` to token `e` (exclusive); empty for an empty or out-of-range span.
    pub(super) fn tok_text(&self, s: usize, e: usize) -> &str {
        if e <= s || e > self.toks.len() {
            return "";
        }
        &self.text[self.toks[s].start..self.toks[e - 1].end]
    }

    /// Whether token `i` is the word `w` (ASCII case-insensitive).
    pub(super) fn word_is(&self, i: usize, w: &str) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        t.word() && self.text[t.start..t.end].eq_ignore_ascii_case(w)
    }

    /// Whether token `i` counts: a quantifier (`some`, `hundreds`) or a number in digits (`200`).
    pub(super) fn quantity(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| {
            t.word() && (t.has(F_QUANT) || self.text[t.start..t.end].bytes().all(|b| b.is_ascii_digit()))
        })
    }

    /// Whether token `i` makes the number after it approximate (`about 200 protesters`,
    /// `nearly 300 demonstrators`): then it belongs to the phrase, and is no preposition.
    pub(super) fn approximator(&self, i: usize) -> bool {
        APPROXIMATORS.iter().any(|w| self.word_is(i, w)) && self.quantity(i + 1)
    }

    /// Whether token `i` is a period after an abbreviation (`Sen.`, `Jan.`).
    pub(super) fn abbr_period(&self, i: usize) -> bool {
        self.tok(i).punct('.') && i > 0 && self.tok(i - 1).has(F_ABBR)
    }

    /// Whether the marks at tokens `open` and `close` hold a nickname inside a name (`Marcia "Cia"
    /// Price`): one or two capitalised words between a capitalised word and a last name that ends the
    /// name (so not a headline's `Felt "Invisible" As A Child`). Such marks quote nobody.
    pub(super) fn quoted_nickname(&self, open: usize, close: usize) -> bool {
        let cap = |k: usize| self.tok(k).has(F_CAP);
        open > 0
            && close + 2 < self.toks.len()
            && (open + 2..=open + 3).contains(&close)
            && (open + 1..close).all(cap)
            && cap(open - 1)
            && cap(close + 1)
            && !cap(close + 2)
    }

    /// Whether token `i` is an abbreviation's period written against its word (`Sen.`, not `Sen .`).
    pub(super) fn attached_abbr_period(&self, i: usize) -> bool {
        self.abbr_period(i) && self.tok(i - 1).end == self.tok(i).start
    }

    /// Length in tokens of the speech cue at token `i` (0 when there is none): `said` 1, `according to`
    /// and `shot back` 2.
    pub(super) fn cue_len(&self, i: usize) -> usize {
        let t = self.tok(i);
        if t.kind != Kind::Word {
            return 0;
        }
        if t.flags & F_ACCORDING != 0 {
            return if self.word_is(i + 1, "to") { 2 } else { 0 };
        }
        if t.flags & (F_CUE | F_PHRASAL) == 0 {
            // Most words: none of the checks below can make them a cue.
            return 0;
        }
        if i > 0 && self.tok(i - 1).has(F_DET | F_POSS) && !self.tok(i - 1).has(F_QUANT) {
            // "Trump's tweet", "a statement read": a noun.
            return 0;
        }
        if i > 0 && self.hyphenated_modifier(i - 1) && !self.text[t.start..t.end].ends_with("ed") {
            // "late-night tweets", "early-morning posts": a noun too (a past form never is: "this
            // look-alike declared").
            return 0;
        }
        if self.word_is(i + 1, "by") {
            // "a statement released by the campaign": a passive, whose subject is no speaker.
            return 0;
        }
        if self.word_is(i, "spoke")
            && self.word_is(i + 1, "on")
            && (self.word_is(i + 2, "condition") || self.word_is(i + 3, "condition"))
        {
            // "who spoke on condition of anonymity": why the source is unnamed, not what they said.
            return 0;
        }
        if ACTION_CUES_BEFORE_TO.iter().any(|w| self.word_is(i, w)) && self.word_is(i + 1, "to") {
            // "Iran had offered to pause enrichment", "markets reacted to the latest \"breakthrough\"":
            // an action, not words spoken.
            return 0;
        }
        if self.names_a_thing(i) {
            // "a consulting firm called Gavekal", "a film called \"Argo\"": a name given, not speech.
            return 0;
        }
        if t.flags & F_PHRASAL != 0 && PARTICLES_OF_CUES.iter().any(|p| self.word_is(i + 1, p)) {
            return 2;
        }
        usize::from(t.flags & F_CUE != 0)
    }

    /// Whether token `i` is a naming verb's participle after a thing's noun: `a firm called Gavekal`,
    /// `the show dubbed "…"` (but `the official called Iran's offer …`, `Trump called it …` are speech).
    fn names_a_thing(&self, i: usize) -> bool {
        let named_next = self.toks.get(i + 1).is_some_and(|n| n.has(F_CAP) || n.kind == Kind::Mark);
        if !self.tok(i).has(F_NAMING) || i < 2 || !named_next {
            return false;
        }
        let noun = self.tok(i - 1);
        let thing = noun.word() && !noun.has(F_CAP | F_PRONOUN | F_WHO | F_DESC | F_TITLE | F_STOP);
        thing && (i.saturating_sub(4)..i - 1).any(|k| self.tok(k).has(F_DET) && !self.tok(k).has(F_CAP))
    }

    /// A lowercase hyphenated word (`late-night`), which modifies a noun rather than ends a subject.
    fn hyphenated_modifier(&self, i: usize) -> bool {
        let t = self.tok(i);
        t.word() && !t.has(F_CAP) && self.text[t.start..t.end].contains('-')
    }
}

/// The char index of every byte of `text`, plus the char count at `text.len()`.
fn char_table(text: &str) -> Vec<u32> {
    let mut table = vec![0u32; text.len() + 1];
    let mut n = 0u32;
    for (i, ch) in text.char_indices() {
        // Continuation bytes carry their char's index too, so the table stays sorted.
        for slot in &mut table[i..i + ch.len_utf8()] {
            *slot = n;
        }
        n += 1;
    }
    table[text.len()] = n;
    table
}

/// Token ranges of the paragraphs: the runs between line breaks, breaks excluded.
fn paragraphs(toks: &[Token]) -> Vec<(usize, usize)> {
    let mut paras = Vec::new();
    let mut para_start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::Break {
            paras.push((para_start, i));
            para_start = i + 1;
        }
    }
    paras.push((para_start, toks.len()));
    paras
}

/// The entities' mentions that lie inside a text of `char_count` chars, sorted. Demonyms count: "the
/// Iranian president" names whose president it is.
fn mentions_in_text(entities: &[Entity], char_count: usize) -> Vec<EntityMention> {
    let mut mentions = Vec::new();
    for (entity, e) in entities.iter().enumerate() {
        for m in e.mentions.iter().chain(&e.demonyms) {
            if m.start < m.end && m.end <= char_count {
                mentions.push(EntityMention { start: m.start, end: m.end, entity });
            }
        }
    }
    mentions.sort_unstable();
    mentions
}

/// The dateline opening the paragraph `start..end`, through its dash: a place in capitals
/// (`WASHINGTON —`, `TEHRAN, Iran (AP) —`, `GENEVA -`).
fn dateline(text: &str, toks: &[Token], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = toks.get(start).filter(|t| t.kind == Kind::Word)?;
    let word = &text[first.start..first.end];
    if word.chars().filter(|c| c.is_alphabetic()).count() < 2 || word.chars().any(char::is_lowercase) {
        return None;
    }
    let spaced_hyphen =
        |k: usize| toks[k].kind == Kind::Punct && toks[k].ch == '-' && k > start && toks[k - 1].end < toks[k].start;
    let dash = (start + 1..end.min(start + MAX_DATELINE_TOKENS)).find(|&k| toks[k].is_dash() || spaced_hyphen(k))?;
    let plain = (start..dash).all(|k| toks[k].kind != Kind::Mark && !matches!(toks[k].ch, ':' | '!' | '?'));
    plain.then_some((start, dash + 1))
}
