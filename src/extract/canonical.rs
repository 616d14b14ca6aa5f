//! Which canonical URL claims to trust, and site names derived from hosts.

use url::Url;

/// Second-level labels under a country-code TLD that are public suffixes themselves
/// ("bbc.co.uk", "abc.net.au", "asahi.com.br"...). An approximation of the Public Suffix
/// List good enough for news sites; the `psl` crate would be exact.
const CC_SECOND_LEVELS: &[&str] = &[
    "ac", "co", "com", "edu", "gob", "go", "gov", "govt", "info", "ltd", "me", "mil", "ne", "net", "nic", "nom", "or",
    "org", "plc", "sch",
];

/// Strip the prefixes that make two hosts of one site look different.
fn bare_host(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    for prefix in ["www.", "amp.", "m.", "mobile."] {
        if let Some(rest) = host.strip_prefix(prefix)
            && rest.contains('.')
        {
            return rest;
        }
    }
    host
}

/// The registrable domain of a host ("news.bbc.co.uk" → "bbc.co.uk"), approximately.
pub(super) fn registrable_domain(host: &str) -> String {
    let host = bare_host(host).to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n <= 2 {
        return labels.join(".");
    }
    let tld = labels[n - 1];
    let sld = labels[n - 2];
    let keep = if tld.len() == 2 && CC_SECOND_LEVELS.contains(&sld) { 3 } else { 2 };
    labels[n - keep.min(n)..].join(".")
}

/// The distinctive name in a host: "www.bbc.co.uk" → "bbc", "edition.cnn.com" → "cnn".
pub(super) fn site_label(host: &str) -> Option<String> {
    registrable_domain(host).split('.').next().filter(|l| l.len() >= 2).map(str::to_string)
}

/// Resolve a canonical claim and decide whether to trust it.
///
/// Distrusted: non-http(s) URLs, another registrable site than the page's (syndication or a
/// hijacked tag would merge unrelated articles), and the site's home page (a common CMS
/// default that would collapse every article into one id). Without a page URL only relative
/// claims are dropped, as there is nothing to resolve or compare them against.
pub(super) fn trusted(raw: &str, page: Option<&Url>) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut url = match page {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let host = url.host_str()?.to_string();
    if let Some(page_host) = page.filter(|p| matches!(p.scheme(), "http" | "https")).and_then(Url::host_str)
        && registrable_domain(&host) != registrable_domain(page_host)
    {
        return None;
    }
    if is_home_page(&url) {
        return None;
    }
    Some(url)
}

fn is_home_page(url: &Url) -> bool {
    let path = url.path().trim_end_matches('/').to_ascii_lowercase();
    let home_path =
        matches!(path.as_str(), "" | "/index.html" | "/index.htm" | "/index.php" | "/home" | "/default.aspx");
    home_path && url.query().is_none_or(|q| q.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://www.example.co.uk/news/world-123?utm_source=x").unwrap()
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("www.reuters.com"), "reuters.com");
        assert_eq!(registrable_domain("amp.theguardian.com"), "theguardian.com");
        assert_eq!(registrable_domain("edition.cnn.com"), "cnn.com");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(site_label("www.bbc.co.uk").as_deref(), Some("bbc"));
    }

    #[test]
    fn same_site_canonical_resolved_and_trusted() {
        let p = page();
        assert_eq!(
            trusted("/news/world-123", Some(&p)).map(String::from).as_deref(),
            Some("https://www.example.co.uk/news/world-123")
        );
        // amp./www. and other subdomains of the same registrable site are the same site.
        assert!(trusted("https://amp.example.co.uk/news/world-123", Some(&p)).is_some());
        assert!(trusted("https://example.co.uk/news/world-123#top", Some(&p)).is_some());
    }

    #[test]
    fn other_site_distrusted() {
        let p = page();
        assert_eq!(trusted("https://www.other.com/news/world-123", Some(&p)), None);
        assert_eq!(trusted("https://example.com/news/world-123", Some(&p)), None);
    }

    #[test]
    fn home_page_distrusted() {
        let p = page();
        assert_eq!(trusted("https://www.example.co.uk/", Some(&p)), None);
        assert_eq!(trusted("https://www.example.co.uk", Some(&p)), None);
        assert_eq!(trusted("/", Some(&p)), None);
        assert_eq!(trusted("https://www.example.co.uk/index.html", Some(&p)), None);
        // A query makes it a different page (e.g. "/?p=123" on WordPress).
        assert!(trusted("https://www.example.co.uk/?p=123", Some(&p)).is_some());
    }

    #[test]
    fn without_page_url_absolute_only() {
        assert!(trusted("https://www.example.com/a/b", None).is_some());
        assert_eq!(trusted("/a/b", None), None);
        assert_eq!(trusted("https://www.example.com/", None), None);
        assert_eq!(trusted("javascript:void(0)", None), None);
        assert_eq!(trusted("", None), None);
    }
}
