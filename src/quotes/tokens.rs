//! Splitting the text into tokens in one linear pass: words (flagged from the lexicon), punctuation, quote
//! marks and paragraph breaks. Everything after this works on tokens, not characters.

use super::lexicon::Lexicon;
use super::marks::is_quote_mark;
use crate::normalize::{is_alphanumeric, joins_word};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Punct,
    /// A double quote mark of any style.
    Mark,
    /// A line break: every line break ends a paragraph.
    Break,
}

/// A token: byte offsets into the text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// First character (the character itself for punctuation and marks; `—` for `--`, `…` for `...`).
    pub(super) ch: char,
    /// Lexicon flags (`F_*`); 0 for anything but words.
    pub(super) flags: u32,
}

impl Token {
    pub(super) fn word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// Whether this is a word with any of the flags `f`.
    pub(super) fn has(&self, f: u32) -> bool {
        self.kind == Kind::Word && self.flags & f != 0
    }

    pub(super) fn punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.ch == c
    }

    pub(super) fn is_dash_or_comma(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.ch, ',' | '—' | '–' | '-' | '―')
    }

    pub(super) fn is_dash(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.ch, '—' | '–' | '―')
    }
}

pub(super) fn tokenize(text: &str, lexicon: &Lexicon) -> Vec<Token> {
    let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        let clen = c.len_utf8();
        if c.is_whitespace() {
            // Blank lines make a single break.
            if matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\r') && toks.last().is_some_and(|t| t.kind != Kind::Break)
            {
                toks.push(Token { kind: Kind::Break, start: pos, end: pos + clen, ch: '\n', flags: 0 });
            }
            pos += clen;
            continue;
        }
        if is_alphanumeric(c) {
            let end = word_end(text, pos, c);
            let flags = lexicon.word_flags(&text[pos..end]);
            toks.push(Token { kind: Kind::Word, start: pos, end, ch: c, flags });
            pos = end;
            continue;
        }
        if is_quote_mark(c) {
            toks.push(Token { kind: Kind::Mark, start: pos, end: pos + clen, ch: c, flags: 0 });
            pos += clen;
            continue;
        }
        // Punctuation; "--" is a dash, "..." an ellipsis.
        let (ch, len) = if text[pos..].starts_with("--") {
            ('—', 2)
        } else if text[pos..].starts_with("...") {
            ('…', 3)
        } else {
            (c, clen)
        };
        toks.push(Token { kind: Kind::Punct, start: pos, end: pos + len, ch, flags: 0 });
        pos += len;
    }
    toks
}

/// End of the word starting at byte `start` with character `first`. A word runs on through apostrophes,
/// hyphens, periods, `&` and `_` between letters (`Iran's`, `U.S`, `AT&T`), and through `,`, `:` and `/`
/// between digits (`1,000`, `10:30`, `9/11`).
fn word_end(text: &str, start: usize, first: char) -> usize {
    let mut end = start + first.len_utf8();
    let mut has_dot = false;
    loop {
        let mut rest = text[end..].chars();
        let Some(d) = rest.next() else { break };
        // Decomposed accents and mojibake belong to their word (`FranÃ\u{83}Â§ois`).
        if is_alphanumeric(d) || joins_word(d, &text[end + d.len_utf8()..]) {
            end += d.len_utf8();
            continue;
        }
        let joins = match d {
            '\'' | '’' | '-' | '‐' | '.' | '&' | '_' => true,
            ',' | ':' | '/' => text[..end].chars().next_back().is_some_and(|p| p.is_ascii_digit()),
            _ => false,
        };
        let next = rest.next();
        let next_ok = match d {
            ',' | ':' | '/' => next.is_some_and(|n| n.is_ascii_digit()),
            _ => next.is_some_and(is_alphanumeric),
        };
        if joins && next_ok {
            if d == '.' {
                has_dot = true;
            }
            end += d.len_utf8();
            continue;
        }
        break;
    }
    // Plural possessive: "Sanders’ campaign", "the Khans' home".
    if (text[..end].ends_with('s') || text[..end].ends_with('S'))
        && (text[end..].starts_with('’') || text[end..].starts_with('\''))
    {
        let after = &text[end + 1 + usize::from(text[end..].starts_with('’')) * 2..];
        let mut ac = after.chars();
        if ac.next().is_some_and(|c| c == ' ') && ac.next().is_some_and(|c| c.is_lowercase()) {
            end += text[end..].chars().next().map_or(0, char::len_utf8);
        }
    }
    // Initials and dotted acronyms keep their final period: "J.", "U.S.", "a.m."
    if text[end..].starts_with('.') {
        let w = &text[start..end];
        let single_cap = w.chars().count() == 1 && first.is_uppercase();
        let dotted = has_dot && w.split('.').all(|p| p.chars().count() <= 2);
        if single_cap || dotted {
            end += 1;
        }
    }
    end
}
