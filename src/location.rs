//! Where a source or an article lives: an http(s) URL, or a local file for offline replay.
//!
//! A plain value the configuration, the fetcher and the pollers all speak, so it sits below them.

use std::path::PathBuf;

use url::Url;

/// Where a source (or an article) lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLocation {
    /// An http or https URL.
    Http(Url),
    /// A local file, given as a path or `file://` URL.
    File(PathBuf),
}

/// A source address that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    /// Neither http(s), file:// nor a path.
    #[error("unsupported scheme `{0}`: use http, https, file:// or a local path")]
    Scheme(String),
    /// A file:// URL that names no local file.
    #[error("`{0}` is not a local file URL")]
    BadFileUrl(String),
    /// Empty.
    #[error("empty source address")]
    Empty,
}

impl SourceLocation {
    /// Parse an http(s) URL, a `file://` URL or a local path.
    pub fn parse(raw: &str) -> Result<Self, LocationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(LocationError::Empty);
        }
        match Url::parse(raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self::Http(url)),
            Ok(url) if url.scheme() == "file" => {
                url.to_file_path().map(Self::File).map_err(|_| LocationError::BadFileUrl(raw.into()))
            }
            // A one-letter scheme is a Windows drive letter, i.e. a path.
            Ok(url) if url.scheme().len() > 1 => Err(LocationError::Scheme(url.scheme().into())),
            _ => Ok(Self::File(PathBuf::from(raw))),
        }
    }

    /// The location as a URL (`file://` with an absolute path for files), so
    /// relative links in a replayed page resolve against it.
    pub fn as_url(&self) -> Url {
        match self {
            Self::Http(u) => u.clone(),
            Self::File(p) => {
                let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                Url::from_file_path(&abs).unwrap_or_else(|_| Url::parse("file:///").expect("static URL"))
            }
        }
    }

    /// From a URL found in a feed or page (http(s) or file://).
    pub fn from_url(url: &Url) -> Result<Self, LocationError> {
        Self::parse(url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert!(matches!(SourceLocation::parse("https://a.example/rss"), Ok(SourceLocation::Http(_))));
        assert_eq!(
            SourceLocation::parse("file:///tmp/feed.xml"),
            Ok(SourceLocation::File(PathBuf::from("/tmp/feed.xml")))
        );
        assert_eq!(
            SourceLocation::parse("seeds/samples/feed.xml"),
            Ok(SourceLocation::File(PathBuf::from("seeds/samples/feed.xml")))
        );
        assert_eq!(SourceLocation::parse("ftp://x/y"), Err(LocationError::Scheme("ftp".into())));
        assert_eq!(SourceLocation::parse("  "), Err(LocationError::Empty));
    }

    #[test]
    fn a_local_path_becomes_an_absolute_file_url() {
        let url = SourceLocation::parse("seeds/x.xml").unwrap().as_url();
        assert_eq!(url.scheme(), "file");
        assert!(url.path().ends_with("/seeds/x.xml"));
    }
}
