//! Sentence boundaries, and the sentence around each quote: attribution only looks there.
//!
//! A sentence ends at `!`, `?`, `;`, a line break, or a period that is not an abbreviation's (`Sen.`,
//! `Jan. 5`, `(D-Nev.) told`). A quote's context runs from the start of its sentence to the end of the
//! sentence after it, cut at the neighbouring quotes of the paragraph.

use super::doc::Doc;
use super::lexicon::{F_ABBR, F_CAP};
use super::marks::QuoteSpan;
use super::output::title_like;
use super::tokens::Kind;

/// How far past the closing mark the right context may reach, in tokens.
const RIGHT_CONTEXT_MAX: usize = 40;

impl Doc<'_> {
    /// Whether token `i` ends a sentence.
    pub(super) fn sentence_end(&self, i: usize) -> bool {
        let t = self.tok(i);
        match t.kind {
            Kind::Break => true,
            Kind::Punct => match t.ch {
                '!' | '?' | ';' => true,
                '.' => {
                    if i == 0 {
                        return true;
                    }
                    let p = self.tok(i - 1);
                    let attached = p.end == t.start && p.kind == Kind::Word;
                    if !attached {
                        return true;
                    }
                    let abbr = p.flags & F_ABBR != 0 && (p.flags & F_CAP != 0 || p.ch == 'v');
                    if abbr {
                        return false;
                    }
                    // "(D-Nev.) told", "Jan. 5 talks": a period before ")" or a lowercase word.
                    match self.toks.get(i + 1) {
                        Some(n) if n.kind == Kind::Punct && matches!(n.ch, ')' | ',') => false,
                        Some(n) if n.kind == Kind::Word && n.ch.is_lowercase() => false,
                        _ => true,
                    }
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether token `i` starts a sentence (nothing but marks and brackets since the last sentence end,
    /// a colon or a dash).
    pub(super) fn at_sentence_start(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            let p = self.tok(j - 1);
            if p.kind == Kind::Mark || (p.kind == Kind::Punct && matches!(p.ch, '(' | '[')) {
                j -= 1;
                continue;
            }
            return self.sentence_end(j - 1) || (p.kind == Kind::Punct && matches!(p.ch, ':' | '—'));
        }
        true
    }

    /// Whether span `s` bounds its neighbours' contexts. A title in marks does not (`appearing on CBS's
    /// "Face the Nation" on Sunday, said`, `Washington, star of television's "Scandal," thanked`), nor
    /// does a nickname (`Marcia "Cia" Price shouted`).
    fn bounds_context(&self, s: &QuoteSpan) -> bool {
        let content = &self.text[s.content_start..s.content_end];
        let one_word_title =
            !content.trim().contains(' ') && content.starts_with(char::is_uppercase) && self.title_context(s);
        let nickname = s.close.is_some_and(|c| self.quoted_nickname(s.open, c));
        !(title_like(content) || one_word_title || nickname)
    }

    /// Sets each span's sentence context, bounded by the neighbouring quotes of the same paragraph.
    pub(super) fn fill_contexts(&self, spans: &mut [QuoteSpan]) {
        let bounds: Vec<bool> = spans.iter().map(|s| self.bounds_context(s)).collect();
        for k in 0..spans.len() {
            let (para_start, para_end) = self.paras[spans[k].para];
            let same_para = |j: usize| spans[j].para == spans[k].para;
            let prev = (0..k).rev().take_while(|&j| same_para(j)).find(|&j| bounds[j]);
            let prev_close = prev.and_then(|j| spans[j].close);
            let next = (k + 1..spans.len()).take_while(|&j| same_para(j)).find(|&j| bounds[j]);
            let next_open = next.map_or(para_end, |j| spans[j].open);

            let floor = prev_close.map_or(para_start, |c| c + 1);
            let mut lo = spans[k].open;
            let mut sentence_start = false;
            while lo > floor {
                if self.sentence_end(lo - 1) {
                    sentence_start = true;
                    break;
                }
                lo -= 1;
            }
            if lo == floor && prev_close.is_none() {
                sentence_start = true;
            }
            spans[k].left_start = lo;
            spans[k].left_reaches_sentence_start = sentence_start;
            spans[k].same_sentence_as_prev = prev_close.is_some() && !sentence_start;

            if let Some(c) = spans[k].close {
                let cap = (c + 1 + RIGHT_CONTEXT_MAX).min(next_open).min(para_end);
                let mut hi = c + 1;
                while hi < cap && !self.sentence_end(hi) {
                    hi += 1;
                }
                spans[k].right_end = hi;
                spans[k].right_cut_by_quote = hi == next_open && hi < para_end && !self.sentence_end(hi);
            }
        }
    }
}
