//! Quotes without a speaker of their own borrow one from a neighbour, at a lower confidence.
//!
//! In order: the first part of a multi-paragraph quote takes the best attribution of its later parts; an
//! earlier quote of a sentence takes the speaker of a later one attributed on its right; then, in text
//! order, a quote continues the previous part of its multi-paragraph quote, the speaker interrupting it
//! (`"…," she said. "…"`), the previous quote of its paragraph, the speaker of the previous paragraph
//! (`He said:` or an attributed quote), or the speaker of a paragraph that opens with an attributed quote
//! right after it.

use super::Extraction;
use super::attribution::{Attribution, Pattern, has_speaker};
use super::lexicon::{F_ACCORDING, F_INVERT, F_PARTICIPLE};
use super::phrases::Phrase;

/// How far back from a paragraph's end to look for a speech event, in tokens.
const SPEECH_EVENT_SCAN: usize = 200;
/// Most tokens from one quote's closing mark to the next one's opening mark for the words between
/// to be an interrupting attribution (`," the foreign minister of Iran said on Sunday. "`).
const INTERRUPTER_TOKENS: usize = 12;

/// A speaker named with a cue outside quotes in a paragraph.
struct SpeechEvent {
    phrase: Phrase,
    cue: usize,
    /// The paragraph ends by introducing a quote: `He said:`.
    intro: bool,
}

impl Extraction<'_> {
    /// Runs every borrowing pass over the quotes' own attributions.
    pub(super) fn lend_attributions(&self, attrs: &mut [Option<Attribution>]) {
        self.lend_to_first_parts(attrs);
        self.lend_back_within_sentences(attrs);
        self.continue_speakers(attrs);
    }

    /// Multi-paragraph quotes: the first part takes the best attribution of its later parts.
    fn lend_to_first_parts(&self, attrs: &mut [Option<Attribution>]) {
        let spans = self.spans;
        for k in 0..spans.len() {
            if spans[k].prev_part.is_some() || has_speaker(&attrs[k]) {
                continue;
            }
            if k > 0 && spans[k - 1].para == spans[k].para && has_speaker(&attrs[k - 1]) {
                // `"…," he said. "…¶"…"`: the paragraph's speaker goes on.
                continue;
            }
            let mut best: Option<&Attribution> = None;
            let mut j = k + 1;
            while j < spans.len() && spans[j].prev_part == Some(j - 1) {
                if let Some(a) = &attrs[j]
                    && a.speaker.is_some()
                    && best.is_none_or(|b| a.confidence > b.confidence)
                {
                    best = Some(a);
                }
                j += 1;
            }
            if let Some(b) = best {
                attrs[k] = Some(b.borrowed(0.9));
            }
        }
    }

    /// A later quote of the same sentence, attributed on its right, lends its speaker to earlier ones:
    /// `"All that Glitters" was to be a "cautionary tale," said Susan Crawford.` It outranks a clause
    /// subject found without a speech verb (`Guns are "…" and "…," Howard Dean said`).
    fn lend_back_within_sentences(&self, attrs: &mut [Option<Attribution>]) {
        let spans = self.spans;
        for k in (0..spans.len().saturating_sub(1)).rev() {
            let bare_subject =
                attrs[k].as_ref().is_some_and(|a| a.pattern == Some(Pattern::ClauseSubject) && a.cue.is_empty());
            if (has_speaker(&attrs[k]) && !bare_subject) || !spans[k + 1].same_sentence_as_prev {
                continue;
            }
            if let Some(a) = &attrs[k + 1]
                && a.speaker.is_some()
                && a.pattern.is_none_or(|p| matches!(p, Pattern::RightAdjacent | Pattern::RightFinal))
            {
                attrs[k] = Some(Attribution { in_sentence: true, ..a.borrowed(0.85) });
            }
        }
    }

    /// Continuations, in text order (so a quote may continue one that itself borrowed its speaker).
    fn continue_speakers(&self, attrs: &mut [Option<Attribution>]) {
        let d = self.doc;
        let spans = self.spans;
        for k in 0..spans.len() {
            if has_speaker(&attrs[k]) {
                continue;
            }
            let s = &spans[k];
            let borrow = |from: usize, factor: f64| -> Option<Attribution> {
                attrs[from].as_ref().filter(|a| a.speaker.is_some()).map(|a| a.borrowed(factor))
            };
            let mut got: Option<Attribution> = None;
            if let Some(p) = s.prev_part {
                got = borrow(p, 0.95);
            }
            if got.is_none() && k > 0 && spans[k - 1].para == s.para {
                got = self.interrupter(k, s.same_sentence_as_prev).or_else(|| {
                    if s.same_sentence_as_prev {
                        borrow(k - 1, 0.95).map(|a| Attribution { in_sentence: true, ..a })
                    } else {
                        borrow(k - 1, 0.85).map(|a| Attribution { in_sentence: false, ..a })
                    }
                });
            }
            let starts_para = s.open == d.paras[s.para].0;
            if got.is_none() && starts_para && s.para > 0 && attrs[k].is_none() {
                // A paragraph opening with a quote and no cue: the speaker named with a cue in the
                // previous paragraph, or that of its last quote if the quote comes later (a paragraph
                // ending in `He said:` always wins).
                let prev_para = s.para - 1;
                let prev_quote = (0..k).rev().find(|&j| spans[j].para == prev_para);
                let quote_attr = prev_quote.and_then(|j| borrow(j, 0.7));
                got = match self.speech_event_in(prev_para) {
                    Some(ev)
                        if ev.intro || prev_quote.is_none_or(|j| spans[j].open < ev.cue) || quote_attr.is_none() =>
                    {
                        let base = if ev.intro { 0.8 } else { 0.45 };
                        Some(self.event_attribution(&ev, base, false))
                    }
                    _ => quote_attr,
                };
            }
            let opens_sentence = s.left_start == s.open && s.left_reaches_sentence_start;
            let first_in_para = k == 0 || spans[k - 1].para != s.para;
            if got.is_none() && !starts_para && opens_sentence && first_in_para && attrs[k].is_none() {
                // `Schiff said. "The other factor …"`: a quote opening a sentence with no cue takes the
                // speaker of the sentence before it in its paragraph.
                let para_start = d.paras[s.para].0;
                got = self.speech_event_between(para_start, s.open).map(|ev| self.event_attribution(&ev, 0.6, false));
            }
            if got.is_none() && starts_para && attrs[k].is_none() && s.close.is_some() {
                // `"Not only can Cruz win …"¶¶"He may be the only one," Viguerie notes.`: a paragraph
                // holding only a quote, followed by a paragraph opening with an attributed quote.
                if let Some(n) = spans.get(k + 1)
                    && n.para == s.para + 1
                    && n.open == d.paras[n.para].0
                    && n.prev_part.is_none()
                    && let Some(a) = attrs[k + 1].as_ref()
                    && a.speaker.is_some()
                    && a.pattern == Some(Pattern::RightAdjacent)
                {
                    got = Some(Attribution { in_sentence: false, ..a.borrowed(0.45) });
                }
            }
            if got.is_some() {
                attrs[k] = got;
            }
        }
    }

    /// `"…," she said. "…"`: the speaker named in the few words between quote `k` and the one
    /// before it. Editors attribute the second part to the words that interrupt the quote (the
    /// pronoun itself), even when the first part was also introduced by a cue before it
    /// (`DuVernay said … because "…," she said. "…"`).
    fn interrupter(&self, k: usize, in_sentence: bool) -> Option<Attribution> {
        let close = self.spans[k - 1].close?;
        let open = self.spans[k].open;
        if open <= close + 1 || open - close > INTERRUPTER_TOKENS {
            return None;
        }
        let ev = self.speech_event_between(close + 1, open)?;
        Some(self.event_attribution(&ev, 0.85, in_sentence))
    }

    /// A speech event lent to a quote: its speaker and cue, at confidence `base` scaled by how sure
    /// the speaker's resolution is.
    fn event_attribution(&self, ev: &SpeechEvent, base: f64, in_sentence: bool) -> Attribution {
        let (speaker, factor) = self.speaker(ev.phrase);
        Attribution {
            speaker: Some(speaker),
            cue: self.doc.tok_text(ev.cue, ev.cue + 1).to_string(),
            confidence: base * factor,
            pattern: None,
            in_sentence,
        }
    }

    /// The last speaker named in paragraph `p` outside quotes: a subject with a cue, from the end.
    fn speech_event_in(&self, p: usize) -> Option<SpeechEvent> {
        let (para_start, para_end) = self.doc.paras[p];
        self.speech_event_between(para_start, para_end)
    }

    /// The last speaker named with a cue, outside quotes, in tokens `lo..hi` of one paragraph (from its
    /// start); the paragraph ends by introducing a quote when `hi` is its end and follows a colon.
    fn speech_event_between(&self, lo: usize, hi: usize) -> Option<SpeechEvent> {
        let d = self.doc;
        if lo == hi {
            return None;
        }
        let intro = d.tok(hi - 1).punct(':');
        let quoted: Vec<(usize, usize)> =
            self.spans.iter().filter(|s| (lo..hi).contains(&s.open)).map(|s| (s.open, s.close.unwrap_or(hi))).collect();
        let floor = hi.saturating_sub(SPEECH_EVENT_SCAN).max(lo);
        for c in (floor..hi).rev() {
            if quoted.iter().any(|&(o, e)| o <= c && c <= e) || d.cue_len(c) == 0 || d.tok(c).has(F_ACCORDING) {
                continue;
            }
            if let Some(phrase) = d.subject_before(c, lo).filter(|p| !d.in_dateline(p.start)) {
                return Some(SpeechEvent { phrase, cue: c, intro });
            }
            // `Bolton distanced himself … by saying he would help.`: a participle's speaker is its
            // clause's subject.
            if d.tok(c).has(F_PARTICIPLE)
                && let Some(phrase) = d.clause_subject(lo, c)
            {
                return Some(SpeechEvent { phrase, cue: c, intro });
            }
        }
        // `Stated Stone:` / `Said the minister:`: an inverted cue opening a paragraph that introduces a quote.
        let inverted = intro && d.cue_len(lo) == 1 && d.tok(lo).has(F_INVERT);
        if let Some(phrase) = d.phrase_after(lo + 1, hi - 1).filter(|p| inverted && p.end == hi - 1) {
            return Some(SpeechEvent { phrase, cue: lo, intro });
        }
        // `He then listed the qualities he looks for:`: without a cue, the subject of the sentence that
        // introduces the quote.
        if !intro {
            return None;
        }
        let last_sentence = (lo..hi - 1).rev().find(|&k| d.at_sentence_start(k)).unwrap_or(lo);
        let phrase = d.clause_subject(last_sentence, hi - 1)?;
        Some(SpeechEvent { phrase, cue: phrase.end, intro })
    }
}
