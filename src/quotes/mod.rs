//! Quotations and who said them.
//!
//! The stage works on the article's body text in linear passes (no regex, nothing compiled per call),
//! one submodule each:
//!
//! 1. **Tokens** (`tokens`, with the word lists in `lexicon`). One pass splits the text into words,
//!    punctuation, quote marks and paragraph breaks, and flags each word from a small lexicon: speech
//!    cues (`said`, `told`, `according to`, `shot back`, …), pronouns, determiners, titles, prepositions,
//!    abbreviations whose period does not end a sentence (`Mr.`, `Sen.`, `Jan.`). The cue list is
//!    extended, and every cue weighed, from PolNeAR's train split (`config/quotes/cues.tsv`, written by
//!    `scripts/learn-cues.py`); a cue's weight scales its quotes' confidence. `doc` holds the
//!    tokens with the paragraph, char-offset and entity-mention indexes.
//! 2. **Quote marks** (`marks`). Double marks are paired within a paragraph; a quote running over
//!    several paragraphs is reported one [`Quote`] per paragraph (so `text` always equals the characters
//!    at `start..end` and holds no marks), all parts sharing the attribution. `sentences` then finds
//!    each quote's sentence, the only context attribution looks at.
//! 3. **Attribution** (`attribution`), per quote: a cue and its speaker phrase on the right
//!    (`"…," X said`) or the left (`X said: "…"`), or failing a cue the clause's subject. The phrase is
//!    chunked without a tagger (`phrases`). Then `continuations`: a quote without a speaker borrows
//!    one from the other parts of its quote, its sentence, its paragraph or the previous paragraph.
//! 4. **Speakers** (`speaker`): the phrase becomes an entity (from the entity stage), a name read from
//!    its capitalised words, or a descriptor ("a senior U.S. official"); pronouns and definite roles ("the
//!    foreign minister") resolve to the person the nearest sentence naming one is about, organisation
//!    nouns ("the agency") to the nearest organisation so named, "the official" to the earlier "an Iranian
//!    official". Measured on `tests/fixtures/quotes/` by `tests/quotes_gold.rs`.
//! 5. **Output** (`output`): unattributed short fragments, titles and headlines are dropped, and each
//!    quote is marked direct or partial.
//! 6. **Posts** (`posts`): an embedded social post, its text followed by the attribution line the
//!    embed code writes (`— Abbas Araghchi (@araghchi) November 18, 2025`), is a direct quote of its
//!    author, cue `posted`.
//!
//! Confidence is the pattern's reliability (right-adjacent 0.92, left-adjacent 0.88, sentence-final or
//! `said that …` 0.75, participle 0.55, colon 0.5, clause subject 0.4), scaled down for pronouns left
//! unresolved, descriptors and borrowed attributions; 0 when the speaker is unknown.

mod attribution;
mod continuations;
mod doc;
mod lexicon;
mod marks;
mod output;
mod phrases;
mod posts;
mod sentences;
mod speaker;
mod tokens;

#[cfg(test)]
mod tests;

use crate::entities::Office;
use crate::record::{Entity, Quote, Speaker};
use doc::Doc;
use lexicon::Lexicon;
use marks::{QUOTE_MARKS, QuoteSpan};

/// Finds quotations and attributes them to speakers. Build once, share freely (`Send + Sync`).
pub struct QuoteExtractor {
    lexicon: Lexicon,
    /// Who holds which office, from the entity data: resolves "Iran's president" to a person.
    offices: Vec<Office>,
}

impl Default for QuoteExtractor {
    fn default() -> Self {
        Self::new()
    }
}

impl QuoteExtractor {
    /// Builds the lexicon (once; reuse the extractor).
    pub fn new() -> Self {
        QuoteExtractor { lexicon: Lexicon::new(), offices: Vec::new() }
    }

    /// Resolve roles written with their place or organisation ("Iran's foreign minister", "the
    /// Iranian president") to the holders these offices name.
    pub fn with_offices(mut self, offices: &[Office]) -> Self {
        self.offices = offices.to_vec();
        self
    }

    /// Quotes in `text`, in text order. `entities` are the article's entities (char-offset mentions into
    /// the same text), used to resolve speakers to entity ids; mentions outside the text are ignored.
    pub fn extract(&self, text: &str, entities: &[Entity]) -> Vec<Quote> {
        let posts = posts::embedded_posts(text, entities);
        let mut quotes = self.marked_quotes(text, entities);
        if posts.is_empty() {
            return quotes;
        }
        // Marks inside a post quote words the post already reports with its author.
        quotes.retain(|q| !posts.iter().any(|p| q.start >= p.start && q.end <= p.end));
        quotes.extend(posts);
        quotes.sort_by_key(|q| q.start);
        quotes
    }

    /// The quotes between quote marks, in text order (see the module docs).
    fn marked_quotes(&self, text: &str, entities: &[Entity]) -> Vec<Quote> {
        if !text.contains(QUOTE_MARKS) {
            return Vec::new();
        }
        let mut doc = Doc::new(text, &self.lexicon, entities);
        let spans = loop {
            // Each round demotes at least one mark, so this ends.
            let (spans, excerpt_marks) = doc.pair_marks();
            if excerpt_marks.is_empty() {
                break spans;
            }
            doc.demote_marks(&excerpt_marks);
        };
        if spans.is_empty() {
            return Vec::new();
        }
        let mut extraction = Extraction::new(&doc, &spans, &self.offices);
        let mut attrs = extraction.own_attributions();
        extraction.lend_attributions(&mut attrs);
        extraction.build_quotes(attrs)
    }
}

/// One extraction: the document, its quoted spans, and the speakers named so far.
struct Extraction<'d> {
    doc: &'d Doc<'d>,
    spans: &'d [QuoteSpan],
    offices: &'d [Office],
    /// Char ranges of the quotes' contents, in text order: people named inside quotes are not antecedents.
    quote_chars: Vec<(usize, usize)>,
    /// Named speakers found so far, sorted by the char end of their mention: antecedents for pronouns.
    named: Vec<(usize, Speaker)>,
}

impl<'d> Extraction<'d> {
    fn new(doc: &'d Doc<'d>, spans: &'d [QuoteSpan], offices: &'d [Office]) -> Self {
        let quote_chars = spans.iter().map(|s| (doc.char_pos(s.content_start), doc.char_pos(s.content_end))).collect();
        Extraction { doc, spans, offices, quote_chars, named: Vec::new() }
    }
}
