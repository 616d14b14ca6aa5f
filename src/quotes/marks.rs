//! Pairing double quote marks into quoted spans, paragraph by paragraph.
//!
//! A mark's glyph and the characters around it tell whether it can open or close (`“`/`”`, or a
//! straight `"` after a space or before one). Marks of another family inside an open quote
//! (`"… “snapback” …"`) are a nested quote and stay inside. Single marks are never paired (`Iran's`,
//! `‘no’`). A paragraph that ends inside a quote and is followed by one opening with a quote mark is the
//! news convention for a quote running over several paragraphs: each paragraph's part becomes its own
//! span, linked to the previous part.

use super::doc::Doc;
use super::tokens::Kind;

/// Every double quote mark the stage knows: straight, curly, low and angle.
pub(super) const QUOTE_MARKS: [char; 7] = ['"', '“', '”', '„', '‟', '«', '»'];

/// An unclosed quote with fewer words than this, not continued in the next paragraph, is a stray mark.
const STRAY_QUOTE_WORDS: usize = 4;

pub(super) fn is_quote_mark(c: char) -> bool {
    QUOTE_MARKS.contains(&c)
}

/// Marks whose glyph opens a quote.
fn is_opening_glyph(c: char) -> bool {
    matches!(c, '“' | '„' | '‟' | '«')
}

/// Straight, curly and angle marks: a mark of another family inside a quote is a nested quote.
fn mark_family(c: char) -> u8 {
    match c {
        '"' => 0,
        '«' | '»' => 2,
        _ => 1,
    }
}

/// Words with a letter or digit in them.
pub(super) fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric())).count()
}

/// A pair of quote marks (or a quote running to the end of its paragraph), with its sentence context.
#[derive(Clone, Debug)]
pub(super) struct QuoteSpan {
    /// Token of the opening mark.
    pub(super) open: usize,
    /// Token of the closing mark; none when the quote runs to the end of the paragraph.
    pub(super) close: Option<usize>,
    /// Content byte range, trimmed.
    pub(super) content_start: usize,
    pub(super) content_end: usize,
    pub(super) para: usize,
    /// Previous part of a multi-paragraph quote (the span just before).
    pub(super) prev_part: Option<usize>,
    /// Context token ranges: `left_start..open` and `close + 1..right_end` (the sentence around the quote,
    /// bounded by neighbouring quotes; see `Doc::fill_contexts`).
    pub(super) left_start: usize,
    pub(super) right_end: usize,
    /// The left context reaches the sentence start (is not cut by a previous quote).
    pub(super) left_reaches_sentence_start: bool,
    /// No sentence boundary between the previous quote of the paragraph and this one.
    pub(super) same_sentence_as_prev: bool,
    /// The right context stops at the next quote, not at a sentence end.
    pub(super) right_cut_by_quote: bool,
}

impl Doc<'_> {
    /// All quoted spans, in text order, with their contexts filled in; and the opening marks of
    /// dropped quotes that held a quote of their own.
    ///
    /// An excerpt set off by a straight mark at each paragraph's start (`McCrummen reports:¶"… what
    /// she called a “rant,” …`) is not one long quote; the quotes nested in it are. The caller turns
    /// such outer marks into plain punctuation ([`Doc::demote_marks`]) and pairs again, so the nested
    /// quotes stand on their own.
    pub(super) fn pair_marks(&self) -> (Vec<QuoteSpan>, Vec<usize>) {
        let mut stray_outer = Vec::new();
        let mut spans: Vec<QuoteSpan> = Vec::new();
        // The previous paragraph ended inside a quote: index of that span.
        let mut pending: Option<usize> = None;
        for (p, &(para_start, para_end)) in self.paras.iter().enumerate() {
            let mut open: Option<usize> = None;
            // Marks of another family inside an open quote: “Equal Justice” within "…".
            let mut nested = 0usize;
            let mut prev_part = None;
            if let Some(prev) = pending.take() {
                // A quote runs on with a mark of its own family: a straight mark opening the paragraph
                // before a curly one is a stray, not the start of a long quote.
                let same_family = |i: usize| mark_family(self.tok(i).ch) == mark_family(self.tok(spans[prev].open).ch);
                if para_start < para_end
                    && self.tok(para_start).kind == Kind::Mark
                    && self.mark_roles(para_start).0
                    && same_family(para_start)
                {
                    prev_part = Some(prev);
                } else {
                    self.drop_if_stray(&mut spans, prev, &mut stray_outer);
                }
            }
            for i in para_start..para_end {
                if self.tok(i).kind != Kind::Mark {
                    continue;
                }
                let (can_open, can_close) = self.mark_roles(i);
                match open {
                    None => {
                        if can_open || !can_close {
                            open = Some(i);
                        }
                    }
                    Some(o) => {
                        let ch = self.tok(i).ch;
                        let other = mark_family(ch) != mark_family(self.tok(o).ch);
                        let opener_glyph = is_opening_glyph(ch);
                        if nested > 0 && can_close && (other || !opener_glyph) {
                            nested -= 1;
                            continue;
                        }
                        if can_open && !can_close && (other || opener_glyph) {
                            nested += 1;
                            continue;
                        }
                        nested = 0;
                        if can_close || !can_open {
                            self.push_span(&mut spans, o, Some(i), p, prev_part.take());
                            open = None;
                        } else {
                            // An opening mark while open: the earlier quote was never closed.
                            open = Some(i);
                            prev_part = None;
                        }
                    }
                }
            }
            if let Some(o) = open {
                let before = spans.len();
                self.push_span(&mut spans, o, None, p, prev_part.take());
                if spans.len() > before {
                    pending = Some(spans.len() - 1);
                }
            }
        }
        if let Some(prev) = pending {
            self.drop_if_stray(&mut spans, prev, &mut stray_outer);
        }
        self.fill_contexts(&mut spans);
        (spans, stray_outer)
    }

    /// (can open, can close) for the mark token `i`.
    fn mark_roles(&self, i: usize) -> (bool, bool) {
        let t = self.tok(i);
        let prev = self.prev_char(t.start);
        let next = self.next_char(t.end);
        let space_before = prev.is_none_or(|c| c.is_whitespace() || "([{—–-/:".contains(c));
        let space_after = next.is_none_or(|c| c.is_whitespace());
        let punct_after = next.is_some_and(|c| ",.;:!?)]}—–-…".contains(c));
        match t.ch {
            c if is_opening_glyph(c) => (true, !space_before && (space_after || punct_after)),
            // `” … what I learned …,” he said`: a paragraph may open with the closing glyph.
            '”' | '»' => {
                let line_start = self.text[..t.start].trim_end_matches([' ', '\t']).ends_with('\n') || t.start == 0;
                ((space_before && !space_after) || line_start, true)
            }
            _ => {
                let can_open = space_before && !space_after;
                let can_close = !space_before || space_after || punct_after;
                (can_open, can_close)
            }
        }
    }

    /// The unclosed quote `k` (the last span so far) was not continued in the next paragraph: drops it
    /// unless it reads like a quote. A run of paragraphs that each open a quote and none ever closes is
    /// not a multi-paragraph quote (whose last part closes) but marks left by a conversion: all of it
    /// goes. So does an unclosed quote holding a closed quote of another family (`"Trump walked onto
    /// the stage, chanting “U-S-A!”`): its mark sets off an excerpt. The opening marks of what is
    /// dropped go to `stray_outer` when a quote is nested in it.
    fn drop_if_stray(&self, spans: &mut Vec<QuoteSpan>, k: usize, stray_outer: &mut Vec<usize>) {
        let s = &spans[k];
        let dropped = if s.prev_part.is_some() {
            let mut first = k;
            while let Some(p) = spans[first].prev_part {
                first = p;
            }
            spans.drain(first..).collect()
        } else if word_count(&self.text[s.content_start..s.content_end]) < STRAY_QUOTE_WORDS
            || self.holds_nested_quote(s)
        {
            vec![spans.remove(k)]
        } else {
            Vec::new()
        };
        if dropped.iter().any(|s| self.holds_nested_quote(s)) {
            stray_outer.extend(dropped.iter().map(|s| s.open));
        }
    }

    /// Whether the span's content holds a quote mark of another family than its opening mark's.
    fn holds_nested_quote(&self, s: &QuoteSpan) -> bool {
        let family = mark_family(self.tok(s.open).ch);
        self.text[s.content_start..s.content_end].chars().any(|c| is_quote_mark(c) && mark_family(c) != family)
    }

    /// Adds the span between mark `open` and mark `close` (or the paragraph end), unless it is empty.
    fn push_span(
        &self,
        spans: &mut Vec<QuoteSpan>,
        open: usize,
        close: Option<usize>,
        para: usize,
        prev_part: Option<usize>,
    ) {
        let raw_start = self.tok(open).end;
        let raw_end = match close {
            Some(c) => self.tok(c).start,
            None => self.tok(self.paras[para].1 - 1).end,
        };
        if raw_end <= raw_start {
            return;
        }
        let inner = &self.text[raw_start..raw_end];
        let lead = inner.len() - inner.trim_start().len();
        let trimmed = inner.trim().trim_end_matches([',', ' ']);
        if trimmed.is_empty() {
            return;
        }
        let content_start = raw_start + lead;
        let content_end = content_start + trimmed.len();
        // A part must follow the span just before (the pending one), else it was dropped.
        let prev_part = prev_part.filter(|&c| c + 1 == spans.len());
        spans.push(QuoteSpan {
            open,
            close,
            content_start,
            content_end,
            para,
            prev_part,
            left_start: open,
            right_end: close.map_or(open, |c| c + 1),
            left_reaches_sentence_start: false,
            same_sentence_as_prev: false,
            right_cut_by_quote: false,
        });
    }
}
