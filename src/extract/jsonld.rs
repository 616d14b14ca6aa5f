//! schema.org JSON-LD: the most reliable metadata a news page carries, when it parses.

use std::collections::HashMap;

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// `[1, 2, ]` / `{"a": 1, }`: invalid JSON that hand-written templates produce.
static TRAILING_COMMA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r",\s*([\]}])").expect("static regex"));

/// JSON-LD blocks bigger than this are skipped (some sites inline whole catalogues).
const MAX_BLOCK_BYTES: usize = 2 * 1024 * 1024;
/// How deep we look for typed objects (real pages nest 2–4 levels).
const MAX_DEPTH: usize = 8;

/// An author named in JSON-LD.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LdAuthor {
    pub name: String,
    /// `@type` says Organization (or a subtype): a publisher, not a person.
    pub is_org: bool,
}

/// What the page's JSON-LD says about the article, merged over all its blocks.
#[derive(Debug, Default)]
pub(super) struct JsonLd {
    pub headline: Option<String>,
    pub authors: Vec<LdAuthor>,
    pub description: Option<String>,
    pub date_published: Option<String>,
    pub date_modified: Option<String>,
    pub in_language: Option<String>,
    pub url: Option<String>,
    pub main_entity_of_page: Option<String>,
    /// Names of organisations (publisher, WebSite, Organization nodes): never authors.
    pub org_names: Vec<String>,
    /// `isAccessibleForFree: false` on the article, its page or one of its parts.
    pub paywalled: bool,
    /// The article's `articleBody`: its whole text, as the publisher states it.
    pub article_body: Option<String>,
}

/// One typed object found in the JSON-LD, with where it was found.
struct Node<'a> {
    obj: &'a serde_json::Map<String, Value>,
    /// Reached only through arrays and `@graph` (a "statement" of the page, not a reference
    /// inside another object such as a related article).
    top_level: bool,
}

impl JsonLd {
    /// Parse every JSON-LD block (`texts`, in document order); malformed ones are skipped.
    pub fn parse<'t>(texts: impl IntoIterator<Item = &'t str>) -> JsonLd {
        let values: Vec<Value> = texts.into_iter().filter_map(parse_block).collect();
        let mut nodes = Vec::new();
        for v in &values {
            collect(v, true, 0, &mut nodes);
        }
        let ids: HashMap<&str, &serde_json::Map<String, Value>> =
            nodes.iter().filter_map(|n| Some((n.obj.get("@id")?.as_str()?, n.obj))).collect();

        let mut ld = JsonLd::default();
        let article = nodes
            .iter()
            .find(|n| n.top_level && has_type(n.obj, is_article_type))
            .or_else(|| nodes.iter().find(|n| has_type(n.obj, is_article_type)));
        let page = nodes.iter().find(|n| n.top_level && has_type(n.obj, is_page_type));
        // The article's own fields first, then the page's (some sites put dates there).
        let sources: Vec<&serde_json::Map<String, Value>> = article.iter().chain(page.iter()).map(|n| n.obj).collect();

        let first_str = |key: &str| sources.iter().find_map(|o| string_of(o.get(key)?));
        ld.headline = first_str("headline").or_else(|| article.and_then(|a| string_of(a.obj.get("name")?)));
        ld.description = first_str("description");
        ld.article_body = article.and_then(|a| a.obj.get("articleBody")).and_then(Value::as_str).map(str::to_string);
        // Other typed statements (ClaimReview, VideoObject...) still date the page.
        let any_top = |key: &str| {
            nodes
                .iter()
                .filter(|n| n.top_level && !has_type(n.obj, is_org_type))
                .find_map(|n| string_of(n.obj.get(key)?))
        };
        ld.date_published = first_str("datePublished")
            .or_else(|| first_str("dateCreated"))
            .or_else(|| any_top("datePublished"))
            .or_else(|| any_top("uploadDate"));
        ld.date_modified = first_str("dateModified").or_else(|| any_top("dateModified"));
        ld.in_language = sources.iter().find_map(|o| language_of(o.get("inLanguage")?));
        ld.url = first_str("url");
        ld.main_entity_of_page = sources.iter().find_map(|o| id_or_string(o.get("mainEntityOfPage")?));
        if let Some(author) = article.and_then(|a| a.obj.get("author").or_else(|| a.obj.get("creator"))) {
            authors_of(author, &ids, &mut ld.authors);
        }
        for o in &sources {
            if let Some(publisher) = o.get("publisher") {
                orgs_of(publisher, &ids, &mut ld.org_names);
            }
        }
        for n in &nodes {
            if (has_type(n.obj, is_org_type) || has_type(n.obj, |t| t == "WebSite"))
                && let Some(name) = n.obj.get("name").and_then(string_of)
            {
                ld.org_names.push(name);
            }
        }
        ld.paywalled = sources.iter().any(|o| {
            not_free(o.get("isAccessibleForFree"))
                || o.get("hasPart")
                    .is_some_and(|parts| as_slice(parts).iter().any(|p| not_free(p.get("isAccessibleForFree"))))
        });
        ld
    }
}

/// Parse one `<script type="application/ld+json">` body, repairing the common breakage.
fn parse_block(text: &str) -> Option<Value> {
    if text.len() > MAX_BLOCK_BYTES {
        return None;
    }
    let t = text.trim();
    let t = t
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("//]]>")
        .trim_end_matches("]]>")
        .trim()
        .trim_end_matches(';');
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    // Raw newlines/tabs inside strings are the usual cause; outside strings they are just
    // whitespace, so blanking every control character is safe. Trailing commas come next.
    let repaired: String = t.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if let Ok(v) = serde_json::from_str(&repaired) {
        return Some(v);
    }
    let repaired = TRAILING_COMMA.replace_all(&repaired, "$1");
    serde_json::from_str(&repaired).ok()
}

/// Gather every object carrying an `@type`, depth-first in document order.
fn collect<'a>(v: &'a Value, top_level: bool, depth: usize, out: &mut Vec<Node<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                collect(item, top_level, depth + 1, out);
            }
        }
        Value::Object(obj) => {
            if obj.contains_key("@type") {
                out.push(Node { obj, top_level });
            }
            for (key, child) in obj {
                let child_top = top_level && key == "@graph";
                if child.is_object() || child.is_array() {
                    collect(child, child_top, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// The local names of an object's `@type` ("http://schema.org/NewsArticle" → "NewsArticle").
fn types(obj: &serde_json::Map<String, Value>) -> impl Iterator<Item = &str> {
    obj.get("@type")
        .map(as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(|t| t.rsplit(['/', ':', '#']).next().unwrap_or(t))
}

fn has_type(obj: &serde_json::Map<String, Value>, pred: impl Fn(&str) -> bool) -> bool {
    types(obj).any(pred)
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || t.ends_with("Posting") || t == "Report"
}

fn is_page_type(t: &str) -> bool {
    t.ends_with("Page")
}

fn is_org_type(t: &str) -> bool {
    t.ends_with("Organization")
        || matches!(t, "Corporation" | "NewsMediaOrganization" | "GovernmentOrganization" | "Brand")
}

fn as_slice(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// A plain string, or the first string of an array.
fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(string_of),
        _ => None,
    }
}

/// `inLanguage`: a tag string or a Language object.
fn language_of(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o.get("alternateName").or_else(|| o.get("name")).and_then(string_of),
        other => string_of(other),
    }
}

/// `mainEntityOfPage`: a URL string or an object with `@id` / `url`.
fn id_or_string(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o.get("@id").or_else(|| o.get("url")).and_then(string_of),
        other => string_of(other),
    }
}

type Ids<'a> = HashMap<&'a str, &'a serde_json::Map<String, Value>>;

/// Follow an `{"@id": ...}` reference to the full object when the page defines it.
fn resolve<'a>(obj: &'a serde_json::Map<String, Value>, ids: &Ids<'a>) -> &'a serde_json::Map<String, Value> {
    if obj.contains_key("name") {
        return obj;
    }
    obj.get("@id").and_then(Value::as_str).and_then(|id| ids.get(id).copied()).unwrap_or(obj)
}

fn authors_of(v: &Value, ids: &Ids, out: &mut Vec<LdAuthor>) {
    for item in as_slice(v) {
        match item {
            Value::String(s) => out.push(LdAuthor { name: s.clone(), is_org: false }),
            Value::Object(o) => {
                let o = resolve(o, ids);
                if let Some(name) = o.get("name").and_then(string_of) {
                    // `["Person", "Organization"]` is a person writing for an organisation.
                    let is_org = has_type(o, is_org_type) && !has_type(o, |t| t == "Person");
                    out.push(LdAuthor { name, is_org });
                }
            }
            _ => {}
        }
    }
}

fn orgs_of(v: &Value, ids: &Ids, out: &mut Vec<String>) {
    for item in as_slice(v) {
        match item {
            Value::String(s) => out.push(s.clone()),
            Value::Object(o) => {
                if let Some(name) = resolve(o, ids).get("name").and_then(string_of) {
                    out.push(name);
                }
            }
            _ => {}
        }
    }
}

fn not_free(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => !b,
        Some(Value::String(s)) => {
            let s = s.trim();
            s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_article_fields() {
        let ld = JsonLd::parse([r#"{
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Talks resume in Geneva",
            "description": "Diplomats meet again.",
            "datePublished": "2025-11-20T10:00:00Z", "dateModified": "2025-11-20T12:00:00Z",
            "inLanguage": "en-GB", "url": "https://example.com/news/1",
            "mainEntityOfPage": {"@type": "WebPage", "@id": "https://example.com/news/1"},
            "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
            "publisher": {"@type": "Organization", "name": "Example News"},
            "isAccessibleForFree": "False"
        }"#]);
        assert_eq!(ld.headline.as_deref(), Some("Talks resume in Geneva"));
        assert_eq!(ld.description.as_deref(), Some("Diplomats meet again."));
        assert_eq!(ld.date_published.as_deref(), Some("2025-11-20T10:00:00Z"));
        assert_eq!(ld.date_modified.as_deref(), Some("2025-11-20T12:00:00Z"));
        assert_eq!(ld.in_language.as_deref(), Some("en-GB"));
        assert_eq!(ld.url.as_deref(), Some("https://example.com/news/1"));
        assert_eq!(ld.main_entity_of_page.as_deref(), Some("https://example.com/news/1"));
        let names: Vec<_> = ld.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Jane Doe", "John Roe"]);
        assert!(ld.org_names.contains(&"Example News".to_string()));
        assert!(ld.paywalled);
    }

    #[test]
    fn graph_with_id_references() {
        let ld = JsonLd::parse([r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","@id":"https://ex.com/#website","name":"Ex Daily"},
            {"@type":"WebPage","@id":"https://ex.com/a/#webpage","datePublished":"2025-01-01"},
            {"@type":["Article","NewsArticle"],"headline":"H","author":{"@id":"https://ex.com/#/person/1"},
             "isPartOf":{"@id":"https://ex.com/a/#webpage"}},
            {"@type":"Person","@id":"https://ex.com/#/person/1","name":"Ann Lee"}
        ]}"#]);
        assert_eq!(ld.headline.as_deref(), Some("H"));
        assert_eq!(ld.authors[0].name, "Ann Lee");
        // Falls back to the WebPage node for a date the article lacks.
        assert_eq!(ld.date_published.as_deref(), Some("2025-01-01"));
        assert!(ld.org_names.contains(&"Ex Daily".to_string()));
        assert!(!ld.paywalled);
    }

    #[test]
    fn malformed_blocks_are_skipped_or_repaired() {
        let ld = JsonLd::parse([
            "{not json at all",
            "",
            "{\"@type\":\"NewsArticle\",\"headline\":\"Line one\nline two\",\"isAccessibleForFree\":false}",
        ]);
        assert_eq!(ld.headline.as_deref(), Some("Line one line two"));
        assert!(ld.paywalled);
    }

    #[test]
    fn trailing_commas_repaired_and_other_types_date_the_page() {
        let ld = JsonLd::parse([r#"{"@type":"ClaimReview","datePublished":"2019-11-18","keywords":["a","b", ],}"#]);
        assert_eq!(ld.date_published.as_deref(), Some("2019-11-18"));
    }

    #[test]
    fn top_level_article_preferred_over_nested_related_article() {
        let ld = JsonLd::parse([
            r#"[{"@type":"NewsArticle","headline":"Main","relatedLink":{"@type":"NewsArticle","headline":"Other"}}]"#,
        ]);
        assert_eq!(ld.headline.as_deref(), Some("Main"));
    }

    #[test]
    fn organisation_author_flagged_and_paywall_in_parts() {
        let ld = JsonLd::parse([r#"{"@type":"NewsArticle","author":{"@type":"NewsMediaOrganization","name":"Wire"},
            "hasPart":{"@type":"WebPageElement","isAccessibleForFree":"false","cssSelector":".paywall"}}"#]);
        assert!(ld.authors[0].is_org);
        assert!(ld.paywalled);
    }

    #[test]
    fn person_typed_also_as_organisation_is_a_person() {
        let ld = JsonLd::parse([r#"{"@type":"NewsArticle","author":[
            {"@type":["Person","Organization"],"name":"Ann Lee"},{"@type":"Organization","name":"Wire"}]}"#]);
        assert!(!ld.authors[0].is_org);
        assert!(ld.authors[1].is_org);
    }
}
