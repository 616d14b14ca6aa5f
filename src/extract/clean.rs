//! Cleaning of metadata strings: whitespace, entities, title suffixes, author bylines.

use std::sync::LazyLock;

use regex::Regex;

/// Collapse every run of whitespace to one space and trim; drop invisible characters
/// (zero-width spaces, soft hyphens, BOMs) that break tokenisation downstream.
pub(super) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        let before = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let start = out.len();
        // Invisible characters are all outside ASCII.
        if word.is_ascii() {
            out.push_str(word);
        } else {
            out.extend(word.chars().filter(|c| !is_invisible(*c)));
        }
        if out.len() == start {
            out.truncate(before);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Decode the HTML entities publishers leave in JSON-LD strings ("Ann &amp; Bob", "&#8217;").
pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let ent = &after[..end];
            let c = if let Some(num) = ent.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                code.and_then(char::from_u32)
            } else {
                named_entity(ent)
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => ' ',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201D}',
        "ldquo" => '\u{201C}',
        "sbquo" => '\u{201A}',
        "bdquo" => '\u{201E}',
        "laquo" => '\u{00AB}',
        "raquo" => '\u{00BB}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "euro" => '\u{20AC}',
        "szlig" => '\u{00DF}',
        _ => return latin_letter(name),
    })
}

/// Accented Latin letters by their entity name (`ouml`, `Eacute`, `ccedil`): the letter, then
/// the accent, the way HTML names them; composed with Unicode's canonical composition.
fn latin_letter(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let base = chars.next().filter(char::is_ascii_alphabetic)?;
    let accent = match chars.as_str() {
        "uml" => '\u{0308}',
        "acute" => '\u{0301}',
        "grave" => '\u{0300}',
        "circ" => '\u{0302}',
        "tilde" => '\u{0303}',
        "ring" => '\u{030A}',
        "cedil" => '\u{0327}',
        "caron" => '\u{030C}',
        _ => return None,
    };
    unicode_normalization::char::compose(base, accent)
}

/// A metadata string made presentable: entities decoded, whitespace collapsed.
pub(super) fn tidy(s: &str) -> String {
    collapse_ws(&decode_entities(s))
}

/// Lowercase letters and digits only: for comparing names across punctuation and case.
pub(super) fn fold(s: &str) -> String {
    folded(s).collect()
}

/// The characters of [`fold`], without collecting them.
pub(super) fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

/// Title separators, longest first so " :: " isn't read as " : ".
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " // ", " • "];

/// Does this title segment name the site rather than the story?
fn names_site(segment: &str, sites: &[String], host_label: Option<&str>) -> bool {
    let f = fold(segment);
    if f.is_empty() {
        return false;
    }
    if sites.iter().any(|s| fold(s) == f) {
        return true;
    }
    let words = segment.split_whitespace().count();
    match host_label {
        // "BBC News" on bbc.co.uk, "Reuters" on reuters.com, "The Guardian" on theguardian.com.
        Some(label) if words <= 5 && label.len() >= 3 => f.contains(label) || (f.len() >= 3 && label.contains(&f)),
        _ => false,
    }
}

/// Strip a site name from either end of a title ("Talks resume - BBC News" → "Talks resume").
///
/// A segment is stripped when it names the site (`sites`: og:site_name, publisher names;
/// `host_label`: "bbc" for bbc.co.uk), when what remains equals the page's h1, or, for the
/// " | " separator that headlines almost never contain, when it is short and the rest is not.
pub(super) fn strip_title_site(title: &str, sites: &[String], host_label: Option<&str>, h1: Option<&str>) -> String {
    let mut t = title.trim().to_string();
    let h1_fold = h1.map(fold).filter(|f| !f.is_empty());
    // Bounded: each round removes one segment.
    for _ in 0..4 {
        let Some((sep, pos)) =
            TITLE_SEPARATORS.iter().filter_map(|sep| t.rfind(sep).map(|pos| (*sep, pos))).max_by_key(|&(_, pos)| pos)
        else {
            break;
        };
        let head = t[..pos].trim();
        let tail = t[pos + sep.len()..].trim();
        if head.is_empty() {
            break;
        }
        let head_words = head.split_whitespace().count();
        let tail_words = tail.split_whitespace().count();
        let strip = names_site(tail, sites, host_label)
            || h1_fold.as_deref().is_some_and(|h| fold(head) == h)
            || (sep == " | " && tail_words <= 4 && head_words >= 3);
        if !strip {
            break;
        }
        t = head.to_string();
    }
    // A site name in front: "BBC News - Talks resume".
    if let Some((sep, pos)) =
        TITLE_SEPARATORS.iter().filter_map(|sep| t.find(sep).map(|pos| (*sep, pos))).min_by_key(|&(_, pos)| pos)
    {
        let head = t[..pos].trim();
        let tail = t[pos + sep.len()..].trim();
        if !tail.is_empty() && names_site(head, sites, host_label) {
            t = tail.to_string();
        }
    }
    t
}

/// "By ", "Analysis by ", "Words and pictures by ", and label lead-ins such as "Text: ".
static BY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:[\p{L}-]+\s+){0,3}by\b\s*:?\s*|^\p{L}{2,15}\s*:\s*").expect("static regex"));

/// "von Jane Doe", "par Jean Dupont": the word for "by" in other languages, before a name.
static FOREIGN_BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:von|par|por|door|av|af)\s+(\p{Lu})").expect("static regex"));

/// Separators between several names in one byline.
static NAME_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*(?:[,;|/•·&]|\band\b|\bund\b|\bet\b)\s*").expect("static regex"));

/// Trailing "in Tehran" / "at the UN" location notes of bylines.
static LOCATION_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:in|at|from)\s+\p{Lu}.*$").expect("static regex"));

/// "(Reuters)", "(required)": parenthetical notes, never part of a name.
static PARENTHETICAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\([^)]*\)?").expect("static regex"));

/// A weekday glued to the name by the page layout ("Jeff FoustMonday").
static GLUED_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Ll})(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$").expect("static regex")
});

/// "cleveland.com", "NJ.com": a site, not a person.
static DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[\w-]+\.(?:com|net|org|co|info|news|[a-z]{2})\b").expect("static regex"));

/// Words that mark a job title, desk or placeholder, not a person ("Senior Correspondent",
/// "Reuters Staff", "Editor-at-large", "Гость").
const ROLE_WORDS: &[&str] = &[
    "correspondent",
    "editor",
    "editors",
    "editorial",
    "reporter",
    "reporters",
    "writer",
    "writers",
    "staff",
    "contributor",
    "contributors",
    "columnist",
    "bureau",
    "desk",
    "newsroom",
    "producer",
    "journalist",
    "photographer",
    "team",
    "agency",
    "agencies",
    "updated",
    "published",
    "admin",
    "administrator",
    "guest",
    "anonymous",
    "unknown",
    "news",
    "redaktion",
    "redaction",
    "rédaction",
    "redacción",
    "redazione",
    "redação",
    "гость",
    "редакция",
    "автор",
];

/// Lower-case name particles ("van", "de", "bin") that may start a word inside a name.
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "ter", "ten", "bin",
    "ibn", "al", "el", "y", "e", "zu", "af", "av", "st.",
];

/// Post-nominal letters that follow a name after a comma ("Jane Doe, MS, RDN").
const CREDENTIALS: &[&str] = &["phd", "md", "jr", "sr", "esq", "mba", "rn", "ii", "iii"];

/// Turn one raw author value (a name, a byline, a list) into clean person names.
///
/// Drops URLs, handles, job titles, and anything equal to a publisher/site name (`orgs`).
pub(super) fn author_names(raw: &str, orgs: &[String], host_label: Option<&str>) -> Vec<String> {
    let s = tidy(raw);
    if s.is_empty() || looks_like_url(&s) {
        return Vec::new();
    }
    let s = PARENTHETICAL.replace_all(&s, "");
    let s = BY_PREFIX.replace(&s, "");
    let s = FOREIGN_BY.replace(&s, "$1");
    let orgs_folded: Vec<String> = orgs.iter().map(|o| fold(o)).filter(|o| !o.is_empty()).collect();
    // "example.com, Frankfurt, Germany": an outlet, then where it is; no person in it.
    let first = s.split([',', ';', '|']).next().unwrap_or_default().trim();
    let names_outlet = DOMAIN.is_match(first) || orgs_folded.contains(&fold(first));
    if names_outlet && first.len() < s.len() {
        return Vec::new();
    }
    NAME_SPLIT
        .split(&s)
        .filter_map(|part| {
            let part = BY_PREFIX.replace(part.trim(), "");
            let part = LOCATION_SUFFIX.replace(&part, "");
            let part = GLUED_WEEKDAY.replace(&part, "$1");
            let part = part.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'' && c != ')').trim();
            clean_name(part, &orgs_folded, host_label)
        })
        .collect()
}

/// Longest credit kept: a desk or an agency is named in a few words.
const MAX_CREDIT_CHARS: usize = 60;
const MAX_CREDIT_WORDS: usize = 5;

/// A raw author value as a credit line ("dpa", "ORF.at", "Redaktion hessenschau.de"): tidied,
/// without its "By", and `None` for links, handles, markup and sentences.
pub(super) fn credit_name(raw: &str) -> Option<String> {
    let s = tidy(raw);
    let s = BY_PREFIX.replace(&s, "");
    let s = s.trim().trim_matches(|c: char| matches!(c, ',' | ';' | '|' | '-'));
    let s = s.trim();
    let bare = s.to_ascii_lowercase();
    let link = bare.starts_with("http")
        || bare.starts_with("www.")
        || s.contains(['/', '@', '<', '{', '='])
        || s.chars().any(|c| c.is_ascii_digit());
    let fits =
        !s.is_empty() && s.chars().count() <= MAX_CREDIT_CHARS && s.split_whitespace().count() <= MAX_CREDIT_WORDS;
    (fits && !link && s.chars().any(char::is_alphabetic)).then(|| s.to_string())
}

fn looks_like_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("www.")
        || lower.contains("://")
        || (lower.contains('/') && lower.contains('.') && !lower.contains(' '))
}

fn clean_name(part: &str, orgs_folded: &[String], host_label: Option<&str>) -> Option<String> {
    if part.is_empty() || part.chars().count() > 60 || looks_like_url(part) || DOMAIN.is_match(part) {
        return None;
    }
    let words: Vec<&str> = part.split_whitespace().collect();
    if words.len() > 5 {
        return None;
    }
    if part.contains(['@', '#', '<', '>', '=', '{', '}']) || part.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if !part.chars().any(char::is_alphabetic) {
        return None;
    }
    // Role words, also inside hyphenated words ("Editor-at-large").
    let sub_words: Vec<String> =
        part.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if sub_words.iter().any(|w| ROLE_WORDS.contains(&w.as_str())) {
        return None;
    }
    // "The Associated Press", "The Water Coolest": organisations.
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        return None;
    }
    // Names capitalise their words (scripts without case pass).
    if words
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_lowercase) && !PARTICLES.contains(&w.to_lowercase().as_str()))
    {
        return None;
    }
    if words.len() == 1 {
        let w = words[0].trim_end_matches('.');
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        // "MS", "RDN", "AFP": credentials and agency codes.
        if letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase()) {
            return None;
        }
        if CREDENTIALS.contains(&w.to_lowercase().as_str()) {
            return None;
        }
    }
    let f = fold(part);
    if orgs_folded.contains(&f) || host_label.is_some_and(|h| h == f) {
        return None;
    }
    Some(fix_caps(part))
}

/// "JANE DOE" → "Jane Doe": shouting bylines are styling, not the name.
fn fix_caps(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() > 3 && letters.iter().all(|c| c.is_uppercase());
    if !all_caps {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if c.is_alphabetic() {
            if start {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = matches!(c, ' ' | '-' | '\'' | '.');
        }
    }
    out
}

/// Merge author lists keeping the first spelling of each name.
pub(super) fn dedupe_names(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().filter(|n| seen.insert(fold(n))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Vec<String> {
        vec!["BBC News".to_string()]
    }

    #[test]
    fn whitespace_and_entities() {
        assert_eq!(collapse_ws("  a \n\t b\u{a0}c\u{200b} "), "a b c");
        assert_eq!(
            decode_entities("Ann &amp; Bob&#8217;s &#x27;x&#39; &bogus; & co"),
            "Ann & Bob\u{2019}s 'x' &bogus; & co"
        );
        // Accented letters, as CMSs escape them inside JSON-LD.
        assert_eq!(
            decode_entities("zerst&ouml;ren &Eacute;t&eacute; Stra&szlig;e &ccedil;a &quml;"),
            "zerstören Été Straße ça &quml;"
        );
        assert_eq!(tidy(" Tom &amp;\n Jerry "), "Tom & Jerry");
    }

    #[test]
    fn title_site_suffixes_stripped() {
        let none: &[String] = &[];
        assert_eq!(strip_title_site("Iran talks resume - BBC News", &sites(), Some("bbc"), None), "Iran talks resume");
        assert_eq!(strip_title_site("Iran talks resume | Reuters", none, Some("reuters"), None), "Iran talks resume");
        // Section and site, both after pipes.
        assert_eq!(
            strip_title_site(
                "Iran nuclear talks resume in Geneva | World news | The Guardian",
                none,
                Some("theguardian"),
                None
            ),
            "Iran nuclear talks resume in Geneva"
        );
        // Site name in front.
        assert_eq!(strip_title_site("BBC News - Iran talks resume", &sites(), None, None), "Iran talks resume");
        // Matches the h1.
        assert_eq!(
            strip_title_site("Iran talks resume – Daily Planet", none, None, Some("Iran talks resume")),
            "Iran talks resume"
        );
    }

    #[test]
    fn title_dashes_that_belong_to_the_headline_kept() {
        let none: &[String] = &[];
        assert_eq!(
            strip_title_site("Iran - US talks resume in Oman", none, Some("example"), None),
            "Iran - US talks resume in Oman"
        );
        assert_eq!(strip_title_site("BBC News", &sites(), Some("bbc"), None), "BBC News");
    }

    #[test]
    fn authors_cleaned_and_split() {
        let orgs = vec!["Example News".to_string()];
        assert_eq!(author_names("By Jane Doe", &orgs, None), ["Jane Doe"]);
        assert_eq!(author_names("By Jane Doe and John Roe", &orgs, None), ["Jane Doe", "John Roe"]);
        assert_eq!(author_names("Jane Doe, John Roe & Ann Lee", &orgs, None), ["Jane Doe", "John Roe", "Ann Lee"]);
        assert_eq!(author_names("BY JANE DOE", &orgs, None), ["Jane Doe"]);
        assert_eq!(author_names("Jane Doe in Tehran", &orgs, None), ["Jane Doe"]);
        assert_eq!(author_names("Jane Doe, Senior Correspondent", &orgs, None), ["Jane Doe"]);
        assert_eq!(author_names("Jane Doe | Example News", &orgs, None), ["Jane Doe"]);
        assert_eq!(author_names("von Jana Roth", &orgs, None), ["Jana Roth"]);
        assert_eq!(author_names("Par Jean Dupont", &orgs, None), ["Jean Dupont"]);
        assert_eq!(author_names("Ludwig von Mises", &orgs, None), ["Ludwig von Mises"]);
        // An outlet, then its place: no person.
        assert!(author_names("example.de, Frankfurt, Germany", &orgs, None).is_empty());
        assert!(author_names("Example News, Berlin", &orgs, None).is_empty());
    }

    #[test]
    fn publishers_urls_and_handles_dropped() {
        let orgs = vec!["Example News".to_string()];
        assert!(author_names("Example News", &orgs, None).is_empty());
        assert!(author_names("EXAMPLE NEWS", &orgs, None).is_empty());
        assert!(author_names("Reuters", &orgs, Some("reuters")).is_empty());
        assert!(author_names("https://www.facebook.com/janedoe", &orgs, None).is_empty());
        assert!(author_names("@janedoe", &orgs, None).is_empty());
        assert!(author_names("Reuters Staff", &orgs, None).is_empty());
        assert!(author_names("", &orgs, None).is_empty());
        assert!(author_names("The Associated Press", &orgs, None).is_empty());
        assert!(author_names("Cleveland.com", &orgs, None).is_empty());
        assert!(author_names("CNN Editor-at-large", &orgs, None).is_empty());
        assert!(author_names("Гость", &orgs, None).is_empty());
    }

    #[test]
    fn byline_noise_removed() {
        let none: &[String] = &[];
        assert_eq!(author_names("Analysis by Chris Cillizza", none, None), ["Chris Cillizza"]);
        assert_eq!(author_names("Текст: Венера Ерофеева", none, None), ["Венера Ерофеева"]);
        assert_eq!(author_names("Ilana Muhlstein, MS, RDN", none, None), ["Ilana Muhlstein"]);
        assert_eq!(author_names("Jane Doe (Reuters)", none, None), ["Jane Doe"]);
        assert_eq!(author_names("Jeff FoustMonday", none, None), ["Jeff Foust"]);
        assert_eq!(author_names("Ludwig van Beethoven", none, None), ["Ludwig van Beethoven"]);
        assert_eq!(author_names("Martin Luther King, Jr.", none, None), ["Martin Luther King"]);
        assert_eq!(author_names("The Russian and Syrian defense ministries", none, None), Vec::<String>::new());
    }

    #[test]
    fn credits_kept_as_written_links_and_sentences_not() {
        assert_eq!(credit_name(" dpa ").as_deref(), Some("dpa"));
        assert_eq!(credit_name("By AFP").as_deref(), Some("AFP"));
        assert_eq!(credit_name("ORF.at").as_deref(), Some("ORF.at"));
        assert_eq!(credit_name("Redaktion hessenschau.de").as_deref(), Some("Redaktion hessenschau.de"));
        assert_eq!(credit_name("https://example.com/about"), None);
        assert_eq!(credit_name("@wiredesk"), None);
        assert_eq!(credit_name("The staff of the newsroom wrote this story together today"), None);
        assert_eq!(credit_name("  "), None);
    }

    #[test]
    fn names_deduplicated_case_insensitively() {
        let names = vec!["Jane Doe".to_string(), "JANE DOE".to_string(), "John Roe".to_string()];
        assert_eq!(dedupe_names(names), ["Jane Doe", "John Roe"]);
    }
}
