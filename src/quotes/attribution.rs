//! The patterns that find a quote's own cue and speaker phrase, looking only at the sentence around it.
//!
//! On the right: `"…," X said` / `"…," said X` / `"…," X told Reuters` / `"…," according to X` /
//! `"…," …, says X`. On the left: `X said: "…"` / `X said, "…"` / `X said that … "…"` /
//! `According to X, "…"` / `…, adding "…"` / `X: "…"`. Failing a cue, the subject of the clause holding
//! the quote (`Rubio bemoaned a climate in which people "literally hate each other"`).

use std::ops::Range;

use super::Extraction;
use super::doc::Doc;
use super::lexicon::{
    F_ACCORDING, F_ADVLY, F_CAP, F_CONJ, F_CUE, F_DESC, F_DET, F_INVERT, F_LINK, F_ORGHEAD, F_PARTICIPLE, F_POSS,
    F_PREP, F_PRONOUN, F_SKIP, F_SPEECH_NOUN, F_STOP, F_THAT, F_TIME, F_TIMELEAD,
};
use super::marks::QuoteSpan;
use super::phrases::Phrase;
use super::tokens::Kind;
use crate::record::Speaker;

/// An apposition after a quote longer than this many tokens is read before the adjacent patterns, which
/// would stop inside it.
const LONG_APPOSITION: usize = 14;

/// How far after a quote a cue may stand, in tokens; a parenthesis does not count (`Scott's niece, state
/// Del. Marcia "Cia" Price (D-Newport News), shouted`).
const CUE_AFTER_TOKENS: usize = 16;

/// Plural time units: `Eight years ago` opens no clause.
const TIME_UNITS: [&str; 5] = ["years", "months", "weeks", "days", "ago"];

/// Function words that open a clause of their own: `after he said`.
const SUBORDINATORS: [&str; 6] = ["after", "before", "until", "unless", "since", "whether"];

/// Verbs of saying in the past or present: the reporting clause a relaying outlet does not override.
const REPORTING_VERBS: [&str; 18] = [
    "said", "says", "told", "tells", "wrote", "writes", "added", "adds", "stated", "insisted", "insists", "argued",
    "argues", "warned", "warns", "declared", "claimed", "claims",
];

/// Words the object of `quoted … as saying` may have.
const MAX_QUOTED_OBJECT: usize = 8;

/// How far back (in tokens) the subject of a relative clause's sentence is looked for.
const MAX_ANTECEDENT_DISTANCE: usize = 60;

/// How far before a quote (in tokens) a speech noun may own it: `her remark that "…"`.
const MAX_SPEECH_NOUN_DISTANCE: usize = 10;

/// How an attribution was found; decides the base confidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pattern {
    /// `"…," X said` / `"…," said X` / `"…," according to X`
    RightAdjacent,
    /// `"…" …, X said.` (sentence-final attribution after a comma)
    RightFinal,
    /// `X said: "…"` / `X said, "…"` / `X said "…"`
    LeftAdjacent,
    /// `X said that … "…"`
    LeftEmbedded,
    /// `…, adding "…"` with the sentence's subject as speaker
    LeftParticiple,
    /// `X: "…"` without a verb
    Colon,
    /// No cue: the subject of the clause holding the quote
    ClauseSubject,
}

impl Pattern {
    /// How often the pattern names the right speaker.
    pub(super) fn confidence(self) -> f64 {
        match self {
            Pattern::RightAdjacent => 0.92,
            Pattern::LeftAdjacent => 0.88,
            Pattern::RightFinal => 0.75,
            Pattern::LeftEmbedded => 0.75,
            Pattern::LeftParticiple => 0.55,
            Pattern::Colon => 0.5,
            Pattern::ClauseSubject => 0.4,
        }
    }

    /// Whether the cue pattern touches the quote (enough to keep a one-word quote).
    pub(super) fn adjacent(self) -> bool {
        matches!(self, Pattern::RightAdjacent | Pattern::LeftAdjacent | Pattern::Colon)
    }
}

/// A speaker phrase found with its cue.
pub(super) struct CueMatch {
    pub(super) phrase: Phrase,
    /// Token range of the cue: `said`, `according to`; empty for a clause subject without a content verb.
    pub(super) cue: Range<usize>,
    pub(super) pattern: Pattern,
}

impl CueMatch {
    fn new(phrase: Phrase, cue: Range<usize>, pattern: Pattern) -> Option<Self> {
        Some(CueMatch { phrase, cue, pattern })
    }
}

/// A quote's attribution: its own, or one borrowed from a neighbouring quote.
#[derive(Clone, Debug)]
pub(super) struct Attribution {
    /// None when the sentence has a cue but no speaker was found.
    pub(super) speaker: Option<Speaker>,
    pub(super) cue: String,
    pub(super) confidence: f64,
    /// The pattern that found it; none for a borrowed attribution.
    pub(super) pattern: Option<Pattern>,
    /// A cue in the quote's own sentence (keeps two- and three-word fragments).
    pub(super) in_sentence: bool,
}

impl Attribution {
    /// This attribution lent to another quote, its confidence scaled by `factor`.
    pub(super) fn borrowed(&self, factor: f64) -> Attribution {
        Attribution { confidence: self.confidence * factor, pattern: None, ..self.clone() }
    }
}

/// Whether a slot holds an attribution with a speaker.
pub(super) fn has_speaker(attr: &Option<Attribution>) -> bool {
    attr.as_ref().is_some_and(|a| a.speaker.is_some())
}

impl Extraction<'_> {
    /// Each quote's own attribution, from the patterns; speakers named here are remembered for pronouns.
    pub(super) fn own_attributions(&mut self) -> Vec<Option<Attribution>> {
        let d = self.doc;
        let mut attrs = Vec::with_capacity(self.spans.len());
        for s in self.spans {
            let content = &d.text[s.content_start..s.content_end];
            let found = d.transcript_label(s).or_else(|| match d.attribution_after(s, content) {
                // `Sen. Claire McCaskill scolded him: "…," she said.`: the name on the left, not the pronoun.
                // `DuVernay said she felt … because "…," she said.`: nor when the quote runs on inside the
                // clause the name reports, and the pronoun is that name's person.
                Some(after) if after.phrase.pronoun => {
                    let reported = |b: &CueMatch| {
                        b.pattern == Pattern::LeftEmbedded
                            && d.tok(s.open - 1).word()
                            && self.same_person(b.phrase, after.phrase)
                    };
                    let named = |b: &CueMatch| !b.phrase.pronoun && (b.pattern.adjacent() || reported(b));
                    Some(d.attribution_before(s).filter(named).unwrap_or(after))
                }
                // `X said that … "…", according to IRIB` / `X told reporters "…", state media reported`:
                // the outlet closing the sentence relays what the speaker named before the quote said.
                Some(after) if after.pattern == Pattern::RightFinal => {
                    Some(d.attribution_before(s).filter(|b| d.reports_speech(b)).unwrap_or(after))
                }
                Some(after) => Some(after),
                None => d.attribution_before(s),
            });
            // Datelines (`WASHINGTON —`) name a place, never a speaker.
            let found = found.filter(|m| !d.in_dateline(m.phrase.start)).map(|m| self.antecedent_in_sentence(s, m));
            let attr = found.map(|m| {
                let (speaker, factor) = self.speaker(m.phrase);
                if !m.phrase.pronoun && (speaker.entity_id.is_some() || d.name_in(m.phrase).is_some()) {
                    self.remember_named(&speaker);
                }
                let cue = d.tok_text(m.cue.start, m.cue.end).trim_end_matches(':').to_string();
                Attribution {
                    speaker: Some(speaker),
                    confidence: m.pattern.confidence() * factor * d.lexicon.cue_reliability(&cue),
                    cue,
                    pattern: Some(m.pattern),
                    in_sentence: true,
                }
            });
            let attr = attr.or_else(|| {
                // A cue in the sentence without a speaker still marks reported speech.
                (s.left_start..s.open).find(|&i| d.cue_len(i) > 0 && !d.tok(i).has(F_ACCORDING)).map(|c| Attribution {
                    speaker: None,
                    cue: d.tok_text(c, c + 1).to_string(),
                    confidence: 0.0,
                    pattern: None,
                    in_sentence: true,
                })
            });
            attrs.push(attr);
        }
        attrs
    }
}

impl Extraction<'_> {
    /// Whether two phrases resolve to the same speaker (a pronoun and the name it stands for).
    fn same_person(&self, a: Phrase, b: Phrase) -> bool {
        self.speaker(a).0.name == self.speaker(b).0.name
    }

    /// `Ban Ki-moon condemned what he called a "brazen breach"`: a pronoun in a relative clause is
    /// mentioned by the subject of its sentence when both name the same speaker; the subject is the
    /// words an editor (and PolNeAR) credits.
    ///
    /// Likewise a pronoun reported by its own antecedent (`Lynch said she recalled thinking, "…"`): the
    /// one who says it is credited; and a pronoun inside the clause its antecedent governs (`Graham
    /// assures his audience he will tell the "bigots" …`).
    fn antecedent_in_sentence(&self, s: &QuoteSpan, m: CueMatch) -> CueMatch {
        let d = self.doc;
        let start = m.phrase.start;
        let inside = m.phrase.pronoun && start > s.left_start && start <= s.open;
        if !inside {
            return m;
        }
        let relative = ["what", "which"].iter().any(|w| d.word_is(start - 1, w));
        let reporting_cue = if d.cue_len(start - 1) > 0 {
            Some(start - 1)
        } else if start - 1 > s.left_start && d.word_is(start - 1, "that") && d.cue_len(start - 2) > 0 {
            Some(start - 2)
        } else {
            None
        };
        let same_pronoun = |subject: &Phrase| {
            !subject.pronoun
                || d.tok_text(subject.start, subject.end).eq_ignore_ascii_case(d.tok_text(start, m.phrase.end))
        };
        // The sentence may begin before an earlier quote (`X says A is "…," and what she calls "…"`).
        let floor = start.saturating_sub(MAX_ANTECEDENT_DISTANCE);
        let sentence_start = (floor..start).rev().find(|&k| d.at_sentence_start(k)).unwrap_or(s.left_start);
        let subject = match reporting_cue {
            Some(cue) => d.subject_before(cue, sentence_start),
            None if relative => d.clause_subject(sentence_start, start - 1),
            // `Graham assures his audience he will tell the "bigots" …`: a pronoun in the clause its
            // subject governs, with no conjunction or comma opening another clause between them.
            None => d
                .clause_subject(sentence_start, start - 1)
                .filter(|subject| !subject.pronoun && d.one_clause(subject.end, start)),
        };
        // `Clinton's campaign is contrasting her approach with what they call "…"`: `it` and `they` in a
        // relative clause stand for a subject naming a group or body, whatever they would resolve to.
        let group_pronoun = ["it", "they"].iter().any(|w| d.word_is(start, w));
        let group_subject = |subject: &Phrase| !subject.pronoun && d.tok(subject.end - 1).has(F_DESC | F_ORGHEAD);
        match subject {
            Some(subject) if same_pronoun(&subject) && self.same_person(subject, m.phrase) => {
                CueMatch { phrase: subject, ..m }
            }
            Some(subject) if relative && group_pronoun && group_subject(&subject) => CueMatch { phrase: subject, ..m },
            _ => m,
        }
    }
}

impl Doc<'_> {
    /// Whether a match before a quote is a main clause reporting speech, `X said (that) …`, strong
    /// enough to stand against an outlet closing the sentence: a verb of saying (not `asked about it`,
    /// `his comments`, `items labeled`), its subject not inside a subordinate clause (`After X asked`).
    fn reports_speech(&self, m: &CueMatch) -> bool {
        let cue = self.tok_text(m.cue.start, m.cue.end).to_lowercase();
        let subordinate = m.phrase.start > 0
            && (SUBORDINATORS.iter().any(|w| self.word_is(m.phrase.start - 1, w))
                || ["when", "as", "while", "if", "because", "who"].iter().any(|w| self.word_is(m.phrase.start - 1, w)));
        matches!(m.pattern, Pattern::LeftAdjacent | Pattern::LeftEmbedded)
            && REPORTING_VERBS.contains(&cue.as_str())
            && !subordinate
    }

    /// First token after the dashes and commas from token `from`, not past `hi`.
    pub(super) fn skip_dashes_and_commas(&self, from: usize, hi: usize) -> usize {
        let mut j = from;
        while j < hi && self.tok(j).is_dash_or_comma() {
            j += 1;
        }
        j
    }

    /// `"…," X said` / `"…," said X` / `"…," according to X` / `"…" …, X said.`
    fn attribution_after(&self, s: &QuoteSpan, content: &str) -> Option<CueMatch> {
        let close = s.close?;
        let hi = s.right_end;
        let j = self.skip_dashes_and_commas(close + 1, hi);
        if j >= hi {
            return self.byline_paragraph_after(s);
        }
        if let Some(byline) =
            (close + 1..j).find(|&k| self.tok(k).is_dash()).and_then(|dash| self.dash_byline(dash, j, hi))
        {
            return Some(byline);
        }
        // `"We are done." He added, "…"` / `… was "closing really strong." He noted that …`: a quote
        // ending its sentence is attributed on its right only by a short tail (`"Why?" he asked`,
        // `"Enough." Trump said.`).
        if content.ends_with(['.', '!', '?']) && self.tok(j).has(F_CAP) {
            let starts_sentence = s.left_start == s.open && s.left_reaches_sentence_start;
            let long_tail = content.ends_with('.') && hi - j > 7;
            if !starts_sentence || long_tail {
                return None;
            }
            if s.right_cut_by_quote {
                // `"Is it two?" Clinton asks as a guy walks in, saying he's "here …"`: the tail is this
                // quote's when another cue introduces the next quote; else its cue does (`He added, "…"`,
                // `Reid said both are "…"`).
                let m = self.cue_after(j, hi)?;
                let another_cue = (m.cue.end..hi).any(|c| self.cue_len(c) > 0);
                return another_cue.then_some(m);
            }
        }
        let first = self.tok(j);
        let first_len = self.cue_len(j);
        if first_len == 2 && first.has(F_ACCORDING) {
            let phrase = self.phrase_after(j + 2, hi)?;
            return CueMatch::new(phrase, j..j + 2, Pattern::RightAdjacent);
        }
        if first_len == 1
            && first.has(F_INVERT)
            && let Some(phrase) = self.phrase_after(j + 1, hi)
        {
            return CueMatch::new(phrase, j..j + 1, Pattern::RightAdjacent);
        }
        if let Some(long) = self.after_apposition(j, hi, LONG_APPOSITION) {
            return Some(long);
        }
        // `"…," Fred Kagan, director of the Critical Threats Project, said`: when no shorter pattern
        // fits, an apposition of any length.
        self.cue_after(j, hi).or_else(|| self.after_apposition(j, hi, 2)).or_else(|| self.sentence_final_cue(j, hi))
    }

    /// `… "arbitrarily detained" by Britain and Sweden since 2010, and should be freed, the rights group
    /// says.`: a speaker and cue closing the sentence after a comma, however far from the quote.
    fn sentence_final_cue(&self, j: usize, hi: usize) -> Option<CueMatch> {
        let mut end = hi;
        while end > j && self.tok(end - 1).kind == Kind::Punct {
            end -= 1;
        }
        // `the group said Friday.`
        let mut c = end;
        while c > j && end - c < 3 && self.tok(c - 1).has(F_TIME | F_TIMELEAD) {
            c -= 1;
        }
        let cue = c.checked_sub(1).filter(|&k| k > j)?;
        let t = self.tok(cue);
        if self.cue_len(cue) != 1 || t.has(F_PARTICIPLE | F_ACCORDING) {
            return None;
        }
        let phrase = self.subject_before(cue, j)?;
        (phrase.start > j && self.tok(phrase.start - 1).punct(',')).then_some(CueMatch {
            phrase,
            cue: cue..cue + 1,
            pattern: Pattern::RightFinal,
        })
    }

    /// The cue and speaker after a quote, from token `j` (after the closing mark and its comma).
    fn cue_after(&self, j: usize, hi: usize) -> Option<CueMatch> {
        let (mut counted, mut in_parens) = (0, false);
        for c in j..hi {
            let t = self.tok(c);
            in_parens = (in_parens || t.punct('(')) && !t.punct(')');
            if !in_parens && !t.punct(')') {
                counted += 1;
                if counted > CUE_AFTER_TOKENS {
                    break;
                }
            }
            let len = self.cue_len(c);
            // `"…," Read said`: a capitalised cue inside a sentence is a name.
            let name = t.has(F_CAP) && !self.at_sentence_start(c);
            if len == 0 || t.has(F_PARTICIPLE) || name {
                continue;
            }
            let after_comma = c > j && self.tok(c - 1).is_dash_or_comma();
            if len == 1
                && self.tok(c).has(F_INVERT)
                && after_comma
                && let Some(phrase) = self.phrase_after(c + 1, hi)
                && (phrase.end == hi || self.tok(phrase.end).is_dash_or_comma())
            {
                // `"…," in sharp contrast to previous elections, says Dante Scala.`
                return CueMatch::new(phrase, c..c + 1, Pattern::RightFinal);
            }
            if self.tok(c).has(F_ACCORDING) {
                if let Some(phrase) = self.phrase_after(c + 2, hi)
                    && after_comma
                {
                    return CueMatch::new(phrase, c..c + 2, Pattern::RightFinal);
                }
                continue;
            }
            let phrase = self.subject_before(c, j)?;
            // `"…" a Donald Trump tweet`: an article and a name before the cue make it a noun.
            let article = ["a", "an"].iter().any(|w| self.word_is(phrase.start, w));
            if article && (phrase.start + 1..c).all(|k| self.tok(k).has(F_CAP)) {
                return None;
            }
            // `"…," as a Homeland Security memo put it.`
            if phrase.start == j || (phrase.start == j + 1 && self.word_is(j, "as")) {
                return CueMatch::new(phrase, c..c + len, Pattern::RightAdjacent);
            }
            // "Fight for $15 organizing director Kendall Fells told": a name-like run up to the phrase.
            if !phrase.pronoun
                && phrase.start - j <= 6
                && (j..phrase.start).all(|k| {
                    let t = self.tok(k);
                    (t.word() && (!t.has(F_STOP | F_PREP) || t.has(F_LINK)))
                        || (t.kind == Kind::Punct && matches!(t.ch, '$' | '&' | '-' | '.' | '€' | '£'))
                })
            {
                let whole = Phrase { start: j, ..phrase };
                return CueMatch::new(whole, c..c + len, Pattern::RightAdjacent);
            }
            if self.tok(phrase.start - 1).is_dash_or_comma() {
                return CueMatch::new(phrase, c..c + len, Pattern::RightFinal);
            }
            return None;
        }
        None
    }

    /// `"…," Scott Pruitt, the Republican attorney general of Oklahoma, one of the states suing the EPA,
    /// said …`: a name, an apposition between commas of more than `min_tokens`, then the cue.
    fn after_apposition(&self, j: usize, hi: usize, min_tokens: usize) -> Option<CueMatch> {
        let name = self.phrase_after(j, hi).filter(|p| !p.pronoun && self.tok(p.end - 1).has(F_CAP))?;
        if name.end >= hi || !self.tok(name.end).punct(',') {
            return None;
        }
        let c = (name.end + 1..hi.min(j + 48)).find(|&c| self.cue_len(c) > 0)?;
        let cue = self.tok(c);
        let after_comma = self.tok(c - 1).punct(',');
        (after_comma && c - name.end > min_tokens && !cue.has(F_PARTICIPLE | F_ACCORDING)).then(|| CueMatch {
            phrase: name,
            cue: c..c + self.cue_len(c),
            pattern: Pattern::RightAdjacent,
        })
    }

    /// `"PENCE: Well, look, …"`: a quoted transcript turn opening its paragraph with the speaker's name in
    /// capitals and a colon.
    fn transcript_label(&self, s: &QuoteSpan) -> Option<CueMatch> {
        if s.open != self.paras[s.para].0 {
            return None;
        }
        let first = s.open + 1;
        let colon = (first..(first + 3).min(self.toks.len())).find(|&k| self.tok(k).punct(':'))?;
        let shouting = |k: usize| {
            let word = &self.text[self.tok(k).start..self.tok(k).end];
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            letters >= 2 && !word.chars().any(char::is_lowercase)
        };
        (colon > first && (first..colon).all(shouting)).then(|| CueMatch {
            phrase: Phrase::new(first, colon),
            cue: colon..colon + 1,
            pattern: Pattern::Colon,
        })
    }

    /// `"…" ― Jane Roe` / `"…" — Sen. Jane Roe (D-Wis.).`: a dash and a capitalised name ending the sentence
    /// sign the quote, as in collected reactions and epigraphs. `dash` is the dash's token, `j` the first
    /// token after the dashes.
    fn dash_byline(&self, dash: usize, j: usize, hi: usize) -> Option<CueMatch> {
        let phrase = self.phrase_after(j, hi).filter(|p| !p.pronoun)?;
        let rest_is_trivia = (phrase.end..hi).all(|k| {
            let t = self.tok(k);
            t.kind == Kind::Punct && matches!(t.ch, '.' | '(' | ')' | ',' | '-')
                || (t.word() && (t.has(F_CAP) || t.ch.is_ascii_uppercase()))
        });
        let all_capitalised = (phrase.start..phrase.end).all(|k| !self.tok(k).word() || self.tok(k).has(F_CAP));
        (rest_is_trivia && all_capitalised).then(|| CueMatch {
            phrase,
            cue: dash..dash + 1,
            pattern: Pattern::RightAdjacent,
        })
    }

    /// `"…"¶- Bernie Sanders.`: a quote making up its paragraph, signed by a dash and a name on the next
    /// line (fact checks and collected reactions).
    fn byline_paragraph_after(&self, s: &QuoteSpan) -> Option<CueMatch> {
        let close = s.close?;
        let (para_start, para_end) = self.paras[s.para];
        // The whole paragraph is the quote (not `… and called him "my African American."¶- Reuters.`).
        let ends_para = s.open == para_start && (close + 1..para_end).all(|k| self.tok(k).kind == Kind::Punct);
        let &(next_start, next_end) = self.paras.get(s.para + 1)?;
        // A hyphen standing for a dash is as good as one here: it opens the line.
        if !ends_para
            || next_start >= next_end
            || !self.tok(next_start).is_dash_or_comma()
            || self.tok(next_start).punct(',')
        {
            return None;
        }
        let j = self.skip_dashes_and_commas(next_start, next_end);
        self.dash_byline(next_start, j, next_end).filter(|m| m.phrase.end + 2 >= next_end)
    }

    /// `X said: "…"` / `X said "…"` / `X said that … "…"` / `According to X, "…"` / `X: "…"`.
    fn attribution_before(&self, s: &QuoteSpan) -> Option<CueMatch> {
        let lo = s.left_start;
        let open = s.open;
        let mut participle: Option<usize> = None;
        let mut c = open;
        while c > lo {
            c -= 1;
            let len = self.cue_len(c);
            if len == 0 {
                continue;
            }
            let t = self.tok(c);
            if t.has(F_ACCORDING) {
                if let Some(phrase) = self.phrase_after(c + 2, open) {
                    return CueMatch::new(phrase, c..c + 2, self.left_pattern(phrase.end, open));
                }
                continue;
            }
            if c == lo
                && t.has(F_INVERT)
                && s.left_reaches_sentence_start
                && let Some(phrase) = self.phrase_after(c + len, open)
                && self.adjacent_left(phrase.end, open)
            {
                // "Stated Stone: "…"", "Continued Stone: "…""
                return CueMatch::new(phrase, c..c + len, Pattern::LeftAdjacent);
            }
            // `State media quoted Araghchi as saying "…"`: the one quoted speaks.
            if t.has(F_PARTICIPLE)
                && let Some(phrase) = self.quoted_as(c, lo)
            {
                return CueMatch::new(phrase, c..c + len, self.left_pattern(c + len, open));
            }
            // `Speaking in Salem, New Hampshire, Trump went after Bush, calling him "…"`: a participle
            // after a comma belongs to the main clause, whose subject wins when it can be found.
            if t.has(F_PARTICIPLE)
                && c > lo
                && self.tok(c - 1).punct(',')
                && let Some(phrase) = self.nearest_clause_subject(lo, c)
            {
                return CueMatch::new(phrase, c..c + len, self.left_pattern(c + len, open));
            }
            let subject = self.subject_before(c, lo).filter(|p| {
                // `emailed supporters saying`: a participle's phrase must open its clause, else it is
                // the object of the main verb.
                // `footage of Trump saying "…"`: a name after `of` owns the participle.
                !t.has(F_PARTICIPLE)
                    || p.pronoun
                    || self.opens_clause(p.start, lo)
                    || (p.start > lo && self.tok(p.start - 1).has(F_CONJ))
                    || (p.start > lo && self.word_is(p.start - 1, "of") && self.tok(p.end - 1).has(F_CAP))
            });
            if let Some(phrase) = subject {
                return CueMatch::new(phrase, c..c + len, self.left_pattern(c + len, open));
            }
            // `Trump visited Ohio and said …`, `… but later warned that "…"`: a verb joined to the
            // clause's first verb shares its subject.
            if !t.has(F_PARTICIPLE)
                && let Some(conj) = self.conjunction_before(c, lo)
                && let Some(phrase) = self.nearest_clause_subject(lo, conj)
            {
                return CueMatch::new(phrase, c..c + len, self.left_pattern(c + len, open));
            }
            // `with Sen. John McCain calling it a "Chinese menu"`: the participle's own subject.
            if t.has(F_PARTICIPLE)
                && let Some(phrase) = self.subject_after_with(c, lo)
            {
                return CueMatch::new(phrase, c..c + len, self.left_pattern(c + len, open));
            }
            if t.has(F_PARTICIPLE) && participle.is_none() {
                participle = Some(c);
            }
        }
        if let Some(pc) = participle
            && let Some(phrase) = self.clause_subject(lo, pc)
        {
            return CueMatch::new(phrase, pc..pc + 1, Pattern::LeftParticiple);
        }
        if let Some(owned) = self.owned_speech_noun(lo, open).or_else(|| self.quote_as_owned_speech_noun(s)) {
            return Some(owned);
        }
        // No cue: the subject of the clause the quote sits in (`Rubio also bemoaned the climate in which
        // people "literally hate each other"`, `He jokes, "…"`).
        if open > lo
            && let Some(phrase) = self.clause_subject(lo, open)
        {
            // The verb after the subject is the cue when it is a content word ("bemoaned"), else none.
            let verb = phrase.end;
            let content_verb = !self.tok(verb).has(F_STOP | F_SKIP | F_ADVLY | F_CONJ);
            return CueMatch::new(phrase, verb..verb + usize::from(content_verb), Pattern::ClauseSubject);
        }
        // "Republican pollster Daron Shaw: "…"" — a colon right before the quote, a name before it.
        if open > lo && self.tok(open - 1).punct(':') {
            let mut end = open - 1;
            // Skip a short prepositional phrase: "on Twitter", "in a statement".
            for k in (lo..end).rev().take(4) {
                if self.tok(k).has(F_PREP) && !self.tok(k).has(F_CAP) && k > lo {
                    if self.subject_before(k, lo).is_some() {
                        end = k;
                    }
                    break;
                }
            }
            if let Some(phrase) = self.subject_before(end, lo)
                && (phrase.pronoun || self.tok(phrase.end - 1).has(F_CAP))
            {
                return CueMatch::new(phrase, open - 1..open, Pattern::Colon);
            }
        }
        None
    }

    /// `her remark that "…"`, `Donald Trump's claim that there have been "…"`: a speech noun owned by a
    /// possessive (a word or two may stand between them) a few words before the quote.
    fn owned_speech_noun(&self, lo: usize, open: usize) -> Option<CueMatch> {
        let floor = open.saturating_sub(MAX_SPEECH_NOUN_DISTANCE).max(lo);
        let noun = (floor..open).rev().find(|&k| {
            let t = self.tok(k);
            t.has(F_SPEECH_NOUN) && !t.has(F_CAP)
        })?;
        if (noun..open).any(|k| self.sentence_end(k)) {
            return None;
        }
        let owner = (noun.saturating_sub(3).max(lo)..noun).rev().find(|&k| self.tok(k).has(F_POSS))?;
        let between_are_modifiers = (owner + 1..noun).all(|k| {
            let t = self.tok(k);
            t.word() && !t.has(F_STOP | F_PREP | F_CUE)
        });
        if !between_are_modifiers {
            return None;
        }
        CueMatch::new(self.owner_phrase(owner, lo), noun..noun + 1, Pattern::LeftEmbedded)
    }

    /// `Obama's "if you like your plan, you can keep it" promise`: a quote between a possessive and the
    /// speech noun it names.
    fn quote_as_owned_speech_noun(&self, s: &QuoteSpan) -> Option<CueMatch> {
        let noun = s.close? + 1;
        let owner = s.open.checked_sub(1).filter(|&k| k >= s.left_start && self.tok(k).has(F_POSS))?;
        let t = self.toks.get(noun)?;
        if !t.has(F_SPEECH_NOUN) || t.has(F_CAP) {
            return None;
        }
        CueMatch::new(self.owner_phrase(owner, s.left_start), noun..noun + 1, Pattern::LeftAdjacent)
    }

    /// The possessive at token `owner` as a speaker phrase: `her`, or the name it ends (`Donald Trump's`).
    fn owner_phrase(&self, owner: usize, lo: usize) -> Phrase {
        if self.tok(owner).has(F_DET) {
            return Phrase::pronoun(owner);
        }
        let mut start = owner;
        while start > lo && self.tok(start - 1).has(F_CAP) && !self.tok(start - 1).has(F_POSS | F_STOP) {
            start -= 1;
        }
        Phrase::new(start, owner + 1)
    }

    /// The object of `quoted … as` before the participle at `cue` (`quoted the president as saying`).
    fn quoted_as(&self, cue: usize, lo: usize) -> Option<Phrase> {
        let as_at = cue.checked_sub(1).filter(|&k| k > lo + 1 && self.word_is(k, "as"))?;
        let quoted = (as_at.saturating_sub(MAX_QUOTED_OBJECT + 1).max(lo)..as_at - 1)
            .rev()
            .find(|&k| self.word_is(k, "quoted") || self.word_is(k, "quotes") || self.word_is(k, "quoting"))?;
        self.phrase_after(quoted + 1, as_at).filter(|p| p.end == as_at)
    }

    /// The `and`/`but` right before token `cue`, past adverbs (`but later warned`), after `lo`.
    fn conjunction_before(&self, cue: usize, lo: usize) -> Option<usize> {
        let mut k = cue;
        while k > lo + 1 && self.tok(k - 1).has(F_ADVLY | F_SKIP) && !self.tok(k - 1).has(F_CONJ) {
            k -= 1;
        }
        let conj = k.checked_sub(1).filter(|&k| k > lo)?;
        ["and", "but"].iter().any(|w| self.word_is(conj, w)).then_some(conj)
    }

    /// The subject of the clause holding a participle cue (`Trump went after Bush, calling him "…"`):
    /// the first name or pronoun, before `pc`, that opens the sentence or a clause and is followed by a
    /// lowercase word.
    pub(super) fn clause_subject(&self, lo: usize, pc: usize) -> Option<Phrase> {
        (lo..pc).find_map(|i| self.clause_subject_at(i, lo, pc))
    }

    /// Like [`Doc::clause_subject`], the last such subject outside quotes: the clause nearest the cue
    /// (`Mateen left early, Nefzi said, adding "…"`).
    fn nearest_clause_subject(&self, lo: usize, pc: usize) -> Option<Phrase> {
        // The cue stands outside quotes, so a token with an odd number of marks after it is inside one.
        let mut marks_after = 0;
        for i in (lo..pc).rev() {
            if self.tok(i).kind == Kind::Mark {
                marks_after += 1;
                continue;
            }
            let inside_quote = marks_after % 2 == 1;
            if let Some(phrase) = self.clause_subject_at(i, lo, pc).filter(|_| !inside_quote) {
                return Some(phrase);
            }
            // `And then Trump went on the attack, saying "…"`: a sentence may open with a conjunction
            // or an adverb before its subject.
            let after_opener = i > lo && i - lo <= 2 && (lo..i).all(|k| self.tok(k).has(F_CONJ | F_SKIP | F_ADVLY));
            if after_opener && let Some(phrase) = self.clause_subject_at(i, i, pc).filter(|_| !inside_quote) {
                return Some(phrase);
            }
        }
        None
    }

    /// The clause subject starting at token `i`, if there is one (see [`Doc::clause_subject`]).
    fn clause_subject_at(&self, i: usize, lo: usize, pc: usize) -> Option<Phrase> {
        // `"…," Clinton responded`: a comma inside the closing mark opens the clause too.
        let after_quote = i > lo + 1 && self.tok(i - 1).kind == Kind::Mark && self.tok(i - 2).is_dash_or_comma();
        // `Washington (AFP) – Democrat Hillary Clinton has …`: a dash opens one as well.
        // `"Trump walked onto the stage, chanting “…”`: so does the sentence's opening bracket or
        // excerpt mark (a mark demoted to punctuation, see `Doc::pair_marks`).
        let after_opener = i == lo + 1 && self.tok(lo).kind == Kind::Punct && is_opening_punct(self.tok(lo).ch);
        let opens = i == lo || self.tok(i - 1).punct(',') || self.tok(i - 1).is_dash() || after_quote || after_opener;
        let first = self.tok(i);
        // `About 200 protesters`, `hundreds of students`: a counted crowd is a subject too.
        let counted = self.quantity(i) || self.approximator(i);
        if !opens || !first.word() || first.has(F_PARTICIPLE) || (first.has(F_PREP) && !counted) || self.in_dateline(i)
        {
            return None;
        }
        // `it` is mostly expletive (`it is`), a subject only before a past verb (`it attacked`).
        let past_verb_next = i + 1 < pc && {
            let t = self.tok(i + 1);
            let w = &self.text[t.start..t.end];
            w.len() > 4 && w.ends_with("ed") && w.bytes().all(|b| b.is_ascii_lowercase())
        };
        let expletive_it = self.word_is(i, "it") && !past_verb_next;
        // `Outside, protesters rallied`: a plural descriptor opening a clause needs no determiner.
        let bare_plural = first.has(F_DESC) && self.text[first.start..first.end].ends_with('s');
        if !(first.has(F_CAP | F_PRONOUN | F_DET) || counted || bare_plural) || expletive_it {
            return None;
        }
        let phrase = self.phrase_after(i, pc)?;
        if phrase.end == i + 1 && self.opening_participle(i) {
            return None;
        }
        let head = self.tok(phrase.end - 1);
        // `Clinton's aide rallied supporters`: a named owner's someone.
        let owned = first.has(F_CAP) && first.has(F_POSS) && phrase.end > i + 1;
        let named = phrase.pronoun
            || (head.has(F_CAP) && !head.has(F_TIMELEAD | F_SKIP | F_PREP | F_STOP))
            || first.has(F_DET)
            || counted
            || bare_plural
            || owned;
        // `Khan, who is Muslim, also decried …`, `Bush, however, interjected`: an aside between the
        // subject and its verb.
        let mut verb_at = self.after_aside(phrase.end, pc).unwrap_or(phrase.end);
        // `Donald Trump on Thursday ratcheted up his attacks`: a time phrase before the verb.
        while verb_at + 1 < pc && self.tok(verb_at).has(F_TIMELEAD) && self.tok(verb_at + 1).has(F_TIME) {
            verb_at += 2;
        }
        let verb_next = verb_at < pc && {
            let v = self.tok(verb_at);
            // `Eight years ago, he said`: a time word after a number is no verb.
            let time = v.has(F_TIME) || TIME_UNITS.iter().any(|w| self.word_is(verb_at, w));
            v.word() && !v.has(F_CAP) && !v.has(F_DET | F_PREP | F_LINK | F_CONJ) && !time
        };
        (named && verb_next).then_some(phrase)
    }

    /// Whether tokens `from..to` hold no comma, dash or conjunction (but `that`) that would open
    /// another clause.
    fn one_clause(&self, from: usize, to: usize) -> bool {
        (from..to).all(|k| {
            let t = self.tok(k);
            let opens_clause =
                (t.has(F_CONJ) && !self.word_is(k, "that")) || SUBORDINATORS.iter().any(|w| self.word_is(k, w));
            (t.word() || self.attached_abbr_period(k)) && !opens_clause
        })
    }

    /// `Flying home one night, she vented …`: a capitalised word in -ing opening a sentence is a
    /// participle (or a gerund), not a name, unless the entity stage found a name there.
    fn opening_participle(&self, i: usize) -> bool {
        let t = self.tok(i);
        let word = &self.text[t.start..t.end];
        let start = self.char_pos(t.start);
        self.at_sentence_start(i)
            && word.len() > 5
            && word.ends_with("ing")
            && self.mentions_before(start + 1).next().is_none_or(|(m, _)| m.start != start)
    }

    /// The token after an aside set off by commas (or a parenthesis) that opens at token `open`,
    /// before `hi`: a relative clause, an apposition or an adverb (`, who is Muslim,`, `, however,`,
    /// `(D-N.Y.)`).
    fn after_aside(&self, open: usize, hi: usize) -> Option<usize> {
        let last = hi.min(open + 1 + LONG_APPOSITION);
        if self.tok(open).punct('(') {
            return (open + 1..last).find(|&k| self.tok(k).punct(')')).map(|close| close + 1);
        }
        if !self.tok(open).punct(',') {
            return None;
        }
        let close = (open + 1..last).find(|&k| !self.tok(k).word() || self.tok(k).punct(','))?;
        (close > open + 1 && self.tok(close).punct(',')).then_some(close + 1)
    }

    /// A cue on the left, ending at `from`, either touches the quote or embeds it (`said that …`).
    fn left_pattern(&self, from: usize, open: usize) -> Pattern {
        if self.adjacent_left(from, open) { Pattern::LeftAdjacent } else { Pattern::LeftEmbedded }
    }

    /// Whether the words between a cue (ending at `from`) and the opening mark are a short adverbial
    /// ending in `:`, `,` or `—` (or nothing): `said in a statement:`, `told reporters,`.
    fn adjacent_left(&self, from: usize, open: usize) -> bool {
        if from >= open {
            return true;
        }
        let last = self.tok(open - 1);
        if !(last.kind == Kind::Punct && matches!(last.ch, ':' | ',' | '—')) {
            return false;
        }
        if open - from > 12 {
            return false;
        }
        (from..open - 1).all(|i| {
            let t = self.tok(i);
            !t.has(F_THAT) && self.cue_len(i) == 0 && t.kind != Kind::Mark
        })
    }
}

/// Punctuation that can open a sentence before its first word: brackets and (demoted) quote marks.
fn is_opening_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '"' | '“' | '„' | '«')
}
