//! One pass over the parsed document collecting every metadata signal, before readability
//! mutates the tree.

use dom_query::{Document, Matcher, Selection};

use super::clean::{collapse_ws, tidy};
use super::jsonld::JsonLd;

/// Selectors compiled once per [`super::Extractor`].
pub(super) struct Matchers {
    html: Matcher,
    meta: Matcher,
    link: Matcher,
    ld_json: Matcher,
    title: Matcher,
    h1: Matcher,
    article_h1: Matcher,
    time_pubdate: Matcher,
    time: Matcher,
    itemprop: Matcher,
    itemprop_name: Matcher,
    rel_author: Matcher,
}

impl Matchers {
    pub fn new() -> Self {
        let m = |css: &str| Matcher::new(css).expect("static selector");
        Matchers {
            html: m("html"),
            meta: m("meta"),
            link: m("link[rel][href]"),
            ld_json: m("script[type]"),
            title: m("title"),
            h1: m("h1"),
            article_h1: m("article h1, main h1"),
            time_pubdate: m("time[pubdate][datetime]"),
            time: m("time[datetime]"),
            itemprop: m("[itemprop]"),
            itemprop_name: m("[itemprop~=name]"),
            rel_author: m("a[rel~=author]"),
        }
    }
}

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

    /// First microdata value of an itemprop (from `<meta>` or any element).
    pub fn itemprop(&self, key: &str) -> Option<&str> {
        self.itemprops
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .or_else(|| self.meta(&key.to_ascii_lowercase()))
    }

    pub fn collect(doc: &Document, m: &Matchers) -> Signals {
        let mut s = Signals::default();
        let html = doc.select_single_matcher(&m.html);
        s.html_lang =
            html.attr("lang").or_else(|| html.attr("xml:lang")).map(|l| l.trim().to_string()).filter(|l| !l.is_empty());

        for node in doc.select_matcher(&m.meta).nodes() {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let content = collapse_ws(&content);
            for attr in ["property", "name", "itemprop", "http-equiv"] {
                if let Some(keys) = node.attr(attr) {
                    // RDFa allows several properties in one attribute.
                    for key in keys.split_whitespace() {
                        s.metas.push((key.to_ascii_lowercase(), content.clone()));
                    }
                }
            }
        }

        for node in doc.select_matcher(&m.link).nodes() {
            let is_canonical =
                node.attr("rel").is_some_and(|rel| rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")));
            if is_canonical {
                s.link_canonical = node.attr("href").map(|h| h.trim().to_string());
                break;
            }
        }

        let ld_texts: Vec<String> = doc
            .select_matcher(&m.ld_json)
            .nodes()
            .iter()
            .filter(|n| {
                n.attr("type").is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/ld+json"))
            })
            .map(|n| n.text().to_string())
            .collect();
        s.jsonld = JsonLd::parse(ld_texts.iter().map(String::as_str));

        s.title_tag = Some(tidy(&doc.select_single_matcher(&m.title).text())).filter(|t| !t.is_empty());
        s.h1 = first_text(&doc.select_matcher(&m.article_h1)).or_else(|| first_text(&doc.select_matcher(&m.h1)));

        s.time_datetime = doc
            .select_single_matcher(&m.time_pubdate)
            .attr("datetime")
            .or_else(|| doc.select_single_matcher(&m.time).attr("datetime"))
            .map(|d| d.trim().to_string());

        for node in doc.select_matcher(&m.itemprop).nodes() {
            let Some(props) = node.attr("itemprop") else {
                continue;
            };
            for prop in props.split_whitespace() {
                let value = match prop {
                    "datePublished" | "dateModified" | "dateCreated" | "inLanguage" | "headline" => node
                        .attr("content")
                        .or_else(|| node.attr("datetime"))
                        .map(|v| collapse_ws(&v))
                        .unwrap_or_else(|| collapse_ws(&node.text())),
                    "author" | "creator" => {
                        let sel = Selection::from(*node);
                        let name = sel.select_single_matcher(&m.itemprop_name);
                        if name.exists() {
                            name.attr("content").map(|v| collapse_ws(&v)).unwrap_or_else(|| collapse_ws(&name.text()))
                        } else {
                            node.attr("content").map(|v| collapse_ws(&v)).unwrap_or_else(|| collapse_ws(&node.text()))
                        }
                    }
                    _ => continue,
                };
                if !value.is_empty() {
                    s.itemprops.push((prop.to_string(), value));
                }
            }
        }

        s.rel_authors = doc
            .select_matcher(&m.rel_author)
            .nodes()
            .iter()
            .map(|n| collapse_ws(&n.text()))
            .filter(|t| !t.is_empty())
            .collect();
        s
    }
}

fn first_text(sel: &Selection) -> Option<String> {
    sel.nodes().iter().map(|n| collapse_ws(&n.text())).find(|t| !t.is_empty())
}
