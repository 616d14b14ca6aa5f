//! Which quoted spans are reported, as direct or partial quotes, and the [`Quote`] records built from them.
//!
//! Short fragments are kept only when attributed: one word needs a cue pattern touching it (or a cue in
//! its sentence with a speaker), two or three words a cue in the same sentence. Capitalised titles
//! (`on "Meet the Press"`), opinion-piece headlines (`her column, "Iran, come back," drew …`),
//! nicknames (`Marcia "Cia" Price`), headline-plus-byline lines and transcripts' stage directions
//! (`"(CROSSTALK.)`) are dropped; but what someone called someone (`calls people "losers"`, `hailed Trump
//! as "The Comeback Kid"`) is their words, kept however short or capitalised. Parts of a multi-paragraph
//! quote are always kept. Offsets in the output are chars, confidences rounded to three decimals.

use super::Extraction;
use super::attribution::Attribution;
use super::doc::Doc;
use super::lexicon::{F_CALLING, F_CAP, F_CHARACTERISING, F_NAMING, F_POSS, F_PREP};
use super::marks::{QuoteSpan, word_count};
use super::tokens::Kind;
use crate::record::{Quote, QuoteKind};

impl Extraction<'_> {
    /// The quotes to report, in text order, each with its attribution (`attrs[k]` for span `k`).
    pub(super) fn build_quotes(&self, attrs: Vec<Option<Attribution>>) -> Vec<Quote> {
        let d = self.doc;
        let spans = self.spans;
        let mut out = Vec::with_capacity(spans.len());
        // The last span found to be a name someone was called (`calls people "losers" and "sad"`).
        let mut named_before: Option<usize> = None;
        for ((k, s), attr) in spans.iter().enumerate().zip(attrs) {
            let content = &d.text[s.content_start..s.content_end];
            let words = word_count(content);
            if words == 0
                || s.close.is_some_and(|c| d.quoted_nickname(s.open, c))
                || stage_direction(content)
                || follow_prompt(content)
            {
                continue;
            }
            let with_speaker = attr.as_ref().is_some_and(|a| a.speaker.is_some());
            let adjacent = with_speaker && attr.as_ref().is_some_and(|a| a.pattern.is_some_and(|p| p.adjacent()));
            let in_sentence = attr.as_ref().is_some_and(|a| a.in_sentence);
            let multi_paragraph = s.prev_part.is_some() || spans.get(k + 1).is_some_and(|n| n.prev_part == Some(k));
            if !multi_paragraph {
                // `on CNN's "State of the Union."`: in a title's place, the sentence's period may sit inside.
                let titled = title_like(content)
                    || (content.ends_with(['.', ',']) && title_like(content.trim_end_matches(['.', ','])))
                    || (words == 1 && d.after_media_noun(s) && content.starts_with(char::is_uppercase))
                    // `Ouisa Davis' commentary, "Melania, tell your immigrant story," is very thoughtful`.
                    || (!with_speaker && d.after_opinion_piece(s));
                // `Trump called the pageant winner "Miss Piggy"`, `hailed Trump as "The Comeback Kid"`: the
                // words someone used for someone are their words, however short or capitalised.
                let name_called =
                    d.characterisation(s) || named_before.is_some_and(|prev| d.coordinated(&spans[prev], s));
                if name_called {
                    named_before = Some(k);
                }
                // `supporters chanting "Marco! Marco!"`, `a sign that read "Hispanics 4 Trump"`: a speech
                // cue right before the marks governs them.
                // Not a naming participle, though `called` is a cue: `a news site called "The Local"`.
                let cue_before = s.open > 0 && d.cue_len(s.open - 1) > 0 && !d.tok(s.open - 1).has(F_NAMING);
                if titled
                    && !name_called
                    && !cue_before
                    && (!adjacent || d.title_context(s))
                    && (title_like(content) || d.title_context(s))
                {
                    continue;
                }
                if !with_speaker && d.headline_by(s) {
                    continue;
                }
                // `Markets barely reacted to the latest "breakthrough" headlines`: one word needs a cue.
                let cued = attr.as_ref().is_some_and(|a| !a.cue.is_empty());
                let one_word_kept = adjacent || name_called || (in_sentence && with_speaker && cued);
                if words == 1 && !one_word_kept {
                    continue;
                }
                if words <= 3 && !in_sentence && !adjacent && !name_called {
                    continue;
                }
            }
            let kind = if multi_paragraph || !d.embedded(s, content) { QuoteKind::Direct } else { QuoteKind::Partial };
            let (speaker, cue, confidence) = match attr {
                Some(a) if a.speaker.is_some() => (a.speaker, a.cue, (a.confidence * 1000.0).round() / 1000.0),
                Some(a) => (None, a.cue, 0.0),
                None => (None, String::new(), 0.0),
            };
            out.push(Quote {
                text: content.to_string(),
                start: d.char_pos(s.content_start),
                end: d.char_pos(s.content_end),
                kind,
                cue,
                speaker,
                confidence,
            });
        }
        out
    }
}

/// A transcript's stage direction standing alone in its quote (`"(CROSSTALK.)`, `"[Applause]"`):
/// nobody said it, so it is no quote, even as one turn of a multi-paragraph transcript.
fn stage_direction(content: &str) -> bool {
    // `content` is trimmed already; the sentence's period may sit inside the marks.
    let inner = content.trim_end_matches(['.', ',']);
    let enclosed = |open, close| inner.strip_prefix(open).and_then(|rest| rest.strip_suffix(close));
    enclosed('(', ')')
        .or_else(|| enclosed('[', ']'))
        .is_some_and(|direction| word_count(direction) <= 4 && !direction.contains(['(', ')', '[', ']']))
}

/// A site's sign-off caught inside a transcript's closing mark (`"Follow Pam Key on Twitter
/// @pamkeyNEN."`): an invitation to follow someone on a social network is nobody's speech.
fn follow_prompt(content: &str) -> bool {
    let Some(rest) = content.strip_prefix("Follow ") else {
        return false;
    };
    let on_network = [" on Twitter", " on X", " on Facebook", " on Instagram", " on Threads", " on Bluesky"]
        .iter()
        .any(|network| rest.contains(network));
    on_network && rest.contains('@') && word_count(rest) <= 10
}

/// Opinion pieces, whose headlines are sentences.
const OPINION_PIECES: [&str; 5] = ["commentary", "column", "op-ed", "editorial", "essay"];

/// The kinds of works whose titles stand in quote marks.
const MEDIA_NOUNS: [&str; 22] = [
    "documentary",
    "film",
    "movie",
    "book",
    "show",
    "podcast",
    "program",
    "programme",
    "series",
    "song",
    "album",
    "novel",
    "memoir",
    "play",
    "episode",
    "magazine",
    "newspaper",
    "sitcom",
    "musical",
    "opera",
    "documentaries",
    "films",
];

/// Lowercase words that titles keep: "Contract with America", "Gone with the Wind".
const TITLE_FUNCTION_WORDS: [&str; 8] = ["with", "from", "into", "over", "upon", "than", "that", "about"];

/// A short capitalised title: "Meet the Press", "Sean Hannity Show".
pub(super) fn title_like(content: &str) -> bool {
    let words: Vec<&str> = content.split_whitespace().collect();
    if words.len() < 2 || words.len() > 6 {
        return false;
    }
    if content.ends_with(['.', '!', '?', ',']) && words.len() > 2 {
        return false;
    }
    let capitalised = |w: &&str| w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase);
    // `"way off"`: short words pass inside a title, but a title has a capital somewhere.
    words.iter().any(capitalised)
        && words.iter().all(|w| {
            let short = w.chars().filter(|c| c.is_alphabetic()).count() <= 3;
            short || capitalised(w) || TITLE_FUNCTION_WORDS.contains(w)
        })
}

impl Doc<'_> {
    /// A title's usual place: after a preposition, a possessive or a naming verb (`on "Morning Joe"`,
    /// `her memoir, "Tough Choices"`, `a group called "Free Iran"`).
    pub(super) fn title_context(&self, s: &QuoteSpan) -> bool {
        if s.open == 0 {
            return false;
        }
        let mut p = s.open - 1;
        if self.tok(p).punct(',') && p > 0 {
            p -= 1;
        }
        // `his 1994 "Contract with America"`: a year between the owner and the title.
        if p > 0 && self.tok(p).word() && self.tok(p).ch.is_ascii_digit() {
            p -= 1;
        }
        let t = self.tok(p);
        t.has(F_PREP | F_POSS | F_NAMING)
            // `her memoir, "Tough Choices"`; but after `said,` the quote is what was said.
            || (t.word() && !t.has(F_CAP) && self.cue_len(p) == 0 && self.tok(s.open - 1).punct(','))
            || self.after_media_noun(s)
    }

    /// `the documentary "Weiner"`, `his memoir "Hard Choices"`: a work's kind right before its title.
    fn after_media_noun(&self, s: &QuoteSpan) -> bool {
        self.word_before_quote(s).is_some_and(|w| MEDIA_NOUNS.iter().any(|noun| self.word_is(w, noun)))
    }

    /// Whether word `w`, right before a quote, can be the one a speaker calls by the quoted name
    /// (`called him "…"`, `called the pageant winner "…"`), not a naming verb or a title's owner
    /// (`a show called "…"`, `his "Miss Universe" pageant`). `her` may be either; it is taken as the callee.
    fn names_callee(&self, w: usize) -> bool {
        let t = self.tok(w);
        t.word() && (!t.has(F_NAMING | F_PREP | F_POSS) || self.word_is(w, "her"))
    }

    /// The quote is what someone called someone: `calls people "losers"`, `called the pageant winner
    /// "Miss Piggy"`, `hailed Trump as "The Comeback Kid"`, `pounding Trump as a "con artist"`. Not a name
    /// given to a thing by a naming participle (`a show called "…"`: nobody's words).
    fn characterisation(&self, s: &QuoteSpan) -> bool {
        let Some(mut w) = self.word_before_quote(s) else {
            return false;
        };
        if (self.word_is(w, "a") || self.word_is(w, "an")) && w > 0 {
            w -= 1;
        }
        // The words of the clause right before `w`, nearest first, at most `n`.
        let clause_before = |n: usize| (w.saturating_sub(n)..w).rev().take_while(|&i| self.tok(i).word());
        if self.word_is(w, "as") {
            return clause_before(5).any(|i| self.tok(i).has(F_CHARACTERISING));
        }
        // A calling verb, then its object (one to four words, no preposition: `called for a "deal"`).
        self.names_callee(w)
            && !self.tok(w).has(F_PREP)
            && clause_before(4).take_while(|&i| !self.tok(i).has(F_PREP)).any(|i| self.tok(i).has(F_CALLING))
    }

    /// `"losers" and "sad"`: span `s` joined to the earlier span `prev` by nothing but `and`, `or`
    /// and commas.
    fn coordinated(&self, prev: &QuoteSpan, s: &QuoteSpan) -> bool {
        prev.close.is_some_and(|c| {
            c < s.open
                && s.open - c <= 4
                && (c + 1..s.open).all(|i| self.tok(i).punct(',') || self.word_is(i, "and") || self.word_is(i, "or"))
        })
    }

    /// The token before a quote's opening mark, past any commas (`her memoir, "…"`).
    fn word_before_quote(&self, s: &QuoteSpan) -> Option<usize> {
        let mut p = s.open;
        while p > 0 && self.tok(p - 1).punct(',') {
            p -= 1;
        }
        p.checked_sub(1)
    }

    /// `her commentary, "Melania, tell your immigrant story," is`: an opinion piece's headline, whatever
    /// its case, when the sentence goes on after it.
    fn after_opinion_piece(&self, s: &QuoteSpan) -> bool {
        let goes_on = s.close.is_some_and(|c| self.toks.get(c + 1).is_some_and(|t| t.word()));
        goes_on && self.word_before_quote(s).is_some_and(|w| OPINION_PIECES.iter().any(|noun| self.word_is(w, noun)))
    }

    /// `"Met accused of whitewashing baby Jesus," by Post's Kathianne Boniello`: a headline and byline.
    fn headline_by(&self, s: &QuoteSpan) -> bool {
        let Some(c) = s.close else {
            return false;
        };
        let comma_inside = self.prev_char(self.tok(c).start) == Some(',');
        let j = self.skip_dashes_and_commas(c + 1, self.toks.len());
        let comma_after = j > c + 1;
        (comma_inside || comma_after)
            && self.word_is(j, "by")
            && !self.tok(j).has(F_CAP)
            && self.toks.get(j + 1).is_some_and(|t| t.has(F_CAP))
    }

    /// Whether the quote sits inside a sentence (partial) rather than standing as a statement (direct).
    fn embedded(&self, s: &QuoteSpan, content: &str) -> bool {
        let first_lower = content.chars().find(|c| c.is_alphanumeric()).is_some_and(|c| c.is_lowercase());
        if s.open == s.left_start {
            // Nothing before it in the sentence (or right after another quote).
            return first_lower && !s.left_reaches_sentence_start && !self.after_split(s);
        }
        let p = self.tok(s.open - 1);
        match p.kind {
            Kind::Punct if matches!(p.ch, ':' | '—' | '(' | '[') => false,
            Kind::Punct if p.ch == ',' => first_lower && !self.after_split(s),
            Kind::Word if self.cue_len(s.open - 1) > 0 => first_lower,
            _ => true,
        }
    }

    /// `"…," he said, "…"`: the quote continues one split by its attribution.
    fn after_split(&self, s: &QuoteSpan) -> bool {
        s.left_start > 0
            && self.tok(s.left_start - 1).kind == Kind::Mark
            && (s.left_start..s.open).any(|i| self.cue_len(i) > 0)
    }
}
