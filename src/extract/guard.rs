//! Raw HTML made safe and cheap to parse: defences against pathologically nested HTML, and
//! what nothing reads (scripts, styles, drawings, comments) dropped before the parser sees it.
//!
//! html5ever's tree builder costs O(depth) per tag and readability walks ancestors and
//! recurses: 20 000 nested `<div>`s (100 KB) take over a minute and overflow a 2 MB thread
//! stack, which aborts the whole process. Real articles nest 20–100 deep.

use std::ops::Range;

use dom_query::{Document, NodeRef};

/// Raw-HTML nesting beyond which the rest of the page is cut before parsing.
pub(super) const MAX_RAW_NESTING: usize = 1500;
/// DOM depth beyond which subtrees are flattened to their text before readability.
pub(super) const MAX_DOM_DEPTH: usize = 256;

/// What [`scan`] found: where nesting first became absurd, and the bytes that can go.
struct Scan {
    /// Byte offset of the tag at which the estimated nesting first exceeded the limit.
    cut: Option<usize>,
    /// Byte ranges nothing downstream reads (see [`prescan`]), in order, disjoint, all before
    /// `cut`. Only filled when asked for.
    droppable: Vec<Range<usize>>,
}

/// Byte offset of the tag at which the estimated element nesting first exceeds `limit`.
///
/// A cheap, forgiving estimate (open tags minus close tags, minus tags that can't nest):
/// it only has to catch pages far beyond anything real.
pub(super) fn excessive_nesting_at(html: &str, limit: usize) -> Option<usize> {
    scan(html.as_bytes(), limit, false).cut
}

/// Prepare raw HTML for the parser in one pass: cut it before absurd nesting (see
/// [`excessive_nesting_at`]), and drop what no later step reads, which is most of the bytes
/// and a large share of the parse:
///
/// - the contents of `<script>` (except JSON-LD) and `<style>`: readability deletes both;
/// - the contents of inline `<svg>` drawings made only of SVG elements (icons, logos);
/// - the values of `data-*` attributes, except on images and other media, whose lazy-loading
///   attributes readability reads;
/// - comments;
/// - the contents of menus, mastheads, footers and sidebars (`<nav>`, `<header>`, `<footer>`,
///   `<aside>`) holding no paragraph, headline, date or byline: a quarter of a news page's tags,
///   which the boilerplate pass would remove after the parse anyway.
///
/// Elements and attribute names stay; only contents go, and only where their end is certain
/// (a script containing `<!` — an escaped `<!--` or CDATA — is left to the parser). Page text
/// outside those elements, whitespace included, is never touched: readability's heuristics read
/// raw text lengths (a byline is shorter than 100 characters), so it must stay exactly as it
/// was. Returns the text and the cut offset, if any.
pub(super) fn prescan(html: &str, limit: usize) -> (String, Option<usize>) {
    let Scan { cut, droppable } = scan(html.as_bytes(), limit, true);
    let end = cut.unwrap_or(html.len());
    let dropped: usize = droppable.iter().map(|r| r.len()).sum();
    let mut out = String::with_capacity(end - dropped);
    let mut from = 0;
    for range in droppable {
        out.push_str(&html[from..range.start]);
        from = range.end;
    }
    out.push_str(&html[from..end]);
    (out, cut)
}

/// How a tag name matters to the scan.
#[derive(PartialEq)]
enum Kind {
    /// Nests: counts towards the depth.
    Nesting,
    /// Never nests (void elements) or its end tag is implied, so an unclosed one doesn't deepen
    /// the tree; counting them would flag old, sloppy pages.
    Flat,
    /// The tokenizer reads the contents as text up to the end tag (raw text, RCDATA, script
    /// data). Not `noscript`: dom_query parses with scripting off, so its contents are markup.
    RawText,
    /// Everything after it is text.
    Plaintext,
}

/// `name` lowercased into `buf`, or `None` when longer than `buf` (no name of interest is).
fn lowercase<'b>(name: &[u8], buf: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    let lower = buf.get_mut(..name.len())?;
    for (l, c) in lower.iter_mut().zip(name) {
        *l = c.to_ascii_lowercase();
    }
    Some(lower)
}

fn kind(lower: Option<&[u8]>) -> Kind {
    match lower {
        Some(
            b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link" | b"meta" | b"param"
            | b"source" | b"track" | b"wbr" | b"p" | b"li" | b"dt" | b"dd" | b"tr" | b"td" | b"th" | b"option"
            | b"optgroup" | b"thead" | b"tbody" | b"tfoot" | b"colgroup" | b"rb" | b"rt" | b"rp" | b"html" | b"head"
            | b"body" | b"a" | b"nobr" | b"frame" | b"keygen" | b"image",
        ) => Kind::Flat,
        Some(b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed" | b"noframes") => {
            Kind::RawText
        }
        Some(b"plaintext") => Kind::Plaintext,
        _ => Kind::Nesting,
    }
}

/// SVG drawing elements. Inside an `<svg>`, any other tag — a `<div>` or `<p>` breaking out of
/// foreign content, a `<foreignObject>` holding HTML, a `<math>` — is markup the scan does not
/// follow exactly (see [`scan`]). `title`, `desc`, `style` and `script` are handled apart.
fn is_svg_drawing(lower: Option<&[u8]>) -> bool {
    match lower {
        Some(fe) if fe.len() > 2 && fe.starts_with(b"fe") => true,
        Some(name) => matches!(
            name,
            b"a" | b"animate"
                | b"animatemotion"
                | b"animatetransform"
                | b"circle"
                | b"clippath"
                | b"defs"
                | b"ellipse"
                | b"filter"
                | b"g"
                | b"image"
                | b"line"
                | b"lineargradient"
                | b"marker"
                | b"mask"
                | b"metadata"
                | b"mpath"
                | b"path"
                | b"pattern"
                | b"polygon"
                | b"polyline"
                | b"radialgradient"
                | b"rect"
                | b"set"
                | b"stop"
                | b"svg"
                | b"switch"
                | b"symbol"
                | b"text"
                | b"textpath"
                | b"tspan"
                | b"use"
                | b"view"
        ),
        None => false,
    }
}

/// Elements whose `data-*` attributes readability reads (lazy-loaded image sources).
fn is_media(lower: Option<&[u8]>) -> bool {
    matches!(
        lower,
        Some(b"img" | b"picture" | b"figure" | b"source" | b"video" | b"audio" | b"iframe" | b"embed" | b"object")
    )
}

/// Page furniture whose contents go when it holds no text: menus, mastheads, footers, sidebars.
const FURNITURE: [&[u8]; 4] = [b"nav", b"header", b"footer", b"aside"];

/// An open furniture element being scanned.
struct Furniture {
    /// Its tag name, lowercase (one of [`FURNITURE`]).
    name: &'static [u8],
    /// Where its contents start.
    body: usize,
    /// Nested elements of the same name still open, itself included.
    depth: usize,
    /// How many ranges were droppable when it opened: those found inside it go with it.
    drops_before: usize,
    /// Bytes of text outside links read so far (spaces not counted).
    text_bytes: usize,
    /// Whether it holds text or metadata the extraction reads (some sites wrap pages in a `<nav>`,
    /// and mastheads hold headlines, standfirsts and bylines), or closed out of order: then it stays.
    keep: bool,
}

/// Text outside links from which furniture is more than links and labels (a standfirst, a fact
/// box): it stays.
const MAX_FURNITURE_TEXT: usize = 100;

/// A tag whose presence inside furniture says it holds more than links: a paragraph, an article,
/// a headline, a quote, a date, or microdata and author links the metadata pass reads.
fn is_text_or_metadata(lower: Option<&[u8]>, tag: &[u8]) -> bool {
    matches!(lower, Some(b"p" | b"article" | b"main" | b"h1" | b"blockquote" | b"time"))
        || contains_ignore_case(tag, b"itemprop")
        || contains_ignore_case(tag, b"author")
}

/// An open `<svg>` being scanned.
struct Svg {
    /// Where its contents start.
    body: usize,
    /// Nested `<svg>` elements still open, itself included.
    depth: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Index just past the next `byte` at or after `from`, or the end of input.
fn past(b: &[u8], from: usize, byte: u8) -> usize {
    memchr::memchr(byte, &b[from.min(b.len())..]).map_or(b.len(), |e| from + e + 1)
}

/// Walk the tags of `html` the way an HTML tokenizer delimits them: comments, bogus comments,
/// quoted attribute values and raw-text contents are skipped as such, so markup-like text
/// inside them is never taken for a tag.
///
/// Foreign content is where a scan without a tree builder could go wrong (no raw text there,
/// CDATA sections, HTML tags breaking out, integration points holding HTML). So only SVG made of
/// drawing elements, with plain text in its `title`, `desc`, `style` and `script`, is followed;
/// at anything else (and at any `<math>`) the scan stops dropping for the rest of the page and
/// only goes on estimating the nesting.
fn scan(b: &[u8], limit: usize, want_droppable: bool) -> Scan {
    let mut droppable = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    let mut svg: Option<Svg> = None;
    // Furniture elements open, outermost first; links open inside them; text read up to here.
    let mut furniture: Vec<Furniture> = Vec::new();
    let mut links_open = 0usize;
    let mut text_counted_to = 0;
    // Set at markup the scan cannot follow exactly: nothing more is dropped.
    let mut unsure = !want_droppable;
    // Where the contents of the last `<pre>` or `<listing>` start.
    let mut pre_body = None;
    // Where the last tag or comment ended.
    let mut markup_end = 0;
    let mut buf = [0u8; 24];
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let start = i + off;
        i = start + 1;
        if !furniture.is_empty() {
            let from = text_counted_to.max(markup_end);
            if links_open == 0 && from < start {
                let text = b[from..start].iter().filter(|&&c| !is_space(c)).count();
                for open in &mut furniture {
                    open.text_bytes += text;
                    open.keep |= open.text_bytes >= MAX_FURNITURE_TEXT;
                }
            }
            text_counted_to = start;
        }
        match b.get(i) {
            Some(b'!') if b[i..].starts_with(b"!--") => {
                i = comment_end(b, i + 1);
                // Only with nothing but whitespace between it and the markup on either side, so
                // that no text joins up across it ("<" and "b>" into a tag, "&am" and "p;" into an
                // entity, text and whitespace into one run for a table's foster parenting), and
                // not first in a `<pre>`, where the parser would then drop the newline after it.
                if !unsure
                    && svg.is_none()
                    && b[markup_end..start].iter().all(|&c| is_space(c))
                    && markup_follows(b, i)
                    && pre_body != Some(start)
                {
                    droppable.push(start..i);
                }
                markup_end = i;
                continue;
            }
            // A CDATA section in SVG; in HTML a bogus comment (below).
            Some(b'!') if svg.is_some() && b[i..].starts_with(b"![CDATA[") => {
                i = memchr::memmem::find(&b[i..], b"]]>").map_or(b.len(), |e| i + e + 3);
                markup_end = i;
                continue;
            }
            // Doctype, bogus comments, processing instructions.
            Some(b'!' | b'?') => {
                i = past(b, i, b'>');
                markup_end = i;
                continue;
            }
            _ => {}
        }
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        match b.get(i) {
            Some(c) if c.is_ascii_alphabetic() => {}
            // "</>" is dropped; "</ x>" and "</1>" are bogus comments.
            Some(_) if closing => {
                i = past(b, i, b'>');
                markup_end = i;
                continue;
            }
            // A '<' before anything but a letter is text.
            _ => continue,
        }
        let name_start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = &b[name_start..i];
        let lower = lowercase(name, &mut buf);
        let data_values = (!unsure && !closing && svg.is_none() && !is_media(lower)).then_some(&mut droppable);
        let Some(tag_end) = tag_end(b, i, data_values) else {
            // A tag cut off by the end of input is no tag.
            break;
        };
        i = tag_end + 1;
        markup_end = i;
        let self_closing = b[tag_end - 1] == b'/';
        if lower == Some(b"math") {
            unsure = true;
        }
        if matches!(lower, Some(b"pre" | b"listing")) && !closing {
            pre_body = Some(i);
        }
        if let Some(open) = svg.as_mut() {
            match lower {
                Some(b"svg") if closing => {
                    open.depth -= 1;
                    if open.depth == 0 {
                        if !unsure && open.body < start {
                            droppable.push(open.body..start);
                        }
                        svg = None;
                    }
                }
                Some(b"svg") if !self_closing => open.depth += 1,
                Some(b"title" | b"desc" | b"style" | b"script") if !closing && !self_closing => {
                    // Plain text is text in both foreign content and HTML: skip it and its end tag.
                    let end = raw_text_end(b, i, name);
                    if end < b.len() && memchr::memchr(b'<', &b[i..end]).is_none() {
                        i = tag_end_after(b, end, name).map_or(b.len(), |e| e + 1);
                        markup_end = i;
                        continue;
                    }
                    unsure = true;
                    svg = None;
                }
                Some(b"title" | b"desc" | b"style" | b"script") => {}
                _ if is_svg_drawing(lower) => {}
                _ => {
                    unsure = true;
                    svg = None;
                }
            }
        } else if lower == Some(b"svg") && !closing && !self_closing && !unsure {
            svg = Some(Svg { body: i, depth: 1 });
        }
        if svg.is_none() {
            let named = lower.and_then(|l| FURNITURE.into_iter().find(|f| *f == l));
            if lower == Some(b"a") && !self_closing {
                links_open = if closing { links_open.saturating_sub(1) } else { links_open + 1 };
            }
            // Only inside furniture still undecided: the attribute search costs.
            if !closing && furniture.iter().any(|f| !f.keep) && is_text_or_metadata(lower, &b[start..tag_end]) {
                furniture.iter_mut().for_each(|f| f.keep = true);
            }
            match named {
                Some(name) if closing => {
                    if let Some(at) = furniture.iter().rposition(|f| f.name == name) {
                        // Closed out of order (`<header><nav></header>`): the parser closes the
                        // inner ones too, where the scan cannot be sure of its ranges.
                        let out_of_order = at + 1 < furniture.len();
                        furniture.truncate(at + 1);
                        let open = &mut furniture[at];
                        open.keep |= out_of_order;
                        open.depth -= 1;
                        if open.depth == 0 {
                            if !unsure && !open.keep && open.body < start {
                                droppable.truncate(open.drops_before);
                                droppable.push(open.body..start);
                            }
                            furniture.pop();
                        }
                    }
                }
                Some(name) if !self_closing && !unsure => match furniture.last_mut() {
                    Some(open) if open.name == name => open.depth += 1,
                    _ => {
                        // An `<a>` left open before it says nothing of its text.
                        links_open = 0;
                        furniture.push(Furniture {
                            name,
                            body: i,
                            depth: 1,
                            drops_before: droppable.len(),
                            text_bytes: 0,
                            keep: false,
                        });
                    }
                },
                _ => {}
            }
        }
        // Foreign content has no raw text.
        let kind = if svg.is_some() { Kind::Nesting } else { kind(lower) };
        match kind {
            Kind::Plaintext if !closing => break,
            Kind::RawText if !closing => {
                let body_end = if lower == Some(b"script") { script_end(b, i) } else { raw_text_end(b, i, name) };
                let is_script = lower == Some(b"script");
                if !unsure
                    && (is_script || lower == Some(b"style"))
                    && !(is_script && contains_ignore_case(&b[start..tag_end], b"ld+json"))
                    && body_end > i
                    && memchr::memmem::find(&b[i..body_end], b"<!").is_none()
                {
                    droppable.push(i..body_end);
                }
                // Past the end tag too: the element never counted.
                i = if body_end < b.len() {
                    tag_end_after(b, body_end, name).map_or(b.len(), |e| e + 1)
                } else {
                    b.len()
                };
                markup_end = i;
            }
            Kind::RawText | Kind::Plaintext | Kind::Flat => {}
            Kind::Nesting if self_closing => {}
            Kind::Nesting if closing => depth = depth.saturating_sub(1),
            Kind::Nesting => {
                depth += 1;
                if depth > limit {
                    // Nothing from the cut on.
                    droppable.retain(|r| r.end <= start);
                    return Scan { cut: Some(start), droppable };
                }
            }
        }
    }
    Scan { cut: None, droppable }
}

/// Is the next thing after `i`, past any whitespace, markup (a tag, a comment) or the end?
fn markup_follows(b: &[u8], i: usize) -> bool {
    let j = i + b[i..].iter().take_while(|&&c| is_space(c)).count();
    j == b.len()
        || b[j] == b'<' && b.get(j + 1).is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'))
}

/// Index just past the comment whose opening "--" is at `dashes`: after the first "-->" counted
/// from that "--" (so "<!-->" and "<!--->" end at once) or the first "--!>" after it, as in the
/// tokenizer.
fn comment_end(b: &[u8], dashes: usize) -> usize {
    let rest = &b[dashes..];
    let plain = memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
    // "--!>" only closes after the opening dashes, and only an earlier one matters.
    let bang = rest.get(2..plain).and_then(|r| memchr::memmem::find(r, b"--!>")).map_or(plain, |e| 2 + e + 4);
    dashes + plain.min(bang)
}

/// Index of the '>' that ends the tag whose attributes start at `i`, following the tokenizer's
/// attribute states (a '>' inside a quoted value doesn't end the tag); `None` at end of input.
/// The contents of quoted `data-*` values are added to `data_values` when given.
fn tag_end(b: &[u8], mut i: usize, mut data_values: Option<&mut Vec<Range<usize>>>) -> Option<usize> {
    enum State {
        /// Between attributes: a '=' here starts a name, a quote is part of one.
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Unquoted,
    }
    let mut state = State::BeforeName;
    let mut name = 0..0;
    while let Some(&c) = b.get(i) {
        if c == b'>' {
            return Some(i);
        }
        state = match state {
            State::BeforeName if is_space(c) || c == b'/' => State::BeforeName,
            State::Name | State::AfterName if c == b'/' => State::BeforeName,
            State::Name | State::AfterName if c == b'=' => State::BeforeValue,
            State::Name | State::AfterName if is_space(c) => State::AfterName,
            State::Name => {
                name.end = i + 1;
                State::Name
            }
            State::BeforeName | State::AfterName => {
                name = i..i + 1;
                State::Name
            }
            State::BeforeValue if is_space(c) => State::BeforeValue,
            State::BeforeValue if c == b'"' || c == b'\'' => {
                let close = i + 1 + memchr::memchr(c, &b[i + 1..])?;
                if let Some(values) = data_values.as_deref_mut()
                    && close > i + 1
                    && b[name.clone()].get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"data-"))
                {
                    values.push(i + 1..close);
                }
                i = close;
                State::BeforeName
            }
            State::Unquoted if is_space(c) => State::BeforeName,
            State::BeforeValue | State::Unquoted => State::Unquoted,
        };
        i += 1;
    }
    None
}

/// The '>' of the end tag `</name ...>` that starts at `at`.
fn tag_end_after(b: &[u8], at: usize, name: &[u8]) -> Option<usize> {
    tag_end(b, at + 2 + name.len(), None)
}

/// Where the contents of a raw-text element that started at `from` end: at the first
/// `</name` followed by whitespace, '/' or '>' (case-insensitive), or at the end of input.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + off;
        let after = at + 2 + name.len();
        if b.len() >= after
            && b[at + 2..after].eq_ignore_ascii_case(name)
            && b.get(after).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

/// Where the contents of a `<script>` that started at `from` end, following the tokenizer's
/// escaped states: inside "<!--" … "-->", a "<script" makes the next "</script" part of the text.
fn script_end(b: &[u8], from: usize) -> usize {
    let plain = raw_text_end(b, from, b"script");
    if memchr::memmem::find(&b[from..plain], b"<!--").is_none() {
        return plain;
    }
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let is_name_at = |at: usize, name: &[u8]| {
        b.len() >= at + name.len()
            && b[at..at + name.len()].eq_ignore_ascii_case(name)
            && b.get(at + name.len()).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
    };
    let mut state = State::Data;
    let mut i = from;
    while let Some(off) = memchr::memchr2(b'<', b'-', &b[i..]) {
        let at = i + off;
        i = at + 1;
        if b[at] == b'-' {
            if state != State::Data && b[at..].starts_with(b"-->") {
                state = State::Data;
                i = at + 3;
            }
        } else if state == State::Data && b[at..].starts_with(b"<!--") {
            state = State::Escaped;
            // From its dashes: "<!-->" opens and closes at once.
            i = at + 2;
        } else if b.get(at + 1) == Some(&b'/') && is_name_at(at + 2, b"script") {
            if state != State::DoubleEscaped {
                return at;
            }
            state = State::Escaped;
        } else if state == State::Escaped && is_name_at(at + 1, b"script") {
            state = State::DoubleEscaped;
        }
    }
    b.len()
}

/// Case-insensitive search for an ASCII `needle`.
fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Replace every element at `max_depth` that still has element children by its text, so no
/// element is deeper than `max_depth`. Returns how many subtrees were flattened.
pub(super) fn cap_depth(doc: &Document, max_depth: usize) -> usize {
    let mut too_deep: Vec<NodeRef> = Vec::new();
    let mut next = doc.root().first_child();
    let mut depth = 1;
    'walk: while let Some(node) = next {
        if depth >= max_depth && node.is_element() && node.first_element_child().is_some() {
            too_deep.push(node);
        } else if let Some(child) = node.first_child() {
            next = Some(child);
            depth += 1;
            continue;
        }
        // Next sibling, or the next sibling of the nearest ancestor that has one.
        let mut cur = node;
        loop {
            if let Some(sibling) = cur.next_sibling() {
                next = Some(sibling);
                continue 'walk;
            }
            match cur.parent() {
                Some(parent) if depth > 1 => {
                    cur = parent;
                    depth -= 1;
                }
                _ => break 'walk,
            }
        }
    }
    for node in &too_deep {
        let text = node.formatted_text();
        node.set_text(text);
    }
    too_deep.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_estimate_ignores_void_implied_and_script_content() {
        let ok = format!(
            "<html><body>{}<script>{}</script><!-- {} --><svg>{}</svg></body></html>",
            "<p>para<br><img src=x>".repeat(5000),
            "html += '<div>';".repeat(5000),
            "<div>".repeat(5000),
            "<path d='M0'/>".repeat(5000),
        );
        assert_eq!(excessive_nesting_at(&ok, 100), None);
        let bad = format!("<html><body>{}x", "<div><span>".repeat(100));
        let cut = excessive_nesting_at(&bad, 150).expect("too deep");
        assert!(bad[cut..].starts_with("<span>") || bad[cut..].starts_with("<div>"));
        assert_eq!(excessive_nesting_at("<div></div>".repeat(10_000).as_str(), 5), None);
    }

    fn pre(html: &str) -> String {
        prescan(html, MAX_RAW_NESTING).0
    }

    fn non_space(text: &str) -> usize {
        text.bytes().filter(|b| !b.is_ascii_whitespace()).count()
    }

    #[test]
    fn script_and_style_contents_dropped_json_ld_and_escaped_scripts_kept() {
        let html = concat!(
            "<head><style media=\"x>y\">p > a { color: red }</style>",
            "<script type=\"application/ld+json\">{\"headline\": \"H\"}</script>",
            "<SCRIPT>if (a < b) x = \"</div>\";</SCRIPT >",
            "<script><!-- document.write(\"<script>x<\\/script>\") --></script></head>",
            "<body><p>Hi</p></body>"
        );
        assert_eq!(
            pre(html),
            concat!(
                "<head><style media=\"x>y\"></style>",
                "<script type=\"application/ld+json\">{\"headline\": \"H\"}</script>",
                "<SCRIPT></SCRIPT >",
                "<script><!-- document.write(\"<script>x<\\/script>\") --></script></head>",
                "<body><p>Hi</p></body>"
            )
        );
    }

    #[test]
    fn markup_like_text_is_not_taken_for_tags() {
        // Inside comments (which go), RCDATA, raw text and quoted attribute values.
        let html = concat!(
            "<p title='<script>'>a</p><!-- <script> --><b>b</b><textarea><script>c</textarea>",
            "<title><style>d</title><noscript><script>e</script></noscript>",
            "<p>1 < 2 <script>f</script>g</p>"
        );
        assert_eq!(
            pre(html),
            concat!(
                "<p title='<script>'>a</p><b>b</b><textarea><script>c</textarea>",
                "<title><style>d</title><noscript><script></script></noscript>",
                "<p>1 < 2 <script></script>g</p>"
            )
        );
        // A comment ends at "--!>" too, and "<!-->" at once.
        assert_eq!(pre("<!-- a --!><p>real</p><!--> <!---> "), "<p>real</p>  ");
        // Comments that would let their neighbours join up stay.
        for kept in ["1 <<!-- --><b>", "<i>&am<!-- -->p;", "<pre><!-- -->\nx</pre>", "<table>x<!-- --> <td>"] {
            assert_eq!(pre(kept), kept);
        }
    }

    #[test]
    fn svg_drawings_emptied_unless_they_hold_html() {
        assert_eq!(
            pre("<a><svg viewBox=\"0 0 9 9\"><title>Share</title><g><path d=\"M0 0h9\"/></g></svg>Share</a>"),
            "<a><svg viewBox=\"0 0 9 9\"></svg>Share</a>"
        );
        // Nested drawings go with the outer one.
        assert_eq!(pre("<svg><svg><rect/></svg><circle/></svg>x"), "<svg></svg>x");
        // A breakout tag or foreignObject keeps the drawing (and what is inside) for the parser.
        for kept in ["<svg><text>T</text><div>HTML</div></svg>", "<svg><foreignObject><p>P</p></foreignObject></svg>"] {
            assert_eq!(pre(kept), kept);
        }
    }

    #[test]
    fn furniture_emptied_unless_it_holds_text() {
        assert_eq!(
            pre("<nav class=m><ul><li><a href=/a>A</a><nav><a>B</a></nav></ul><!-- x --></nav><p>Story</p>"),
            "<nav class=m></nav><p>Story</p>"
        );
        // A masthead with the headline keeps it, and its menu still goes.
        assert_eq!(
            pre("<header><nav><a>Home</a></nav><h1>Talks resume</h1></header><aside><a>More</a></aside>"),
            "<header><nav></nav><h1>Talks resume</h1></header><aside></aside>"
        );
        // A standfirst is text, links and labels are not.
        let standfirst = "<header><h2>Talks resume</h2><div>Negotiators from Iran and the United States met in \
                          Muscat on Saturday for a fourth round of indirect talks.</div></header>";
        assert_eq!(pre(standfirst), standfirst);
        assert_eq!(
            pre("<footer><a href=/about>About us and our many newsletters</a> Contact | Jobs</footer>"),
            "<footer></footer>"
        );
        // Bylines and dates are metadata: they stay.
        for kept in [
            "<footer><a rel=author href=/j>Jane Doe</a></footer>",
            "<footer><time datetime=2026-12-01>Dec 1</time></footer>",
            "<header><span itemprop=author>Jane Doe</span></header>",
        ] {
            assert_eq!(pre(kept), kept);
        }
        // A page wrapped in a nav, a nav never closed, and furniture closed out of order keep theirs.
        for kept in [
            "<nav><div><h1>Talks resume</h1><p>Story</p></div></nav>",
            "<nav><a>A</a><p>Story</p>",
            "<nav><ul><li>A</ul>",
            "<header><nav><a>A</a></header>",
        ] {
            assert_eq!(pre(kept), kept);
        }
    }

    #[test]
    fn data_attribute_values_dropped_except_on_media() {
        assert_eq!(
            pre("<div data-props='{\"a\":\"<b>\"}' class=\"c\" DATA-x=\"1\" data-y=z><img data-src=\"a.jpg\"></div>"),
            "<div data-props='' class=\"c\" DATA-x=\"\" data-y=z><img data-src=\"a.jpg\"></div>"
        );
    }

    #[test]
    fn prescan_keeps_the_text_the_parser_sees() {
        let html = include_str!("../../tests/fixtures/extract/article_boilerplate.html");
        // Paragraph lines of the body, as the extraction reads them.
        let visible = |html: &str| {
            let doc = Document::from(html);
            doc.select("script, style, svg").remove();
            // Furniture holding no text goes too.
            let text = "p, article, main, h1, blockquote, time, [itemprop], [rel~=author]";
            for block in doc.select("nav, header, footer, aside").iter() {
                let links: usize = block.select("a").iter().map(|a| non_space(&a.text())).sum();
                let own_text = non_space(&block.text()) - links;
                if block.select(text).is_empty() && own_text < MAX_FURNITURE_TEXT {
                    block.children().remove();
                }
            }
            let text = doc.select("body").formatted_text().to_string();
            let lines: Vec<String> = text
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect();
            lines
        };
        assert_eq!(visible(&pre(html)), visible(html));
        assert!(pre(html).len() < html.len());
    }

    proptest::proptest! {
        /// Markup soup from the pieces the scanner cares about: it never panics, and the parser
        /// sees exactly the same text, whitespace included, outside scripts, styles and drawings.
        #[test]
        fn prescan_never_changes_the_visible_text(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "<script>", "</script>", "<script type=\"application/ld+json\">", "<style>", "</style >",
                "<!--", "-->", "--!>", "<svg>", "</svg>", "<path d='M0'/>", "<g>", "</g>", "<div", "<p>", "</p>",
                "<div>", "</div>", ">", "\"", "'", "=", " ", "\n", " data-x=\"v>\"", " class=c", "text", "é",
                "<![CDATA[", "]]>", "</", "<", "<!", "<?x?>", "<textarea>", "</textarea>", "<title>",
                "</title>", "<noscript>", "</noscript>", "<img data-src='a.jpg'>", "<foreignObject>", "<b>",
                "</b>", "<pre>", "</pre>", "<span>", "</span>", "<br>", "<table>", "<td>", "a<b", "1 < 2",
                "<math>", "</math>", "<template>", "</template>", "<plaintext>", "<iframe>", "</iframe>", "<desc>",
            ]),
            0..40,
        )) {
            let html: String = pieces.concat();
            let (out, cut) = prescan(&html, MAX_RAW_NESTING);
            proptest::prop_assert!(cut.is_none());
            let visible = |html: &str| {
                let doc = Document::from(html);
                doc.select("script, style, svg").remove();
                doc.root().text().to_string()
            };
            proptest::prop_assert_eq!(visible(&out), visible(&html), "prescanned: {:?}", out);
        }
    }

    #[test]
    fn cut_before_absurd_nesting_with_nothing_dropped_past_it() {
        let html = format!("<body>{}<p>x</p>", "<div data-a=\"1\">".repeat(50));
        let (out, cut) = prescan(&html, 10);
        let cut = cut.expect("too deep");
        assert!(html[cut..].starts_with("<div data-a=\"1\">"));
        assert!(out.len() <= cut);
        assert!(out.starts_with("<body><div data-a=\"\">"));
    }

    #[test]
    fn deep_subtrees_flattened_to_text() {
        let html = format!("<html><body>{}deep text{}</body></html>", "<div>".repeat(50), "</div>".repeat(50));
        let doc = Document::from(html.as_str());
        assert_eq!(cap_depth(&doc, 100), 0);
        assert!(cap_depth(&doc, 20) > 0);
        assert!(doc.root().text().contains("deep text"));
        // Nothing deeper than the cap remains.
        assert_eq!(cap_depth(&doc, 20), 0);
    }
}
