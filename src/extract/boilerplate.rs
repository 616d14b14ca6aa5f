//! Boilerplate removal around readability: page furniture that sits inside the article
//! container (captions, share bars, newsletter boxes, "related" lists) survives readability's
//! own scoring, so it is removed from the DOM before, and stray lines from the text after.

use std::sync::LazyLock;

use dom_query::{Document, Matcher, NodeRef};
use regex::Regex;

/// Boxes longer than this are not furniture, whatever their class says (a wrapper named
/// "article-share-container" can hold the whole story).
const MAX_BOX_CHARS: usize = 600;
/// A box where links carry more than this share of the text is a link list.
const LINK_LIST_DENSITY: f64 = 0.5;

/// Class/id words of page furniture. Substrings, matched on the lowercased attribute.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"newsletter|signup|sign-up|subscri|promo|advert|outbrain|taboola|related|recommend|most-?read|most-?popular|mostpopular|trending|sharing|share-|-share|sharebar|social|breadcrumb|cookie|consent|gdpr|caption|credit|read-?more|more-?stories|also-?read|see-?also|further-?reading|author-?bio|byline|dateline|timestamp|published-?date|tags|topics|keywords|print-?only|visually-?hidden|sr-only|screen-?reader",
    )
    .expect("static regex")
});

/// Class/id words that mark the story itself: never removed as furniture.
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:article|story|post|entry)(?:[-_]?(?:body|content|text))?$|^(?:main|content)$")
        .expect("static regex")
});

/// Selectors used by [`strip`], compiled once.
pub(super) struct Furniture {
    always: Matcher,
    guarded: Matcher,
    classed: Matcher,
    links: Matcher,
}

impl Furniture {
    pub fn new() -> Self {
        let m = |css: &str| Matcher::new(css).expect("static selector");
        Furniture {
            // Never article text.
            always: m("figcaption, button, select, noscript, [role=dialog], [role=alertdialog]"),
            // Usually furniture, but some sites wrap the whole page in them (ASP.NET forms).
            guarded: m("nav, form, aside, [role=navigation], [role=complementary]"),
            classed: m("[class], [id]"),
            links: m("a"),
        }
    }
}

/// Remove page furniture from the document before readability sees it.
pub(super) fn strip(doc: &Document, f: &Furniture) {
    doc.select_matcher(&f.always).remove();
    let mut doomed: Vec<NodeRef> = Vec::new();
    for node in doc.select_matcher(&f.guarded).nodes() {
        if is_small_or_link_list(node, f) {
            doomed.push(*node);
        }
    }
    for node in doc.select_matcher(&f.classed).nodes() {
        if !is_furniture_named(node) {
            continue;
        }
        if is_small_or_link_list(node, f) {
            doomed.push(*node);
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

fn is_furniture_named(node: &NodeRef) -> bool {
    // Paragraphs and headings are text even when classed oddly ("subscriber-only" paragraphs
    // of a metered article); only containers are furniture.
    const NEVER: &[&str] = &["html", "body", "article", "main", "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"];
    if NEVER.iter().any(|n| node.has_name(n)) {
        return false;
    }
    let mut named = false;
    for attr in ["class", "id"] {
        let Some(value) = node.attr(attr) else {
            continue;
        };
        for token in value.split_whitespace() {
            let token = token.to_ascii_lowercase();
            if CONTENT.is_match(&token) {
                return false;
            }
            named |= FURNITURE.is_match(&token);
        }
    }
    named
}

fn is_small_or_link_list(node: &NodeRef, f: &Furniture) -> bool {
    let text_chars = visible_chars(&node.text());
    if text_chars <= MAX_BOX_CHARS {
        return true;
    }
    let link_chars: usize = dom_query::Selection::from(*node)
        .select_matcher(&f.links)
        .nodes()
        .iter()
        .map(|a| visible_chars(&a.text()))
        .sum();
    link_chars as f64 > LINK_LIST_DENSITY * text_chars as f64
}

fn visible_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whole lines that are furniture wherever they appear (matched on the collapsed paragraph).
static FURNITURE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            advertisement(?:\s*-\s*scroll\s+to\s+continue)? | skip\s+advertisement | ad | sponsored
          | continue\s+reading(?:\s+below)? | story\s+continues(?:\s+below)?(?:\s+advertisement)?
          | (?:image|photo|slide)\s+\d+\s+(?:of|/)\s+\d+ | \d+\s*/\s*\d+
          | (?:last\s+)?(?:updated|published|posted|modified)\b\D{0,40}\d.{0,60}
          | (?:photo|image|picture|video|credit|source)s?\s*:.{0,120}
          | \(?(?:image|photo)\s+credit\s*:.{0,120}
          | (?:read|see)\s+more\s*:.{0,200} | related\s*:.{0,200} | (?:more|also)\s*:.{0,200}
          | share(?:\s+this(?:\s+article|\s+story)?)? | share\s+on\s+\w+ | (?:tweet|email|print|copy\s+link)
          | click\s+(?:here|to\s+\w+).{0,80} | caption | close | loading\.*
        )$",
    )
    .expect("static regex")
});

/// Drop furniture lines from extracted paragraphs, and short headings-without-sentences at
/// the very start (section kickers such as "World", bylines such as "By Jane Doe").
pub(super) fn clean_paragraphs(paragraphs: Vec<String>, title: &str) -> Vec<String> {
    let title = super::clean::fold(title);
    let mut out: Vec<String> = paragraphs
        .into_iter()
        .filter(|p| !FURNITURE_LINE.is_match(p))
        .filter(|p| title.is_empty() || super::clean::fold(p) != title)
        .collect();
    let lead = out.iter().take_while(|p| is_kicker(p)).count();
    // Only when real paragraphs follow: a page that is all short lines is left alone.
    if lead < out.len() {
        out.drain(..lead);
    }
    out
}

/// A short line with no sentence in it: "World", "Politics | Analysis", "By Jane Doe".
fn is_kicker(p: &str) -> bool {
    let words = p.split_whitespace().count();
    words <= 4 && !p.ends_with(['.', '!', '?', '"', '\u{201d}', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn furniture_lines_dropped() {
        let paras = v(&[
            "World",
            "By Jane Doe",
            "Talks resume",
            "The talks resumed on Tuesday.",
            "Advertisement",
            "Image 1 of 8",
            "Photo: Jane Doe, AP",
            "Updated 5:27 am CST, Wednesday, November 20, 2019",
            "Read more: Why the summer talks stalled",
            "Officials said the mood was cautious.",
            "Short subhead",
            "More text follows here.",
        ]);
        assert_eq!(
            clean_paragraphs(paras, "Talks resume"),
            v(&[
                "The talks resumed on Tuesday.",
                "Officials said the mood was cautious.",
                "Short subhead",
                "More text follows here."
            ])
        );
    }

    #[test]
    fn all_short_lines_kept() {
        let paras = v(&["Line one", "Line two"]);
        assert_eq!(clean_paragraphs(paras.clone(), ""), paras);
    }

    #[test]
    fn furniture_boxes_removed_story_kept() {
        let long_para = format!("<p>{}</p>", "Story text with many words in it. ".repeat(40));
        let html = format!(
            r##"<html><body><div class="article-body">{long_para}
            <div class="newsletter-signup"><p>Sign up now</p><form><input></form></div>
            <div class="share-tools"><a href="#">Share</a></div>
            <figure><img src="x.jpg"><figcaption>A caption</figcaption></figure>
            <aside class="pullquote">A pull quote</aside>
            </div><div class="social-wrapper">{long_para}</div></body></html>"##
        );
        let doc = Document::from(html.as_str());
        strip(&doc, &Furniture::new());
        let text = doc.root().text();
        assert!(text.contains("Story text"));
        for gone in ["Sign up now", "Share", "A caption", "A pull quote"] {
            assert!(!text.contains(gone), "{gone} kept");
        }
        // A long, link-free block survives even with a furniture-like class.
        assert_eq!(text.matches("Story text with many words").count(), 2 * 40);
    }
}
