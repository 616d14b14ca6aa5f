//! Noun-phrase chunking without a tagger: the speaker phrase next to a cue.
//!
//! A phrase is read from the lexicon flags of its words: determiners open it, function words and verbs
//! end it, capitalised words, possessives and descriptor nouns (`official`) anchor it. Before a cue the
//! chunker walks leftwards over titles and names (`Iran's Foreign Minister Abbas Araghchi`), appositions
//! (`Soe Min, a USDP member,`), asides (`Trump, who campaigned in the state, …`) and a party tag
//! (`Sen. Richard J. Durbin (D-Ill.)`); after an inverted cue it walks rightwards.

use super::doc::Doc;
use super::lexicon::{
    F_ADVLY, F_CAP, F_CUE, F_DESC, F_DET, F_IRREGULAR, F_LINK, F_PARTICIPLE, F_POSS, F_PREP, F_PRONOUN, F_QUANT,
    F_SKIP, F_STOP, F_THAT, F_TIME, F_TIMELEAD, F_TITLE, F_WHO,
};
use super::tokens::Kind;

/// Adjectives that tie an anonymous source to what it knows, like a participle: `a person familiar
/// with the talks`, `a source close to the delegation`.
const SOURCE_ADJECTIVES: [&str; 2] = ["familiar", "close"];

/// A noun phrase: token range `start..end`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Phrase {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) pronoun: bool,
    /// The relative `who` standing for the phrase next to the cue (`Mike Lee, who declared`): the words
    /// the text uses for the speaker there, while the phrase names them.
    pub(super) relative: Option<usize>,
}

impl Phrase {
    pub(super) fn new(start: usize, end: usize) -> Self {
        Phrase { start, end, pronoun: false, relative: None }
    }

    pub(super) fn pronoun(at: usize) -> Self {
        Phrase { start: at, end: at + 1, pronoun: true, relative: None }
    }
}

/// The most words a phrase before a cue may hold.
const MAX_WORDS_BEFORE: usize = 10;
/// The most words a phrase after a cue may hold.
const MAX_WORDS_AFTER: usize = 12;

impl Doc<'_> {
    /// A function word or cue that ends a phrase. Capitalised, it does so only at a sentence start
    /// ("And", "The"): "May", "Will", "Said" inside a name are names.
    pub(super) fn stops_phrase(&self, i: usize) -> bool {
        let t = self.tok(i);
        if t.flags & (F_STOP | F_CUE) == 0 {
            return false;
        }
        if t.flags & F_CAP == 0 {
            return true;
        }
        self.at_sentence_start(i) && t.flags & F_STOP != 0
    }

    /// Whether a phrase starting at token `start` opens its sentence, a clause or a parenthesis (`lo` is
    /// where the context starts).
    pub(super) fn opens_clause(&self, start: usize, lo: usize) -> bool {
        start == lo || self.at_sentence_start(start) || self.tok(start - 1).punct(',') || self.tok(start - 1).punct('(')
    }

    /// The subject of the cue at token `cue`: the noun phrase before it, not before `lo`.
    pub(super) fn subject_before(&self, cue: usize, lo: usize) -> Option<Phrase> {
        // Step over adverbs, auxiliaries and time words: "Trump on Sunday also said".
        let mut i = cue;
        let mut skipped = 0;
        while i > lo && skipped < 5 {
            // `who in 2010 said`: a year after a time lead.
            let time_lead = |k: usize| self.tok(k).has(F_TIMELEAD) || self.word_is(k, "in");
            if i - 1 > lo && time_lead(i - 2) && is_year(self.tok_text(i - 1, i)) {
                i -= 2;
                skipped += 1;
                continue;
            }
            let p = self.tok(i - 1);
            if !p.word() {
                break;
            }
            let lower_skip = p.flags & (F_SKIP | F_ADVLY) != 0 && p.flags & F_CAP == 0;
            let progressive = self.tok(cue).has(F_PARTICIPLE)
                && p.flags & F_CAP == 0
                && ["is", "are", "was", "were", "been", "be"].iter().any(|w| self.word_is(i - 1, w));
            let skippable = lower_skip
                || progressive
                || p.flags & F_TIME != 0
                || (p.flags & F_TIMELEAD != 0 && self.tok(i).has(F_TIME));
            if skippable && !p.has(F_PRONOUN) {
                i -= 1;
                skipped += 1;
            } else {
                break;
            }
        }
        let Some(phrase) = self.phrase_ending_at(i, lo, 0) else {
            return self.phrase_before_who(i, lo);
        };
        if !phrase.pronoun && phrase.relative.is_none() && phrase.start > lo && self.approximator(phrase.start - 1) {
            // `About 200 protesters chanted`: no preposition, part of the phrase.
            return Some(Phrase::new(phrase.start - 1, phrase.end));
        }
        if !phrase.pronoun && phrase.relative.is_none() && phrase.start > lo && self.tok(phrase.start - 1).has(F_PREP) {
            // "in the past has criticized": a phrase after a preposition is no subject, but a name
            // closing it may be: "at the party convention Sen. Elizabeth Warren said", or a descriptor
            // before a participle may own it: "a Western diplomat involved in the talks said".
            return self
                .name_or_role_across_preposition(phrase, lo)
                .or_else(|| self.trailing_name(phrase))
                .or_else(|| self.descriptor_before_participle(phrase, lo));
        }
        Some(phrase)
    }

    /// `The Council on American-Islamic Relations Director Nihad Awad said`, `a narrator in the Clinton ad
    /// asks`: a preposition inside a name, or between a role and what it belongs to, joins the phrase
    /// before it to `tail` (which starts after the preposition).
    fn name_or_role_across_preposition(&self, tail: Phrase, lo: usize) -> Option<Phrase> {
        let prep = tail.start - 1;
        let head = self.phrase_ending_at(prep, lo, 1).filter(|p| !p.pronoun && p.relative.is_none())?;
        let head_last = self.tok(head.end - 1);
        let tail_is_name = (tail.start..tail.end).all(|k| self.tok(k).has(F_CAP) || self.attached_abbr_period(k));
        let inside_name = head_last.has(F_CAP) && tail_is_name;
        // `a narrator in the ad`, `the senator from Vermont`, `Leaders of the group` (a capital opening the sentence).
        let role_of =
            head_last.has(F_DESC | F_TITLE) && (!head_last.has(F_CAP) || self.at_sentence_start(head.end - 1));
        (inside_name || role_of).then_some(Phrase::new(head.start, tail.end))
    }

    /// `a White House official who spoke anonymously to discuss internal strategy said`: the phrase
    /// before a relative `who` a few words back.
    fn phrase_before_who(&self, end: usize, lo: usize) -> Option<Phrase> {
        let floor = end.saturating_sub(16).max(lo);
        let mut k = end;
        while k > floor {
            k -= 1;
            let t = self.tok(k);
            if t.has(F_WHO) {
                return self.phrase_ending_at(k, lo, 1).filter(|p| !p.pronoun);
            }
            if (t.kind != Kind::Word && !self.abbr_period(k)) || self.cue_len(k) > 0 {
                return None;
            }
        }
        None
    }

    /// `a Western diplomat involved in the talks`, `a person familiar with the matter`: a descriptor, a
    /// participle (or an adjective of [`SOURCE_ADJECTIVES`]) and the prepositional phrase
    /// `tail` (which starts after the preposition), as one phrase.
    fn descriptor_before_participle(&self, tail: Phrase, lo: usize) -> Option<Phrase> {
        let participle = tail
            .start
            .checked_sub(2)
            .filter(|&p| p > lo && (self.participle_like(p) || SOURCE_ADJECTIVES.iter().any(|w| self.word_is(p, w))))?;
        let head = self.phrase_ending_at(participle, lo, 1).filter(|p| !p.pronoun)?;
        self.tok(head.end - 1).has(F_DESC).then_some(Phrase::new(head.start, tail.end))
    }

    /// The capitalised run (with titles and abbreviations) that ends a phrase, when the phrase has
    /// lowercase words before it.
    fn trailing_name(&self, phrase: Phrase) -> Option<Phrase> {
        let mut j = phrase.end;
        while j > phrase.start {
            let t = self.tok(j - 1);
            let in_name = (t.has(F_CAP) && !t.has(F_POSS)) || self.abbr_period(j - 1);
            if !in_name {
                break;
            }
            j -= 1;
        }
        (j > phrase.start && j < phrase.end).then_some(Phrase::new(j, phrase.end))
    }

    /// The noun phrase ending just before token `end`, not before `lo`. `depth` > 0 inside an apposition
    /// or a relative clause, where the phrase may hold a preposition (`a Republican from South Carolina`).
    fn phrase_ending_at(&self, end: usize, lo: usize, depth: u8) -> Option<Phrase> {
        if end <= lo || depth > 2 {
            return None;
        }
        let mut end = end;
        // A parenthesis after a name: "Sen. Richard J. Durbin (D-Ill.)".
        if self.tok(end - 1).punct(')') {
            let open = (end.saturating_sub(8).max(lo)..end - 1).rev().find(|&k| self.tok(k).punct('('))?;
            end = open;
            if end <= lo {
                return None;
            }
        }
        let p = self.tok(end - 1);
        if p.has(F_PRONOUN) {
            return Some(Phrase::pronoun(end - 1));
        }
        if p.has(F_WHO) {
            // "X, who …" points back at X.
            let mut j = end - 1;
            if j > lo && self.tok(j - 1).punct(',') {
                j -= 1;
            }
            // Right before the cue (`Mike Lee, who declared`), the `who` is the mention; inside an
            // apposition (`Clinton, who called Sanders, told`) the name is.
            let relative = (depth == 0).then_some(end - 1);
            return self.phrase_ending_at(j, lo, depth + 1).map(|p| Phrase { relative, ..p });
        }
        if p.punct(',') && depth == 0 {
            return self.apposition_ending_at(end, lo);
        }
        if depth == 0
            && let Some(dash) = self.dash_ending_at(end)
        {
            return self.dash_apposition_before(dash, lo);
        }
        let inner = depth > 0;
        let mut j = end;
        let mut n = 0;
        let mut anchored = false;
        while j > lo && n < MAX_WORDS_BEFORE {
            let p = self.tok(j - 1);
            match p.kind {
                Kind::Word => {
                    if p.flags & F_PRONOUN != 0 && p.flags & F_POSS == 0 {
                        break;
                    }
                    if p.flags & F_DET != 0 && (p.flags & F_CAP == 0 || self.at_sentence_start(j - 1)) {
                        if j == end && !p.has(F_QUANT) {
                            // A determiner alone ("told her said") is no phrase; "Another said" is.
                            return None;
                        }
                        j -= 1;
                        anchored = true;
                        break;
                    }
                    if inner && p.flags & F_PREP != 0 && p.flags & F_CAP == 0 && j < end {
                        // "a Republican from South Carolina"
                        j -= 1;
                        n += 1;
                        continue;
                    }
                    if self.stops_phrase(j - 1) {
                        break;
                    }
                    if p.flags & F_LINK != 0 {
                        if j == end {
                            break;
                        }
                        j -= 1;
                        n += 1;
                        continue;
                    }
                    if p.flags & (F_CAP | F_ADVLY) == 0 && p.flags & F_DESC == 0 && self.participle_like(j - 1) {
                        // "rebuked critics": a verb, unless a determiner makes it an adjective
                        // ("the retired general").
                        let det_before = j >= 2 && j - 1 > lo && self.tok(j - 2).has(F_DET | F_POSS);
                        if !det_before {
                            break;
                        }
                    }
                    if p.flags & F_ADVLY != 0 {
                        break;
                    }
                    if p.flags & (F_CAP | F_POSS | F_DESC) != 0 {
                        anchored = true;
                    }
                    j -= 1;
                    n += 1;
                }
                Kind::Punct if j - 1 > lo && self.attached_abbr_period(j - 1) => j -= 1,
                Kind::Mark if j < end => match self.quoted_nickname_ending_at(j, lo) {
                    Some(open) => {
                        n += j - 2 - open; // the nickname's words
                        j = open;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        while j < end && (self.tok(j).has(F_LINK | F_PREP) || self.tok(j).kind == Kind::Punct) {
            j += 1;
        }
        if j >= end || !anchored {
            return None;
        }
        Some(Phrase::new(j, end))
    }

    /// `Marcia "Cia" Price`: the token before `after` is the closing mark of a nickname inside a name
    /// (see [`Doc::quoted_nickname`]). Returns the opening mark's index, not before `lo`.
    fn quoted_nickname_ending_at(&self, after: usize, lo: usize) -> Option<usize> {
        let close = after - 1;
        let open = (close.saturating_sub(3).max(lo)..close).rev().find(|&k| self.tok(k).kind == Kind::Mark)?;
        self.quoted_nickname(open, close).then_some(open)
    }

    /// `end - 1` is a comma before the cue: "Soe Min, a USDP member, said", "the foreign minister, Abbas
    /// Araghchi, said", or a longer aside: "Trump, who also campaigned in the state this week, tweeted".
    fn apposition_ending_at(&self, end: usize, lo: usize) -> Option<Phrase> {
        let comma = end - 1;
        if let Some(second) = self.phrase_ending_at(comma, lo, 1)
            && !second.pronoun
            && second.start > lo
            && self.tok(second.start - 1).punct(',')
            && let Some(first) = self.phrase_ending_at(second.start - 1, lo, 1)
            && !first.pronoun
        {
            return Some(Phrase::new(first.start, second.end));
        }
        // An aside between commas (no cue, mark or sentence end inside): the phrase before it, when that
        // phrase opens the sentence or a clause.
        let mut k = comma;
        let floor = comma.saturating_sub(40).max(lo);
        while k > floor {
            k -= 1;
            let t = self.tok(k);
            // Quote marks may stand inside the aside (`Rubio, appearing on CBS's "Face the Nation", said`):
            // a quote before the speaker would have been cut off by its cue or sentence end.
            // A participle cue may open the aside: `McKeague, writing for the majority, said`.
            let aside_participle = k > 0 && self.tok(k).has(F_PARTICIPLE) && self.tok(k - 1).punct(',');
            // So may a relative clause's: `Graham, who says allies should send troops, tweeted`.
            if self.sentence_end(k) || (self.cue_len(k) > 0 && !aside_participle && !self.relative_verb(k, floor)) {
                return None;
            }
            if t.punct(',')
                && let Some(phrase) = self.phrase_ending_at(k, lo, 1)
            {
                // `said that Bloomberg, who is weighing a run, told …`: `that` opens a clause too.
                let opens = self.opens_clause(phrase.start, lo)
                    || (self.at_sentence_start(phrase.start - 1)
                        && self.tok(phrase.start - 1).has(F_STOP | F_SKIP | F_TIMELEAD))
                    || (phrase.start > lo && self.tok(phrase.start - 1).has(F_THAT));
                // `Meanwhile, it attacked Trump, saying`: a sentence adverb before a comma is no speaker.
                let head = self.tok(phrase.end - 1);
                let named = phrase.pronoun || (head.has(F_CAP | F_DESC) && !head.has(F_SKIP | F_TIMELEAD));
                if opens && named {
                    return Some(phrase);
                }
            }
        }
        None
    }

    /// Whether the verb at token `k` opens a relative clause set off by a comma, past adverbs and
    /// auxiliaries (`, who has long said`), not before `floor`.
    fn relative_verb(&self, k: usize, floor: usize) -> bool {
        let mut j = k;
        while j > floor && self.tok(j - 1).has(F_SKIP | F_ADVLY) && !self.tok(j - 1).has(F_CAP) {
            j -= 1;
        }
        j > floor + 1 && self.tok(j - 1).has(F_WHO) && self.tok(j - 2).punct(',')
    }

    /// `with Gorka noting`, `with one of her ads asking`: the phrase between `with` and the participle at
    /// token `cue` (past adverbs: `with Cruz recently promising`), not before `lo`.
    pub(super) fn subject_after_with(&self, cue: usize, lo: usize) -> Option<Phrase> {
        let mut end = cue;
        while end > lo && self.tok(end - 1).has(F_ADVLY | F_SKIP) && !self.tok(end - 1).has(F_CAP) {
            end -= 1;
        }
        let phrase = self.phrase_ending_at(end, lo, 1).filter(|p| !p.pronoun)?;
        (phrase.start > lo && self.word_is(phrase.start - 1, "with")).then_some(phrase)
    }

    /// The first token of a dash (`—`, or `--` written as two hyphens) ending just before token `end`.
    fn dash_ending_at(&self, end: usize) -> Option<usize> {
        let last = self.tok(end.checked_sub(1)?);
        if last.is_dash() {
            return Some(end - 1);
        }
        let hyphen = |k: usize| self.tok(k).punct('-');
        (end >= 2 && hyphen(end - 1) && hyphen(end - 2)).then(|| end - 2)
    }

    /// `Jason Sims — a teacher from Mount Pleasant — says`: the phrase before an aside set off by dashes,
    /// whose closing dash starts at token `dash`, when that phrase opens its sentence or a clause.
    fn dash_apposition_before(&self, dash: usize, lo: usize) -> Option<Phrase> {
        let floor = dash.saturating_sub(30).max(lo);
        let mut k = dash;
        while k > floor {
            k -= 1;
            if self.sentence_end(k) || self.tok(k).kind == Kind::Mark {
                return None;
            }
            if let Some(open) = self.dash_ending_at(k + 1) {
                let phrase = self.phrase_ending_at(open, lo, 1).filter(|p| !p.pronoun)?;
                return self.opens_clause(phrase.start, lo).then_some(phrase);
            }
        }
        None
    }

    /// The noun phrase starting at token `start` (after an inverted cue or `according to`), before `hi`.
    pub(super) fn phrase_after(&self, start: usize, hi: usize) -> Option<Phrase> {
        if start >= hi {
            return None;
        }
        let p = self.tok(start);
        if p.has(F_PRONOUN) && !p.has(F_POSS) {
            return Some(Phrase::pronoun(start));
        }
        let mut j = start;
        let mut n = 0;
        let mut anchored = false;
        let mut det = false;
        let mut seen_cap = false;
        let mut seen_head = false;
        while j < hi && n < MAX_WORDS_AFTER {
            let p = self.tok(j);
            match p.kind {
                Kind::Word => {
                    let f = p.flags;
                    if j == start && self.approximator(j) {
                        // `About 200 protesters`: like a determiner.
                        det = true;
                        j += 1;
                        n += 1;
                        continue;
                    }
                    if j <= start + 1 && self.quantity(j) && (j == start || det) && f & F_DET == 0 {
                        // `thousands rallied`, `about 200 rallied`: a quantity may be the head itself.
                        anchored = true;
                        seen_head = true;
                        j += 1;
                        n += 1;
                        continue;
                    }
                    let after_link = j > start && self.tok(j - 1).has(F_LINK);
                    if f & F_DET != 0 && (f & F_CAP == 0 || j == start) {
                        if j == start || after_link || (f & F_POSS != 0 && !seen_cap) {
                            det = true;
                            anchored = true;
                            j += 1;
                            n += 1;
                            continue;
                        }
                        break;
                    }
                    if f & F_TIME != 0 {
                        break;
                    }
                    if f & F_LINK != 0 {
                        // "Secretary of State", "one of those advisers", "a spokesman for the ministry".
                        let next = self.toks.get(j + 1).filter(|_| j + 1 < hi);
                        let next_ok = next.is_some_and(|t| t.has(F_CAP) || t.has(F_DET));
                        let prev_ok = j > start && (self.tok(j - 1).has(F_CAP) || det);
                        if next_ok && prev_ok {
                            j += 1;
                            n += 1;
                            continue;
                        }
                        // `Hundreds of students`, `some of the protesters`: what the quantity counts.
                        if j > start && self.quantity(j - 1) && next.is_some_and(|t| t.word() && !t.has(F_STOP | F_CUE))
                        {
                            det = true;
                            anchored = true;
                            j += 1;
                            n += 1;
                            continue;
                        }
                        break;
                    }
                    let capital_title = |k: usize| k < hi && self.tok(k).has(F_TITLE) && self.tok(k).has(F_CAP);
                    if j > start && self.word_is(j, "and") && capital_title(j - 1) && capital_title(j + 1) {
                        // Two offices held at once: "Prime Minister and Foreign Minister Mohammed bin …".
                        j += 1;
                        n += 1;
                        continue;
                    }
                    if j > start && self.stops_phrase(j) {
                        break;
                    }
                    if j == start && f & (F_STOP | F_CUE) != 0 && (f & F_CAP == 0 || self.at_sentence_start(j)) {
                        break;
                    }
                    let next_cap = j + 1 < hi && self.tok(j + 1).has(F_CAP);
                    // A role between a capitalised modifier and a name: "former Iranian diplomat Nadia Farrokh",
                    // "Republican presidential hopeful Sen. Ted Cruz".
                    let role_before_name =
                        (f & (F_DESC | F_TITLE) != 0 && next_cap) || self.role_run_before_name(j, hi);
                    if f & F_CAP == 0 && seen_cap && !det && !role_before_name {
                        break;
                    }
                    if f & F_CAP == 0 && seen_head && self.participle_like(j) {
                        // "a confidential IAEA report seen by Reuters"
                        break;
                    }
                    if f & F_POSS != 0 {
                        det = true;
                        anchored = true;
                    } else if f & F_CAP != 0 {
                        seen_cap = true;
                        anchored = true;
                        seen_head = true;
                    } else {
                        if f & F_DESC != 0 {
                            anchored = true;
                        }
                        // A descriptor heads its phrase even first: `protesters rallied`.
                        seen_head = j > start || f & F_DESC != 0;
                    }
                    j += 1;
                    n += 1;
                }
                Kind::Punct if j > start && self.attached_abbr_period(j) => j += 1,
                _ => break,
            }
        }
        while j > start && (self.tok(j - 1).has(F_LINK | F_DET) || self.tok(j - 1).kind == Kind::Punct) {
            j -= 1;
        }
        if j == start || !anchored {
            return None;
        }
        Some(Phrase::new(start, j))
    }

    /// Whether lowercase words from `j` lead, through a role, to a name: `presidential hopeful Sen. Ted
    /// Cruz`, `state attorney Dave Aronberg`.
    fn role_run_before_name(&self, j: usize, hi: usize) -> bool {
        (j..hi.min(j + 3))
            .take_while(|&k| self.tok(k).word() && !self.tok(k).has(F_CAP | F_STOP | F_CUE))
            .any(|k| self.tok(k).has(F_DESC | F_TITLE) && k + 1 < hi && self.tok(k + 1).has(F_CAP))
    }

    /// A lowercase past participle that ends a phrase: seen, obtained, released.
    pub(super) fn participle_like(&self, i: usize) -> bool {
        let t = self.tok(i);
        let w = &self.text[t.start..t.end];
        // An irregular form counts only as listed, all lowercase: "Set" or "sAW" may be names.
        (w.len() > 4 && w.ends_with("ed")) || (t.has(F_IRREGULAR) && w.bytes().all(|b| b.is_ascii_lowercase()))
    }
}

/// `1979`, `2025`: four digits from 1900 to 2099.
fn is_year(word: &str) -> bool {
    word.len() == 4 && (word.starts_with("19") || word.starts_with("20")) && word.bytes().all(|b| b.is_ascii_digit())
}
