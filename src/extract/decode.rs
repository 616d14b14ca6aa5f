//! Bytes → text: pick the page's character encoding and decode it with `encoding_rs`.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use regex::bytes::Regex;

/// How far into the body we look for a `<meta charset>`. The HTML standard says 1024 bytes, but
/// real news pages often put a kilobyte or more of scripts and other metas first.
const META_PRESCAN_BYTES: usize = 16 * 1024;

/// `charset=` inside a `<meta ...>` tag: covers both `<meta charset="x">` and
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_:.+-]+)"#).expect("static regex")
});

/// Decode a fetched page to a `String`.
///
/// The encoding is chosen, in order, from: a byte-order mark (unambiguous, so it wins as in
/// browsers), the HTTP `Content-Type` charset, a `<meta charset>` / `http-equiv` declaration,
/// and finally `chardetng` detection. One exception to the header's authority: when it claims
/// UTF-8 but the bytes are clearly not UTF-8 (a common server default on legacy pages), the
/// page's own declaration and detection decide instead. A few stray bad bytes in otherwise
/// valid UTF-8 don't count: that page is UTF-8 with damage, and reading it as anything else
/// would garble all of it. Malformed sequences become U+FFFD; never fails.
pub fn decode_html(body: &[u8], content_type: Option<&str>) -> String {
    decode_cow(body, content_type).into_owned()
}

/// [`decode_html`] without the copy when the body already is the UTF-8 it should be.
pub(super) fn decode_cow<'b>(body: &'b [u8], content_type: Option<&str>) -> Cow<'b, str> {
    let encoding = choose_encoding(body, content_type);
    // `decode` also strips a BOM, and re-sniffs it (it would win anyway, see above); it borrows
    // valid UTF-8.
    encoding.decode(body).0
}

/// The encoding `decode_html` uses for `body`.
pub(super) fn choose_encoding(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((bom_encoding, _)) = Encoding::for_bom(body) {
        return bom_encoding;
    }
    // Computed lazily: only UTF-8 claims and undeclared pages need it.
    let mut utf8 = None;
    let mut is_utf8 = || *utf8.get_or_insert_with(|| plausibly_utf8(body));
    if let Some(encoding) = content_type.and_then(http_charset)
        && (encoding != UTF_8 || is_utf8())
    {
        return encoding;
    }
    if let Some(encoding) = meta_charset(body)
        && (encoding != UTF_8 || is_utf8())
    {
        return encoding;
    }
    if is_utf8() {
        return UTF_8;
    }
    // We never run the page's scripts, so ISO-2022-JP's script-injection risk doesn't apply.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(body, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// Valid UTF-8, or UTF-8 with rare damage: at least 10 well-formed non-ASCII characters per
/// malformed sequence. Legacy 8-bit text makes almost no well-formed multi-byte sequences.
fn plausibly_utf8(body: &[u8]) -> bool {
    let mut rest = body;
    let mut good = 0usize;
    let mut bad = 0usize;
    loop {
        match std::str::from_utf8(rest) {
            // Valid throughout: no need to count.
            Ok(_) if bad == 0 => return true,
            Ok(_) => {
                good += count_non_ascii_chars(rest);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                good += count_non_ascii_chars(valid);
                bad += 1;
                match e.error_len() {
                    Some(len) => rest = &after[len..],
                    // Cut short at the end (a truncated download): not evidence either way.
                    None => {
                        bad -= 1;
                        break;
                    }
                }
            }
        }
    }
    bad == 0 || good >= 10 * bad
}

/// Non-ASCII characters in valid UTF-8: one lead byte each.
fn count_non_ascii_chars(valid: &[u8]) -> usize {
    valid.iter().filter(|&&b| b >= 0xC0).count()
}

/// The `charset` parameter of a Content-Type header value, if it names a known encoding.
fn http_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        Encoding::for_label(value.as_bytes())
    })
}

/// The encoding declared by a `<meta>` tag near the start of the document.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_PRESCAN_BYTES)];
    let caps = META_CHARSET.captures(head)?;
    let encoding = Encoding::for_label(caps.get(1)?.as_bytes())?;
    // The HTML standard: a meta tag can't really declare UTF-16 (the prescan read ASCII), and
    // x-user-defined means windows-1252.
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding.name() == "x-user-defined" {
        WINDOWS_1252
    } else {
        encoding
    })
}
