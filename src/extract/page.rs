//! One pass over the parsed document collecting every metadata signal, before readability
//! mutates the tree.

use std::sync::LazyLock;

use dom_query::{Document, Matcher, NodeData, NodeRef, Selection};

use chrono::NaiveDateTime;

use super::clean::{collapse_ws, tidy};
use super::dates;
use super::jsonld::JsonLd;

/// Microdata names inside an `itemprop="author"` element.
static ITEMPROP_NAME: LazyLock<Matcher> = LazyLock::new(|| Matcher::new("[itemprop~=name]").expect("static selector"));

/// Everything the page says about itself, raw (tidied but not yet judged).
#[derive(Default)]
pub(super) struct Signals {
    /// `<meta>` tags as (lowercased name/property/itemprop/http-equiv, content), document order.
    pub metas: Vec<(String, String)>,
    pub jsonld: JsonLd,
    pub html_lang: Option<String>,
    pub title_tag: Option<String>,
    pub h1: Option<String>,
    pub link_canonical: Option<String>,
    /// `<time pubdate>` or else the first `<time datetime>`.
    pub time_datetime: Option<String>,
    /// Microdata outside `<meta>` tags: (itemprop, value), document order.
    pub itemprops: Vec<(String, String)>,
    /// Text of `<a rel="author">` links.
    pub rel_authors: Vec<String>,
    /// The first date written in a short line of text after a headline (see
    /// [`dates::text_date`]): the page's dateline when its metadata carry none.
    pub text_date: Option<NaiveDateTime>,
}

impl Signals {
    /// First non-empty value of a `<meta>` key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metas.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of a `<meta>` key, in document order.
    pub fn metas_of<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.metas.iter().filter(move |(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// The author a social card names in a label/data pair (`twitter:label1` "Written by",
    /// `twitter:data1` "Jane Doe"), the only byline some pages carry in their metadata.
    pub fn social_card_author(&self) -> Option<&str> {
        self.metas.iter().find_map(|(key, label)| {
            let n = key.strip_prefix("twitter:label")?;
            let label = label.to_lowercase();
            let names_author = ["written by", "author", "autor", "auteur", "geschrieben", "verfasst"]
                .iter()
                .any(|w| label.contains(w));
            names_author.then(|| self.meta(&format!("twitter:data{n}"))).flatten()
        })
    }

    /// First microdata value of an itemprop (from `<meta>` or any element).
    pub fn itemprop(&self, key: &str) -> Option<&str> {
        self.itemprops
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .or_else(|| self.meta(&key.to_ascii_lowercase()))
    }

    /// Collect every signal in one walk over the document (no selector passes).
    pub fn collect(doc: &Document) -> Signals {
        let mut walk = Walk::default();
        walk.children(&doc.root(), false);
        let Walk { mut s, ld_texts, title, article_h1, h1, time_pubdate, time, .. } = walk;
        s.jsonld = JsonLd::parse(ld_texts.iter().map(String::as_str));
        s.title_tag = title.map(|t| tidy(&t)).filter(|t| !t.is_empty());
        s.h1 = article_h1.or(h1);
        s.time_datetime = time_pubdate.or(time).map(|d| d.trim().to_string());
        s
    }
}

/// The state of [`Signals::collect`]'s walk: what is gathered, and the firsts found so far.
#[derive(Default)]
struct Walk {
    s: Signals,
    /// Bodies of the JSON-LD scripts.
    ld_texts: Vec<String>,
    seen_html: bool,
    seen_canonical: bool,
    /// Text of the first `<title>`.
    title: Option<String>,
    /// First non-empty `<h1>` inside `<article>` or `<main>`.
    article_h1: Option<String>,
    /// First non-empty `<h1>` anywhere.
    h1: Option<String>,
    /// `datetime` of the first `<time pubdate datetime>`.
    time_pubdate: Option<String>,
    /// `datetime` of the first `<time datetime>`.
    time: Option<String>,
    /// Text nodes still to read for a dateline: none before the first headline, and only so
    /// many after each (a dateline sits next to its headline). `None` until the first headline.
    dateline_budget: Option<usize>,
}

/// Text nodes after a headline searched for a dateline.
const DATELINE_SEARCH_NODES: usize = 200;

impl Walk {
    fn children(&mut self, node: &NodeRef, in_article: bool) {
        let mut child = node.first_child();
        while let Some(c) = child {
            if c.is_element() {
                let in_article = self.element(&c, in_article);
                self.children(&c, in_article);
            } else if c.is_text() {
                self.dateline(&c);
            }
            child = c.next_sibling();
        }
    }

    /// Whether a text node is a dateline (see `Signals::text_date`), while the search is on.
    fn dateline(&mut self, text: &NodeRef) {
        let Some(budget @ 1..) = self.dateline_budget else {
            return;
        };
        let (blank, date) = text.query_or((true, None), |t| match &t.data {
            NodeData::Text { contents } => {
                let line = contents.trim();
                let short = line.len() <= dates::MAX_DATELINE_CHARS * 4
                    && line.chars().nth(dates::MAX_DATELINE_CHARS).is_none();
                (line.is_empty(), short.then(|| dates::text_date(line)).flatten())
            }
            _ => (true, None),
        });
        if !blank {
            self.dateline_budget = Some(budget - 1);
        }
        if date.is_some() {
            self.s.text_date = date;
            self.dateline_budget = Some(0);
        }
    }

    /// Look at one element; returns whether its descendants are inside an article or main.
    fn element(&mut self, node: &NodeRef, in_article: bool) -> bool {
        let Some(el) = node.element_ref() else {
            return in_article;
        };
        let attr = |name: &str| el.attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value);
        let has_token = |name: &str, token: &str| {
            attr(name).is_some_and(|v| v.split_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
        };
        let name: &str = &el.name.local;
        // Each headline opens a new search: the first may be a menu's, far from the story.
        if matches!(name, "h1" | "h2" | "h3") && self.s.text_date.is_none() {
            self.dateline_budget = Some(DATELINE_SEARCH_NODES);
        }
        match name {
            "html" if !self.seen_html => {
                self.seen_html = true;
                self.s.html_lang =
                    attr("lang").or_else(|| attr("xml:lang")).map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
            }
            "meta" => {
                if let Some(content) = attr("content") {
                    let content = collapse_ws(content);
                    for key_attr in ["property", "name", "itemprop", "http-equiv"] {
                        // RDFa allows several properties in one attribute.
                        for key in attr(key_attr).into_iter().flat_map(str::split_whitespace) {
                            self.s.metas.push((key.to_ascii_lowercase(), content.clone()));
                        }
                    }
                }
            }
            "link" if !self.seen_canonical && has_token("rel", "canonical") => {
                if let Some(href) = attr("href") {
                    self.seen_canonical = true;
                    self.s.link_canonical = Some(href.trim().to_string());
                }
            }
            "script"
                if attr("type").is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/ld+json")) =>
            {
                self.ld_texts.push(node.text().to_string());
            }
            "title" if self.title.is_none() => self.title = Some(node.text().to_string()),
            "h1" if self.article_h1.is_none() && (in_article || self.h1.is_none()) => {
                let text = collapse_ws(&node.text());
                if !text.is_empty() {
                    if in_article {
                        self.article_h1 = Some(text.clone());
                    }
                    self.h1.get_or_insert(text);
                }
            }
            "time" => {
                if let Some(datetime) = attr("datetime") {
                    if self.time_pubdate.is_none() && attr("pubdate").is_some() {
                        self.time_pubdate = Some(datetime.to_string());
                    }
                    if self.time.is_none() {
                        self.time = Some(datetime.to_string());
                    }
                }
            }
            "a" if has_token("rel", "author") => {
                let text = collapse_ws(&node.text());
                if !text.is_empty() {
                    self.s.rel_authors.push(text);
                }
            }
            _ => {}
        }
        let in_article = in_article || matches!(name, "article" | "main");
        let props = attr("itemprop").map(str::to_string);
        drop(el);
        if let Some(props) = props {
            self.itemprops(node, &props);
        }
        in_article
    }

    /// Microdata values of one element with an `itemprop` attribute.
    fn itemprops(&mut self, node: &NodeRef, props: &str) {
        for prop in props.split_whitespace() {
            let value = match prop {
                "datePublished" | "dateModified" | "dateCreated" | "inLanguage" | "headline" => node
                    .attr("content")
                    .or_else(|| node.attr("datetime"))
                    .map(|v| collapse_ws(&v))
                    .unwrap_or_else(|| collapse_ws(&node.text())),
                "author" | "creator" => {
                    let sel = Selection::from(*node);
                    let name = sel.select_single_matcher(&ITEMPROP_NAME);
                    if name.exists() {
                        name.attr("content").map(|v| collapse_ws(&v)).unwrap_or_else(|| collapse_ws(&name.text()))
                    } else {
                        node.attr("content").map(|v| collapse_ws(&v)).unwrap_or_else(|| collapse_ws(&node.text()))
                    }
                }
                _ => continue,
            };
            if !value.is_empty() {
                self.s.itemprops.push((prop.to_string(), value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_finds_the_firsts_and_the_preferred() {
        let html = r#"<html lang=" en-GB "><head><title> Talks &amp; more </title>
            <link rel="stylesheet" href="/s.css"><link rel="Canonical" href=" /a/1 "><link rel="canonical" href="/a/2">
            <meta property="og:title article:tag" content=" Talks
              resume "><script type=" Application/LD+JSON ">{"@type":"NewsArticle","headline":"H"}</script><script>x</script></head>
            <body><h1>Site name</h1><time datetime="2025-01-01">then</time>
            <article><h1 itemprop="headline">Talks <b>resume</b></h1>
            <time pubdate datetime=" 2025-02-02T10:00:00Z ">now</time><a rel="AUTHOR external" href="/x"> Ann  Lee </a>
            </article></body></html>"#;
        let s = Signals::collect(&Document::from(html));
        assert_eq!(s.html_lang.as_deref(), Some("en-GB"));
        assert_eq!(s.title_tag.as_deref(), Some("Talks & more"));
        assert_eq!(s.link_canonical.as_deref(), Some("/a/1"));
        assert_eq!(s.meta("og:title"), Some("Talks resume"));
        assert_eq!(s.meta("article:tag"), Some("Talks resume"));
        assert_eq!(s.jsonld.headline.as_deref(), Some("H"));
        // The article's h1 wins over an earlier one, and still counts as microdata.
        assert_eq!(s.h1.as_deref(), Some("Talks resume"));
        assert_eq!(s.itemprop("headline"), Some("Talks resume"));
        // `<time pubdate>` wins over an earlier `<time>`.
        assert_eq!(s.time_datetime.as_deref(), Some("2025-02-02T10:00:00Z"));
        assert_eq!(s.rel_authors, ["Ann Lee"]);
    }
}
