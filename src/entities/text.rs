//! Tokens and folding.
//!
//! The text is cut into word tokens that keep their byte and char (Unicode scalar value)
//! offsets, so every later stage works on token indices and maps back to the original text
//! exactly. Each token is folded twice:
//!
//! * `plain`: lowercase ASCII letters and digits (diacritics stripped, other scripts
//!   transliterated by `deunicode`, apostrophes and dots dropped). Word lists are matched on it.
//! * `key`: `plain` further folded for Persian/Arabic transliteration variants (gh→q, kh→x,
//!   ou→u, doubled letters collapsed). Names are matched and compared on it.
//!
//! Folding is per token, so offsets never drift: "Türkiye" is one token whose key is
//! "turkiye", whatever its length in bytes.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};

use crate::normalize::{is_alphabetic, is_alphanumeric, joins_word};
use unicode_normalization::char::is_combining_mark;

/// A fast, non-keyed hasher (FxHash) for the fixed word lists and alias tables: their
/// contents are ours, and nothing hashed with it is persisted. Per-article maps keep std's.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxBuild;

pub(crate) struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl BuildHasher for FxBuild {
    type Hasher = Fx;

    fn build_hasher(&self) -> Fx {
        Fx(0)
    }
}

/// A set of plain-folded words; lookups of words longer than any member are free.
#[derive(Debug, Default)]
pub(crate) struct WordSet {
    set: HashSet<Box<str>, FxBuild>,
    max_len: usize,
}

impl WordSet {
    pub fn insert(&mut self, w: Box<str>) {
        self.max_len = self.max_len.max(w.len());
        self.set.insert(w);
    }

    #[inline]
    pub fn contains(&self, w: &str) -> bool {
        w.len() <= self.max_len && self.set.contains(w)
    }
}

impl FromIterator<Box<str>> for WordSet {
    fn from_iter<I: IntoIterator<Item = Box<str>>>(iter: I) -> Self {
        let mut s = WordSet::default();
        for w in iter {
            s.insert(w);
        }
        s
    }
}

/// First character is an uppercase letter.
pub(crate) const CAP: u16 = 1;
/// At least two letters, none lowercase ("IAEA", "U.S.").
pub(crate) const ALL_CAPS: u16 = 1 << 1;
/// Followed by a possessive 's (not part of the token).
pub(crate) const POSSESSIVE: u16 = 1 << 2;
/// First token of a sentence, line, or quotation.
pub(crate) const SENT_START: u16 = 1 << 3;
/// A name particle (al, el, ul): left out of name keys.
pub(crate) const PARTICLE: u16 = 1 << 4;
/// Starts with a letter.
pub(crate) const ALPHA: u16 = 1 << 5;
/// Ends with a period that belongs to it ("Mr.", "U.S.", "F.").
pub(crate) const ABBREV: u16 = 1 << 6;

/// Gap flag: a comma or semicolon.
pub(crate) const GAP_COMMA: u8 = 1;
/// Gap flag: a line break.
pub(crate) const GAP_NEWLINE: u8 = 1 << 1;
/// Gap flag: sentence-ending punctuation (. ! ?).
pub(crate) const GAP_STOP: u8 = 1 << 2;

/// Abbreviations whose trailing period belongs to the word (it does not end a sentence).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "adm", "sen", "rep", "gov", "prof", "st",
    "brig", "cmdr", "rev", "hon", "jr", "sr", "amb", "no", "vs", "mt", "ft",
];

/// What separates a token from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Spaces only (no line break).
    Space,
    /// A hyphen and nothing else ("al-Busaidi", "Takht-Ravanchi").
    Hyphen,
    /// Anything else: punctuation, quotes, line breaks, start of text.
    Break,
}

/// One word of the text.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    /// Byte range in the text.
    pub b0: u32,
    pub b1: u32,
    /// Char range in the text.
    pub c0: u32,
    pub c1: u32,
    plain: (u32, u32),
    key: (u32, u32),
    pub flags: u16,
    /// Separator before this token.
    pub gap: Gap,
    /// GAP_* flags of the separator before this token.
    pub gap_flags: u8,
    /// Line number (0-based).
    pub line: u32,
}

impl Token {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

/// A tokenised text.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    plain: String,
    keys: String,
    /// Number of lines (1 + number of line breaks).
    pub lines: u32,
}

impl<'a> Doc<'a> {
    pub fn plain(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].plain;
        &self.plain[a as usize..b as usize]
    }

    pub fn key(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].key;
        &self.keys[a as usize..b as usize]
    }

    /// The original text of tokens `t0..t1`.
    pub fn surface(&self, t0: usize, t1: usize) -> &'a str {
        let b0 = self.tokens[t0].b0 as usize;
        let b1 = self.tokens[t1 - 1].b1 as usize;
        &self.text[b0..b1]
    }

    /// The name key of tokens `t0..t1`: keys of the non-particle tokens joined by spaces.
    pub fn span_key(&self, t0: usize, t1: usize, out: &mut String) {
        out.clear();
        for i in t0..t1 {
            if self.tokens[i].has(PARTICLE) || self.key(i).is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(self.key(i));
        }
    }
}

fn char_at(text: &str, b: usize) -> Option<char> {
    text.get(b..).and_then(|s| s.chars().next())
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{201E}' | '(' | '[' | '\u{AB}')
}

/// Lowercase ASCII letters and digits of `word`, appended to `out`.
pub(crate) fn fold_plain(word: &str, out: &mut String) {
    for ch in word.chars() {
        if ch.is_ascii() {
            if ch.is_ascii_alphanumeric() {
                out.push(ch.to_ascii_lowercase());
            }
        } else if is_combining_mark(ch) {
            continue;
        } else if let Some(s) = deunicode::deunicode_char(ch) {
            for c2 in s.chars() {
                if c2.is_ascii_alphanumeric() {
                    out.push(c2.to_ascii_lowercase());
                }
            }
        }
    }
}

/// The name key of a plain-folded word, appended to `out`: gh→q, kh→x, ou→u, then doubled
/// letters collapsed ("Araghchi"/"Araqchi" → "araqchi", "Rouhani"/"Ruhani" → "ruhani",
/// "Mohammad" → "mohamad").
pub(crate) fn fold_key(plain: &str, out: &mut String) {
    let b = plain.as_bytes();
    let mut last: u8 = 0;
    let mut i = 0;
    while i < b.len() {
        let (c, step) = match (b[i], b.get(i + 1)) {
            (b'g', Some(b'h')) => (b'q', 2),
            (b'k', Some(b'h')) => (b'x', 2),
            (b'o', Some(b'u')) => (b'u', 2),
            (c, _) => (c, 1),
        };
        i += step;
        if c == last && c.is_ascii_alphabetic() {
            continue;
        }
        last = c;
        out.push(c as char);
    }
}

/// Plain fold of a word into a fresh string (for word lists at build time).
pub(crate) fn plain_of(word: &str) -> String {
    let mut s = String::new();
    fold_plain(word, &mut s);
    s
}

/// Cut `text` into tokens. `particles` are plain-folded name particles (al, el, ul).
pub(crate) fn tokenize<'a>(text: &'a str, particles: &WordSet) -> Doc<'a> {
    let mut doc = Doc {
        text,
        tokens: Vec::with_capacity(text.len() / 5 + 1),
        plain: String::with_capacity(text.len()),
        keys: String::with_capacity(text.len()),
        lines: 1,
    };
    let mut b = 0usize;
    let mut c = 0u32;
    let mut line = 0u32;
    // State of the gap being read.
    let mut gap_len = 0u32;
    let mut gap_spaces_only = true;
    let mut gap_hyphens_only = true;
    let mut gap_flags = 0u8;
    let mut gap_colon = false;
    let mut last_gap_char: Option<char> = None;
    let mut first = true;

    while let Some(ch) = char_at(text, b) {
        if !is_alphanumeric(ch) {
            // Separator character (a combining mark here has no base letter: a separator too).
            gap_len += 1;
            if ch == '\n' {
                gap_flags |= GAP_NEWLINE;
                line += 1;
                doc.lines += 1;
            }
            if ch.is_whitespace() {
                gap_hyphens_only = false;
                if ch == '\n' || ch == '\r' {
                    gap_spaces_only = false;
                }
            } else {
                gap_spaces_only = false;
                if !is_hyphen(ch) {
                    gap_hyphens_only = false;
                }
                match ch {
                    ',' | ';' => gap_flags |= GAP_COMMA,
                    '.' | '!' | '?' | '\u{2026}' => gap_flags |= GAP_STOP,
                    ':' => gap_colon = true,
                    _ => {}
                }
            }
            // Only a mark right before the word opens it (`said "Iran`, not `Iran" said`).
            last_gap_char = (!ch.is_whitespace()).then_some(ch);
            b += ch.len_utf8();
            c += 1;
            continue;
        }

        // A token starts here.
        let (b0, c0) = (b, c);
        let mut flags = 0u16;
        let mut seg_len = 0u32;
        let mut initialism = false;
        let mut end: Option<(usize, u32)> = None;
        while let Some(ch) = char_at(text, b) {
            let mark = joins_word(ch, &text[b + ch.len_utf8()..]);
            if mark || is_alphanumeric(ch) {
                if !mark {
                    seg_len += 1;
                }
                b += ch.len_utf8();
                c += 1;
                continue;
            }
            if ch == '.' && seg_len == 1 {
                let next = char_at(text, b + 1);
                let after = next.and_then(|n| char_at(text, b + 1 + n.len_utf8()));
                if next.is_some_and(is_alphabetic) && !after.is_some_and(is_alphanumeric) {
                    // "U.S": the next segment is a single letter too.
                    initialism = true;
                    seg_len = 0;
                    b += 1;
                    c += 1;
                    continue;
                }
                if initialism {
                    b += 1;
                    c += 1;
                    flags |= ABBREV;
                }
                break;
            }
            if is_apostrophe(ch) {
                let n1 = char_at(text, b + ch.len_utf8());
                if let Some(s) = n1.filter(|n| *n == 's' || *n == 'S') {
                    let after = char_at(text, b + ch.len_utf8() + s.len_utf8());
                    if !after.is_some_and(is_alphanumeric) {
                        end = Some((b, c));
                        flags |= POSSESSIVE;
                        b += ch.len_utf8() + 1;
                        c += 2;
                        break;
                    }
                }
                if n1.is_some_and(is_alphabetic) {
                    // Internal apostrophe: O'Brien, Sa'id, d'Ivoire.
                    b += ch.len_utf8();
                    c += 1;
                    seg_len = 2;
                    continue;
                }
            }
            break;
        }
        let (mut b1, mut c1) = end.unwrap_or((b, c));
        let word = &text[b0..b1];

        let p0 = doc.plain.len();
        fold_plain(word, &mut doc.plain);
        let p1 = doc.plain.len();
        let plain = &doc.plain[p0..p1];

        // "Mr." and initials keep their period.
        if flags & (ABBREV | POSSESSIVE) == 0 && char_at(text, b) == Some('.') {
            let single_upper = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if single_upper || ABBREVIATIONS.contains(&plain) {
                b += 1;
                c += 1;
                b1 = b;
                c1 = c;
                flags |= ABBREV;
            }
        }

        let mut letters = 0u32;
        let mut lower = false;
        for ch in word.chars() {
            if is_alphabetic(ch) {
                letters += 1;
                lower |= ch.is_lowercase();
            }
        }
        if let Some(f) = word.chars().next() {
            if is_alphabetic(f) {
                flags |= ALPHA;
            }
            if f.is_uppercase() {
                flags |= CAP;
            }
        }
        if letters >= 2 && !lower {
            flags |= ALL_CAPS;
        }
        if particles.contains(plain) {
            flags |= PARTICLE;
        }
        let k0 = doc.keys.len();
        {
            let (plain_buf, keys_buf) = (&doc.plain, &mut doc.keys);
            fold_key(&plain_buf[p0..p1], keys_buf);
        }
        let k1 = doc.keys.len();

        let opened = last_gap_char.is_some_and(is_opening);
        if first || gap_flags & (GAP_NEWLINE | GAP_STOP) != 0 || gap_colon || opened {
            flags |= SENT_START;
        }
        let gap = if first || gap_len == 0 {
            Gap::Break
        } else if gap_spaces_only {
            Gap::Space
        } else if gap_hyphens_only {
            Gap::Hyphen
        } else {
            Gap::Break
        };
        doc.tokens.push(Token {
            b0: b0 as u32,
            b1: b1 as u32,
            c0,
            c1,
            plain: (p0 as u32, p1 as u32),
            key: (k0 as u32, k1 as u32),
            flags,
            gap,
            gap_flags,
            line,
        });
        first = false;
        gap_len = 0;
        gap_spaces_only = true;
        gap_hyphens_only = true;
        gap_flags = 0;
        gap_colon = false;
        last_gap_char = None;
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(String, String, u16, Gap)> {
        let particles: WordSet = ["al".into()].into_iter().collect();
        let d = tokenize(text, &particles);
        (0..d.tokens.len())
            .map(|i| (d.surface(i, i + 1).to_string(), d.key(i).to_string(), d.tokens[i].flags, d.tokens[i].gap))
            .collect()
    }

    #[test]
    fn keys_fold_transliterations() {
        let t = toks("Araghchi Araqchi Türkiye Rouhani Mohammad Erdoğan");
        let keys: Vec<&str> = t.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(keys, ["araqchi", "araqchi", "turkiye", "ruhani", "mohamad", "erdogan"]);
    }

    #[test]
    fn abbreviations_possessives_and_hyphens() {
        let t = toks("The U.S. and Iran's al-Busaidi met Mr. Smith. Then");
        let surf: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(surf, ["The", "U.S.", "and", "Iran", "al", "Busaidi", "met", "Mr.", "Smith", "Then"]);
        assert!(t[3].2 & POSSESSIVE != 0);
        assert_eq!(t[5].3, Gap::Hyphen);
        assert!(t[4].2 & PARTICLE != 0);
        assert!(t[8].2 & SENT_START == 0, "Mr. does not end a sentence");
        assert!(t[9].2 & SENT_START != 0);
        assert!(t[1].2 & ALL_CAPS != 0);
    }

    #[test]
    fn offsets_are_chars() {
        let particles = WordSet::default();
        let d = tokenize("é 🙂 Iran", &particles);
        let last = d.tokens.last().unwrap();
        assert_eq!((last.c0, last.c1), (4, 8));
        assert_eq!(d.surface(d.tokens.len() - 1, d.tokens.len()), "Iran");
    }
}
