//! Boilerplate removal around readability: page furniture that sits inside the article
//! container (captions, share bars, newsletter boxes, "related" lists) survives readability's
//! own scoring, so it is removed from the DOM before, and stray lines from the text after.

use std::collections::HashMap;
use std::sync::LazyLock;

use dom_query::{Document, Element, NodeData, NodeRef};
use regex::Regex;

/// Boxes longer than this are not furniture, whatever their class says (a wrapper named
/// "article-share-container" can hold the whole story).
const MAX_BOX_CHARS: usize = 600;
/// A box where links carry more than this share of the text is a link list.
const LINK_LIST_DENSITY: f64 = 0.5;
/// A list or paragraph where links carry more than this share of the text is nothing but links,
/// whatever its class: an article's own lists and paragraphs hold sentences around their links.
const ALL_LINKS_DENSITY: f64 = 0.9;
/// Words from which a paragraph made of one link is a headline (see [`is_link_paragraph`]).
const MIN_LINK_PARAGRAPH_WORDS: usize = 3;
/// A `hidden` block with at least this much text outside links is the story, hidden until a script
/// reveals it (streamed pages, paywalls), not a menu or a dialog.
const MIN_HIDDEN_STORY_CHARS: usize = 500;
/// An `<article>` with at least this much text outside links is a story: `<article>`s after it
/// (and outside it) are the next stories of an endless page, or teasers.
const MIN_STORY_ARTICLE_CHARS: usize = 1000;
/// Headings longer than this (in non-space chars) before a link list are story text, not its label.
const MAX_LABEL_CHARS: usize = 60;

/// Class/id words of page furniture. Substrings, matched on the lowercased attribute.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"newsletter|signup|sign-up|subscri|promo|advert|outbrain|taboola|related|recommend|most-?read|most-?popular|mostpopular|trending|sharing|share-|-share|sharebar|social|breadcrumb|cookie|consent|gdpr|caption|credit|read-?more|more-?stories|also-?read|see-?also|further-?reading|author-?bio|byline|dateline|timestamp|published-?date|tags|topics|keywords|print-?only|visually-?hidden|sr-only|screen-?reader|^hidden$|regwall|(?:^|[-_])(?:sign|log)-?in(?:$|[-_])|premium|members?-?only|placeholder",
    )
    .expect("static regex")
});

/// Class/id words of panels that are never the story, whatever their size: consent banners run to
/// thousands of characters, more than a short wire story.
static BANNER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"cookie|consent|gdpr|cmp-?(?:banner|container|dialog)").expect("static regex"));

/// Class/id words that mark the story itself: never removed as furniture.
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:article|story|post|entry)(?:[-_]?(?:body|content|text))?$|^(?:main|content)$")
        .expect("static regex")
});

/// Remove page furniture from the document before readability sees it.
///
/// Two walks over the tree, no selector engine: first the elements that are never article text
/// (and embedded posts, lifted out of their boxes: see [`lift_out_of_its_boxes`]),
/// then the furniture boxes (by element or role, and by class/id words), judged on what remains,
/// and paragraphs and lists of nothing but links (other stories' headlines), a list with its heading.
pub(super) fn strip(doc: &Document) {
    let root = doc.root();
    let mut doomed: Vec<NodeRef> = Vec::new();
    let mut posts: Vec<NodeRef> = Vec::new();
    let mut hidden: Vec<NodeRef> = Vec::new();
    let mut articles: Vec<NodeRef> = Vec::new();
    walk(root, |node| {
        if node.has_name("article") {
            articles.push(*node);
        }
        if is_embedded_post(node) {
            posts.push(*node);
            return false;
        }
        if node.has_attr("hidden") {
            hidden.push(*node);
        }
        let never_text = node.element_ref().is_some_and(|el| {
            matches!(&*el.name.local, "figcaption" | "button" | "select" | "noscript")
                || attr_is(&el, "role", &["dialog", "alertdialog"])
        });
        if never_text {
            doomed.push(*node);
        }
        !never_text
    });
    posts.into_iter().for_each(lift_out_of_its_boxes);
    doomed.extend(stories_after_the_first(&articles));
    for node in doomed.drain(..) {
        node.remove_from_parent();
    }
    for node in hidden.into_iter().filter(holds_hidden_story) {
        node.remove_attr("hidden");
    }
    // Pages repeat their class names: each distinct token is judged once.
    let mut judged: HashMap<String, Token> = HashMap::new();
    walk(root, |node| {
        // A form is furniture when small; a large one may wrap the whole page (ASP.NET), links and all.
        let is_form = node.has_name("form");
        if is_form && CharCounts::of(node).all <= MAX_BOX_CHARS {
            doomed.push(*node);
            return false;
        }
        let named = node.element_ref().and_then(|el| furniture_name(&el, &mut judged));
        if named == Some(Token::Banner) {
            doomed.push(*node);
            return false;
        }
        let candidate = !is_form
            && (named.is_some()
                || node.element_ref().is_some_and(|el| {
                    // Usually furniture, but some sites wrap the whole page in them.
                    matches!(&*el.name.local, "nav" | "aside") || attr_is(&el, "role", &["navigation", "complementary"])
                }));
        if is_link_paragraph(node) {
            doomed.push(*node);
            return false;
        }
        if is_link_list(node) {
            if let Some(label) = node.prev_element_sibling().filter(is_list_label) {
                // `<h4>Trending News</h4><ul>…`: the list's heading goes with it.
                doomed.push(label);
            }
            doomed.push(*node);
            return false;
        }
        if candidate && is_small_or_link_list(node) {
            doomed.push(*node);
            // Its descendants go with it.
            return false;
        }
        true
    });
    for node in doomed {
        node.remove_from_parent();
    }
}

/// Pre-order walk below `root`; `visit` returns whether to descend into the node.
fn walk<'a>(root: NodeRef<'a>, mut visit: impl FnMut(&NodeRef<'a>) -> bool) {
    let mut next = root.first_child();
    while let Some(node) = next {
        let descend = visit(&node);
        next = if descend { node.first_child() } else { None };
        // Next sibling, or the next sibling of the nearest ancestor below `root` that has one.
        let mut cur = node;
        while next.is_none() {
            next = cur.next_sibling();
            if next.is_some() {
                break;
            }
            match cur.parent() {
                Some(parent) if parent.id != root.id => cur = parent,
                _ => return,
            }
        }
    }
}

fn attr_is(el: &Element, name: &str, values: &[&str]) -> bool {
    el.attrs.iter().any(|a| &*a.name.local == name && values.contains(&&*a.value))
}

/// What one class/id word says about its element.
#[derive(Clone, Copy, PartialEq)]
enum Token {
    /// The story itself: never furniture.
    Content,
    Furniture,
    /// Furniture at any size (see [`BANNER`]).
    Banner,
    Neutral,
}

fn judge(word: &str) -> Token {
    let token = word.to_ascii_lowercase();
    if CONTENT.is_match(&token) {
        Token::Content
    } else if BANNER.is_match(&token) {
        Token::Banner
    } else if FURNITURE.is_match(&token) {
        Token::Furniture
    } else {
        Token::Neutral
    }
}

/// What an element's class and id words make it: `Furniture`, `Banner` or nothing (`None`).
fn furniture_name(el: &Element, judged: &mut HashMap<String, Token>) -> Option<Token> {
    // Paragraphs and headings are text even when classed oddly ("subscriber-only" paragraphs
    // of a metered article); only containers are furniture.
    const NEVER: &[&str] = &["html", "body", "article", "main", "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"];
    if NEVER.contains(&&*el.name.local) {
        return None;
    }
    let mut named = None;
    for attr in el.attrs.iter().filter(|a| matches!(&*a.name.local, "class" | "id")) {
        for word in attr.value.split_whitespace() {
            let verdict = match judged.get(word) {
                Some(v) => *v,
                None => *judged.entry(word.to_string()).or_insert_with(|| judge(word)),
            };
            match verdict {
                Token::Content => return None,
                Token::Banner => named = Some(Token::Banner),
                Token::Furniture => named = named.or(Some(Token::Furniture)),
                Token::Neutral => {}
            }
        }
    }
    named
}

/// The `<article>`s that follow the first story-sized one (see [`MIN_STORY_ARTICLE_CHARS`]) and lie
/// outside it, `articles` being every `<article>` in document order.
fn stories_after_the_first<'a>(articles: &[NodeRef<'a>]) -> Vec<NodeRef<'a>> {
    if articles.len() < 2 {
        return Vec::new();
    }
    let story_sized = |node: &NodeRef| {
        let counts = CharCounts::of(node);
        counts.all - counts.in_links >= MIN_STORY_ARTICLE_CHARS
    };
    let Some(first) = articles.iter().position(story_sized) else {
        return Vec::new();
    };
    let story = articles[first];
    let inside_story = |node: &NodeRef| node.ancestors_it(None).any(|a| a.id == story.id);
    articles[first + 1..].iter().filter(|a| !inside_story(a)).copied().collect()
}

/// Whether a `hidden` element holds the story (see [`MIN_HIDDEN_STORY_CHARS`]).
fn holds_hidden_story(node: &NodeRef) -> bool {
    let counts = CharCounts::of(node);
    let outside_links = counts.all - counts.in_links;
    outside_links >= MIN_HIDDEN_STORY_CHARS && counts.in_links as f64 <= LINK_LIST_DENSITY * counts.all as f64
}

fn is_small_or_link_list(node: &NodeRef) -> bool {
    let counts = CharCounts::of(node);
    counts.all <= MAX_BOX_CHARS || counts.in_links as f64 > LINK_LIST_DENSITY * counts.all as f64
}

/// Classes of the `<blockquote>` a social network's embed code writes: X/Twitter, Instagram,
/// TikTok, Bluesky, Mastodon, Threads, Facebook, Reddit.
const EMBEDDED_POST_CLASSES: [&str; 9] = [
    "twitter-tweet",
    "twitter-video",
    "instagram-media",
    "tiktok-embed",
    "bluesky-embed",
    "mastodon-embed",
    "text-post-media",
    "fb-xfbml-parse-ignore",
    "reddit-embed-bq",
];

/// Whether an element is the `<blockquote>` of an embedded post (see [`EMBEDDED_POST_CLASSES`]).
fn is_embedded_post(node: &NodeRef) -> bool {
    node.element_ref().is_some_and(|el| {
        &*el.name.local == "blockquote"
            && el.attrs.iter().any(|a| {
                &*a.name.local == "class"
                    && a.value.split_whitespace().any(|class| EMBEDDED_POST_CLASSES.contains(&class))
            })
    })
}

/// Lift an embedded post out of the boxes its embed code sits in (`<div class="social-media-embed">`),
/// while a box holds nothing else: readability drops such boxes by their class, but a post is often
/// the story's source, an official's own words.
fn lift_out_of_its_boxes(post: NodeRef) {
    while let Some(parent) = post.parent() {
        let box_element =
            parent.element_ref().is_some_and(|el| !matches!(&*el.name.local, "html" | "body" | "article" | "main"));
        let holds_only_post = parent
            .children_it(false)
            .all(|c| c.id == post.id || c.has_name("script") || (!c.is_element() && c.text().trim().is_empty()));
        if !(box_element && holds_only_post) {
            break;
        }
        post.unwrap_node();
    }
}

/// A short heading (not the page's `<h1>`) right before a link list: its label.
fn is_list_label(node: &NodeRef) -> bool {
    node.element_ref().is_some_and(|el| matches!(&*el.name.local, "h2" | "h3" | "h4" | "h5" | "h6"))
        && node.text().chars().filter(|c| !c.is_whitespace()).count() <= MAX_LABEL_CHARS
}

/// A paragraph that is nothing but a link of a few words (`<p><a>CO-FOUNDER 'PROUD' OF HOME DEPOT
/// EMPLOYEES</a></p>`): another story's headline between the story's paragraphs. A bare address
/// (`<p><a>www.example.com</a></p>`) is one word, and stays: articles cite their sources so.
fn is_link_paragraph(node: &NodeRef) -> bool {
    node.has_name("p")
        && is_all_links(node)
        && node.text().split_whitespace().nth(MIN_LINK_PARAGRAPH_WORDS - 1).is_some()
}

/// A list (`<ul>`, `<ol>`) of nothing but links: headlines of other stories, section links. Not a
/// list of the story's authors (`<ul class="author-list">`), the byline readability looks for.
fn is_link_list(node: &NodeRef) -> bool {
    node.element_ref().is_some_and(|el| {
        matches!(&*el.name.local, "ul" | "ol")
            && !el
                .attrs
                .iter()
                .any(|a| matches!(&*a.name.local, "class" | "id") && a.value.to_ascii_lowercase().contains("author"))
    }) && is_all_links(node)
}

/// Whether links carry nearly all of a subtree's text (see [`ALL_LINKS_DENSITY`]).
fn is_all_links(node: &NodeRef) -> bool {
    let counts = CharCounts::of(node);
    counts.all > 0 && counts.in_links as f64 > ALL_LINKS_DENSITY * counts.all as f64
}

/// Non-whitespace characters of a subtree's text, and those inside its links.
#[derive(Default)]
struct CharCounts {
    all: usize,
    in_links: usize,
}

impl CharCounts {
    fn of(node: &NodeRef) -> Self {
        let mut counts = CharCounts::default();
        count_visible(node, false, &mut counts);
        counts
    }
}

fn count_visible(node: &NodeRef, in_link: bool, counts: &mut CharCounts) {
    let mut child = node.first_child();
    while let Some(c) = child {
        if c.is_text() {
            let n = c.query_or(0, |t| match &t.data {
                NodeData::Text { contents } => contents.chars().filter(|ch| !ch.is_whitespace()).count(),
                _ => 0,
            });
            counts.all += n;
            if in_link {
                counts.in_links += n;
            }
        } else if c.is_element() {
            count_visible(&c, in_link || c.has_name("a"), counts);
        }
        child = c.next_sibling();
    }
}

/// Whole lines that are furniture wherever they appear (matched on the collapsed paragraph).
/// Word boundaries are ASCII (`(?-u:\b)`): a Unicode one would keep the regex off its fast
/// automaton on any page with a non-ASCII character.
static FURNITURE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
          # advertising and paywall interruptions
            advertisement(?:\s*-\s*scroll\s+to\s+continue)? | skip\s+advertisement | ad | adverts? | sponsored
          | iklan | anzeige | publicidad | publicité | pubblicità | реклама
          | continue\s+reading(?:\s+below)? | story\s+continues(?:\s+below)?(?:\s+advertisement)?
          | this\s+slideshow\s+requires\s+javascript\.? | loading(?:\s+content)?\s*\.*
          # galleries, captions and credits
          | (?:image|photo|slide)\s+\d+\s+(?:of|/|of\s*/)\s+\d+ | \d+\s*/\s*\d+ | \d+\s+of\s+\d+
          | (?:photo|image|picture|video|credit|source|foto|фото)s?\s*:.*
          | \(?(?:image|photo)\s+credit\s*:.* | caption
          | in\s+this\s+.{0,60}?(?-u:\b)(?:photo|image|picture)(?-u:\b).*
          # datelines of the page, not of the story
          | \|?\s*(?:last\s+)?(?:updated|published|posted|modified)(?-u:\b)\D{0,40}\d.{0,60}
          | (?:veröffentlicht|aktualisiert|zuletzt\s+aktualisiert|erstellt|publié|mis\s+à\s+jour|publicado|actualizado
            |pubblicato|aggiornato|gepubliceerd|bijgewerkt|publisert|oppdatert|publicerad|uppdaterad
            |stand\s*:)(?:\s|:)\D{0,40}\d.{0,60}
          | (?:lesedauer|lesezeit|reading\s+time|temps\s+de\s+lecture|tiempo\s+de\s+lectura)\s*:?\s*\d+\s*\w*\.?
          | \d+\s*min(?:ute)?s?\.?\s+read
          | (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?
            (?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}
              | \d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})(?-u:\b)
            [\d\s:,.@·|–—-]*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4})?(?:\s*[·|–—-]\s*updated:?.{0,60})?
          # reporting credits at the foot of wire copy
          | \(?(?:additional\s+)?(?:reporting|writing|editing)\s+by(?-u:\b).*
          | [^.]*(?-u:\b)contributed(?:\s+reporting)?(?:\s+to\s+this\s+(?:report|story|article))?(?:\s+from\s+[^.]{1,60})?\.?
          # how to reach the author
          | (?:e-?mail|write\s+to|reach|contact|follow)(?-u:\b).*(?:@\w|twitter\.com).*
          | follow\s+.{1,60}\s+on\s+(?:twitter|facebook|instagram)(?-u:\b).*
          # related, recommended and navigation boxes
          | (?:read|see)\s+more\s*:.* | related\s*:.* | (?:more|also)\s*:.*
          | don[’']?t\s+miss | tags? | topics | home | latest | popular | learn\s+more
          | you\s+(?:may|might)\s+also\s+(?:like|enjoy)\W{0,3} | want\s+more\s+stories\s+like\s+this\?
          | (?:related|recommended|more|latest|recent|top)\s+(?:stories|articles|posts|news|videos)(?:\s+(?:from|in)\s+.{1,60})?
          | recommended(?:\s+for\s+you)? | trending(?:\s+now)? | most\s+(?:read|popular|viewed)(?:\s+stories)?
          | popular\s+this\s+week
          # sharing, comments, corrections
          | share(?:\s+this(?:\s+article|\s+story)?)? | share\s+on\s+\w+ | (?:tweet|email|print|copy\s+link)
          | sharing\s+is\s+caring!? | like\s+this\s+(?:story|article)\?.{0,60}
          | (?:\d+\s+)?comments? | join\s+the\s+conversation\W{0,3} | tell\s+us\s+what\s+you\s+think\W{0,3}
          | (?:report|submit)\s+(?:an\s+)?(?:error|typo|correction)
          | click\s+(?:here|to\s+\w+).* | close
          # newsletters and subscriptions
          | subscribe | (?:sign\s+up|subscribe)\s+(?:to|for)\s+.{0,60}(?-u:\b)newsletters?(?-u:\b).*
          | you(?:[’']ve|\s+have)\s+been\s+successfully\s+subscribed\W{0,3}
          # footers
          | (?:copyright\s*)?(?:©|ⓒ|\(c\)|@)?\s*(?:copyright\s*)?\d{4}(?-u:\b).*all\s+rights\s+reserved\.?
          | copyright\s*(?:©|ⓒ|\(c\)|@)?\s*\d{4}(?-u:\b).*
        )$",
    )
    .expect("static regex")
});

/// A byline standing alone: `By Jane Doe`, `By Reuters`, `By Jane Doe and John Roe - 11/18/19 11:04 PM EST`.
/// Case-sensitive, and a tail after the names only of dates and times, so that `By Tuesday, the talks
/// had collapsed.` stays.
static BYLINE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^By\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:and|&)\s+(?:[A-Z][\w.'’-]*\s*){1,4})?
          (?:[-–—|,]\s*(?:\d|[/:.,]|\s|[AaPp]\.?[Mm]\.?|[A-Z]{2,4}(?-u:\b)|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?)*)?$",
    )
    .expect("static regex")
});

/// Furniture lines are short: a longer paragraph is never one (which also bounds the patterns).
const MAX_FURNITURE_LINE_CHARS: usize = 320;

fn is_furniture_line(p: &str) -> bool {
    p.chars().nth(MAX_FURNITURE_LINE_CHARS).is_none()
        && (FURNITURE_LINE.is_match(p) || BYLINE_LINE.is_match(p) || is_prompt_line(p))
}

/// A short line asking the reader to act, wherever the words stand in it: `… Click here for more
/// details.`, `… Sign up for The Water Coolest today to get the free daily newsletter.` (Substring
/// tests: as regex alternatives with bounded wildcards they cost more than the rest together.)
fn is_prompt_line(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    has("click here") || has("clicking here") || ((has("sign up") || has("subscribe")) && has("newsletter"))
}

/// Drop furniture lines from extracted paragraphs, and short headings-without-sentences at
/// the very start (section kickers such as "World", bylines such as "By Jane Doe").
pub(super) fn clean_paragraphs(paragraphs: Vec<String>, title: &str) -> Vec<String> {
    let title = super::clean::fold(title);
    let mut out: Vec<String> = paragraphs
        .into_iter()
        .filter(|p| !is_furniture_line(p))
        .filter(|p| title.is_empty() || !super::clean::folded(p).eq(title.chars()))
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
            "DON’T MISS",
            "You may also like...",
            "Subscribe to the Morning Review newsletter",
            "Report Error",
            "Tags",
            "By Justine Coleman - 11/18/19 11:04 PM EST",
            "By Tuesday, the talks had collapsed.",
            "By Reuters",
            "Image 1 of / 23",
            "(Reporting by Parisa Hafezi; Editing by Tom Brown)",
            "Jane Doe contributed reporting from Vienna.",
            "Several countries contributed observers to the mission.",
            "Follow Jane Doe on Twitter @janedoe",
            "Comments",
            "Comments from the minister drew criticism.",
            "Copyright © 2025 Example News. All rights reserved.",
            "Iklan",
            "Nov. 20, 2019, 9:28 AM UTC",
            "September 15, 2014",
            "September 15, 2014 was the day the talks began.",
            "RECENT ARTICLES",
            "In this Dec. 12, 2006, file photo, made available by NASA, two astronauts work outside the station.",
            "Officials said the mood was cautious.",
            "Tags on the cargo listed its origin.",
            "Short subhead",
            "More text follows here.",
            "There's plenty more where that came from. Sign up for The Water Coolest today to get the free daily newsletter.",
            "Get Motor Cycle Monthly delivered every month. 12 issues for £11.99. Click here for more details.",
            "Officials asked citizens to sign up for the census before the talks.",
        ]);
        assert_eq!(
            clean_paragraphs(paras, "Talks resume"),
            v(&[
                "The talks resumed on Tuesday.",
                "By Tuesday, the talks had collapsed.",
                "Several countries contributed observers to the mission.",
                "Comments from the minister drew criticism.",
                "September 15, 2014 was the day the talks began.",
                "Officials said the mood was cautious.",
                "Tags on the cargo listed its origin.",
                "Short subhead",
                "More text follows here.",
                "Officials asked citizens to sign up for the census before the talks."
            ])
        );
    }

    #[test]
    fn datelines_and_reading_times_in_other_languages_dropped() {
        let paras = v(&[
            "Veröffentlicht am 27.04.24 um 07:39 Uhr",
            "Stand: 20:03 Uhr | Lesedauer: 4 Minuten",
            "Publié le 3 mars 2024 à 10h15",
            "Lesezeit 5 Min.",
            "6 min read",
            "The talks resumed on Tuesday.",
            "Stand der Verhandlungen ist, dass 5 Punkte offen sind.",
            "Veröffentlichte Zahlen zeigen 12 Prozent mehr Anträge als im Vorjahr, sagte die Behörde am Montag.",
        ]);
        assert_eq!(
            clean_paragraphs(paras, ""),
            v(&[
                "The talks resumed on Tuesday.",
                "Stand der Verhandlungen ist, dass 5 Punkte offen sind.",
                "Veröffentlichte Zahlen zeigen 12 Prozent mehr Anträge als im Vorjahr, sagte die Behörde am Montag."
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
        strip(&doc);
        let text = doc.root().text();
        assert!(text.contains("Story text"));
        for gone in ["Sign up now", "Share", "A caption", "A pull quote"] {
            assert!(!text.contains(gone), "{gone} kept");
        }
        // A long, link-free block survives even with a furniture-like class.
        assert_eq!(text.matches("Story text with many words").count(), 2 * 40);
    }

    #[test]
    fn hidden_story_revealed_hidden_menus_stay_hidden() {
        let story = "<p>The council voted on Tuesday to reopen the old bridge to traffic. </p>".repeat(12);
        let menu = r#"<li><a href="/a">Politics and government news</a></li>"#.repeat(20);
        let html = format!(
            r#"<html><body><div hidden id="s1"><div class="prose">{story}</div></div>
            <div class="paywall" hidden><p>Members read on.</p></div><div hidden class="menu"><ul>{menu}</ul></div></body></html>"#
        );
        let doc = Document::from(html.as_str());
        strip(&doc);
        assert!(!doc.select("#s1").has_attr("hidden"), "the story stays hidden");
        assert!(doc.select(".paywall").has_attr("hidden"), "a short hidden box is revealed");
        assert!(doc.select(".menu").has_attr("hidden"), "a hidden menu is revealed");
    }

    #[test]
    fn consent_panels_go_whatever_their_size_sign_in_boxes_when_small() {
        let legal = "<p>We and our partners store and access information on your device for ads and measurement. </p>"
            .repeat(40);
        let story = "<p>The council voted on Tuesday to reopen the old bridge to traffic.</p>".repeat(3);
        let html = format!(
            r#"<html><body><div id="cookie-consent-panel">{legal}</div><div class="story-text">{story}
            <div class="article-block__sign-in-group"><p>This content is reserved for subscribers only.</p></div>
            <div class="blog-inner"><p>Kept: not a sign-in box.</p></div></div></body></html>"#
        );
        let doc = Document::from(html.as_str());
        strip(&doc);
        let text = doc.root().text();
        assert!(text.contains("reopen the old bridge"));
        assert!(text.contains("Kept:"));
        assert!(!text.contains("partners store"), "a consent panel kept");
        assert!(!text.contains("reserved for subscribers"), "a sign-in box kept");
    }

    #[test]
    fn the_next_story_of_an_endless_page_goes() {
        let story = |words: &str| format!("<p>{}</p>", format!("{words} ").repeat(60));
        let html = format!(
            r#"<html><body><main><article class="teaser"><p>Short teaser.</p></article>
            <article id="first"><h1>First</h1>{}<article class="quote"><p>Nested kept.</p></article></article>
            <div class="under"><article id="next"><h1>Next</h1>{}</article></div></main></body></html>"#,
            story("The council voted to reopen the bridge."),
            story("Rumours of a comeback grew on Monday.")
        );
        let doc = Document::from(html.as_str());
        strip(&doc);
        let text = doc.root().text();
        assert!(text.contains("reopen the bridge"));
        assert!(text.contains("Nested kept."));
        assert!(text.contains("Short teaser."), "an article before the story is not judged");
        assert!(!text.contains("comeback"), "the next story kept");
    }

    #[test]
    fn a_list_of_the_authors_links_is_a_byline_not_a_link_list() {
        let html = r#"<html><body><article><h1>Talks</h1><ul class="metaAuthorList"><li><a href="/author/jd">Jane Doe</a></li></ul>
            <p>The talks resumed on Tuesday.</p><ul><li><a href="/x">Another story from elsewhere</a></li></ul></article></body></html>"#;
        let doc = Document::from(html);
        strip(&doc);
        let text = doc.root().text();
        assert!(text.contains("Jane Doe"));
        assert!(!text.contains("Another story"));
    }

    #[test]
    fn a_form_around_the_whole_page_is_kept_a_small_one_goes() {
        let story = "<p>The council voted on Tuesday to reopen the old bridge to traffic.</p>".repeat(10);
        let links = r#"<li><a href="/x">Another section of the site with a long name</a></li>"#.repeat(40);
        let html = format!(
            r#"<html><body><form id="page"><ul>{links}</ul><div class="body">{story}</div></form>
            <form class="search"><input name="q"><p>Search the site</p></form></body></html>"#
        );
        let doc = Document::from(html.as_str());
        strip(&doc);
        let text = doc.root().text();
        assert!(text.contains("reopen the old bridge"));
        assert!(!text.contains("Search the site"));
    }

    #[test]
    fn long_link_lists_removed_content_words_win() {
        let links = r#"<li><a href="/x">Another related story with a long headline here</a></li>"#.repeat(20);
        let html = format!(
            r#"<html><body><div class="related-stories"><ul>{links}</ul></div>
            <div class="story-body related"><p>Kept: a content word on the same element wins.</p></div>
            <div class="Share-Bar"><div class="share-bar">x</div></div><p>End.</p></body></html>"#
        );
        let doc = Document::from(html.as_str());
        strip(&doc);
        let text = doc.root().text();
        assert!(!text.contains("Another related story"), "a long link list is furniture");
        assert!(text.contains("Kept:"));
        assert!(!text.contains('x'));
        assert!(text.contains("End."));
    }

    #[test]
    fn link_lists_and_headline_links_go_whatever_their_class() {
        let html = r#"<html><body><div class="story"><p>The talks resumed on Tuesday in Geneva.</p>
            <ul><li>Enrichment stays capped, <a href="/a">the text says</a>.</li><li>Sanctions ease in stages.</li></ul>
            <figure class="content-recirculation"><h4 class="headline">
                Trending News
            </h4><ul><li><a href="/x">Video shows dramatic rescue of kidnapped girl</a></li>
            <li><a href="/y">Another story from elsewhere on the site</a></li></ul></figure>
            <p><strong><a href="/z">IRAN'S PARLIAMENT BACKS THE DRAFT</a></strong></p>
            <p>Read the agency's <a href="/r">report on the site</a> for details.</p>
            <p>Source: <a href="/s">www.iaea.org</a></p><p><a href="/s">www.iaea.org</a></p>
            <h3>What the deal says</h3><ol><li>Caps on enrichment</li></ol></div></body></html>"#;
        let doc = Document::from(html);
        strip(&doc);
        let text = doc.root().text();
        let kept = ["The talks resumed", "Enrichment stays capped", "Sanctions ease", "What the deal says", "Caps on"];
        // A paragraph with a link inside a sentence, and a bare address, are the story's.
        for kept in kept.into_iter().chain(["Read the agency", "report on the site", "Source:"]) {
            assert!(text.contains(kept), "{kept} dropped");
        }
        assert_eq!(text.matches("www.iaea.org").count(), 2);
        for gone in ["Trending News", "Video shows", "Another story", "PARLIAMENT BACKS"] {
            assert!(!text.contains(gone), "{gone} kept");
        }
    }
}
