//! Defences against pathologically nested HTML.
//!
//! html5ever's tree builder costs O(depth) per tag and readability walks ancestors and
//! recurses: 20 000 nested `<div>`s (100 KB) take over a minute and overflow a 2 MB thread
//! stack, which aborts the whole process. Real articles nest 20–100 deep.

use dom_query::{Document, NodeRef};

/// Raw-HTML nesting beyond which the rest of the page is cut before parsing.
pub(super) const MAX_RAW_NESTING: usize = 1500;
/// DOM depth beyond which subtrees are flattened to their text before readability.
pub(super) const MAX_DOM_DEPTH: usize = 256;

/// Tags that never nest (void elements) or whose end tag the parser implies, so an
/// unclosed one doesn't deepen the tree; counting them would flag old, sloppy pages.
const NOT_COUNTED: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"option",
    b"optgroup",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"rb",
    b"rt",
    b"rp",
    b"html",
    b"head",
    b"body",
    b"a",
    b"nobr",
    b"frame",
    b"keygen",
    b"image",
];

/// Elements whose content is not markup: skipped whole so "<div>" inside a script or a JSON
/// blob isn't counted.
const RAW_TEXT: &[&[u8]] = &[b"script", b"style", b"textarea", b"xmp", b"noembed", b"template"];

/// Byte offset of the tag at which the estimated element nesting first exceeds `limit`.
///
/// A cheap, forgiving estimate (open tags minus close tags, minus tags that can't nest):
/// it only has to catch pages far beyond anything real.
pub(super) fn excessive_nesting_at(html: &str, limit: usize) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_len = b[i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':').count();
        if name_len == 0 || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name = b[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        let tag_end = b[i..].iter().position(|&c| c == b'>').map_or(b.len(), |e| i + e);
        let self_closing = tag_end > i && b.get(tag_end - 1) == Some(&b'/');
        if !closing && RAW_TEXT.contains(&name.as_slice()) {
            let mut close = Vec::with_capacity(name.len() + 2);
            close.extend_from_slice(b"</");
            close.extend_from_slice(&name);
            i = find(b, tag_end, &close).unwrap_or(b.len());
            continue;
        }
        i = tag_end.min(b.len());
        if NOT_COUNTED.contains(&name.as_slice()) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > limit {
                return Some(start);
            }
        }
    }
    None
}

/// Case-insensitive search for an ASCII `needle` in `hay` from `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
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
